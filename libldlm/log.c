/* SPDX-License-Identifier: MIT */
/* log.c - routes gRPC's logging and our diagnostics to the application.
 *
 * gRPC prints to stderr by default; inside a PAM module that would be the
 * user's terminal, so applications can take the stream over. */
#include <stdarg.h>
#include <stdio.h>

#include <grpc/support/log.h>

#include "internal.h"

static ldlm_log_fn log_handler;
static void *log_userdata;
static ldlm_log_level log_min_level = LDLM_LOG_ERROR;

static ldlm_log_level level_from_grpc(gpr_log_severity severity)
{
    switch (severity) {
    case GPR_LOG_SEVERITY_DEBUG:
        return LDLM_LOG_DEBUG;
    case GPR_LOG_SEVERITY_INFO:
        return LDLM_LOG_INFO;
    default:
        return LDLM_LOG_ERROR;
    }
}

static void grpc_log_bridge(gpr_log_func_args *args)
{
    ldlm_log_level level = level_from_grpc(args->severity);
    if (!log_handler || level < log_min_level)
        return;
    char line[1024];
    snprintf(line, sizeof line, "grpc: %s (%s:%d)", args->message,
             args->file ? args->file : "?", args->line);
    log_handler(level, line, log_userdata);
}

void ldlm_set_log_handler(ldlm_log_fn fn, ldlm_log_level min_level,
                          void *userdata)
{
    log_handler = fn;
    log_userdata = userdata;
    log_min_level = min_level;
    if (fn) {
        gpr_set_log_function(grpc_log_bridge);
        gpr_set_log_verbosity(
            min_level == LDLM_LOG_DEBUG  ? GPR_LOG_SEVERITY_DEBUG
            : min_level == LDLM_LOG_INFO ? GPR_LOG_SEVERITY_INFO
                                         : GPR_LOG_SEVERITY_ERROR);
    } else {
        gpr_set_log_function(NULL);
    }
}

void ldlmi_log(ldlm_log_level level, const char *fmt, ...)
{
    if (!log_handler || level < log_min_level)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    log_handler(level, line, log_userdata);
}
