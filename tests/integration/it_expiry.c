/* SPDX-License-Identifier: MIT */
/*
 * it_expiry.c - lock timeouts against the real server: without renewal a
 * lock expires; auto-renewal keeps even a 2-second lock held for 10 s.
 * These tests let time pass on purpose: expiry is what they observe.
 */
#include "it_common.h"

static void test_lock_expires_without_renewal(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_config cfg;
    it_config(&cfg, srv);
    cfg.no_auto_renew = true;
    ldlm_client *a = it_client_new(&cfg);
    ldlm_client *b = it_client_for(srv);
    ldlm_lock_options opts = LDLM_LOCK_OPTIONS(.lock_timeout_seconds = 2);
    ldlm_handle *lock = NULL;

    int64_t locked_at = ldlm_test_now_ms();
    it_assert_ok(ldlm_lock(a, "expires", &opts, &lock));
    assert_null(it_try_acquire(b, "expires", 0));

    /* Nobody renews: the server's 2 s timer releases the lock. */
    ldlm_handle *taken = it_acquire_within(b, "expires", 0, 15000);
    int64_t lived = ldlm_test_now_ms() - locked_at;
    print_message("the 2 s lock was released after %lld ms\n",
                  (long long)lived);
    assert_non_null(taken);
    assert_true(lived >= 1000);

    /* A's key is void now: the server refuses A's unlock. */
    assert_int_not_equal(ldlm_handle_unlock(lock), LDLM_OK);
    assert_false(it_lock_is_free(srv, "expires", 0));

    it_assert_ok(ldlm_handle_unlock(taken));
    ldlm_handle_free(taken);
    ldlm_handle_free(lock);
    ldlm_client_free(b);
    ldlm_client_free(a);
}

static void test_auto_renew_keeps_short_lock(void **state)
{
    ldlm_test_server *srv = *state;
    it_lost_log lost;
    /* auto-renew is the default */
    ldlm_client *a = it_client_reporting(srv, &lost);
    ldlm_client *b = it_client_for(srv);
    ldlm_lock_options opts = LDLM_LOCK_OPTIONS(.lock_timeout_seconds = 2);
    ldlm_handle *lock = NULL;

    it_assert_ok(ldlm_lock(a, "kept-alive", &opts, &lock));

    /*
     * For 10 s (five lock timeouts) another client must find the lock
     * held: only the library's background renewals can make that true.
     */
    int64_t until = ldlm_test_now_ms() + 10000;
    int probes = 0;
    while (ldlm_test_now_ms() < until) {
        ldlm_handle *stolen = it_try_acquire(b, "kept-alive", 0);
        if (stolen) {
            ldlm_handle_free(stolen);
            fail_msg("the auto-renewed 2 s lock was free after %d probes",
                     probes);
        }
        probes++;
        ldlm_test_sleep_ms(250); /* pacing of the probes, not a sync */
    }
    assert_true(ldlm_handle_locked(lock));
    assert_int_equal(it_lost_count(&lost), 0);

    it_assert_ok(ldlm_handle_unlock(lock));
    it_take_and_release(b, "kept-alive", 0, 0);

    ldlm_handle_free(lock);
    ldlm_client_free(b);
    ldlm_client_free(a);
    it_lost_log_destroy(&lost);
}

static void test_unlock_stops_the_renewer(void **state)
{
    ldlm_test_server *srv = *state;
    it_lost_log lost;
    ldlm_client *a = it_client_reporting(srv, &lost);
    ldlm_client *b = it_client_for(srv);
    ldlm_lock_options opts = LDLM_LOCK_OPTIONS(.lock_timeout_seconds = 2);
    ldlm_handle *lock = NULL;

    it_assert_ok(ldlm_lock(a, "stop-renewing", &opts, &lock));
    it_assert_ok(ldlm_handle_unlock(lock));
    ldlm_handle *taken = it_try_acquire(b, "stop-renewing", 0);
    assert_non_null(taken);

    /*
     * Let two renewal periods of the released 2 s lock pass: a renewer
     * left running would now fail (the key is void) and report a loss.
     */
    ldlm_test_sleep_ms(3000);
    assert_int_equal(it_lost_count(&lost), 0);
    assert_false(ldlm_handle_locked(lock));
    assert_null(it_try_acquire(a, "stop-renewing", 0));
    it_assert_ok(ldlm_handle_unlock(taken));

    ldlm_handle_free(taken);
    ldlm_handle_free(lock);
    ldlm_client_free(b);
    ldlm_client_free(a);
    it_lost_log_destroy(&lost);
}

int main(void)
{
    ldlm_test_require_server();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lock_expires_without_renewal,
                                        it_setup_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_auto_renew_keeps_short_lock,
                                        it_setup_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_unlock_stops_the_renewer,
                                        it_setup_server, it_teardown_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
