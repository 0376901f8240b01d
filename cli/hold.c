/* SPDX-License-Identifier: MIT */
/*
 * hold.c - `ldlm lock NAME` and `ldlm try-lock NAME`: print the key, then
 * hold the lock until stdin reaches end of file or INT/TERM/HUP arrives.
 *
 * Scripts use it as `coproc ldlm lock NAME` or with a FIFO: read the key,
 * do the work, close the pipe. The waiting itself is in hold_wait.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "events.h"
#include "hold_wait.h"
#include "exit_codes.h"
#include "report.h"

int cli_cmd_hold(ldlm_client *client, const cli_options *o,
                 const cli_settings *st)
{
    static const int releasing[] = {SIGINT, SIGTERM, SIGHUP};
    ldlm_handle *lock = NULL;
    int rc = cli_acquire(client, o, st, &lock);
    if (rc != 0)
        return rc;

    /* From here on a signal means "release and exit 0". */
    if (cli_events_catch(releasing,
                         (int)(sizeof releasing / sizeof *releasing)) < 0) {
        cli_say("sigaction: %s", strerror(errno));
        rc = CLI_EXIT_INTERNAL;
        goto release;
    }
    char *key = ldlm_handle_key(lock);
    if (key == NULL) {
        cli_say("out of memory");
        rc = CLI_EXIT_INTERNAL;
        goto release;
    }
    int written = printf("%s\n", key);
    free(key);
    if (written < 0 || fflush(stdout) != 0) {
        cli_say("cannot write the key: %s", strerror(errno));
        rc = CLI_EXIT_IOERR;
        goto release;
    }

    cli_hold_end end = cli_hold_wait(o->name);
    if (end == CLI_HOLD_LOST) {
        ldlm_handle_free(lock);
        return CLI_EXIT_LOST;
    }
    /* A normal release: failing to unlock is an error, not a warning. */
    ldlm_err err = ldlm_handle_unlock(lock);
    ldlm_handle_free(lock);
    if (err != LDLM_OK)
        return cli_report_error(err, "unlock %s on %s", o->name,
                                cli_settings_server(st));
    return end == CLI_HOLD_ERROR ? CLI_EXIT_INTERNAL : CLI_EXIT_OK;

release: /* we failed before holding it for the user: give it back */
    cli_release(lock, o, st);
    ldlm_handle_free(lock);
    return rc;
}
