/* SPDX-License-Identifier: MIT */
/*
 * settings.c - resolves ldlm(1)'s connection settings.
 *
 * One ldlm_conf receives the configuration file, then the environment, then
 * the options; the shared parser's "last one wins" rule then gives exactly
 * the precedence option > environment > file, and every value is checked by
 * the same code as pam_ldlm's, with messages naming where it came from.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exit_codes.h"
#include "report.h"
#include "settings.h"

static int add_options(ldlm_conf *conf, const cli_options *o)
{
    for (size_t i = 0; i < o->conn_count; i++) {
        char origin[64];
        snprintf(origin, sizeof origin, "option --%s", o->conn[i].option);
        if (ldlm_conf_add(conf, o->conn[i].name, o->conn[i].value, origin, 0) <
            0)
            return -1;
    }
    return 0;
}

static int add_environment(ldlm_conf *conf)
{
    const ldlm_conn_setting_names *c;
    for (size_t i = 0; (c = ldlm_conn_setting(i)) != NULL; i++) {
        const char *value = getenv(c->variable);
        if (value == NULL || value[0] == '\0') /* empty = not set */
            continue;
        char origin[64];
        snprintf(origin, sizeof origin, "environment variable %s", c->variable);
        if (ldlm_conf_add(conf, c->name, value, origin, 0) < 0)
            return -1;
    }
    return 0;
}

/* Options alone first: their mistakes are usage errors, not config ones. */
static int check_options(const cli_options *o)
{
    ldlm_conf conf;
    ldlm_conn_settings scratch;
    ldlm_conf_init(&conf);
    ldlm_conn_settings_init(&scratch);
    int rc = 0;
    if (add_options(&conf, o) < 0 ||
        ldlm_conn_settings_from_conf(&scratch, &conf) < 0) {
        cli_say("%s (see 'ldlm --help')", ldlm_conf_error(&conf));
        rc = CLI_EXIT_USAGE;
    }
    ldlm_conn_settings_free(&scratch);
    ldlm_conf_free(&conf);
    return rc;
}

/* Which file to read: --config, then LDLM_CONFIG (both must exist), then
 * the default if it is there and readable (a user without access to the
 * PAM configuration simply does not use it). */
static void choose_config(cli_settings *st, const cli_options *o,
                          bool *must_exist)
{
    const char *env = getenv("LDLM_CONFIG");
    *must_exist = true;
    if (o->config_path != NULL) {
        st->config_path = o->config_path;
        st->config_from = "option --config";
    } else if (env != NULL && env[0] != '\0') {
        st->config_path = env;
        st->config_from = "environment variable LDLM_CONFIG";
    } else if (access(LDLM_CONF_DEFAULT_PATH, R_OK) == 0) {
        st->config_path = LDLM_CONF_DEFAULT_PATH;
        st->config_from = "default";
        *must_exist = false;
    } else {
        st->config_path = NULL;
        st->config_from =
            "default " LDLM_CONF_DEFAULT_PATH " absent or unreadable";
    }
}

int cli_settings_resolve(cli_settings *st, const cli_options *o)
{
    memset(st, 0, sizeof *st);
    ldlm_conf_init(&st->conf);
    ldlm_conn_settings_init(&st->conn);

    int rc = check_options(o);
    if (rc != 0)
        return rc;

    bool must_exist;
    choose_config(st, o, &must_exist);
    if ((st->config_path != NULL &&
         ldlm_conf_parse_file(&st->conf, st->config_path, !must_exist) < 0) ||
        add_environment(&st->conf) < 0 || add_options(&st->conf, o) < 0 ||
        ldlm_conn_settings_from_conf(&st->conn, &st->conf) < 0) {
        cli_say("configuration: %s", ldlm_conf_error(&st->conf));
        return CLI_EXIT_CONFIG;
    }
    if (st->conn.timeout_seconds == 0) {
        st->conn.timeout_seconds = CLI_DEFAULT_TIMEOUT_SECONDS;
        st->timeout_defaulted = true;
    }
    return 0;
}

/* One "name=value<TAB># origin" line of --print-config. */
static void print_setting(const cli_settings *st, const char *name,
                          const char *value, FILE *out)
{
    const ldlm_conf_entry *e = ldlm_conf_get(&st->conf, name);
    char loc[512];
    if (e != NULL)
        ldlm_conf_entry_location(e, loc, sizeof loc);
    fprintf(out, "%s=%s\t# %s\n", name, value != NULL ? value : "",
            e != NULL ? loc : "default");
}

void cli_settings_print(const cli_settings *st, FILE *out)
{
    const ldlm_conn_settings *c = &st->conn;
    char max_retries[16], timeout[16];
    snprintf(max_retries, sizeof max_retries, "%d", c->max_retries);
    snprintf(timeout, sizeof timeout, "%d", c->timeout_seconds);
    fprintf(out, "config=%s\t# %s\n",
            st->config_path != NULL ? st->config_path : "", st->config_from);
    print_setting(st, "server", cli_settings_server(st), out);
    print_setting(st, "password_file", c->password_file, out);
    print_setting(st, "tls", c->tls ? "yes" : "no", out);
    print_setting(st, "ca_file", c->ca_file, out);
    print_setting(st, "cert", c->cert, out);
    print_setting(st, "key", c->key, out);
    print_setting(st, "skip_verify", c->skip_verify ? "yes" : "no", out);
    print_setting(st, "max_retries", max_retries, out);
    print_setting(st, "timeout", timeout, out);
}

int cli_settings_read_password(cli_settings *st)
{
    if (st->conn.password_file == NULL)
        return 0;
    if (ldlm_conf_read_password_file(&st->conf, st->conn.password_file,
                                     getuid(), &st->password) < 0) {
        cli_say("%s", ldlm_conf_error(&st->conf));
        return CLI_EXIT_CONFIG;
    }
    return 0;
}

const char *cli_settings_server(const cli_settings *st)
{
    return st->conn.server != NULL ? st->conn.server : CLI_DEFAULT_SERVER;
}

int cli_settings_connect(const cli_settings *st, ldlm_lost_lock_fn lost,
                         void *lost_userdata, ldlm_client **out)
{
    ldlm_config config;
    ldlm_conn_settings_to_config(&st->conn, st->password, &config);
    config.lost_lock_callback = lost;
    config.lost_lock_userdata = lost_userdata;
    /* A lost lock means someone else may have run: report it, never paper
     * over it by taking the lock again. */
    config.reacquire_lost_locks = false;

    ldlm_err err = ldlm_client_new(&config, out);
    if (err == LDLM_OK)
        return 0;
    int rc = cli_report_error(err, "cannot set up the connection to %s",
                              cli_settings_server(st));
    if (err == LDLM_ERR_INVALID_ARGUMENT) {
        /* A bad address or TLS combination: whose mistake is it? */
        const ldlm_conf_entry *e = ldlm_conf_get(&st->conf, "server");
        bool from_option =
            e != NULL && e->line == 0 && strncmp(e->origin, "option ", 7) == 0;
        rc = from_option ? CLI_EXIT_USAGE : CLI_EXIT_CONFIG;
    }
    return rc;
}

void cli_settings_free(cli_settings *st)
{
    if (st->password != NULL) {
        explicit_bzero(st->password, strlen(st->password));
        free(st->password);
        st->password = NULL;
    }
    ldlm_conn_settings_free(&st->conn);
    ldlm_conf_free(&st->conf);
}
