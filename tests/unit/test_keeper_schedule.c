/* SPDX-License-Identifier: MIT */
/* Unit tests of the keeper's decisions: which held lock needs what, and
 * when. These are the rules that keep locks held (renewals), notice lost
 * ones (expiry) and verify locks after a reconnection, checked here on a
 * client structure without any connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

typedef struct {
    ldlm_client client;
    ldlm_handle locks[3];
} fixture;

static int setup(void **state)
{
    static fixture f;
    memset(&f, 0, sizeof f);
    pthread_mutex_init(&f.client.mutex, NULL);
    for (int i = 0; i < 3; i++) {
        f.locks[i].client = &f.client;
        f.locks[i].name = (char *)"lock";
        f.locks[i].key = (char *)"key";
        f.locks[i].locked = true;
        f.locks[i].tracked = true;
        f.locks[i].serial = (uint64_t)i + 1;
    }
    f.client.connection_ready = true;
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    pthread_mutex_destroy(&f->client.mutex);
    return 0;
}

static void hold(fixture *f, int i)
{
    f->locks[i].next = f->client.locks;
    f->client.locks = &f->locks[i];
}

/* A lock as track() leaves it at time `now` (scheduled by the same
 * function, so the tests follow the library's own deadlines). */
static void timed_lock(fixture *f, int i, int timeout_s, bool auto_renew,
                       int64_t now)
{
    ldlm_handle *l = &f->locks[i];
    l->lock_timeout_seconds = timeout_s;
    l->auto_renew = auto_renew;
    ldlmi_lock_schedule(l, now);
    hold(f, i);
}

static ldlmi_work_kind next(fixture *f, int64_t now, ldlm_handle **lock,
                            int64_t *wake)
{
    pthread_mutex_lock(&f->client.mutex);
    ldlmi_work_kind kind = ldlmi_keeper_next(&f->client, now, lock, wake);
    pthread_mutex_unlock(&f->client.mutex);
    return kind;
}

static void nothing_held_means_nothing_scheduled(void **state)
{
    fixture *f = *state;
    ldlm_handle *lock = NULL;
    int64_t wake = -1;
    assert_int_equal(next(f, 1000, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 0);
}

static void a_lock_without_timer_needs_nothing(void **state)
{
    fixture *f = *state;
    hold(f, 0);
    ldlm_handle *lock = NULL;
    int64_t wake = -1;
    assert_int_equal(next(f, 1000000, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 0);
}

static void two_second_lock_is_renewed_every_second(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 2, true, 10000);
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    assert_int_equal(next(f, 10500, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 11000); /* one second after taking it */
    assert_int_equal(next(f, 11000, &lock, &wake), WORK_RENEW);
    assert_ptr_equal(lock, &f->locks[0]);
}

static void failed_renewal_waits_for_its_retry_time(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 10, true, 0);
    f->locks[0].retry_at_ms = 5500; /* a renewal failed at 5000 */
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    assert_int_equal(next(f, 5200, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 5500);
    assert_int_equal(next(f, 5500, &lock, &wake), WORK_RENEW);
}

static void unrenewed_lock_is_reported_when_its_timer_ends(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 3, false, 0); /* no_auto_renew */
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    assert_int_equal(next(f, 1000, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 3000);
    assert_int_equal(next(f, 3000, &lock, &wake), WORK_EXPIRED);
    assert_ptr_equal(lock, &f->locks[0]);
}

static void after_reconnection_old_locks_are_verified(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 600, true, 0);
    hold(f, 1);                          /* no timer */
    f->client.connection_generation = 1; /* the connection dropped... */
    f->client.connection_ready = true;   /* ...and is back */
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    assert_int_equal(next(f, 100, &lock, &wake), WORK_VERIFY);
    /* A lock taken on the new connection is not verified. */
    f->locks[1].generation = 1;
    f->locks[0].generation = 1;
    assert_int_equal(next(f, 100, &lock, &wake), WORK_NONE);
}

static void while_disconnected_locks_wait_then_expire(void **state)
{
    fixture *f = *state;
    hold(f, 0); /* no timer */
    f->client.connection_generation = 1;
    f->client.connection_ready = false;
    f->client.last_disconnect_ms = 1000;
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    assert_int_equal(next(f, 2000, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 1000 + LDLM_UNVERIFIED_GRACE_MS);
    assert_int_equal(next(f, 1000 + LDLM_UNVERIFIED_GRACE_MS, &lock, &wake),
                     WORK_EXPIRED);
}

static void timed_lock_gives_up_at_its_expiry_while_disconnected(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 5, true, 0);
    f->client.connection_generation = 1;
    f->client.connection_ready = false;
    f->client.last_disconnect_ms = 1000;
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    /* No renewal is attempted on a connection known to be gone. */
    assert_int_equal(next(f, 2600, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 5000);
    assert_int_equal(next(f, 5000, &lock, &wake), WORK_EXPIRED);
}

static void with_reacquire_locks_wait_for_the_connection(void **state)
{
    fixture *f = *state;
    f->client.reacquire_lost_locks = true;
    timed_lock(f, 0, 5, true, 0);
    f->client.connection_generation = 1;
    f->client.connection_ready = false;
    f->client.last_disconnect_ms = 1000;
    ldlm_handle *lock = NULL;
    int64_t wake = -1;
    /* Before its bound: it still reads held, and the keeper wakes then. */
    assert_int_equal(next(f, 2000, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 5000);
    /* Past its bound: it must stop reading held, but is not reported. */
    assert_int_equal(next(f, 600000, &lock, &wake), WORK_SUSPEND);
    assert_ptr_equal(lock, &f->locks[0]);
    f->locks[0].locked = false; /* what the keeper does */
    assert_int_equal(next(f, 600000, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 0); /* waits for the connection */
    f->client.connection_ready = true;
    assert_int_equal(next(f, 600000, &lock, &wake), WORK_VERIFY);
}

/* A connection that is back but a verification that keeps failing (e.g.
 * the server answers with errors) cannot keep a lock "held" past its
 * bound, counted from the disconnect. */
static void verification_failing_after_reconnection_is_bounded(void **state)
{
    fixture *f = *state;
    hold(f, 0); /* no timer */
    f->client.connection_generation = 1;
    f->client.connection_ready = true;
    f->client.last_disconnect_ms = 1000;
    f->locks[0].retry_at_ms = 1500; /* a verification failed */
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    assert_int_equal(next(f, 1200, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 1500);
    assert_int_equal(next(f, 1500, &lock, &wake), WORK_VERIFY);
    f->locks[0].retry_at_ms = 1000 + LDLM_UNVERIFIED_GRACE_MS + 500;
    assert_int_equal(next(f, 1000 + LDLM_UNVERIFIED_GRACE_MS, &lock, &wake),
                     WORK_EXPIRED);
}

static void most_urgent_wake_time_wins(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 60, true, 0); /* renew at 30 s */
    timed_lock(f, 1, 4, true, 0);  /* renew at 2 s */
    timed_lock(f, 2, 8, false, 0); /* expires at 8 s */
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    assert_int_equal(next(f, 1000, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 2000);
    assert_int_equal(next(f, 2000, &lock, &wake), WORK_RENEW);
    assert_ptr_equal(lock, &f->locks[1]);
}

/* A successful renewal (the keeper's, or ldlm_renew's) restarts both the
 * server timer and the renewal schedule from the time of the renewal. */
static void a_renewal_restarts_timer_and_schedule(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 60, true, 0);  /* renew at 30 s, ends at 60 s */
    timed_lock(f, 1, 60, false, 0); /* no_auto_renew: ends at 60 s */
    ldlmi_lock_schedule(&f->locks[0], 31000);
    ldlmi_lock_schedule(&f->locks[1], 31000);
    assert_int_equal(f->locks[0].expires_ms, 91000);
    assert_int_equal(f->locks[0].next_renew_ms, 61000);
    assert_int_equal(f->locks[1].expires_ms, 91000);
    assert_int_equal(f->locks[1].next_renew_ms, 0); /* never renewed */
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    assert_int_equal(next(f, 40000, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 61000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(nothing_held_means_nothing_scheduled,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(a_lock_without_timer_needs_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(two_second_lock_is_renewed_every_second,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(failed_renewal_waits_for_its_retry_time,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            unrenewed_lock_is_reported_when_its_timer_ends, setup, teardown),
        cmocka_unit_test_setup_teardown(
            after_reconnection_old_locks_are_verified, setup, teardown),
        cmocka_unit_test_setup_teardown(
            while_disconnected_locks_wait_then_expire, setup, teardown),
        cmocka_unit_test_setup_teardown(
            timed_lock_gives_up_at_its_expiry_while_disconnected, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            with_reacquire_locks_wait_for_the_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(
            verification_failing_after_reconnection_is_bounded, setup,
            teardown),
        cmocka_unit_test_setup_teardown(most_urgent_wake_time_wins, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_renewal_restarts_timer_and_schedule,
                                        setup, teardown),
    };
    return cmocka_run_group_tests_name("libldlm keeper schedule", tests, NULL,
                                       NULL);
}
