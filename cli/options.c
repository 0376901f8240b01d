/* SPDX-License-Identifier: MIT */
/*
 * options.c - parses the command line of ldlm(1).
 *
 * Form: ldlm [OPTIONS] COMMAND ARGS... [OPTIONS] [-- COMMAND-TO-RUN...]
 * Options may come before or after the command word; the first "--" ends
 * them. For `run`, what follows "--" is the command to run, untouched (its
 * own options are never mistaken for ours).
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exit_codes.h"
#include "options.h"

#include <ldlm_conf.h>
#include <ldlm_util.h>

/* Upper bound of the second counts we accept: the library turns seconds
 * into milliseconds in an int. */
#define MAX_SECONDS 2000000L
#define MAX_SIZE 1000000L

enum {
    OPT_SIZE = 256,
    OPT_LOCK_TIMEOUT,
    OPT_GRACE,
    OPT_CONFIG,
    OPT_PRINT_CONFIG,
    OPT_PASSWORD,
    OPT_JSON,
    OPT_RELEASE,
    OPT_SOCKET,
    OPT_CONN_FIRST /* connection options follow, in conn_options order */
};

/* The connection options come from the one table of connection settings
 * (ldlm_conn_setting in conf/), so that a setting added there is an option,
 * an environment variable and a file setting at once. */
static size_t conn_option_count(void)
{
    size_t n = 0;
    while (ldlm_conn_setting(n) != NULL)
        n++;
    return n;
}

/* Which lock options were given, to refuse those a command does not use. */
enum {
    GIVEN_SIZE = 1 << 0,
    GIVEN_WAIT = 1 << 1,
    GIVEN_LOCK_TIMEOUT = 1 << 2,
    GIVEN_CONFLICT = 1 << 3,
    GIVEN_GRACE = 1 << 4,
    GIVEN_QUIET = 1 << 5,
    GIVEN_JSON = 1 << 6,
    GIVEN_RELEASE = 1 << 7,
    GIVEN_SOCKET = 1 << 8,
    GIVEN_LAST = GIVEN_SOCKET
};

/* "ldlm: MESSAGE (see 'ldlm --help')", and the exit code that goes with it. */
#define usage_error(...) ldlmu_usage_error("ldlm", CLI_EXIT_USAGE, __VA_ARGS__)

/* Strict decimal number in [min, max]: no sign games, blanks or suffixes. */
static int parse_number(const char *what, const char *text, long min, long max,
                        int *out)
{
    long v = 0;
    if (ldlmu_parse_long(text, min, max, &v) != LDLMU_NUMBER_OK)
        return usage_error("%s: expected a whole number from %ld to %ld, "
                           "got '%s'",
                           what, min, max, text);
    *out = (int)v;
    return 0;
}

void cli_options_free(cli_options *o)
{
    free(o->argv_copy);
    o->argv_copy = NULL;
}

static const struct {
    const char *word;
    cli_command command;
    unsigned allowed; /* GIVEN_* bits the command accepts */
    int positionals;  /* after the command word */
    const char *synopsis;
} commands[] = {
    {"run", CLI_CMD_RUN,
     GIVEN_SIZE | GIVEN_WAIT | GIVEN_LOCK_TIMEOUT | GIVEN_CONFLICT |
         GIVEN_GRACE | GIVEN_QUIET,
     1, "run NAME [OPTIONS] -- COMMAND [ARGS...]"},
    {"lock", CLI_CMD_LOCK,
     GIVEN_SIZE | GIVEN_WAIT | GIVEN_LOCK_TIMEOUT | GIVEN_CONFLICT |
         GIVEN_QUIET,
     1, "lock NAME [OPTIONS]"},
    {"try-lock", CLI_CMD_TRY_LOCK,
     GIVEN_SIZE | GIVEN_LOCK_TIMEOUT | GIVEN_CONFLICT | GIVEN_QUIET, 1,
     "try-lock NAME [OPTIONS]"},
    {"unlock", CLI_CMD_UNLOCK, 0, 2, "unlock NAME KEY"},
    {"renew", CLI_CMD_RENEW, 0, 3, "renew NAME KEY SECONDS"},
    {"sessions", CLI_CMD_SESSIONS, GIVEN_JSON | GIVEN_RELEASE | GIVEN_SOCKET, 0,
     "sessions [--release TOKEN] [--json] [--socket PATH]"},
    {"status", CLI_CMD_STATUS, GIVEN_JSON | GIVEN_SOCKET, 0,
     "status [--json] [--socket PATH]"},
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static const char *given_option_name(unsigned bit)
{
    switch (bit) {
    case GIVEN_SIZE:
        return "--size";
    case GIVEN_WAIT:
        return "--wait";
    case GIVEN_LOCK_TIMEOUT:
        return "--lock-timeout";
    case GIVEN_CONFLICT:
        return "--conflict-exit-code";
    case GIVEN_GRACE:
        return "--grace";
    case GIVEN_JSON:
        return "--json";
    case GIVEN_RELEASE:
        return "--release";
    case GIVEN_SOCKET:
        return "--socket";
    default:
        return "--quiet";
    }
}

/* sessions and status talk to ldlmd, which has its own connection
 * settings: of ours, only --timeout (how long to wait for ldlmd) applies. */
static int check_agent_options(const cli_options *o)
{
    for (size_t i = 0; i < o->conn_count; i++) {
        if (strcmp(o->conn[i].name, "timeout") != 0)
            return usage_error("--%s does not apply to %s: ldlmd uses the "
                               "settings of its own configuration",
                               o->conn[i].option, o->command_word);
    }
    if (o->config_path != NULL)
        return usage_error("--config does not apply to %s", o->command_word);
    return 0;
}

/* Checks the positional arguments against the command's form. */
static int apply_positionals(cli_options *o, char **pos, int npos,
                             unsigned given, bool saw_separator)
{
    if (npos == 0)
        return usage_error("missing command: run, lock, try-lock, unlock, "
                           "renew, sessions or status");
    size_t c = 0;
    while (c < COMMAND_COUNT && strcmp(commands[c].word, pos[0]) != 0)
        c++;
    if (c == COMMAND_COUNT)
        return usage_error("unknown command '%s'", pos[0]);
    o->command = commands[c].command;
    o->command_word = commands[c].word;

    int want = commands[c].positionals;
    if (npos - 1 < want)
        return usage_error("%s: missing argument (usage: ldlm %s)", pos[0],
                           commands[c].synopsis);
    if (o->command == CLI_CMD_RUN && !saw_separator)
        return usage_error("run: put '--' before the command to run "
                           "(usage: ldlm %s)",
                           commands[c].synopsis);
    if (npos - 1 > want)
        return usage_error("%s: unexpected argument '%s' (usage: ldlm %s)",
                           pos[0], pos[want + 1], commands[c].synopsis);
    for (unsigned bit = 1; bit <= GIVEN_LAST; bit <<= 1) {
        if ((given & bit) && !(commands[c].allowed & bit)) {
            if (o->command == CLI_CMD_TRY_LOCK && bit == GIVEN_WAIT)
                return usage_error("try-lock never waits: use 'lock --wait "
                                   "SECONDS' to wait");
            return usage_error("%s does not apply to %s",
                               given_option_name(bit), pos[0]);
        }
    }
    if (o->command == CLI_CMD_SESSIONS || o->command == CLI_CMD_STATUS)
        return check_agent_options(o);
    o->name = pos[1];
    if (o->name[0] == '\0')
        return usage_error("%s: the lock name is empty", pos[0]);
    if (want >= 2) {
        o->key = pos[2];
        if (o->key[0] == '\0')
            return usage_error("%s: the key is empty", pos[0]);
    }
    if (o->command == CLI_CMD_RENEW &&
        parse_number("renew: SECONDS", pos[3], 1, MAX_SECONDS,
                     &o->renew_seconds) != 0)
        return CLI_EXIT_USAGE;
    if (o->command == CLI_CMD_RUN &&
        (o->run_argv == NULL || o->run_argv[0] == NULL))
        return usage_error("run: no command after '--'");
    return 0;
}

int cli_parse_options(int argc, char **argv, cli_options *o)
{
    memset(o, 0, sizeof *o);
    o->conflict_exit_code = CLI_EXIT_CONFLICT;
    o->grace_seconds = CLI_DEFAULT_GRACE_SECONDS;

    /* Options end at the first "--". */
    int sep = 1;
    while (sep < argc && strcmp(argv[sep], "--") != 0)
        sep++;
    bool saw_separator = sep < argc;

    o->argv_copy = calloc((size_t)argc + 1, sizeof *o->argv_copy);
    if (o->argv_copy == NULL) {
        fputs("ldlm: out of memory\n", stderr);
        return CLI_EXIT_INTERNAL;
    }
    /* Positionals are collected at the end of the same array. */
    char **opt_argv = o->argv_copy;
    for (int i = 0; i < sep; i++)
        opt_argv[i] = argv[i];
    char *pos_storage[8];
    int npos = 0;

    struct option longopts[32];
    size_t n = 0;
    longopts[n++] = (struct option){"help", no_argument, NULL, 'h'};
    longopts[n++] = (struct option){"version", no_argument, NULL, 'V'};
    longopts[n++] = (struct option){"verbose", no_argument, NULL, 'v'};
    longopts[n++] = (struct option){"quiet", no_argument, NULL, 'q'};
    longopts[n++] = (struct option){"size", required_argument, NULL, OPT_SIZE};
    longopts[n++] = (struct option){"wait", required_argument, NULL, 'w'};
    longopts[n++] = (struct option){"lock-timeout", required_argument, NULL,
                                    OPT_LOCK_TIMEOUT};
    longopts[n++] =
        (struct option){"conflict-exit-code", required_argument, NULL, 'E'};
    longopts[n++] =
        (struct option){"grace", required_argument, NULL, OPT_GRACE};
    longopts[n++] =
        (struct option){"config", required_argument, NULL, OPT_CONFIG};
    longopts[n++] =
        (struct option){"print-config", no_argument, NULL, OPT_PRINT_CONFIG};
    longopts[n++] = (struct option){"json", no_argument, NULL, OPT_JSON};
    longopts[n++] =
        (struct option){"release", required_argument, NULL, OPT_RELEASE};
    longopts[n++] =
        (struct option){"socket", required_argument, NULL, OPT_SOCKET};
    /* Known only to explain why it is refused. */
    longopts[n++] =
        (struct option){"password", optional_argument, NULL, OPT_PASSWORD};
    const size_t conn_count = conn_option_count();
    if (n + conn_count >= sizeof longopts / sizeof longopts[0]) {
        fputs("ldlm: internal error: too many options\n", stderr);
        return CLI_EXIT_INTERNAL;
    }
    for (size_t i = 0; i < conn_count; i++) {
        const ldlm_conn_setting_names *c = ldlm_conn_setting(i);
        longopts[n++] = (struct option){
            c->option, c->is_flag ? optional_argument : required_argument, NULL,
            OPT_CONN_FIRST + (int)i};
    }
    longopts[n] = (struct option){NULL, 0, NULL, 0};

    unsigned given = 0;
    int rc = 0;
    /* '-': positionals come back in order as option 1, whatever
     * POSIXLY_CORRECT says; ':': report a missing value as ':'. */
    static const char shortopts[] = "-:hVvqnw:E:";
    optind = 0; /* full reinitialisation of getopt's state (glibc) */
    opterr = 0;
    for (;;) {
        int c = getopt_long(sep, opt_argv, shortopts, longopts, NULL);
        if (c == -1)
            break;
        const char *spelled = opt_argv[optind - 1];
        switch (c) {
        case 1:
            if (npos == (int)(sizeof pos_storage / sizeof *pos_storage)) {
                rc = usage_error("too many arguments");
                goto out;
            }
            pos_storage[npos++] = optarg;
            break;
        case 'h':
            o->help = true;
            break;
        case 'V':
            o->version = true;
            break;
        case 'v':
            o->verbose = true;
            break;
        case 'q':
            o->quiet = true;
            given |= GIVEN_QUIET;
            break;
        case 'n':
            o->wait_given = true;
            o->wait_seconds = 0;
            given |= GIVEN_WAIT;
            break;
        case 'w':
            if ((rc = parse_number("--wait", optarg, 0, MAX_SECONDS,
                                   &o->wait_seconds)) != 0)
                goto out;
            o->wait_given = true;
            given |= GIVEN_WAIT;
            break;
        case 'E':
            if ((rc = parse_number("--conflict-exit-code", optarg, 0, 255,
                                   &o->conflict_exit_code)) != 0)
                goto out;
            given |= GIVEN_CONFLICT;
            break;
        case OPT_SIZE:
            if ((rc = parse_number("--size", optarg, 1, MAX_SIZE, &o->size)) !=
                0)
                goto out;
            given |= GIVEN_SIZE;
            break;
        case OPT_LOCK_TIMEOUT:
            if ((rc = parse_number("--lock-timeout", optarg, 1, MAX_SECONDS,
                                   &o->lock_timeout)) != 0)
                goto out;
            given |= GIVEN_LOCK_TIMEOUT;
            break;
        case OPT_GRACE:
            if ((rc = parse_number("--grace", optarg, 0, MAX_SECONDS,
                                   &o->grace_seconds)) != 0)
                goto out;
            given |= GIVEN_GRACE;
            break;
        case OPT_CONFIG:
            if (optarg[0] == '\0') {
                rc = usage_error("--config: empty file name");
                goto out;
            }
            o->config_path = optarg;
            break;
        case OPT_PRINT_CONFIG:
            o->print_config = true;
            break;
        case OPT_JSON:
            o->json = true;
            given |= GIVEN_JSON;
            break;
        case OPT_RELEASE:
            if (optarg[0] == '\0') {
                rc = usage_error("--release: empty token");
                goto out;
            }
            o->release_token = optarg;
            given |= GIVEN_RELEASE;
            break;
        case OPT_SOCKET:
            if (optarg[0] == '\0') {
                rc = usage_error("--socket: empty path");
                goto out;
            }
            o->agent_socket = optarg;
            given |= GIVEN_SOCKET;
            break;
        case OPT_PASSWORD:
            rc = usage_error("--password is not accepted: a password on the "
                             "command line is visible to every user in ps; "
                             "put it in a file readable only by you and use "
                             "--password-file FILE");
            goto out;
        case ':':
            if (strncmp(spelled, "--", 2) == 0)
                rc = usage_error("option '%s' needs a value", spelled);
            else
                rc = usage_error("option '-%c' needs a value", optopt);
            goto out;
        case '?':
            if (optopt != 0 && strncmp(spelled, "--", 2) != 0)
                rc = usage_error("unknown option '-%c'", optopt);
            else if (optopt != 0)
                rc = usage_error("option '%.*s' takes no value",
                                 (int)strcspn(spelled, "="), spelled);
            else
                rc = usage_error("unknown or ambiguous option '%s'", spelled);
            goto out;
        default:
            if (c >= OPT_CONN_FIRST && c < OPT_CONN_FIRST + (int)conn_count) {
                const ldlm_conn_setting_names *conn =
                    ldlm_conn_setting((size_t)(c - OPT_CONN_FIRST));
                if (o->conn_count == CLI_MAX_CONN_OPTIONS) {
                    rc = usage_error("too many connection options");
                    goto out;
                }
                o->conn[o->conn_count++] =
                    (cli_conn_option){.name = conn->name,
                                      .value = optarg,
                                      .option = conn->option};
                break;
            }
            rc = usage_error("unexpected option '%s'", spelled);
            goto out;
        }
    }

    if (o->help || o->version)
        goto out;
    if (saw_separator) {
        /* After "--": the command to run, or more positionals. */
        if (npos > 0 && strcmp(pos_storage[0], "run") == 0) {
            o->run_argv = argv + sep + 1;
        } else {
            for (int i = sep + 1; i < argc; i++) {
                if (npos == (int)(sizeof pos_storage / sizeof *pos_storage)) {
                    rc = usage_error("too many arguments");
                    goto out;
                }
                pos_storage[npos++] = argv[i];
            }
        }
    }
    if (o->print_config) {
        if (npos > 0)
            rc = usage_error("--print-config takes no command");
        goto out;
    }
    rc = apply_positionals(o, pos_storage, npos, given, saw_separator);
out:
    if (rc != 0)
        cli_options_free(o);
    return rc;
}
