/* SPDX-License-Identifier: MIT */
/*
 * messages.c - message templates, the conversation, library log routing.
 */
#include "messages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include <ldlm_util.h>

const char *pldlm_template_problem(const char *tmpl)
{
    for (const char *p = tmpl; *p != '\0'; p++) {
        if (*p != '%')
            continue;
        if (p[1] == 'u' || p[1] == 'l' || p[1] == 'g' || p[1] == '%') {
            p++;
            continue;
        }
        return p; /* unknown placeholder, or a lone '%' at the end */
    }
    return NULL;
}

/* Appends len bytes to a growing buffer; false if out of memory. */
static bool append(char **buf, size_t *used, size_t *cap, const char *s,
                   size_t len)
{
    if (*used + len + 1 > *cap) {
        size_t want = (*used + len + 1) * 2;
        char *grown = realloc(*buf, want);
        if (grown == NULL)
            return false;
        *buf = grown;
        *cap = want;
    }
    memcpy(*buf + *used, s, len);
    *used += len;
    (*buf)[*used] = '\0';
    return true;
}

char *pldlm_template_expand(const char *tmpl, const char *user, long limit,
                            const char *group)
{
    char *shown_user = ldlmu_printable(user);
    char *shown_group = ldlmu_printable(group != NULL ? group : "");
    char number[32];
    snprintf(number, sizeof(number), "%ld", limit);

    size_t used = 0, cap = 0;
    char *out = NULL;
    bool ok = shown_user != NULL && shown_group != NULL &&
              append(&out, &used, &cap, "", 0);
    for (const char *p = tmpl; ok && *p != '\0'; p++) {
        if (*p != '%' || p[1] == '\0') {
            ok = append(&out, &used, &cap, p, 1);
            continue;
        }
        p++;
        switch (*p) {
        case 'u':
            ok = append(&out, &used, &cap, shown_user, strlen(shown_user));
            break;
        case 'l':
            ok = append(&out, &used, &cap, number, strlen(number));
            break;
        case 'g':
            ok = append(&out, &used, &cap, shown_group, strlen(shown_group));
            break;
        default: /* "%%", and anything a check let through, verbatim */
            ok = append(&out, &used, &cap, p, 1);
            break;
        }
    }
    free(shown_user);
    free(shown_group);
    if (!ok) {
        free(out);
        return NULL;
    }
    return out;
}

void pldlm_tell_user(pam_handle_t *pamh, int flags, int style, const char *text)
{
    if ((flags & PAM_SILENT) != 0 || text == NULL)
        return;
    char *reply = NULL;
    int rc = pam_prompt(pamh, style, &reply, "%s", text);
    free(reply);
    if (rc != PAM_SUCCESS)
        pam_syslog(pamh, LOG_NOTICE, "could not show a message to the user: %s",
                   pam_strerror(pamh, rc));
}
