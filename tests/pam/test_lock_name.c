/* SPDX-License-Identifier: MIT */
/*
 * test_lock_name.c - lock names: any user or group name, whatever its bytes,
 * gives a valid UTF-8 lock name, and distinct names give distinct locks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lock_name.h"
#include <ldlm_util.h>

/* The inverse of the encoding, written independently from its description:
 * if every encoded string decodes back to its input, the encoding is
 * injective (no two names share a lock). Returns the length, or -1 when the
 * input is not something the encoder could have produced. */
static long decode(const char *enc, char *out)
{
    long n = 0;
    for (const char *p = enc; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '%') {
            unsigned v = 0;
            for (int k = 1; k <= 2; k++) {
                char h = p[k];
                if (h >= '0' && h <= '9')
                    v = v * 16 + (unsigned)(h - '0');
                else if (h >= 'A' && h <= 'F')
                    v = v * 16 + (unsigned)(h - 'A' + 10);
                else
                    return -1;
            }
            out[n++] = (char)v;
            p += 2;
        } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                   (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') {
            out[n++] = (char)c;
        } else {
            return -1;
        }
    }
    return n;
}

static void assert_encodes(const char *raw, size_t len, const char *expected)
{
    char *enc = pldlm_encode_bytes(raw, len);
    assert_non_null(enc);
    assert_string_equal(enc, expected);
    free(enc);
}

static void test_safe_characters_kept(void **state)
{
    (void)state;
    assert_encodes("alice", 5, "alice");
    assert_encodes("A.b_c-9", 7, "A.b_c-9");
    assert_encodes("", 0, "");
}

static void test_everything_else_escaped(void **state)
{
    (void)state;
    assert_encodes("john doe", 8, "john%20doe");
    assert_encodes("a/b", 3, "a%2Fb");
    assert_encodes("../x", 4, "..%2Fx");
    assert_encodes("50%", 3, "50%25");
    assert_encodes("a:b@c", 5, "a%3Ab%40c");
    assert_encodes("tab\there\n", 9, "tab%09here%0A");
    /* UTF-8 "é" is two bytes, each escaped */
    assert_encodes("caf\xc3\xa9", 5, "caf%C3%A9");
    /* bytes that are not UTF-8 at all */
    assert_encodes("\xff\xfe\x80", 3, "%FF%FE%80");
    /* an embedded NUL when a length is given */
    assert_encodes("a\0b", 3, "a%00b");
}

static void test_full_names(void **state)
{
    (void)state;
    char *n = pldlm_user_lock_name("pam_ldlm/", "j doe/x\xff", 3);
    assert_non_null(n);
    assert_string_equal(n, "pam_ldlm/user/j%20doe%2Fx%FF/3");
    free(n);
    n = pldlm_group_lock_name("pam_ldlm/", "students", 200);
    assert_string_equal(n, "pam_ldlm/group/students/200");
    free(n);
    n = pldlm_user_lock_name("", "alice", 1000000);
    assert_string_equal(n, "user/alice/1000000");
    free(n);
    /* A user and a group of the same name are distinct locks. */
    char *u = pldlm_user_lock_name("p/", "x", 1);
    char *g = pldlm_group_lock_name("p/", "x", 1);
    assert_string_not_equal(u, g);
    free(u);
    free(g);
    /* A user name cannot reach into the group namespace, nor pose as a
     * name with another limit. */
    u = pldlm_user_lock_name("p/", "../group/x", 2);
    assert_string_equal(u, "p/user/..%2Fgroup%2Fx/2");
    free(u);
    u = pldlm_user_lock_name("p/", "x/2", 3);
    g = pldlm_user_lock_name("p/", "x", 2);
    assert_string_equal(u, "p/user/x%2F2/3");
    assert_string_not_equal(u, g);
    free(u);
    free(g);
}

/* The limit is part of the name: a changed limit is another lock. */
static void test_limit_in_name(void **state)
{
    (void)state;
    char *a = pldlm_user_lock_name("pam_ldlm/", "alice", 2);
    char *b = pldlm_user_lock_name("pam_ldlm/", "alice", 3);
    assert_string_not_equal(a, b);
    free(a);
    free(b);
    a = pldlm_group_lock_name("pam_ldlm/", "students", 50);
    b = pldlm_group_lock_name("pam_ldlm/", "students", 51);
    assert_string_not_equal(a, b);
    free(a);
    free(b);
}

static void test_names_that_look_encoded_stay_distinct(void **state)
{
    (void)state;
    const char *pairs[][2] = {
        {"a b", "a%20b"},
        {"a/b", "a%2Fb"},
        {"%", "%25"},
        {"\xff", "%FF"},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        char *x = pldlm_user_lock_name("pam_ldlm/", pairs[i][0], 1);
        char *y = pldlm_user_lock_name("pam_ldlm/", pairs[i][1], 1);
        assert_string_not_equal(x, y);
        free(x);
        free(y);
    }
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* All 65536 two-byte names (and the 256 one-byte ones) are distinct, valid
 * UTF-8, and decode back. */
static void test_exhaustive_short_names(void **state)
{
    (void)state;
    size_t total = 256 + 65536;
    char **all = calloc(total, sizeof(char *));
    assert_non_null(all);
    size_t k = 0;
    for (unsigned a = 0; a < 256; a++) {
        char raw[1] = {(char)a};
        all[k++] = pldlm_encode_bytes(raw, 1);
    }
    for (unsigned a = 0; a < 256; a++) {
        for (unsigned b = 0; b < 256; b++) {
            char raw[2] = {(char)a, (char)b};
            all[k] = pldlm_encode_bytes(raw, 2);
            assert_non_null(all[k]);
            char back[2];
            assert_int_equal(decode(all[k], back), 2);
            assert_memory_equal(back, raw, 2);
            k++;
        }
    }
    for (size_t i = 0; i < total; i++)
        assert_true(ldlmu_utf8_valid(all[i], strlen(all[i])));
    qsort(all, total, sizeof(char *), compare_strings);
    for (size_t i = 1; i < total; i++)
        assert_string_not_equal(all[i - 1], all[i]);
    for (size_t i = 0; i < total; i++)
        free(all[i]);
    free(all);
}

/* Random byte strings of random lengths round-trip (deterministic seed). */
static void test_random_round_trip(void **state)
{
    (void)state;
    uint32_t x = 0x12345678u;
    for (int round = 0; round < 20000; round++) {
        char raw[64];
        x = x * 1664525u + 1013904223u;
        size_t len = (x >> 24) % sizeof(raw);
        for (size_t i = 0; i < len; i++) {
            x = x * 1664525u + 1013904223u;
            raw[i] = (char)(x >> 24);
        }
        char *enc = pldlm_encode_bytes(raw, len);
        assert_non_null(enc);
        assert_true(ldlmu_utf8_valid(enc, strlen(enc)));
        assert_null(strchr(enc, '/'));
        char back[64];
        assert_int_equal(decode(enc, back), (long)len);
        assert_memory_equal(back, raw, len);
        free(enc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_safe_characters_kept),
        cmocka_unit_test(test_everything_else_escaped),
        cmocka_unit_test(test_full_names),
        cmocka_unit_test(test_limit_in_name),
        cmocka_unit_test(test_names_that_look_encoded_stay_distinct),
        cmocka_unit_test(test_exhaustive_short_names),
        cmocka_unit_test(test_random_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
