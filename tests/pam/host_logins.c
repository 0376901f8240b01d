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
 * Messages of the conversation are not shown: the codes and the log say
 * enough here.
 *
 * Exit status: 0 at end of input, 2 on usage errors.
 */
#include <stdio.h>
#include <syslog.h>

#include <security/pam_appl.h>

#include "pam_host.h"

static void login(const char *service, const char *user)
{
    struct pam_conv conv = {.conv = pam_host_quiet_conv, .appdata_ptr = NULL};
    pam_handle_t *pamh = NULL;
    int rc = pam_start(service, user, &conv, &pamh);
    if (rc != PAM_SUCCESS) {
        printf("LOGIN %s %s START %s\n", service, user, pam_host_code_name(rc));
        return;
    }
    rc = pam_acct_mgmt(pamh, 0);
    printf("LOGIN %s %s ACCOUNT %s", service, user, pam_host_code_name(rc));
    if (rc == PAM_SUCCESS) {
        rc = pam_open_session(pamh, 0);
        printf(" SESSION %s", pam_host_code_name(rc));
        if (rc == PAM_SUCCESS) {
            rc = pam_close_session(pamh, 0);
            printf(" CLOSE %s", pam_host_code_name(rc));
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
