/*
 * messages.c - message templates, the conversation, library log routing.
 */
#include "messages.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include <ldlm.h>

#include "text.h"

int pldlm_template_check(const char *tmpl, char *err, size_t errlen)
{
    for (const char *p = tmpl; *p != '\0'; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == 'u' || *p == 'l' || *p == 'g' || *p == '%')
            continue;
        if (*p == '\0')
            snprintf(err, errlen, "a lone '%%' ends the text (write %%%% "
                                  "for a percent sign)");
        else
            snprintf(err, errlen,
                     "unknown placeholder '%%%c' (known: %%u user, %%l "
                     "limit, %%g group, %%%% percent sign)",
                     *p);
        return -1;
    }
    return 0;
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
    char *shown_user = pldlm_printable(user);
    char *shown_group = pldlm_printable(group != NULL ? group : "");
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

void pldlm_tell_user(pam_handle_t *pamh, int flags, int style,
                     const char *text)
{
    if ((flags & PAM_SILENT) != 0 || text == NULL)
        return;
    char *reply = NULL;
    int rc = pam_prompt(pamh, style, &reply, "%s", text);
    free(reply);
    if (rc != PAM_SUCCESS)
        pam_syslog(pamh, LOG_NOTICE,
                   "could not show a message to the user: %s",
                   pam_strerror(pamh, rc));
}

/* Set when any configuration asks for debug output: it only ever widens. */
static atomic_bool library_debug;
static pthread_once_t library_logs_once = PTHREAD_ONCE_INIT;

static void library_log_to_syslog(ldlm_log_level level, const char *message,
                                  void *userdata)
{
    (void)userdata;
    if (level < LDLM_LOG_ERROR && !atomic_load(&library_debug))
        return;
    int priority = level == LDLM_LOG_ERROR  ? LOG_ERR
                   : level == LDLM_LOG_INFO ? LOG_INFO
                                            : LOG_DEBUG;
    syslog(LOG_AUTHPRIV | priority, "pam_ldlm: %s", message);
}

static void install_library_log_handler(void)
{
    /* The module is linked with -z nodelete, so this function pointer stays
     * valid after pam_end() unloads the module. */
    ldlm_set_log_handler(library_log_to_syslog, LDLM_LOG_DEBUG, NULL);
}

void pldlm_route_library_logs(bool debug)
{
    if (debug)
        atomic_store(&library_debug, true);
    pthread_once(&library_logs_once, install_library_log_handler);
}
