/* SPDX-License-Identifier: MIT */
/*
 * test_messages.c - message templates, UTF-8 validation, and the escaping
 * that keeps user names from forging log lines or terminal output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "messages.h"
#include <ldlm_util.h>

static void assert_expands(const char *tmpl, const char *user, long limit,
                           const char *group, const char *expected)
{
    assert_null(pldlm_template_problem(tmpl));
    char *out = pldlm_template_expand(tmpl, user, limit, group);
    assert_non_null(out);
    assert_string_equal(out, expected);
    free(out);
}

static void test_default_messages(void **state)
{
    (void)state;
    assert_expands(PLDLM_DEFAULT_DENY_MESSAGE, "alice", 3, NULL,
                   "Too many sessions for alice (limit 3): close one of your "
                   "other sessions and try again.");
    assert_expands(PLDLM_DEFAULT_POOL_DENY_MESSAGE, "bob", 50, "students",
                   "Too many sessions for group students (limit 50): try "
                   "again later.");
    assert_expands(PLDLM_DEFAULT_ERROR_MESSAGE, "bob", 0, NULL,
                   PLDLM_DEFAULT_ERROR_MESSAGE);
}

static void test_placeholders(void **state)
{
    (void)state;
    assert_expands("%u/%l/%g/%%", "u", 7, "g", "u/7/g/%");
    assert_expands("%g", "u", 7, NULL, "");
    assert_expands("no placeholders", "u", 1, NULL, "no placeholders");
    assert_expands("", "u", 1, NULL, "");
    assert_expands("%u%u", "ab", 1, NULL, "abab");
    assert_expands("100%% of %l", "u", 4, NULL, "100% of 4");
}

static void test_bad_templates_refused(void **state)
{
    (void)state;
    /* The answer points at the offending '%'. */
    const char *t = "limit %x";
    assert_ptr_equal(pldlm_template_problem(t), t + 6);
    t = "ends with %";
    assert_ptr_equal(pldlm_template_problem(t), t + 10);
    t = "%%%";
    assert_ptr_equal(pldlm_template_problem(t), t + 2);
    assert_non_null(pldlm_template_problem("%s"));
    assert_non_null(pldlm_template_problem("%n"));
    assert_non_null(pldlm_template_problem("%u %"));
}

static void test_user_name_is_shown_safely(void **state)
{
    (void)state;
    /* A name with a newline cannot fake a second message line. */
    assert_expands("Too many sessions for %u", "eve\nroot logged in", 1, NULL,
                   "Too many sessions for eve\\x0aroot logged in");
    assert_expands("%u", "caf\xc3\xa9", 1, NULL, "caf\xc3\xa9");
    assert_expands("%u", "bad\xff", 1, NULL, "bad\\xff");
}

static void assert_printable(const char *in, const char *expected)
{
    char *out = ldlmu_printable(in);
    assert_non_null(out);
    assert_string_equal(out, expected);
    free(out);
}

static void test_printable(void **state)
{
    (void)state;
    assert_printable("alice", "alice");
    assert_printable("j doe/x", "j doe/x");
    assert_printable("back\\slash", "back\\\\slash");
    assert_printable("\x1b[31mred", "\\x1b[31mred");
    assert_printable("del\x7f", "del\\x7f");
    /* U+0085 (C1 control, c2 85) escaped; U+00A0 (c2 a0) kept */
    assert_printable("a\xc2\x85z", "a\\xc2\\x85z");
    assert_printable("a\xc2\xa0z", "a\xc2\xa0z");
    assert_printable("\xe2\x82\xac", "\xe2\x82\xac"); /* euro sign */
    assert_printable("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");
    assert_printable("\xc3", "\\xc3");                   /* truncated */
    assert_printable("\xc0\xaf", "\\xc0\\xaf");          /* overlong '/' */
    assert_printable("\xed\xa0\x80", "\\xed\\xa0\\x80"); /* surrogate */
    assert_printable(NULL, "(null)");
    assert_printable("", "");
}

static void test_utf8_valid(void **state)
{
    (void)state;
    const char *good[] = {"",
                          "ascii",
                          "caf\xc3\xa9",
                          "\xe2\x82\xac",
                          "\xf4\x8f\xbf\xbf",
                          "\xef\xbf\xbf"};
    const char *bad[] = {"\xff",
                         "\x80",
                         "\xc3",
                         "\xc0\x80",
                         "\xe0\x80\x80",
                         "\xf0\x80\x80\x80",
                         "\xed\xa0\x80",
                         "\xf4\x90\x80\x80",
                         "\xf8\x88\x80\x80\x80",
                         "ok\xc3("};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_true(ldlmu_utf8_valid(good[i], strlen(good[i])));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(ldlmu_utf8_valid(bad[i], strlen(bad[i])));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_messages),
        cmocka_unit_test(test_placeholders),
        cmocka_unit_test(test_bad_templates_refused),
        cmocka_unit_test(test_user_name_is_shown_safely),
        cmocka_unit_test(test_printable),
        cmocka_unit_test(test_utf8_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
