/* SPDX-License-Identifier: MIT */
/*
 * messages.c - the one formatter of "FILE:LINE: message" errors, kept on the
 * ldlm_conf that failed (see ldlm_conf_fail in ldlm_conf.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conf_internal.h"
#include "ldlm_util.h"

int ldlm_conf_vfail(ldlm_conf *conf, const ldlm_conf_entry *e, const char *fmt,
                    va_list ap)
{
    if (conf == NULL)
        return -1;
    /* Formatted aside first: the arguments may point into conf->error
     * (a message rewrapped with more context). */
    char message[LDLM_CONF_ERROR_MAX];
    vsnprintf(message, sizeof message, fmt, ap);
    if (e == NULL) {
        snprintf(conf->error, sizeof conf->error, "%s", message);
    } else {
        /* The location first, then as much of the message as fits. */
        ldlm_conf_entry_location(e, conf->error, CONF_LOCATION_MAX);
        size_t used = strlen(conf->error);
        snprintf(conf->error + used, sizeof conf->error - used, ": %s",
                 message);
    }
    /* Paths and values in the message come from files and arguments that
     * may hold anything, and the message goes to syslog and terminals as
     * one line: whatever a call site forgot to escape (or a cut in the
     * middle of a character) is made harmless here, once. */
    ldlmu_tidy_line(conf->error);
    return -1;
}

int ldlm_conf_fail(ldlm_conf *conf, const ldlm_conf_entry *e, const char *fmt,
                   ...)
{
    va_list ap;
    va_start(ap, fmt);
    ldlm_conf_vfail(conf, e, fmt, ap);
    va_end(ap);
    return -1;
}

const char *ldlm_conf_error(const ldlm_conf *conf)
{
    if (conf == NULL)
        return "no configuration";
    return conf->error[0] != '\0' ? conf->error : "no error";
}

void ldlm_conf_entry_location(const ldlm_conf_entry *e, char *buf,
                              size_t buflen)
{
    if (buf == NULL || buflen == 0)
        return;
    if (e == NULL) {
        snprintf(buf, buflen, "(no entry)");
        return;
    }
    const char *origin = e->origin != NULL ? e->origin : "(unknown)";
    if (e->line == 0)
        snprintf(buf, buflen, "%s", origin);
    else if (strcmp(origin, "argument") == 0)
        snprintf(buf, buflen, "argument %u", e->line);
    else
        snprintf(buf, buflen, "%s:%u", origin, e->line);
}
