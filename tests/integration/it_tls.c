/* SPDX-License-Identifier: MIT */
/*
 * it_tls.c - TLS against the real server: server certificate checked with a
 * CA file, mutual TLS with a client certificate, skip-verify against a
 * certificate with the wrong name (while verification refuses it), and a
 * wrong CA refused.
 */
#include "it_common.h"

#include <stdio.h>
#include <stdlib.h>

/* Bound of a call expected to be refused: refusal must come sooner. */
#define REFUSAL_TIMEOUT_MS 15000

typedef struct tls_fixture {
    ldlm_test_server srv;
    ldlm_test_certs certs;
} tls_fixture;

static int teardown_tls(void **state)
{
    tls_fixture *fx = *state;
    if (fx) {
        ldlm_test_server_cleanup(&fx->srv);
        free(fx);
        *state = NULL;
    }
    return 0;
}

static int setup_tls(void **state)
{
    tls_fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    *state = fx;
    char dir[LDLM_TEST_PATH_LEN];
    if (ldlm_test_server_init(&fx->srv) != 0 ||
        snprintf(dir, sizeof dir, "%s/certs", fx->srv.dir) >= (int)sizeof dir ||
        ldlm_test_make_certs(dir, &fx->certs) != 0) {
        /* cmocka runs no teardown after a failed setup. */
        teardown_tls(state);
        return -1;
    }
    return 0;
}

static void tls_config(ldlm_config *cfg, const tls_fixture *fx)
{
    it_config(cfg, &fx->srv);
    cfg->use_tls = true;
    cfg->ca_file = fx->certs.ca_cert;
}

/*
 * The connection must be refused: a transport error (gRPC reports failed
 * handshakes as UNAVAILABLE; UNAUTHENTICATED or a generic transport error
 * are acceptable), promptly, and no lock taken.
 */
static void expect_refused(const ldlm_config *cfg, const char *name)
{
    ldlm_config bounded = *cfg;
    bounded.call_timeout_ms = REFUSAL_TIMEOUT_MS;
    bounded.max_retries = 0;
    ldlm_client *client = it_client_new(&bounded);
    ldlm_handle *lock = NULL;
    int64_t start = ldlm_test_now_ms();
    ldlm_err err = ldlm_try_lock(client, name, NULL, &lock);
    int64_t elapsed = ldlm_test_now_ms() - start;
    char detail[512];
    snprintf(detail, sizeof detail, "%s", ldlm_last_error_message());
    print_message("refused with %s after %lld ms: %s\n", ldlm_err_name(err),
                  (long long)elapsed, detail);
    if (err != LDLM_ERR_UNAVAILABLE && err != LDLM_ERR_UNAUTHENTICATED &&
        err != LDLM_ERR_TRANSPORT)
        fail_msg("expected the TLS connection to be refused, got %s",
                 ldlm_err_name(err));
    assert_true(elapsed < REFUSAL_TIMEOUT_MS);
    ldlm_handle_free(lock);
    ldlm_client_free(client);
}

static void start_with(tls_fixture *fx, const char *cert, const char *key,
                       const char *client_ca)
{
    const char *flags[] = {
        "--tls_cert", cert, "--tls_key", key, client_ca ? "--client_ca" : NULL,
        client_ca,    NULL};
    it_start_server(&fx->srv, flags);
}

static void test_tls_with_ca_file(void **state)
{
    tls_fixture *fx = *state;
    start_with(fx, fx->certs.server_cert, fx->certs.server_key, NULL);

    ldlm_config cfg;
    tls_config(&cfg, fx);
    ldlm_client *client = it_client_new(&cfg);
    it_lock_round_trip(client, "tls-ca");
    ldlm_client_free(client);
}

static void test_tls_wrong_ca_refused(void **state)
{
    tls_fixture *fx = *state;
    start_with(fx, fx->certs.server_cert, fx->certs.server_key, NULL);

    ldlm_config cfg;
    tls_config(&cfg, fx);
    cfg.ca_file = fx->certs.other_ca_cert;
    expect_refused(&cfg, "tls-wrong-ca");

    /* A plaintext client cannot talk to a TLS server either. */
    ldlm_config plain;
    it_config(&plain, &fx->srv);
    expect_refused(&plain, "tls-plain");

    /* The server itself is fine: the right CA gets through. */
    tls_config(&cfg, fx);
    ldlm_client *client = it_client_new(&cfg);
    it_lock_round_trip(client, "tls-wrong-ca");
    ldlm_client_free(client);
}

static void test_skip_verify_accepts_wrong_name(void **state)
{
    tls_fixture *fx = *state;
    start_with(fx, fx->certs.wrong_name_cert, fx->certs.wrong_name_key, NULL);

    /* Signed by our CA, but for wrong.example, not 127.0.0.1: refused. */
    ldlm_config verify;
    tls_config(&verify, fx);
    expect_refused(&verify, "tls-wrong-name");

    /* skip_verify checks neither chain nor name. */
    ldlm_config skip;
    it_config(&skip, &fx->srv);
    skip.use_tls = true;
    skip.skip_verify = true;
    ldlm_client *client = it_client_new(&skip);
    it_lock_round_trip(client, "tls-wrong-name");
    ldlm_client_free(client);
}

static void test_mutual_tls(void **state)
{
    tls_fixture *fx = *state;
    start_with(fx, fx->certs.server_cert, fx->certs.server_key,
               fx->certs.ca_cert);

    ldlm_config with_cert;
    tls_config(&with_cert, fx);
    with_cert.tls_cert = fx->certs.client_cert;
    with_cert.tls_key = fx->certs.client_key;
    ldlm_client *client = it_client_new(&with_cert);
    it_lock_round_trip(client, "mtls");

    /* The server demands a client certificate. */
    ldlm_config without_cert;
    tls_config(&without_cert, fx);
    expect_refused(&without_cert, "mtls-anonymous");

    /* The refused client did not disturb the authenticated one. */
    it_lock_round_trip(client, "mtls");
    ldlm_client_free(client);
}

int main(void)
{
    ldlm_test_require_server();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tls_with_ca_file, setup_tls,
                                        teardown_tls),
        cmocka_unit_test_setup_teardown(test_tls_wrong_ca_refused, setup_tls,
                                        teardown_tls),
        cmocka_unit_test_setup_teardown(test_skip_verify_accepts_wrong_name,
                                        setup_tls, teardown_tls),
        cmocka_unit_test_setup_teardown(test_mutual_tls, setup_tls,
                                        teardown_tls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
