/* SPDX-License-Identifier: MIT */
/*
 * it_wait.c - blocking ldlm_lock against the real server: the wait timeout
 * returns LDLM_ERR_LOCK_WAIT_TIMEOUT in about the asked time, a blocked
 * caller gets the lock when the holder releases it.
 */
#include "it_common.h"

#include <stdatomic.h>

static void test_wait_timeout(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = it_client_for(srv);
    ldlm_client *b = it_client_for(srv);
    ldlm_handle *held = NULL, *waited = NULL;

    it_assert_ok(ldlm_lock(a, "wait-timeout", NULL, &held));

    ldlm_lock_options opts = LDLM_LOCK_OPTIONS(.wait_timeout_seconds = 2);
    int64_t start = ldlm_test_now_ms();
    it_assert_err(ldlm_lock(b, "wait-timeout", &opts, &waited),
                  LDLM_ERR_LOCK_WAIT_TIMEOUT);
    int64_t elapsed = ldlm_test_now_ms() - start;
    print_message("waited %lld ms for a 2 s wait timeout\n",
                  (long long)elapsed);
    /* About 2 s: generous bounds for a loaded machine. */
    assert_in_range(elapsed, 1500, 8000);
    ldlm_handle_free(waited);

    /* The timed-out waiter holds nothing; the holder still does. */
    assert_false(it_lock_is_free(srv, "wait-timeout", 0));
    it_assert_ok(ldlm_handle_unlock(held));
    assert_true(it_lock_is_free(srv, "wait-timeout", 0));

    ldlm_handle_free(held);
    ldlm_client_free(b);
    ldlm_client_free(a);
}

static void test_wait_timeout_on_free_lock_returns_at_once(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = it_client_for(srv);
    ldlm_lock_options opts = LDLM_LOCK_OPTIONS(.wait_timeout_seconds = 30);
    ldlm_handle *lock = NULL;

    int64_t start = ldlm_test_now_ms();
    it_assert_ok(ldlm_lock(a, "free-at-once", &opts, &lock));
    assert_true(ldlm_test_now_ms() - start < 10000);
    assert_true(ldlm_handle_locked(lock));
    it_assert_ok(ldlm_handle_unlock(lock));
    ldlm_handle_free(lock);
    ldlm_client_free(a);
}

struct waiter {
    ldlm_client *client;
    ldlm_test_event started;
    ldlm_err result;
    ldlm_handle *lock;
    _Atomic int64_t acquired_at;
};

static void *waiter_thread(void *arg)
{
    struct waiter *w = arg;
    ldlm_lock_options opts = LDLM_LOCK_OPTIONS(.wait_timeout_seconds = 60);
    ldlm_test_event_signal(&w->started);
    w->result = ldlm_lock(w->client, "handover", &opts, &w->lock);
    atomic_store(&w->acquired_at, ldlm_test_now_ms());
    return NULL;
}

static void test_blocked_lock_granted_on_release(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = it_client_for(srv);
    ldlm_handle *held = NULL;
    struct waiter w = {.client = it_client_for(srv), .result = LDLM_OK};
    atomic_init(&w.acquired_at, 0);
    ldlm_test_event_init(&w.started);

    it_assert_ok(ldlm_lock(a, "handover", NULL, &held));

    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, waiter_thread, &w), 0);
    assert_true(ldlm_test_event_wait(&w.started, 1, 10000));
    /*
     * Give the call time to reach the server and block there; if it were
     * slower the test would still be right (it would acquire after the
     * release below), just less demanding.
     */
    ldlm_test_sleep_ms(500);
    assert_int_equal(atomic_load(&w.acquired_at), 0);

    int64_t released_at = ldlm_test_now_ms();
    it_assert_ok(ldlm_handle_unlock(held));

    if (!ldlm_test_join(thread, 20000, NULL)) {
        /* Unblock it before failing: it uses this stack frame. */
        ldlm_client_cancel(w.client);
        ldlm_test_join(thread, 10000, NULL);
        fail_msg("the waiter did not get the lock within 20 s of its release");
    }
    it_assert_ok(w.result);
    assert_non_null(w.lock);
    assert_true(ldlm_handle_locked(w.lock));
    assert_true(atomic_load(&w.acquired_at) >= released_at);
    assert_false(it_lock_is_free(srv, "handover", 0));

    it_assert_ok(ldlm_handle_unlock(w.lock));
    ldlm_handle_free(w.lock);
    ldlm_handle_free(held);
    ldlm_test_event_destroy(&w.started);
    ldlm_client_free(w.client);
    ldlm_client_free(a);
}

int main(void)
{
    ldlm_test_require_server();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_wait_timeout, it_setup_server,
                                        it_teardown_server),
        cmocka_unit_test_setup_teardown(
            test_wait_timeout_on_free_lock_returns_at_once, it_setup_server,
            it_teardown_server),
        cmocka_unit_test_setup_teardown(test_blocked_lock_granted_on_release,
                                        it_setup_server, it_teardown_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
