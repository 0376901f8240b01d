/* SPDX-License-Identifier: MIT */
/*
 * hold_wait.h - how `ldlm lock` waits while it holds the lock: until stdin
 * reaches end of file (or becomes unusable), a caught signal arrives (INT,
 * TERM, HUP), or the lock is lost. Independent of the connection, so that
 * it can be tested on its own.
 */
#ifndef LDLM_CLI_HOLD_WAIT_H
#define LDLM_CLI_HOLD_WAIT_H

typedef enum cli_hold_end {
    CLI_HOLD_RELEASE, /* end of file or a signal: unlock and exit 0 */
    CLI_HOLD_LOST,    /* the lock was lost (reported on stderr) */
    CLI_HOLD_ERROR    /* poll failed (reported on stderr) */
} cli_hold_end;

/* Needs the event pipe open (events.h); `name` is for the message. */
cli_hold_end cli_hold_wait(const char *name);

#endif /* LDLM_CLI_HOLD_WAIT_H */
