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
 * Errors: every function that can fail returns 0 or -1, and on -1 leaves a
 * one-line message on the ldlm_conf it was given, read with
 * ldlm_conf_error(): "FILE:LINE: what is wrong" when a setting is to blame,
 * or "what is wrong" otherwise. Nothing is printed or logged here: the
 * caller decides where the message goes (syslog for pam_ldlm, stderr for
 * ldlm(1)). The message stays until the next failure or ldlm_conf_free.
 *
 * Thread-safety: none of these functions keep global state; distinct
 * ldlm_conf objects may be used from distinct threads.
 */
#ifndef LDLM_CONF_H
#define LDLM_CONF_H

#include <stdarg.h>
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
/* Longest error message kept on an ldlm_conf, with its terminating NUL. */
#define LDLM_CONF_ERROR_MAX 1024

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
    char error[LDLM_CONF_ERROR_MAX]; /* why the last call failed */
} ldlm_conf;

/* An empty configuration. */
void ldlm_conf_init(ldlm_conf *conf);
/* Frees the entries; conf is empty again (and its message cleared). */
void ldlm_conf_free(ldlm_conf *conf);

/* The message of the last failure on conf ("no error" if none). */
const char *ldlm_conf_error(const ldlm_conf *conf);

/*
 * Records a failure on conf and returns -1: the one formatter of
 * "FILE:LINE: message" errors, for the settings' consumers too, so that
 * every message names its place the same way. With e NULL the message has
 * no location. The arguments may point into conf's own message.
 */
int ldlm_conf_fail(ldlm_conf *conf, const ldlm_conf_entry *e, const char *fmt,
                   ...) __attribute__((format(printf, 3, 4)));
int ldlm_conf_vfail(ldlm_conf *conf, const ldlm_conf_entry *e, const char *fmt,
                    va_list ap) __attribute__((format(printf, 3, 0)));

/*
 * Appends the settings of `path`. 0, or -1 ("/etc/x.conf:12: expected
 * name=value"). A missing file is an error unless missing_ok, then 0 and
 * nothing is appended.
 */
int ldlm_conf_parse_file(ldlm_conf *conf, const char *path, bool missing_ok);

/*
 * Like ldlm_conf_parse_file, for a file that decides policy (pam_ldlm's):
 * refused unless it is owned by root or by `allowed_owner` and writable by
 * its owner alone. The file is opened once and the checks are made on the
 * open descriptor, so they apply to exactly the bytes that are parsed.
 */
int ldlm_conf_parse_protected_file(ldlm_conf *conf, const char *path,
                                   bool missing_ok, uid_t allowed_owner);

/*
 * What can still be read of a protected file whose parse failed, to decide
 * with after a configuration error: the same checks of owner and mode, but
 * lines that do not parse are skipped instead of failing the whole file.
 * 0 if the file was read (the lines that parse are appended), -1 if it is
 * missing, unreadable or unsafe (nothing appended).
 */
int ldlm_conf_salvage_protected_file(ldlm_conf *conf, const char *path,
                                     uid_t allowed_owner);

/* Appends module-style arguments ("name=value" / "name"). 0 or -1. */
int ldlm_conf_parse_args(ldlm_conf *conf, int argc, const char **argv);

/*
 * Appends one setting from another source (the ldlm tool uses it for
 * environment variables and command-line options, so that precedence is
 * simply "later wins"). `value` may be NULL (a flag). `origin` is copied and
 * names the source in error messages ("LDLM_SERVER", "option --server");
 * `line` 0 means "no line number". The name is checked like a parsed one.
 * 0, or -1.
 */
int ldlm_conf_add(ldlm_conf *conf, const char *name, const char *value,
                  const char *origin, unsigned line);

/*
 * Writes where an entry comes from, for messages: "FILE:LINE",
 * "argument N", or the origin alone when line is 0.
 */
void ldlm_conf_entry_location(const ldlm_conf_entry *e, char *buf,
                              size_t buflen);

/* Last entry named `name` (the one in force), or NULL. */
const ldlm_conf_entry *ldlm_conf_get(const ldlm_conf *conf, const char *name);

/* Strict number parsing of e's value (e belongs to conf, whose message
 * names the entry on failure): 0, or -1. */
int ldlm_conf_int(ldlm_conf *conf, const ldlm_conf_entry *e, long min, long max,
                  long *out);
/* Flags: bare name = true; value yes/no/true/false/1/0/on/off. 0 or -1. */
int ldlm_conf_bool(ldlm_conf *conf, const ldlm_conf_entry *e, bool *out);

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

/* How each connection setting is spelt by each of its sources: the one
 * table of these names, from which ldlm(1) builds its options and reads its
 * environment, and which the tests compare with the manual pages. */
typedef struct ldlm_conn_setting_names {
    const char *name;     /* in the file and module arguments: "ca_file" */
    const char *option;   /* ldlm(1)'s long option: "ca-file" */
    const char *variable; /* ldlm(1)'s environment variable: "LDLM_CA_FILE" */
    bool is_flag;         /* may be given bare ("tls"); else needs a value */
} ldlm_conn_setting_names;

/* True if `name` is one of the connection settings above. */
bool ldlm_conf_is_connection_setting(const char *name);
/* Connection setting `index` (0, 1, ...), NULL past the last. */
const ldlm_conn_setting_names *ldlm_conn_setting(size_t index);

void ldlm_conn_settings_init(ldlm_conn_settings *s);
void ldlm_conn_settings_free(ldlm_conn_settings *s);

/*
 * Fills *s from the connection entries of conf (the last of each name wins);
 * settings absent from conf keep their current value. On error *s is left
 * unchanged. Ranges: max_retries 0..1000, timeout 0..2147483 seconds; string
 * settings need a non-empty value. 0, or -1 with the message on conf.
 */
int ldlm_conn_settings_from_conf(ldlm_conn_settings *s, ldlm_conf *conf);

/*
 * Opens a file that must stay private (a password file, a TLS private key)
 * and checks it on the open descriptor: a regular file, not a symbolic link,
 * owned by root or by `allowed_owner` (pass (uid_t)0 for "root only"), with
 * no permission for group or others. `what` names the file in messages
 * ("TLS key file"). Returns the descriptor (O_CLOEXEC; the caller closes
 * it), or -1 with the reason on conf.
 */
int ldlm_conf_open_private_file(ldlm_conf *conf, const char *what,
                                const char *path, uid_t allowed_owner);

/*
 * Reads a password file (usually conf's password_file=): the first line,
 * without its newline. Refused (-1, the reason on conf) unless the file is a
 * regular file owned by root or by `allowed_owner` (pass (uid_t)0 for "root
 * only") and neither group- nor world-readable/writable. On 0, *out is a
 * string to free (after wiping).
 */
int ldlm_conf_read_password_file(ldlm_conf *conf, const char *path,
                                 uid_t allowed_owner, char **out);

/*
 * Fills an ldlm_config from settings; `password` (may be NULL) is borrowed,
 * as are the strings of s: keep both alive while the config is used.
 * *config is reset to the defaults first (so set callbacks, re-acquire and
 * channel arguments AFTER this call); timeout becomes call_timeout_ms.
 */
void ldlm_conn_settings_to_config(const ldlm_conn_settings *s,
                                  const char *password, ldlm_config *config);

#endif /* LDLM_CONF_H */
