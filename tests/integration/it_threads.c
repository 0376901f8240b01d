/* SPDX-License-Identifier: MIT */
/*
 * it_threads.c - one client shared by 16 threads against the real server:
 * a size-1 lock hammered by all of them is never held by two at once, and
 * every acquisition and release succeeds.
 */
#include "it_common.h"

#include <sched.h>
#include <string.h>
#include <stdatomic.h>

#define THREADS 16
#define ROUNDS 25

struct hammer {
    ldlm_client *client;
    pthread_barrier_t go;
    atomic_int inside;     /* threads in the critical section now */
    atomic_int max_inside; /* most ever seen at once */
    atomic_int acquired;   /* successful lock + unlock rounds */
    atomic_int failures;
    _Atomic ldlm_err first_error;
};

static void note_failure(struct hammer *h, ldlm_err err)
{
    ldlm_err none = LDLM_OK;
    atomic_compare_exchange_strong(&h->first_error, &none, err);
    atomic_fetch_add(&h->failures, 1);
}

static void *hammer_thread(void *arg)
{
    struct hammer *h = arg;
    pthread_barrier_wait(&h->go);
    for (int round = 0; round < ROUNDS; round++) {
        ldlm_handle *lock = NULL;
        ldlm_err err = ldlm_lock(h->client, "hammered", NULL, &lock);
        if (err != LDLM_OK) {
            note_failure(h, err);
            ldlm_handle_free(lock);
            return NULL;
        }

        int now = atomic_fetch_add(&h->inside, 1) + 1;
        int seen = atomic_load(&h->max_inside);
        while (now > seen &&
               !atomic_compare_exchange_weak(&h->max_inside, &seen, now))
            ;
        /* Stay inside a little, so that an overlap would be caught. */
        for (int i = 0; i < 50; i++)
            sched_yield();
        atomic_fetch_sub(&h->inside, 1);

        err = ldlm_handle_unlock(lock);
        ldlm_handle_free(lock);
        if (err != LDLM_OK) {
            note_failure(h, err);
            return NULL;
        }
        atomic_fetch_add(&h->acquired, 1);
    }
    return NULL;
}

static void test_sixteen_threads_one_client(void **state)
{
    ldlm_test_server *srv = *state;
    struct hammer h;
    memset(&h, 0, sizeof h);
    ldlm_config cfg;
    it_config(&cfg, srv);
    cfg.call_timeout_ms = 60000;
    h.client = it_client_new(&cfg);
    atomic_init(&h.inside, 0);
    atomic_init(&h.max_inside, 0);
    atomic_init(&h.acquired, 0);
    atomic_init(&h.failures, 0);
    atomic_init(&h.first_error, LDLM_OK);
    assert_int_equal(pthread_barrier_init(&h.go, NULL, THREADS), 0);

    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, hammer_thread, &h),
                         0);
    int64_t start = ldlm_test_now_ms();
    int stuck = 0;
    for (int i = 0; i < THREADS; i++) {
        int64_t left = start + 180000 - ldlm_test_now_ms();
        if (!ldlm_test_join(threads[i], left > 0 ? (int)left : 0, NULL))
            stuck++;
    }
    if (stuck) {
        /* Unblock them before the client goes away. */
        ldlm_client_cancel(h.client);
        for (int i = 0; i < THREADS; i++)
            ldlm_test_join(threads[i], IT_CALL_TIMEOUT_MS, NULL);
        fail_msg("%d threads still running after 180 s", stuck);
    }
    print_message("%d rounds in %lld ms, at most %d holder(s) at once\n",
                  atomic_load(&h.acquired),
                  (long long)(ldlm_test_now_ms() - start),
                  atomic_load(&h.max_inside));

    if (atomic_load(&h.failures))
        fail_msg("%d threads failed, first with %s", atomic_load(&h.failures),
                 ldlm_err_name(atomic_load(&h.first_error)));
    assert_int_equal(atomic_load(&h.max_inside), 1);
    assert_int_equal(atomic_load(&h.acquired), THREADS * ROUNDS);
    /* Nothing left held. */
    assert_true(it_lock_is_free(srv, "hammered", 0));

    pthread_barrier_destroy(&h.go);
    ldlm_client_free(h.client);
}

int main(void)
{
    ldlm_test_require_server();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sixteen_threads_one_client,
                                        it_setup_server, it_teardown_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
