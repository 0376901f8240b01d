/* SPDX-License-Identifier: MIT */
/*
 * messages.h - what pam_ldlm tells the user and the system log.
 *
 * User-facing texts are templates with placeholders:
 *   %u  the user name (made printable, see text.h)
 *   %l  the limit that was reached
 *   %g  the group of a pool (empty for a per-user limit)
 *   %%  a percent sign
 * Any other '%' sequence is refused when the configuration is read.
 */
#ifndef PAM_LDLM_MESSAGES_H
#define PAM_LDLM_MESSAGES_H

#include <stdbool.h>
#include <stddef.h>

#include <security/pam_modules.h>

#define PLDLM_DEFAULT_DENY_MESSAGE                                             \
    "Too many sessions for %u (limit %l): close one of your other sessions "   \
    "and try again."
#define PLDLM_DEFAULT_POOL_DENY_MESSAGE                                        \
    "Too many sessions for group %g (limit %l): try again later."
#define PLDLM_DEFAULT_ERROR_MESSAGE                                            \
    "Session limits cannot be checked right now: login refused."

/* NULL if every '%' in tmpl starts a known placeholder, else the first
 * '%' that does not (followed by an unknown letter, or by the end). The
 * caller words the message: it knows which setting the template is. */
const char *pldlm_template_problem(const char *tmpl);

/* Expands a checked template; a string to free(), NULL if out of memory. */
char *pldlm_template_expand(const char *tmpl, const char *user, long limit,
                            const char *group);

/*
 * Shows `text` to the user through the application's conversation function
 * (PAM_ERROR_MSG or PAM_TEXT_INFO), unless PAM_SILENT is in flags. Failures
 * of the conversation are logged, never fatal.
 */
void pldlm_tell_user(pam_handle_t *pamh, int flags, int style,
                     const char *text);

#endif /* PAM_LDLM_MESSAGES_H */
