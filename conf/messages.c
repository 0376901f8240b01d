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

void conf_quote_for_message(const char *s, char *buf, size_t buflen)
{
    static const char hex[] = "0123456789abcdef";
    static const char ellipsis[] = "...";
    size_t out = 0;

    if (buflen == 0)
        return;
    if (s == NULL)
        s = "";
    /* Keep room for the ellipsis and the terminating NUL. */
    size_t limit = buflen > sizeof ellipsis ? buflen - sizeof ellipsis : 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        size_t need = (*p >= 0x20 && *p < 0x7f && *p != '\\') ? 1 : 4;
        if (*p == '\\')
            need = 2;
        if (out + need > limit) {
            if (buflen > sizeof ellipsis) {
                memcpy(buf + out, ellipsis, sizeof ellipsis);
                return;
            }
            break;
        }
        if (need == 1) {
            buf[out++] = (char)*p;
        } else if (need == 2) {
            buf[out++] = '\\';
            buf[out++] = '\\';
        } else {
            buf[out++] = '\\';
            buf[out++] = 'x';
            buf[out++] = hex[*p >> 4];
            buf[out++] = hex[*p & 0xf];
        }
    }
    buf[out] = '\0';
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
