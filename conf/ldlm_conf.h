/* SPDX-License-Identifier: MIT */
/*
 * ldlm_conf.h - the one parser of pam_ldlm.conf, shared by pam_ldlm and the
 * ldlm command-line tool (internal, not installed).
 *
 * Syntax (same for the file and for PAM module arguments):
 *   - one setting per line (per argument): `name=value` or a bare `name`
 *     (a flag); blanks around name, `=` and value are ignored in the file;
 *   - `#` starts a comment when it is the first non-blank character;
 *   - blank lines are ignored;
 *   - a value may be double-quoted to keep blanks or a leading `#`;
 *   - later settings override earlier ones, module arguments override the
 *     file (the caller parses the file first, then the arguments).
 * Which names exist is up to the consumer; the parser only checks syntax.
 *
 * Thread-safety: none of these functions keep global state; distinct
 * ldlm_conf objects may be used from distinct threads.
 */
#ifndef LDLM_CONF_H
#define LDLM_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <ldlm.h>

#define LDLM_CONF_DEFAULT_PATH "/etc/security/pam_ldlm.conf"

/* Longest accepted line (file) or argument, in bytes, without newline. */
#define LDLM_CONF_MAX_LINE 4096
/* Largest accepted configuration file, in bytes. */
#define LDLM_CONF_MAX_FILE (1024 * 1024)
/* Largest accepted password file, in bytes. */
#define LDLM_CONF_MAX_PASSWORD_FILE 4096

typedef struct ldlm_conf_entry {
    char *name;
    char *value;        /* NULL for a bare flag */
    const char *origin; /* file path, or "argument" (owned by the conf) */
    unsigned line;      /* line in the file, or argument index (1-based) */
} ldlm_conf_entry;

typedef struct ldlm_conf {
    ldlm_conf_entry *entries;
    size_t count;
    char **origins; /* owned copies of the file paths */
    size_t origins_count;
} ldlm_conf;

/* An empty configuration. */
void ldlm_conf_init(ldlm_conf *conf);
void ldlm_conf_free(ldlm_conf *conf);

/*
 * Appends the settings of `path`. Returns 0, or -1 with a one-line message
 * in err ("/etc/x.conf:12: expected name=value"). A missing file is an error
 * unless missing_ok, then 0 and nothing is appended.
 */
int ldlm_conf_parse_file(ldlm_conf *conf, const char *path, bool missing_ok,
                         char *err, size_t errlen);

/* Appends module-style arguments ("name=value" / "name"). 0 or -1 + err. */
int ldlm_conf_parse_args(ldlm_conf *conf, int argc, const char **argv,
                         char *err, size_t errlen);

/*
 * Appends one setting from another source (the ldlm tool uses it for
 * environment variables and command-line options, so that precedence is
 * simply "later wins"). `value` may be NULL (a flag). `origin` is copied and
 * names the source in error messages ("LDLM_SERVER", "option --server");
 * `line` 0 means "no line number". The name is checked like a parsed one.
 * 0, or -1 + err.
 */
int ldlm_conf_add(ldlm_conf *conf, const char *name, const char *value,
                  const char *origin, unsigned line, char *err, size_t errlen);

/*
 * Writes where an entry comes from, for messages: "FILE:LINE",
 * "argument N", or the origin alone when line is 0.
 */
void ldlm_conf_entry_location(const ldlm_conf_entry *e, char *buf,
                              size_t buflen);

/* Last entry named `name` (the one in force), or NULL. */
const ldlm_conf_entry *ldlm_conf_get(const ldlm_conf *conf, const char *name);

/* Strict number parsing for values: 0, or -1 + err naming the entry. */
int ldlm_conf_int(const ldlm_conf_entry *e, long min, long max, long *out,
                  char *err, size_t errlen);
/* Flags: bare name = true; value yes/no/true/false/1/0/on/off. */
int ldlm_conf_bool(const ldlm_conf_entry *e, bool *out, char *err,
                   size_t errlen);

/* Connection settings: the names shared by pam_ldlm and ldlm(1). */
typedef struct ldlm_conn_settings {
    char *server;        /* server=host:port */
    char *password_file; /* password_file=PATH */
    bool tls;            /* tls */
    char *ca_file;       /* ca_file=PATH */
    char *cert;          /* cert=PATH */
    char *key;           /* key=PATH */
    bool skip_verify;    /* skip_verify */
    int max_retries;     /* max_retries=N (default 0) */
    int timeout_seconds; /* timeout=SECONDS (0 = not set) */
} ldlm_conn_settings;

/* True if `name` is one of the connection settings above. */
bool ldlm_conf_is_connection_setting(const char *name);
/* The name of connection setting `index` (0, 1, ...), NULL past the last:
 * lets tests check that every setting is documented. */
const char *ldlm_conn_setting_name(size_t index);

void ldlm_conn_settings_init(ldlm_conn_settings *s);
void ldlm_conn_settings_free(ldlm_conn_settings *s);

/*
 * Fills *s from the connection entries of conf (the last of each name wins);
 * settings absent from conf keep their current value. On error *s is left
 * unchanged. Ranges: max_retries 0..1000, timeout 0..2147483 seconds; string
 * settings need a non-empty value. 0, or -1 + err.
 */
int ldlm_conn_settings_from_conf(ldlm_conn_settings *s, const ldlm_conf *conf,
                                 char *err, size_t errlen);

/*
 * Reads a password file: the first line, without its newline. Refused (-1 +
 * err) unless the file is a regular file owned by root or by
 * `allowed_owner` (pass (uid_t)0 for "root only") and neither group- nor
 * world-readable/writable. On 0, *out is a string to free (after wiping).
 */
int ldlm_read_password_file(const char *path, uid_t allowed_owner, char **out,
                            char *err, size_t errlen);

/*
 * Fills an ldlm_config from settings; `password` (may be NULL) is borrowed,
 * as are the strings of s: keep both alive while the config is used.
 * *config is reset to the defaults first (so set callbacks, re-acquire and
 * channel arguments AFTER this call); timeout becomes call_timeout_ms.
 */
void ldlm_conn_settings_to_config(const ldlm_conn_settings *s,
                                  const char *password, ldlm_config *config);

#endif /* LDLM_CONF_H */
