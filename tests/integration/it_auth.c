/* SPDX-License-Identifier: MIT */
/*
 * it_auth.c - password authentication against the real server started
 * with --password: right, wrong and missing password.
 */
#include "it_common.h"

#define PASSWORD "correct horse: battery staple"

static int setup_password_server(void **state)
{
    const char *flags[] = {"--password", PASSWORD, NULL};
    return it_setup_server_with(state, flags);
}

static ldlm_client *client_with_password(const ldlm_test_server *srv,
                                         const char *password)
{
    ldlm_config cfg;
    it_config(&cfg, srv);
    cfg.password = password;
    return it_client_new(&cfg);
}

static void test_right_password(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = client_with_password(srv, PASSWORD);
    ldlm_lock_options opts = LDLM_LOCK_OPTIONS(.lock_timeout_seconds = 30);
    ldlm_handle *lock = NULL;
    char key[256];

    /* Every kind of call carries the password. */
    it_assert_ok(ldlm_lock(a, "authed", &opts, &lock));
    assert_true(ldlm_handle_locked(lock));
    it_key(lock, key, sizeof key);
    it_assert_ok(ldlm_renew(a, "authed", key, 30, NULL));
    ldlm_handle *tried = NULL;
    it_assert_ok(ldlm_try_lock(a, "authed-2", NULL, &tried));
    assert_true(ldlm_handle_locked(tried));
    bool unlocked = false;
    it_assert_ok(ldlm_unlock(a, "authed", key, &unlocked));
    assert_true(unlocked);
    it_assert_ok(ldlm_handle_unlock(tried));

    ldlm_handle_free(tried);
    ldlm_handle_free(lock);
    ldlm_client_free(a);
}

static void expect_unauthenticated(ldlm_client *client)
{
    ldlm_handle *lock = NULL;
    it_assert_err(ldlm_lock(client, "not-for-you", NULL, &lock),
                  LDLM_ERR_UNAUTHENTICATED);
    ldlm_handle_free(lock);
    lock = NULL;
    it_assert_err(ldlm_try_lock(client, "not-for-you", NULL, &lock),
                  LDLM_ERR_UNAUTHENTICATED);
    ldlm_handle_free(lock);
    it_assert_err(ldlm_unlock(client, "not-for-you", "key", NULL),
                  LDLM_ERR_UNAUTHENTICATED);
    it_assert_err(ldlm_renew(client, "not-for-you", "key", 10, NULL),
                  LDLM_ERR_UNAUTHENTICATED);
}

static void test_wrong_password(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = client_with_password(srv, "battery staple");
    expect_unauthenticated(a);

    /* Nothing was taken: a client with the password gets the lock. */
    ldlm_client *ok = client_with_password(srv, PASSWORD);
    it_take_and_release(ok, "not-for-you", 0, 0);
    ldlm_client_free(ok);
    ldlm_client_free(a);
}

static void test_missing_password(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = client_with_password(srv, NULL);
    expect_unauthenticated(a);
    ldlm_client_free(a);
}

static void test_empty_password_is_not_the_password(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_config cfg;
    it_config(&cfg, srv);
    cfg.password = "";
    ldlm_client *a = NULL;
    /* Either refused at creation or by the server; never let in. */
    ldlm_err err = ldlm_client_new(&cfg, &a);
    if (err == LDLM_OK) {
        expect_unauthenticated(a);
        ldlm_client_free(a);
    } else {
        it_assert_err(err, LDLM_ERR_INVALID_ARGUMENT);
    }
}

int main(void)
{
    ldlm_test_require_server();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_right_password, setup_password_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(
            test_wrong_password, setup_password_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(
            test_missing_password, setup_password_server, it_teardown_server),
        cmocka_unit_test_setup_teardown(test_empty_password_is_not_the_password,
                                        setup_password_server,
                                        it_teardown_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
