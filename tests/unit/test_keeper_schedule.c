/* SPDX-License-Identifier: MIT */
/* Unit tests of the keeper's decisions and of the bounds that decide
 * whether a lock reads held: which held lock needs what, and when. These
 * are the rules that keep locks held (renewals, probes), stop them reading
 * held before the server can release them (timer, silence and connection
 * bounds) and report them, checked here on a client structure without any
 * connection. Times are on the belief clock, in ms. */
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
    pthread_cond_init(&f.client.changed, NULL);
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
    ldlmi_free_releases(&f->client);
    pthread_cond_destroy(&f->client.changed);
    pthread_mutex_destroy(&f->client.mutex);
    return 0;
}

/* The tests' time 0, on the belief clock (where 0 means "never"): the
 * helpers below take and give times relative to it. */
#define B INT64_C(1000000000)

/* A lock as track() leaves it when the call that took it started at `at`
 * (scheduled by the same function, so the tests follow the library's own
 * deadlines); the reply is the server's answer, so contact too. */
static void timed_lock(fixture *f, int i, int timeout_s, bool auto_renew,
                       int64_t at)
{
    ldlm_handle *l = &f->locks[i];
    l->lock_timeout_seconds = timeout_s;
    l->auto_renew = auto_renew;
    ldlmi_lock_schedule(l, B + at);
    ldlmi_note_contact(&f->client, f->client.connection_generation, B + at);
    l->next = f->client.locks;
    f->client.locks = l;
}

static ldlmi_work_kind next(fixture *f, int64_t now, ldlm_handle **lock,
                            int64_t *wake)
{
    pthread_mutex_lock(&f->client.mutex);
    ldlmi_work_kind kind = ldlmi_keeper_next(&f->client, B + now, lock, wake);
    pthread_mutex_unlock(&f->client.mutex);
    if (*wake)
        *wake -= B;
    return kind;
}

static int64_t until(fixture *f, int i)
{
    int64_t u = ldlmi_held_until(&f->client, &f->locks[i]);
    return u ? u - B : 0;
}

/* A time of the tests as the library sees it. */
static int64_t at(int64_t t)
{
    return B + t;
}

#define DROP_BOUND (LDLM_SERVER_DROP_MS - LDLM_DROP_MARGIN_MS)

static void nothing_held_means_nothing_scheduled(void **state)
{
    fixture *f = *state;
    ldlm_handle *lock = NULL;
    int64_t wake = -1;
    assert_int_equal(next(f, 1000, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 0);
}

static void margins_grow_with_the_timeout(void **state)
{
    (void)state;
    assert_int_equal(ldlmi_safety_margin_ms(1), 100);
    assert_int_equal(ldlmi_safety_margin_ms(2), 200);
    assert_int_equal(ldlmi_safety_margin_ms(10), 1000);
    assert_int_equal(ldlmi_safety_margin_ms(600), 2000);
}

/* A lock reads held until its timer, counted from the start of the call
 * that took it, less the margin: 2 s lock taken by a call started at 10 s
 * reads held until 11.8 s, whatever the keeper does. */
static void
a_timed_lock_reads_held_until_its_timer_less_the_margin(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 2, true, 10000);
    assert_int_equal(until(f, 0), 11800);
}

/* Without a timer, the server can only release it with the connection,
 * which it may drop LDLM_SERVER_DROP_MS after its last answer (an answer
 * whose acknowledgement a partition lost): that bounds it. */
static void a_lock_without_timer_is_bounded_by_contact(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 0, false, 1000);
    assert_int_equal(until(f, 0), 1000 + DROP_BOUND);
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    /* The keeper asks the server before the bound could end. */
    assert_int_equal(next(f, 2000, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 1000 + LDLM_PROBE_INTERVAL_MS);
    assert_int_equal(next(f, 1000 + LDLM_PROBE_INTERVAL_MS, &lock, &wake),
                     WORK_PROBE);
    assert_null(lock);
    /* Nothing heard: reported once the bound passes. */
    f->client.probe_retry_at_ms = at(1000 + DROP_BOUND + 1000);
    assert_int_equal(next(f, 1000 + DROP_BOUND, &lock, &wake), WORK_LOST);
    assert_ptr_equal(lock, &f->locks[0]);
    /* An answer moves the bound. */
    ldlmi_note_contact(&f->client, 0, at(30000));
    assert_int_equal(until(f, 0), 30000 + DROP_BOUND);
}

/* Even a long timer is bounded by the silence bound. */
static void long_timers_are_bounded_by_contact_too(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 600, true, 1000);
    assert_int_equal(until(f, 0), 1000 + DROP_BOUND);
    ldlmi_note_contact(&f->client, 0, at(595000));
    assert_int_equal(until(f, 0), 1000 + 600000 - 2000);
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
    f->locks[0].retry_at_ms = at(5500);          /* a renewal failed at 5000 */
    ldlmi_note_contact(&f->client, 0, at(4000)); /* a probe */
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    assert_int_equal(next(f, 5200, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 5500);
    assert_int_equal(next(f, 5500, &lock, &wake), WORK_RENEW);
}

/* Renewals keep failing: at its bound the lock is reported, whatever the
 * retry schedule says. */
static void failing_renewals_end_at_the_bound(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 2, true, 0);
    f->locks[0].retry_at_ms = at(5000);
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    assert_int_equal(next(f, 1500, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 1800);
    assert_int_equal(next(f, 1800, &lock, &wake), WORK_LOST);
}

static void unrenewed_lock_is_reported_at_its_bound(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 3, false, 0);               /* no_auto_renew */
    ldlmi_note_contact(&f->client, 0, at(2000)); /* probes go on */
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    assert_int_equal(next(f, 2100, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 2700);
    assert_int_equal(next(f, 2700, &lock, &wake), WORK_LOST);
    assert_ptr_equal(lock, &f->locks[0]);
}

/* The connection ended: its locks stop reading held at once and are
 * reported, even once a new connection is up (no verification: the server
 * may still hold them for a session it will end at any moment). */
static void a_lost_connection_loses_its_locks_at_once(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 600, true, 0);
    timed_lock(f, 1, 0, false, 0);
    f->client.connection_generation = 1; /* the watcher saw it end */
    f->client.contact_ms = 0;
    assert_int_equal(until(f, 0), 0);
    assert_int_equal(until(f, 1), 0);
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    assert_int_equal(next(f, 100, &lock, &wake), WORK_LOST);
    f->client.connection_ready = true; /* and back */
    assert_int_equal(next(f, 100, &lock, &wake), WORK_LOST);
}

static void with_reacquire_lost_locks_wait_for_the_connection(void **state)
{
    fixture *f = *state;
    f->client.reacquire_lost_locks = true;
    timed_lock(f, 0, 5, true, 0);
    f->client.connection_generation = 1;
    f->client.contact_ms = 0;
    f->client.connection_ready = false;
    ldlm_handle *lock = NULL;
    int64_t wake = -1;
    /* Not held from now on, but not reported: suspended. */
    assert_int_equal(next(f, 2000, &lock, &wake), WORK_SUSPEND);
    assert_ptr_equal(lock, &f->locks[0]);
    f->locks[0].locked = false; /* what the keeper does */
    assert_int_equal(next(f, 2000, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 0); /* waits for the connection */
    f->client.connection_ready = true;
    assert_int_equal(next(f, 2000, &lock, &wake), WORK_REACQUIRE);
    f->locks[0].retry_at_ms = at(2500); /* a re-acquisition failed */
    assert_int_equal(next(f, 2000, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 2500);
}

/* With reacquire_lost_locks a lock whose bound passed while the server did
 * not answer is not reported but suspended, and verified once the
 * connection (the same one) works again. */
static void with_reacquire_a_silent_server_suspends(void **state)
{
    fixture *f = *state;
    f->client.reacquire_lost_locks = true;
    timed_lock(f, 0, 600, true, 0); /* bounded by contact: 8 s */
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    f->client.probe_retry_at_ms = at(100000); /* probes keep failing */
    assert_int_equal(next(f, DROP_BOUND, &lock, &wake), WORK_SUSPEND);
    f->locks[0].locked = false; /* what the keeper does */
    assert_int_equal(until(f, 0), 0);
    assert_int_equal(next(f, DROP_BOUND, &lock, &wake), WORK_REACQUIRE);
    assert_ptr_equal(lock, &f->locks[0]);
}

static void most_urgent_wake_time_wins(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 60, true, 0); /* renew at 30 s */
    timed_lock(f, 1, 4, true, 0);  /* renew at 2 s */
    timed_lock(f, 2, 8, false, 0); /* ends at 7.2 s */
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    assert_int_equal(next(f, 1000, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 2000);
    assert_int_equal(next(f, 2000, &lock, &wake), WORK_RENEW);
    assert_ptr_equal(lock, &f->locks[1]);
}

/* Of two renewals due, the lock that ends first goes first. */
static void the_lock_ending_first_is_renewed_first(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 60, true, 0);
    timed_lock(f, 1, 10, true, 0);
    f->locks[0].next_renew_ms = 0;
    f->locks[1].next_renew_ms = 0;
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    assert_int_equal(next(f, 100, &lock, &wake), WORK_RENEW);
    assert_ptr_equal(lock, &f->locks[1]);
}

/* A successful renewal (the keeper's, or ldlm_renew's) restarts both the
 * timer bound and the renewal schedule from the start of the renewal. */
static void a_renewal_restarts_bound_and_schedule(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 60, true, 0);  /* renew at 30 s, ends at 58 s */
    timed_lock(f, 1, 60, false, 0); /* no_auto_renew: ends at 58 s */
    ldlmi_lock_schedule(&f->locks[0], at(31000));
    ldlmi_lock_schedule(&f->locks[1], at(31000));
    ldlmi_note_contact(&f->client, 0, at(31000));
    assert_int_equal(f->locks[0].timer_bound_ms, at(89000));
    assert_int_equal(f->locks[0].next_renew_ms, at(61000));
    assert_int_equal(f->locks[1].timer_bound_ms, at(89000));
    assert_int_equal(f->locks[1].next_renew_ms, 0); /* never renewed */
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    /* Contact at 31 s: a probe is due 2.5 s later, before the renewal. */
    assert_int_equal(next(f, 32000, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 31000 + LDLM_PROBE_INTERVAL_MS);
}

/* Contact from a call of an older connection proves nothing about this
 * one. */
static void contact_counts_for_its_own_connection_only(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 600, true, 1000);
    f->client.connection_generation = 2;
    f->client.contact_ms = 0;
    ldlmi_note_contact(&f->client, 1, at(5000));
    assert_int_equal(f->client.contact_ms, 0);
    ldlmi_note_contact(&f->client, 2, at(5000));
    assert_int_equal(f->client.contact_ms, at(5000));
    ldlmi_note_contact(&f->client, 2, at(4000)); /* never backwards */
    assert_int_equal(f->client.contact_ms, at(5000));
}

/* After ldlm_client_cancel: no more calls, but reports go on. */
static void a_cancelled_client_still_reports(void **state)
{
    fixture *f = *state;
    timed_lock(f, 0, 2, true, 0);
    f->client.cancelled = true;
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    assert_int_equal(next(f, 1000, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 1800);
    assert_int_equal(next(f, 1800, &lock, &wake), WORK_LOST);
}

/* Keys nobody believes in are unlocked while the connection is up. */
static void queued_keys_are_released_when_connected(void **state)
{
    fixture *f = *state;
    pthread_mutex_lock(&f->client.mutex);
    ldlmi_queue_release(&f->client, "gone", "old-key");
    pthread_mutex_unlock(&f->client.mutex);
    ldlm_handle *lock = NULL;
    int64_t wake = 0;
    f->client.connection_ready = false;
    assert_int_equal(next(f, 1000, &lock, &wake), WORK_NONE);
    f->client.connection_ready = true;
    assert_int_equal(next(f, 1000, &lock, &wake), WORK_RELEASE);
    f->client.releases->retry_at_ms = at(5000);
    assert_int_equal(next(f, 1000, &lock, &wake), WORK_NONE);
    assert_int_equal(wake, 5000);
}

#define TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(nothing_held_means_nothing_scheduled),
        TEST(margins_grow_with_the_timeout),
        TEST(a_timed_lock_reads_held_until_its_timer_less_the_margin),
        TEST(a_lock_without_timer_is_bounded_by_contact),
        TEST(long_timers_are_bounded_by_contact_too),
        TEST(two_second_lock_is_renewed_every_second),
        TEST(failed_renewal_waits_for_its_retry_time),
        TEST(failing_renewals_end_at_the_bound),
        TEST(unrenewed_lock_is_reported_at_its_bound),
        TEST(a_lost_connection_loses_its_locks_at_once),
        TEST(with_reacquire_lost_locks_wait_for_the_connection),
        TEST(with_reacquire_a_silent_server_suspends),
        TEST(most_urgent_wake_time_wins),
        TEST(the_lock_ending_first_is_renewed_first),
        TEST(a_renewal_restarts_bound_and_schedule),
        TEST(contact_counts_for_its_own_connection_only),
        TEST(a_cancelled_client_still_reports),
        TEST(queued_keys_are_released_when_connected),
    };
    return cmocka_run_group_tests_name("libldlm keeper schedule", tests, NULL,
                                       NULL);
}
