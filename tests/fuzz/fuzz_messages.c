/* SPDX-License-Identifier: MIT */
/*
 * fuzz_messages.c - fuzz target of the message templates
 * (pam_ldlm/messages.c): the input is a template, a user name and a group
 * name separated by NULs, then the bytes of a limit.
 *
 * Properties (messages.h): the check accepts exactly the templates whose
 * every '%' starts %u, %l, %g or %%, and points at the first bad '%'
 * otherwise; an accepted template expands to the template with each
 * placeholder replaced, the names made printable, so that whatever a user
 * or group is called, a message brings no control character that was not
 * in the template itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldlm_util.h>

#include "fuzz_common.h"
#include "messages.h"

/* The first '%' that does not start a placeholder, found independently. */
static const char *first_bad_percent(const char *t)
{
    for (size_t i = 0; t[i] != '\0'; i++) {
        if (t[i] != '%')
            continue;
        char next = t[i + 1];
        if (next == 'u' || next == 'l' || next == 'g' || next == '%')
            i++;
        else
            return t + i;
    }
    return NULL;
}

/* The expansion of a checked template, built independently. */
static char *expected(const char *t, const char *user, long limit,
                      const char *group)
{
    char *u = ldlmu_printable(user);
    char *g = ldlmu_printable(group);
    char number[32];
    snprintf(number, sizeof(number), "%ld", limit);
    size_t cap = strlen(t) * (strlen(u) + strlen(g) + sizeof(number)) + 1;
    char *out = malloc(cap);
    size_t n = 0;
    for (size_t i = 0; out != NULL && t[i] != '\0'; i++) {
        const char *put = NULL;
        if (t[i] == '%') {
            i++;
            put = t[i] == 'u'   ? u
                  : t[i] == 'l' ? number
                  : t[i] == 'g' ? g
                                : "%";
        }
        if (put != NULL) {
            memcpy(out + n, put, strlen(put));
            n += strlen(put);
        } else {
            out[n++] = t[i];
        }
    }
    if (out != NULL)
        out[n] = '\0';
    free(u);
    free(g);
    return out;
}

static bool has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        if (*p < 0x20 || *p == 0x7f ||
            (p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0))
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data;
    size_t left = size;
    char *tmpl = fuzz_next_string(&p, &left);
    char *user = fuzz_next_string(&p, &left);
    char *group = fuzz_next_string(&p, &left);
    long limit = 0;
    memcpy(&limit, p, left < sizeof(limit) ? left : sizeof(limit));
    if (tmpl == NULL)
        tmpl = strdup("");
    if (user == NULL)
        user = strdup("");
    if (group == NULL)
        group = strdup("");
    if (tmpl == NULL || user == NULL || group == NULL)
        goto out;

    const char *bad = pldlm_template_problem(tmpl);
    fuzz_check(bad == first_bad_percent(tmpl), "pldlm_template_problem",
               "not the first bad '%'");
    char *text = pldlm_template_expand(tmpl, user, limit, group);
    fuzz_check(text != NULL, "pldlm_template_expand", "NULL");
    if (bad == NULL) {
        char *want = expected(tmpl, user, limit, group);
        if (want != NULL)
            fuzz_check(strcmp(text, want) == 0, "pldlm_template_expand",
                       "not the template with its placeholders replaced");
        free(want);
        /* Only a template of well-formed UTF-8 keeps the names apart from
         * its own bytes: in one with a broken sequence, a byte before %u
         * and one after it become a character (a C1 control, even) when
         * the name is empty. The configuration is the administrator's;
         * the names are not. */
        if (ldlmu_utf8_valid(tmpl, strlen(tmpl)) && !has_control(tmpl))
            fuzz_check(!has_control(text), "pldlm_template_expand",
                       "a control character from a name");
    }
    free(text);
    /* NULL group: a per-user limit (empty %g). */
    text = pldlm_template_expand(tmpl, user, limit, NULL);
    fuzz_check(text != NULL, "pldlm_template_expand", "NULL group");
    free(text);
out:
    free(tmpl);
    free(user);
    free(group);
    return 0;
}
