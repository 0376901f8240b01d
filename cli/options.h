/* SPDX-License-Identifier: MIT */
/*
 * options.h - the command line of ldlm(1), parsed but not yet combined with
 * the environment and the configuration file (see settings.h).
 */
#ifndef LDLM_CLI_OPTIONS_H
#define LDLM_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum cli_command {
    CLI_CMD_NONE = 0,
    CLI_CMD_RUN,
    CLI_CMD_LOCK,
    CLI_CMD_TRY_LOCK,
    CLI_CMD_UNLOCK,
    CLI_CMD_RENEW,
    CLI_CMD_SESSIONS, /* through ldlmd, not the server */
    CLI_CMD_STATUS
} cli_command;

/* A connection setting given as an option, in command-line order. */
typedef struct cli_conn_option {
    const char *name;   /* configuration name: "server", "tls", ... */
    const char *value;  /* NULL for a bare flag (--tls) */
    const char *option; /* the long option, without dashes: "ca-file" */
} cli_conn_option;

#define CLI_MAX_CONN_OPTIONS 64

typedef struct cli_options {
    cli_command command;
    const char *command_word; /* as typed, for messages */
    const char *name;         /* lock name */
    const char *key;          /* unlock, renew */
    int renew_seconds;        /* renew */
    char **run_argv;          /* run: the command, NULL-terminated */

    int size;         /* 0 = not given (server default 1) */
    bool wait_given;  /* absent = wait as long as it takes */
    int wait_seconds; /* 0 = try once */
    int lock_timeout; /* 0 = none */
    int conflict_exit_code;
    int grace_seconds;

    /* sessions, status: ldlmd's socket (--socket, NULL = LDLM_AGENT_SOCKET
     * or the default), --json, and the token of --release. */
    const char *agent_socket;
    bool json;
    const char *release_token;

    bool verbose;
    bool quiet;
    bool help;
    bool version;
    bool print_config;

    const char *config_path; /* --config, or NULL */
    cli_conn_option conn[CLI_MAX_CONN_OPTIONS];
    size_t conn_count;

    char **argv_copy; /* owned storage behind the pointers above */
} cli_options;

/* Defaults of the options above. */
#define CLI_DEFAULT_GRACE_SECONDS 10

/*
 * Parses argv. Returns 0, or an exit code after printing one line on stderr
 * ("ldlm: ..."). On 0 release with cli_options_free().
 */
int cli_parse_options(int argc, char **argv, cli_options *o);
void cli_options_free(cli_options *o);

/* The usage text (--help). */
void cli_print_help(FILE *out);

#endif /* LDLM_CLI_OPTIONS_H */
