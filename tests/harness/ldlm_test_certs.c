/* SPDX-License-Identifier: MIT */
/*
 * ldlm_test_certs.c - TLS material for tests, through gen-certs.sh (one
 * implementation shared with the shell harness).
 */
#include "ldlm_test_server.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef LDLM_TEST_DEFAULT_SRCDIR
#define LDLM_TEST_DEFAULT_SRCDIR "."
#endif

/* openssl needs well under a second here; allow for a loaded machine. */
#define GEN_CERTS_TIMEOUT "60"

static bool set_path(char *dst, const char *dir, const char *name)
{
    int n = snprintf(dst, LDLM_TEST_PATH_LEN, "%s/%s", dir, name);
    return n > 0 && n < LDLM_TEST_PATH_LEN;
}

static bool fill_paths(const char *dir, ldlm_test_certs *out)
{
    memset(out, 0, sizeof *out);
    int n = snprintf(out->dir, sizeof out->dir, "%s", dir);
    return n > 0 && n < (int)sizeof out->dir &&
           set_path(out->ca_cert, dir, "ca.pem") &&
           set_path(out->ca_key, dir, "ca.key") &&
           set_path(out->server_cert, dir, "server.pem") &&
           set_path(out->server_key, dir, "server.key") &&
           set_path(out->wrong_name_cert, dir, "wrong-name.pem") &&
           set_path(out->wrong_name_key, dir, "wrong-name.key") &&
           set_path(out->other_ca_cert, dir, "other-ca.pem") &&
           set_path(out->client_cert, dir, "client.pem") &&
           set_path(out->client_key, dir, "client.key");
}

int ldlm_test_make_certs(const char *dir, ldlm_test_certs *out)
{
    if (!fill_paths(dir, out)) {
        fprintf(stderr, "ldlm_test_make_certs: path too long: %s\n", dir);
        return -1;
    }

    const char *srcdir = getenv("LDLM_TEST_SRCDIR");
    if (!srcdir || !*srcdir)
        srcdir = LDLM_TEST_DEFAULT_SRCDIR;
    char script[LDLM_TEST_PATH_LEN];
    int n = snprintf(script, sizeof script, "%s/tests/harness/gen-certs.sh",
                     srcdir);
    if (n < 0 || n >= (int)sizeof script)
        return -1;

    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "ldlm_test_make_certs: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        /* timeout(1) bounds the whole script, openssl children included. */
        execlp("timeout", "timeout", "-k", "5", GEN_CERTS_TIMEOUT, "/bin/sh",
               script, dir, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "ldlm_test_make_certs: waitpid: %s\n",
                    strerror(errno));
            return -1;
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "ldlm_test_make_certs: %s %s failed (status %d)\n",
                script, dir, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return -1;
    }
    const char *files[] = {
        out->ca_cert,       out->ca_key,          out->server_cert,
        out->server_key,    out->wrong_name_cert, out->wrong_name_key,
        out->other_ca_cert, out->client_cert,     out->client_key};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (access(files[i], R_OK) != 0) {
            fprintf(stderr, "ldlm_test_make_certs: %s missing\n", files[i]);
            return -1;
        }
    }
    return 0;
}
