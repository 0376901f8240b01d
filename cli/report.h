/* SPDX-License-Identifier: MIT */
/*
 * report.h - how ldlm(1) speaks: one line per error on stderr,
 * "ldlm: <what>: <error>[: <detail>]", and the exit code that goes with a
 * library error. Also keeps gRPC's own logging off the terminal unless
 * --verbose.
 */
#ifndef LDLM_CLI_REPORT_H
#define LDLM_CLI_REPORT_H

#include <stdbool.h>

#include <ldlm.h>

/* "ldlm: <message>\n" on stderr. */
void cli_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Reports a failed library call: "ldlm: <what>: <strerror>[: <detail>]"
 * where detail is the library's explanation (server message, gRPC status
 * text). Call it right after the failed call (the detail is per thread and
 * replaced by the next call). Returns cli_exit_code_for(err).
 */
int cli_report_error(ldlm_err err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The exit code of a library error (see exit_codes.h). */
int cli_exit_code_for(ldlm_err err);

/* Routes gRPC and library logs: to stderr when verbose, else nowhere. */
void cli_setup_logging(bool verbose);

#endif /* LDLM_CLI_REPORT_H */
