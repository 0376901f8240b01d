/* SPDX-License-Identifier: MIT */
/*
 * admin.c - `ldlm unlock NAME KEY` and `ldlm renew NAME KEY SECONDS`: act on
 * a lock by its key, from any host (keys are tokens, not tied to the
 * connection that took the lock), e.g. to free a slot a dead session left.
 */
#include "commands.h"
#include "exit_codes.h"
#include "report.h"

int cli_cmd_unlock(ldlm_client *client, const cli_options *o,
                   const cli_settings *st)
{
    bool unlocked = false;
    ldlm_err err = ldlm_unlock(client, o->name, o->key, &unlocked);
    if (err != LDLM_OK)
        return cli_report_error(err, "unlock %s on %s", o->name,
                                cli_settings_server(st));
    if (!unlocked) {
        cli_say("unlock %s on %s: the server did not release the lock", o->name,
                cli_settings_server(st));
        return CLI_EXIT_REFUSED;
    }
    return CLI_EXIT_OK;
}

int cli_cmd_renew(ldlm_client *client, const cli_options *o,
                  const cli_settings *st)
{
    ldlm_err err = ldlm_renew(client, o->name, o->key, o->renew_seconds, NULL);
    if (err != LDLM_OK)
        return cli_report_error(err, "renew %s on %s", o->name,
                                cli_settings_server(st));
    return CLI_EXIT_OK;
}
