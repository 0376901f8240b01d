/* SPDX-License-Identifier: MIT */
/*
 * ldlm_test_server.h - run the real LDLM server from C tests.
 *
 * Every test that needs a server starts its own, on a free loopback port,
 * with its own IPC socket, log and state file in a private temp dir, and
 * controls it by pid (never by name). Typical use:
 *
 *     ldlm_test_require_server();          // exit 77 (SKIP) if missing
 *     ldlm_test_server srv;
 *     if (ldlm_test_server_init(&srv) != 0) ...   // temp dir and paths
 *     const char *flags[] = {"--password", "s3cret", NULL};
 *     if (ldlm_test_server_start(&srv, flags) != 0) ...
 *     ... dial srv.address ...
 *     ldlm_test_server_cleanup(&srv);      // stops it, removes the dir
 *
 * Threads: a server must be started, restarted and stopped from a thread
 * that outlives it (normally the main thread): the server child gets
 * PR_SET_PDEATHSIG so that it never outlives a crashed test, and Linux
 * delivers that signal when the *thread* that forked it ends. The functions
 * on one ldlm_test_server are not thread-safe; the wait helpers are.
 *
 * Diagnostics go to stderr (the test's .log file). Functions returning int
 * return 0 on success and -1 on failure, after printing why.
 */
#ifndef LDLM_TEST_SERVER_H
#define LDLM_TEST_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define LDLM_TEST_PATH_LEN 512

/* Exit status that automake's test harness reads as SKIP. */
#define LDLM_TEST_EXIT_SKIP 77

/* Upper bounds of the harness's own waits (milliseconds). */
#define LDLM_TEST_START_TIMEOUT_MS 15000
#define LDLM_TEST_STOP_TIMEOUT_MS 10000

typedef struct ldlm_test_server {
    pid_t pid;        /* running server, 0 when none */
    int port;         /* chosen by the first start, kept by later starts */
    char host[64];    /* listen host: "127.0.0.1" (default) or "::1" */
    char address[96]; /* what clients dial: "127.0.0.1:PORT", "[::1]:PORT" */
    char dir[LDLM_TEST_PATH_LEN];        /* private temp dir (mkdtemp) */
    char ipc_socket[LDLM_TEST_PATH_LEN]; /* DIR/ipc.sock, always passed */
    char log_file[LDLM_TEST_PATH_LEN];   /* DIR/server.log, all starts */
    char state_file[LDLM_TEST_PATH_LEN]; /* DIR/state.json: NOT passed by
                                            default; add --state_file */
    char **flags; /* copy of the extra flags of the last start */
} ldlm_test_server;

/* ---- The server binary --------------------------------------------------- */

/*
 * Path of the server binary: $LDLM_SERVER_BIN, else
 * $LDLM_TEST_CACHE/server/bin/server, else the default cache
 * ${XDG_CACHE_HOME:-$HOME/.cache}/libldlm-test/server/bin/server.
 * Returns a static buffer.
 */
const char *ldlm_test_server_bin(void);

/* Directory of the install cache (see install-server.sh); static buffer. */
const char *ldlm_test_cache_dir(void);

/*
 * Returns if the server binary is executable. Otherwise prints
 * "SKIP: LDLM server unavailable ...: <reason>" on stdout, the reason being
 * the first lines of install-error.txt (the install errors) when there is
 * one, and exits with status 77; under CI=true it prints "FAIL: ..." and
 * exits with status 1 instead, because CI must never pass without a server.
 */
void ldlm_test_require_server(void);

/* ---- One server ----------------------------------------------------------- */

/*
 * Prepares *srv for 127.0.0.1: zeroes it, creates the private temp dir under
 * $TMPDIR (or /tmp) and fills in the paths. No process is started, so that
 * flags naming srv->state_file or certificates in srv->dir can be built.
 */
int ldlm_test_server_init(ldlm_test_server *srv);

/* Same, listening on `host` instead ("::1" for IPv6 tests). */
int ldlm_test_server_init_host(ldlm_test_server *srv, const char *host);

/*
 * Starts the server:
 *   SERVER --listen_address HOST:PORT --ipc_socket_file DIR/ipc.sock
 *          --log_level info EXTRA_FLAGS...
 * with stdin from /dev/null and stdout/stderr appended to srv->log_file.
 * `extra_flags` is a NULL-terminated argv array (NULL = none); it is copied
 * and reused by ldlm_test_server_restart(). The port is picked on the first
 * start and kept afterwards, so a stopped server comes back at the same
 * address. Returns once the server process listens on the port and a TCP
 * connect to it succeeds (bounded by LDLM_TEST_START_TIMEOUT_MS); fails,
 * showing the log tail, if the server exits first. Initialises *srv with
 * ldlm_test_server_init() if that was not done.
 */
int ldlm_test_server_start(ldlm_test_server *srv,
                           const char *const *extra_flags);

/*
 * SIGTERM, then waits up to LDLM_TEST_STOP_TIMEOUT_MS before SIGKILL.
 * A paused server is resumed so that it can handle SIGTERM.
 * Returns 0 once the process is gone (also if it had already exited),
 * -1 if no server was started.
 */
int ldlm_test_server_stop(ldlm_test_server *srv);

/* SIGKILL and reap: the server gets no chance to clean up. */
int ldlm_test_server_kill9(ldlm_test_server *srv);

/* SIGSTOP, returning once the process is seen stopped (bounded). */
int ldlm_test_server_pause(ldlm_test_server *srv);

/* SIGCONT. */
int ldlm_test_server_resume(ldlm_test_server *srv);

/*
 * Stops the server if it is running, then starts it again on the same port
 * with the same flags. Retries for a few seconds while the port is still
 * busy (e.g. in TIME_WAIT).
 */
int ldlm_test_server_restart(ldlm_test_server *srv);

/* True while the server process exists and has not exited. */
bool ldlm_test_server_running(ldlm_test_server *srv);

/*
 * State letter of any process from /proc/PID/stat: 'R', 'S', 'D', 'T'
 * (stopped), 'Z' (exited, not reaped)...; '?' if there is no such process.
 */
char ldlm_test_process_state(pid_t pid);

/* Copies the last `lines` lines of the server log to stderr. */
void ldlm_test_server_print_log_tail(const ldlm_test_server *srv, int lines);

/* Stops the server if running, removes the temp dir, frees the flags. */
void ldlm_test_server_cleanup(ldlm_test_server *srv);

/* ---- Network helpers ------------------------------------------------------ */

/*
 * A TCP port on `host` (numeric, e.g. "127.0.0.1" or "::1") that was free a
 * moment ago: binds port 0 and reads back what the kernel chose. Another
 * process may take it before it is used; ldlm_test_server_start() retries
 * with a new port when the server reports "address already in use".
 * Returns the port, or -1.
 */
int ldlm_test_free_port(const char *host);

/* True if a TCP connect to host:port succeeds now. */
bool ldlm_test_port_accepts(const char *host, int port);

/*
 * True if process `pid` itself holds a socket listening on TCP `port` (any
 * address), read from /proc: tells our server from another process that
 * happens to listen on the same port.
 */
bool ldlm_test_pid_listens_on(pid_t pid, int port);

/* True if this machine has an IPv6 loopback we can bind ([::1]). */
bool ldlm_test_have_ipv6_loopback(void);

/* ---- TLS material ---------------------------------------------------------- */

typedef struct ldlm_test_certs {
    char dir[LDLM_TEST_PATH_LEN];
    char ca_cert[LDLM_TEST_PATH_LEN]; /* the test CA */
    char ca_key[LDLM_TEST_PATH_LEN];
    char server_cert[LDLM_TEST_PATH_LEN]; /* IP 127.0.0.1, ::1, DNS
                                                  localhost; signed by CA */
    char server_key[LDLM_TEST_PATH_LEN];
    char wrong_name_cert[LDLM_TEST_PATH_LEN]; /* CN/SAN wrong.example only,
                                                  signed by the same CA */
    char wrong_name_key[LDLM_TEST_PATH_LEN];
    char other_ca_cert[LDLM_TEST_PATH_LEN]; /* an unrelated CA */
    char client_cert[LDLM_TEST_PATH_LEN];   /* clientAuth, signed by CA */
    char client_key[LDLM_TEST_PATH_LEN];
} ldlm_test_certs;

/*
 * Generates the TLS material above into `dir` (created if needed) with the
 * openssl command line tool, through tests/harness/gen-certs.sh (found
 * under $LDLM_TEST_SRCDIR, else the source tree this was built from).
 * Bounded to 60 s. Typically dir = "<srv.dir>/certs" so that cleanup
 * removes it.
 */
int ldlm_test_make_certs(const char *dir, ldlm_test_certs *out);

/* ---- Bounded waiting ------------------------------------------------------- */

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t ldlm_test_now_ms(void);

/*
 * Sleeps `ms` milliseconds. Only for letting time pass on purpose (lock
 * expiry, idleness), never to wait for another thread or process: use the
 * helpers below for that.
 */
void ldlm_test_sleep_ms(int ms);

/*
 * Polls cond(arg) every `poll_ms` (<= 0 means 10 ms) until it returns true
 * (returns true) or `timeout_ms` passed (returns false).
 */
bool ldlm_test_wait_until(bool (*cond)(void *arg), void *arg, int timeout_ms,
                          int poll_ms);

/*
 * A counting event: threads signal it, others wait for the count to reach
 * a value, with a deadline (CLOCK_MONOTONIC). Safe from any thread.
 */
typedef struct ldlm_test_event {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    int count;
} ldlm_test_event;

void ldlm_test_event_init(ldlm_test_event *ev);
void ldlm_test_event_destroy(ldlm_test_event *ev);
void ldlm_test_event_signal(ldlm_test_event *ev);
int ldlm_test_event_count(ldlm_test_event *ev);
/* True once count >= target; false if `timeout_ms` passed first. */
bool ldlm_test_event_wait(ldlm_test_event *ev, int target, int timeout_ms);

/*
 * Joins `thread` if it ends within `timeout_ms` (then *result, if not NULL,
 * receives its return value, and true is returned). On timeout the thread
 * is left running and false is returned.
 */
bool ldlm_test_join(pthread_t thread, int timeout_ms, void **result);

#endif /* LDLM_TEST_SERVER_H */
