/* SPDX-License-Identifier: MIT */
/*
 * messages.c - formatting of the library's one-line error messages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conf_internal.h"

void conf_set_error(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

void conf_entry_error(const ldlm_conf_entry *e, char *err, size_t errlen,
                      const char *fmt, ...)
{
    if (err == NULL || errlen == 0)
        return;
    char loc[CONF_LOCATION_MAX];
    char msg[512];
    ldlm_conf_entry_location(e, loc, sizeof loc);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(err, errlen, "%s: %s", loc, msg);
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
