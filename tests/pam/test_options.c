/* SPDX-License-Identifier: MIT */
/*
 * test_options.c - pam_ldlm's settings: defaults, file then arguments,
 * every option's syntax, and refusals that name the culprit.
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

#include "messages.h"
#include "options.h"
#include "tmpfiles.h"

/* A default path that does not exist: the module may run without a file. */
static char missing_default[4200];

static int setup(void **state)
{
    (void)state;
    const char *dir = tmpdir_create("pam-ldlm-options");
    if (dir == NULL)
        return -1;
    snprintf(missing_default, sizeof(missing_default), "%s/absent.conf", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tmpdir_remove();
    return 0;
}

#define ARGS(...)                                                              \
    (const char *[])                                                           \
    {                                                                          \
        __VA_ARGS__                                                            \
    }
#define COUNT(...)                                                             \
    ((int)(sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)))

/* Loads with the given arguments; insecure_no_password is appended (these
 * tests are about other settings) unless `strict`. */
static int load_as(pldlm_options *o, bool strict, int argc, const char **argv)
{
    const char *all[64];
    int n = 0;
    for (int i = 0; i < argc && n < 62; i++)
        all[n++] = argv[i];
    if (!strict)
        all[n++] = "insecure_no_password";
    return pldlm_options_load(o, missing_default, n, all);
}

static int load(pldlm_options *o, int argc, const char **argv)
{
    return load_as(o, false, argc, argv);
}

/* Loading must fail and the message must contain `needle`. */
static void assert_refused(int argc, const char **argv, const char *needle)
{
    pldlm_options o;
    assert_int_equal(load(&o, argc, argv), -1);
    if (strstr(o.error, needle) == NULL)
        fail_msg("error \"%s\" does not mention \"%s\"", o.error, needle);
}

#define REFUSED(needle, ...)                                                   \
    assert_refused(COUNT(__VA_ARGS__), ARGS(__VA_ARGS__), needle)

static void test_defaults(void **state)
{
    (void)state;
    pldlm_options o;
    assert_int_equal(load(&o, 0, NULL), 0);
    assert_null(o.conf_path);
    assert_int_equal(o.timeout_seconds, PLDLM_DEFAULT_TIMEOUT);
    assert_int_equal(o.wait_seconds, 0);
    assert_int_equal(o.on_error, PLDLM_ON_ERROR_ALLOW);
    assert_int_equal(o.max_sessions, PLDLM_UNLIMITED);
    assert_int_equal(o.limit_count, 0);
    assert_int_equal(o.pool_count, 0);
    assert_int_equal(o.exempt_count, 0);
    assert_false(o.even_deny_root);
    assert_false(o.debug);
    assert_false(o.max_retries_set);
    assert_string_equal(o.lock_prefix, PLDLM_DEFAULT_PREFIX);
    assert_string_equal(o.deny_message, PLDLM_DEFAULT_DENY_MESSAGE);
    assert_string_equal(o.pool_deny_message, PLDLM_DEFAULT_POOL_DENY_MESSAGE);
    assert_string_equal(o.error_message, PLDLM_DEFAULT_ERROR_MESSAGE);
    assert_null(o.conn.server);
    pldlm_options_free(&o);
}

static void test_everything_set(void **state)
{
    (void)state;
    pldlm_options o;
    const char *argv[] = {"server=127.0.0.1:3144",
                          "tls",
                          "ca_file=/ca.pem",
                          "cert=/c.pem",
                          "key=/c.key",
                          "skip_verify",
                          "timeout=9",
                          "wait=4",
                          "on_error=deny",
                          "max_sessions=3",
                          "limit=alice:5,@admins:unlimited",
                          "unlimited=@ops",
                          "pool=@students:50",
                          "exempt=carol,@staff",
                          "even_deny_root",
                          "lock_prefix=site/",
                          "deny_message=no %u (%l)",
                          "pool_deny_message=%g full",
                          "error_message=try later",
                          "debug",
                          "max_retries=2"};
    int rc = load(&o, (int)(sizeof(argv) / sizeof(argv[0])), argv);
    if (rc != 0)
        fail_msg("%s", o.error);
    assert_string_equal(o.conn.server, "127.0.0.1:3144");
    assert_true(o.conn.tls);
    assert_true(o.conn.skip_verify);
    assert_string_equal(o.conn.ca_file, "/ca.pem");
    assert_string_equal(o.conn.cert, "/c.pem");
    assert_string_equal(o.conn.key, "/c.key");
    assert_int_equal(o.timeout_seconds, 9);
    assert_int_equal(o.wait_seconds, 4);
    assert_true(o.max_retries_set);
    assert_int_equal(o.on_error, PLDLM_ON_ERROR_DENY);
    assert_int_equal(o.max_sessions, 3);
    assert_int_equal(o.limit_count, 3);
    assert_string_equal(o.limits[0].target.name, "alice");
    assert_false(o.limits[0].target.is_group);
    assert_int_equal(o.limits[0].limit, 5);
    assert_string_equal(o.limits[1].target.name, "admins");
    assert_true(o.limits[1].target.is_group);
    assert_int_equal(o.limits[1].limit, PLDLM_UNLIMITED);
    assert_string_equal(o.limits[2].target.name, "ops");
    assert_int_equal(o.limits[2].limit, PLDLM_UNLIMITED);
    assert_int_equal(o.pool_count, 1);
    assert_string_equal(o.pools[0].group, "students");
    assert_int_equal(o.pools[0].size, 50);
    assert_int_equal(o.exempt_count, 2);
    assert_string_equal(o.exempt[0].name, "carol");
    assert_false(o.exempt[0].is_group);
    assert_string_equal(o.exempt[1].name, "staff");
    assert_true(o.exempt[1].is_group);
    assert_true(o.even_deny_root);
    assert_true(o.debug);
    assert_string_equal(o.lock_prefix, "site/");
    assert_string_equal(o.deny_message, "no %u (%l)");
    assert_string_equal(o.pool_deny_message, "%g full");
    assert_string_equal(o.error_message, "try later");
    pldlm_options_free(&o);
}

static void test_file_then_arguments(void **state)
{
    (void)state;
    char *path = tmpdir_write_str("site.conf",
                                  "# site policy\n"
                                  "server = 10.0.0.1:3144\n"
                                  "max_sessions = 3\n"
                                  "limit = alice:2\n"
                                  "deny_message = \"Sorry %u, %l is the max\"\n"
                                  "debug\n",
                                  0644);
    assert_non_null(path);
    char conf_arg[4300];
    snprintf(conf_arg, sizeof(conf_arg), "conf=%s", path);
    pldlm_options o;
    const char *argv[] = {conf_arg, "max_sessions=5", "limit=alice:4",
                          "debug=no"};
    if (load(&o, 4, argv) != 0)
        fail_msg("%s", o.error);
    assert_string_equal(o.conf_path, path);
    assert_string_equal(o.conn.server, "10.0.0.1:3144");
    assert_int_equal(o.max_sessions, 5); /* the argument wins */
    /* Both limit rules are kept, in order: the later one decides. */
    assert_int_equal(o.limit_count, 2);
    assert_int_equal(o.limits[0].limit, 2);
    assert_int_equal(o.limits[1].limit, 4);
    assert_string_equal(o.deny_message, "Sorry %u, %l is the max");
    assert_false(o.debug);
    pldlm_options_free(&o);
    free(path);
}

static void test_wait_extends_default_timeout(void **state)
{
    (void)state;
    pldlm_options o;
    assert_int_equal(load(&o, COUNT("wait=10"), ARGS("wait=10")), 0);
    assert_int_equal(o.wait_seconds, 10);
    assert_int_equal(o.timeout_seconds, 10 + PLDLM_DEFAULT_TIMEOUT);
    pldlm_options_free(&o);
}

static void test_unknown_options(void **state)
{
    (void)state;
    REFUSED("frobnicate", "max_sessions=2", "frobnicate=1");
    REFUSED("argument 2", "max_sessions=2", "frobnicate=1");
    REFUSED("unknown option", "even_deny_roots");
    REFUSED("password", "password=s3cret"); /* never on the module line */

    char *path = tmpdir_write_str("unknown.conf",
                                  "max_sessions=2\n\nmax_session=3\n", 0644);
    char conf_arg[4300];
    snprintf(conf_arg, sizeof(conf_arg), "conf=%s", path);
    char where[4300];
    snprintf(where, sizeof(where), "%s:3", path);
    REFUSED(where, conf_arg);
    REFUSED("max_session", conf_arg);
    free(path);
}

static void test_malformed_values(void **state)
{
    (void)state;
    REFUSED("max_sessions", "max_sessions=abc");
    REFUSED("max_sessions", "max_sessions=-1");
    REFUSED("max_sessions", "max_sessions=3x");
    REFUSED("max_sessions", "max_sessions=99999999999999999999");
    REFUSED("max_sessions", "max_sessions=+3"); /* plain digits only */
    REFUSED("needs a value", "max_sessions");
    REFUSED("USER:N", "limit=alice");
    REFUSED("not a limit", "limit=alice:many");
    REFUSED("not a user or @group", "limit=:3");
    REFUSED("not a user or @group", "limit=@:3");
    REFUSED("empty item", "limit=alice:3,,bob:2");
    REFUSED("@GROUP:N", "pool=alice:3");
    REFUSED("@GROUP:N", "pool=@:3");
    REFUSED("pool size", "pool=@students:unlimited");
    REFUSED("pool size", "pool=@students:-2");
    REFUSED("neither", "on_error=maybe");
    REFUSED("wait", "wait=-1");
    REFUSED("wait", "wait=soon");
    REFUSED("timeout", "timeout=0");
    REFUSED("wait=10", "wait=10", "timeout=5");
    REFUSED("wait=5", "wait=5", "timeout=5");
    REFUSED("UTF-8", "lock_prefix=bad\xff");
    REFUSED("%x", "deny_message=limit %x");
    REFUSED("lone", "pool_deny_message=100%");
    REFUSED("even_deny_root", "even_deny_root=maybe");
    REFUSED("empty item", "exempt=alice,,@ops");
    REFUSED("not a user or @group", "exempt=@");
    REFUSED("cert= and key=", "cert=/c.pem");
    REFUSED("cert= and key=", "key=/c.key");
    REFUSED("needs a path", "conf=");
}

static void test_file_problems(void **state)
{
    (void)state;
    /* conf= naming a missing file is an error (only the default may be
     * missing). */
    char conf_arg[4300];
    snprintf(conf_arg, sizeof(conf_arg), "conf=%s.nope", missing_default);
    REFUSED(".nope", conf_arg);

    /* conf= is a module argument, not a file setting. */
    char *nested = tmpdir_write_str("nested.conf", "conf=/etc/passwd\n", 0644);
    snprintf(conf_arg, sizeof(conf_arg), "conf=%s", nested);
    REFUSED("only valid as a module argument", conf_arg);
    free(nested);

    /* A file others may write could exempt anyone: refused. */
    char *open_file = tmpdir_write_str("open.conf", "max_sessions=1\n", 0666);
    snprintf(conf_arg, sizeof(conf_arg), "conf=%s", open_file);
    REFUSED("writable by group or others", conf_arg);
    free(open_file);

    /* A syntax error of the file is reported with its place. */
    char *broken = tmpdir_write_str("broken.conf",
                                    "max_sessions=1\n\"unterminated\n", 0644);
    snprintf(conf_arg, sizeof(conf_arg), "conf=%s", broken);
    char where[4300];
    snprintf(where, sizeof(where), "%s:2", broken);
    REFUSED(where, conf_arg);
    free(broken);
}

/* Loading must fail without insecure_no_password appended. */
static void assert_refused_strict(int argc, const char **argv,
                                  const char *needle)
{
    pldlm_options o;
    assert_int_equal(load_as(&o, true, argc, argv), -1);
    if (strstr(o.error, needle) == NULL)
        fail_msg("error \"%s\" does not mention \"%s\"", o.error, needle);
}

#define REFUSED_STRICT(needle, ...)                                            \
    assert_refused_strict(COUNT(__VA_ARGS__), ARGS(__VA_ARGS__), needle)

static void assert_loads_strict(int argc, const char **argv)
{
    pldlm_options o;
    if (load_as(&o, true, argc, argv) != 0)
        fail_msg("%s", o.error);
    pldlm_options_free(&o);
}

#define LOADS_STRICT(...)                                                      \
    assert_loads_strict(COUNT(__VA_ARGS__), ARGS(__VA_ARGS__))

/* No password unless said on purpose; no unchecked TLS with a password
 * unless said on purpose. */
static void test_password_required(void **state)
{
    (void)state;
    REFUSED_STRICT("no password_file= is set", "max_sessions=2");
    REFUSED_STRICT("insecure_no_password", "max_sessions=2");
    REFUSED_STRICT("module arguments: no password_file", "max_sessions=2");
    LOADS_STRICT("max_sessions=2", "insecure_no_password");
    LOADS_STRICT("max_sessions=2", "password_file=/etc/pw");
    /* With a password, insecure_no_password allows nothing more. */
    LOADS_STRICT("password_file=/etc/pw", "insecure_no_password");
    REFUSED_STRICT("insecure_no_password=maybe", "insecure_no_password=maybe");
    REFUSED_STRICT("no password_file= is set", "insecure_no_password=no");

    /* A file without the password is named in the message. */
    char *path = tmpdir_write_str("nopw.conf", "max_sessions=1\n", 0644);
    char conf_arg[4300];
    snprintf(conf_arg, sizeof(conf_arg), "conf=%s", path);
    char where[4300];
    snprintf(where, sizeof(where), "%s: no password_file= is set", path);
    REFUSED_STRICT(where, conf_arg);
    free(path);

    REFUSED_STRICT("argument 3: skip_verify: with password_file= (argument 2)",
                   "tls", "password_file=/etc/pw", "skip_verify");
    REFUSED_STRICT("insecure_skip_verify_with_password", "tls",
                   "password_file=/etc/pw", "skip_verify");
    LOADS_STRICT("tls", "password_file=/etc/pw", "skip_verify",
                 "insecure_skip_verify_with_password");
    LOADS_STRICT("tls", "password_file=/etc/pw", "skip_verify=no");
    LOADS_STRICT("tls", "insecure_no_password", "skip_verify");
}

static void test_services(void **state)
{
    (void)state;
    pldlm_options o;
    assert_int_equal(load(&o, 0, NULL), 0);
    assert_true(pldlm_service_counted(&o, "sshd"));
    assert_true(pldlm_service_counted(&o, "cron"));
    assert_true(pldlm_service_counted(&o, NULL));
    pldlm_options_free(&o);

    const char *only[] = {"services=sshd, login", "services=gdm-password"};
    assert_int_equal(load(&o, 2, only), 0);
    assert_int_equal(o.service_count, 3);
    assert_true(pldlm_service_counted(&o, "sshd"));
    assert_true(pldlm_service_counted(&o, "login"));
    assert_true(pldlm_service_counted(&o, "gdm-password"));
    assert_false(pldlm_service_counted(&o, "cron"));
    assert_false(pldlm_service_counted(&o, "sshd2"));
    assert_false(pldlm_service_counted(&o, ""));
    pldlm_options_free(&o);

    const char *ignore[] = {"ignore_services=cron,sudo, systemd-user"};
    assert_int_equal(load(&o, 1, ignore), 0);
    assert_true(pldlm_service_counted(&o, "sshd"));
    assert_false(pldlm_service_counted(&o, "cron"));
    assert_false(pldlm_service_counted(&o, "sudo"));
    assert_false(pldlm_service_counted(&o, "systemd-user"));
    pldlm_options_free(&o);

    /* Both: listed and not ignored. */
    const char *both[] = {"services=sshd,sudo", "ignore_services=sudo"};
    assert_int_equal(load(&o, 2, both), 0);
    assert_true(pldlm_service_counted(&o, "sshd"));
    assert_false(pldlm_service_counted(&o, "sudo"));
    assert_false(pldlm_service_counted(&o, "login"));
    pldlm_options_free(&o);

    REFUSED("empty item", "services=sshd,,login");
    REFUSED("not a PAM service name", "ignore_services=../cron");
    REFUSED("needs a value", "services");
}

/* After a failed load: root's fate from the module arguments only, the
 * on_error decision from the arguments, else from the file if it is safe. */
static void test_fallback(void **state)
{
    (void)state;
    pldlm_fallback f;
    pldlm_options_fallback(&f, missing_default, 0, NULL);
    assert_false(f.even_deny_root);
    assert_int_equal(f.on_error, PLDLM_ON_ERROR_ALLOW);

    /* A file with a syntax error: its valid lines still say on_error; its
     * even_deny_root is not taken. */
    char *broken = tmpdir_write_str("fb-broken.conf",
                                    "on_error = deny\n"
                                    "\"unterminated\n"
                                    "even_deny_root\n"
                                    "debug\n",
                                    0644);
    char conf_arg[4300];
    snprintf(conf_arg, sizeof(conf_arg), "conf=%s", broken);
    const char *a1[] = {conf_arg};
    pldlm_options_fallback(&f, missing_default, 1, a1);
    assert_int_equal(f.on_error, PLDLM_ON_ERROR_DENY);
    assert_false(f.even_deny_root);
    assert_true(f.debug);

    /* Arguments override the file; a malformed argument is passed over. */
    const char *a2[] = {conf_arg, "on_error=allow", "frobnicate=\"",
                        "even_deny_root"};
    pldlm_options_fallback(&f, missing_default, 4, a2);
    assert_int_equal(f.on_error, PLDLM_ON_ERROR_ALLOW);
    assert_true(f.even_deny_root);
    const char *a3[] = {conf_arg, "on_error=sometimes", "even_deny_root=no"};
    pldlm_options_fallback(&f, missing_default, 3, a3);
    assert_int_equal(f.on_error, PLDLM_ON_ERROR_DENY);
    assert_false(f.even_deny_root);
    free(broken);

    /* An unsafe file is not believed at all. */
    char *open_file =
        tmpdir_write_str("fb-open.conf", "on_error = deny\n", 0666);
    snprintf(conf_arg, sizeof(conf_arg), "conf=%s", open_file);
    const char *a4[] = {conf_arg};
    pldlm_options_fallback(&f, missing_default, 1, a4);
    assert_int_equal(f.on_error, PLDLM_ON_ERROR_ALLOW);
    free(open_file);

    /* The default path is read when conf= is not given. */
    char *dflt = tmpdir_write_str("fb-default.conf", "on_error=deny\n", 0644);
    pldlm_options_fallback(&f, dflt, 0, NULL);
    assert_int_equal(f.on_error, PLDLM_ON_ERROR_DENY);
    free(dflt);
}

/* Reads srcdir/rel into a malloc'd string (the test fails if it cannot). */
static char *read_source_file(const char *rel)
{
    const char *srcdir = getenv("LDLM_TEST_SRCDIR");
    char path[4300];
    snprintf(path, sizeof(path), "%s/%s", srcdir != NULL ? srcdir : ".", rel);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    char *text = calloc(1, 1 << 20);
    assert_non_null(text);
    size_t n = fread(text, 1, (1 << 20) - 1, f);
    fclose(f);
    text[n] = '\0';
    return text;
}

/*
 * True if a man page item (the line after a .TP) names the setting: the
 * name after a blank or a font change (\fB), then '=', a blank or the end
 * of the line.
 */
static bool man_documents(const char *page, const char *name)
{
    size_t len = strlen(name);
    for (const char *tp = strstr(page, "\n.TP\n"); tp != NULL;
         tp = strstr(tp + 1, "\n.TP\n")) {
        const char *line = tp + 5;
        const char *end = strchr(line, '\n');
        if (end == NULL)
            end = line + strlen(line);
        for (const char *p = line; p + len <= end; p++) {
            if (strncmp(p, name, len) != 0)
                continue;
            bool starts = p > line && (p[-1] == ' ' || p[-1] == 'B');
            char after = p + len < end ? p[len] : '\n';
            if (starts && (after == '=' || after == ' ' || after == '\n'))
                return true;
        }
    }
    return false;
}

/* Each setting is named once, in a table of the code; every one of them is
 * documented as an item of pam_ldlm.conf(5) or pam_ldlm(8). */
static void test_every_setting_is_documented(void **state)
{
    (void)state;
    char *conf5 = read_source_file("pam_ldlm/pam_ldlm.conf.5");
    char *pam8 = read_source_file("pam_ldlm/pam_ldlm.8");
    size_t checked = 0;
    const char *name;
    for (size_t i = 0; (name = pldlm_setting_name(i)) != NULL; i++, checked++)
        if (!man_documents(conf5, name) && !man_documents(pam8, name))
            fail_msg("setting %s is not documented in pam_ldlm.conf(5) or "
                     "pam_ldlm(8)",
                     name);
    const ldlm_conn_setting_names *conn;
    for (size_t i = 0; (conn = ldlm_conn_setting(i)) != NULL; i++, checked++)
        if (!man_documents(conf5, name = conn->name))
            fail_msg("connection setting %s is not documented in "
                     "pam_ldlm.conf(5)",
                     name);
    assert_true(checked >= 20);
    /* The check itself tells a documented name from an unknown one. */
    assert_false(man_documents(conf5, "no_such_setting"));
    free(conf5);
    free(pam8);
}

/* The example configuration shipped with the module is valid. */
static void test_example_config(void **state)
{
    (void)state;
    const char *srcdir = getenv("LDLM_TEST_SRCDIR");
    char path[4300];
    snprintf(path, sizeof(path), "%s/pam_ldlm/pam_ldlm.conf.example",
             srcdir != NULL ? srcdir : ".");
    FILE *f = fopen(path, "r");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    char text[16384];
    size_t n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    /* A copy with the mode an administrator would give it. */
    char *copy = tmpdir_write_str("example.conf", text, 0644);
    assert_non_null(copy);
    char conf_arg[4300];
    snprintf(conf_arg, sizeof(conf_arg), "conf=%s", copy);
    const char *argv[] = {conf_arg};
    pldlm_options o;
    if (load(&o, 1, argv) != 0)
        fail_msg("%s", o.error);
    assert_string_equal(o.conn.server, "ldlm.example.org:3144");
    assert_int_equal(o.max_sessions, 3);
    assert_int_equal(o.timeout_seconds, 5);
    assert_int_equal(o.on_error, PLDLM_ON_ERROR_ALLOW);
    pldlm_options_free(&o);
    free(copy);
}

/* Whatever the arguments, loading returns 0 or -1 and never crashes (the
 * sanitizer build checks the memory side). */
static void test_random_arguments_never_crash(void **state)
{
    (void)state;
    static const char *const names[] = {
        "limit",        "pool",         "exempt",  "unlimited",
        "max_sessions", "wait",         "timeout", "on_error",
        "lock_prefix",  "deny_message", "debug",   "server",
        "tls",          "conf",         "x",       ""};
    static const char alphabet[] = "@:,=%\"# 0123456789abc\xff\t-";
    uint32_t x = 42;
    for (int round = 0; round < 3000; round++) {
        char storage[4][48];
        const char *argv[4];
        x = x * 1664525u + 1013904223u;
        int argc = (int)((x >> 24) % 5);
        for (int a = 0; a < argc; a++) {
            x = x * 1664525u + 1013904223u;
            const char *name =
                names[(x >> 20) % (sizeof(names) / sizeof(names[0]))];
            int n = snprintf(storage[a], sizeof(storage[a]), "%s", name);
            x = x * 1664525u + 1013904223u;
            int extra = (int)((x >> 24) % 12);
            for (int k = 0; k < extra && n < 47; k++) {
                x = x * 1664525u + 1013904223u;
                storage[a][n++] = alphabet[(x >> 24) % (sizeof(alphabet) - 1)];
            }
            storage[a][n] = '\0';
            argv[a] = storage[a];
        }
        pldlm_options o;
        int rc = load(&o, argc, argv);
        assert_true(rc == 0 || rc == -1);
        if (rc == 0)
            pldlm_options_free(&o);
        else
            assert_true(o.error[0] != '\0');
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_everything_set),
        cmocka_unit_test(test_file_then_arguments),
        cmocka_unit_test(test_wait_extends_default_timeout),
        cmocka_unit_test(test_unknown_options),
        cmocka_unit_test(test_malformed_values),
        cmocka_unit_test(test_file_problems),
        cmocka_unit_test(test_password_required),
        cmocka_unit_test(test_services),
        cmocka_unit_test(test_fallback),
        cmocka_unit_test(test_example_config),
        cmocka_unit_test(test_every_setting_is_documented),
        cmocka_unit_test(test_random_arguments_never_crash),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
