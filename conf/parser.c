/* SPDX-License-Identifier: MIT */
/*
 * parser.c - reads settings from a configuration file or from PAM-style
 * module arguments into an ldlm_conf. Syntax in ldlm_conf.h.
 *
 * A file is read whole (bounded by LDLM_CONF_MAX_FILE) rather than with
 * stdio so that NUL bytes and overlong lines are seen and refused instead of
 * silently cutting a line in two.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_internal.h"

#include <ldlm_util.h>

void ldlm_conf_init(ldlm_conf *conf)
{
    conf->entries = NULL;
    conf->count = 0;
    conf->origins = NULL;
    conf->origins_count = 0;
    conf->error[0] = '\0';
}

static void free_entry(ldlm_conf_entry *e)
{
    free(e->name);
    free(e->value);
    e->name = NULL;
    e->value = NULL;
}

void ldlm_conf_free(ldlm_conf *conf)
{
    if (conf == NULL)
        return;
    for (size_t i = 0; i < conf->count; i++)
        free_entry(&conf->entries[i]);
    free(conf->entries);
    for (size_t i = 0; i < conf->origins_count; i++)
        free(conf->origins[i]);
    free(conf->origins);
    ldlm_conf_init(conf);
}

/* Drops entries appended after `count`, so a failed parse adds nothing. */
static void truncate_entries(ldlm_conf *conf, size_t count)
{
    while (conf->count > count)
        free_entry(&conf->entries[--conf->count]);
}

/* The conf's own copy of an origin string (shared by its entries). */
static const char *intern_origin(ldlm_conf *conf, const char *origin)
{
    for (size_t i = 0; i < conf->origins_count; i++)
        if (strcmp(conf->origins[i], origin) == 0)
            return conf->origins[i];
    char **grown =
        realloc(conf->origins, (conf->origins_count + 1) * sizeof *grown);
    if (grown == NULL)
        return NULL;
    conf->origins = grown;
    char *copy = strdup(origin);
    if (copy == NULL)
        return NULL;
    conf->origins[conf->origins_count++] = copy;
    return copy;
}

/* Takes ownership of name and value (freed on failure). */
static int append_entry(ldlm_conf *conf, char *name, char *value,
                        const char *origin, unsigned line)
{
    ldlm_conf_entry *grown =
        realloc(conf->entries, (conf->count + 1) * sizeof *grown);
    if (grown == NULL) {
        free(name);
        free(value);
        return -1;
    }
    conf->entries = grown;
    conf->entries[conf->count++] = (ldlm_conf_entry){
        .name = name, .value = value, .origin = origin, .line = line};
    return 0;
}

static bool is_blank(char c)
{
    /* '\r' counts as a blank so that files with CRLF line ends work. */
    return c == ' ' || c == '\t' || c == '\r';
}

static bool is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

/* Where a setting being parsed comes from, for messages. */
typedef struct source {
    const char *origin; /* file path or "argument" */
    unsigned line;
    bool is_file;
} source;

/* Reports an error at the setting being parsed. */
#define PARSE_ERROR(conf, src, ...)                                            \
    ldlm_conf_fail(                                                            \
        (conf),                                                                \
        &(ldlm_conf_entry){.origin = (src)->origin, .line = (src)->line},      \
        __VA_ARGS__)

/* Checks a setting name: non-empty, no blanks, quotes or control bytes. */
static int check_name(ldlm_conf *conf, const char *name, size_t len,
                      const source *src)
{
    if (len == 0) {
        PARSE_ERROR(conf, src, "empty name before '='");
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (is_blank((char)c) || c == '"' || is_control(c)) {
            char shown[CONF_QUOTED_MAX];
            char *copy = strndup(name, len);
            ldlmu_printable_into(copy != NULL ? copy : "", shown, sizeof shown);
            free(copy);
            PARSE_ERROR(conf, src,
                        "expected name=value, got \"%s\" (a name cannot "
                        "hold blanks, quotes or control characters)",
                        shown);
            return -1;
        }
    }
    if (name[0] == '#') {
        PARSE_ERROR(conf, src, "a name cannot start with '#'");
        return -1;
    }
    return 0;
}

/*
 * Decodes a double-quoted value starting at text[0] == '"'. Only \" and \\
 * are escapes; anything but blanks after the closing quote is an error.
 */
static char *parse_quoted(ldlm_conf *conf, const char *text, size_t len,
                          const source *src)
{
    char *out = malloc(len);
    if (out == NULL) {
        PARSE_ERROR(conf, src, "out of memory");
        return NULL;
    }
    size_t o = 0;
    size_t i = 1;
    for (;;) {
        if (i >= len) {
            PARSE_ERROR(conf, src, "missing closing '\"'");
            free(out);
            return NULL;
        }
        char c = text[i++];
        if (c == '"')
            break;
        if (c == '\\') {
            if (i < len && (text[i] == '"' || text[i] == '\\')) {
                out[o++] = text[i++];
                continue;
            }
            PARSE_ERROR(conf, src,
                        "unsupported escape in quoted value (only \\\" and "
                        "\\\\ are escapes)");
            free(out);
            return NULL;
        }
        out[o++] = c;
    }
    for (; i < len; i++) {
        if (!is_blank(text[i])) {
            PARSE_ERROR(conf, src, "unexpected text after the closing '\"'");
            free(out);
            return NULL;
        }
    }
    out[o] = '\0';
    return out;
}

/*
 * Parses one line of a file or one module argument (`text`, `len` bytes,
 * no newline) and appends the setting, if any.
 */
static int parse_setting(ldlm_conf *conf, const char *origin_copy,
                         const source *src, const char *text, size_t len)
{
    if (memchr(text, '\0', len) != NULL) {
        PARSE_ERROR(conf, src, "NUL byte in %s",
                    src->is_file ? "line" : "argument");
        return -1;
    }
    if (len > LDLM_CONF_MAX_LINE) {
        PARSE_ERROR(conf, src, "%s too long (more than %d bytes)",
                    src->is_file ? "line" : "argument", LDLM_CONF_MAX_LINE);
        return -1;
    }
    while (len > 0 && is_blank(text[0])) {
        text++;
        len--;
    }
    while (len > 0 && is_blank(text[len - 1]))
        len--;
    if (len == 0 || text[0] == '#') {
        if (src->is_file)
            return 0; /* blank line or comment */
        PARSE_ERROR(conf, src,
                    len == 0 ? "empty argument" : "expected name=value");
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        if (is_control((unsigned char)text[i]) && text[i] != '\t') {
            PARSE_ERROR(conf, src, "control character (byte 0x%02x)",
                        (unsigned)(unsigned char)text[i]);
            return -1;
        }
    }

    const char *eq = memchr(text, '=', len);
    size_t name_len = eq != NULL ? (size_t)(eq - text) : len;
    while (name_len > 0 && is_blank(text[name_len - 1]))
        name_len--;
    if (check_name(conf, text, name_len, src) < 0)
        return -1;

    char *value = NULL;
    if (eq != NULL) {
        const char *v = eq + 1;
        size_t vlen = len - (size_t)(v - text);
        while (vlen > 0 && is_blank(v[0])) {
            v++;
            vlen--;
        }
        if (vlen > 0 && v[0] == '"')
            value = parse_quoted(conf, v, vlen, src);
        else if ((value = strndup(v, vlen)) == NULL)
            PARSE_ERROR(conf, src, "out of memory");
        if (value == NULL)
            return -1;
    }
    char *name = strndup(text, name_len);
    if (name == NULL) {
        free(value);
        PARSE_ERROR(conf, src, "out of memory");
        return -1;
    }
    if (append_entry(conf, name, value, origin_copy, src->line) < 0) {
        PARSE_ERROR(conf, src, "out of memory");
        return -1;
    }
    return 0;
}

/* Who may have written a file that is parsed. */
typedef struct file_policy {
    bool protected_file; /* check owner and mode on the descriptor */
    uid_t allowed_owner; /* besides root */
    bool skip_bad_lines; /* salvage: keep the lines that parse */
} file_policy;

/*
 * A policy file must be owned by root (or the allowed owner, the user a
 * service runs as) and writable by its owner alone: whoever can change it
 * decides who is limited. Checked on the descriptor that is then read.
 */
static int check_protected(ldlm_conf *conf, const char *path,
                           const struct stat *st, uid_t allowed_owner)
{
    if (st->st_uid != 0 && st->st_uid != allowed_owner) {
        ldlm_conf_fail(conf, NULL,
                       "%s: refused: owned by uid %ld, not by root; it "
                       "decides who is limited, so only root may change it",
                       path, (long)st->st_uid);
        return -1;
    }
    if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        ldlm_conf_fail(conf, NULL,
                       "%s: refused: writable by group or others (mode "
                       "%04o); it decides who is limited, so only its owner "
                       "may change it",
                       path, (unsigned)(st->st_mode & 07777));
        return -1;
    }
    return 0;
}

/* Reads the whole file into a NUL-terminated buffer; bounded in size. */
static char *read_whole_file(ldlm_conf *conf, const char *path, bool missing_ok,
                             const file_policy *policy, bool *missing,
                             size_t *size_out)
{
    *missing = false;
    /* O_NONBLOCK: never hang on a FIFO before fstat says what it is. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT && missing_ok) {
            *missing = true;
            return NULL;
        }
        ldlm_conf_fail(conf, NULL, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        ldlm_conf_fail(conf, NULL, "%s: %s", path, strerror(errno));
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        ldlm_conf_fail(conf, NULL, "%s: not a regular file", path);
        close(fd);
        return NULL;
    }
    if (policy->protected_file &&
        check_protected(conf, path, &st, policy->allowed_owner) != 0) {
        close(fd);
        return NULL;
    }
    char *buf = malloc(LDLM_CONF_MAX_FILE + 2);
    if (buf == NULL) {
        ldlm_conf_fail(conf, NULL, "%s: out of memory", path);
        close(fd);
        return NULL;
    }
    size_t size = 0;
    for (;;) {
        ssize_t n = read(fd, buf + size, LDLM_CONF_MAX_FILE + 1 - size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ldlm_conf_fail(conf, NULL, "%s: %s", path, strerror(errno));
            free(buf);
            close(fd);
            return NULL;
        }
        if (n == 0)
            break;
        size += (size_t)n;
        if (size > LDLM_CONF_MAX_FILE) {
            ldlm_conf_fail(conf, NULL,
                           "%s: file too large (more than %d "
                           "bytes)",
                           path, LDLM_CONF_MAX_FILE);
            free(buf);
            close(fd);
            return NULL;
        }
    }
    close(fd);
    buf[size] = '\0';
    *size_out = size;
    return buf;
}

static int parse_file(ldlm_conf *conf, const char *path, bool missing_ok,
                      const file_policy *policy)
{
    if (conf == NULL || path == NULL) {
        ldlm_conf_fail(conf, NULL, "no configuration file given");
        return -1;
    }
    bool missing;
    size_t size = 0;
    char *buf =
        read_whole_file(conf, path, missing_ok, policy, &missing, &size);
    if (buf == NULL)
        return missing ? 0 : -1;

    const char *origin = intern_origin(conf, path);
    if (origin == NULL) {
        ldlm_conf_fail(conf, NULL, "%s: out of memory", path);
        free(buf);
        return -1;
    }
    size_t before = conf->count;
    source src = {.origin = origin, .line = 0, .is_file = true};
    size_t start = 0;
    while (start < size) {
        const char *nl = memchr(buf + start, '\n', size - start);
        size_t end = nl != NULL ? (size_t)(nl - buf) : size;
        src.line++;
        if (parse_setting(conf, origin, &src, buf + start, end - start) < 0 &&
            !policy->skip_bad_lines) {
            truncate_entries(conf, before);
            free(buf);
            return -1;
        }
        start = end + 1;
    }
    free(buf);
    return 0;
}

int ldlm_conf_parse_file(ldlm_conf *conf, const char *path, bool missing_ok)
{
    const file_policy any = {
        .protected_file = false, .allowed_owner = 0, .skip_bad_lines = false};
    return parse_file(conf, path, missing_ok, &any);
}

int ldlm_conf_parse_protected_file(ldlm_conf *conf, const char *path,
                                   bool missing_ok, uid_t allowed_owner)
{
    const file_policy policy = {.protected_file = true,
                                .allowed_owner = allowed_owner,
                                .skip_bad_lines = false};
    return parse_file(conf, path, missing_ok, &policy);
}

int ldlm_conf_salvage_protected_file(ldlm_conf *conf, const char *path,
                                     uid_t allowed_owner)
{
    const file_policy policy = {.protected_file = true,
                                .allowed_owner = allowed_owner,
                                .skip_bad_lines = true};
    return parse_file(conf, path, false, &policy);
}

int ldlm_conf_parse_args(ldlm_conf *conf, int argc, const char **argv)
{
    if (conf == NULL || argc < 0 || (argc > 0 && argv == NULL)) {
        ldlm_conf_fail(conf, NULL, "invalid arguments");
        return -1;
    }
    if (argc == 0)
        return 0;
    const char *origin = intern_origin(conf, "argument");
    if (origin == NULL) {
        ldlm_conf_fail(conf, NULL, "out of memory");
        return -1;
    }
    size_t before = conf->count;
    for (int i = 0; i < argc; i++) {
        source src = {
            .origin = origin, .line = (unsigned)i + 1, .is_file = false};
        const char *arg = argv[i] != NULL ? argv[i] : "";
        if (parse_setting(conf, origin, &src, arg, strlen(arg)) < 0) {
            truncate_entries(conf, before);
            return -1;
        }
    }
    return 0;
}

int ldlm_conf_add(ldlm_conf *conf, const char *name, const char *value,
                  const char *origin, unsigned line)
{
    if (conf == NULL || name == NULL || origin == NULL) {
        ldlm_conf_fail(conf, NULL, "invalid arguments");
        return -1;
    }
    source src = {.origin = origin, .line = line, .is_file = false};
    if (check_name(conf, name, strlen(name), &src) < 0)
        return -1;
    const char *origin_copy = intern_origin(conf, origin);
    if (origin_copy == NULL) {
        ldlm_conf_fail(conf, NULL, "out of memory");
        return -1;
    }
    char *name_copy = strdup(name);
    char *value_copy = value != NULL ? strdup(value) : NULL;
    if (name_copy == NULL || (value != NULL && value_copy == NULL)) {
        free(name_copy);
        free(value_copy);
        ldlm_conf_fail(conf, NULL, "out of memory");
        return -1;
    }
    if (append_entry(conf, name_copy, value_copy, origin_copy, line) < 0) {
        ldlm_conf_fail(conf, NULL, "out of memory");
        return -1;
    }
    return 0;
}

const ldlm_conf_entry *ldlm_conf_get(const ldlm_conf *conf, const char *name)
{
    if (conf == NULL || name == NULL)
        return NULL;
    for (size_t i = conf->count; i > 0; i--)
        if (strcmp(conf->entries[i - 1].name, name) == 0)
            return &conf->entries[i - 1];
    return NULL;
}
