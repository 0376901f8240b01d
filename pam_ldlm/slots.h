/* SPDX-License-Identifier: MIT */
/*
 * slots.h - taking and giving back session slots on the LDLM server.
 *
 * A slot is one hold of a counting lock whose size is the limit: the user's
 * own lock, plus one lock per pool the user belongs to. All of a session's
 * holds go through one libldlm client, i.e. one connection: if the process
 * or its host dies, the server ends the connection and frees the slots.
 *
 * Time: pldlm_slots_acquire is over by the login's deadline (timeout= after
 * the PAM call began), whatever the server does: stopped, dead or
 * unreachable. wait= (the time a login may wait for a slot to free up) is
 * part of that budget; the rest is split evenly between the calls the
 * acquisition may make, and each call's deadline (libldlm's call_timeout_ms,
 * retries included) is its share. Beyond those shares, a watchdog cancels
 * every call still running when the deadline comes (ldlm_client_cancel), so
 * reconnections, retries and the giving back of a partial acquisition are
 * bounded too.
 *
 * Processes: the slots belong to the process that acquired them. Only that
 * process may release them; any other process (a fork) may only forget its
 * copy, which frees memory without touching the connection.
 */
#ifndef PAM_LDLM_SLOTS_H
#define PAM_LDLM_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <ldlm.h>
#include <ldlm_conf.h>

typedef struct pldlm_slots pldlm_slots;

/* One lock to hold. */
typedef struct pldlm_slot_request {
    const char *lock_name;
    int size;          /* the limit: > 0 */
    const char *group; /* the pool's group; NULL for the user's own lock */
} pldlm_slot_request;

typedef enum pldlm_acquire_status {
    PLDLM_ACQUIRED = 0,
    PLDLM_SLOTS_FULL,    /* every slot of some lock is taken */
    PLDLM_SIZE_MISMATCH, /* the server has the lock with another size */
    PLDLM_SERVER_ERROR,  /* unreachable, too slow, refused, ... */
    PLDLM_LOCAL_ERROR,   /* our side: password file, TLS files, address */
    /* mode=agent only (agent_slots.h; the backend never returns it): ldlmd
     * unreachable, too slow, or failing. */
    PLDLM_AGENT_ERROR
} pldlm_acquire_status;

typedef struct pldlm_acquire_result {
    pldlm_acquire_status status;
    size_t request;   /* index of the request that failed */
    ldlm_err err;     /* libldlm's error, LDLM_OK if none */
    long elapsed_ms;  /* time spent in pldlm_slots_acquire */
    char detail[512]; /* explanation for the log */
} pldlm_acquire_result;

/* Who the slots are for, as shown in log lines (printable strings). */
typedef struct pldlm_identity {
    const char *user;
    const char *service;
    const char *rhost;
} pldlm_identity;

/* The few settings the slot code needs; nothing else of the module's
 * configuration crosses into it. */
typedef struct pldlm_slot_settings {
    const ldlm_conn_settings *conn; /* server, password file, TLS, retries */
    int64_t deadline_ms;  /* CLOCK_MONOTONIC, in ms: the acquisition is over */
    int wait_seconds;     /* the part a login may wait for a slot */
    bool max_retries_set; /* conn->max_retries given explicitly */
    bool debug;           /* libldlm's debug lines to syslog */
} pldlm_slot_settings;

/*
 * How the slot code reaches the user and the log: through the module, the
 * only part that speaks PAM (calls run downward: module -> slots ->
 * libldlm). Either function may be NULL.
 */
typedef struct pldlm_slot_events {
    void *context;
    /* A lock is full and the login now waits up to `seconds` for a slot. */
    void (*waiting)(void *context, const pldlm_slot_request *r, long seconds);
    /* A line for the log, at syslog `priority`. */
    void (*log)(void *context, int priority, const char *message);
} pldlm_slot_events;

/*
 * Acquires every request in order, all or nothing. When a lock is full and
 * wait is set, says so through events->waiting and waits. Returns
 * res->status; on PLDLM_ACQUIRED *out holds the slots.
 */
pldlm_acquire_status pldlm_slots_acquire(
    const pldlm_slot_settings *settings, const pldlm_slot_events *events,
    const pldlm_slot_request *requests, size_t count, const pldlm_identity *who,
    pldlm_slots **out, pldlm_acquire_result *res);

/* The process that acquired the slots. */
pid_t pldlm_slots_owner(const pldlm_slots *s);

/* Number of locks held. */
size_t pldlm_slots_count(const pldlm_slots *s);

/*
 * In the owner process: unlocks every hold (bounded by the call deadline),
 * closes the connection and frees everything. Failures are logged; the
 * server frees whatever is left when the connection closes.
 */
void pldlm_slots_release(pldlm_slots *s, const pldlm_slot_events *events);

/*
 * In any other process (after fork): frees this process's copy of the
 * memory without touching the connection, which stays the owner's.
 */
void pldlm_slots_forget(pldlm_slots *s);

#endif /* PAM_LDLM_SLOTS_H */
