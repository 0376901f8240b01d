/* SPDX-License-Identifier: MIT */
/*
 * it_common.c - fixtures and helpers shared by the integration tests.
 */
#include "it_common.h"

#include <stdlib.h>
#include <string.h>

void it_check_err_(ldlm_err got, ldlm_err expected, const char *what,
                   const char *file, int line)
{
    if (got == expected)
        return;
    /* Copy the detail first: it is only valid until the next ldlm_ call. */
    char detail[512];
    snprintf(detail, sizeof detail, "%s", ldlm_last_error_message());
    print_error("%s:%d: %s returned %s (%s; \"%s\"), expected %s\n", file, line,
                what, ldlm_err_name(got), ldlm_strerror(got), detail,
                ldlm_err_name(expected));
    _fail(file, line);
}

/* ---- Servers ----------------------------------------------------------------- */

int it_setup_server_dir(void **state)
{
    ldlm_test_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return -1;
    if (ldlm_test_server_init(srv) != 0) {
        free(srv);
        return -1;
    }
    *state = srv;
    return 0;
}

int it_setup_server(void **state)
{
    return it_setup_server_with(state, NULL);
}

int it_setup_server_with(void **state, const char *const *flags)
{
    if (it_setup_server_dir(state) != 0)
        return -1;
    if (ldlm_test_server_start(*state, flags) != 0) {
        /* cmocka runs no teardown after a failed setup. */
        it_teardown_server(state);
        return -1;
    }
    return 0;
}

int it_teardown_server(void **state)
{
    ldlm_test_server *srv = *state;
    if (srv) {
        ldlm_test_server_cleanup(srv);
        free(srv);
        *state = NULL;
    }
    return 0;
}

void it_start_server(ldlm_test_server *srv, const char *const *flags)
{
    if (ldlm_test_server_start(srv, flags) != 0)
        fail_msg("could not start the LDLM server (see its log above)");
}

/* ---- Clients ------------------------------------------------------------------ */

void it_config(ldlm_config *cfg, const ldlm_test_server *srv)
{
    ldlm_config_init(cfg);
    cfg->address = srv->address;
    cfg->call_timeout_ms = IT_CALL_TIMEOUT_MS;
}

ldlm_client *it_client_new(const ldlm_config *cfg)
{
    ldlm_client *client = NULL;
    it_assert_ok(ldlm_client_new(cfg, &client));
    assert_non_null(client);
    return client;
}

ldlm_client *it_client_for(const ldlm_test_server *srv)
{
    ldlm_config cfg;
    it_config(&cfg, srv);
    return it_client_new(&cfg);
}

ldlm_handle *it_try_acquire(ldlm_client *client, const char *name, int size)
{
    ldlm_lock_options opts = LDLM_LOCK_OPTIONS(.size = size);
    ldlm_handle *lock = NULL;
    it_assert_ok(ldlm_try_lock(client, name, &opts, &lock));
    assert_non_null(lock);
    if (ldlm_handle_locked(lock))
        return lock;
    ldlm_handle_free(lock);
    return NULL;
}

void it_take_and_release(ldlm_client *client, const char *name, int size,
                         int within_ms)
{
    ldlm_handle *lock = within_ms > 0
                            ? it_acquire_within(client, name, size, within_ms)
                            : it_try_acquire(client, name, size);
    assert_non_null(lock);
    it_assert_ok(ldlm_handle_unlock(lock));
    ldlm_handle_free(lock);
}

void it_lock_round_trip(ldlm_client *client, const char *name)
{
    ldlm_handle *lock = NULL;
    it_assert_ok(ldlm_lock(client, name, NULL, &lock));
    assert_true(ldlm_handle_locked(lock));
    it_assert_ok(ldlm_handle_unlock(lock));
    ldlm_handle_free(lock);
}

bool it_lock_is_free(const ldlm_test_server *srv, const char *name, int size)
{
    ldlm_client *probe = it_client_for(srv);
    ldlm_handle *lock = it_try_acquire(probe, name, size);
    bool free_now = lock != NULL;
    if (lock) {
        it_assert_ok(ldlm_handle_unlock(lock));
        ldlm_handle_free(lock);
    }
    ldlm_client_free(probe);
    return free_now;
}

ldlm_handle *it_acquire_within(ldlm_client *client, const char *name, int size,
                               int timeout_ms)
{
    int64_t deadline = ldlm_test_now_ms() + timeout_ms;
    for (;;) {
        ldlm_handle *lock = it_try_acquire(client, name, size);
        if (lock)
            return lock;
        if (ldlm_test_now_ms() >= deadline)
            return NULL;
        ldlm_test_sleep_ms(100);
    }
}

const char *it_key(const ldlm_handle *lock, char *buf, size_t size)
{
    char *key = ldlm_handle_key(lock);
    assert_non_null(key);
    assert_true(strlen(key) > 0);
    assert_true(strlen(key) < size);
    snprintf(buf, size, "%s", key);
    free(key);
    return buf;
}

/* ---- Lost-lock recorder ---------------------------------------------------------- */

void it_lost_log_init(it_lost_log *log)
{
    memset(log, 0, sizeof *log);
    ldlm_test_event_init(&log->event);
    pthread_mutex_init(&log->mutex, NULL);
}

void it_lost_log_destroy(it_lost_log *log)
{
    pthread_mutex_destroy(&log->mutex);
    ldlm_test_event_destroy(&log->event);
}

void it_lost_lock_cb(ldlm_handle *lock, ldlm_err reason, void *userdata)
{
    it_lost_log *log = userdata;
    pthread_mutex_lock(&log->mutex);
    if (log->count < IT_LOST_MAX) {
        log->locks[log->count] = lock;
        log->reasons[log->count] = reason;
    }
    log->count++;
    pthread_mutex_unlock(&log->mutex);
    fprintf(stderr, "lost-lock callback: %s (%s)\n", ldlm_handle_name(lock),
            ldlm_err_name(reason));
    ldlm_test_event_signal(&log->event);
}

int it_lost_count(it_lost_log *log)
{
    pthread_mutex_lock(&log->mutex);
    int count = log->count;
    pthread_mutex_unlock(&log->mutex);
    return count;
}

bool it_lost_reported(it_lost_log *log, const ldlm_handle *lock,
                      ldlm_err *reason)
{
    bool found = false;
    pthread_mutex_lock(&log->mutex);
    for (int i = 0; i < log->count && i < IT_LOST_MAX; i++) {
        if (log->locks[i] == lock) {
            found = true;
            if (reason)
                *reason = log->reasons[i];
        }
    }
    pthread_mutex_unlock(&log->mutex);
    return found;
}

void it_config_reporting(ldlm_config *cfg, const ldlm_test_server *srv,
                         it_lost_log *log)
{
    it_lost_log_init(log);
    it_config(cfg, srv);
    cfg->lost_lock_callback = it_lost_lock_cb;
    cfg->lost_lock_userdata = log;
}

ldlm_client *it_client_reporting(const ldlm_test_server *srv, it_lost_log *log)
{
    ldlm_config cfg;
    it_config_reporting(&cfg, srv, log);
    return it_client_new(&cfg);
}
