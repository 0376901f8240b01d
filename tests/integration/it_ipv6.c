/* SPDX-License-Identifier: MIT */
/*
 * it_ipv6.c - the "[v6addr]:port" address form against the real server
 * listening on [::1], plaintext and with TLS (the certificate has an IP
 * SAN for ::1). Skipped only if this machine has no IPv6 loopback.
 */
#include "it_common.h"

#include <stdio.h>
#include <stdlib.h>

static int setup_v6(void **state)
{
    ldlm_test_server *srv = calloc(1, sizeof *srv);
    if (!srv)
        return -1;
    *state = srv;
    if (!ldlm_test_have_ipv6_loopback())
        return 0; /* the tests skip */
    if (ldlm_test_server_init_host(srv, "::1") != 0) {
        free(srv);
        *state = NULL;
        return -1;
    }
    return 0;
}

static void skip_without_v6(void)
{
    if (!ldlm_test_have_ipv6_loopback()) {
        print_message("no IPv6 loopback ([::1]) on this machine\n");
        skip();
    }
}

static void test_ipv6_round_trip(void **state)
{
    skip_without_v6();
    ldlm_test_server *srv = *state;
    it_start_server(srv, NULL);
    print_message("server at %s\n", srv->address);
    assert_true(srv->address[0] == '[');

    ldlm_client *a = it_client_for(srv);
    ldlm_handle *lock = NULL;
    it_assert_ok(ldlm_lock(a, "v6", NULL, &lock));
    assert_true(ldlm_handle_locked(lock));
    assert_false(it_lock_is_free(srv, "v6", 0));
    it_assert_ok(ldlm_handle_unlock(lock));
    assert_true(it_lock_is_free(srv, "v6", 0));
    ldlm_handle_free(lock);
    ldlm_client_free(a);
}

static void test_ipv6_tls_verifies_ip_san(void **state)
{
    skip_without_v6();
    ldlm_test_server *srv = *state;
    ldlm_test_certs certs;
    char dir[LDLM_TEST_PATH_LEN];
    assert_true(snprintf(dir, sizeof dir, "%s/certs", srv->dir) <
                (int)sizeof dir);
    assert_int_equal(ldlm_test_make_certs(dir, &certs), 0);
    const char *flags[] = {"--tls_cert", certs.server_cert, "--tls_key",
                           certs.server_key, NULL};
    it_start_server(srv, flags);

    /* The name checked is the address without brackets or port: ::1. */
    ldlm_config cfg;
    it_config(&cfg, srv);
    cfg.use_tls = true;
    cfg.ca_file = certs.ca_cert;
    ldlm_client *a = it_client_new(&cfg);
    it_lock_round_trip(a, "v6-tls");
    ldlm_client_free(a);
}

int main(void)
{
    ldlm_test_require_server();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ipv6_round_trip, setup_v6,
                                        it_teardown_server),
        cmocka_unit_test_setup_teardown(test_ipv6_tls_verifies_ip_san, setup_v6,
                                        it_teardown_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
