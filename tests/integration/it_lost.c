/* SPDX-License-Identifier: MIT */
/*
 * it_lost.c - the lost-lock callback against the real server: when the
 * server forgets a renewed lock, when its connection ends (a restart, with
 * or without a state file: lost at once, and keys the restarted server
 * restored are given back; also while the client is busy with calls), and
 * re-acquisition of lost locks after a restart.
 */
#include "it_common.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/*
 * Waits (bounded) until `client` completes calls again after a server
 * restart: its connection is back.
 */
static void wait_reconnected(ldlm_client *client)
{
    int64_t deadline = ldlm_test_now_ms() + IT_RECONNECT_TIMEOUT_MS;
    ldlm_err last = LDLM_OK;
    for (;;) {
        ldlm_handle *probe = NULL;
        last = ldlm_try_lock(client, "reconnect-probe", NULL, &probe);
        if (last == LDLM_OK) {
            assert_true(ldlm_handle_locked(probe));
            it_assert_ok(ldlm_handle_unlock(probe));
            ldlm_handle_free(probe);
            return;
        }
        ldlm_handle_free(probe);
        if (ldlm_test_now_ms() >= deadline)
            break;
        ldlm_test_sleep_ms(100);
    }
    fail_msg("the client did not reconnect within %d ms (last error %s)",
             IT_RECONNECT_TIMEOUT_MS, ldlm_err_name(last));
}

/*
 * A client that reports its lost locks into *lost and re-acquires them
 * when it can (reacquire_lost_locks).
 */
static ldlm_client *client_reacquiring(const ldlm_test_server *srv,
                                       it_lost_log *lost)
{
    ldlm_config cfg;
    it_config_reporting(&cfg, srv, lost);
    cfg.reacquire_lost_locks = true;
    return it_client_new(&cfg);
}

/* Asserts that `lock` was reported lost as LDLM_ERR_LOCK_LOST (the end of
 * its connection) and reads not locked. */
static void assert_lost_with_connection(it_lost_log *lost,
                                        const ldlm_handle *lock)
{
    ldlm_err reason = LDLM_OK;
    assert_true(it_lost_reported(lost, lock, &reason));
    assert_int_equal(reason, LDLM_ERR_LOCK_LOST);
    assert_false(ldlm_handle_locked(lock));
}

/*
 * Another client frees A's lock by its key: A must report the loss at its
 * first refused renewal (reason: the server's "does not exist or invalid
 * key"), not when its own timer of the lock runs out (LDLM_ERR_LOCK_LOST).
 */
static void test_lost_when_server_forgets(void **state)
{
    ldlm_test_server *srv = *state;
    it_lost_log lost;
    ldlm_client *a = it_client_reporting(srv, &lost);
    ldlm_client *b = it_client_for(srv);
    /* Renewed every 2 s; A's own timer would end at 4 s. */
    ldlm_lock_options opts = LDLM_LOCK_OPTIONS(.lock_timeout_seconds = 4);
    ldlm_handle *lock = NULL;
    char key[256];

    it_assert_ok(ldlm_lock(a, "forgotten", &opts, &lock));
    int64_t taken = ldlm_test_now_ms();
    it_key(lock, key, sizeof key);

    /* Another client releases it with the key: A's next renewal fails. */
    bool unlocked = false;
    it_assert_ok(ldlm_unlock(b, "forgotten", key, &unlocked));
    assert_true(unlocked);

    if (!ldlm_test_event_wait(&lost.event, 1, 15000))
        fail_msg("no lost-lock callback within 15 s of the lock's release");
    int64_t reported = ldlm_test_now_ms() - taken;
    print_message("reported lost %lld ms after it was taken\n",
                  (long long)reported);
    ldlm_err reason = LDLM_OK;
    assert_true(it_lost_reported(&lost, lock, &reason));
    if (reason != LDLM_ERR_LOCK_DOES_NOT_EXIST_OR_INVALID_KEY)
        fail_msg("lost with reason %s, expected the refused renewal's "
                 "LDLM_ERR_LOCK_DOES_NOT_EXIST_OR_INVALID_KEY",
                 ldlm_err_name(reason));
    assert_false(ldlm_handle_locked(lock));
    it_assert_err(ldlm_handle_unlock(lock), LDLM_ERR_NOT_LOCKED);

    /* Reported once, and the renewer is gone: over two more periods. */
    ldlm_test_sleep_ms(3000);
    assert_int_equal(it_lost_count(&lost), 1);

    /* The client itself still works. */
    it_take_and_release(a, "forgotten", 0, 0);

    ldlm_handle_free(lock);
    ldlm_client_free(b);
    ldlm_client_free(a);
    it_lost_log_destroy(&lost);
}

/* How long after a restarted server accepts connections again every lock
 * of a client must be resolved (re-acquired, or released on the server):
 * libldlm's documented ~2 s (reconnection backoff capped at 1 s, then one
 * call), with room for a loaded machine and the sanitizers. */
#define RESOLVED_AFTER_RESTART_MS 6000
/* A loss is reported when the connection ends: before a restarted server
 * is even back (this bounds the report from the end of the restart). */
#define REPORTED_AFTER_RESTART_MS 2000

/* Waits (bounded by REPORTED_AFTER_RESTART_MS) for the two lost-lock
 * callbacks of a restart. */
static void wait_two_lost_on_restart(it_lost_log *lost)
{
    if (!ldlm_test_event_wait(&lost->event, 2, REPORTED_AFTER_RESTART_MS))
        fail_msg("%d lost-lock callbacks within %d ms of the restart, "
                 "expected 2",
                 it_lost_count(lost), REPORTED_AFTER_RESTART_MS);
}

static void test_lost_on_restart_without_state_file(void **state)
{
    ldlm_test_server *srv = *state;
    it_lost_log lost;
    ldlm_client *a = it_client_reporting(srv, &lost);
    ldlm_lock_options timed = LDLM_LOCK_OPTIONS(.lock_timeout_seconds = 30);
    ldlm_handle *plain = NULL, *renewed = NULL;

    it_assert_ok(ldlm_lock(a, "restart-plain", NULL, &plain));
    it_assert_ok(ldlm_lock(a, "restart-timed", &timed, &renewed));

    /* Without a state file the restarted server knows no lock. */
    assert_int_equal(ldlm_test_server_restart(srv), 0);
    int64_t back = ldlm_test_now_ms();

    /* The connection ended with the old server: lost then, whatever the
     * new one knows. */
    wait_two_lost_on_restart(&lost);
    print_message("both locks reported lost by %lld ms after the server was "
                  "back\n",
                  (long long)(ldlm_test_now_ms() - back));
    assert_lost_with_connection(&lost, plain);
    assert_lost_with_connection(&lost, renewed);
    assert_int_equal(it_lost_count(&lost), 2);

    /* Indeed free for others. */
    assert_true(it_lock_is_free(srv, "restart-plain", 0));
    assert_true(it_lock_is_free(srv, "restart-timed", 0));

    ldlm_handle_free(plain);
    ldlm_handle_free(renewed);
    ldlm_client_free(a);
    it_lost_log_destroy(&lost);
}

/*
 * Calls on A all the time, from a thread of their own, until `stop`. A
 * busy client's watcher leaves the polling to its callers (watcher.c):
 * the end of the connection must still be noticed, and the client must
 * still reconnect, while calls keep coming.
 */
typedef struct busy_traffic {
    ldlm_client *client;
    ldlm_test_event calls; /* one signal per call that returned */
    atomic_bool stop;
} busy_traffic;

static void *busy_traffic_main(void *arg)
{
    busy_traffic *t = arg;
    while (!atomic_load(&t->stop)) {
        ldlm_handle *h = NULL;
        if (ldlm_try_lock(t->client, "busy-traffic", NULL, &h) == LDLM_OK)
            (void)ldlm_handle_unlock(h);
        ldlm_handle_free(h);
        ldlm_test_event_signal(&t->calls);
    }
    return NULL;
}

static void test_lost_while_busy(void **state)
{
    ldlm_test_server *srv = *state;
    it_lost_log lost;
    ldlm_client *a = it_client_reporting(srv, &lost);
    ldlm_lock_options timed = LDLM_LOCK_OPTIONS(.lock_timeout_seconds = 30);
    ldlm_handle *held = NULL;
    it_assert_ok(ldlm_lock(a, "busy-held", &timed, &held));

    busy_traffic traffic = {.client = a};
    ldlm_test_event_init(&traffic.calls);
    atomic_init(&traffic.stop, false);
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, busy_traffic_main, &traffic),
                     0);
    if (!ldlm_test_event_wait(&traffic.calls, 50, 10000))
        fail_msg("the traffic thread made %d calls in 10 s",
                 ldlm_test_event_count(&traffic.calls));

    int64_t killed = ldlm_test_now_ms();
    assert_int_equal(ldlm_test_server_kill9(srv), 0);
    if (!ldlm_test_event_wait(&lost.event, 1, REPORTED_AFTER_RESTART_MS))
        fail_msg("no lost-lock callback within %d ms of kill -9 while the "
                 "client was busy",
                 REPORTED_AFTER_RESTART_MS);
    print_message("busy client reported the loss %lld ms after kill -9\n",
                  (long long)(ldlm_test_now_ms() - killed));
    assert_lost_with_connection(&lost, held);

    /* Back, with the traffic still going: the client reconnects. */
    assert_int_equal(ldlm_test_server_restart(srv), 0);
    int before = ldlm_test_event_count(&traffic.calls);
    wait_reconnected(a);
    if (!ldlm_test_event_wait(&traffic.calls, before + 20, 10000))
        fail_msg("the traffic thread stalled after the restart");

    atomic_store(&traffic.stop, true);
    if (!ldlm_test_join(thread, 10000, NULL))
        fail_msg("the traffic thread did not end within 10 s");
    ldlm_test_event_destroy(&traffic.calls);
    ldlm_handle_free(held);
    ldlm_client_free(a);
    it_lost_log_destroy(&lost);
}

/*
 * The scenario that broke mutual exclusion: the server is killed and
 * restarted without a state file, another client takes the lock at once.
 * The first client must not go on reporting it held: within the bound it
 * is reported lost, even with reacquire_lost_locks (the lock is taken).
 */
static void test_restart_then_taken_by_another(void **state)
{
    ldlm_test_server *srv = *state;
    it_lost_log lost;
    ldlm_client *a = client_reacquiring(srv, &lost);
    ldlm_lock_options timed = LDLM_LOCK_OPTIONS(.lock_timeout_seconds = 30);
    ldlm_handle *mine = NULL;
    it_assert_ok(ldlm_lock(a, "taken-meanwhile", &timed, &mine));

    assert_int_equal(ldlm_test_server_kill9(srv), 0);
    assert_int_equal(ldlm_test_server_restart(srv), 0);
    /* B is first on the new server. */
    ldlm_client *b = it_client_for(srv);
    ldlm_handle *theirs =
        it_acquire_within(b, "taken-meanwhile", 0, IT_RELEASE_TIMEOUT_MS);
    int64_t taken = ldlm_test_now_ms();
    if (!theirs) {
        /* A re-acquired first: legitimate, but then it must hold it. */
        assert_true(ldlm_handle_locked(mine));
        print_message("A re-acquired the lock before B could take it\n");
    } else {
        if (!ldlm_test_event_wait(&lost.event, 1, RESOLVED_AFTER_RESTART_MS))
            fail_msg("A still reports the lock held %d ms after B took it "
                     "(locked=%d)",
                     RESOLVED_AFTER_RESTART_MS, (int)ldlm_handle_locked(mine));
        print_message("A reported the loss %lld ms after B took the lock\n",
                      (long long)(ldlm_test_now_ms() - taken));
        assert_lost_with_connection(&lost, mine);
        it_assert_ok(ldlm_handle_unlock(theirs));
        ldlm_handle_free(theirs);
    }
    ldlm_handle_free(mine);
    ldlm_client_free(b);
    ldlm_client_free(a);
    it_lost_log_destroy(&lost);
}

/*
 * A server restarted with a state file restores the locks, but the client
 * cannot tell it from a server that still holds them for the session of a
 * connection it will drop at any moment (see ldlm.h): they are reported
 * lost when the connection ends, and their restored keys, which nobody
 * holds any more, are unlocked once the client is connected again, so that
 * others do not wait for the server's --default_lock_timeout.
 */
static void test_lost_on_restart_with_state_file(void **state)
{
    ldlm_test_server *srv = *state;
    const char *flags[] = {"--state_file", srv->state_file, NULL};
    it_start_server(srv, flags);

    it_lost_log lost;
    ldlm_client *a = it_client_reporting(srv, &lost);
    ldlm_lock_options timed = LDLM_LOCK_OPTIONS(.lock_timeout_seconds = 6);
    ldlm_handle *plain = NULL, *renewed = NULL;

    it_assert_ok(ldlm_lock(a, "state-plain", NULL, &plain));
    it_assert_ok(ldlm_lock(a, "state-timed", &timed, &renewed));

    /*
     * SIGKILL: the server writes its state file on every change, so a
     * crash keeps the locks (a clean stop could first release the locks
     * of the sessions it closes).
     */
    assert_int_equal(ldlm_test_server_kill9(srv), 0);
    assert_int_equal(ldlm_test_server_restart(srv), 0);
    wait_two_lost_on_restart(&lost);
    assert_lost_with_connection(&lost, plain);
    assert_lost_with_connection(&lost, renewed);
    it_assert_err(ldlm_handle_unlock(plain), LDLM_ERR_NOT_LOCKED);

    /* The server restored both (10 minutes by default); A gives them back
     * once reconnected: another client gets them soon. */
    wait_reconnected(a);
    ldlm_client *b = it_client_for(srv);
    ldlm_handle *p =
        it_acquire_within(b, "state-plain", 0, RESOLVED_AFTER_RESTART_MS);
    ldlm_handle *t =
        it_acquire_within(b, "state-timed", 0, RESOLVED_AFTER_RESTART_MS);
    if (!p || !t)
        fail_msg("the restored locks were not given back within %d ms of "
                 "the reconnection",
                 RESOLVED_AFTER_RESTART_MS);
    assert_int_equal(it_lost_count(&lost), 2);
    it_assert_ok(ldlm_handle_unlock(p));
    it_assert_ok(ldlm_handle_unlock(t));

    ldlm_handle_free(p);
    ldlm_handle_free(t);
    ldlm_handle_free(plain);
    ldlm_handle_free(renewed);
    ldlm_client_free(b);
    ldlm_client_free(a);
    it_lost_log_destroy(&lost);
}

/* Polls until the lock's key differs from `old` (re-acquired), bounded. */
static bool key_changes(const ldlm_handle *lock, const char *old)
{
    int64_t deadline = ldlm_test_now_ms() + IT_RECONNECT_TIMEOUT_MS;
    for (;;) {
        char *key = ldlm_handle_key(lock);
        bool changed = key && strcmp(key, old) != 0;
        free(key);
        if (changed)
            return true;
        if (ldlm_test_now_ms() >= deadline)
            return false;
        ldlm_test_sleep_ms(50);
    }
}

static void test_reacquired_after_restart(void **state)
{
    ldlm_test_server *srv = *state;
    it_lost_log lost;
    ldlm_client *a = client_reacquiring(srv, &lost);
    ldlm_lock_options sized =
        LDLM_LOCK_OPTIONS(.size = 2, .lock_timeout_seconds = 30);
    ldlm_handle *plain = NULL, *shared = NULL;
    char plain_key[256], shared_key[256];

    it_assert_ok(ldlm_lock(a, "reacquire-plain", NULL, &plain));
    it_assert_ok(ldlm_lock(a, "reacquire-sized", &sized, &shared));
    it_key(plain, plain_key, sizeof plain_key);
    it_key(shared, shared_key, sizeof shared_key);

    /* Without a state file the server forgets; the library takes them back. */
    assert_int_equal(ldlm_test_server_restart(srv), 0);

    if (!key_changes(plain, plain_key) || !key_changes(shared, shared_key))
        fail_msg("locks not re-acquired (new keys) within %d ms; %d lost",
                 IT_RECONNECT_TIMEOUT_MS, it_lost_count(&lost));
    assert_int_equal(it_lost_count(&lost), 0);
    assert_true(ldlm_handle_locked(plain));
    assert_true(ldlm_handle_locked(shared));

    /* Held on the new server, with the same size (2: one hold left). */
    ldlm_client *b = it_client_for(srv);
    ldlm_client *c = it_client_for(srv);
    assert_null(it_try_acquire(b, "reacquire-plain", 0));
    ldlm_handle *second = it_try_acquire(b, "reacquire-sized", 2);
    assert_non_null(second);
    assert_null(it_try_acquire(c, "reacquire-sized", 2));

    /* The new keys work for unlocking. */
    it_assert_ok(ldlm_handle_unlock(plain));
    it_assert_ok(ldlm_handle_unlock(shared));
    it_assert_ok(ldlm_handle_unlock(second));
    assert_true(it_lock_is_free(srv, "reacquire-plain", 0));
    assert_int_equal(it_lost_count(&lost), 0);

    ldlm_handle_free(second);
    ldlm_handle_free(plain);
    ldlm_handle_free(shared);
    ldlm_client_free(c);
    ldlm_client_free(b);
    ldlm_client_free(a);
    it_lost_log_destroy(&lost);
}

int main(void)
{
    ldlm_test_require_server();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lost_when_server_forgets,
                                        it_setup_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_lost_on_restart_without_state_file,
                                        it_setup_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_lost_while_busy, it_setup_server,
                                        it_teardown_server),
        cmocka_unit_test_setup_teardown(test_restart_then_taken_by_another,
                                        it_setup_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_lost_on_restart_with_state_file,
                                        it_setup_server_dir,
                                        it_teardown_server),
        cmocka_unit_test_setup_teardown(test_reacquired_after_restart,
                                        it_setup_server, it_teardown_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
