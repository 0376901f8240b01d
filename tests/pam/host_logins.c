/* SPDX-License-Identifier: MIT */
/*
 * host_logins - a long-lived PAM host whose logins a test asks for one at a
 * time: every line "SERVICE USER" on stdin is one complete login in this
 * same process (pam_start, account, open and close session, pam_end), so
 * that a test can change the machine between two logins of one host.
 *
 * For each login it prints one line on stdout, flushed at once:
 *   LOGIN <service> <user> ACCOUNT <code> [SESSION <code> CLOSE <code>]
 * and ends at end of input. The system log is opened with LOG_PERROR: the
 * module's lines are copied to stderr, where tests look for them.
 *
 * Exit status: 0 at end of input, 2 on usage errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_appl.h>

static const char *code_name(int rc)
{
    switch (rc) {
    case PAM_SUCCESS:
        return "PAM_SUCCESS";
    case PAM_SERVICE_ERR:
        return "PAM_SERVICE_ERR";
    case PAM_SYSTEM_ERR:
        return "PAM_SYSTEM_ERR";
    case PAM_PERM_DENIED:
        return "PAM_PERM_DENIED";
    case PAM_USER_UNKNOWN:
        return "PAM_USER_UNKNOWN";
    case PAM_SESSION_ERR:
        return "PAM_SESSION_ERR";
    case PAM_IGNORE:
        return "PAM_IGNORE";
    default:
        return "PAM_OTHER";
    }
}

/* Messages are not shown: the codes and the log say enough here. */
static int conversation(int n, const struct pam_message **msg,
                        struct pam_response **resp, void *appdata)
{
    (void)appdata;
    if (n <= 0)
        return PAM_CONV_ERR;
    struct pam_response *r = calloc((size_t)n, sizeof(*r));
    if (r == NULL)
        return PAM_BUF_ERR;
    for (int i = 0; i < n; i++)
        if (msg[i]->msg_style == PAM_PROMPT_ECHO_ON ||
            msg[i]->msg_style == PAM_PROMPT_ECHO_OFF)
            r[i].resp = strdup("");
    *resp = r;
    return PAM_SUCCESS;
}

static void login(const char *service, const char *user)
{
    struct pam_conv conv = {.conv = conversation, .appdata_ptr = NULL};
    pam_handle_t *pamh = NULL;
    int rc = pam_start(service, user, &conv, &pamh);
    if (rc != PAM_SUCCESS) {
        printf("LOGIN %s %s START %s\n", service, user, code_name(rc));
        return;
    }
    rc = pam_acct_mgmt(pamh, 0);
    printf("LOGIN %s %s ACCOUNT %s", service, user, code_name(rc));
    if (rc == PAM_SUCCESS) {
        rc = pam_open_session(pamh, 0);
        printf(" SESSION %s", code_name(rc));
        if (rc == PAM_SUCCESS) {
            rc = pam_close_session(pamh, 0);
            printf(" CLOSE %s", code_name(rc));
        }
    }
    printf("\n");
    pam_end(pamh, rc);
}

int main(int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: host_logins < 'SERVICE USER' lines\n");
        return 2;
    }
    openlog("host_logins", LOG_PERROR | LOG_PID, LOG_AUTHPRIV);
    char line[512];
    while (fgets(line, sizeof(line), stdin) != NULL) {
        char service[256], user[256];
        if (sscanf(line, "%255s %255s", service, user) != 2) {
            printf("USAGE expected: SERVICE USER\n");
        } else {
            login(service, user);
        }
        fflush(stdout);
    }
    closelog();
    return 0;
}
