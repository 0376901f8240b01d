/* SPDX-License-Identifier: MIT */
/*
 * events.h - one self-pipe that turns asynchronous events into bytes a
 * poll() loop can read: signals (from signal handlers) and "the lock was
 * lost" (from libldlm's background thread). Both writers only call write(),
 * which is async-signal-safe, so no locking or flag polling is needed.
 */
#ifndef LDLM_CLI_EVENTS_H
#define LDLM_CLI_EVENTS_H

#include <stdbool.h>

#include <ldlm.h>

typedef struct cli_event {
    enum { CLI_EVENT_SIGNAL, CLI_EVENT_LOST_LOCK } kind;
    int signo;          /* CLI_EVENT_SIGNAL */
    bool from_terminal; /* sent by the kernel (tty ^C, hangup), not kill() */
    ldlm_err reason;    /* CLI_EVENT_LOST_LOCK */
} cli_event;

/* Creates the pipe (close-on-exec, non-blocking). 0 or -1 + errno. */
int cli_events_open(void);

/* The descriptor to poll for POLLIN. */
int cli_events_fd(void);

/*
 * Routes these signals into the pipe (SA_RESTART). A signal that is ignored
 * on entry (nohup, a background job of a script) is left ignored, except
 * SIGCHLD. 0 or -1 + errno.
 */
int cli_events_catch(const int *signals, int count);

/* Ignores SIGPIPE (a closed stdout must be an error, not death),
 * remembering to give the command the default back. */
void cli_events_ignore_sigpipe(void);

/* Reads one pending event without blocking: 1, or 0 if none is pending. */
int cli_events_next(cli_event *ev);

/* A libldlm lost-lock callback writing CLI_EVENT_LOST_LOCK. */
void cli_events_lost_lock(ldlm_handle *lock, ldlm_err reason, void *userdata);

/* In a forked child before exec: default dispositions for every signal we
 * caught or ignored ourselves, and an empty signal mask. Async-signal-safe.
 * Signals ignored when ldlm started stay ignored. */
void cli_events_reset_in_child(void);

#endif /* LDLM_CLI_EVENTS_H */
