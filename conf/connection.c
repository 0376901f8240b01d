/* SPDX-License-Identifier: MIT */
/*
 * connection.c - the connection settings shared by pam_ldlm and ldlm(1):
 * which names they are, how they are validated, and how they map onto the
 * library's ldlm_config.
 */
#include <stdlib.h>
#include <string.h>

#include "conf_internal.h"

/* Bounds of the numeric settings (see ldlm_conf.h). */
#define MAX_RETRIES_LIMIT 1000L
/* call_timeout_ms is an int: seconds * 1000 must fit. */
#define TIMEOUT_LIMIT 2147483L

static const char *const connection_names[] = {
    "server", "password_file", "tls",         "ca_file", "cert",
    "key",    "skip_verify",   "max_retries", "timeout",
};

bool ldlm_conf_is_connection_setting(const char *name)
{
    if (name == NULL)
        return false;
    for (size_t i = 0; i < sizeof connection_names / sizeof *connection_names;
         i++)
        if (strcmp(name, connection_names[i]) == 0)
            return true;
    return false;
}

void ldlm_conn_settings_init(ldlm_conn_settings *s)
{
    memset(s, 0, sizeof *s);
}

void ldlm_conn_settings_free(ldlm_conn_settings *s)
{
    if (s == NULL)
        return;
    free(s->server);
    free(s->password_file);
    free(s->ca_file);
    free(s->cert);
    free(s->key);
    ldlm_conn_settings_init(s);
}

/* Deep copy, so that a failed update can leave the original untouched. */
static int copy_settings(ldlm_conn_settings *dst,
                         const ldlm_conn_settings *src)
{
    *dst = *src;
    dst->server = NULL;
    dst->password_file = NULL;
    dst->ca_file = NULL;
    dst->cert = NULL;
    dst->key = NULL;
    struct {
        char **to;
        const char *from;
    } strings[] = {
        {&dst->server, src->server}, {&dst->password_file, src->password_file},
        {&dst->ca_file, src->ca_file}, {&dst->cert, src->cert},
        {&dst->key, src->key},
    };
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++) {
        if (strings[i].from == NULL)
            continue;
        if ((*strings[i].to = strdup(strings[i].from)) == NULL) {
            ldlm_conn_settings_free(dst);
            return -1;
        }
    }
    return 0;
}

/* A string setting: present means a non-empty value is required. */
static int take_string(const ldlm_conf *conf, const char *name, char **field,
                       const char *what, char *err, size_t errlen)
{
    const ldlm_conf_entry *e = ldlm_conf_get(conf, name);
    if (e == NULL)
        return 0;
    if (e->value == NULL || e->value[0] == '\0') {
        conf_entry_error(e, err, errlen, "%s needs a value (%s=%s)", name,
                         name, what);
        return -1;
    }
    char *copy = strdup(e->value);
    if (copy == NULL) {
        conf_entry_error(e, err, errlen, "out of memory");
        return -1;
    }
    free(*field);
    *field = copy;
    return 0;
}

static int take_bool(const ldlm_conf *conf, const char *name, bool *field,
                     char *err, size_t errlen)
{
    const ldlm_conf_entry *e = ldlm_conf_get(conf, name);
    return e == NULL ? 0 : ldlm_conf_bool(e, field, err, errlen);
}

static int take_int(const ldlm_conf *conf, const char *name, long max,
                    int *field, char *err, size_t errlen)
{
    const ldlm_conf_entry *e = ldlm_conf_get(conf, name);
    if (e == NULL)
        return 0;
    long v;
    if (ldlm_conf_int(e, 0, max, &v, err, errlen) < 0)
        return -1;
    *field = (int)v;
    return 0;
}

int ldlm_conn_settings_from_conf(ldlm_conn_settings *s, const ldlm_conf *conf,
                                 char *err, size_t errlen)
{
    if (s == NULL || conf == NULL) {
        conf_set_error(err, errlen, "invalid arguments");
        return -1;
    }
    ldlm_conn_settings next;
    if (copy_settings(&next, s) < 0) {
        conf_set_error(err, errlen, "out of memory");
        return -1;
    }
    if (take_string(conf, "server", &next.server, "HOST:PORT", err,
                    errlen) < 0 ||
        take_string(conf, "password_file", &next.password_file, "PATH", err,
                    errlen) < 0 ||
        take_string(conf, "ca_file", &next.ca_file, "PATH", err, errlen) < 0 ||
        take_string(conf, "cert", &next.cert, "PATH", err, errlen) < 0 ||
        take_string(conf, "key", &next.key, "PATH", err, errlen) < 0 ||
        take_bool(conf, "tls", &next.tls, err, errlen) < 0 ||
        take_bool(conf, "skip_verify", &next.skip_verify, err, errlen) < 0 ||
        take_int(conf, "max_retries", MAX_RETRIES_LIMIT, &next.max_retries,
                 err, errlen) < 0 ||
        take_int(conf, "timeout", TIMEOUT_LIMIT, &next.timeout_seconds, err,
                 errlen) < 0) {
        ldlm_conn_settings_free(&next);
        return -1;
    }
    ldlm_conn_settings_free(s);
    *s = next;
    return 0;
}

void ldlm_conn_settings_to_config(const ldlm_conn_settings *s,
                                  const char *password, ldlm_config *config)
{
    /* The same as ldlm_config_init(), from the header alone: this
     * convenience library does not link with libldlm. */
    *config = LDLM_CONFIG();
    config->address = s->server;
    config->password = password;
    config->use_tls = s->tls;
    config->skip_verify = s->skip_verify;
    config->ca_file = s->ca_file;
    config->tls_cert = s->cert;
    config->tls_key = s->key;
    config->max_retries = s->max_retries;
    config->call_timeout_ms = s->timeout_seconds * 1000;
}
