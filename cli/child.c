/* SPDX-License-Identifier: MIT */
/*
 * child.c - see child.h.
 *
 * Supervision is one poll() loop on the event pipe (events.h): the child's
 * exit (SIGCHLD), signals to pass on (INT, TERM, HUP) and the loss of the
 * lock (libldlm's callback) all arrive there. Nothing is polled on a
 * timer; the only timeout is the SIGKILL deadline after a lost lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ldlm.h>

#include "child.h"
#include "events.h"
#include "exit_codes.h"
#include "report.h"

extern char **environ;

char **cli_child_environment(const char *name, const char *key)
{
    size_t n = 0;
    while (environ[n] != NULL)
        n++;
    char **env = calloc(n + 3, sizeof *env);
    if (env == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "LDLM_LOCK_NAME=", 15) != 0 &&
            strncmp(environ[i], "LDLM_LOCK_KEY=", 14) != 0)
            env[o++] = environ[i];
    if (asprintf(&env[o], "LDLM_LOCK_NAME=%s", name) < 0) {
        free(env);
        return NULL;
    }
    if (asprintf(&env[o + 1], "LDLM_LOCK_KEY=%s", key) < 0) {
        free(env[o]);
        free(env);
        return NULL;
    }
    return env;
}

void cli_child_environment_free(char **env)
{
    if (env == NULL)
        return;
    size_t n = 0;
    while (env[n] != NULL)
        n++;
    /* The last two are ours; the rest belong to environ. */
    free(env[n - 1]);
    free(env[n - 2]);
    free(env);
}

/*
 * The child reports a failed exec through a close-on-exec pipe (EOF means
 * exec succeeded), so that the parent can print the reason: the child
 * itself must not use stdio after fork.
 */
pid_t cli_child_start(char **argv, char **env, int *exec_errno)
{
    int report[2];
    *exec_errno = 0;
    if (pipe2(report, O_CLOEXEC) < 0)
        return -1;

    /* Block our signals across fork so that no handler runs in the child
     * before it restores the defaults. */
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(report[0]);
        /* If ldlm dies (even by SIGKILL), its connection closes and the
         * server releases the lock: the command must not go on unguarded. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(CLI_EXIT_LOST);
        cli_events_reset_in_child();
        execvpe(argv[0], argv, env);
        int e = errno;
        ssize_t ignored = write(report[1], &e, sizeof e);
        (void)ignored;
        _exit(e == ENOENT ? CLI_EXIT_NOT_FOUND : CLI_EXIT_CANNOT_EXEC);
    }
    int fork_errno = errno;
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        errno = fork_errno;
        return -1;
    }
    ssize_t n;
    do
        n = read(report[0], exec_errno, sizeof *exec_errno);
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof *exec_errno)
        *exec_errno = 0;
    close(report[0]);
    return pid;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cli_child_exit_status(int wstatus)
{
    if (WIFEXITED(wstatus))
        return WEXITSTATUS(wstatus);
    if (WIFSIGNALED(wstatus))
        return CLI_EXIT_SIGNAL_BASE + WTERMSIG(wstatus);
    return CLI_EXIT_INTERNAL;
}

int cli_child_supervise(pid_t pid, const char *name, int grace_seconds,
                        bool *lost)
{
    int64_t kill_at = -1; /* SIGKILL deadline after a lost lock */
    int wstatus = 0;
    *lost = false;
    for (;;) {
        pid_t r = waitpid(pid, &wstatus, WNOHANG);
        if (r == pid)
            return wstatus;
        if (r < 0 && errno != EINTR) {
            cli_say("waitpid: %s", strerror(errno));
            return wstatus;
        }

        int timeout = -1;
        if (kill_at >= 0) {
            int64_t left = kill_at - now_ms();
            timeout = left > 0 ? (int)(left > INT32_MAX ? INT32_MAX : left) : 0;
        }
        struct pollfd pfd = {.fd = cli_events_fd(), .events = POLLIN};
        int n = poll(&pfd, 1, timeout);
        if (n < 0 && errno != EINTR) {
            cli_say("poll: %s", strerror(errno));
            return wstatus;
        }
        if (n == 0 && kill_at >= 0) {
            cli_say("%s: the command is still running %d s after SIGTERM; "
                    "sending SIGKILL",
                    name, grace_seconds);
            kill(pid, SIGKILL);
            kill_at = -1;
            continue;
        }

        cli_event ev;
        while (cli_events_next(&ev) == 1) {
            if (ev.kind == CLI_EVENT_LOST_LOCK) {
                if (*lost)
                    continue;
                *lost = true;
                cli_say("%s: lost the lock (%s); stopping the command", name,
                        ldlm_strerror(ev.reason));
                if (grace_seconds == 0) {
                    kill(pid, SIGKILL);
                } else {
                    kill(pid, SIGTERM);
                    kill_at = now_ms() + (int64_t)grace_seconds * 1000;
                }
            } else if (ev.signo != SIGCHLD && !ev.from_terminal) {
                /* From kill(): pass it on. A terminal's ^C or hangup went
                 * to the whole process group already, the command
                 * included; sending it again would deliver it twice. */
                kill(pid, ev.signo);
            }
        }
    }
}
