/* SPDX-License-Identifier: MIT */
/*
 * run.c - `ldlm run NAME -- COMMAND...`: takes the lock, runs the command
 * while holding it (child.h), releases it, and exits with the command's
 * status, or 75 if the lock was lost meanwhile.
 *
 * The command cannot ask whether the lock is still held, so ldlm asks for
 * it: libldlm reports a lock lost (its callback, events.h) before the
 * server can give it to anyone else, and the command's whole process group
 * is stopped then (see "Guarantees" in ldlm(1) for what cannot be covered:
 * ldlm itself frozen or starved longer than the lock's margin).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "child.h"
#include "commands.h"
#include "events.h"
#include "exit_codes.h"
#include "report.h"

int cli_cmd_run(ldlm_client *client, const cli_options *o,
                const cli_settings *st)
{
    static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGCHLD};
    ldlm_handle *lock = NULL;
    int rc = cli_acquire(client, o, st, &lock);
    if (rc != 0)
        return rc;

    /* Default actions while waiting for the lock; from here on the
     * command must be supervised. */
    if (cli_events_catch(forwarded,
                         (int)(sizeof forwarded / sizeof *forwarded)) < 0) {
        cli_say("sigaction: %s", strerror(errno));
        rc = CLI_EXIT_INTERNAL;
        goto release;
    }
    /* Lost while we set up (a loss reported meanwhile is also waiting in
     * the event pipe): the command must not start at all. */
    if (!ldlm_handle_locked(lock)) {
        cli_say("%s: lost the lock before the command could start", o->name);
        ldlm_handle_free(lock);
        return CLI_EXIT_LOST;
    }
    char *key = ldlm_handle_key(lock);
    char **env = key != NULL ? cli_child_environment(o->name, key) : NULL;
    free(key);
    if (env == NULL) {
        cli_say("out of memory");
        rc = CLI_EXIT_INTERNAL;
        goto release;
    }
    int exec_errno = 0;
    pid_t pid = cli_child_start(o->run_argv, env, &exec_errno);
    cli_child_environment_free(env);
    if (pid < 0) {
        cli_say("cannot start '%s': %s", o->run_argv[0], strerror(errno));
        rc = CLI_EXIT_INTERNAL;
        goto release;
    }
    if (exec_errno != 0)
        cli_say("cannot run '%s': %s", o->run_argv[0], strerror(exec_errno));

    bool lost = false;
    int wstatus = cli_child_supervise(pid, o->name, o->grace_seconds, &lost);
    if (lost) {
        ldlm_handle_free(lock); /* nothing left to unlock */
        return CLI_EXIT_LOST;
    }
    rc = cli_child_exit_status(wstatus);
release:
    cli_release(lock, o, st);
    ldlm_handle_free(lock);
    return rc;
}
