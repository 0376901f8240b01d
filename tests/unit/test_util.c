/* SPDX-License-Identifier: MIT */
/* Unit tests of the toolkit (util/): the one UTF-8 check, the one escaper,
 * the one strict number parser, the usage error line and the signal mask
 * of library threads that libldlm, conf, pam_ldlm, ldlmd and the ldlm tool
 * share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pthread.h>
#include <signal.h>

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

static void usage_error_is_one_line_naming_help(void **state)
{
    (void)state;
    /* stderr into a file for the length of the call. */
    FILE *capture = tmpfile();
    assert_non_null(capture);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_int_equal(dup2(fileno(capture), STDERR_FILENO), STDERR_FILENO);
    int rc = ldlmu_usage_error("prog", 64, "--size: got '%s', %d", "x", 7);
    fflush(stderr);
    assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
    close(saved);
    assert_int_equal(rc, 64);

    char text[128] = "";
    rewind(capture);
    size_t n = fread(text, 1, sizeof text - 1, capture);
    fclose(capture);
    text[n] = '\0';
    assert_string_equal(text, "prog: --size: got 'x', 7 (see 'prog --help')\n");
}

static void signals_block_all_but_faults_and_restore(void **state)
{
    (void)state;
    sigset_t before, during, after;
    /* One signal already blocked by the caller must stay so after. */
    sigemptyset(&before);
    sigaddset(&before, SIGUSR2);
    assert_int_equal(pthread_sigmask(SIG_SETMASK, &before, NULL), 0);

    sigset_t saved;
    ldlmu_signals_block(&saved);
    assert_int_equal(pthread_sigmask(SIG_BLOCK, NULL, &during), 0);
    const int blocked[] = {SIGINT,  SIGTERM, SIGHUP,  SIGCHLD, SIGALRM,
                           SIGPIPE, SIGUSR1, SIGUSR2, SIGQUIT, SIGRTMAX};
    for (size_t i = 0; i < sizeof blocked / sizeof *blocked; i++)
        assert_int_equal(sigismember(&during, blocked[i]), 1);
    const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS};
    for (size_t i = 0; i < sizeof faults / sizeof *faults; i++)
        assert_int_equal(sigismember(&during, faults[i]), 0);

    ldlmu_signals_restore(&saved);
    assert_int_equal(pthread_sigmask(SIG_BLOCK, NULL, &after), 0);
    assert_int_equal(sigismember(&after, SIGUSR2), 1);
    assert_int_equal(sigismember(&after, SIGINT), 0);
    assert_int_equal(sigismember(&after, SIGTERM), 0);
    sigemptyset(&before);
    pthread_sigmask(SIG_SETMASK, &before, NULL);
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
        cmocka_unit_test(usage_error_is_one_line_naming_help),
        cmocka_unit_test(signals_block_all_but_faults_and_restore),
    };
    return cmocka_run_group_tests_name("util toolkit", tests, NULL, NULL);
}
