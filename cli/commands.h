/* SPDX-License-Identifier: MIT */
/*
 * commands.h - the commands of ldlm(1). Each returns the process's exit
 * code and has already reported any problem on stderr.
 */
#ifndef LDLM_CLI_COMMANDS_H
#define LDLM_CLI_COMMANDS_H

#include <ldlm.h>

#include "options.h"
#include "settings.h"

/* Shared by run and lock/try-lock: takes the lock per --wait. Returns 0
 * with *out held, or an exit code (the conflict code when busy). */
int cli_acquire(ldlm_client *client, const cli_options *o,
                const cli_settings *st, ldlm_handle **out);

/* run NAME -- COMMAND...: holds the lock while COMMAND runs. */
int cli_cmd_run(ldlm_client *client, const cli_options *o,
                const cli_settings *st);

/* lock / try-lock NAME: prints the key, holds until EOF on stdin or a
 * signal. */
int cli_cmd_hold(ldlm_client *client, const cli_options *o,
                 const cli_settings *st);

/* unlock NAME KEY, renew NAME KEY SECONDS. */
int cli_cmd_unlock(ldlm_client *client, const cli_options *o,
                   const cli_settings *st);
int cli_cmd_renew(ldlm_client *client, const cli_options *o,
                  const cli_settings *st);

/* sessions [--release TOKEN], status: through ldlmd, no server
 * connection of our own (sessions.c, status.c). */
int cli_cmd_sessions(const cli_options *o);
int cli_cmd_status(const cli_options *o);

/* Releases a held lock after use; reports a failure as a warning only (the
 * server also releases it when our connection closes). */
void cli_release(ldlm_handle *lock, const cli_options *o,
                 const cli_settings *st);

#endif /* LDLM_CLI_COMMANDS_H */
