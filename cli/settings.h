/* SPDX-License-Identifier: MIT */
/*
 * settings.h - the connection settings ldlm(1) uses, resolved from (highest
 * precedence first) command-line options, LDLM_* environment variables,
 * the configuration file shared with pam_ldlm, and defaults.
 */
#ifndef LDLM_CLI_SETTINGS_H
#define LDLM_CLI_SETTINGS_H

#include <stdio.h>

#include <ldlm.h>

#include "ldlm_conf.h"
#include "options.h"

/* Each request's bound when no timeout is configured anywhere. */
#define CLI_DEFAULT_TIMEOUT_SECONDS 30
/* The library's default address, for messages. */
#define CLI_DEFAULT_SERVER "localhost:3144"

typedef struct cli_settings {
    ldlm_conf conf;          /* file, then environment, then options */
    ldlm_conn_settings conn; /* what is in force */
    const char *config_path; /* the file read, or NULL */
    const char *config_from; /* where its name came from */
    bool timeout_defaulted;  /* conn.timeout_seconds is ours */
    char *password;          /* wiped when freed */
} cli_settings;

/* 0, or an exit code after one line on stderr. */
int cli_settings_resolve(cli_settings *st, const cli_options *o);

/* --print-config: the settings in force and where each comes from. The
 * password itself is never printed. */
void cli_settings_print(const cli_settings *st, FILE *out);

/* Reads the password file, if any (owner: root or the invoking user). 0, or
 * an exit code after one line on stderr. */
int cli_settings_read_password(cli_settings *st);

/* The server address for messages. */
const char *cli_settings_server(const cli_settings *st);

/* Creates the client. 0, or an exit code after one line on stderr. */
int cli_settings_connect(const cli_settings *st, ldlm_lost_lock_fn lost,
                         void *lost_userdata, ldlm_client **out);

void cli_settings_free(cli_settings *st);

#endif /* LDLM_CLI_SETTINGS_H */
