/* SPDX-License-Identifier: MIT */
/*
 * status.c - `ldlm status`: ldlmd's connection to the server (with the
 * latency of a ping it makes for the occasion), its sessions and its
 * re-acquisitions. Exit 0 when ldlmd reaches its server, 69 when it
 * cannot (the state is printed all the same) or ldlmd cannot be reached.
 */
#include <stdio.h>

#include <ldlm_util.h>

#include "agent.h"
#include "commands.h"
#include "exit_codes.h"
#include "json.h"
#include "report.h"

static void print_text(const ldlm_agent_daemon_info *d, const char *socket)
{
    char started[32], server[300], error[400], sock[300];
    cli_format_time((long long)d->started, started, sizeof started);
    ldlmu_printable_into(d->server, server, sizeof server);
    ldlmu_printable_into(d->ping_error, error, sizeof error);
    ldlmu_printable_into(socket, sock, sizeof sock);
    printf("ldlmd:           running, pid %ld, version %s, protocol %u, "
           "since %s\n",
           (long)d->pid, d->version, d->protocol, started);
    printf("socket:          %s\n", sock);
    printf("server:          %s\n", server);
    if (!d->tls)
        printf("tls:             no\n");
    else
        printf("tls:             yes, server certificate %s%s\n",
               d->tls_verify ? "verified" : "NOT verified (skip_verify)",
               d->tls_client_cert ? ", client certificate" : "");
    if (d->connected)
        printf("connection:      connected, ping %.2f ms\n",
               (double)d->ping_us / 1000.0);
    else
        printf("connection:      not connected: %s (after %.0f ms)\n", error,
               (double)d->ping_us / 1000.0);
    printf("sessions:        %u (slots: %u held, %u not held; %llu opened, "
           "%llu closed since start)\n",
           d->sessions, d->slots_held, d->slots_not_held,
           (unsigned long long)d->sessions_opened,
           (unsigned long long)d->sessions_closed);
    printf("re-acquisitions: %llu\n", (unsigned long long)d->reacquisitions);
    printf("lost slots:      %llu\n", (unsigned long long)d->lost);
}

static void print_json(const ldlm_agent_daemon_info *d, const char *socket)
{
    fputs("{\"socket\":", stdout);
    cli_json_string(stdout, socket);
    printf(",\"pid\":%ld,\"version\":", (long)d->pid);
    cli_json_string(stdout, d->version);
    printf(",\"protocol\":%u,\"started\":%lld,\"server\":", d->protocol,
           (long long)d->started);
    cli_json_string(stdout, d->server);
    printf(",\"tls\":%s,\"tls_verify\":%s,\"tls_client_cert\":%s,"
           "\"connected\":%s,\"ping_ms\":%.3f,\"ping_error\":",
           d->tls ? "true" : "false", d->tls_verify ? "true" : "false",
           d->tls_client_cert ? "true" : "false",
           d->connected ? "true" : "false", (double)d->ping_us / 1000.0);
    cli_json_string(stdout, d->ping_error);
    printf(",\"sessions\":%u,\"slots_held\":%u,\"slots_not_held\":%u,"
           "\"sessions_opened\":%llu,\"sessions_closed\":%llu,"
           "\"reacquisitions\":%llu,\"lost\":%llu}\n",
           d->sessions, d->slots_held, d->slots_not_held,
           (unsigned long long)d->sessions_opened,
           (unsigned long long)d->sessions_closed,
           (unsigned long long)d->reacquisitions, (unsigned long long)d->lost);
}

int cli_cmd_status(const cli_options *o)
{
    ldlm_agent *a = cli_agent_open(o);
    if (a == NULL)
        return CLI_EXIT_INTERNAL;
    ldlm_agent_daemon_info *d = NULL;
    ldlm_agent_status st = ldlm_agent_daemon_status(a, &d);
    int rc;
    if (st != LDLM_AGENT_OK) {
        char what[600];
        snprintf(what, sizeof what, "status of ldlmd at %s",
                 cli_agent_socket(o));
        rc = cli_agent_report(a, st, what);
    } else {
        if (o->json)
            print_json(d, cli_agent_socket(o));
        else
            print_text(d, cli_agent_socket(o));
        rc = d->connected ? CLI_EXIT_OK : CLI_EXIT_UNAVAILABLE;
        if (fflush(stdout) != 0)
            rc = CLI_EXIT_IOERR;
    }
    ldlm_agent_daemon_info_free(d);
    ldlm_agent_free(a);
    return rc;
}
