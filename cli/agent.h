/* SPDX-License-Identifier: MIT */
/*
 * agent.h - how ldlm(1) reaches ldlmd for `sessions` and `status`: which
 * socket (--socket, else $LDLM_AGENT_SOCKET, else ldlmd's default), how
 * long to wait (--timeout, else 30 seconds), and the exit code and
 * message of a failure.
 */
#ifndef LDLM_CLI_AGENT_H
#define LDLM_CLI_AGENT_H

#include "agent_client.h"
#include "options.h"

/* The socket in use. */
const char *cli_agent_socket(const cli_options *o);

/* An agent for o's socket and deadline; NULL (reported) if out of
 * memory. */
ldlm_agent *cli_agent_open(const cli_options *o);

/* Reports a failed agent call, "ldlm: <what>: <detail>", and returns its
 * exit code. */
int cli_agent_report(const ldlm_agent *a, ldlm_agent_status st,
                     const char *what);

/* Unix time as local "YYYY-MM-DD HH:MM:SS". */
void cli_format_time(long long t, char *buf, size_t size);

#endif /* LDLM_CLI_AGENT_H */
