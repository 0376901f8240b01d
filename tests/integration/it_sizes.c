/* SPDX-License-Identifier: MIT */
/*
 * it_sizes.c - sized locks (counting semaphores) against the real server:
 * N holders admitted, N+1 refused, size mismatch and invalid size errors,
 * several holds of one name in one client.
 */
#include "it_common.h"

#include <string.h>

#define SIZE 3

static void test_n_holders_admitted_n_plus_one_refused(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *clients[SIZE + 1];
    ldlm_handle *holds[SIZE];
    ldlm_lock_options opts = LDLM_LOCK_OPTIONS(.size = SIZE);
    char keys[SIZE][256];

    for (int i = 0; i <= SIZE; i++)
        clients[i] = it_client_for(srv);

    for (int i = 0; i < SIZE; i++) {
        holds[i] = NULL;
        it_assert_ok(ldlm_lock(clients[i], "sized", &opts, &holds[i]));
        assert_true(ldlm_handle_locked(holds[i]));
        it_key(holds[i], keys[i], sizeof keys[i]);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(keys[i], keys[j]);
    }

    /* One more than the size: try-lock says full, a bounded wait expires. */
    assert_null(it_try_acquire(clients[SIZE], "sized", SIZE));
    ldlm_lock_options wait_1s =
        LDLM_LOCK_OPTIONS(.size = SIZE, .wait_timeout_seconds = 1);
    ldlm_handle *extra = NULL;
    it_assert_err(ldlm_lock(clients[SIZE], "sized", &wait_1s, &extra),
                  LDLM_ERR_LOCK_WAIT_TIMEOUT);
    ldlm_handle_free(extra);

    /* One release makes room for exactly one more. */
    it_assert_ok(ldlm_handle_unlock(holds[0]));
    extra = it_try_acquire(clients[SIZE], "sized", SIZE);
    assert_non_null(extra);
    assert_null(it_try_acquire(clients[0], "sized", SIZE));

    it_assert_ok(ldlm_handle_unlock(extra));
    ldlm_handle_free(extra);
    for (int i = 0; i < SIZE; i++) {
        if (i > 0)
            it_assert_ok(ldlm_handle_unlock(holds[i]));
        ldlm_handle_free(holds[i]);
    }
    for (int i = 0; i <= SIZE; i++)
        ldlm_client_free(clients[i]);
}

static void test_size_mismatch(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = it_client_for(srv);
    ldlm_client *b = it_client_for(srv);
    ldlm_lock_options three = LDLM_LOCK_OPTIONS(.size = 3);
    ldlm_lock_options two = LDLM_LOCK_OPTIONS(.size = 2);
    ldlm_lock_options five_wait =
        LDLM_LOCK_OPTIONS(.size = 5, .wait_timeout_seconds = 5);
    ldlm_handle *held = NULL, *other = NULL;

    it_assert_ok(ldlm_lock(a, "mismatch", &three, &held));

    /* The creator fixed the size; other sizes are refused at once. */
    it_assert_err(ldlm_try_lock(b, "mismatch", &two, &other),
                  LDLM_ERR_LOCK_SIZE_MISMATCH);
    ldlm_handle_free(other);
    other = NULL;
    int64_t start = ldlm_test_now_ms();
    it_assert_err(ldlm_lock(b, "mismatch", &five_wait, &other),
                  LDLM_ERR_LOCK_SIZE_MISMATCH);
    /* Refused, not waited for. */
    assert_true(ldlm_test_now_ms() - start < 4000);
    ldlm_handle_free(other);
    other = NULL;
    /* No size means the server's default of 1, which differs too. */
    it_assert_err(ldlm_try_lock(b, "mismatch", NULL, &other),
                  LDLM_ERR_LOCK_SIZE_MISMATCH);
    ldlm_handle_free(other);

    /* The matching size still works. */
    it_take_and_release(b, "mismatch", 3, 0);

    it_assert_ok(ldlm_handle_unlock(held));
    ldlm_handle_free(held);
    ldlm_client_free(b);
    ldlm_client_free(a);
}

static void test_invalid_size(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = it_client_for(srv);
    ldlm_lock_options negative = LDLM_LOCK_OPTIONS(.size = -1);
    ldlm_handle *lock = NULL;

    it_assert_err(ldlm_lock(a, "bad-size", &negative, &lock),
                  LDLM_ERR_INVALID_LOCK_SIZE);
    ldlm_handle_free(lock);
    lock = NULL;
    it_assert_err(ldlm_try_lock(a, "bad-size", &negative, &lock),
                  LDLM_ERR_INVALID_LOCK_SIZE);
    ldlm_handle_free(lock);

    /* Nothing was created: a default-size lock of that name is fine. */
    assert_true(it_lock_is_free(srv, "bad-size", 0));
    ldlm_client_free(a);
}

static void test_several_holds_in_one_client(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = it_client_for(srv);
    ldlm_lock_options opts =
        LDLM_LOCK_OPTIONS(.size = SIZE, .lock_timeout_seconds = 30);
    ldlm_handle *holds[SIZE];
    char keys[SIZE][256];

    /* One client, one connection, SIZE holds of one name (auto-renewed). */
    for (int i = 0; i < SIZE; i++) {
        holds[i] = NULL;
        it_assert_ok(ldlm_lock(a, "multi", &opts, &holds[i]));
        assert_true(ldlm_handle_locked(holds[i]));
        it_key(holds[i], keys[i], sizeof keys[i]);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(keys[i], keys[j]);
    }
    assert_null(it_try_acquire(a, "multi", SIZE));
    assert_false(it_lock_is_free(srv, "multi", SIZE));

    /* Releasing one hold leaves the others held under their own keys. */
    it_assert_ok(ldlm_handle_unlock(holds[1]));
    assert_false(ldlm_handle_locked(holds[1]));
    assert_true(ldlm_handle_locked(holds[0]));
    assert_true(ldlm_handle_locked(holds[2]));
    it_assert_ok(ldlm_renew(a, "multi", keys[0], 30, NULL));
    it_assert_ok(ldlm_renew(a, "multi", keys[2], 30, NULL));

    it_assert_ok(ldlm_handle_unlock(holds[0]));
    it_assert_ok(ldlm_handle_unlock(holds[2]));
    for (int i = 0; i < SIZE; i++)
        ldlm_handle_free(holds[i]);

    /* All released: another client gets every hold. */
    ldlm_client *b = it_client_for(srv);
    ldlm_handle *again[SIZE];
    for (int i = 0; i < SIZE; i++) {
        again[i] = it_try_acquire(b, "multi", SIZE);
        assert_non_null(again[i]);
    }
    for (int i = 0; i < SIZE; i++) {
        it_assert_ok(ldlm_handle_unlock(again[i]));
        ldlm_handle_free(again[i]);
    }
    ldlm_client_free(b);
    ldlm_client_free(a);
}

int main(void)
{
    ldlm_test_require_server();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_n_holders_admitted_n_plus_one_refused, it_setup_server,
            it_teardown_server),
        cmocka_unit_test_setup_teardown(test_size_mismatch, it_setup_server,
                                        it_teardown_server),
        cmocka_unit_test_setup_teardown(test_invalid_size, it_setup_server,
                                        it_teardown_server),
        cmocka_unit_test_setup_teardown(test_several_holds_in_one_client,
                                        it_setup_server, it_teardown_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
