/* SPDX-License-Identifier: MIT */
/* Unit tests of libldlm's pure functions: error codes, address parsing,
 * UTF-8 validation, the renewal schedule and the wire encoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "ldlm_util.h"

static bool utf8_valid(const char *s)
{
    return ldlmu_utf8_valid(s, strlen(s));
}

static const ldlm_err all_codes[] = {
    LDLM_OK,
    LDLM_ERR_SERVER_UNKNOWN,
    LDLM_ERR_LOCK_DOES_NOT_EXIST,
    LDLM_ERR_INVALID_LOCK_KEY,
    LDLM_ERR_LOCK_WAIT_TIMEOUT,
    LDLM_ERR_NOT_LOCKED,
    LDLM_ERR_LOCK_DOES_NOT_EXIST_OR_INVALID_KEY,
    LDLM_ERR_LOCK_SIZE_MISMATCH,
    LDLM_ERR_INVALID_LOCK_SIZE,
    LDLM_ERR_UNAVAILABLE,
    LDLM_ERR_UNAUTHENTICATED,
    LDLM_ERR_CANCELLED,
    LDLM_ERR_DEADLINE,
    LDLM_ERR_TRANSPORT,
    LDLM_ERR_PROTOCOL,
    LDLM_ERR_INVALID_ARGUMENT,
    LDLM_ERR_TLS_FILE,
    LDLM_ERR_NO_MEMORY,
    LDLM_ERR_FORKED,
    LDLM_ERR_LOCK_LOST,
    LDLM_ERR_INTERNAL,
};
#define N_CODES (sizeof all_codes / sizeof all_codes[0])

static void every_code_has_a_distinct_name_and_text(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_CODES; i++) {
        assert_string_not_equal(ldlm_strerror(all_codes[i]),
                                "unknown error code");
        assert_true(strncmp(ldlm_err_name(all_codes[i]), "LDLM_", 5) == 0);
        for (size_t j = 0; j < i; j++) {
            assert_int_not_equal(all_codes[i], all_codes[j]);
            assert_string_not_equal(ldlm_strerror(all_codes[i]),
                                    ldlm_strerror(all_codes[j]));
        }
    }
    assert_string_equal(ldlm_strerror((ldlm_err)12345), "unknown error code");
    assert_string_equal(ldlm_err_name(LDLM_ERR_LOCK_SIZE_MISMATCH),
                        "LDLM_ERR_LOCK_SIZE_MISMATCH");
}

static void server_codes_map_one_to_one(void **state)
{
    (void)state;
    assert_int_equal(ldlmi_err_from_server(LDLM__ERROR_CODE__Unknown, NULL),
                     LDLM_ERR_SERVER_UNKNOWN);
    assert_int_equal(
        ldlmi_err_from_server(LDLM__ERROR_CODE__LockDoesNotExist, NULL),
        LDLM_ERR_LOCK_DOES_NOT_EXIST);
    assert_int_equal(
        ldlmi_err_from_server(LDLM__ERROR_CODE__InvalidLockKey, NULL),
        LDLM_ERR_INVALID_LOCK_KEY);
    assert_int_equal(
        ldlmi_err_from_server(LDLM__ERROR_CODE__LockWaitTimeout, NULL),
        LDLM_ERR_LOCK_WAIT_TIMEOUT);
    assert_int_equal(ldlmi_err_from_server(LDLM__ERROR_CODE__NotLocked, NULL),
                     LDLM_ERR_NOT_LOCKED);
    assert_int_equal(ldlmi_err_from_server(
                         LDLM__ERROR_CODE__LockDoesNotExistOrInvalidKey, NULL),
                     LDLM_ERR_LOCK_DOES_NOT_EXIST_OR_INVALID_KEY);
    assert_int_equal(
        ldlmi_err_from_server(LDLM__ERROR_CODE__LockSizeMismatch, NULL),
        LDLM_ERR_LOCK_SIZE_MISMATCH);
    assert_int_equal(
        ldlmi_err_from_server(LDLM__ERROR_CODE__InvalidLockSize, NULL),
        LDLM_ERR_INVALID_LOCK_SIZE);
    assert_int_equal(ldlmi_err_from_server((Ldlm__ErrorCode)99, NULL),
                     LDLM_ERR_SERVER_UNKNOWN);
}

/* The v1.2.2 server answers several errors with code Unknown and only the
 * message to tell them apart (measured against the real server). */
static void server_unknown_code_is_read_by_its_message(void **state)
{
    (void)state;
    assert_int_equal(
        ldlmi_err_from_server(LDLM__ERROR_CODE__Unknown,
                              "lock does not exist or invalid key"),
        LDLM_ERR_LOCK_DOES_NOT_EXIST_OR_INVALID_KEY);
    assert_int_equal(ldlmi_err_from_server(LDLM__ERROR_CODE__Unknown,
                                           "lock manager is shutdown"),
                     LDLM_ERR_UNAVAILABLE);
    assert_int_equal(ldlmi_err_from_server(LDLM__ERROR_CODE__Unknown,
                                           "lock name cannot be empty"),
                     LDLM_ERR_INVALID_ARGUMENT);
    assert_int_equal(ldlmi_err_from_server(LDLM__ERROR_CODE__Unknown,
                                           "session does not exist"),
                     LDLM_ERR_SERVER_UNKNOWN);
    assert_int_equal(ldlmi_err_from_server(LDLM__ERROR_CODE__Unknown, ""),
                     LDLM_ERR_SERVER_UNKNOWN);
    /* A known code wins over its message. */
    assert_int_equal(
        ldlmi_err_from_server(LDLM__ERROR_CODE__InvalidLockKey,
                              "lock does not exist or invalid key"),
        LDLM_ERR_INVALID_LOCK_KEY);
}

static void grpc_statuses_map_to_what_callers_tell_apart(void **state)
{
    (void)state;
    assert_int_equal(ldlmi_err_from_status(GRPC_STATUS_OK), LDLM_OK);
    assert_int_equal(ldlmi_err_from_status(GRPC_STATUS_UNAVAILABLE),
                     LDLM_ERR_UNAVAILABLE);
    assert_int_equal(ldlmi_err_from_status(GRPC_STATUS_UNAUTHENTICATED),
                     LDLM_ERR_UNAUTHENTICATED);
    assert_int_equal(ldlmi_err_from_status(GRPC_STATUS_CANCELLED),
                     LDLM_ERR_CANCELLED);
    assert_int_equal(ldlmi_err_from_status(GRPC_STATUS_DEADLINE_EXCEEDED),
                     LDLM_ERR_DEADLINE);
    assert_int_equal(ldlmi_err_from_status(GRPC_STATUS_INVALID_ARGUMENT),
                     LDLM_ERR_INVALID_ARGUMENT);
    assert_int_equal(ldlmi_err_from_status(GRPC_STATUS_INTERNAL),
                     LDLM_ERR_TRANSPORT);
}

static void last_error_message_is_per_call_and_formatted(void **state)
{
    (void)state;
    assert_int_equal(ldlmi_fail(LDLM_ERR_TLS_FILE, "file %s: %d", "x.pem", 3),
                     LDLM_ERR_TLS_FILE);
    assert_string_equal(ldlm_last_error_message(), "file x.pem: 3");
    ldlmi_clear_error();
    assert_string_equal(ldlm_last_error_message(), "");
}

static void expect_target(const char *address, const char *target)
{
    char *out = NULL;
    assert_int_equal(ldlmi_address_to_target(address, &out), LDLM_OK);
    assert_string_equal(out, target);
    free(out);
}

static void expect_bad_address(const char *address)
{
    char *out = (char *)"sentinel";
    assert_int_equal(ldlmi_address_to_target(address, &out),
                     LDLM_ERR_INVALID_ARGUMENT);
    assert_null(out);
    assert_true(strstr(ldlm_last_error_message(), "address") != NULL);
}

static void addresses_are_normalised(void **state)
{
    (void)state;
    expect_target(NULL, "localhost:3144");
    expect_target("", "localhost:3144");
    expect_target("lock.example.com:7000", "lock.example.com:7000");
    expect_target("10.0.0.1:3144", "10.0.0.1:3144");
    expect_target("lockhost", "lockhost:3144");
    expect_target("[::1]:3144", "[::1]:3144");
    expect_target("[fe80::1%eth0]:99", "[fe80::1%eth0]:99");
    expect_target("[2001:db8::7]", "[2001:db8::7]:3144");
    expect_target("a:65535", "a:65535");
}

static void bad_addresses_are_refused(void **state)
{
    (void)state;
    expect_bad_address("::1:3144"); /* ambiguous: needs brackets */
    expect_bad_address("[::1");
    expect_bad_address("[]:1");
    expect_bad_address("[::1]x");
    expect_bad_address("[zz::1]:1");
    expect_bad_address("host:");
    expect_bad_address("host:0");
    expect_bad_address("host:65536");
    expect_bad_address("host:12ab");
    expect_bad_address(":3144");
    expect_bad_address("ho st:1");
    expect_bad_address("host/x:1");
}

static void utf8_validation(void **state)
{
    (void)state;
    assert_true(utf8_valid(""));
    assert_true(utf8_valid("plain ascii/name"));
    assert_true(utf8_valid("caf\xc3\xa9"));      /* é */
    assert_true(utf8_valid("\xe2\x82\xac"));     /* € */
    assert_true(utf8_valid("\xf0\x9f\x94\x92")); /* 🔒 */
    assert_true(utf8_valid("\xf4\x8f\xbf\xbf")); /* U+10FFFF */
    assert_false(utf8_valid("\xff"));
    assert_false(utf8_valid("\x80"));             /* lone continuation */
    assert_false(utf8_valid("\xc3"));             /* truncated */
    assert_false(utf8_valid("\xc0\xaf"));         /* overlong '/' */
    assert_false(utf8_valid("\xe0\x80\xaf"));     /* overlong */
    assert_false(utf8_valid("\xed\xa0\x80"));     /* surrogate */
    assert_false(utf8_valid("\xf4\x90\x80\x80")); /* > U+10FFFF */
    assert_false(utf8_valid("ok\xe2\x82"));       /* truncated at end */
}

static void renewal_keeps_short_locks_alive(void **state)
{
    (void)state;
    assert_int_equal(ldlmi_renew_interval_ms(0), 0);
    assert_int_equal(ldlmi_renew_interval_ms(-5), 0);
    assert_int_equal(ldlmi_renew_interval_ms(1), 500);
    assert_int_equal(ldlmi_renew_interval_ms(2), 1000); /* Go: 10 s, too late */
    assert_int_equal(ldlmi_renew_interval_ms(10), 5000);
    assert_int_equal(ldlmi_renew_interval_ms(60), 30000);
    assert_int_equal(ldlmi_renew_interval_ms(600), 570000);
    for (int t = 1; t <= 100000; t = t * 3 + 1) {
        int64_t every = ldlmi_renew_interval_ms(t);
        assert_true(every > 0);
        assert_true(every <= (int64_t)t * 1000 / 2 ||
                    every == (int64_t)t * 1000 - 30000);
        assert_true(every < (int64_t)t * 1000); /* always before expiry */
    }
}

/* Optional fields must be absent (not 0) when unset, and present when set,
 * exactly as a peer compiled with proto3 `optional` expects. */
static void optional_fields_keep_explicit_presence(void **state)
{
    (void)state;
    uint8_t buf[64];
    Ldlm__LockRequest req = LDLM__LOCK_REQUEST__INIT;
    req.name = (char *)"a";
    size_t n = ldlm__lock_request__pack(&req, buf);
    const uint8_t name_only[] = {0x0a, 0x01, 'a'};
    assert_int_equal(n, sizeof name_only);
    assert_memory_equal(buf, name_only, n);

    req._size_case = LDLM__LOCK_REQUEST___SIZE_SIZE;
    req.size = 0; /* explicitly zero: must be on the wire */
    req._wait_timeout_seconds_case =
        LDLM__LOCK_REQUEST___WAIT_TIMEOUT_SECONDS_WAIT_TIMEOUT_SECONDS;
    req.wait_timeout_seconds = 5;
    req._lock_timeout_seconds_case =
        LDLM__LOCK_REQUEST___LOCK_TIMEOUT_SECONDS_LOCK_TIMEOUT_SECONDS;
    req.lock_timeout_seconds = 2;
    n = ldlm__lock_request__pack(&req, buf);
    /* name(1), wait_timeout(3)=5, size(4)=0, lock_timeout(100)=2 (tag 0x320
     * as varint a0 06). protobuf-c emits fields in field-number order. */
    const uint8_t full[] = {0x0a, 0x01, 'a',  0x18, 0x05,
                            0x20, 0x00, 0xa0, 0x06, 0x02};
    assert_int_equal(n, sizeof full);
    assert_memory_equal(buf, full, n);

    Ldlm__LockRequest *back = ldlm__lock_request__unpack(NULL, n, buf);
    assert_non_null(back);
    assert_int_equal(back->_size_case, LDLM__LOCK_REQUEST___SIZE_SIZE);
    assert_int_equal(back->size, 0);
    assert_int_equal(back->lock_timeout_seconds, 2);
    ldlm__lock_request__free_unpacked(back, NULL);
}

static void lock_response_error_is_a_present_message(void **state)
{
    (void)state;
    /* locked=false, key="", error{code=LockSizeMismatch, message="m"} */
    const uint8_t wire[] = {0x22, 0x05, 0x08, 0x06, 0x12, 0x01, 'm'};
    Ldlm__LockResponse *r =
        ldlm__lock_response__unpack(NULL, sizeof wire, wire);
    assert_non_null(r);
    assert_false(r->locked);
    assert_non_null(r->error);
    assert_int_equal(ldlmi_err_from_server(r->error->code, NULL),
                     LDLM_ERR_LOCK_SIZE_MISMATCH);
    assert_string_equal(r->error->message, "m");
    ldlm__lock_response__free_unpacked(r, NULL);

    const uint8_t ok[] = {0x08, 0x01, 0x1a, 0x02, 'k', '1'};
    r = ldlm__lock_response__unpack(NULL, sizeof ok, ok);
    assert_non_null(r);
    assert_true(r->locked);
    assert_null(r->error);
    assert_string_equal(r->key, "k1");
    ldlm__lock_response__free_unpacked(r, NULL);
}

static void renew_request_always_sends_its_timeout(void **state)
{
    (void)state;
    uint8_t buf[32];
    Ldlm__RenewRequest req = LDLM__RENEW_REQUEST__INIT;
    req.name = (char *)"n";
    req.key = (char *)"k";
    req.lock_timeout_seconds = 30;
    size_t n = ldlm__renew_request__pack(&req, buf);
    const uint8_t want[] = {0x0a, 0x01, 'n', 0x12, 0x01, 'k', 0xa0, 0x06, 30};
    assert_int_equal(n, sizeof want);
    assert_memory_equal(buf, want, n);
}

/* Our builders: unset options never reach the wire; set ones always do. */
static void request_builders_send_only_what_is_set(void **state)
{
    (void)state;
    uint8_t buf[64];
    Ldlm__LockRequest lock = LDLM__LOCK_REQUEST__INIT;
    ldlm_lock_options none = LDLM_LOCK_OPTIONS();
    ldlmi_fill_lock_request(&lock, "n", &none);
    const uint8_t name_only[] = {0x0a, 0x01, 'n'};
    size_t n = ldlm__lock_request__pack(&lock, buf);
    assert_int_equal(n, sizeof name_only);
    assert_memory_equal(buf, name_only, n);

    Ldlm__LockRequest lock2 = LDLM__LOCK_REQUEST__INIT;
    ldlm_lock_options all =
        LDLM_LOCK_OPTIONS(.lock_timeout_seconds = 2, .wait_timeout_seconds = 7,
                          .size = 3);
    ldlmi_fill_lock_request(&lock2, "n", &all);
    const uint8_t full[] = {0x0a, 0x01, 'n',  0x18, 0x07,
                            0x20, 0x03, 0xa0, 0x06, 0x02};
    n = ldlm__lock_request__pack(&lock2, buf);
    assert_int_equal(n, sizeof full);
    assert_memory_equal(buf, full, n);

    Ldlm__TryLockRequest try_none = LDLM__TRY_LOCK_REQUEST__INIT;
    ldlmi_fill_try_lock_request(&try_none, "n", 0, 0);
    n = ldlm__try_lock_request__pack(&try_none, buf);
    assert_int_equal(n, sizeof name_only);
    assert_memory_equal(buf, name_only, n);

    Ldlm__TryLockRequest try_all = LDLM__TRY_LOCK_REQUEST__INIT;
    ldlmi_fill_try_lock_request(&try_all, "n", 30, 8);
    const uint8_t try_full[] = {0x0a, 0x01, 'n', 0x20, 0x08, 0xa0, 0x06, 30};
    n = ldlm__try_lock_request__pack(&try_all, buf);
    assert_int_equal(n, sizeof try_full);
    assert_memory_equal(buf, try_full, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_code_has_a_distinct_name_and_text),
        cmocka_unit_test(server_codes_map_one_to_one),
        cmocka_unit_test(server_unknown_code_is_read_by_its_message),
        cmocka_unit_test(grpc_statuses_map_to_what_callers_tell_apart),
        cmocka_unit_test(last_error_message_is_per_call_and_formatted),
        cmocka_unit_test(addresses_are_normalised),
        cmocka_unit_test(bad_addresses_are_refused),
        cmocka_unit_test(utf8_validation),
        cmocka_unit_test(renewal_keeps_short_locks_alive),
        cmocka_unit_test(optional_fields_keep_explicit_presence),
        cmocka_unit_test(lock_response_error_is_a_present_message),
        cmocka_unit_test(renew_request_always_sends_its_timeout),
        cmocka_unit_test(request_builders_send_only_what_is_set),
    };
    return cmocka_run_group_tests_name("libldlm pure functions", tests, NULL,
                                       NULL);
}
