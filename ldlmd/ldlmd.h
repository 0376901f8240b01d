/* SPDX-License-Identifier: MIT */
/*
 * ldlmd.h - the daemon's shared state: one per process, made by main.c and
 * handed to every part (connections, the session table, the worker).
 *
 * Parts and calls (downward only):
 *   main.c         start-up, the event loop (listener, signals, pidfds),
 *                  shutdown
 *   connection.c   one thread per client connection: framed requests in,
 *                  answers out; handlers in handle_*.c
 *   acquire.c      takes the slots of a request through libldlm
 *   sessions.c     the session table (token -> slots, watched process)
 *   store.c        the table's copy in the run directory; takeback.c
 *                  reads it back after a restart
 *   worker.c       background thread: releases with retries, notices
 *                  re-acquired and lost slots, takes back pending slots
 *   request.c      decoding and checking of requests (fuzzed)
 *   listener.c, notify.c, log.c, options.c, connect.c, proc.c, token.c,
 *   lost.c, release.c
 *
 * Errors inside the daemon: functions return 0 or -1 and log their reason
 * themselves (ldlmd_log), or fill an ldlmd_problem (status for the client
 * plus one line) when the reason goes back to a client.
 *
 * Locks: the session table's mutex comes before libldlm's own (the table
 * calls handle accessors under it); no libldlm call that talks to the
 * server is ever made under it. The worker's queue and the lost-handle set
 * have leaf mutexes.
 */
#ifndef LDLMD_H
#define LDLMD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <ldlm.h>
#include <ldlm_conf.h>

#include "ldlmd.pb-c.h"
#include "options.h"

typedef struct ldlmd_sessions ldlmd_sessions;
typedef struct ldlmd_worker ldlmd_worker;
typedef struct ldlmd_store ldlmd_store;

/* A reason that goes back to a client: its status and one line. */
typedef struct ldlmd_problem {
    Ldlmd__Status status;
    char message[256];
} ldlmd_problem;

/* Sets *p and returns -1. */
int ldlmd_problem_set(ldlmd_problem *p, Ldlmd__Status status, const char *fmt,
                      ...) __attribute__((format(printf, 3, 4)));

/* Counters shown by `ldlm status`. */
typedef struct ldlmd_counters {
    atomic_uint_fast64_t sessions_opened;
    atomic_uint_fast64_t sessions_closed;
    atomic_uint_fast64_t reacquisitions;
    atomic_uint_fast64_t lost;
} ldlmd_counters;

typedef struct ldlmd {
    ldlmd_options opt;
    ldlm_conn_settings conn; /* what the configuration file says */
    int call_timeout_ms;     /* each server call's bound */
    ldlm_client *client;     /* the host's one connection */
    int64_t started;         /* Unix time */

    ldlmd_sessions *sessions;
    ldlmd_store *store;
    ldlmd_worker *worker;
    int epoll_fd; /* the main loop's; sessions add their pidfds to it */

    atomic_bool stopping; /* SIGTERM received: refuse new sessions */
    ldlmd_counters counters;

    /* Live connection threads, and their sockets so that a shutdown can
     * wake them. */
    pthread_mutex_t conn_mutex;
    pthread_cond_t conn_changed;
    int conn_count;
    int *conn_fds; /* opt.max_connections entries, -1 when free */
} ldlmd;

/* The first 8 characters of a token, for logs: the whole token is a
 * capability and stays out of log files. */
#define LDLMD_TOKEN_SHOWN 8

#endif /* LDLMD_H */
