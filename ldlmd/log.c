/* SPDX-License-Identifier: MIT */
/*
 * log.c - syslog or stderr (see log.h).
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <ldlm_util.h>

static bool log_stderr;
static bool log_debug;

void ldlmd_log_open(bool to_stderr, bool debug)
{
    log_stderr = to_stderr;
    log_debug = debug;
    if (!to_stderr)
        openlog("ldlmd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static const char *priority_name(int priority)
{
    switch (priority) {
    case LOG_EMERG:
    case LOG_ALERT:
    case LOG_CRIT:
    case LOG_ERR:
        return "error";
    case LOG_WARNING:
        return "warning";
    case LOG_NOTICE:
        return "notice";
    case LOG_INFO:
        return "info";
    default:
        return "debug";
    }
}

static void emit(int priority, const char *line)
{
    if (priority == LOG_DEBUG && !log_debug)
        return;
    if (!log_stderr) {
        syslog(priority, "%s", line);
        return;
    }
    /* One fprintf per line: stdio's lock keeps threads' lines whole. The
     * monotonic stamp lets a test read intervals off the log. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    fprintf(stderr, "ldlmd[%ld.%03ld] %s: %s\n", (long)ts.tv_sec,
            ts.tv_nsec / 1000000L, priority_name(priority), line);
}

void ldlmd_log(int priority, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    emit(priority, line);
}

void ldlmd_log_library(ldlm_log_level level, const char *message,
                       void *userdata)
{
    (void)userdata;
    char line[1024];
    /* gRPC's lines may hold line breaks and whatever a peer sent. */
    ldlmu_printable_into(message, line, sizeof line);
    int priority = level >= LDLM_LOG_ERROR  ? LOG_WARNING
                   : level == LDLM_LOG_INFO ? LOG_INFO
                                            : LOG_DEBUG;
    /* gRPC's own information (every reconnection attempt, poller
     * choices) would drown ldlmd's lines: kept for --debug. */
    if (priority == LOG_INFO && strncmp(message, "grpc", 4) == 0)
        priority = LOG_DEBUG;
    emit(priority, line);
}
