/* SPDX-License-Identifier: MIT */
/*
 * ldlm_test_tool - the parts of the test harness that sh cannot do by
 * itself, for tests/harness/server.sh:
 *
 *   ldlm_test_tool free-port [HOST]          print a free TCP port (exit 0)
 *   ldlm_test_tool wait-ready HOST PORT PID MS
 *        exit 0 once process PID listens on PORT and HOST:PORT accepts a TCP
 *        connection, 1 if PID ended first (gone or zombie), 2 after MS ms
 *   ldlm_test_tool wait-exit PID MS          0 once PID ended, 2 on timeout
 *   ldlm_test_tool wait-stopped PID MS       0 once PID is stopped (SIGSTOP),
 *                                            1 if it ended, 2 on timeout
 *   ldlm_test_tool have-ipv6                 0 if [::1] can be bound
 *
 * A shell's background job that exits stays a zombie until the shell
 * waits for it, so "ended" means gone or zombie (kill -0 cannot tell).
 */
#include "ldlm_test_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_DONE = 0, EXIT_ENDED = 1, EXIT_TIMEOUT = 2, EXIT_USAGE = 64 };

static int usage(void)
{
    fputs("usage: ldlm_test_tool free-port [HOST]\n"
          "       ldlm_test_tool wait-ready HOST PORT PID TIMEOUT_MS\n"
          "       ldlm_test_tool wait-exit PID TIMEOUT_MS\n"
          "       ldlm_test_tool wait-stopped PID TIMEOUT_MS\n"
          "       ldlm_test_tool have-ipv6\n",
          stderr);
    return EXIT_USAGE;
}

static bool parse_int(const char *text, long min, long max, long *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* Gone, or exited and not yet reaped (see ldlm_test_process_state). */
static bool state_ended(char state)
{
    return state == '?' || state == 'Z' || state == 'X';
}

static int wait_ready(const char *host, long port, pid_t pid, long timeout_ms)
{
    int64_t deadline = ldlm_test_now_ms() + timeout_ms;
    for (;;) {
        if (state_ended(ldlm_test_process_state(pid)))
            return EXIT_ENDED;
        /* PID itself must listen: the port may have a squatter. */
        if (ldlm_test_pid_listens_on(pid, (int)port) &&
            ldlm_test_port_accepts(host, (int)port))
            return EXIT_DONE;
        if (ldlm_test_now_ms() >= deadline)
            return EXIT_TIMEOUT;
        ldlm_test_sleep_ms(20);
    }
}

static int wait_state(pid_t pid, long timeout_ms, bool want_stopped)
{
    int64_t deadline = ldlm_test_now_ms() + timeout_ms;
    for (;;) {
        char state = ldlm_test_process_state(pid);
        if (want_stopped && (state == 'T' || state == 't'))
            return EXIT_DONE;
        if (state_ended(state))
            return want_stopped ? EXIT_ENDED : EXIT_DONE;
        if (ldlm_test_now_ms() >= deadline)
            return EXIT_TIMEOUT;
        ldlm_test_sleep_ms(5);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    const char *cmd = argv[1];
    long port, pid, ms;

    if (strcmp(cmd, "free-port") == 0 && argc <= 3) {
        int p = ldlm_test_free_port(argc == 3 ? argv[2] : "127.0.0.1");
        if (p < 0)
            return 1;
        printf("%d\n", p);
        return 0;
    }
    if (strcmp(cmd, "wait-ready") == 0 && argc == 6 &&
        parse_int(argv[3], 1, 65535, &port) &&
        parse_int(argv[4], 1, 0x7fffffff, &pid) &&
        parse_int(argv[5], 0, 3600000, &ms))
        return wait_ready(argv[2], port, (pid_t)pid, ms);
    if ((strcmp(cmd, "wait-exit") == 0 || strcmp(cmd, "wait-stopped") == 0) &&
        argc == 4 && parse_int(argv[2], 1, 0x7fffffff, &pid) &&
        parse_int(argv[3], 0, 3600000, &ms))
        return wait_state((pid_t)pid, ms, strcmp(cmd, "wait-stopped") == 0);
    if (strcmp(cmd, "have-ipv6") == 0 && argc == 2)
        return ldlm_test_have_ipv6_loopback() ? 0 : 1;
    return usage();
}
