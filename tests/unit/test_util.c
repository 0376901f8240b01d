/* SPDX-License-Identifier: MIT */
/* Unit tests of the toolkit (util/): the one UTF-8 check, the one escaper
 * and the one strict number parser that libldlm, conf, pam_ldlm and the
 * ldlm tool share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ldlm_util.h"

static bool valid(const char *s)
{
    return ldlmu_utf8_valid(s, strlen(s));
}

static void utf8_well_formed_only(void **state)
{
    (void)state;
    assert_true(valid(""));
    assert_true(valid("caf\xc3\xa9"));
    assert_true(valid("\xf4\x8f\xbf\xbf"));  /* U+10FFFF */
    assert_false(valid("\xc0\xaf"));         /* overlong */
    assert_false(valid("\xed\xa0\x80"));     /* surrogate */
    assert_false(valid("\xf4\x90\x80\x80")); /* > U+10FFFF */
    assert_false(valid("ok\xe2\x82"));       /* cut short */
    /* The length is honoured: a valid prefix of invalid bytes is valid. */
    assert_true(ldlmu_utf8_valid("ab\xff", 2));
    assert_false(ldlmu_utf8_valid("ab\xff", 3));
}

static void printable_escapes_what_could_forge_a_line(void **state)
{
    (void)state;
    char *s = ldlmu_printable("a\nb\\c\x7f\xc2\x85\xff caf\xc3\xa9");
    assert_non_null(s);
    assert_string_equal(s, "a\\x0ab\\\\c\\x7f\\xc2\\x85\\xff caf\xc3\xa9");
    free(s);
    s = ldlmu_printable(NULL);
    assert_string_equal(s, "(null)");
    free(s);
}

static void printable_escapes_what_could_reorder_a_line(void **state)
{
    (void)state;
    /* U+202E (right-to-left override), U+2028 (line separator), U+2066
     * (left-to-right isolate), U+061C (Arabic letter mark) are escaped;
     * their neighbours U+202F, U+2070 and U+061D are not. */
    char *s = ldlmu_printable("a\xe2\x80\xae"
                              "b\xe2\x80\xa8"
                              "c\xe2\x81\xa6"
                              "d\xd8\x9c"
                              "e\xe2\x80\xaf\xe2\x81\xb0\xd8\x9d");
    assert_non_null(s);
    assert_string_equal(s, "a\\xe2\\x80\\xae"
                           "b\\xe2\\x80\\xa8"
                           "c\\xe2\\x81\\xa6"
                           "d\\xd8\\x9c"
                           "e\xe2\x80\xaf\xe2\x81\xb0\xd8\x9d");
    free(s);
}

static void tidy_line_keeps_length_and_backslashes(void **state)
{
    (void)state;
    char s[] = "path\\to\tx\ny\xc2\x85z\xe2\x80\xae\xff caf\xc3\xa9 \xe2\x82";
    size_t before = strlen(s);
    ldlmu_tidy_line(s);
    assert_int_equal(strlen(s), before);
    assert_string_equal(s, "path\\to?x?y??z???? caf\xc3\xa9 ??");
    assert_true(ldlmu_utf8_valid(s, strlen(s)));
    ldlmu_tidy_line(NULL);
}

static void printable_into_is_bounded(void **state)
{
    (void)state;
    char buf[16];
    ldlmu_printable_into("short", buf, sizeof buf);
    assert_string_equal(buf, "short");
    ldlmu_printable_into("a much longer value than fits", buf, sizeof buf);
    assert_string_equal(buf, "a much longe...");
    assert_true(strlen(buf) < sizeof buf);
    /* Never cut inside an escape or a character. */
    ldlmu_printable_into("0123456789\x01zz", buf, sizeof buf);
    assert_string_equal(buf, "0123456789...");
    ldlmu_printable_into("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9x",
                         buf, 10);
    assert_string_equal(buf, "\xc3\xa9\xc3\xa9\xc3\xa9...");
    char tiny[3];
    ldlmu_printable_into("abcdef", tiny, sizeof tiny);
    assert_true(strlen(tiny) < sizeof tiny);
    ldlmu_printable_into(NULL, buf, sizeof buf);
    assert_string_equal(buf, "");
}

static void numbers_are_strict(void **state)
{
    (void)state;
    long v = 0;
    assert_int_equal(ldlmu_parse_long("42", 0, 100, &v), LDLMU_NUMBER_OK);
    assert_int_equal(v, 42);
    assert_int_equal(ldlmu_parse_long("-7", -10, 10, &v), LDLMU_NUMBER_OK);
    assert_int_equal(v, -7);
    const char *invalid[] = {"",    "-",  "+5",  " 5",  "5 ", "\t5",
                             "0x5", "5k", "1e3", "--5", NULL};
    for (size_t i = 0; invalid[i]; i++)
        assert_int_equal(ldlmu_parse_long(invalid[i], -100, 100, &v),
                         LDLMU_NUMBER_INVALID);
    assert_int_equal(ldlmu_parse_long(NULL, 0, 1, &v), LDLMU_NUMBER_INVALID);
    assert_int_equal(ldlmu_parse_long("101", 0, 100, &v), LDLMU_NUMBER_RANGE);
    assert_int_equal(ldlmu_parse_long("-1", 0, 100, &v), LDLMU_NUMBER_RANGE);
    assert_int_equal(ldlmu_parse_long("99999999999999999999999", 0, 100, &v),
                     LDLMU_NUMBER_RANGE);
    /* Untouched on failure. */
    v = 5;
    assert_int_equal(ldlmu_parse_long("x", 0, 100, &v), LDLMU_NUMBER_INVALID);
    assert_int_equal(v, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_well_formed_only),
        cmocka_unit_test(printable_escapes_what_could_forge_a_line),
        cmocka_unit_test(printable_escapes_what_could_reorder_a_line),
        cmocka_unit_test(tidy_line_keeps_length_and_backslashes),
        cmocka_unit_test(printable_into_is_bounded),
        cmocka_unit_test(numbers_are_strict),
    };
    return cmocka_run_group_tests_name("util toolkit", tests, NULL, NULL);
}
