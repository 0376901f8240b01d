/* SPDX-License-Identifier: MIT */
/*
 * it_basic.c - lock, try-lock, unlock and renew round trips against the
 * real server; lock-object unlock; a closed client releases its locks.
 */
#include "it_common.h"

#include <stdlib.h>
#include <string.h>

static void test_lock_unlock_round_trip(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = it_client_for(srv);
    ldlm_handle *lock = NULL;
    char key[256];

    it_assert_ok(ldlm_lock(a, "basic-lock", NULL, &lock));
    assert_non_null(lock);
    assert_true(ldlm_handle_locked(lock));
    assert_string_equal(ldlm_handle_name(lock), "basic-lock");
    it_key(lock, key, sizeof key);

    /* Someone else cannot have it meanwhile. */
    assert_false(it_lock_is_free(srv, "basic-lock", 0));

    bool unlocked = false;
    it_assert_ok(ldlm_unlock(a, "basic-lock", key, &unlocked));
    assert_true(unlocked);
    assert_true(it_lock_is_free(srv, "basic-lock", 0));

    /* The key is spent: a second unlock must not release anything. */
    unlocked = true;
    ldlm_err again = ldlm_unlock(a, "basic-lock", key, &unlocked);
    assert_false(again == LDLM_OK && unlocked);

    ldlm_handle_free(lock);
    ldlm_client_free(a);
}

static void test_each_acquisition_gets_a_fresh_key(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = it_client_for(srv);
    ldlm_handle *first = NULL, *second = NULL;
    char key1[256], key2[256];

    it_assert_ok(ldlm_lock(a, "fresh-key", NULL, &first));
    it_key(first, key1, sizeof key1);
    it_assert_ok(ldlm_handle_unlock(first));
    it_assert_ok(ldlm_lock(a, "fresh-key", NULL, &second));
    it_key(second, key2, sizeof key2);
    assert_string_not_equal(key1, key2);

    it_assert_ok(ldlm_handle_unlock(second));
    ldlm_handle_free(first);
    ldlm_handle_free(second);
    ldlm_client_free(a);
}

static void test_try_lock_round_trip(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = it_client_for(srv);
    ldlm_client *b = it_client_for(srv);
    ldlm_handle *held = NULL, *refused = NULL;

    it_assert_ok(ldlm_try_lock(a, "try-lock", NULL, &held));
    assert_non_null(held);
    assert_true(ldlm_handle_locked(held));
    assert_string_equal(ldlm_handle_name(held), "try-lock");

    /* A full lock is not an error for try-lock: locked is simply false. */
    it_assert_ok(ldlm_try_lock(b, "try-lock", NULL, &refused));
    assert_non_null(refused);
    assert_false(ldlm_handle_locked(refused));
    /* Unlocking a handle that was never held is refused locally. */
    it_assert_err(ldlm_handle_unlock(refused), LDLM_ERR_NOT_LOCKED);
    ldlm_handle_free(refused);

    /* The lock object releases itself, once. */
    it_assert_ok(ldlm_handle_unlock(held));
    assert_false(ldlm_handle_locked(held));
    it_assert_err(ldlm_handle_unlock(held), LDLM_ERR_NOT_LOCKED);

    it_take_and_release(b, "try-lock", 0, 0);

    ldlm_handle_free(held);
    ldlm_client_free(b);
    ldlm_client_free(a);
}

static void test_try_lock_rejects_wait_timeout(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = it_client_for(srv);
    ldlm_lock_options opts = LDLM_LOCK_OPTIONS(.wait_timeout_seconds = 5);
    ldlm_handle *lock = NULL;

    it_assert_err(ldlm_try_lock(a, "try-wait", &opts, &lock),
                  LDLM_ERR_INVALID_ARGUMENT);
    ldlm_handle_free(lock);
    /* Nothing was taken on the server. */
    assert_true(it_lock_is_free(srv, "try-wait", 0));
    ldlm_client_free(a);
}

static void test_renew_round_trip(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_config cfg;
    it_config(&cfg, srv);
    cfg.no_auto_renew = true; /* only our explicit renewals */
    ldlm_client *a = it_client_new(&cfg);
    ldlm_lock_options opts = LDLM_LOCK_OPTIONS(.lock_timeout_seconds = 10);
    ldlm_handle *lock = NULL, *renewed = NULL;
    char key[256], renewed_key[256];

    it_assert_ok(ldlm_lock(a, "renew-me", &opts, &lock));
    it_key(lock, key, sizeof key);

    it_assert_ok(ldlm_renew(a, "renew-me", key, 20, &renewed));
    assert_non_null(renewed);
    assert_true(ldlm_handle_locked(renewed));
    assert_string_equal(ldlm_handle_name(renewed), "renew-me");
    it_key(renewed, renewed_key, sizeof renewed_key);
    assert_string_equal(renewed_key, key);
    ldlm_handle_free(renewed);

    /* The out handle is optional. */
    it_assert_ok(ldlm_renew(a, "renew-me", key, 20, NULL));

    /* Renewal is by key: a wrong key names no timer. */
    renewed = NULL;
    it_assert_err(ldlm_renew(a, "renew-me", "not-the-key", 20, &renewed),
                  LDLM_ERR_LOCK_DOES_NOT_EXIST_OR_INVALID_KEY);
    ldlm_handle_free(renewed);

    /* Seconds must be positive; checked before any call. */
    it_assert_err(ldlm_renew(a, "renew-me", key, 0, NULL),
                  LDLM_ERR_INVALID_ARGUMENT);

    /* Renewal is not tied to the session: another client may renew. */
    ldlm_client *b = it_client_for(srv);
    it_assert_ok(ldlm_renew(b, "renew-me", key, 20, NULL));
    ldlm_client_free(b);

    it_assert_ok(ldlm_handle_unlock(lock));
    ldlm_handle_free(lock);
    ldlm_client_free(a);
}

static void test_renew_without_lock_timeout_is_refused(void **state)
{
    ldlm_test_server *srv = *state;
    /* With no_auto_renew the library takes the lock as asked, with no timer
     * (with auto-renew it gives it one of its own, see below). */
    ldlm_config cfg;
    it_config(&cfg, srv);
    cfg.no_auto_renew = true;
    ldlm_client *a = it_client_new(&cfg);
    ldlm_handle *lock = NULL;
    char key[256];

    /* No lock timeout: the server keeps no timer to restart. */
    it_assert_ok(ldlm_lock(a, "no-timer", NULL, &lock));
    it_key(lock, key, sizeof key);
    it_assert_err(ldlm_renew(a, "no-timer", key, 10, NULL),
                  LDLM_ERR_LOCK_DOES_NOT_EXIST_OR_INVALID_KEY);
    /* The refused renewal did not disturb the lock. */
    assert_false(it_lock_is_free(srv, "no-timer", 0));
    it_assert_ok(ldlm_handle_unlock(lock));
    ldlm_handle_free(lock);
    ldlm_client_free(a);
}

/* With auto-renew (the default) a lock taken without a lock timeout has a
 * server timer of the library's: a Renew succeeds, so the lock can be
 * renewed at once after a late reply and given back by a short renewal,
 * and the keeper keeps it held. */
static void test_untimed_lock_can_be_verified(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = it_client_for(srv);
    ldlm_handle *lock = NULL;
    char key[256];

    it_assert_ok(ldlm_lock(a, "untimed", NULL, &lock));
    it_key(lock, key, sizeof key);
    ldlm_client *b = it_client_for(srv);
    it_assert_ok(ldlm_renew(b, "untimed", key, 600, NULL));
    assert_true(ldlm_handle_locked(lock));
    assert_false(it_lock_is_free(srv, "untimed", 0));
    it_assert_ok(ldlm_handle_unlock(lock));
    ldlm_handle_free(lock);
    ldlm_client_free(b);
    ldlm_client_free(a);
}

static void test_unlock_errors_and_foreign_unlock(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = it_client_for(srv);
    ldlm_client *b = it_client_for(srv);
    ldlm_handle *lock = NULL;
    bool unlocked = true;
    char key[256];

    it_assert_err(ldlm_unlock(a, "never-created", "some-key", &unlocked),
                  LDLM_ERR_LOCK_DOES_NOT_EXIST);
    assert_false(unlocked);

    it_assert_ok(ldlm_lock(a, "foreign", NULL, &lock));
    it_key(lock, key, sizeof key);

    unlocked = true;
    it_assert_err(ldlm_unlock(b, "foreign", "wrong-key", &unlocked),
                  LDLM_ERR_INVALID_LOCK_KEY);
    assert_false(unlocked);
    assert_false(it_lock_is_free(srv, "foreign", 0));

    /* Keys are tokens: any client that has the key can release the lock. */
    it_assert_ok(ldlm_unlock(b, "foreign", key, &unlocked));
    assert_true(unlocked);
    assert_true(it_lock_is_free(srv, "foreign", 0));

    ldlm_handle_free(lock);
    ldlm_client_free(b);
    ldlm_client_free(a);
}

static void test_closing_client_releases_its_locks(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = it_client_for(srv);
    ldlm_client *b = it_client_for(srv);
    ldlm_lock_options with_timeout =
        LDLM_LOCK_OPTIONS(.lock_timeout_seconds = 60);
    ldlm_handle *plain = NULL, *timed = NULL;

    it_assert_ok(ldlm_lock(a, "session-1", NULL, &plain));
    it_assert_ok(ldlm_lock(a, "session-2", &with_timeout, &timed));
    assert_null(it_try_acquire(b, "session-1", 0));
    assert_null(it_try_acquire(b, "session-2", 0));

    /* Closing the connection ends the server session and its locks. */
    ldlm_client_free(a);

    /* The handles outlive their client and read as not held. */
    assert_false(ldlm_handle_locked(plain));
    assert_false(ldlm_handle_locked(timed));
    assert_int_not_equal(ldlm_handle_unlock(plain), LDLM_OK);

    /* The server notices the closed connection shortly: poll, bounded. */
    ldlm_handle *got1 =
        it_acquire_within(b, "session-1", 0, IT_RELEASE_TIMEOUT_MS);
    assert_non_null(got1);
    ldlm_handle *got2 =
        it_acquire_within(b, "session-2", 0, IT_RELEASE_TIMEOUT_MS);
    assert_non_null(got2);

    it_assert_ok(ldlm_handle_unlock(got1));
    it_assert_ok(ldlm_handle_unlock(got2));
    ldlm_handle_free(got1);
    ldlm_handle_free(got2);
    ldlm_handle_free(plain);
    ldlm_handle_free(timed);
    ldlm_client_free(b);
}

static void test_utf8_names_round_trip(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = it_client_for(srv);
    ldlm_handle *lock = NULL;
    const char *name = "v\xc3\xa9rrou/\xe2\x9c\x93 with spaces";

    it_assert_ok(ldlm_lock(a, name, NULL, &lock));
    assert_string_equal(ldlm_handle_name(lock), name);
    assert_false(it_lock_is_free(srv, name, 0));
    it_assert_ok(ldlm_handle_unlock(lock));
    ldlm_handle_free(lock);
    ldlm_client_free(a);
}

int main(void)
{
    ldlm_test_require_server();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lock_unlock_round_trip,
                                        it_setup_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_each_acquisition_gets_a_fresh_key,
                                        it_setup_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_try_lock_round_trip,
                                        it_setup_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_try_lock_rejects_wait_timeout,
                                        it_setup_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_renew_round_trip, it_setup_server,
                                        it_teardown_server),
        cmocka_unit_test_setup_teardown(
            test_renew_without_lock_timeout_is_refused, it_setup_server,
            it_teardown_server),
        cmocka_unit_test_setup_teardown(test_untimed_lock_can_be_verified,
                                        it_setup_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_unlock_errors_and_foreign_unlock,
                                        it_setup_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_closing_client_releases_its_locks,
                                        it_setup_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_utf8_names_round_trip,
                                        it_setup_server, it_teardown_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
