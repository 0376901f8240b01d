/* SPDX-License-Identifier: MIT */
/*
 * options.h - pam_ldlm's settings: the config file, then module arguments.
 *
 * Everything is read with the shared parser (conf/ldlm_conf.h), so the file
 * and the module line have one syntax, and validated completely before any
 * decision is made: an unknown name or a malformed value is an error that
 * names the setting and where it came from, never a guess.
 */
#ifndef PAM_LDLM_OPTIONS_H
#define PAM_LDLM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include <ldlm_conf.h>

/* A limit value meaning "no limit". Finite limits are >= 0. */
#define PLDLM_UNLIMITED (-1L)
/* Largest finite limit or pool size accepted. */
#define PLDLM_MAX_LIMIT 1000000L
/* Default of timeout= when neither it nor wait= is given. */
#define PLDLM_DEFAULT_TIMEOUT 5
/* Default lock name prefix. */
#define PLDLM_DEFAULT_PREFIX "pam_ldlm/"

/* A user name, or a group name when is_group (written "@name"). */
typedef struct pldlm_target {
    char *name;
    bool is_group;
} pldlm_target;

/* limit=TARGET:N, limit=TARGET:unlimited, unlimited=TARGET. */
typedef struct pldlm_limit_rule {
    pldlm_target target;
    long limit; /* >= 0, or PLDLM_UNLIMITED */
} pldlm_limit_rule;

/* pool=@GROUP:N: all members of GROUP share N sessions. */
typedef struct pldlm_pool_rule {
    char *group;
    long size; /* >= 0 */
} pldlm_pool_rule;

typedef enum pldlm_on_error {
    PLDLM_ON_ERROR_ALLOW = 0,
    PLDLM_ON_ERROR_DENY = 1
} pldlm_on_error;

/* mode=: how slots are taken. */
typedef enum pldlm_mode {
    /* Through ldlmd, the host's daemon (agent_socket=): the module loads
     * neither gRPC nor libldlm. The default. */
    PLDLM_MODE_AGENT = 0,
    /* In the login's own process, through the slots backend (gRPC), with
     * the connection settings of the file and the arguments. */
    PLDLM_MODE_DIRECT = 1
} pldlm_mode;

/* Longest agent_socket= path: a Unix socket address holds 107 bytes. */
#define PLDLM_MAX_SOCKET_PATH 107

typedef struct pldlm_options {
    char *conf_path;         /* the file that was read, NULL if none */
    pldlm_mode mode;         /* mode= */
    char *agent_socket;      /* agent_socket=; NULL: ldlmd's default */
    ldlm_conn_settings conn; /* server=, password_file=, tls, ... */
    bool max_retries_set;    /* max_retries= was given explicitly */
    int timeout_seconds;     /* bound on a login's time on the server */
    int wait_seconds;        /* wait this long for a free slot; 0 = no */
    pldlm_on_error on_error;
    long max_sessions;        /* default per-user limit, or unlimited */
    pldlm_limit_rule *limits; /* in the order given: later ones win */
    size_t limit_count;
    pldlm_pool_rule *pools;
    size_t pool_count;
    pldlm_target *exempt;
    size_t exempt_count;
    bool even_deny_root;
    /* services=: only these PAM services count (none given: all do);
     * ignore_services=: these never count. */
    char **services;
    size_t service_count;
    char **ignored_services;
    size_t ignored_service_count;
    /* Explicit choices that weaken the protection of the limits. */
    bool insecure_no_password;
    bool insecure_skip_verify_with_password;
    char *lock_prefix;
    char *deny_message; /* templates, see messages.h */
    char *pool_deny_message;
    char *error_message;
    bool debug;
    /* Why pldlm_options_load failed: "FILE:LINE: name: reason" when a
     * setting is to blame. Kept by pldlm_options_free. */
    char error[LDLM_CONF_ERROR_MAX];
} pldlm_options;

/*
 * Reads the config file (conf= among the arguments, else `default_path`,
 * which may be missing) and then the module arguments. Returns 0, or -1 with
 * a one-line explanation in o->error. On -1 *o needs no freeing.
 */
int pldlm_options_load(pldlm_options *o, const char *default_path, int argc,
                       const char **argv);

void pldlm_options_free(pldlm_options *o);

/* True if logins of PAM service `service` count against the limits
 * (services= and ignore_services=). */
bool pldlm_service_counted(const pldlm_options *o, const char *service);

/*
 * What is left to decide with when pldlm_options_load failed: a broken
 * configuration must neither lock root out nor let everybody in unless the
 * administrator chose so. Read leniently, each from the most trustworthy
 * source that states it.
 */
typedef struct pldlm_fallback {
    /* even_deny_root among the module arguments (never from the file: a
     * broken or unsafe file must not lock root out). */
    bool even_deny_root;
    /* on_error= of the module arguments, else of the file when it could be
     * read and is safe, else the default (allow). */
    pldlm_on_error on_error;
    bool debug;
} pldlm_fallback;

void pldlm_options_fallback(pldlm_fallback *f, const char *default_path,
                            int argc, const char **argv);

/* The name of pam_ldlm's own setting `index` (0, 1, ...; the connection
 * settings are conf/'s), NULL past the last: lets tests check that every
 * setting is documented. */
const char *pldlm_setting_name(size_t index);

#endif /* PAM_LDLM_OPTIONS_H */
