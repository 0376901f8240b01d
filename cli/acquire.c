/* SPDX-License-Identifier: MIT */
/*
 * acquire.c - taking the lock for run, lock and try-lock.
 *
 * --wait 0 and try-lock use TryLock. --wait N uses the server's own wait
 * timeout. Without --wait the tool waits as long as it takes, but in slices
 * of the server-side wait, so that each request still has a bound (the
 * library adds --timeout to a request's wait): a server that stops
 * answering is noticed instead of hanging the tool forever.
 *
 * Signals keep their default action while waiting: ^C simply ends the
 * process, and the server drops whatever the dead connection held.
 */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "exit_codes.h"
#include "report.h"

/* One slice of an unbounded wait, in seconds. */
#define WAIT_SLICE_SECONDS 300

static int conflict(const cli_options *o, const char *why)
{
    if (!o->quiet)
        cli_say("%s: %s", o->name, why);
    return o->conflict_exit_code;
}

int cli_acquire(ldlm_client *client, const cli_options *o,
                const cli_settings *st, ldlm_handle **out)
{
    ldlm_lock_options lo =
        LDLM_LOCK_OPTIONS(.lock_timeout_seconds = o->lock_timeout,
                          .size = o->size);
    ldlm_handle *lock = NULL;
    ldlm_err err;
    *out = NULL;

    if (o->command == CLI_CMD_TRY_LOCK ||
        (o->wait_given && o->wait_seconds == 0)) {
        err = ldlm_try_lock(client, o->name, &lo, &lock);
        if (err != LDLM_OK) {
            ldlm_handle_free(lock);
            return cli_report_error(err, "try-lock %s on %s", o->name,
                                    cli_settings_server(st));
        }
        if (!ldlm_handle_locked(lock)) {
            ldlm_handle_free(lock);
            return conflict(o, "locked by someone else");
        }
        *out = lock;
        return 0;
    }

    for (;;) {
        lo.wait_timeout_seconds =
            o->wait_given ? o->wait_seconds : WAIT_SLICE_SECONDS;
        lock = NULL;
        err = ldlm_lock(client, o->name, &lo, &lock);
        if (err == LDLM_OK && lock != NULL && ldlm_handle_locked(lock)) {
            *out = lock;
            return 0;
        }
        ldlm_handle_free(lock);
        if (err == LDLM_ERR_LOCK_WAIT_TIMEOUT && !o->wait_given)
            continue; /* next slice */
        if (err == LDLM_ERR_LOCK_WAIT_TIMEOUT || err == LDLM_OK) {
            char why[96];
            snprintf(why, sizeof why, "still locked after waiting %d s",
                     o->wait_seconds);
            return conflict(o, why);
        }
        return cli_report_error(err, "lock %s on %s", o->name,
                                cli_settings_server(st));
    }
}

void cli_release(ldlm_handle *lock, const cli_options *o,
                 const cli_settings *st)
{
    ldlm_err err = ldlm_handle_unlock(lock);
    if (err != LDLM_OK)
        cli_report_error(err, "warning: unlock %s on %s", o->name,
                         cli_settings_server(st));
}
