/* SPDX-License-Identifier: MIT */
/*
 * test_conf_values.c - strict integers and flags, connection settings and
 * their mapping onto ldlm_config.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ldlm_conf.h"

static ldlm_conf_entry entry(const char *name, const char *value)
{
    return (ldlm_conf_entry){.name = (char *)name,
                             .value = (char *)value,
                             .origin = "/etc/t.conf",
                             .line = 7};
}

static void integers_accepted(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        long min, max, expected;
    } cases[] = {
        {"0", 0, 10, 0},       {"10", 0, 10, 10},
        {"007", 0, 10, 7},     {"-5", -10, 10, -5},
        {"-10", -10, 10, -10}, {"2147483647", 0, LONG_MAX, 2147483647L},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ldlm_conf_entry e = entry("n", cases[i].text);
        long v = -999;
        ldlm_conf c;
        ldlm_conf_init(&c);
        assert_int_equal(ldlm_conf_int(&c, &e, cases[i].min, cases[i].max, &v),
                         0);
        assert_int_equal(v, cases[i].expected);
    }
}

static void integers_refused(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *message;
    } cases[] = {
        {"abc", "/etc/t.conf:7: n=abc is not a whole number"},
        {"4x", "/etc/t.conf:7: n=4x is not a whole number"},
        {" 4", "/etc/t.conf:7: n= 4 is not a whole number"},
        {"4 ", "/etc/t.conf:7: n=4  is not a whole number"},
        {"+4", "/etc/t.conf:7: n=+4 is not a whole number"},
        {"0x10", "/etc/t.conf:7: n=0x10 is not a whole number"},
        {"-", "/etc/t.conf:7: n=- is not a whole number"},
        {"1.5", "/etc/t.conf:7: n=1.5 is not a whole number"},
        {"", "/etc/t.conf:7: n needs a number (n=N)"},
        {NULL, "/etc/t.conf:7: n needs a number (n=N)"},
        {"11", "/etc/t.conf:7: n=11 is out of range (1 to 10)"},
        {"0", "/etc/t.conf:7: n=0 is out of range (1 to 10)"},
        {"-1", "/etc/t.conf:7: n=-1 is out of range (1 to 10)"},
        {"99999999999999999999",
         "/etc/t.conf:7: n=99999999999999999999 is out of range (1 to 10)"},
        {"-99999999999999999999",
         "/etc/t.conf:7: n=-99999999999999999999 is out of range (1 to 10)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ldlm_conf_entry e = entry("n", cases[i].text);
        long v = 42;
        ldlm_conf c;
        ldlm_conf_init(&c);
        assert_int_equal(ldlm_conf_int(&c, &e, 1, 10, &v), -1);
        assert_string_equal(ldlm_conf_error(&c), cases[i].message);
        assert_int_equal(v, 42); /* untouched on error */
    }
}

static void flags(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool expected;
    } cases[] = {
        {NULL, true},   {"yes", true}, {"YES", true}, {"true", true},
        {"On", true},   {"1", true},   {"no", false}, {"False", false},
        {"off", false}, {"0", false},  {"NO", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ldlm_conf_entry e = entry("tls", cases[i].text);
        bool v = !cases[i].expected;
        ldlm_conf c;
        ldlm_conf_init(&c);
        assert_int_equal(ldlm_conf_bool(&c, &e, &v), 0);
        assert_true(v == cases[i].expected);
    }
    static const char *const bad[] = {"", "maybe", "yes ", "2", "y"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ldlm_conf_entry e = entry("tls", bad[i]);
        bool v = false;
        ldlm_conf c;
        ldlm_conf_init(&c);
        assert_int_equal(ldlm_conf_bool(&c, &e, &v), -1);
        assert_non_null(strstr(ldlm_conf_error(&c), "/etc/t.conf:7: tls="));
        assert_non_null(strstr(ldlm_conf_error(&c), "expected yes/no"));
    }
}

static void connection_names(void **state)
{
    (void)state;
    static const char *const names[] = {
        "server", "password_file", "tls",         "ca_file", "cert",
        "key",    "skip_verify",   "max_retries", "timeout"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        assert_true(ldlm_conf_is_connection_setting(names[i]));
        /* The table spells each setting for every source the same way:
         * option = name with '-' for '_', variable = LDLM_ + upper case. */
        const ldlm_conn_setting_names *c = ldlm_conn_setting(i);
        assert_non_null(c);
        assert_string_equal(c->name, names[i]);
        char option[64], variable[64] = "LDLM_";
        size_t k = 0;
        for (; names[i][k] != '\0'; k++) {
            option[k] = names[i][k] == '_' ? '-' : names[i][k];
            variable[5 + k] = (char)toupper((unsigned char)names[i][k]);
        }
        option[k] = '\0';
        variable[5 + k] = '\0';
        assert_string_equal(c->option, option);
        assert_string_equal(c->variable, variable);
        assert_true(c->is_flag == (strcmp(names[i], "tls") == 0 ||
                                   strcmp(names[i], "skip_verify") == 0));
    }
    assert_null(ldlm_conn_setting(sizeof names / sizeof *names));
    assert_false(ldlm_conf_is_connection_setting("max_sessions"));
    assert_false(ldlm_conf_is_connection_setting("Server"));
    assert_false(ldlm_conf_is_connection_setting(""));
    assert_false(ldlm_conf_is_connection_setting(NULL));
}

/* The whole of a file of the source tree, or NULL. */
static char *read_source_file(const char *relative)
{
    const char *srcdir = getenv("LDLM_TEST_SRCDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", srcdir != NULL ? srcdir : ".",
             relative);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    char *text = calloc(1, 256 * 1024);
    size_t n = text != NULL ? fread(text, 1, 256 * 1024 - 1, f) : 0;
    (void)n;
    fclose(f);
    return text;
}

/* "--ca-file" as groff writes it in ldlm(1): "\\-\\-ca\\-file". */
static void groff_option(const char *option, char *out, size_t outlen)
{
    size_t k = 0;
    for (const char *p = "--"; *p != '\0' && k + 2 < outlen; p++) {
        out[k++] = '\\';
        out[k++] = '-';
    }
    for (const char *p = option; *p != '\0' && k + 2 < outlen; p++) {
        if (*p == '-')
            out[k++] = '\\';
        out[k++] = *p;
    }
    out[k] = '\0';
}

/* Every connection setting of the one table is a row of ldlm(1)'s table
 * of options, environment variables and file settings, spelt as the table
 * says, so that the manual cannot drift from what the tool accepts. */
static void connection_settings_documented_in_ldlm_1(void **state)
{
    (void)state;
    char *page = read_source_file("cli/ldlm.1");
    assert_non_null(page);
    const ldlm_conn_setting_names *c;
    size_t i = 0;
    for (; (c = ldlm_conn_setting(i)) != NULL; i++) {
        char option[128];
        groff_option(c->option, option, sizeof option);
        bool found = false;
        for (const char *line = page; line != NULL && !found;
             line = strchr(line, '\n') != NULL ? strchr(line, '\n') + 1
                                               : NULL) {
            size_t len = strlen(option);
            if (strncmp(line, option, len) != 0 ||
                (line[len] != ' ' && line[len] != '[' && line[len] != '\t'))
                continue;
            const char *end = strchr(line, '\n');
            size_t line_len = end != NULL ? (size_t)(end - line) : strlen(line);
            char row[512];
            snprintf(row, sizeof row, "%.*s", (int)line_len, line);
            char *var = strchr(row, '\t');
            char *file = var != NULL ? strchr(var + 1, '\t') : NULL;
            if (var == NULL || file == NULL)
                fail_msg("ldlm(1) row of --%s has no environment and file "
                         "columns",
                         c->option);
            *file++ = '\0';
            var++;
            size_t name_len = strlen(c->name);
            if (strcmp(var, c->variable) != 0 ||
                strncmp(file, c->name, name_len) != 0 ||
                (file[name_len] != '\0' && file[name_len] != '='))
                fail_msg("ldlm(1) row of --%s reads \"%s\" / \"%s\", the "
                         "table says %s / %s",
                         c->option, var, file, c->variable, c->name);
            found = true;
        }
        if (!found)
            fail_msg("--%s (%s) is not in ldlm(1)'s table of connection "
                     "settings",
                     c->option, c->name);
    }
    assert_true(i >= 9);
    free(page);
}

static void add(ldlm_conf *conf, const char *name, const char *value)
{
    if (ldlm_conf_add(conf, name, value, "test", 0) < 0)
        fail_msg("%s", ldlm_conf_error(conf));
}

static void settings_from_conf(void **state)
{
    (void)state;
    ldlm_conf conf;
    ldlm_conf_init(&conf);
    add(&conf, "server", "old:1");
    add(&conf, "server", "ldlm.example:3144");
    add(&conf, "password_file", "/etc/ldlm/password");
    add(&conf, "tls", NULL);
    add(&conf, "ca_file", "/ca.pem");
    add(&conf, "cert", "/c.pem");
    add(&conf, "key", "/k.pem");
    add(&conf, "skip_verify", "off");
    add(&conf, "max_retries", "3");
    add(&conf, "timeout", "5");
    add(&conf, "max_sessions", "2"); /* not a connection setting */

    ldlm_conn_settings s;
    ldlm_conn_settings_init(&s);
    assert_int_equal(ldlm_conn_settings_from_conf(&s, &conf), 0);
    assert_string_equal(s.server, "ldlm.example:3144");
    assert_string_equal(s.password_file, "/etc/ldlm/password");
    assert_true(s.tls);
    assert_string_equal(s.ca_file, "/ca.pem");
    assert_string_equal(s.cert, "/c.pem");
    assert_string_equal(s.key, "/k.pem");
    assert_false(s.skip_verify);
    assert_int_equal(s.max_retries, 3);
    assert_int_equal(s.timeout_seconds, 5);

    ldlm_config cfg;
    memset(&cfg, 0xa5, sizeof cfg); /* garbage that must not survive */
    ldlm_conn_settings_to_config(&s, "secret", &cfg);
    assert_string_equal(cfg.address, "ldlm.example:3144");
    assert_string_equal(cfg.password, "secret");
    assert_true(cfg.use_tls);
    assert_false(cfg.skip_verify);
    assert_string_equal(cfg.ca_file, "/ca.pem");
    assert_string_equal(cfg.tls_cert, "/c.pem");
    assert_string_equal(cfg.tls_key, "/k.pem");
    assert_int_equal(cfg.max_retries, 3);
    assert_int_equal(cfg.call_timeout_ms, 5000);
    assert_false(cfg.no_auto_renew);
    assert_false(cfg.reacquire_lost_locks);
    assert_int_equal(cfg.retry_delay_ms, 0);
    assert_null(cfg.lost_lock_callback);
    assert_null(cfg.lost_lock_userdata);
    assert_null(cfg.channel_args);
    assert_int_equal(cfg.channel_args_count, 0);

    ldlm_conn_settings_free(&s);
    ldlm_conf_free(&conf);
}

static void absent_settings_keep_their_value(void **state)
{
    (void)state;
    ldlm_conf conf;
    ldlm_conf_init(&conf);
    ldlm_conn_settings s;
    ldlm_conn_settings_init(&s);
    s.server = strdup("kept:1");
    s.max_retries = 2;
    add(&conf, "tls", "yes");
    assert_int_equal(ldlm_conn_settings_from_conf(&s, &conf), 0);
    assert_string_equal(s.server, "kept:1");
    assert_int_equal(s.max_retries, 2);
    assert_true(s.tls);
    assert_null(s.password_file);

    ldlm_config cfg;
    ldlm_conn_settings_free(&s); /* back to the empty settings */
    ldlm_conn_settings_to_config(&s, NULL, &cfg);
    assert_null(cfg.address); /* library default */
    assert_null(cfg.password);
    assert_int_equal(cfg.call_timeout_ms, 0);
    ldlm_conf_free(&conf);
}

/* server= takes HOST:PORT and [IPV6]:PORT only: never a gRPC target URI,
 * which could point the module at a local socket. */
static void server_addresses(void **state)
{
    (void)state;
    static const char *const accepted[] = {
        "localhost:3144",    "ldlm.example.org:3144",
        "10.0.0.1:1",        "[::1]:3144",
        "[fe80::1:2]:65535", "[::ffff:10.0.0.1]:3144",
        "my_host-1.lan:80",  "file:1",
    };
    for (size_t i = 0; i < sizeof accepted / sizeof *accepted; i++) {
        ldlm_conf conf;
        ldlm_conf_init(&conf);
        add(&conf, "server", accepted[i]);
        ldlm_conn_settings s;
        ldlm_conn_settings_init(&s);
        if (ldlm_conn_settings_from_conf(&s, &conf) != 0)
            fail_msg("%s refused: %s", accepted[i], ldlm_conf_error(&conf));
        assert_string_equal(s.server, accepted[i]);
        ldlm_conn_settings_free(&s);
        ldlm_conf_free(&conf);
    }
    static const struct {
        const char *value;
        const char *message;
    } refused[] = {
        {"unix:/run/ldlm.sock",
         "test: server=unix:/run/ldlm.sock: gRPC target URIs (here \"unix:\") "
         "are not accepted; give HOST:PORT or [IPV6-ADDRESS]:PORT"},
        {"unix:///run/ldlm.sock", "gRPC target URIs (here \"unix:\")"},
        {"unix-abstract:ldlm", "gRPC target URIs (here \"unix-abstract:\")"},
        {"dns:ldlm.example:3144", "gRPC target URIs (here \"dns:\")"},
        {"dns:///ldlm.example:3144", "gRPC target URIs (here \"dns:\")"},
        {"ipv4:127.0.0.1:3144", "gRPC target URIs (here \"ipv4:\")"},
        {"IPv6:[::1]:3144", "gRPC target URIs (here \"IPv6:\")"},
        {"vsock:2:3144", "gRPC target URIs (here \"vsock:\")"},
        {"dns:53", "gRPC target URIs (here \"dns:\")"},
        {"https://ldlm.example:3144", "gRPC target URIs (here \"https:\")"},
        {"foo://ldlm.example:3144", "URLs are not accepted"},
        {"ldlm.example",
         "the port is missing (HOST:PORT, e.g. ldlm.example:3144)"},
        {"::1:3144", "write an IPv6 address in brackets"},
        {"fe80::1", "write an IPv6 address in brackets"},
        {":3144", "the host is missing"},
        {"ldlm example:3144", "a host name has only letters, digits"},
        {"ldlm/x:3144", "a host name has only letters, digits"},
        {"ldlm.example:", "the port must be a number from 1 to 65535"},
        {"ldlm.example:0", "the port must be a number from 1 to 65535"},
        {"ldlm.example:65536", "the port must be a number from 1 to 65535"},
        {"ldlm.example:+80", "the port must be a number from 1 to 65535"},
        {"ldlm.example:http", "the port must be a number from 1 to 65535"},
        {"[::1]", "expected [IPV6-ADDRESS]:PORT"},
        {"[::1]3144", "expected [IPV6-ADDRESS]:PORT"},
        {"[]:3144", "expected [IPV6-ADDRESS]:PORT"},
        {"[::1%eth0]:3144", "is not an IPv6 address"},
        {"[host]:3144", "is not an IPv6 address"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        ldlm_conf conf;
        ldlm_conf_init(&conf);
        add(&conf, "server", refused[i].value);
        ldlm_conn_settings s;
        ldlm_conn_settings_init(&s);
        assert_int_equal(ldlm_conn_settings_from_conf(&s, &conf), -1);
        assert_null(s.server);
        const char *err = ldlm_conf_error(&conf);
        if (strncmp(err, "test: server=", 13) != 0 ||
            strstr(err, refused[i].message) == NULL)
            fail_msg("%s: \"%s\" does not say \"%s\"", refused[i].value, err,
                     refused[i].message);
        ldlm_conf_free(&conf);
    }
}

static void invalid_settings_change_nothing(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *value;
        const char *message;
    } cases[] = {
        {"server", "", "test: server needs a value (server=HOST:PORT)"},
        {"server", NULL, "test: server needs a value (server=HOST:PORT)"},
        {"password_file", "", "test: password_file needs a value"},
        {"ca_file", NULL, "test: ca_file needs a value (ca_file=PATH)"},
        {"max_retries", "1001",
         "test: max_retries=1001 is out of range (0 to 1000)"},
        {"max_retries", "-1",
         "test: max_retries=-1 is out of range (0 to 1000)"},
        {"timeout", "2147484",
         "test: timeout=2147484 is out of range (0 to 2147483)"},
        {"timeout", "soon", "test: timeout=soon is not a whole number"},
        {"skip_verify", "perhaps", "test: skip_verify=perhaps: expected"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ldlm_conf conf;
        ldlm_conf_init(&conf);
        add(&conf, "server", "new:2");
        add(&conf, "max_retries", "9");
        add(&conf, cases[i].name, cases[i].value);
        ldlm_conn_settings s;
        ldlm_conn_settings_init(&s);
        s.server = strdup("kept:1");
        assert_int_equal(ldlm_conn_settings_from_conf(&s, &conf), -1);
        const char *err = ldlm_conf_error(&conf);
        if (strncmp(err, cases[i].message, strlen(cases[i].message)) != 0)
            fail_msg("case %zu: \"%s\" does not start with \"%s\"", i, err,
                     cases[i].message);
        assert_string_equal(s.server, "kept:1");
        assert_int_equal(s.max_retries, 0);
        ldlm_conn_settings_free(&s);
        ldlm_conf_free(&conf);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integers_accepted),
        cmocka_unit_test(integers_refused),
        cmocka_unit_test(flags),
        cmocka_unit_test(connection_names),
        cmocka_unit_test(connection_settings_documented_in_ldlm_1),
        cmocka_unit_test(settings_from_conf),
        cmocka_unit_test(absent_settings_keep_their_value),
        cmocka_unit_test(invalid_settings_change_nothing),
        cmocka_unit_test(server_addresses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
