/* SPDX-License-Identifier: MIT */
/*
 * connection.h - one thread per client connection: reads framed requests
 * (bounded in size and in idle time), answers each, until the client
 * closes, sends something that breaks the framing, or ldlmd stops.
 */
#ifndef LDLMD_CONNECTION_H
#define LDLMD_CONNECTION_H

#include <sys/types.h>

#include "ldlmd.h"

/* How long a connection may stay silent before ldlmd closes it, and the
 * most an answer may take to be written. */
#define LDLMD_IDLE_MS 10000
#define LDLMD_WRITE_MS 5000

/* An accepted connection, for the handlers. */
typedef struct ldlmd_conn {
    ldlmd *d;
    int fd;
    int slot; /* in d->conn_fds */
    pid_t peer_pid;
    uid_t peer_uid;
} ldlmd_conn;

/*
 * Serves an accepted, allowed socket on a new thread (it closes fd).
 * When ldlmd already serves its maximum of connections, or the thread
 * cannot start, answers "busy" at once and closes fd.
 */
void ldlmd_conn_start(ldlmd *d, int fd, pid_t peer_pid, uid_t peer_uid);

/* Answers a refused peer at once (never blocking) and closes fd. */
void ldlmd_conn_refuse(int fd, Ldlmd__Status status, const char *message);

/* Shutdown: wakes every connection thread (their reads end) and waits up
 * to `timeout_ms` for all to finish. 0 if they did, -1 if not. */
int ldlmd_conn_drain(ldlmd *d, int timeout_ms);

/* Sends a final answer without a body; 0 or -1. */
int ldlmd_conn_answer(ldlmd_conn *c, Ldlmd__Status status, const char *message);

/* Sends a packed Response; 0 or -1. */
int ldlmd_conn_send(ldlmd_conn *c, const Ldlmd__Response *r);

/* The handlers, in handle_*.c. Each answers (or the connection ends). */
void ldlmd_handle_acquire(ldlmd_conn *c, const Ldlmd__AcquireRequest *req,
                          long received_ms);
void ldlmd_handle_release(ldlmd_conn *c, const Ldlmd__ReleaseRequest *req);
void ldlmd_handle_list(ldlmd_conn *c);
void ldlmd_handle_status(ldlmd_conn *c);

#endif /* LDLMD_CONNECTION_H */
