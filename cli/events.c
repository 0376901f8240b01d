/* SPDX-License-Identifier: MIT */
/*
 * events.c - see events.h.
 *
 * Wire format of the pipe: one byte per event. A signal is its number
 * (1..64), with bit 0x80 set when the kernel generated it (si_code ==
 * SI_KERNEL: a terminal's ^C or hangup, which the whole foreground process
 * group, our child included, already received). A lost lock is 0x7f; its
 * reason travels in an atomic variable written before the byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "events.h"

#define LOST_LOCK_BYTE 0x7f
#define FROM_KERNEL_BIT 0x80

static int pipe_fds[2] = {-1, -1};
static atomic_int lost_reason = LDLM_OK;

/* Signals routed into the pipe, and whether we ignored SIGPIPE ourselves:
 * what the child must get back to default. Written before fork only. */
static sigset_t caught;
static bool sigpipe_ignored_by_us;

int cli_events_open(void)
{
    sigemptyset(&caught);
    if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) < 0)
        return -1;
    return 0;
}

int cli_events_fd(void)
{
    return pipe_fds[0];
}

static void put_byte(unsigned char b)
{
    int saved = errno;
    /* A full pipe means many events are already waiting; dropping one is
     * harmless because the loop re-checks the child on every wakeup. */
    ssize_t ignored = write(pipe_fds[1], &b, 1);
    (void)ignored;
    errno = saved;
}

static void on_signal(int signo, siginfo_t *info, void *context)
{
    (void)context;
    unsigned char b = (unsigned char)(signo & 0x7f);
    if (info != NULL && info->si_code == SI_KERNEL)
        b |= FROM_KERNEL_BIT;
    put_byte(b);
}

int cli_events_catch(const int *signals, int count)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < count; i++) {
        struct sigaction old;
        if (sigaction(signals[i], NULL, &old) < 0)
            return -1;
        /* A signal ignored on entry (nohup, a shell's background job)
         * stays ignored, for us and for the command, as shells do. SIGCHLD
         * is ours to watch the command whatever we inherited. */
        if (old.sa_handler == SIG_IGN && signals[i] != SIGCHLD)
            continue;
        if (sigaction(signals[i], &sa, NULL) < 0)
            return -1;
        sigaddset(&caught, signals[i]);
    }
    return 0;
}

void cli_events_ignore_sigpipe(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGPIPE, &sa, &old) == 0)
        sigpipe_ignored_by_us = old.sa_handler != SIG_IGN;
}

int cli_events_next(cli_event *ev)
{
    unsigned char b;
    for (;;) {
        ssize_t n = read(pipe_fds[0], &b, 1);
        if (n == 1)
            break;
        if (n < 0 && errno == EINTR)
            continue;
        return 0; /* EAGAIN: nothing pending */
    }
    memset(ev, 0, sizeof *ev);
    if (b == LOST_LOCK_BYTE) {
        ev->kind = CLI_EVENT_LOST_LOCK;
        ev->reason = (ldlm_err)atomic_load(&lost_reason);
    } else {
        ev->kind = CLI_EVENT_SIGNAL;
        ev->signo = b & 0x7f;
        ev->from_terminal = (b & FROM_KERNEL_BIT) != 0;
    }
    return 1;
}

void cli_events_lost_lock(ldlm_handle *lock, ldlm_err reason, void *userdata)
{
    (void)lock;
    (void)userdata;
    atomic_store(&lost_reason, (int)reason);
    put_byte(LOST_LOCK_BYTE);
}

void cli_events_reset_in_child(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (int signo = 1; signo < NSIG; signo++)
        if (sigismember(&caught, signo) == 1)
            sigaction(signo, &sa, NULL);
    if (sigpipe_ignored_by_us)
        sigaction(SIGPIPE, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}
