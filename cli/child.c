/* SPDX-License-Identifier: MIT */
/*
 * child.c - see child.h.
 *
 * Supervision is one poll() loop on the event pipe (events.h): the child's
 * exit or stop (SIGCHLD), signals to pass on (INT, TERM, HUP) and the loss
 * of the lock (libldlm's callback) all arrive there. Nothing is polled on a
 * timer; the only timeout is the SIGKILL deadline after a lost lock.
 *
 * The command runs in a process group of its own, and every signal for it
 * goes to that whole group: when the lock is lost, whatever the command
 * started (a pipeline, a script's children) is stopped with it, not only
 * the process ldlm forked. When ldlm runs in the foreground of a terminal,
 * the command's group is made the terminal's foreground group (as a shell
 * does for a job), so that it can read the terminal and gets ^C and ^Z
 * itself; ldlm takes the terminal back when the command ends or stops.
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

/* The terminal given to the command's group, or -1. */
static int terminal_fd = -1;

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
/* A descriptor of our controlling terminal if we are in its foreground
 * process group (an interactive `ldlm run`), else -1. */
static int foreground_terminal(void)
{
    for (int fd = 0; fd <= 2; fd++)
        if (isatty(fd) && tcgetpgrp(fd) == getpgrp())
            return fd;
    return -1;
}

/* Gives the terminal to process group `pgrp`. A process outside the
 * foreground group gets SIGTTOU for that unless it blocks it. */
static void give_terminal(int fd, pid_t pgrp)
{
    sigset_t ttou, old;
    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    sigprocmask(SIG_BLOCK, &ttou, &old);
    /* A failure leaves the terminal where it was: the group may be gone. */
    (void)tcsetpgrp(fd, pgrp);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static void take_terminal_back(void)
{
    if (terminal_fd < 0)
        return;
    give_terminal(terminal_fd, getpgrp());
}

pid_t cli_child_start(char **argv, char **env, int *exec_errno)
{
    int report[2];
    *exec_errno = 0;
    if (pipe2(report, O_CLOEXEC) < 0)
        return -1;
    int tty = foreground_terminal();
    /* Orphans of the command become ours: when its group must be gone
     * (after a lost lock), we see its last members end (SIGCHLD) and reap
     * them, where zombies left to init would still count as members. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);

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
        /* Its own group, leader of it (both sides set it: whichever runs
         * first, the group exists before ldlm signals it or hands it the
         * terminal). All signals are still blocked here, SIGTTOU too. */
        setpgid(0, 0);
        if (tty >= 0)
            tcsetpgrp(tty, getpid());
        cli_events_reset_in_child();
        execvpe(argv[0], argv, env);
        int e = errno;
        ssize_t ignored = write(report[1], &e, sizeof e);
        (void)ignored;
        _exit(e == ENOENT ? CLI_EXIT_NOT_FOUND : CLI_EXIT_CANNOT_EXEC);
    }
    int fork_errno = errno;
    if (pid > 0) {
        setpgid(pid, pid); /* EACCES once it has exec'd: it did it itself */
        if (tty >= 0) {
            give_terminal(tty, pid);
            terminal_fd = tty;
        }
    }
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

/*
 * The command stopped (^Z at the terminal it had): stop with it, as a shell
 * job, and when continued give it the terminal back (if we are in the
 * foreground again) and continue it. While we are stopped the lock is not
 * renewed; if it was lost meanwhile, the loss arrives once we run again.
 */
static void stop_with_child(pid_t pid)
{
    take_terminal_back();
    raise(SIGTSTP);
    if (terminal_fd >= 0 && tcgetpgrp(terminal_fd) == getpgrp())
        give_terminal(terminal_fd, pid);
    kill(-pid, SIGCONT);
}

/* Reaps every child that ended: the command (whose status goes to
 * *wstatus, *exited set) and orphans of its that we inherited as their
 * subreaper. Returns false on an unexpected waitpid error. */
static bool reap(pid_t pid, int *wstatus, bool *exited)
{
    for (;;) {
        int ws = 0;
        pid_t r = waitpid(-1, &ws, WNOHANG | WUNTRACED);
        if (r == 0 || (r < 0 && errno == ECHILD))
            return true;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            cli_say("waitpid: %s", strerror(errno));
            return false;
        }
        if (r != pid)
            continue; /* an orphan (or one stopping): nothing to do */
        if (WIFSTOPPED(ws)) {
            if (terminal_fd >= 0)
                stop_with_child(pid);
            continue;
        }
        *wstatus = ws;
        *exited = true;
        take_terminal_back();
        terminal_fd = -1;
    }
}

int cli_child_supervise(pid_t pid, const char *name, int grace_seconds,
                        bool *lost)
{
    int64_t kill_at = -1; /* SIGKILL deadline after a lost lock */
    int wstatus = 0;
    bool exited = false;
    *lost = false;
    for (;;) {
        if (!reap(pid, &wstatus, &exited))
            return wstatus;
        /* After a lost lock, what the command left behind in its group is
         * killed at the deadline as well; otherwise we are done. */
        if (exited && (kill_at < 0 || kill(-pid, 0) != 0))
            return wstatus;

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
            if (!exited)
                cli_say("%s: the command is still running %d s after "
                        "SIGTERM; sending SIGKILL",
                        name, grace_seconds);
            else
                cli_say("%s: processes the command started are still "
                        "running %d s after SIGTERM; sending SIGKILL",
                        name, grace_seconds);
            kill(-pid, SIGKILL);
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
                    kill(-pid, SIGKILL);
                } else {
                    kill(-pid, SIGTERM);
                    /* A stopped group would only act on it when continued. */
                    kill(-pid, SIGCONT);
                    kill_at = now_ms() + (int64_t)grace_seconds * 1000;
                }
            } else if (ev.signo != SIGCHLD && !exited) {
                /* Pass it on to the command's whole group. The group is
                 * not ours, so it got nothing yet: a terminal's signals
                 * went to the command directly when it had the terminal,
                 * and we do not receive those. */
                kill(-pid, ev.signo);
            }
        }
    }
}
