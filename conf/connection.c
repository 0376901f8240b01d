/* SPDX-License-Identifier: MIT */
/*
 * connection.c - the connection settings shared by pam_ldlm and ldlm(1):
 * which names they are, how they are validated, and how they map onto the
 * library's ldlm_config.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_internal.h"

#include <ldlm_util.h>

/* Bounds of the numeric settings (see ldlm_conf.h). */
#define MAX_RETRIES_LIMIT 1000L
/* call_timeout_ms is an int: seconds * 1000 must fit. */
#define TIMEOUT_LIMIT 2147483L

/*
 * Target schemes of gRPC. gRPC reads an address that starts with one of
 * these and a ':' as a target URI ("unix:/run/x.sock", "dns:host:3144"):
 * the module would then dial something other than a TCP server, e.g. a
 * local socket that any user could create. Only HOST:PORT and
 * [IPV6]:PORT are accepted, and these names are called out when seen.
 */
static const char *const grpc_schemes[] = {
    "unix", "unix-abstract", "dns",  "ipv4",  "ipv6", "vsock",
    "xds",  "google-c2p",    "http", "https", "grpc", "passthrough",
};

static bool is_host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

static bool is_ipv6_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

/* 1 to 65535, plain digits. */
static bool valid_port(const char *port)
{
    long v;
    return port[0] >= '0' && port[0] <= '9' &&
           ldlmu_parse_long(port, 1, 65535, &v) == LDLMU_NUMBER_OK;
}

/* Checks server=: HOST:PORT or [IPV6]:PORT, nothing else. 0 or -1. */
static int check_server(ldlm_conf *conf, const ldlm_conf_entry *e)
{
    const char *v = e->value;
    char shown[CONF_QUOTED_MAX];
    ldlmu_printable_into(v, shown, sizeof shown);
    const char *colon = strchr(v, ':');
    if (colon != NULL) {
        size_t n = (size_t)(colon - v);
        for (size_t i = 0; i < sizeof grpc_schemes / sizeof *grpc_schemes;
             i++) {
            if (strlen(grpc_schemes[i]) == n &&
                strncasecmp(v, grpc_schemes[i], n) == 0)
                return ldlm_conf_fail(
                    conf, e,
                    "server=%s: gRPC target URIs (here \"%.*s:\") are not "
                    "accepted; give HOST:PORT or [IPV6-ADDRESS]:PORT of a "
                    "TCP server",
                    shown, (int)n, v);
        }
    }
    if (strstr(v, "://") != NULL)
        return ldlm_conf_fail(conf, e,
                              "server=%s: URLs are not accepted; give "
                              "HOST:PORT or [IPV6-ADDRESS]:PORT",
                              shown);
    const char *port;
    if (v[0] == '[') {
        const char *close = strchr(v, ']');
        if (close == NULL || close == v + 1 || close[1] != ':')
            return ldlm_conf_fail(
                conf, e, "server=%s: expected [IPV6-ADDRESS]:PORT", shown);
        for (const char *p = v + 1; p < close; p++)
            if (!is_ipv6_char(*p))
                return ldlm_conf_fail(conf, e,
                                      "server=%s: \"%.*s\" is not an IPv6 "
                                      "address",
                                      shown, (int)(close - v - 1), v + 1);
        port = close + 2;
    } else {
        if (colon == NULL)
            return ldlm_conf_fail(conf, e,
                                  "server=%s: the port is missing "
                                  "(HOST:PORT, e.g. %s:3144)",
                                  shown, shown);
        if (strchr(colon + 1, ':') != NULL)
            return ldlm_conf_fail(conf, e,
                                  "server=%s: write an IPv6 address in "
                                  "brackets, [IPV6-ADDRESS]:PORT",
                                  shown);
        if (colon == v)
            return ldlm_conf_fail(conf, e, "server=%s: the host is missing",
                                  shown);
        for (const char *p = v; p < colon; p++)
            if (!is_host_char(*p))
                return ldlm_conf_fail(conf, e,
                                      "server=%s: a host name has only "
                                      "letters, digits, '.', '-' and '_'",
                                      shown);
        port = colon + 1;
    }
    if (!valid_port(port))
        return ldlm_conf_fail(conf, e,
                              "server=%s: the port must be a number from 1 "
                              "to 65535",
                              shown);
    return 0;
}

/* The connection settings, each named once: its kind, where it goes in
 * ldlm_conn_settings, and how it is shown in messages or bounded. */
typedef enum { SETTING_STRING, SETTING_BOOL, SETTING_INT } setting_kind;

static const struct {
    ldlm_conn_setting_names names;
    setting_kind kind;
    size_t offset;           /* of the field in ldlm_conn_settings */
    const char *placeholder; /* SETTING_STRING: "name=PLACEHOLDER" */
    long max;                /* SETTING_INT: 0..max */
    /* SETTING_STRING: further checks of the value, NULL if none. */
    int (*check)(ldlm_conf *conf, const ldlm_conf_entry *e);
} settings[] = {
    {{"server", "server", "LDLM_SERVER", false},
     SETTING_STRING,
     offsetof(ldlm_conn_settings, server),
     "HOST:PORT",
     0,
     check_server},
    {{"password_file", "password-file", "LDLM_PASSWORD_FILE", false},
     SETTING_STRING,
     offsetof(ldlm_conn_settings, password_file),
     "PATH",
     0,
     NULL},
    {{"tls", "tls", "LDLM_TLS", true},
     SETTING_BOOL,
     offsetof(ldlm_conn_settings, tls),
     NULL,
     0,
     NULL},
    {{"ca_file", "ca-file", "LDLM_CA_FILE", false},
     SETTING_STRING,
     offsetof(ldlm_conn_settings, ca_file),
     "PATH",
     0,
     NULL},
    {{"cert", "cert", "LDLM_CERT", false},
     SETTING_STRING,
     offsetof(ldlm_conn_settings, cert),
     "PATH",
     0,
     NULL},
    {{"key", "key", "LDLM_KEY", false},
     SETTING_STRING,
     offsetof(ldlm_conn_settings, key),
     "PATH",
     0,
     NULL},
    {{"skip_verify", "skip-verify", "LDLM_SKIP_VERIFY", true},
     SETTING_BOOL,
     offsetof(ldlm_conn_settings, skip_verify),
     NULL,
     0,
     NULL},
    {{"max_retries", "max-retries", "LDLM_MAX_RETRIES", false},
     SETTING_INT,
     offsetof(ldlm_conn_settings, max_retries),
     NULL,
     MAX_RETRIES_LIMIT,
     NULL},
    {{"timeout", "timeout", "LDLM_TIMEOUT", false},
     SETTING_INT,
     offsetof(ldlm_conn_settings, timeout_seconds),
     NULL,
     TIMEOUT_LIMIT,
     NULL},
};
#define SETTING_COUNT (sizeof settings / sizeof settings[0])

const ldlm_conn_setting_names *ldlm_conn_setting(size_t index)
{
    return index < SETTING_COUNT ? &settings[index].names : NULL;
}

bool ldlm_conf_is_connection_setting(const char *name)
{
    if (name == NULL)
        return false;
    for (size_t i = 0; i < SETTING_COUNT; i++)
        if (strcmp(name, settings[i].names.name) == 0)
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
    for (size_t i = 0; i < SETTING_COUNT; i++)
        if (settings[i].kind == SETTING_STRING)
            free(*(char **)((char *)s + settings[i].offset));
    ldlm_conn_settings_init(s);
}

/* Deep copy, so that a failed update can leave the original untouched. */
static int copy_settings(ldlm_conn_settings *dst, const ldlm_conn_settings *src)
{
    *dst = *src;
    for (size_t i = 0; i < SETTING_COUNT; i++)
        if (settings[i].kind == SETTING_STRING)
            *(char **)((char *)dst + settings[i].offset) = NULL;
    for (size_t i = 0; i < SETTING_COUNT; i++) {
        if (settings[i].kind != SETTING_STRING)
            continue;
        const char *from =
            *(char *const *)((const char *)src + settings[i].offset);
        char **to = (char **)((char *)dst + settings[i].offset);
        if (from != NULL && (*to = strdup(from)) == NULL) {
            ldlm_conn_settings_free(dst);
            return -1;
        }
    }
    return 0;
}

/* Applies the entry of setting i, if conf has one, to *s. */
static int take_setting(size_t i, ldlm_conf *conf, ldlm_conn_settings *s)
{
    const char *name = settings[i].names.name;
    const ldlm_conf_entry *e = ldlm_conf_get(conf, name);
    if (e == NULL)
        return 0;
    void *field = (char *)s + settings[i].offset;
    switch (settings[i].kind) {
    case SETTING_STRING: {
        /* Present means a non-empty value is required. */
        if (e->value == NULL || e->value[0] == '\0') {
            ldlm_conf_fail(conf, e, "%s needs a value (%s=%s)", name, name,
                           settings[i].placeholder);
            return -1;
        }
        if (settings[i].check != NULL && settings[i].check(conf, e) != 0)
            return -1;
        char *copy = strdup(e->value);
        if (copy == NULL) {
            ldlm_conf_fail(conf, e, "out of memory");
            return -1;
        }
        free(*(char **)field);
        *(char **)field = copy;
        return 0;
    }
    case SETTING_BOOL:
        return ldlm_conf_bool(conf, e, (bool *)field);
    case SETTING_INT:
    default: {
        long v;
        if (ldlm_conf_int(conf, e, 0, settings[i].max, &v) < 0)
            return -1;
        *(int *)field = (int)v;
        return 0;
    }
    }
}

int ldlm_conn_settings_from_conf(ldlm_conn_settings *s, ldlm_conf *conf)
{
    if (s == NULL || conf == NULL) {
        ldlm_conf_fail(conf, NULL, "invalid arguments");
        return -1;
    }
    ldlm_conn_settings next;
    if (copy_settings(&next, s) < 0) {
        ldlm_conf_fail(conf, NULL, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < SETTING_COUNT; i++) {
        if (take_setting(i, conf, &next) < 0) {
            ldlm_conn_settings_free(&next);
            return -1;
        }
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
