/* SPDX-License-Identifier: MIT */
/*
 * it_retries.c - max_retries against the real server going down and coming
 * back: with no retries a call fails UNAVAILABLE at once; with retries a
 * call made while the server is stopped or killed succeeds once it is
 * restarted; retries are bounded and spaced by retry_delay_ms.
 */
#include "it_common.h"

#define RETRY_DELAY_MS 500
#define MANY_RETRIES 30 /* 15 s of retrying at RETRY_DELAY_MS */

static void test_no_retries_unavailable_at_once(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = it_client_for(srv); /* max_retries = 0 */
    assert_int_equal(ldlm_test_server_stop(srv), 0);

    ldlm_handle *lock = NULL;
    int64_t start = ldlm_test_now_ms();
    it_assert_err(ldlm_try_lock(a, "down", NULL, &lock), LDLM_ERR_UNAVAILABLE);
    ldlm_handle_free(lock);
    lock = NULL;
    it_assert_err(ldlm_lock(a, "down", NULL, &lock), LDLM_ERR_UNAVAILABLE);
    ldlm_handle_free(lock);
    int64_t elapsed = ldlm_test_now_ms() - start;
    print_message("two calls failed in %lld ms\n", (long long)elapsed);
    /* Far below the 30 s call bound: nothing waited for the server. */
    assert_true(elapsed < 10000);
    ldlm_client_free(a);
}

static void test_retries_are_bounded_and_spaced(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_config cfg;
    it_config(&cfg, srv);
    cfg.max_retries = 2;
    cfg.retry_delay_ms = RETRY_DELAY_MS;
    ldlm_client *a = it_client_new(&cfg);
    assert_int_equal(ldlm_test_server_stop(srv), 0);

    ldlm_handle *lock = NULL;
    int64_t start = ldlm_test_now_ms();
    it_assert_err(ldlm_try_lock(a, "down", NULL, &lock), LDLM_ERR_UNAVAILABLE);
    int64_t elapsed = ldlm_test_now_ms() - start;
    print_message("3 attempts 500 ms apart failed after %lld ms\n",
                  (long long)elapsed);
    /* Two delays between three attempts, and then it gave up. */
    assert_in_range(elapsed, 2 * RETRY_DELAY_MS - 100, 15000);
    ldlm_handle_free(lock);
    ldlm_client_free(a);
}

struct caller {
    ldlm_client *client;
    ldlm_test_event started;
    ldlm_test_event finished;
    ldlm_err result;
    char message[512]; /* the caller thread's ldlm_last_error_message() */
    ldlm_handle *lock;
};

static void *caller_thread(void *arg)
{
    struct caller *c = arg;
    ldlm_test_event_signal(&c->started);
    c->result = ldlm_lock(c->client, "comes-back", NULL, &c->lock);
    snprintf(c->message, sizeof c->message, "%s", ldlm_last_error_message());
    ldlm_test_event_signal(&c->finished);
    return NULL;
}

/*
 * Makes a lock call in a thread while the server is down, restarts the
 * server about a second later, and checks that the retries got through.
 */
static void call_across_outage(ldlm_test_server *srv, ldlm_client *client)
{
    struct caller c = {.client = client, .result = LDLM_ERR_INTERNAL};
    ldlm_test_event_init(&c.started);
    ldlm_test_event_init(&c.finished);

    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, caller_thread, &c), 0);
    assert_true(ldlm_test_event_wait(&c.started, 1, 10000));
    /*
     * Keep the server down for about a second on purpose: the first
     * attempts must fail and be retried. The call must still be pending.
     */
    ldlm_test_sleep_ms(1000);
    bool finished_early = ldlm_test_event_count(&c.finished) != 0;

    /* From this thread: the server must not be a child of a dying thread. */
    int restarted = ldlm_test_server_restart(srv);

    bool joined = ldlm_test_join(thread, 45000, NULL);
    if (!joined) {
        /* Unblock it before failing: it uses this stack frame. */
        ldlm_client_cancel(client);
        joined = ldlm_test_join(thread, 10000, NULL);
    }
    assert_true(joined);
    if (finished_early)
        fail_msg("the call gave up while the server was down (%s)",
                 ldlm_err_name(c.result));
    assert_int_equal(restarted, 0);
    if (c.result != LDLM_OK)
        fail_msg("the call across the outage returned %s (%s; \"%s\")",
                 ldlm_err_name(c.result), ldlm_strerror(c.result), c.message);
    assert_non_null(c.lock);
    assert_true(ldlm_handle_locked(c.lock));
    assert_false(it_lock_is_free(srv, "comes-back", 0));
    it_assert_ok(ldlm_handle_unlock(c.lock));
    ldlm_handle_free(c.lock);
    ldlm_test_event_destroy(&c.started);
    ldlm_test_event_destroy(&c.finished);
}

static ldlm_client *retrying_client(const ldlm_test_server *srv)
{
    ldlm_config cfg;
    it_config(&cfg, srv);
    cfg.max_retries = MANY_RETRIES;
    cfg.retry_delay_ms = RETRY_DELAY_MS;
    cfg.call_timeout_ms = 60000;
    return it_client_new(&cfg);
}

static void test_retries_while_server_stopped(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = retrying_client(srv);
    /* Never connected: the first connection attempt meets a closed port. */
    assert_int_equal(ldlm_test_server_stop(srv), 0);
    call_across_outage(srv, a);
    ldlm_client_free(a);
}

static void test_retries_after_server_killed(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = retrying_client(srv);
    /* Connected first, then the server dies without a goodbye. */
    ldlm_handle *warmup = it_try_acquire(a, "warmup", 0);
    assert_non_null(warmup);
    it_assert_ok(ldlm_handle_unlock(warmup));
    ldlm_handle_free(warmup);
    assert_int_equal(ldlm_test_server_kill9(srv), 0);
    call_across_outage(srv, a);
    ldlm_client_free(a);
}

int main(void)
{
    ldlm_test_require_server();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_retries_unavailable_at_once,
                                        it_setup_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_retries_are_bounded_and_spaced,
                                        it_setup_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_retries_while_server_stopped,
                                        it_setup_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_retries_after_server_killed,
                                        it_setup_server, it_teardown_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
