/* SPDX-License-Identifier: MIT */
/*
 * report.c - error lines, exit codes of library errors, log routing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "exit_codes.h"
#include "report.h"

void cli_say(const char *fmt, ...)
{
    va_list ap;
    char line[1024];
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "ldlm: %s\n", line);
}

/* Copies a library message, turning line breaks and other control
 * characters into blanks so that the report stays on one line. */
static void one_line(const char *in, char *out, size_t outlen)
{
    size_t o = 0;
    for (; in != NULL && *in && o + 1 < outlen; in++) {
        unsigned char c = (unsigned char)*in;
        out[o++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
}

int cli_report_error(ldlm_err err, const char *fmt, ...)
{
    char detail[512];
    one_line(ldlm_last_error_message(), detail, sizeof detail);

    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);

    const char *text = ldlm_strerror(err);
    /* Avoid "x: y: y" when the detail only repeats the description. */
    if (detail[0] != '\0' && strcmp(detail, text) != 0)
        fprintf(stderr, "ldlm: %s: %s: %s\n", what, text, detail);
    else
        fprintf(stderr, "ldlm: %s: %s\n", what, text);
    return cli_exit_code_for(err);
}

int cli_exit_code_for(ldlm_err err)
{
    switch (err) {
    case LDLM_OK:
        return CLI_EXIT_OK;
    case LDLM_ERR_LOCK_WAIT_TIMEOUT:
        return CLI_EXIT_CONFLICT;
    case LDLM_ERR_SERVER_UNKNOWN:
    case LDLM_ERR_LOCK_DOES_NOT_EXIST:
    case LDLM_ERR_INVALID_LOCK_KEY:
    case LDLM_ERR_NOT_LOCKED:
    case LDLM_ERR_LOCK_DOES_NOT_EXIST_OR_INVALID_KEY:
    case LDLM_ERR_LOCK_SIZE_MISMATCH:
    case LDLM_ERR_INVALID_LOCK_SIZE:
        return CLI_EXIT_REFUSED;
    case LDLM_ERR_UNAVAILABLE:
    case LDLM_ERR_DEADLINE:
    case LDLM_ERR_TRANSPORT:
        return CLI_EXIT_UNAVAILABLE;
    case LDLM_ERR_UNAUTHENTICATED:
        return CLI_EXIT_AUTH;
    case LDLM_ERR_INVALID_ARGUMENT:
        return CLI_EXIT_USAGE;
    case LDLM_ERR_TLS_FILE:
        return CLI_EXIT_CONFIG;
    case LDLM_ERR_LOCK_LOST:
        return CLI_EXIT_LOST;
    case LDLM_ERR_CANCELLED:
    case LDLM_ERR_PROTOCOL:
    case LDLM_ERR_NO_MEMORY:
    case LDLM_ERR_FORKED:
    case LDLM_ERR_INTERNAL:
        break;
    }
    return CLI_EXIT_INTERNAL;
}

static void log_to_stderr(ldlm_log_level level, const char *message,
                          void *userdata)
{
    (void)userdata;
    static const char *const names[] = {"debug", "info", "error"};
    const char *name = (unsigned)level < 3 ? names[level] : "log";
    char text[1024];
    one_line(message, text, sizeof text);
    fprintf(stderr, "ldlm: [%s] %s\n", name, text);
}

static void log_nowhere(ldlm_log_level level, const char *message,
                        void *userdata)
{
    (void)level;
    (void)message;
    (void)userdata;
}

void cli_setup_logging(bool verbose)
{
    if (verbose)
        ldlm_set_log_handler(log_to_stderr, LDLM_LOG_DEBUG, NULL);
    else
        ldlm_set_log_handler(log_nowhere, LDLM_LOG_ERROR, NULL);
}
