/* SPDX-License-Identifier: MIT */
/*
 * ldlm.h - C client library for the LDLM distributed lock server.
 *
 * One header, opaque handles, error codes with ldlm_strerror().
 *
 * Thread-safety rules (in the spirit of libuv's documentation):
 *
 *  - An ldlm_client may be shared by any number of threads. Every function
 *    taking a client is safe to call concurrently, EXCEPT ldlm_client_free(),
 *    which must be called once, after every other call on that client and its
 *    locks has returned.
 *  - An ldlm_handle belongs to whoever received it. Its accessors may be
 *    called from any thread (the library's background thread may change the
 *    key when it re-acquires a lost lock); ldlm_handle_unlock() and
 *    ldlm_handle_free() must not race with each other on the same lock.
 *  - Process-wide functions (ldlm_set_log_handler) are not thread-safe: call
 *    them before creating clients.
 *  - A client must only be used by the process that created it. After fork()
 *    every call in the child fails with LDLM_ERR_FORKED without touching the
 *    connection (gRPC state is not fork-safe); ldlm_client_free() in the child
 *    releases memory only, leaving the parent's connection intact, and lock
 *    handles freed with ldlm_handle_free() afterwards release memory only.
 *
 * Ownership: strings passed in are copied unless stated otherwise; strings
 * returned as `char *` are owned by the caller and released with free();
 * strings returned as `const char *` are owned by the library.
 *
 * Names: ldlm_lock, ldlm_try_lock, ldlm_unlock and ldlm_renew are the Go
 * client's verbs and take a lock by name (and key). An ldlm_handle is one
 * acquisition of a lock; the ldlm_handle_* functions act on it
 * (ldlm_handle_unlock releases exactly that acquisition).
 *
 * ABI policy. The shared object's SONAME (libldlm.so.N) changes only when a
 * function is removed or changes meaning, or a structure member changes
 * place or type; that never happens within one N. Within one N, new
 * functions may be added, new error codes may be added (treat unknown codes
 * with ldlm_strerror), and ldlm_config and ldlm_lock_options may grow new
 * members at their end only. Their first member, struct_size, tells the
 * library which members the caller was compiled with: always create them
 * with ldlm_config_init() / ldlm_lock_options_init() or the LDLM_CONFIG()
 * / LDLM_LOCK_OPTIONS() initialisers, which set it; a struct_size of 0 is
 * refused with LDLM_ERR_INVALID_ARGUMENT rather than guessed. Members a
 * caller does not know keep their defaults. Handles are opaque and never
 * change size for the caller.
 */
#ifndef LDLM_H
#define LDLM_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LDLM_VERSION_MAJOR 0
#define LDLM_VERSION_MINOR 1
#define LDLM_VERSION_PATCH 0
#define LDLM_VERSION_STRING "0.1.0"
/* Monotonic number for compile-time checks: 0xMMmmpp. */
#define LDLM_VERSION_NUMBER                                                    \
    ((LDLM_VERSION_MAJOR << 16) | (LDLM_VERSION_MINOR << 8) |                  \
     LDLM_VERSION_PATCH)

/* Version of the library actually loaded at run time, e.g. "0.1.0". */
const char *ldlm_version(void);

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

/*
 * Every function that can fail returns an ldlm_err. LDLM_OK is 0, errors are
 * negative. The first group mirrors the server's ErrorCode; the second, gRPC
 * transport outcomes a caller must tell apart; the third, local problems.
 */
typedef enum ldlm_err {
    LDLM_OK = 0,

    /* Lock logic errors reported by the server (gRPC status OK). */
    LDLM_ERR_SERVER_UNKNOWN = -1, /* server "Unknown": see message */
    LDLM_ERR_LOCK_DOES_NOT_EXIST = -2,
    LDLM_ERR_INVALID_LOCK_KEY = -3,
    LDLM_ERR_LOCK_WAIT_TIMEOUT = -4, /* ldlm_lock's wait timed out */
    LDLM_ERR_NOT_LOCKED = -5,
    LDLM_ERR_LOCK_DOES_NOT_EXIST_OR_INVALID_KEY = -6,
    LDLM_ERR_LOCK_SIZE_MISMATCH = -7,
    LDLM_ERR_INVALID_LOCK_SIZE = -8,

    /* Transport outcomes (non-OK gRPC status). */
    LDLM_ERR_UNAVAILABLE = -20,     /* server unreachable or shutting down */
    LDLM_ERR_UNAUTHENTICATED = -21, /* password missing or wrong, TLS name */
    LDLM_ERR_CANCELLED = -22,       /* ldlm_client_cancel() */
    LDLM_ERR_DEADLINE = -23,        /* call_timeout_ms passed */
    LDLM_ERR_TRANSPORT = -24,       /* any other gRPC failure; see message */
    LDLM_ERR_PROTOCOL = -25,        /* the server's reply could not be read */

    /* Local problems. */
    LDLM_ERR_INVALID_ARGUMENT = -40, /* bad name, size, timeout, address... */
    LDLM_ERR_TLS_FILE = -41,         /* CA, certificate or key file unusable */
    LDLM_ERR_NO_MEMORY = -42,
    LDLM_ERR_FORKED = -43,    /* client used from a forked child */
    LDLM_ERR_LOCK_LOST = -44, /* lost-lock callback reason */
    LDLM_ERR_INTERNAL = -45   /* gRPC refused a call we built */
} ldlm_err;

/* Static English description of an error code; never NULL. */
const char *ldlm_strerror(ldlm_err err);

/* Symbolic name of an error code ("LDLM_ERR_UNAVAILABLE"); never NULL. */
const char *ldlm_err_name(ldlm_err err);

/*
 * Detail of the last error returned to the calling thread: the server's
 * message text for lock errors, gRPC's status details for transport errors,
 * or the library's explanation (e.g. which file could not be read). Empty
 * string if none. Thread-local like errno; valid until the calling thread's
 * next ldlm_* call.
 */
const char *ldlm_last_error_message(void);

/* ------------------------------------------------------------------------ */
/* Client configuration                                                      */
/* ------------------------------------------------------------------------ */

typedef struct ldlm_client ldlm_client;
/* One acquisition of a lock (see ldlm_lock); owned by the caller. */
typedef struct ldlm_handle ldlm_handle;

/* An extra gRPC channel argument (the analogue of Go's grpc.DialOption). */
typedef enum ldlm_channel_arg_type {
    LDLM_CHANNEL_ARG_INTEGER = 0,
    LDLM_CHANNEL_ARG_STRING = 1
} ldlm_channel_arg_type;

typedef struct ldlm_channel_arg {
    const char *name; /* e.g. "grpc.primary_user_agent" */
    ldlm_channel_arg_type type;
    int integer_value;
    const char *string_value;
} ldlm_channel_arg;

/*
 * Called from the library's background thread when a lock the caller holds
 * is gone, or can no longer be relied on: a renewal was refused, a bound
 * of the lock passed (see ldlm_handle_locked), or the connection that owned
 * it ended. `reason` is the error that proved the loss:
 * LDLM_ERR_LOCK_DOES_NOT_EXIST_OR_INVALID_KEY when the server refused a
 * renewal (it forgot the lock, or someone freed it by its key),
 * LDLM_ERR_LOCK_LOST otherwise (its connection ended, its time ran out
 * unconfirmed, or someone else took it before it could be re-acquired).
 * By the time of the call ldlm_handle_locked(lock) is already false: the
 * callback is a notification, not the moment the lock stops reading held.
 *
 * Connection loss. The server releases every lock of a connection that
 * ends (or that it drops: see "Guarantees" in libldlm(3)). So when the
 * connection ends, every lock taken on it reads not held at once and is
 * reported lost, even if the server comes back and still has it: a server
 * restarted with a --state_file restores its locks, but one that merely
 * has not yet noticed the end of our old connection holds them too, and
 * will release them whenever it does, so keeping such a lock would be
 * unsafe. Once connected again the library gives them back (renewed to
 * 1 s, the server's timer releases them), so that others need not wait
 * for the timers the server gave them. With reacquire_lost_locks
 * a lock lost with its connection is not reported but taken back (same
 * name and size, new key) once the connection is back, reading not held
 * meanwhile; it is reported only if that fails (a lock whose bound passed
 * while the server was silent is kept the same way). The library reconnects
 * within about a second of the server's return (backoff capped at 1 s).
 *
 * The callback runs without any library lock held, as does the log
 * handler: it may call other ldlm_* functions (which delay the library's
 * renewals while they run). The lock handle stays owned by the caller; the
 * callback must not free the client.
 */
typedef void (*ldlm_lost_lock_fn)(ldlm_handle *lock, ldlm_err reason,
                                  void *userdata);

/*
 * Made by ldlm_config_init() or LDLM_CONFIG(...), the defaults mean
 * "localhost:3144, plaintext, no password, auto-renew on, no retries".
 * The nine fields after struct_size have the meaning of the Go client's
 * Config.
 */
typedef struct ldlm_config {
    size_t struct_size;   /* sizeof(ldlm_config) as compiled: see above */
    const char *address;  /* "host:port", "[v6addr]:port"; NULL = default */
    const char *password; /* sent as `authorization` metadata; NULL = none */
    bool no_auto_renew;   /* do not renew locks that have a lock timeout */
    bool use_tls;
    bool skip_verify;     /* TLS without certificate or name checks */
    const char *ca_file;  /* PEM roots; NULL = system roots */
    const char *tls_cert; /* PEM client certificate for mutual TLS */
    const char *tls_key;  /* PEM private key of tls_cert */
    int max_retries;      /* retries of a call failing UNAVAILABLE */

    /* Beyond the Go client. */
    int retry_delay_ms; /* between retries; 0 = 3000 like Go */
    /*
     * Upper bound on each operation, retries and reconnection included.
     * 0 = unbounded (Go's behaviour). For ldlm_lock with a wait timeout, the
     * bound is the wait timeout plus this value.
     */
    int call_timeout_ms;
    /*
     * Re-acquire (same name and size) locks lost with the connection: such a
     * lock reads not locked from the moment the connection ends until it is
     * re-acquired (new key) once the server is back; it is reported lost
     * only if that fails (e.g. someone else took it meanwhile). A lock whose
     * bound passed while the server did not answer (a stopped server) is
     * kept the same way: not locked until the server answers again, then
     * confirmed (same key, if the connection never ended and the server
     * still has it) or re-acquired. See "Connection loss" above.
     */
    bool reacquire_lost_locks;
    ldlm_lost_lock_fn lost_lock_callback; /* NULL = no notification */
    void *lost_lock_userdata;
    const ldlm_channel_arg *channel_args; /* applied last: they win */
    size_t channel_args_count;
} ldlm_config;

/* Resets *config to the defaults and sets its struct_size. */
void ldlm_config_init(ldlm_config *config);

/*
 * An initialiser with the defaults and struct_size set, naming the members
 * to change:  ldlm_config cfg = LDLM_CONFIG(.address = "locks:3144",
 *                                             .max_retries = 3);
 */
#define LDLM_CONFIG(...)                                                       \
    ((ldlm_config){.struct_size = sizeof(ldlm_config), __VA_ARGS__})

/* ------------------------------------------------------------------------ */
/* Client                                                                    */
/* ------------------------------------------------------------------------ */

/*
 * Creates a client. Validates the configuration and reads TLS files at once
 * (so LDLM_ERR_TLS_FILE or LDLM_ERR_INVALID_ARGUMENT surface here); the
 * connection itself is made in the background and on the first call. The
 * config and everything it points to is copied. Each client has its own
 * connection, hence its own server session: the server releases every lock
 * of a client when its connection ends.
 * On success *out owns a client to release with ldlm_client_free().
 */
ldlm_err ldlm_client_new(const ldlm_config *config, ldlm_client **out);

/*
 * Closes the connection (the server then releases this client's locks),
 * stops background threads and frees the client. Every lock handle still
 * owned by the caller, of any kind (held, unlocked, lost, a try-lock that
 * missed, a handle from ldlm_renew), stays valid: afterwards, from any
 * thread, ldlm_handle_name and ldlm_handle_key work, ldlm_handle_locked is false,
 * ldlm_handle_unlock returns LDLM_ERR_INVALID_ARGUMENT, and the handle must
 * still be freed with ldlm_handle_free(). NULL is a no-op.
 */
void ldlm_client_free(ldlm_client *client);

/*
 * Aborts every call blocked on this client, from any thread, and makes every
 * later call fail with LDLM_ERR_CANCELLED, like cancelling the Go client's
 * context. Locks already held stay held on the server (until freed or the
 * client is freed), but background renewal stops, so each reads held only
 * until its bound (see ldlm_handle_locked) and is then reported lost.
 */
void ldlm_client_cancel(ldlm_client *client);

/* ------------------------------------------------------------------------ */
/* Locks                                                                     */
/* ------------------------------------------------------------------------ */

/*
 * Options of ldlm_lock / ldlm_try_lock, made by ldlm_lock_options_init() or
 * LDLM_LOCK_OPTIONS(...). 0 means "not set". Passing NULL means all unset.
 */
typedef struct ldlm_lock_options {
    size_t struct_size; /* sizeof(ldlm_lock_options) as compiled */
    /*
     * The server releases the lock unless it is renewed within this time;
     * the library renews it in the background (unless no_auto_renew).
     * 0: no timeout, the lock is held until unlocked or the connection ends.
     * The library then still gives the server a 10-minute timer of its own,
     * renewed 30 s before it ends (unless no_auto_renew), so that a holder
     * that hangs while its connection stays open does not block the lock
     * for ever.
     */
    int lock_timeout_seconds;
    int wait_timeout_seconds; /* ldlm_lock only: give up after this long */
    int size;                 /* holders allowed at once; 0 = server's 1;
                                  < 0: LDLM_ERR_INVALID_LOCK_SIZE */
} ldlm_lock_options;

/* Resets *opts to "nothing set" and sets its struct_size. */
void ldlm_lock_options_init(ldlm_lock_options *opts);

/*
 * An initialiser naming the options to set:
 *   ldlm_lock_options o = LDLM_LOCK_OPTIONS(.lock_timeout_seconds = 30);
 */
#define LDLM_LOCK_OPTIONS(...)                                                 \
    ((ldlm_lock_options){.struct_size = sizeof(ldlm_lock_options), __VA_ARGS__})

/*
 * Acquires `name` (non-empty UTF-8), blocking until acquired, until the wait
 * timeout (LDLM_ERR_LOCK_WAIT_TIMEOUT), cancellation or call_timeout_ms.
 * On LDLM_OK *out is a held lock owned by the caller. If a lock timeout is
 * set and auto-renew is on, the library renews it in the background until
 * it is unlocked or freed.
 */
ldlm_err ldlm_lock(ldlm_client *client, const char *name,
                   const ldlm_lock_options *opts, ldlm_handle **out);

/*
 * Like ldlm_lock but returns at once. A full lock is not an error: the
 * result is LDLM_OK with *out a lock whose ldlm_handle_locked() is false (as
 * the Go client does). A wait timeout in opts is rejected with
 * LDLM_ERR_INVALID_ARGUMENT.
 */
ldlm_err ldlm_try_lock(ldlm_client *client, const char *name,
                       const ldlm_lock_options *opts, ldlm_handle **out);

/*
 * Releases the lock `name` held under `key` (by any client: keys are
 * tokens). *unlocked (may be NULL) receives the server's answer. If this
 * client tracks a lock with that name and key, it stops renewing it.
 */
ldlm_err ldlm_unlock(ldlm_client *client, const char *name, const char *key,
                     bool *unlocked);

/*
 * Restarts the server's timer of a lock to `seconds` (> 0). On LDLM_OK and
 * out != NULL, *out is a new handle for the renewed lock (not auto-renewed,
 * not tracked for connection loss: renewal is not tied to a session); it
 * reads held until that timer may run out, less the safety margin.
 */
ldlm_err ldlm_renew(ldlm_client *client, const char *name, const char *key,
                    int seconds, ldlm_handle **out);

/* Name of the lock; owned by the handle, constant for its lifetime. */
const char *ldlm_handle_name(const ldlm_handle *lock);

/*
 * Copy of the lock's current key, to free(); NULL if out of memory. The key
 * changes when the library re-acquires a lost lock.
 */
char *ldlm_handle_key(const ldlm_handle *lock);

/*
 * True while the lock is believed held by its owner; check it before each
 * use of what the lock protects. True means the server cannot have given
 * the lock to anyone else yet, and cannot for at least the lock's safety
 * margin (a tenth of its lock timeout, between 0.1 and 2 s). It is
 * computed when called, from bounds the background thread does not need
 * to be running for: a lock reads held only while the connection that
 * owns it lasts, until its timer may run out (counted from the start of
 * the last call that took or renewed it, less the margin), and until 8 s
 * after the start of the last call the server answered (the server's
 * kernel drops a connection whose data stays unacknowledged for its
 * --keepalive_timeout, 10 s by default, as in a partition). Where this
 * cannot hold (a caller frozen between this check and its use, a server
 * whose keepalive is shorter than its defaults) is in libldlm(3),
 * "Guarantees".
 */
bool ldlm_handle_locked(const ldlm_handle *lock);

/*
 * Unlocks a held lock and stops its renewal. Returns
 * LDLM_ERR_NOT_LOCKED if the handle is not held (never was, already unlocked
 * or lost) and LDLM_ERR_INVALID_ARGUMENT if its client was freed.
 */
ldlm_err ldlm_handle_unlock(ldlm_handle *lock);

/*
 * Frees the handle. It does NOT release a held lock on the server (call
 * ldlm_handle_unlock first); it stops its renewal and loss tracking. NULL is a
 * no-op.
 */
void ldlm_handle_free(ldlm_handle *lock);

/* ------------------------------------------------------------------------ */
/* Logging (process-wide)                                                    */
/* ------------------------------------------------------------------------ */

typedef enum ldlm_log_level {
    LDLM_LOG_DEBUG = 0,
    LDLM_LOG_INFO = 1,
    LDLM_LOG_ERROR = 2
} ldlm_log_level;

typedef void (*ldlm_log_fn)(ldlm_log_level level, const char *message,
                            void *userdata);

/*
 * Routes gRPC's own log output (normally printed on stderr) and the
 * library's diagnostics to `fn`; NULL restores gRPC's default. Messages below
 * `min_level` are dropped. Not thread-safe: call before creating clients.
 */
void ldlm_set_log_handler(ldlm_log_fn fn, ldlm_log_level min_level,
                          void *userdata);

#ifdef __cplusplus
}
#endif

#endif /* LDLM_H */
