/* SPDX-License-Identifier: MIT */
/*
 * it_idle.c - a lock survives 70 s of client idleness against the real
 * server running with an aggressive keepalive (ping every 2 s, 1 s to
 * answer): the connection, and so the lock, must not be dropped. Slow on
 * purpose (the idleness is what is tested): its own program, so that the
 * test harness runs it in parallel with the others.
 */
#include "it_common.h"

#define IDLE_MS 70000

static int setup_keepalive_server(void **state)
{
    const char *flags[] = {"--keepalive_interval", "2s", "--keepalive_timeout",
                           "1s", NULL};
    return it_setup_server_with(state, flags);
}

static void test_lock_held_across_idleness(void **state)
{
    ldlm_test_server *srv = *state;
    it_lost_log lost;
    ldlm_client *a = it_client_reporting(srv, &lost);
    ldlm_handle *lock = NULL;

    /* No lock timeout: no renewals, so nothing but keepalive on the wire. */
    it_assert_ok(ldlm_lock(a, "idle", NULL, &lock));
    assert_false(it_lock_is_free(srv, "idle", 0));

    /* The client does nothing for 70 s: this idleness is the test. */
    print_message("idling for %d s\n", IDLE_MS / 1000);
    ldlm_test_sleep_ms(IDLE_MS);

    assert_int_equal(it_lost_count(&lost), 0);
    assert_true(ldlm_handle_locked(lock));
    /* The server still has it for our session... */
    ldlm_client *b = it_client_for(srv);
    assert_null(it_try_acquire(b, "idle", 0));
    /* ...and our key still releases it. */
    it_assert_ok(ldlm_handle_unlock(lock));
    it_take_and_release(b, "idle", 0, 0);

    ldlm_handle_free(lock);
    ldlm_client_free(b);
    ldlm_client_free(a);
    it_lost_log_destroy(&lost);
}

int main(void)
{
    ldlm_test_require_server();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lock_held_across_idleness,
                                        setup_keepalive_server,
                                        it_teardown_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
