/* SPDX-License-Identifier: MIT */
/*
 * agent.c - ldlm(1)'s way to ldlmd (see agent.h).
 */
#include "agent.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldlm_util.h>

#include "exit_codes.h"
#include "report.h"
#include "settings.h"

const char *cli_agent_socket(const cli_options *o)
{
    const char *env = getenv("LDLM_AGENT_SOCKET");
    if (o->agent_socket != NULL)
        return o->agent_socket;
    if (env != NULL && env[0] != '\0')
        return env;
    return LDLM_AGENT_DEFAULT_SOCKET;
}

/* --timeout, the only connection option these commands take. */
static long timeout_ms(const cli_options *o)
{
    long seconds = CLI_DEFAULT_TIMEOUT_SECONDS;
    for (size_t i = 0; i < o->conn_count; i++) {
        long v;
        if (strcmp(o->conn[i].name, "timeout") == 0 &&
            o->conn[i].value != NULL &&
            ldlmu_parse_long(o->conn[i].value, 1, 2147483L, &v) ==
                LDLMU_NUMBER_OK)
            seconds = v;
    }
    return seconds * 1000L;
}

ldlm_agent *cli_agent_open(const cli_options *o)
{
    ldlm_agent *a = ldlm_agent_new(cli_agent_socket(o),
                                   ldlm_agent_deadline_after(timeout_ms(o)));
    if (a == NULL)
        cli_say("out of memory");
    return a;
}

static int exit_code(ldlm_agent_status st)
{
    switch (st) {
    case LDLM_AGENT_OK:
        return CLI_EXIT_OK;
    case LDLM_AGENT_NOT_FOUND:
    case LDLM_AGENT_REFUSED:
        return CLI_EXIT_REFUSED;
    case LDLM_AGENT_PERMISSION:
        return CLI_EXIT_AUTH;
    case LDLM_AGENT_UNREACHABLE:
    case LDLM_AGENT_TIMEOUT:
    case LDLM_AGENT_PROTOCOL:
    case LDLM_AGENT_SERVER_ERROR:
        return CLI_EXIT_UNAVAILABLE;
    case LDLM_AGENT_INVALID_ARGUMENT:
        return CLI_EXIT_USAGE;
    default:
        return CLI_EXIT_INTERNAL;
    }
}

int cli_agent_report(const ldlm_agent *a, ldlm_agent_status st,
                     const char *what)
{
    char detail[512];
    ldlmu_printable_into(ldlm_agent_error(a), detail, sizeof detail);
    cli_say("%s: %s", what,
            detail[0] != '\0' ? detail : ldlm_agent_strerror(st));
    return exit_code(st);
}

void cli_format_time(long long t, char *buf, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (localtime_r(&tt, &tm) == NULL ||
        strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        snprintf(buf, size, "%lld", t);
}
