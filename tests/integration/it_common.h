/* SPDX-License-Identifier: MIT */
/*
 * it_common.h - shared pieces of the integration tests: each test program
 * runs libldlm against the real LDLM server started by tests/harness.
 *
 * Includes cmocka (with the headers it needs first), ldlm.h and the harness.
 * cmocka assertions are only valid on the thread running the test: worker
 * threads record what they saw, the test thread asserts.
 */
#ifndef IT_COMMON_H
#define IT_COMMON_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <ldlm.h>

#include "ldlm_test_server.h"

/* Upper bound of any single library call in these tests. */
#define IT_CALL_TIMEOUT_MS 30000
/* How long the server may take to release a closed session's locks. */
#define IT_RELEASE_TIMEOUT_MS 15000
/* Reconnecting after a server restart: gRPC backoff plus verification. */
#define IT_RECONNECT_TIMEOUT_MS 60000

/*
 * Asserts that `expr` (an ldlm_err) equals `expected`, showing both names
 * and the library's last error message otherwise.
 */
#define it_assert_err(expr, expected)                                          \
    it_check_err_((expr), (expected), #expr, __FILE__, __LINE__)
#define it_assert_ok(expr) it_assert_err((expr), LDLM_OK)

void it_check_err_(ldlm_err got, ldlm_err expected, const char *what,
                   const char *file, int line);

/* ---- Servers (cmocka fixtures; *state is a ldlm_test_server *) ---------- */

/* Allocates and inits a server (temp dir, paths) without starting it. */
int it_setup_server_dir(void **state);
/* it_setup_server_dir + start with no extra flags. */
int it_setup_server(void **state);
/*
 * it_setup_server_dir + start with `flags` (NULL-terminated); for the
 * fixtures of tests that need a server started with options.
 */
int it_setup_server_with(void **state, const char *const *flags);
/* Stops the server, removes its dir, frees it. */
int it_teardown_server(void **state);

/* Starts srv with `flags` (NULL-terminated) or fails the test. */
void it_start_server(ldlm_test_server *srv, const char *const *flags);

/* ---- Clients -------------------------------------------------------------- */

/* A default config dialing srv, with calls bounded by IT_CALL_TIMEOUT_MS. */
void it_config(ldlm_config *cfg, const ldlm_test_server *srv);

/* ldlm_client_new or fail the test. */
ldlm_client *it_client_new(const ldlm_config *cfg);

/* A default client for srv. */
ldlm_client *it_client_for(const ldlm_test_server *srv);

/*
 * Try-locks `name` on `client` (retrying up to within_ms; 0 = one try),
 * fails the test unless it gets it, and releases it again: shows that
 * the lock is free for that client.
 */
void it_take_and_release(ldlm_client *client, const char *name, int size,
                         int within_ms);

/*
 * A full round trip: locks `name` on `client` (no options), checks that
 * the handle reads locked, and releases it.
 */
void it_lock_round_trip(ldlm_client *client, const char *name);

/*
 * Try-locks `name` (with `size`, 0 = not set) on `client` and fails the
 * test on any error. Returns the held lock, or NULL if the lock was full.
 */
ldlm_handle *it_try_acquire(ldlm_client *client, const char *name, int size);

/*
 * True if `name` can be taken right now by a fresh client of srv (which
 * then releases it again): tells whether someone else holds it.
 */
bool it_lock_is_free(const ldlm_test_server *srv, const char *name, int size);

/*
 * Polls (every 100 ms, up to timeout_ms) until `client` can take `name`;
 * returns the held lock or NULL on timeout. For waiting on the server to
 * release a lock (expiry, closed session).
 */
ldlm_handle *it_acquire_within(ldlm_client *client, const char *name, int size,
                               int timeout_ms);

/* The lock's current key (copied into buf), failing the test on NULL. */
const char *it_key(const ldlm_handle *lock, char *buf, size_t size);

/* ---- Lost-lock callback recorder -------------------------------------------- */

#define IT_LOST_MAX 16

typedef struct it_lost_log {
    ldlm_test_event event; /* signalled once per callback */
    pthread_mutex_t mutex;
    int count;
    ldlm_handle *locks[IT_LOST_MAX];
    ldlm_err reasons[IT_LOST_MAX];
} it_lost_log;

void it_lost_log_init(it_lost_log *log);

/* it_config() plus a lost-lock callback that records into *log (which it
 * initialises; destroy it with it_lost_log_destroy). */
void it_config_reporting(ldlm_config *cfg, const ldlm_test_server *srv,
                         it_lost_log *log);
/* A client of that config: reports its lost locks into *log. */
ldlm_client *it_client_reporting(const ldlm_test_server *srv, it_lost_log *log);
void it_lost_log_destroy(it_lost_log *log);
/* ldlm_lost_lock_fn; userdata is an it_lost_log *. */
void it_lost_lock_cb(ldlm_handle *lock, ldlm_err reason, void *userdata);
/* Callbacks received so far. */
int it_lost_count(it_lost_log *log);
/* True if `lock` was reported; *reason gets the reason. */
bool it_lost_reported(it_lost_log *log, const ldlm_handle *lock,
                      ldlm_err *reason);

#endif /* IT_COMMON_H */
