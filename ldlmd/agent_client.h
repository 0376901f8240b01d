/* SPDX-License-Identifier: MIT */
/*
 * agent_client.h - the client of ldlmd, the per-host daemon that holds the
 * host's session slots on the LDLM server (proto/ldlmd.proto, ldlmd(8)).
 *
 * This is what pam_ldlm (mode=agent) and ldlm(1) (`sessions`, `status`)
 * call. It speaks only to the Unix socket of the local ldlmd: it links
 * protobuf-c and libc, never gRPC or libldlm, so a process that loads it
 * gets no thread, no connection to the lock server and no signal handler.
 * Internal to this project (a convenience library), not installed.
 *
 * Typical use by a login:
 *
 *     ldlm_agent *a = ldlm_agent_new(NULL, ldlm_agent_deadline_after(5000));
 *     ldlm_agent_lock locks[] = {{"pam_ldlm/user/alice", 3}};
 *     ldlm_agent_identity who = {.user = "alice", .service = "sshd",
 *                                .tty = "ssh", .rhost = "10.0.0.5"};
 *     ldlm_agent_acquire_result res;
 *     ldlm_agent_status st = ldlm_agent_acquire(a, locks, 1, &who, 0, NULL,
 *                                               NULL, &res);
 *     if (st == LDLM_AGENT_OK)       keep res.token for the close
 *     else if (st == LDLM_AGENT_FULL) refuse the login
 *     else                            on_error decides (ldlm_agent_error(a))
 *     ldlm_agent_free(a);
 *     ...
 *     later, in any root process: ldlm_agent_release(b, token, NULL)
 *
 * A session ends when its token is released or when its process exits
 * (ldlmd watches it), whichever comes first.
 *
 * Time: every call on an agent is over by the deadline given to
 * ldlm_agent_new (milliseconds of CLOCK_MONOTONIC), connection included;
 * then it returns LDLM_AGENT_TIMEOUT. ldlmd is told how much time is left,
 * and an acquisition whose answer comes too late is given back by ldlmd
 * (the caller never saw its token).
 *
 * Errors: each call returns an ldlm_agent_status; the detail of a failure
 * (one line of English for a log) is on the agent, ldlm_agent_error(a),
 * until its next call.
 *
 * Ownership: strings passed in are read during the call only. Results
 * returned through pointers (sessions, daemon info) belong to the caller
 * and are released with their _free function; strings inside them live as
 * long as the result.
 *
 * Threads and processes: an agent is one connection and must not be used
 * by two threads at once; distinct agents are independent (no global
 * state). Descriptors are close-on-exec; nothing raises SIGPIPE. After
 * fork() the child may use a fresh agent; freeing an inherited one only
 * closes the child's descriptor.
 */
#ifndef LDLM_AGENT_CLIENT_H
#define LDLM_AGENT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "agent_protocol.h"

typedef struct ldlm_agent ldlm_agent;

typedef enum ldlm_agent_status {
    LDLM_AGENT_OK = 0,
    /* Answers from ldlmd about the request. */
    LDLM_AGENT_FULL,          /* every slot of a lock is taken */
    LDLM_AGENT_SIZE_MISMATCH, /* the server has the lock with another size */
    LDLM_AGENT_SERVER_ERROR,  /* the LDLM server is unreachable or refused */
    LDLM_AGENT_DAEMON_ERROR,  /* ldlmd's own trouble: configuration, memory */
    LDLM_AGENT_NOT_FOUND,     /* no session has that token */
    LDLM_AGENT_NO_PROCESS,    /* the session's process does not exist */
    LDLM_AGENT_REFUSED,       /* bad request, other version, busy, stopping */
    LDLM_AGENT_PERMISSION,    /* this uid may not talk to ldlmd */
    /* Failures to talk to ldlmd at all. */
    LDLM_AGENT_UNREACHABLE, /* no socket, nobody listening, not allowed */
    LDLM_AGENT_TIMEOUT,     /* the deadline passed */
    LDLM_AGENT_PROTOCOL,    /* connection lost, unreadable answer */
    /* Local problems. */
    LDLM_AGENT_INVALID_ARGUMENT,
    LDLM_AGENT_NO_MEMORY
} ldlm_agent_status;

/* Static English description of a status; never NULL. */
const char *ldlm_agent_strerror(ldlm_agent_status st);

/* CLOCK_MONOTONIC now plus `ms` milliseconds: a deadline for
 * ldlm_agent_new. */
long ldlm_agent_deadline_after(long ms);

/*
 * An agent that will talk to the ldlmd listening on `socket_path` (NULL:
 * LDLM_AGENT_DEFAULT_SOCKET; the path is copied), every call over by
 * `deadline_ms`. Nothing is connected yet: the first call connects. NULL
 * only when out of memory.
 */
ldlm_agent *ldlm_agent_new(const char *socket_path, long deadline_ms);

/* Moves the deadline of later calls. */
void ldlm_agent_set_deadline(ldlm_agent *a, long deadline_ms);

/* Closes the connection and frees the agent. NULL is a no-op. */
void ldlm_agent_free(ldlm_agent *a);

/* Why the last call failed, one line; "" after a success. Owned by the
 * agent, valid until its next call. */
const char *ldlm_agent_error(const ldlm_agent *a);

/* The protocol version ldlmd announced in its last answer (0: none yet). */
unsigned ldlm_agent_daemon_version(const ldlm_agent *a);

/* ---- Sessions -------------------------------------------------------------- */

/* One lock to hold a slot of. */
typedef struct ldlm_agent_lock {
    const char *name; /* non-empty UTF-8, at most LDLM_AGENT_MAX_LOCK_NAME */
    int size;         /* the limit: 1 .. LDLM_AGENT_MAX_LOCK_SIZE */
} ldlm_agent_lock;

/* Who the session is for; shown by `ldlm sessions` and in ldlmd's log.
 * Strings may be NULL (empty); UTF-8, at most LDLM_AGENT_MAX_IDENTITY
 * bytes each (escape anything else first). */
typedef struct ldlm_agent_identity {
    const char *user;
    const char *service;
    const char *tty;
    const char *rhost;
    pid_t pid; /* whose exit ends the session; 0 = the calling process */
} ldlm_agent_identity;

typedef struct ldlm_agent_acquire_result {
    char token[LDLM_AGENT_TOKEN_LEN + 1]; /* LDLM_AGENT_OK: the session */
    size_t failed_lock; /* otherwise: index of the lock that failed */
    int ldlm_error;     /* libldlm's ldlm_err behind it, 0 if none */
    long elapsed_ms;    /* ldlmd's time on the request */
} ldlm_agent_acquire_result;

/* Called during ldlm_agent_acquire when lock `index` is full and ldlmd
 * waits up to `seconds` for one of its slots to free up. */
typedef void (*ldlm_agent_waiting_fn)(void *context, size_t index,
                                      long seconds);

/*
 * Takes one slot of every lock, in order, all or nothing, for a new session
 * of `who`; a full lock is waited for up to `wait_seconds` (0: not at all).
 * On LDLM_AGENT_OK res->token names the session. On LDLM_AGENT_FULL,
 * LDLM_AGENT_SIZE_MISMATCH and LDLM_AGENT_SERVER_ERROR, res->failed_lock
 * says which lock. `waiting` may be NULL.
 */
ldlm_agent_status
ldlm_agent_acquire(ldlm_agent *a, const ldlm_agent_lock *locks, size_t count,
                   const ldlm_agent_identity *who, int wait_seconds,
                   ldlm_agent_waiting_fn waiting, void *context,
                   ldlm_agent_acquire_result *res);

/*
 * Ends the session of `token`: ldlmd releases its slots. *released (may be
 * NULL) receives how many were released on the server at once; slots ldlmd
 * could not release yet (server unreachable) are released later by it.
 * LDLM_AGENT_NOT_FOUND when no session has that token (already ended).
 */
ldlm_agent_status ldlm_agent_release(ldlm_agent *a, const char *token,
                                     unsigned *released);

/* ---- Administration ------------------------------------------------------- */

typedef enum ldlm_agent_slot_state {
    LDLM_AGENT_SLOT_HELD = 1,
    LDLM_AGENT_SLOT_PENDING,      /* to take back after an ldlmd restart */
    LDLM_AGENT_SLOT_REACQUIRING,  /* lost with the connection, coming back */
    LDLM_AGENT_SLOT_LOST,         /* could not be had back */
    LDLM_AGENT_SLOT_UNKNOWN = 100 /* a state this code does not know */
} ldlm_agent_slot_state;

/* "held", "pending", "reacquiring", "lost", "unknown". */
const char *ldlm_agent_slot_state_name(ldlm_agent_slot_state s);

typedef struct ldlm_agent_slot {
    const char *name;
    int size;
    ldlm_agent_slot_state state;
    unsigned reacquired;
} ldlm_agent_slot;

typedef struct ldlm_agent_session {
    const char *token;
    const char *user, *service, *tty, *rhost; /* "" when not given */
    pid_t pid;
    int64_t since; /* Unix time, seconds */
    const ldlm_agent_slot *slots;
    size_t slot_count;
} ldlm_agent_session;

typedef struct ldlm_agent_sessions {
    const ldlm_agent_session *sessions;
    size_t count;
    void *storage_; /* private */
} ldlm_agent_sessions;

/* The host's sessions, oldest first. On LDLM_AGENT_OK *out is to free with
 * ldlm_agent_sessions_free. */
ldlm_agent_status ldlm_agent_list(ldlm_agent *a, ldlm_agent_sessions **out);
void ldlm_agent_sessions_free(ldlm_agent_sessions *s);

typedef struct ldlm_agent_daemon_info {
    const char *version; /* ldlmd's package version */
    unsigned protocol;   /* its protocol version */
    pid_t pid;
    int64_t started; /* Unix time, seconds */
    const char *server;
    bool tls, tls_verify, tls_client_cert;
    bool connected;         /* the server answered ldlmd's ping */
    long ping_us;           /* how long the ping took */
    const char *ping_error; /* why not connected; "" otherwise */
    unsigned sessions, slots_held, slots_not_held;
    uint64_t reacquisitions, lost, sessions_opened, sessions_closed;
    void *storage_; /* private */
} ldlm_agent_daemon_info;

/* ldlmd's state; it pings the server to fill `connected` and `ping_us`.
 * On LDLM_AGENT_OK *out is to free with ldlm_agent_daemon_info_free. */
ldlm_agent_status ldlm_agent_daemon_status(ldlm_agent *a,
                                           ldlm_agent_daemon_info **out);
void ldlm_agent_daemon_info_free(ldlm_agent_daemon_info *info);

#endif /* LDLM_AGENT_CLIENT_H */
