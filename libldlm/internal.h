/* SPDX-License-Identifier: MIT */
/*
 * internal.h - shared between libldlm's source files, never installed.
 *
 * Internal names start with `ldlmi_` so that the version script, which
 * exports `ldlm_*`, keeps them private.
 */
#ifndef LDLM_INTERNAL_H
#define LDLM_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <grpc/grpc.h>
#include <grpc/grpc_security.h>

#include "ldlm.h"
#include "ldlm.pb-c.h"

#define LDLM_DEFAULT_ADDRESS "localhost:3144"
#define LDLM_DEFAULT_RETRY_DELAY_MS 3000
/* Extra client deadline on top of a server-side wait timeout, so that the
 * server, not the client, ends the wait (see the protocol notes: a client
 * cancel can race an acquisition and leave an unknown key held). */
#define LDLM_WAIT_DEADLINE_SLACK_MS 5000
/* Server timer given to a lock the caller took without a lock timeout (when
 * auto-renew is on), renewed 30 s before it ends: a lock whose holder froze
 * or vanished without its connection closing is released by the server
 * after 10 minutes at most, and the keeper can renew it at once after a
 * long wait in ldlm_lock (see acquire in locks.c). */
#define LDLM_UNTIMED_LOCK_TIMER_S 600

/*
 * How soon after it last heard from us the server may drop our connection,
 * and with it every lock of the session. Two ways, both from its
 * --keepalive_timeout (10 s by default): the server (grpc-go) sets each
 * connection's TCP_USER_TIMEOUT to it, so the kernel closes a connection
 * whose data (a reply, a ping ack) stays unacknowledged that long, and it
 * closes one from which it read nothing for --keepalive_interval (60 s)
 * when its ping is not answered within the timeout. The first is the
 * short one: in a partition that begins just after the server answered
 * us, our acknowledgement is lost and the server drops the connection 10 s
 * after that answer. Data the server sent before reading our request was
 * acknowledged by that request, so the drop cannot come earlier than this
 * long after the start of the last call it answered. The library assumes
 * the server's default (see "Guarantees" in libldlm(3)).
 */
#define LDLM_SERVER_DROP_MS 10000
/* Subtracted from that bound, for timer slack and clock rate differences. */
#define LDLM_DROP_MARGIN_MS 2000
/* The keeper makes a call (a probe) when it has heard nothing from the
 * server for this long while it holds locks, so that the bound above never
 * ends while the connection is fine: two probes may fail before it does. */
#define LDLM_PROBE_INTERVAL_MS 2500
/*
 * The probe is a Renew of a lock that cannot exist (the server's keys are
 * UUIDs, never "-"): the server answers at once with an error, which shows
 * it read the call, and nothing changes on the server.
 */
#define LDLM_PROBE_NAME "libldlm-liveness-probe"
#define LDLM_PROBE_KEY "-"

/* ---- versioned structures (see "ABI policy" in ldlm.h) ------------------ */

/* The smallest struct_size accepted: the layouts of the first release. A
 * later member is read only from callers whose struct_size covers it. */
#define LDLM_CONFIG_MIN_SIZE                                                   \
    (offsetof(ldlm_config, channel_args_count) + sizeof(size_t))
#define LDLM_LOCK_OPTIONS_MIN_SIZE                                             \
    (offsetof(ldlm_lock_options, size) + sizeof(int))

/*
 * Copies a caller's versioned structure (`in`, struct_size first) into a
 * full-size one already holding the defaults: members the caller was not
 * compiled with keep them. Returns LDLM_ERR_INVALID_ARGUMENT (message set,
 * naming `what`) when struct_size is 0 (not initialised) or too small.
 */
ldlm_err ldlmi_adopt_versioned(const char *what, const void *in,
                               size_t min_size, void *out, size_t out_size);

/* ---- errors.c ---------------------------------------------------------- */

/* Sets the thread's last error message (printf-style) and returns err. */
ldlm_err ldlmi_fail(ldlm_err err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Clears the thread's last error message. */
void ldlmi_clear_error(void);
/* Maps a gRPC status to our code (GRPC_STATUS_OK maps to LDLM_OK). */
ldlm_err ldlmi_err_from_status(grpc_status_code status);
/* Maps a server ErrorCode, and for code Unknown its message (the v1.2.2
 * server's quirk, see errors.c), to our code. */
ldlm_err ldlmi_err_from_server(Ldlm__ErrorCode code, const char *message);

/* ---- address.c --------------------------------------------------------- */

/*
 * Checks and normalises a "host:port" / "[v6]:port" / "host" address into
 * a gRPC target (malloc'd, port 3144 added when missing). Returns
 * LDLM_OK or LDLM_ERR_INVALID_ARGUMENT (message set).
 */
ldlm_err ldlmi_address_to_target(const char *address, char **target);

/* ---- renew_schedule.c -------------------------------------------------- */

/*
 * Milliseconds between renewals of a lock with this timeout: half the
 * timeout for short locks (a 2 s lock is renewed every second), and
 * timeout - 30 s once that is longer, so that even a lost renewal or two
 * leave a margin.
 */
int64_t ldlmi_renew_interval_ms(int lock_timeout_seconds);

/*
 * The safety margin of a lock with this timeout: a lock reads held only
 * until this long before the earliest moment the server may release it.
 * A tenth of the timeout, between 100 ms and 2 s: it absorbs clock rate
 * differences between client and server and timer slack, and is what a
 * caller's use of the lock may last after ldlm_handle_locked() said true.
 */
int64_t ldlmi_safety_margin_ms(int lock_timeout_seconds);

/* ---- tls.c ------------------------------------------------------------- */

/* Builds channel credentials for the config (insecure when !use_tls). */
ldlm_err ldlmi_credentials_create(const ldlm_config *config,
                                  grpc_channel_credentials **out);

/* ---- grpc_life.c ------------------------------------------------------- */

/* grpc_init() for a new client: takes over the reference a freed client
 * left lingering, if any. Call with the application's signals blocked. */
void ldlmi_grpc_acquire(void);
/* grpc_shutdown() for a freed client, deferred a moment when it was the
 * process's last (see grpc_life.c). */
void ldlmi_grpc_release(void);

/* ---- log.c ------------------------------------------------------------- */

void ldlmi_log(ldlm_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- client.c / call.c ------------------------------------------------- */

typedef struct ldlmi_active_call {
    grpc_call *call;
    struct ldlmi_active_call *next;
} ldlmi_active_call;

struct ldlm_client {
    pid_t owner_pid;       /* fork detection */
    bool grpc_initialized; /* grpc_init() called, undo on free */
    char *target;
    char *password;
    grpc_channel *channel;
    int max_retries;
    int retry_delay_ms;
    int call_timeout_ms;
    bool no_auto_renew;
    bool reacquire_lost_locks;
    ldlm_lost_lock_fn lost_lock_callback;
    void *lost_lock_userdata;

    pthread_mutex_t mutex;  /* guards everything below */
    pthread_cond_t changed; /* cancel, shutdown, lock list, connection */
    bool cancelled;
    bool shutting_down;
    ldlmi_active_call *active_calls;
    ldlm_handle *locks; /* tracked locks (held, renewed/verified) */
    /* Every handle this client ever returned and the caller has not freed,
     * tracked or not: ldlm_client_free detaches them all, so that a handle
     * never points to a freed client. */
    ldlm_handle *handles;

    /* Connection generation: incremented by the watcher each time the
     * channel leaves READY, i.e. the server session (and its locks) ended. */
    uint64_t connection_generation;
    bool connection_ready;
    /* Belief clock (ldlmi_belief_now_ms): the start of the latest call of
     * this connection generation that the server answered, so the latest
     * moment it is known to have read from this connection; 0 = none yet.
     * Reset when the generation changes. */
    int64_t contact_ms;
    int64_t probe_retry_at_ms; /* keeper: earliest probe after a failed one */
    /* Keys of locks nobody believes in any more (lost, or replaced by a
     * re-acquisition) that the server may still hold: the keeper gives
     * them back (ldlmi_give_back), best effort, so that others need not
     * wait for their timers. */
    struct ldlmi_release *releases;
    size_t release_count;

    pthread_t watcher_thread;
    bool watcher_started;
    grpc_completion_queue *watcher_queue;
    pthread_t keeper_thread;
    bool keeper_started;
    /* When the keeper, waiting, will look again (belief clock): 0 = it is
     * not waiting (it will choose its work afresh anyway). A new lock
     * wakes it only if it needs it sooner (ldlmi_track), which saves a
     * thread wakeup per acquisition. */
    int64_t keeper_wake_ms;
    /* Pluck queues of finished calls, for the next calls (call.c): a
     * queue per call, but not created and destroyed per call. */
    pthread_mutex_t queue_mutex;
    grpc_completion_queue **queues;
    size_t queue_count;
    size_t queue_capacity;
    /* When the last call of this client ended (ldlmi_now_ms), for the
     * watcher: it polls gRPC only while the client is quiet (watcher.c). */
    int64_t last_call_end_ms;
    /* The watcher is inside a gRPC function on the channel, without the
     * mutex (so that gRPC's logging never runs under it): the channel must
     * not be destroyed until it is false. */
    bool watcher_in_grpc;
    uint64_t next_serial; /* identifies tracked locks across unlocks */
    /* Lost-lock callback in progress: ldlm_handle_free of that lock from the
     * callback itself is deferred, from another thread it waits. */
    ldlm_handle *callback_lock;
    bool callback_lock_freed;
};

/* A key to release (client->releases), owned by the keeper's list. */
typedef struct ldlmi_release {
    char *name;
    char *key;
    int64_t give_up_ms; /* belief clock: dropped after this */
    int64_t retry_at_ms;
    struct ldlmi_release *next;
} ldlmi_release;

/* Lock handle. `client` and the fields below `name` are guarded by
 * client->mutex while the client lives. All times are on the belief clock
 * (ldlmi_belief_now_ms). */
struct ldlm_handle {
    ldlm_client *client;      /* NULL once detached (client freed) */
    ldlm_handle *handle_prev; /* in client->handles */
    ldlm_handle *handle_next;
    char *name; /* immutable */
    char *key;
    /* Not unlocked, lost, or waiting to be re-acquired. Whether it reads
     * held also depends on its bounds: see ldlmi_held_until. */
    bool locked;
    bool tracked;             /* in client->locks */
    int size;                 /* 0 = not set (server default 1) */
    int lock_timeout_seconds; /* server timer; 0 = none */
    bool auto_renew;
    /* Held at most until then by its server timer: the start of the last
     * Lock or Renew the server confirmed, plus the timeout, minus the
     * safety margin. 0 = no timer. */
    int64_t timer_bound_ms;
    int64_t next_renew_ms; /* 0 = no renewal due */
    uint64_t generation;   /* connection generation when acquired */
    uint64_t serial;       /* unique per tracked acquisition */
    int64_t retry_at_ms;   /* keeper: earliest retry after a failure */
    ldlm_handle *next;
};

/* Milliseconds of CLOCK_MONOTONIC (deadlines of calls, timed waits). */
int64_t ldlmi_now_ms(void);

/*
 * Milliseconds of the belief clock, CLOCK_BOOTTIME: like CLOCK_MONOTONIC
 * but it also counts time the machine spent suspended, during which the
 * server's timers ran on. Every bound of a lock is on this clock.
 */
int64_t ldlmi_belief_now_ms(void);

/* Destroys the pooled completion queues of a client (call.c); no call may
 * be active. */
void ldlmi_queues_destroy(ldlm_client *client);

/* Cancels every active call of the client, calling gRPC without the mutex
 * (see client.c). */
void ldlmi_cancel_calls(ldlm_client *client);

/* Returns LDLM_ERR_FORKED (with message) if called from a forked child. */
ldlm_err ldlmi_check_owner(const ldlm_client *client);
/* Checks a client argument before a call: not NULL, this process's, not
 * cancelled. */
ldlm_err ldlmi_check_client(ldlm_client *client);

/*
 * Makes one unary RPC with retries on UNAVAILABLE (max_retries, retry
 * delay), honouring cancellation and `deadline_ms` (monotonic; 0 = none).
 * `request` is packed with its descriptor; on LDLM_OK *response is an
 * unpacked message to free with protobuf_c_message_free_unpacked.
 */
ldlm_err ldlmi_unary_call(ldlm_client *client, const char *method,
                          const ProtobufCMessage *request,
                          const ProtobufCMessageDescriptor *response_desc,
                          int64_t deadline_ms, ProtobufCMessage **response);

/* Deadline for one operation from call_timeout_ms, or 0 (none). */
int64_t ldlmi_operation_deadline(const ldlm_client *client);

/* ---- rpc.c: the one path to each RPC ----------------------------------- */

/* Request builders: options <= 0 leave the optional field absent. */
void ldlmi_fill_lock_request(Ldlm__LockRequest *req, const char *name,
                             const ldlm_lock_options *o);
void ldlmi_fill_try_lock_request(Ldlm__TryLockRequest *req, const char *name,
                                 int lock_timeout_seconds, int size);

/*
 * One function per RPC, used by the public API and the keeper alike. Each
 * returns LDLM_OK or the error (transport, or the server's lock error read
 * from the reply), with the thread's message set. `deadline_ms` is
 * monotonic, 0 = none. Acquisitions set *locked and, when locked, *key
 * (malloc'd, the caller frees it).
 */
ldlm_err ldlmi_rpc_lock(ldlm_client *client, const char *name,
                        const ldlm_lock_options *o, int64_t deadline_ms,
                        bool *locked, char **key);
ldlm_err ldlmi_rpc_try_lock(ldlm_client *client, const char *name,
                            int lock_timeout_seconds, int size,
                            int64_t deadline_ms, bool *locked, char **key);
ldlm_err ldlmi_rpc_unlock(ldlm_client *client, const char *name,
                          const char *key, int64_t deadline_ms, bool *unlocked);
/* On LDLM_OK and new_key != NULL, *new_key is the key the server answers
 * (malloc'd). A reply that says "not locked" is LDLM_ERR_NOT_LOCKED. */
ldlm_err ldlmi_rpc_renew(ldlm_client *client, const char *name, const char *key,
                         int seconds, int64_t deadline_ms, char **new_key);

/* ---- handles.c: handles and the tracked locks --------------------------- */

/* A new handle registered on the client (so that ldlm_client_free can
 * detach it); NULL when out of memory. `timer_bound` (belief clock, 0 =
 * none) bounds an untracked held handle (one from ldlm_renew). */
ldlm_handle *ldlmi_handle_new(ldlm_client *client, const char *name,
                              const char *key, bool locked,
                              int64_t timer_bound);

/* Starts renewal and loss tracking of a freshly acquired lock taken on
 * connection `generation`, with the options it was taken with; `confirmed`
 * is the start (belief clock) of the call that took or last renewed it. */
void ldlmi_track(ldlm_client *client, ldlm_handle *lock,
                 const ldlm_lock_options *o, uint64_t generation,
                 int64_t confirmed);

/* Restarts a held lock's timer bound and, if it is renewed automatically,
 * its renewal schedule, from `confirmed`, the start of the Lock or Renew
 * call the server answered, per its lock_timeout_seconds and auto_renew
 * (mutex held once it is tracked). The one place that turns a timeout into
 * the keeper's deadlines. */
void ldlmi_lock_schedule(ldlm_handle *lock, int64_t confirmed);

/*
 * Until when (belief clock) the lock may read held (mutex held); 0 = not
 * at all. A tracked lock: while its connection lasts, at most until its
 * timer bound and until LDLM_SERVER_DROP_MS (minus a margin) after the
 * start of the last call the server answered on that connection. A handle
 * from ldlm_renew: its timer bound. INT64_MAX = no bound (never for a
 * held, tracked lock).
 */
int64_t ldlmi_held_until(const ldlm_client *client, const ldlm_handle *lock);

/* The server answered a call of connection `generation` that started at
 * `start` (belief clock): it read from the connection then (mutex held). */
void ldlmi_note_contact(ldlm_client *client, uint64_t generation,
                        int64_t start);

/* True when the server itself answered a call (a reply, or its lock
 * error): it read the call. Transport outcomes say nothing about that. */
bool ldlmi_server_answered(ldlm_err err);

/*
 * Gives a key that nobody believes in back to the server: a Renew to 1
 * second, after which the server's own timer releases the lock. Not an
 * Unlock: the lock may belong to another session than our connection's (a
 * session the server restored from its state file, or one whose end it has
 * not noticed yet), and an Unlock from another session leaves the lock in
 * its owner's list in the state file; the v1.2.2 server then restores it
 * again at its next restart, or crashes there if the lock has no room left
 * (a nil error in server.New). The timer's release cleans up after the
 * session that owns the lock. A lock without a server timer cannot be
 * given back this way: the end of its session releases it.
 */
ldlm_err ldlmi_give_back(ldlm_client *client, const char *name, const char *key,
                         int64_t deadline_ms);
/* How long a key given back may still hold its lock on the server. */
#define LDLM_GIVE_BACK_MS 1000

/* Queues name + key for a best-effort give-back by the keeper (mutex
 * held). */
void ldlmi_queue_release(ldlm_client *client, const char *name,
                         const char *key);
/* Frees the queue (ldlm_client_free; no other thread left). */
void ldlmi_free_releases(ldlm_client *client);

/* Unlinks a lock from client->locks (mutex held). */
void ldlmi_untrack_locked(ldlm_client *client, ldlm_handle *lock);

/* Stops tracking this client's handle(s) of name + key (released). */
void ldlmi_forget_tracked(ldlm_client *client, const char *name,
                          const char *key);

/* A manual renewal (started at `start`, on connection `generation`) of a
 * tracked lock sets its new timeout: the keeper's schedule and bounds
 * follow it. */
void ldlmi_adopt_renewal(ldlm_client *client, const char *name, const char *key,
                         int seconds, int64_t start, uint64_t generation);

/* ldlm_client_free: detaches every handle from the client (`owner`: false
 * in a forked child, where the mutex must not be touched). */
void ldlmi_detach_handles(ldlm_client *client, bool owner);

/* ---- watcher.c / keeper.c ---------------------------------------------- */

/* What the keeper does next. */
typedef enum {
    WORK_NONE,      /* nothing due now */
    WORK_LOST,      /* its connection ended, or a bound passed: report it */
    WORK_SUSPEND,   /* its connection ended, to be re-acquired: reads not
                        held from now on */
    WORK_RENEW,     /* renewal due */
    WORK_PROBE,     /* no answer from the server for a while: ask */
    WORK_REACQUIRE, /* suspended and the connection is back */
    WORK_RELEASE    /* a key nobody believes in to unlock */
} ldlmi_work_kind;

/*
 * The keeper's decision at time `now` (belief clock, mutex held): the most
 * urgent work and its lock (NULL for probes and releases), or WORK_NONE and
 * in *wake_ms when something will be due (0 = nothing scheduled: wait for a
 * change).
 */
ldlmi_work_kind ldlmi_keeper_next(ldlm_client *client, int64_t now,
                                  ldlm_handle **lock, int64_t *wake_ms);

/* Starts the connection watcher and keeper threads. */
ldlm_err ldlmi_background_start(ldlm_client *client);
/* Stops them. Call with shutting_down set; destroys the channel (which is
 * what ends the watcher's wait). */
void ldlmi_background_stop(ldlm_client *client);
void *ldlmi_watcher_main(void *client);
void *ldlmi_keeper_main(void *client);

#endif /* LDLM_INTERNAL_H */
