/* SPDX-License-Identifier: MIT */
/*
 * pam_host.h - what the PAM host programs of the tests and benchmarks
 * (tests/pam/pam_driver, host_logins, long_lived; bench/pam_bench,
 * ldlmd_scale) share: the conversation of a login with no one at the
 * keyboard, the names of PAM codes they print, and waiting for a child.
 */
#ifndef PAM_HOST_H
#define PAM_HOST_H

#include <sys/types.h>

#include <security/pam_appl.h>

/* Called with each message of a conversation, before it is answered. */
typedef void pam_host_seen_fn(const struct pam_message *msg, void *arg);

/*
 * The body of a conversation function: answers every prompt with an empty
 * string (as a user pressing Enter would: a module that prompts shows up in
 * the messages, not as a conversation error) and nothing else, after
 * passing each message to `seen` (when not NULL). Returns PAM_CONV_ERR for
 * no messages, PAM_BUF_ERR when out of memory, else PAM_SUCCESS with *resp
 * set (the caller of the conversation frees it).
 */
int pam_host_answer(int n, const struct pam_message **msg,
                    struct pam_response **resp, pam_host_seen_fn *seen,
                    void *arg);

/* A conversation function that shows nothing (appdata_ptr unused). */
int pam_host_quiet_conv(int n, const struct pam_message **msg,
                        struct pam_response **resp, void *appdata);

/* "PAM_SUCCESS", "PAM_PERM_DENIED"...; "PAM_OTHER" for codes not listed. */
const char *pam_host_code_name(int rc);

/*
 * Waits for the child `pid`, again when a signal interrupts the wait.
 * Returns its wait status, 0 if it cannot be waited for.
 */
int pam_host_wait(pid_t pid);

#endif
