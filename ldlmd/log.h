/* SPDX-License-Identifier: MIT */
/*
 * log.h - ldlmd's log: syslog (facility daemon; the journal under systemd)
 * or standard error. Lines are escaped by the caller when they carry
 * client-supplied text (ldlmu_printable_into). Thread-safe after
 * ldlmd_log_open.
 */
#ifndef LDLMD_LOG_H
#define LDLMD_LOG_H

#include <stdbool.h>
#include <syslog.h>

#include <ldlm.h>

/* Before any thread starts. */
void ldlmd_log_open(bool to_stderr, bool debug);

/* One line at a syslog priority (LOG_ERR, LOG_WARNING, LOG_NOTICE,
 * LOG_INFO, LOG_DEBUG). Debug lines only with --debug. */
void ldlmd_log(int priority, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* libldlm's and gRPC's lines, for ldlm_set_log_handler. */
void ldlmd_log_library(ldlm_log_level level, const char *message,
                       void *userdata);

#endif /* LDLMD_LOG_H */
