/* SPDX-License-Identifier: MIT */
/*
 * it_cancel.c - ldlm_client_cancel against the real server: it unblocks an
 * ldlm_lock waiting in another thread (LDLM_ERR_CANCELLED, promptly), later
 * calls fail at once, locks already held stay held until the client is
 * freed.
 */
#include "it_common.h"

/* How soon a cancelled call must return. */
#define CANCEL_BOUND_MS 5000

struct blocked_call {
    ldlm_client *client;
    ldlm_test_event started;
    ldlm_err result;
    ldlm_handle *lock;
};

static void *blocked_lock_thread(void *arg)
{
    struct blocked_call *call = arg;
    ldlm_test_event_signal(&call->started);
    /* No wait timeout: only the cancel (or the 30 s call bound) ends it. */
    call->result = ldlm_lock(call->client, "contended", NULL, &call->lock);
    return NULL;
}

static void test_cancel_unblocks_waiting_lock(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *holder = it_client_for(srv);
    ldlm_handle *held = NULL;
    it_assert_ok(ldlm_lock(holder, "contended", NULL, &held));

    struct blocked_call call = {.client = it_client_for(srv),
                                .result = LDLM_OK};
    ldlm_test_event_init(&call.started);
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, blocked_lock_thread, &call),
                     0);
    assert_true(ldlm_test_event_wait(&call.started, 1, 10000));
    /*
     * Let the call reach the server and block there (a cancel arriving
     * earlier must give the same result, so this only makes the test
     * exercise the harder case).
     */
    ldlm_test_sleep_ms(500);

    int64_t cancelled_at = ldlm_test_now_ms();
    ldlm_client_cancel(call.client);
    bool joined = ldlm_test_join(thread, CANCEL_BOUND_MS, NULL);
    int64_t took = ldlm_test_now_ms() - cancelled_at;
    if (!joined) {
        /* The thread uses this stack frame: wait for the 30 s call bound. */
        ldlm_test_join(thread, IT_CALL_TIMEOUT_MS + 10000, NULL);
        fail_msg("ldlm_lock still blocked %d ms after ldlm_client_cancel",
                 CANCEL_BOUND_MS);
    }
    print_message("cancelled call returned %lld ms after the cancel\n",
                  (long long)took);
    it_assert_err(call.result, LDLM_ERR_CANCELLED);

    /* Every later call on the cancelled client fails at once. */
    ldlm_handle *later = NULL;
    int64_t start = ldlm_test_now_ms();
    it_assert_err(ldlm_try_lock(call.client, "other", NULL, &later),
                  LDLM_ERR_CANCELLED);
    ldlm_handle_free(later);
    later = NULL;
    it_assert_err(ldlm_lock(call.client, "contended", NULL, &later),
                  LDLM_ERR_CANCELLED);
    ldlm_handle_free(later);
    assert_true(ldlm_test_now_ms() - start < 1000);
    ldlm_client_free(call.client);

    /* The holder was not affected; after its unlock the lock is free. */
    assert_true(ldlm_handle_locked(held));
    assert_false(it_lock_is_free(srv, "contended", 0));
    it_assert_ok(ldlm_handle_unlock(held));
    assert_true(it_lock_is_free(srv, "contended", 0));

    ldlm_handle_free(call.lock);
    ldlm_handle_free(held);
    ldlm_test_event_destroy(&call.started);
    ldlm_client_free(holder);
}

static void test_cancel_keeps_held_locks_until_free(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = it_client_for(srv);
    ldlm_client *b = it_client_for(srv);
    ldlm_handle *held = NULL;

    it_assert_ok(ldlm_lock(a, "kept-after-cancel", NULL, &held));
    ldlm_client_cancel(a);

    /* Held locks stay held while the client exists... */
    assert_null(it_try_acquire(b, "kept-after-cancel", 0));

    /* ...and are released with its connection. */
    ldlm_client_free(a);
    it_take_and_release(b, "kept-after-cancel", 0, IT_RELEASE_TIMEOUT_MS);

    ldlm_handle_free(held);
    ldlm_client_free(b);
}

int main(void)
{
    ldlm_test_require_server();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cancel_unblocks_waiting_lock,
                                        it_setup_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_cancel_keeps_held_locks_until_free,
                                        it_setup_server, it_teardown_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
