/* SPDX-License-Identifier: MIT */
/*
 * sessions.h - the session table: each admitted login's token, identity,
 * watched process and slots.
 *
 * A session is in the table from the moment its slots are held until it
 * ends: its token is presented, its process exits, or ldlmd stops. Ending
 * takes it out of the table (so exactly one party ends it, whoever comes
 * first) and hands it to the caller detached, to release its slots and
 * free it. Every change of the table is written through to the store
 * before the table's mutex is let go, so that the files in the run
 * directory never name a session that has ended.
 *
 * Thread-safety: every function may be called from any thread; the table
 * has one mutex (see ldlmd.h for its place in the lock order). A detached
 * session belongs to whoever took it.
 */
#ifndef LDLMD_SESSIONS_H
#define LDLMD_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <ldlm.h>

#include "agent_protocol.h"
#include "ldlmd.h"

typedef enum ldlmd_slot_state {
    LDLMD_SLOT_HELD = 0, /* a handle; the library keeps (or re-takes) it */
    LDLMD_SLOT_PENDING,  /* no handle yet: to take back after a restart */
    LDLMD_SLOT_LOST      /* could not be had back */
} ldlmd_slot_state;

typedef struct ldlmd_slot {
    char *name;
    int size;
    ldlm_handle *handle; /* NULL unless held */
    char *key;           /* the last key seen (stored for a restart) */
    ldlmd_slot_state state;
    unsigned reacquired;
} ldlmd_slot;

typedef struct ldlmd_session {
    uint64_t id; /* for the event loop: never reused */
    char token[LDLM_AGENT_TOKEN_LEN + 1];
    char *user, *service, *tty, *rhost;
    pid_t pid;
    uint64_t start_time; /* of pid, see proc.h */
    int64_t since;       /* Unix time */
    int pidfd;           /* -1 once closed */
    ldlmd_slot *slots;
    size_t slot_count;
    struct ldlmd_session *prev, *next;
} ldlmd_session;

/* Event-loop ids below this are not sessions (listener, signals). */
#define LDLMD_FIRST_SESSION_ID 16

/* An empty session of `slot_count` slots with copies of the identity
 * strings; NULL if out of memory. Owns nothing else yet. */
ldlmd_session *ldlmd_session_new(const char *user, const char *service,
                                 const char *tty, const char *rhost,
                                 size_t slot_count);

/* Frees a detached session, its pidfd and any handle left in it (without
 * releasing them on the server: do that first). */
void ldlmd_session_free(ldlmd_session *s);

/* "3f2a9c1b (user alice, service sshd, tty pts/1, rhost 10.0.0.5, pid
 * 123)", escaped, for log lines. */
void ldlmd_session_describe(const ldlmd_session *s, char *buf, size_t size);

/* The table. `epoll_fd` receives each session's pidfd (event data: the
 * session's id) while it is in the table. NULL if out of memory. */
ldlmd_sessions *ldlmd_sessions_new(ldlmd *d, int epoll_fd);
/* Frees the table and every session still in it (handles freed, not
 * released). */
void ldlmd_sessions_free(ldlmd_sessions *t);

/*
 * Puts a session in the table: gives it an id, stores it, watches its
 * pidfd. Refused (-1, *p set) while ldlmd stops; the session then stays
 * the caller's.
 */
int ldlmd_sessions_add(ldlmd_sessions *t, ldlmd_session *s, ldlmd_problem *p);

/* Takes a session out (store file removed, pidfd unwatched) by token or
 * by id; NULL if no session has it. */
ldlmd_session *ldlmd_sessions_take_token(ldlmd_sessions *t, const char *token);
ldlmd_session *ldlmd_sessions_take_id(ldlmd_sessions *t, uint64_t id);

/* At shutdown: takes every session out, keeping their files so that the
 * next ldlmd takes their slots back. Returns a list linked by `next`. */
ldlmd_session *ldlmd_sessions_take_all(ldlmd_sessions *t);

/* Adds a session read back from the store, as it is (its slots pending):
 * no store write. */
void ldlmd_sessions_restore(ldlmd_sessions *t, ldlmd_session *s);

/* ---- For the worker -------------------------------------------------------- */

/* One pass over every held slot: marks those whose handle libldlm reported
 * lost (`is_lost`), counts and logs those it re-acquired under a new key,
 * and stores the new keys. */
void ldlmd_sessions_audit(ldlmd_sessions *t,
                          bool (*is_lost)(void *ctx, const ldlm_handle *h),
                          void *ctx);

/* A slot to take back, copied out of the table. */
typedef struct ldlmd_pending {
    uint64_t session_id;
    size_t slot;
    char *name;
    int size;
    char *old_key; /* NULL if none */
} ldlmd_pending;

/* Copies of every pending slot (at most `max`); *count set. To free with
 * ldlmd_pending_free. NULL with *count 0 when there is none. */
ldlmd_pending *ldlmd_sessions_pending(ldlmd_sessions *t, size_t max,
                                      size_t *count);
void ldlmd_pending_free(ldlmd_pending *p, size_t count);

/*
 * The outcome of taking back a pending slot: `handle` held (NULL: lost,
 * with `why` logged). Returns false when the slot is no longer pending
 * (the session ended meanwhile): the handle is then still the caller's.
 */
bool ldlmd_sessions_settle(ldlmd_sessions *t, const ldlmd_pending *p,
                           ldlm_handle *handle, const char *why);

/* ---- For the answers --------------------------------------------------------- */

/* Packs the list reply (oldest first) into a frame payload: *out to
 * free(). -1 if out of memory. */
int ldlmd_sessions_pack_list(ldlmd_sessions *t, uint8_t **out, size_t *len);

/* Counts for `ldlm status`. */
void ldlmd_sessions_count(ldlmd_sessions *t, unsigned *sessions, unsigned *held,
                          unsigned *not_held);

#endif /* LDLMD_SESSIONS_H */
