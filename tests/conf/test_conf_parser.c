/* SPDX-License-Identifier: MIT */
/*
 * test_conf_parser.c - syntax of pam_ldlm.conf and of module arguments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_test_util.h"
#include "ldlm_conf.h"

typedef struct fixture {
    char *dir;
    ldlm_conf conf;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->dir = ctu_make_dir();
    ldlm_conf_init(&f->conf);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ldlm_conf_free(&f->conf);
    ctu_remove_dir(f->dir);
    free(f);
    return 0;
}

/* Parses `text` as a file; returns the parser's result. */
static int parse_text(fixture *f, const char *text, char **path_out)
{
    char *path = ctu_write_text(f->dir, "pam_ldlm.conf", text, 0644);
    int rc = ldlm_conf_parse_file(&f->conf, path, false);
    if (path_out != NULL)
        *path_out = path;
    else
        free(path);
    return rc;
}

/* Asserts that err is exactly "PATH:LINE: <starts with msg>". */
static void assert_error_at(const fixture *f, const char *path, unsigned line,
                            const char *msg)
{
    char *prefix = NULL;
    assert_true(asprintf(&prefix, "%s:%u: %s", path, line, msg) > 0);
    if (strncmp(ldlm_conf_error(&f->conf), prefix, strlen(prefix)) != 0)
        fail_msg("error \"%s\" does not start with \"%s\"",
                 ldlm_conf_error(&f->conf), prefix);
    free(prefix);
    assert_null(strchr(ldlm_conf_error(&f->conf), '\n'));
}

/* Parses `text` as a file, which must be refused with the error
 * "PATH:LINE: <starts with msg>" (see assert_error_at). */
static void assert_text_refused_at(fixture *f, const char *text, unsigned line,
                                   const char *msg)
{
    char *path;
    assert_int_equal(parse_text(f, text, &path), -1);
    assert_error_at(f, path, line, msg);
    free(path);
}

static void basic_settings(void **state)
{
    fixture *f = *state;
    char *path;
    assert_int_equal(parse_text(f,
                                "server=127.0.0.1:3144\n"
                                "debug\n"
                                "max_sessions=3\n",
                                &path),
                     0);
    assert_int_equal(f->conf.count, 3);
    const ldlm_conf_entry *e = ldlm_conf_get(&f->conf, "server");
    assert_non_null(e);
    assert_string_equal(e->value, "127.0.0.1:3144");
    assert_string_equal(e->origin, path);
    assert_int_equal(e->line, 1);
    e = ldlm_conf_get(&f->conf, "debug");
    assert_non_null(e);
    assert_null(e->value);
    assert_int_equal(e->line, 2);
    e = ldlm_conf_get(&f->conf, "max_sessions");
    assert_string_equal(e->value, "3");
    assert_int_equal(e->line, 3);
    assert_null(ldlm_conf_get(&f->conf, "absent"));
    assert_null(ldlm_conf_get(&f->conf, "serve"));
    free(path);
}

static void comments_and_blank_lines(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse_text(f,
                                "# a comment\n"
                                "\n"
                                "   \t  \n"
                                "   # indented comment = not a setting\n"
                                "a=1\n"
                                "b=x # not a comment here\n"
                                "c=#literal\n",
                                NULL),
                     0);
    assert_int_equal(f->conf.count, 3);
    assert_int_equal(ldlm_conf_get(&f->conf, "a")->line, 5);
    assert_string_equal(ldlm_conf_get(&f->conf, "b")->value,
                        "x # not a comment here");
    assert_string_equal(ldlm_conf_get(&f->conf, "c")->value, "#literal");
}

static void blanks_are_trimmed(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse_text(f,
                                "  name \t=  some value \t \n"
                                "\tflag  \n"
                                "empty=\n"
                                "empty2 =   \n",
                                NULL),
                     0);
    assert_string_equal(ldlm_conf_get(&f->conf, "name")->value, "some value");
    const ldlm_conf_entry *flag = ldlm_conf_get(&f->conf, "flag");
    assert_non_null(flag);
    assert_null(flag->value);
    /* `name=` is an empty value, not a flag. */
    assert_string_equal(ldlm_conf_get(&f->conf, "empty")->value, "");
    assert_string_equal(ldlm_conf_get(&f->conf, "empty2")->value, "");
}

static void quoted_values(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse_text(f,
                                "a=\"  keeps blanks  \"\n"
                                "b = \"# not a comment\"  \n"
                                "c=\"say \\\"hi\\\" \\\\o/\"\n"
                                "d=\"\"\n"
                                "e=x\"y\"\n",
                                NULL),
                     0);
    assert_string_equal(ldlm_conf_get(&f->conf, "a")->value,
                        "  keeps blanks  ");
    assert_string_equal(ldlm_conf_get(&f->conf, "b")->value, "# not a comment");
    assert_string_equal(ldlm_conf_get(&f->conf, "c")->value, "say \"hi\" \\o/");
    assert_string_equal(ldlm_conf_get(&f->conf, "d")->value, "");
    /* A quote that does not open the value is an ordinary character. */
    assert_string_equal(ldlm_conf_get(&f->conf, "e")->value, "x\"y\"");
}

static void quote_errors(void **state)
{
    fixture *f = *state;
    assert_text_refused_at(f, "ok=1\nmsg=\"unterminated\n", 2,
                           "missing closing '\"'");
    assert_text_refused_at(f, "msg=\"a\" b\n", 1,
                           "unexpected text after the closing '\"'");
    assert_text_refused_at(f, "\n\nmsg=\"a\\nb\"\n", 3, "unsupported escape");
    assert_int_equal(f->conf.count, 0);
}

static void missing_equals(void **state)
{
    fixture *f = *state;
    assert_text_refused_at(f, "server=x\nmax sessions 3\n", 2,
                           "expected name=value, got \"max sessions 3\"");
    /* A failed file adds nothing, not even its valid first line. */
    assert_int_equal(f->conf.count, 0);
}

static void empty_name(void **state)
{
    fixture *f = *state;
    assert_text_refused_at(f, "=value\n", 1, "empty name before '='");
    assert_text_refused_at(f, "# c\n   = value\n", 2, "empty name before '='");
    assert_text_refused_at(f, "na\"me=value\n", 1, "expected name=value");
}

static void duplicates_override(void **state)
{
    fixture *f = *state;
    assert_int_equal(
        parse_text(f, "limit=1\nother=x\nlimit=2\nlimit=3\n", NULL), 0);
    assert_int_equal(f->conf.count, 4);
    const ldlm_conf_entry *e = ldlm_conf_get(&f->conf, "limit");
    assert_string_equal(e->value, "3");
    assert_int_equal(e->line, 4);
}

static void line_length_limit(void **state)
{
    fixture *f = *state;
    /* Exactly the limit is fine... */
    size_t len = LDLM_CONF_MAX_LINE;
    char *text = malloc(len + 16);
    assert_non_null(text);
    memcpy(text, "k=", 2);
    memset(text + 2, 'v', len - 2);
    strcpy(text + len, "\n");
    assert_int_equal(parse_text(f, text, NULL), 0);
    assert_int_equal(strlen(ldlm_conf_get(&f->conf, "k")->value), len - 2);

    /* ...one byte more is refused, on the right line. */
    text[0] = '\n';
    memcpy(text + 1, "k=", 2);
    memset(text + 3, 'v', len - 1);
    strcpy(text + len + 2, "\n");
    assert_text_refused_at(f, text, 2, "line too long");
    free(text);
}

static void nul_byte(void **state)
{
    fixture *f = *state;
    static const char data[] = "a=1\nb=x\0y\nc=3\n";
    char *path =
        ctu_write_file(f->dir, "nul.conf", data, sizeof data - 1, 0644);
    assert_int_equal(ldlm_conf_parse_file(&f->conf, path, false), -1);
    assert_error_at(f, path, 2, "NUL byte in line");
    assert_int_equal(f->conf.count, 0);
    free(path);
}

static void control_character(void **state)
{
    fixture *f = *state;
    assert_text_refused_at(f, "a=x\x1by\n", 1, "control character (byte 0x1b)");
}

static void crlf_and_last_line_without_newline(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse_text(f, "a=1\r\nb = two \r\n\r\nc=3", NULL), 0);
    assert_int_equal(f->conf.count, 3);
    assert_string_equal(ldlm_conf_get(&f->conf, "a")->value, "1");
    assert_string_equal(ldlm_conf_get(&f->conf, "b")->value, "two");
    assert_string_equal(ldlm_conf_get(&f->conf, "c")->value, "3");
    assert_int_equal(ldlm_conf_get(&f->conf, "c")->line, 4);
}

static void missing_file(void **state)
{
    fixture *f = *state;
    char *path = ctu_path(f->dir, "absent.conf");
    assert_int_equal(ldlm_conf_parse_file(&f->conf, path, true), 0);
    assert_int_equal(f->conf.count, 0);
    assert_int_equal(ldlm_conf_parse_file(&f->conf, path, false), -1);
    char *expected = NULL;
    assert_true(asprintf(&expected, "%s: No such file or directory", path) > 0);
    assert_string_equal(ldlm_conf_error(&f->conf), expected);
    free(expected);
    free(path);
}

static void not_a_regular_file(void **state)
{
    fixture *f = *state;
    assert_int_equal(ldlm_conf_parse_file(&f->conf, f->dir, true), -1);
    assert_non_null(strstr(ldlm_conf_error(&f->conf), "not a regular file"));
    char *fifo = ctu_path(f->dir, "fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    /* Must not block waiting for a writer. */
    assert_int_equal(ldlm_conf_parse_file(&f->conf, fifo, false), -1);
    assert_non_null(strstr(ldlm_conf_error(&f->conf), "not a regular file"));
    free(fifo);
}

static void file_too_large(void **state)
{
    fixture *f = *state;
    size_t len = LDLM_CONF_MAX_FILE + 1;
    char *data = malloc(len);
    assert_non_null(data);
    memset(data, '\n', len);
    char *path = ctu_write_file(f->dir, "big.conf", data, len, 0644);
    assert_int_equal(ldlm_conf_parse_file(&f->conf, path, false), -1);
    assert_non_null(strstr(ldlm_conf_error(&f->conf), "file too large"));
    /* The limit itself is accepted. */
    free(path);
    path = ctu_write_file(f->dir, "big.conf", data, len - 1, 0644);
    assert_int_equal(ldlm_conf_parse_file(&f->conf, path, false), 0);
    free(path);
    free(data);
}

static void failed_file_keeps_earlier_files(void **state)
{
    fixture *f = *state;
    char *good = ctu_write_text(f->dir, "good.conf", "a=1\nb=2\n", 0644);
    char *bad = ctu_write_text(f->dir, "bad.conf", "a=3\n=oops\n", 0644);
    assert_int_equal(ldlm_conf_parse_file(&f->conf, good, false), 0);
    assert_int_equal(ldlm_conf_parse_file(&f->conf, bad, false), -1);
    assert_int_equal(f->conf.count, 2);
    assert_string_equal(ldlm_conf_get(&f->conf, "a")->value, "1");
    free(good);
    free(bad);
}

static void arguments(void **state)
{
    fixture *f = *state;
    char *path;
    assert_int_equal(parse_text(f, "server=file:1\ndebug=no\n", &path), 0);
    const char *argv[] = {"server=arg:2", "debug", "msg=\"two words\"",
                          " spaced = x "};
    assert_int_equal(ldlm_conf_parse_args(&f->conf, 4, argv), 0);
    const ldlm_conf_entry *e = ldlm_conf_get(&f->conf, "server");
    assert_string_equal(e->value, "arg:2");
    assert_string_equal(e->origin, "argument");
    assert_int_equal(e->line, 1);
    e = ldlm_conf_get(&f->conf, "debug");
    assert_null(e->value);
    assert_int_equal(e->line, 2);
    assert_string_equal(ldlm_conf_get(&f->conf, "msg")->value, "two words");
    assert_string_equal(ldlm_conf_get(&f->conf, "spaced")->value, "x");

    char loc[128];
    ldlm_conf_entry_location(e, loc, sizeof loc);
    assert_string_equal(loc, "argument 2");
    free(path);
}

static void argument_errors(void **state)
{
    fixture *f = *state;
    const char *empty[] = {"a=1", ""};
    assert_int_equal(ldlm_conf_parse_args(&f->conf, 2, empty), -1);
    assert_string_equal(ldlm_conf_error(&f->conf),
                        "argument 2: empty argument");
    const char *noname[] = {"=3"};
    assert_int_equal(ldlm_conf_parse_args(&f->conf, 1, noname), -1);
    assert_string_equal(ldlm_conf_error(&f->conf),
                        "argument 1: empty name before '='");
    const char *comment[] = {"#x"};
    assert_int_equal(ldlm_conf_parse_args(&f->conf, 1, comment), -1);
    assert_string_equal(ldlm_conf_error(&f->conf),
                        "argument 1: expected name=value");
    const char *newline[] = {"a=b\nc"};
    assert_int_equal(ldlm_conf_parse_args(&f->conf, 1, newline), -1);
    assert_string_equal(ldlm_conf_error(&f->conf),
                        "argument 1: control character (byte 0x0a)");
    assert_int_equal(f->conf.count, 0);
    assert_int_equal(ldlm_conf_parse_args(&f->conf, 0, NULL), 0);
}

static void add_entries(void **state)
{
    fixture *f = *state;
    assert_int_equal(ldlm_conf_add(&f->conf, "server", "a:1", "LDLM_SERVER", 0),
                     0);
    assert_int_equal(ldlm_conf_add(&f->conf, "tls", NULL, "option --tls", 0),
                     0);
    const ldlm_conf_entry *e = ldlm_conf_get(&f->conf, "server");
    char loc[128];
    ldlm_conf_entry_location(e, loc, sizeof loc);
    assert_string_equal(loc, "LDLM_SERVER");
    assert_null(ldlm_conf_get(&f->conf, "tls")->value);
    assert_int_equal(ldlm_conf_add(&f->conf, "bad name", "x", "somewhere", 0),
                     -1);
    assert_non_null(
        strstr(ldlm_conf_error(&f->conf), "somewhere: expected name=value"));
    assert_int_equal(f->conf.count, 2);
    /* Same origin twice: stored once. */
    assert_int_equal(ldlm_conf_add(&f->conf, "server", "b:2", "LDLM_SERVER", 0),
                     0);
    assert_int_equal(f->conf.origins_count, 2);
    assert_ptr_equal(f->conf.entries[0].origin, f->conf.entries[2].origin);
}

/* The message lives on the conf: kept until the next failure, rewrapped
 * safely, cut (never overrun) when huge, cleared by ldlm_conf_free. */
static void error_is_kept_on_the_conf(void **state)
{
    fixture *f = *state;
    assert_string_equal(ldlm_conf_error(&f->conf), "no error");
    char *path = ctu_write_text(f->dir, "x.conf", "=bad\n", 0644);
    assert_int_equal(ldlm_conf_parse_file(&f->conf, path, false), -1);
    char *expected = NULL;
    assert_true(asprintf(&expected, "%s:1: empty name before '='", path) > 0);
    assert_string_equal(ldlm_conf_error(&f->conf), expected);
    /* A success does not erase the explanation of the earlier failure. */
    const char *ok[] = {"tls"};
    assert_int_equal(ldlm_conf_parse_args(&f->conf, 1, ok), 0);
    assert_string_equal(ldlm_conf_error(&f->conf), expected);
    /* Rewrapping the conf's own message with more context. */
    assert_int_equal(ldlm_conf_fail(&f->conf, NULL, "while loading: %s",
                                    ldlm_conf_error(&f->conf)),
                     -1);
    assert_true(strncmp(ldlm_conf_error(&f->conf), "while loading: ", 15) == 0);
    assert_string_equal(ldlm_conf_error(&f->conf) + 15, expected);
    /* A message longer than the buffer is cut, still one string. */
    char *huge = malloc(3 * LDLM_CONF_ERROR_MAX);
    assert_non_null(huge);
    memset(huge, 'x', 3 * LDLM_CONF_ERROR_MAX - 1);
    huge[3 * LDLM_CONF_ERROR_MAX - 1] = '\0';
    ldlm_conf_entry e = {.name = "n", .origin = "/etc/f.conf", .line = 4};
    assert_int_equal(ldlm_conf_fail(&f->conf, &e, "%s", huge), -1);
    assert_int_equal(strlen(ldlm_conf_error(&f->conf)),
                     LDLM_CONF_ERROR_MAX - 1);
    assert_true(strncmp(ldlm_conf_error(&f->conf), "/etc/f.conf:4: xxx", 18) ==
                0);
    ldlm_conf_free(&f->conf);
    assert_string_equal(ldlm_conf_error(&f->conf), "no error");
    free(huge);
    free(expected);
    free(path);
}

static void odd_bytes_in_messages_stay_printable(void **state)
{
    fixture *f = *state;
    const char *argv[] = {"na\xffme value"};
    assert_int_equal(ldlm_conf_parse_args(&f->conf, 1, argv), -1);
    assert_string_equal(ldlm_conf_error(&f->conf),
                        "argument 1: expected name=value, got "
                        "\"na\\xffme value\" (a name cannot hold "
                        "blanks, quotes or control characters)");
    /* Non-ASCII bytes are fine in names and values themselves. */
    const char *utf8[] = {"gr\xc3\xbcn=\xc3\xa9t\xc3\xa9"};
    assert_int_equal(ldlm_conf_parse_args(&f->conf, 1, utf8), 0);
    assert_string_equal(ldlm_conf_get(&f->conf, "gr\xc3\xbcn")->value,
                        "\xc3\xa9t\xc3\xa9");
}

/* A policy file: owned by root (or the allowed owner), writable by its
 * owner alone; checked on the file that is read. */
static void protected_file(void **state)
{
    fixture *f = *state;
    char *path =
        ctu_write_text(f->dir, "policy.conf", "max_sessions=1\n", 0644);
    assert_int_equal(
        ldlm_conf_parse_protected_file(&f->conf, path, false, geteuid()), 0);
    assert_int_equal(f->conf.count, 1);

    static const struct {
        mode_t mode;
        const char *shown;
    } unsafe[] = {{0664, "0664"}, {0646, "0646"}, {0666, "0666"}};
    for (size_t i = 0; i < sizeof unsafe / sizeof *unsafe; i++) {
        assert_int_equal(chmod(path, unsafe[i].mode), 0);
        assert_int_equal(
            ldlm_conf_parse_protected_file(&f->conf, path, false, geteuid()),
            -1);
        char *want = NULL;
        assert_true(asprintf(&want,
                             "%s: refused: writable by group or others "
                             "(mode %s)",
                             path, unsafe[i].shown) > 0);
        if (strncmp(ldlm_conf_error(&f->conf), want, strlen(want)) != 0)
            fail_msg("\"%s\" does not start with \"%s\"",
                     ldlm_conf_error(&f->conf), want);
        free(want);
        assert_int_equal(f->conf.count, 1); /* nothing appended */
    }
    /* Readable by all is fine: the file holds no secret. */
    assert_int_equal(chmod(path, 0444), 0);
    assert_int_equal(
        ldlm_conf_parse_protected_file(&f->conf, path, false, geteuid()), 0);

    /* A link is judged by the file it names, which is what is read. */
    char *link = ctu_path(f->dir, "link.conf");
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(
        ldlm_conf_parse_protected_file(&f->conf, link, false, geteuid()), 0);
    assert_int_equal(chmod(path, 0666), 0);
    assert_int_equal(
        ldlm_conf_parse_protected_file(&f->conf, link, false, geteuid()), -1);
    assert_non_null(strstr(ldlm_conf_error(&f->conf), "writable by group"));
    assert_int_equal(unlink(link), 0);
    free(link);
    assert_int_equal(chmod(path, 0644), 0);

    if (geteuid() == 0) {
        /* Another owner: only when it is the allowed one. */
        assert_int_equal(chown(path, 54321, (gid_t)-1), 0);
        assert_int_equal(
            ldlm_conf_parse_protected_file(&f->conf, path, false, 0), -1);
        char *want = NULL;
        assert_true(asprintf(&want,
                             "%s: refused: owned by uid 54321, not by root",
                             path) > 0);
        if (strncmp(ldlm_conf_error(&f->conf), want, strlen(want)) != 0)
            fail_msg("\"%s\" does not start with \"%s\"",
                     ldlm_conf_error(&f->conf), want);
        free(want);
        assert_int_equal(
            ldlm_conf_parse_protected_file(&f->conf, path, false, 54321), 0);
        assert_int_equal(chown(path, 0, (gid_t)-1), 0);
    }
    free(path);

    /* Missing: fine only when allowed. */
    char *absent = ctu_path(f->dir, "absent.conf");
    size_t before = f->conf.count;
    assert_int_equal(
        ldlm_conf_parse_protected_file(&f->conf, absent, true, geteuid()), 0);
    assert_int_equal(f->conf.count, before);
    assert_int_equal(
        ldlm_conf_parse_protected_file(&f->conf, absent, false, geteuid()), -1);
    free(absent);
}

/* After a failed parse, what can still be read of a safe file. */
static void salvage(void **state)
{
    fixture *f = *state;
    char *path = ctu_write_text(f->dir, "broken.conf",
                                "on_error = deny\n"
                                "\"unterminated\n"
                                "debug\n"
                                "x = \"a\" b\n"
                                "max_sessions = 2\n",
                                0644);
    assert_int_equal(ldlm_conf_parse_file(&f->conf, path, false), -1);
    assert_int_equal(f->conf.count, 0);
    assert_int_equal(ldlm_conf_salvage_protected_file(&f->conf, path, 0), 0);
    assert_int_equal(f->conf.count, 3);
    assert_string_equal(ldlm_conf_get(&f->conf, "on_error")->value, "deny");
    assert_non_null(ldlm_conf_get(&f->conf, "debug"));
    assert_int_equal(ldlm_conf_get(&f->conf, "max_sessions")->line, 5);
    assert_null(ldlm_conf_get(&f->conf, "x"));

    /* Unsafe or missing: nothing is taken. */
    ldlm_conf_free(&f->conf);
    assert_int_equal(chmod(path, 0666), 0);
    assert_int_equal(ldlm_conf_salvage_protected_file(&f->conf, path, 0), -1);
    assert_int_equal(f->conf.count, 0);
    char *absent = ctu_path(f->dir, "absent.conf");
    assert_int_equal(ldlm_conf_salvage_protected_file(&f->conf, absent, 0), -1);
    free(absent);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(basic_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(comments_and_blank_lines, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(blanks_are_trimmed, setup, teardown),
        cmocka_unit_test_setup_teardown(quoted_values, setup, teardown),
        cmocka_unit_test_setup_teardown(quote_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_equals, setup, teardown),
        cmocka_unit_test_setup_teardown(empty_name, setup, teardown),
        cmocka_unit_test_setup_teardown(duplicates_override, setup, teardown),
        cmocka_unit_test_setup_teardown(line_length_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(nul_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(control_character, setup, teardown),
        cmocka_unit_test_setup_teardown(crlf_and_last_line_without_newline,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(not_a_regular_file, setup, teardown),
        cmocka_unit_test_setup_teardown(file_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(failed_file_keeps_earlier_files, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(argument_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(add_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(error_is_kept_on_the_conf, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(protected_file, setup, teardown),
        cmocka_unit_test_setup_teardown(salvage, setup, teardown),
        cmocka_unit_test_setup_teardown(odd_bytes_in_messages_stay_printable,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
