/* SPDX-License-Identifier: MIT */
/*
 * it_handles.c - lock handles outlive their client, whatever their kind.
 *
 * ldlm.h promises that a handle stays valid after ldlm_client_free(): it
 * reads not locked and its accessors work until ldlm_handle_free(). Before
 * this was tested, handles that were no longer tracked (unlocked, lost, a
 * try-lock that missed, a renewal's handle) kept a pointer to the freed
 * client, and every PAM logout read freed memory. Each kind of handle is
 * made here against the real server, the client is freed, and every
 * accessor is called on every handle, from this thread and from another
 * one. Run under ASan (the sanitizer build) and valgrind (check-valgrind).
 */
#include "it_common.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum {
    HELD_TIMED,      /* held, renewed in the background */
    HELD_PLAIN,      /* held, no lock timeout */
    UNLOCKED,        /* released with ldlm_handle_unlock */
    UNLOCKED_BY_KEY, /* released with ldlm_unlock(name, key) */
    TRY_MISSED,      /* ldlm_try_lock found it full */
    RENEWAL,         /* the handle ldlm_renew returns */
    LOST,            /* reported through the lost-lock callback */
    HANDLE_KINDS
};

static const char *const kind_names[HANDLE_KINDS] = {
    "held-timed", "held-plain", "unlocked", "unlocked-by-key",
    "try-missed", "renewal",    "lost",
};

typedef struct {
    ldlm_handle *locks[HANDLE_KINDS];
    char names[HANDLE_KINDS][64];
    /* What a reader thread saw (cmocka asserts only on the test thread). */
    int bad_name, bad_key, reads_locked, unlock_not_refused;
} handle_set;

/* Every accessor on every handle; records anything unexpected. */
static void read_all(handle_set *set)
{
    for (int i = 0; i < HANDLE_KINDS; i++) {
        ldlm_handle *l = set->locks[i];
        const char *name = ldlm_handle_name(l);
        if (!name || strcmp(name, set->names[i]) != 0)
            set->bad_name++;
        char *key = ldlm_handle_key(l);
        if (!key)
            set->bad_key++;
        free(key);
        if (ldlm_handle_locked(l))
            set->reads_locked++;
        if (ldlm_handle_unlock(l) != LDLM_ERR_INVALID_ARGUMENT)
            set->unlock_not_refused++;
    }
}

static void *reader_thread(void *arg)
{
    read_all(arg);
    return NULL;
}

static void assert_all_read_cleanly(const handle_set *set)
{
    assert_int_equal(set->bad_name, 0);
    assert_int_equal(set->bad_key, 0);
    assert_int_equal(set->reads_locked, 0);
    assert_int_equal(set->unlock_not_refused, 0);
}

/*
 * Makes clients a (reporting its losses into *lost) and b of srv, and one
 * handle of every kind on a (b helps).
 */
static void make_every_kind(ldlm_test_server *srv, it_lost_log *lost,
                            ldlm_client **a_out, ldlm_client **b_out,
                            handle_set *set)
{
    ldlm_client *a = *a_out = it_client_reporting(srv, lost);
    ldlm_client *b = *b_out = it_client_for(srv);
    memset(set, 0, sizeof *set);
    for (int i = 0; i < HANDLE_KINDS; i++)
        snprintf(set->names[i], sizeof set->names[i], "handles-%s",
                 kind_names[i]);
    ldlm_lock_options timed = LDLM_LOCK_OPTIONS(.lock_timeout_seconds = 4);
    char key[256];

    it_assert_ok(
        ldlm_lock(a, set->names[HELD_TIMED], &timed, &set->locks[HELD_TIMED]));
    it_assert_ok(
        ldlm_lock(a, set->names[HELD_PLAIN], NULL, &set->locks[HELD_PLAIN]));

    it_assert_ok(
        ldlm_lock(a, set->names[UNLOCKED], NULL, &set->locks[UNLOCKED]));
    it_assert_ok(ldlm_handle_unlock(set->locks[UNLOCKED]));

    it_assert_ok(ldlm_lock(a, set->names[UNLOCKED_BY_KEY], NULL,
                           &set->locks[UNLOCKED_BY_KEY]));
    it_key(set->locks[UNLOCKED_BY_KEY], key, sizeof key);
    bool unlocked = false;
    it_assert_ok(ldlm_unlock(a, set->names[UNLOCKED_BY_KEY], key, &unlocked));
    assert_true(unlocked);
    assert_false(ldlm_handle_locked(set->locks[UNLOCKED_BY_KEY]));

    ldlm_handle *blocker = it_try_acquire(b, set->names[TRY_MISSED], 0);
    assert_non_null(blocker);
    it_assert_ok(ldlm_try_lock(a, set->names[TRY_MISSED], NULL,
                               &set->locks[TRY_MISSED]));
    assert_false(ldlm_handle_locked(set->locks[TRY_MISSED]));
    it_assert_ok(ldlm_handle_unlock(blocker));
    ldlm_handle_free(blocker);

    it_key(set->locks[HELD_TIMED], key, sizeof key);
    it_assert_ok(
        ldlm_renew(a, set->names[HELD_TIMED], key, 4, &set->locks[RENEWAL]));
    /* The renewal's handle names the renewed lock. */
    snprintf(set->names[RENEWAL], sizeof set->names[RENEWAL], "%s",
             set->names[HELD_TIMED]);

    /* Lost: B frees it by its key, A's next renewal is refused. */
    it_assert_ok(ldlm_lock(a, set->names[LOST], &timed, &set->locks[LOST]));
    it_key(set->locks[LOST], key, sizeof key);
    it_assert_ok(ldlm_unlock(b, set->names[LOST], key, &unlocked));
    assert_true(unlocked);
    if (!ldlm_test_event_wait(&lost->event, 1, 15000))
        fail_msg("the lock freed by B was not reported lost within 15 s");
    assert_true(it_lost_reported(lost, set->locks[LOST], NULL));
}

static void test_every_kind_of_handle_outlives_its_client(void **state)
{
    it_lost_log lost;
    ldlm_client *a, *b;
    handle_set set;
    make_every_kind(*state, &lost, &a, &b, &set);
    ldlm_client_free(a);

    /* The client's connection is closed: its held locks are free again. */
    it_take_and_release(b, set.names[HELD_PLAIN], 0, IT_RELEASE_TIMEOUT_MS);

    read_all(&set);
    assert_all_read_cleanly(&set);
    pthread_t reader;
    assert_int_equal(pthread_create(&reader, NULL, reader_thread, &set), 0);
    assert_true(ldlm_test_join(reader, 10000, NULL));
    assert_all_read_cleanly(&set);

    for (int i = 0; i < HANDLE_KINDS; i++)
        ldlm_handle_free(set.locks[i]);
    ldlm_client_free(b);
    it_lost_log_destroy(&lost);
}

/*
 * A handle waiting to be re-acquired: the server is gone, its bound has
 * passed, so it reads not locked but the library still tracks it. Freeing
 * the client must detach it too.
 */
static void
test_handle_waiting_for_reacquisition_outlives_its_client(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_config cfg;
    it_config(&cfg, srv);
    cfg.reacquire_lost_locks = true;
    ldlm_client *a = it_client_new(&cfg);
    ldlm_lock_options timed = LDLM_LOCK_OPTIONS(.lock_timeout_seconds = 2);
    ldlm_handle *lock = NULL;
    it_assert_ok(ldlm_lock(a, "handles-waiting", &timed, &lock));

    assert_int_equal(ldlm_test_server_kill9(srv), 0);
    int64_t deadline = ldlm_test_now_ms() + 15000;
    while (ldlm_handle_locked(lock) && ldlm_test_now_ms() < deadline)
        ldlm_test_sleep_ms(50);
    /* 2 s timer, never renewed since the server died: not held any more. */
    assert_false(ldlm_handle_locked(lock));

    ldlm_client_free(a);
    assert_string_equal(ldlm_handle_name(lock), "handles-waiting");
    char *key = ldlm_handle_key(lock);
    assert_non_null(key);
    free(key);
    assert_false(ldlm_handle_locked(lock));
    it_assert_err(ldlm_handle_unlock(lock), LDLM_ERR_INVALID_ARGUMENT);
    ldlm_handle_free(lock);
}

/* Handles freed before their client, in any order, leave it working. */
static void test_handles_freed_before_the_client(void **state)
{
    it_lost_log lost;
    ldlm_client *a, *b;
    handle_set set;
    make_every_kind(*state, &lost, &a, &b, &set);
    /* Middle, first, last: every position of the client's list. */
    int order[HANDLE_KINDS] = {3, 6, 0, 5, 1, 4, 2};
    for (int i = 0; i < HANDLE_KINDS; i++) {
        ldlm_handle_free(set.locks[order[i]]);
        set.locks[order[i]] = NULL;
    }
    it_take_and_release(a, "handles-after", 0, 0);
    ldlm_client_free(a);
    ldlm_client_free(b);
    it_lost_log_destroy(&lost);
}

int main(void)
{
    ldlm_test_require_server();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_every_kind_of_handle_outlives_its_client, it_setup_server,
            it_teardown_server),
        cmocka_unit_test_setup_teardown(
            test_handle_waiting_for_reacquisition_outlives_its_client,
            it_setup_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_handles_freed_before_the_client,
                                        it_setup_server, it_teardown_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
