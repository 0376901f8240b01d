/* SPDX-License-Identifier: MIT */
/*
 * options.c - reading and validating pam_ldlm's settings (see options.h).
 */
#include "options.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "messages.h"
#include <ldlm_util.h>

/* Bounds of the time settings, in seconds. */
#define PLDLM_MAX_SECONDS 3600L
/* Longest lock_prefix accepted (the server takes any string, but a prefix
 * this long is a mistake). */
#define PLDLM_MAX_PREFIX 256

static bool from_file(const ldlm_conf_entry *e)
{
    return e->origin != NULL && strcmp(e->origin, "argument") != 0;
}

/* Records "<where>: <name>: <message>" on conf through the shared
 * formatter (ldlm_conf_fail); always returns -1. */
static int setting_error(ldlm_conf *conf, const ldlm_conf_entry *e,
                         const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int setting_error(ldlm_conf *conf, const ldlm_conf_entry *e,
                         const char *fmt, ...)
{
    char what[LDLM_CONF_ERROR_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    char name[96];
    ldlmu_printable_into(e->name, name, sizeof(name));
    return ldlm_conf_fail(conf, e, "%s: %s", name, what);
}

/* Strict decimal number in [min, max]; 0 or -1. */
static int parse_number(const char *s, long min, long max, long *out)
{
    return ldlmu_parse_long(s, min, max, out) == LDLMU_NUMBER_OK ? 0 : -1;
}

/* A limit: "unlimited" or a number in [0, PLDLM_MAX_LIMIT]. */
static int parse_limit(const char *s, bool unlimited_ok, long *out)
{
    if (unlimited_ok && s != NULL && strcmp(s, "unlimited") == 0) {
        *out = PLDLM_UNLIMITED;
        return 0;
    }
    return parse_number(s, 0, PLDLM_MAX_LIMIT, out);
}

/* Strips blanks at both ends, in place. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* "@group" or "user" into a target (name copied). 0 or -1. */
static int parse_target(const char *s, pldlm_target *t)
{
    t->is_group = s[0] == '@';
    const char *name = t->is_group ? s + 1 : s;
    if (*name == '\0')
        return -1;
    t->name = strdup(name);
    return t->name != NULL ? 0 : -1;
}

static void free_target(pldlm_target *t)
{
    free(t->name);
    t->name = NULL;
}

/* Grows an array by one element; returns the new element, zeroed. */
static void *push(void **array, size_t *count, size_t size)
{
    void *grown = realloc(*array, (*count + 1) * size);
    if (grown == NULL)
        return NULL;
    *array = grown;
    void *slot = (char *)grown + *count * size;
    memset(slot, 0, size);
    (*count)++;
    return slot;
}

/*
 * Calls handle(item) for each comma-separated item of the entry's value.
 * Items are trimmed; an empty item is an error.
 */
typedef int (*item_fn)(pldlm_options *o, const ldlm_conf_entry *e, char *item,
                       ldlm_conf *conf);

static int for_each_item(pldlm_options *o, const ldlm_conf_entry *e,
                         item_fn handle, ldlm_conf *conf)
{
    char *copy = strdup(e->value);
    if (copy == NULL)
        return setting_error(conf, e, "out of memory");
    int rc = 0;
    char *rest = copy;
    for (;;) {
        char *comma = strchr(rest, ',');
        if (comma != NULL)
            *comma = '\0';
        char *item = trim(rest);
        if (*item == '\0') {
            rc = setting_error(conf, e, "empty item in list \"%s\"", e->value);
            break;
        }
        rc = handle(o, e, item, conf);
        if (rc != 0 || comma == NULL)
            break;
        rest = comma + 1;
    }
    free(copy);
    return rc;
}

/* Splits "TARGET:VALUE" at the last ':'; false if there is none. */
static bool split_pair(char *item, char **target, char **value)
{
    char *colon = strrchr(item, ':');
    if (colon == NULL)
        return false;
    *colon = '\0';
    *target = trim(item);
    *value = trim(colon + 1);
    return true;
}

static int add_limit_rule(pldlm_options *o, const ldlm_conf_entry *e,
                          const char *target, long limit, ldlm_conf *conf)
{
    pldlm_limit_rule *rule =
        push((void **)&o->limits, &o->limit_count, sizeof(*rule));
    if (rule == NULL)
        return setting_error(conf, e, "out of memory");
    rule->limit = limit;
    if (parse_target(target, &rule->target) != 0) {
        o->limit_count--;
        return setting_error(conf, e, "\"%s\" is not a user or @group name",
                             target);
    }
    return 0;
}

static int handle_limit_item(pldlm_options *o, const ldlm_conf_entry *e,
                             char *item, ldlm_conf *conf)
{
    char *target, *value;
    long limit;
    if (!split_pair(item, &target, &value))
        return setting_error(conf, e,
                             "\"%s\" should be USER:N or @GROUP:N (N a number "
                             "or \"unlimited\")",
                             item);
    if (parse_limit(value, true, &limit) != 0)
        return setting_error(conf, e,
                             "\"%s\" is not a limit (a number from 0 to %ld, "
                             "or \"unlimited\")",
                             value, PLDLM_MAX_LIMIT);
    return add_limit_rule(o, e, target, limit, conf);
}

static int handle_unlimited_item(pldlm_options *o, const ldlm_conf_entry *e,
                                 char *item, ldlm_conf *conf)
{
    return add_limit_rule(o, e, item, PLDLM_UNLIMITED, conf);
}

static int handle_pool_item(pldlm_options *o, const ldlm_conf_entry *e,
                            char *item, ldlm_conf *conf)
{
    char *target, *value;
    long size;
    char shown[256];
    snprintf(shown, sizeof(shown), "%s", item); /* split_pair cuts item */
    if (!split_pair(item, &target, &value) || target[0] != '@' ||
        target[1] == '\0')
        return setting_error(conf, e,
                             "\"%s\" should be @GROUP:N (a pool is shared by "
                             "the members of a group)",
                             shown);
    if (parse_limit(value, false, &size) != 0)
        return setting_error(conf, e,
                             "\"%s\" is not a pool size (a number from 0 to "
                             "%ld)",
                             value, PLDLM_MAX_LIMIT);
    pldlm_pool_rule *pool =
        push((void **)&o->pools, &o->pool_count, sizeof(*pool));
    if (pool == NULL || (pool->group = strdup(target + 1)) == NULL)
        return setting_error(conf, e, "out of memory");
    pool->size = size;
    return 0;
}

static int handle_exempt_item(pldlm_options *o, const ldlm_conf_entry *e,
                              char *item, ldlm_conf *conf)
{
    pldlm_target *t = push((void **)&o->exempt, &o->exempt_count, sizeof(*t));
    if (t == NULL)
        return setting_error(conf, e, "out of memory");
    if (parse_target(item, t) != 0) {
        o->exempt_count--;
        return setting_error(conf, e, "\"%s\" is not a user or @group name",
                             item);
    }
    return 0;
}

/* Appends one PAM service name to a list. */
static int push_service(char ***list, size_t *count, const ldlm_conf_entry *e,
                        const char *item, ldlm_conf *conf)
{
    if (strchr(item, '/') != NULL || strpbrk(item, " \t") != NULL)
        return setting_error(conf, e,
                             "\"%s\" is not a PAM service name (the name "
                             "of a file in /etc/pam.d)",
                             item);
    char **slot = push((void **)list, count, sizeof(*slot));
    if (slot == NULL || (*slot = strdup(item)) == NULL)
        return setting_error(conf, e, "out of memory");
    return 0;
}

static int handle_service_item(pldlm_options *o, const ldlm_conf_entry *e,
                               char *item, ldlm_conf *conf)
{
    return push_service(&o->services, &o->service_count, e, item, conf);
}

static int handle_ignored_service_item(pldlm_options *o,
                                       const ldlm_conf_entry *e, char *item,
                                       ldlm_conf *conf)
{
    return push_service(&o->ignored_services, &o->ignored_service_count, e,
                        item, conf);
}

static int set_string(char **slot, const ldlm_conf_entry *e, ldlm_conf *conf)
{
    char *copy = strdup(e->value);
    if (copy == NULL)
        return setting_error(conf, e, "out of memory");
    free(*slot);
    *slot = copy;
    return 0;
}

static int set_template(char **slot, const ldlm_conf_entry *e, ldlm_conf *conf)
{
    const char *bad = pldlm_template_problem(e->value);
    if (bad != NULL && bad[1] == '\0')
        return setting_error(conf, e,
                             "a lone '%%' ends the text (write %%%% for a "
                             "percent sign)");
    if (bad != NULL)
        return setting_error(conf, e,
                             "unknown placeholder '%%%c' (known: %%u user, "
                             "%%l limit, %%g group, %%%% percent sign)",
                             bad[1]);
    return set_string(slot, e, conf);
}

static int set_flag(bool *slot, const ldlm_conf_entry *e, ldlm_conf *conf)
{
    /* The shared parser's message already names the entry and its place. */
    return ldlm_conf_bool(conf, e, slot);
}

/* ---- one function per setting ------------------------------------------- */

typedef int (*apply_fn)(pldlm_options *o, const ldlm_conf_entry *e,
                        ldlm_conf *conf);

static int apply_conf(pldlm_options *o, const ldlm_conf_entry *e,
                      ldlm_conf *conf)
{
    (void)o;
    if (from_file(e))
        return setting_error(conf, e, "only valid as a module argument");
    return 0; /* already used to find the file */
}

static int apply_wait(pldlm_options *o, const ldlm_conf_entry *e,
                      ldlm_conf *conf)
{
    long v;
    if (parse_number(e->value, 0, PLDLM_MAX_SECONDS, &v) != 0)
        return setting_error(conf, e,
                             "\"%s\" is not a number of seconds from 0 to %ld",
                             e->value, PLDLM_MAX_SECONDS);
    o->wait_seconds = (int)v;
    return 0;
}

static int apply_mode(pldlm_options *o, const ldlm_conf_entry *e,
                      ldlm_conf *conf)
{
    if (strcmp(e->value, "agent") == 0)
        o->mode = PLDLM_MODE_AGENT;
    else if (strcmp(e->value, "direct") == 0)
        o->mode = PLDLM_MODE_DIRECT;
    else
        return setting_error(
            conf, e, "\"%s\" is neither \"agent\" nor \"direct\"", e->value);
    return 0;
}

/* An absolute path that fits a Unix socket address. */
static int apply_agent_socket(pldlm_options *o, const ldlm_conf_entry *e,
                              ldlm_conf *conf)
{
    if (e->value[0] != '/')
        return setting_error(conf, e, "\"%s\" is not an absolute path",
                             e->value);
    if (strlen(e->value) > PLDLM_MAX_SOCKET_PATH)
        return setting_error(conf, e,
                             "longer than %d bytes (a Unix socket address)",
                             PLDLM_MAX_SOCKET_PATH);
    return set_string(&o->agent_socket, e, conf);
}

static int apply_on_error(pldlm_options *o, const ldlm_conf_entry *e,
                          ldlm_conf *conf)
{
    if (strcmp(e->value, "allow") == 0)
        o->on_error = PLDLM_ON_ERROR_ALLOW;
    else if (strcmp(e->value, "deny") == 0)
        o->on_error = PLDLM_ON_ERROR_DENY;
    else
        return setting_error(
            conf, e, "\"%s\" is neither \"allow\" nor \"deny\"", e->value);
    return 0;
}

static int apply_max_sessions(pldlm_options *o, const ldlm_conf_entry *e,
                              ldlm_conf *conf)
{
    if (parse_limit(e->value, true, &o->max_sessions) != 0)
        return setting_error(conf, e,
                             "\"%s\" is not a limit (a number from 0 to %ld, "
                             "or \"unlimited\")",
                             e->value, PLDLM_MAX_LIMIT);
    return 0;
}

static int apply_limit(pldlm_options *o, const ldlm_conf_entry *e,
                       ldlm_conf *conf)
{
    return for_each_item(o, e, handle_limit_item, conf);
}

static int apply_unlimited(pldlm_options *o, const ldlm_conf_entry *e,
                           ldlm_conf *conf)
{
    return for_each_item(o, e, handle_unlimited_item, conf);
}

static int apply_pool(pldlm_options *o, const ldlm_conf_entry *e,
                      ldlm_conf *conf)
{
    return for_each_item(o, e, handle_pool_item, conf);
}

static int apply_exempt(pldlm_options *o, const ldlm_conf_entry *e,
                        ldlm_conf *conf)
{
    return for_each_item(o, e, handle_exempt_item, conf);
}

static int apply_services(pldlm_options *o, const ldlm_conf_entry *e,
                          ldlm_conf *conf)
{
    return for_each_item(o, e, handle_service_item, conf);
}

static int apply_ignore_services(pldlm_options *o, const ldlm_conf_entry *e,
                                 ldlm_conf *conf)
{
    return for_each_item(o, e, handle_ignored_service_item, conf);
}

static int apply_insecure_no_password(pldlm_options *o,
                                      const ldlm_conf_entry *e, ldlm_conf *conf)
{
    return set_flag(&o->insecure_no_password, e, conf);
}

static int apply_insecure_skip_verify_with_password(pldlm_options *o,
                                                    const ldlm_conf_entry *e,
                                                    ldlm_conf *conf)
{
    return set_flag(&o->insecure_skip_verify_with_password, e, conf);
}

static int apply_even_deny_root(pldlm_options *o, const ldlm_conf_entry *e,
                                ldlm_conf *conf)
{
    return set_flag(&o->even_deny_root, e, conf);
}

static int apply_debug(pldlm_options *o, const ldlm_conf_entry *e,
                       ldlm_conf *conf)
{
    return set_flag(&o->debug, e, conf);
}

static int apply_lock_prefix(pldlm_options *o, const ldlm_conf_entry *e,
                             ldlm_conf *conf)
{
    size_t len = strlen(e->value);
    if (len > PLDLM_MAX_PREFIX)
        return setting_error(conf, e, "longer than %d bytes", PLDLM_MAX_PREFIX);
    if (!ldlmu_utf8_valid(e->value, len))
        return setting_error(conf, e, "not valid UTF-8 (lock names must be)");
    return set_string(&o->lock_prefix, e, conf);
}

static int apply_deny_message(pldlm_options *o, const ldlm_conf_entry *e,
                              ldlm_conf *conf)
{
    return set_template(&o->deny_message, e, conf);
}

static int apply_pool_deny_message(pldlm_options *o, const ldlm_conf_entry *e,
                                   ldlm_conf *conf)
{
    return set_template(&o->pool_deny_message, e, conf);
}

static int apply_error_message(pldlm_options *o, const ldlm_conf_entry *e,
                               ldlm_conf *conf)
{
    return set_template(&o->error_message, e, conf);
}

/* The settings of pam_ldlm besides the connection ones (conf/connection.c),
 * each named once: whether it is a flag (a bare name allowed) or needs a
 * value, and what applies it. */
static const struct {
    const char *name;
    bool flag;
    apply_fn apply;
} settings[] = {
    {"conf", false, apply_conf},
    {"mode", false, apply_mode},
    {"agent_socket", false, apply_agent_socket},
    {"wait", false, apply_wait},
    {"on_error", false, apply_on_error},
    {"max_sessions", false, apply_max_sessions},
    {"limit", false, apply_limit},
    {"unlimited", false, apply_unlimited},
    {"pool", false, apply_pool},
    {"exempt", false, apply_exempt},
    {"even_deny_root", true, apply_even_deny_root},
    {"services", false, apply_services},
    {"ignore_services", false, apply_ignore_services},
    {"insecure_no_password", true, apply_insecure_no_password},
    {"insecure_skip_verify_with_password", true,
     apply_insecure_skip_verify_with_password},
    {"lock_prefix", false, apply_lock_prefix},
    {"deny_message", false, apply_deny_message},
    {"pool_deny_message", false, apply_pool_deny_message},
    {"error_message", false, apply_error_message},
    {"debug", true, apply_debug},
};
#define SETTING_COUNT (sizeof(settings) / sizeof(settings[0]))

const char *pldlm_setting_name(size_t index)
{
    return index < SETTING_COUNT ? settings[index].name : NULL;
}

/* Applies one non-connection entry. 0, or -1 with the message on conf. */
static int apply_entry(pldlm_options *o, const ldlm_conf_entry *e,
                       ldlm_conf *conf)
{
    for (size_t k = 0; k < SETTING_COUNT; k++) {
        if (strcmp(settings[k].name, e->name) != 0)
            continue;
        if (!settings[k].flag && e->value == NULL)
            return setting_error(conf, e, "needs a value (%s=...)", e->name);
        return settings[k].apply(o, e, conf);
    }
    return setting_error(conf, e, "unknown option");
}

/* Defaults for everything not given. 0 or -1 (out of memory). */
static int fill_defaults(pldlm_options *o, ldlm_conf *conf)
{
    if (o->lock_prefix == NULL)
        o->lock_prefix = strdup(PLDLM_DEFAULT_PREFIX);
    if (o->deny_message == NULL)
        o->deny_message = strdup(PLDLM_DEFAULT_DENY_MESSAGE);
    if (o->pool_deny_message == NULL)
        o->pool_deny_message = strdup(PLDLM_DEFAULT_POOL_DENY_MESSAGE);
    if (o->error_message == NULL)
        o->error_message = strdup(PLDLM_DEFAULT_ERROR_MESSAGE);
    if (o->lock_prefix == NULL || o->deny_message == NULL ||
        o->pool_deny_message == NULL || o->error_message == NULL) {
        return ldlm_conf_fail(conf, NULL, "out of memory");
    }
    return 0;
}

/*
 * The server has one password shared by all its clients and no per-user
 * rights: whoever reaches a server without a password can hold the slots
 * of any user (locking them out everywhere) or release them. Running so is
 * refused unless the configuration says it on purpose, and the password is
 * never sent to a server whose certificate is not checked unless that is
 * said on purpose too.
 */
static int check_security(const pldlm_options *o, ldlm_conf *conf)
{
    const ldlm_conf_entry *pw = ldlm_conf_get(conf, "password_file");
    /* With a password, insecure_no_password has nothing left to allow. */
    if (o->conn.password_file == NULL && !o->insecure_no_password)
        return ldlm_conf_fail(
            conf, NULL,
            "%s: no password_file= is set: refused, since anyone who can "
            "reach a server without a password can take or free any user's "
            "slots; give password_file= (see SECURITY in pam_ldlm.conf(5)), "
            "or insecure_no_password to run without one on purpose",
            o->conf_path != NULL ? o->conf_path : "module arguments");
    if (o->conn.password_file != NULL && o->conn.skip_verify &&
        !o->insecure_skip_verify_with_password) {
        char where[512];
        ldlm_conf_entry_location(pw, where, sizeof(where));
        return setting_error(conf, ldlm_conf_get(conf, "skip_verify"),
                             "with password_file= (%s) the password would go "
                             "to whoever answers at server= without its "
                             "certificate being checked: refused unless "
                             "insecure_skip_verify_with_password is set too; "
                             "better, give ca_file= and drop skip_verify",
                             where);
    }
    return 0;
}

/* Checks between settings, once all are known. */
static int check_consistency(pldlm_options *o, ldlm_conf *conf)
{
    const ldlm_conf_entry *timeout = ldlm_conf_get(conf, "timeout");
    if (timeout != NULL) {
        if (o->conn.timeout_seconds < 1 ||
            o->conn.timeout_seconds > PLDLM_MAX_SECONDS)
            return setting_error(conf, timeout, "must be from 1 to %ld seconds",
                                 PLDLM_MAX_SECONDS);
        o->timeout_seconds = o->conn.timeout_seconds;
        if (o->wait_seconds >= o->timeout_seconds)
            return setting_error(conf, timeout,
                                 "%d seconds leaves no time beyond wait=%d: "
                                 "timeout= bounds the whole login, waiting "
                                 "included, so it must be larger",
                                 o->timeout_seconds, o->wait_seconds);
    } else {
        o->timeout_seconds = o->wait_seconds + PLDLM_DEFAULT_TIMEOUT;
    }
    o->max_retries_set = ldlm_conf_get(conf, "max_retries") != NULL;

    bool has_cert = o->conn.cert != NULL, has_key = o->conn.key != NULL;
    if (has_cert != has_key) {
        return ldlm_conf_fail(conf, NULL,
                              "cert= and key= must be given together (mutual "
                              "TLS needs both the client certificate and its "
                              "key)");
    }
    return check_security(o, conf);
}

int pldlm_options_load(pldlm_options *o, const char *default_path, int argc,
                       const char **argv)
{
    memset(o, 0, sizeof(*o));
    ldlm_conn_settings_init(&o->conn);
    o->max_sessions = PLDLM_UNLIMITED;
    o->on_error = PLDLM_ON_ERROR_ALLOW;

    /* Every step below leaves its message on `all`; it moves to o->error
     * at the end. */
    ldlm_conf args, all;
    ldlm_conf_init(&args);
    ldlm_conf_init(&all);
    int rc = -1;

    /* The arguments first, only to learn conf=. */
    if (ldlm_conf_parse_args(&args, argc, argv) != 0) {
        ldlm_conf_fail(&all, NULL, "module arguments: %s",
                       ldlm_conf_error(&args));
        goto out;
    }
    const ldlm_conf_entry *conf_arg = ldlm_conf_get(&args, "conf");
    if (conf_arg != NULL &&
        (conf_arg->value == NULL || conf_arg->value[0] == '\0')) {
        setting_error(&all, conf_arg, "needs a path (conf=FILE)");
        goto out;
    }
    const char *path = conf_arg != NULL ? conf_arg->value : default_path;
    bool missing_ok = conf_arg == NULL;

    if (path != NULL) {
        /* Owned by root (or by the user the service runs as, for services
         * that are not root) and writable by its owner alone: anyone else
         * could exempt themselves. */
        if (ldlm_conf_parse_protected_file(&all, path, missing_ok, geteuid()) !=
            0)
            goto out;
        if (all.count > 0 || !missing_ok) {
            o->conf_path = strdup(path);
            if (o->conf_path == NULL) {
                ldlm_conf_fail(&all, NULL, "out of memory");
                goto out;
            }
        }
    }
    /* Then the arguments again, after the file: they override it. */
    if (ldlm_conf_parse_args(&all, argc, argv) != 0) {
        ldlm_conf_fail(&all, NULL, "module arguments: %s",
                       ldlm_conf_error(&all));
        goto out;
    }

    for (size_t i = 0; i < all.count; i++) {
        const ldlm_conf_entry *e = &all.entries[i];
        if (ldlm_conf_is_connection_setting(e->name))
            continue;
        if (apply_entry(o, e, &all) != 0)
            goto out;
    }
    if (ldlm_conn_settings_from_conf(&o->conn, &all) != 0 ||
        check_consistency(o, &all) != 0 || fill_defaults(o, &all) != 0)
        goto out;
    rc = 0;

out:
    if (rc != 0) {
        snprintf(o->error, sizeof(o->error), "%s", ldlm_conf_error(&all));
        pldlm_options_free(o);
    }
    ldlm_conf_free(&args);
    ldlm_conf_free(&all);
    return rc;
}

void pldlm_options_free(pldlm_options *o)
{
    free(o->conf_path);
    free(o->agent_socket);
    ldlm_conn_settings_free(&o->conn);
    for (size_t i = 0; i < o->limit_count; i++)
        free_target(&o->limits[i].target);
    free(o->limits);
    for (size_t i = 0; i < o->pool_count; i++)
        free(o->pools[i].group);
    free(o->pools);
    for (size_t i = 0; i < o->exempt_count; i++)
        free_target(&o->exempt[i]);
    free(o->exempt);
    for (size_t i = 0; i < o->service_count; i++)
        free(o->services[i]);
    free(o->services);
    for (size_t i = 0; i < o->ignored_service_count; i++)
        free(o->ignored_services[i]);
    free(o->ignored_services);
    free(o->lock_prefix);
    free(o->deny_message);
    free(o->pool_deny_message);
    free(o->error_message);
    /* The message outlives the settings: the caller logs it after a
     * failed load, which has already freed them. */
    char error[sizeof(o->error)];
    memcpy(error, o->error, sizeof(error));
    memset(o, 0, sizeof(*o));
    memcpy(o->error, error, sizeof(error));
}

static bool in_list(char *const *list, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

bool pldlm_service_counted(const pldlm_options *o, const char *service)
{
    if (service == NULL)
        service = "";
    if (o->service_count > 0 &&
        !in_list(o->services, o->service_count, service))
        return false;
    return !in_list(o->ignored_services, o->ignored_service_count, service);
}

/* Takes the fallback's settings from conf's entries (later ones win);
 * malformed values are passed over. */
static void salvage_entries(pldlm_fallback *f, ldlm_conf *conf,
                            bool take_even_deny_root)
{
    for (size_t i = 0; i < conf->count; i++) {
        const ldlm_conf_entry *e = &conf->entries[i];
        bool flag;
        if (strcmp(e->name, "on_error") == 0 && e->value != NULL) {
            if (strcmp(e->value, "allow") == 0)
                f->on_error = PLDLM_ON_ERROR_ALLOW;
            else if (strcmp(e->value, "deny") == 0)
                f->on_error = PLDLM_ON_ERROR_DENY;
        } else if (strcmp(e->name, "even_deny_root") == 0 &&
                   take_even_deny_root && ldlm_conf_bool(conf, e, &flag) == 0) {
            f->even_deny_root = flag;
        } else if (strcmp(e->name, "debug") == 0 &&
                   ldlm_conf_bool(conf, e, &flag) == 0) {
            f->debug = flag;
        }
    }
}

void pldlm_options_fallback(pldlm_fallback *f, const char *default_path,
                            int argc, const char **argv)
{
    f->even_deny_root = false;
    f->on_error = PLDLM_ON_ERROR_ALLOW;
    f->debug = false;

    /* Each argument alone, so that one malformed argument does not hide
     * the others. */
    ldlm_conf args;
    ldlm_conf_init(&args);
    const char *path = default_path;
    for (int i = 0; i < argc; i++)
        (void)ldlm_conf_parse_args(&args, 1, &argv[i]);
    const ldlm_conf_entry *conf_arg = ldlm_conf_get(&args, "conf");
    if (conf_arg != NULL)
        path = conf_arg->value;

    /* The file only if it is safe: an unsafe file may have been written by
     * anyone. Its even_deny_root is not taken: root must not be locked out
     * by a file that is broken. */
    if (path != NULL && path[0] != '\0') {
        ldlm_conf file;
        ldlm_conf_init(&file);
        if (ldlm_conf_salvage_protected_file(&file, path, geteuid()) == 0)
            salvage_entries(f, &file, false);
        ldlm_conf_free(&file);
    }
    salvage_entries(f, &args, true);
    ldlm_conf_free(&args);
}
