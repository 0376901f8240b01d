/* SPDX-License-Identifier: MIT */
/* pam_host.c - see pam_host.h. */
#include "pam_host.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

int pam_host_answer(int n, const struct pam_message **msg,
                    struct pam_response **resp, pam_host_seen_fn *seen,
                    void *arg)
{
    if (n <= 0)
        return PAM_CONV_ERR;
    struct pam_response *r = calloc((size_t)n, sizeof(*r));
    if (r == NULL)
        return PAM_BUF_ERR;
    for (int i = 0; i < n; i++) {
        if (seen != NULL)
            seen(msg[i], arg);
        if (msg[i]->msg_style == PAM_PROMPT_ECHO_ON ||
            msg[i]->msg_style == PAM_PROMPT_ECHO_OFF)
            r[i].resp = strdup("");
    }
    *resp = r;
    return PAM_SUCCESS;
}

int pam_host_quiet_conv(int n, const struct pam_message **msg,
                        struct pam_response **resp, void *appdata)
{
    (void)appdata;
    return pam_host_answer(n, msg, resp, NULL, NULL);
}

const char *pam_host_code_name(int rc)
{
    switch (rc) {
    case PAM_SUCCESS:
        return "PAM_SUCCESS";
    case PAM_OPEN_ERR:
        return "PAM_OPEN_ERR";
    case PAM_SYMBOL_ERR:
        return "PAM_SYMBOL_ERR";
    case PAM_SERVICE_ERR:
        return "PAM_SERVICE_ERR";
    case PAM_SYSTEM_ERR:
        return "PAM_SYSTEM_ERR";
    case PAM_BUF_ERR:
        return "PAM_BUF_ERR";
    case PAM_PERM_DENIED:
        return "PAM_PERM_DENIED";
    case PAM_AUTH_ERR:
        return "PAM_AUTH_ERR";
    case PAM_USER_UNKNOWN:
        return "PAM_USER_UNKNOWN";
    case PAM_ACCT_EXPIRED:
        return "PAM_ACCT_EXPIRED";
    case PAM_SESSION_ERR:
        return "PAM_SESSION_ERR";
    case PAM_CONV_ERR:
        return "PAM_CONV_ERR";
    case PAM_MODULE_UNKNOWN:
        return "PAM_MODULE_UNKNOWN";
    case PAM_IGNORE:
        return "PAM_IGNORE";
    case PAM_ABORT:
        return "PAM_ABORT";
    default:
        return "PAM_OTHER";
    }
}

int pam_host_wait(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return status;
}
