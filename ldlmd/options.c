/* SPDX-License-Identifier: MIT */
/*
 * options.c - parses ldlmd's command line (see ldlmd.8).
 */
#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <ldlm_conf.h>
#include <ldlm_util.h>

#include "agent_protocol.h"

enum {
    OPT_CONFIG = 256,
    OPT_RUN_DIR,
    OPT_SOCKET,
    OPT_STDERR,
    OPT_DEBUG,
    OPT_ALLOW_UID,
    OPT_SOCKET_MODE,
    OPT_MAX_CONNECTIONS
};

/* "ldlmd: MESSAGE (see 'ldlmd --help')", and the exit code that goes with
 * it. */
#define usage(...) ldlmu_usage_error("ldlmd", EX_USAGE, __VA_ARGS__)

void ldlmd_print_help(FILE *out)
{
    fputs(
        "Usage: ldlmd [OPTIONS]\n"
        "The per-host agent of pam_ldlm: holds this host's session slots "
        "on the LDLM\n"
        "server through one connection, and serves a local socket.\n"
        "\n"
        "  --config FILE         connection settings "
        "(default " LDLM_CONF_DEFAULT_PATH ")\n"
        "  --run-dir DIR         session table and instance lock "
        "(default " LDLM_AGENT_DEFAULT_RUN_DIR ")\n"
        "  --socket PATH         where to listen (default RUN-DIR/ldlmd.sock)\n"
        "  --socket-mode MODE    permission bits of the socket (default "
        "0600)\n"
        "  --allow-uid UID       a uid allowed besides root (tests, "
        "unprivileged runs)\n"
        "  --max-connections N   connections served at once (default 256)\n"
        "  --stderr              log to standard error instead of syslog\n"
        "  --debug               log libldlm's debug lines too\n"
        "  -h, --help            this text\n"
        "  -V, --version         the version\n",
        out);
}

void ldlmd_options_free(ldlmd_options *o)
{
    free(o->socket_path);
    o->socket_path = NULL;
}

int ldlmd_parse_options(int argc, char **argv, ldlmd_options *o)
{
    memset(o, 0, sizeof *o);
    o->config_path = LDLM_CONF_DEFAULT_PATH;
    o->run_dir = LDLM_AGENT_DEFAULT_RUN_DIR;
    o->socket_mode = 0600;
    o->max_connections = LDLMD_DEFAULT_MAX_CONNECTIONS;
    const char *socket = NULL;

    static const struct option longopts[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"run-dir", required_argument, NULL, OPT_RUN_DIR},
        {"socket", required_argument, NULL, OPT_SOCKET},
        {"stderr", no_argument, NULL, OPT_STDERR},
        {"debug", no_argument, NULL, OPT_DEBUG},
        {"allow-uid", required_argument, NULL, OPT_ALLOW_UID},
        {"socket-mode", required_argument, NULL, OPT_SOCKET_MODE},
        {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    opterr = 0;
    optind = 0;
    int c;
    long v;
    while ((c = getopt_long(argc, argv, ":hV", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_CONFIG:
            if (optarg[0] == '\0')
                return usage("--config: empty file name");
            o->config_path = optarg;
            o->config_given = true;
            break;
        case OPT_RUN_DIR:
            if (optarg[0] != '/')
                return usage("--run-dir: '%s' is not an absolute path", optarg);
            o->run_dir = optarg;
            break;
        case OPT_SOCKET:
            if (optarg[0] != '/')
                return usage("--socket: '%s' is not an absolute path", optarg);
            socket = optarg;
            break;
        case OPT_STDERR:
            o->log_stderr = true;
            break;
        case OPT_DEBUG:
            o->debug = true;
            break;
        case OPT_ALLOW_UID:
            if (ldlmu_parse_long(optarg, 0, 2147483646L, &v) != LDLMU_NUMBER_OK)
                return usage("--allow-uid: '%s' is not a uid", optarg);
            o->allow_uid_set = true;
            o->allow_uid = (uid_t)v;
            break;
        case OPT_SOCKET_MODE: {
            char *end = NULL;
            unsigned long m = strtoul(optarg, &end, 8);
            if (optarg[0] < '0' || optarg[0] > '7' || *end != '\0' || m > 0777)
                return usage("--socket-mode: '%s' is not an octal mode "
                             "such as 0600",
                             optarg);
            o->socket_mode = (mode_t)m;
            break;
        }
        case OPT_MAX_CONNECTIONS:
            if (ldlmu_parse_long(optarg, 1, 65536, &v) != LDLMU_NUMBER_OK)
                return usage("--max-connections: '%s' is not a number "
                             "from 1 to 65536",
                             optarg);
            o->max_connections = (int)v;
            break;
        case 'h':
            o->help = true;
            break;
        case 'V':
            o->version = true;
            break;
        case ':':
            return usage("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage("unexpected argument '%s'", argv[optind]);
    if (socket != NULL) {
        o->socket_path = strdup(socket);
    } else {
        size_t n = strlen(o->run_dir) + sizeof "/ldlmd.sock";
        o->socket_path = malloc(n);
        if (o->socket_path != NULL)
            snprintf(o->socket_path, n, "%s/ldlmd.sock", o->run_dir);
    }
    if (o->socket_path == NULL) {
        fputs("ldlmd: out of memory\n", stderr);
        return EX_OSERR;
    }
    return 0;
}
