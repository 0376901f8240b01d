/* SPDX-License-Identifier: MIT */
/*
 * main.c - ldlmd: start-up, the event loop, shutdown (see ldlmd(8)).
 *
 * The main thread never waits for the LDLM server. It accepts connections
 * (each served on its own thread), reads signals through a signalfd, and
 * watches every session's process through a pidfd: an exit hands the
 * session's slots to the worker at once, which is what frees the slot of
 * a process killed with SIGKILL within milliseconds.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "agent_wire.h"
#include "connect.h"
#include "connection.h"
#include "ldlmd.h"
#include "listener.h"
#include "log.h"
#include "lost.h"
#include "notify.h"
#include "release.h"
#include "sessions.h"
#include "store.h"
#include "takeback.h"
#include "worker.h"

/* Event-loop ids that are not sessions (see LDLMD_FIRST_SESSION_ID). */
enum { EV_SIGNAL = 1, EV_LISTENER = 2 };

/* Bounds of the shutdown: explicit releases, then the connection threads.
 * Whatever is not released by then goes with the connection. */
#define SHUTDOWN_RELEASE_MS 5000
#define SHUTDOWN_DRAIN_MS 10000

static int watch_fd(int epoll_fd, int fd, uint64_t id)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = id};
    return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
}

/* SIGTERM and SIGINT end the loop; the others are read and ignored. */
static int signals_open(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
    /* Before any thread exists (libldlm's, gRPC's, ours): all inherit the
     * mask, so only the signalfd sees these. */
    if (pthread_sigmask(SIG_BLOCK, set, NULL) != 0)
        return -1;
    signal(SIGPIPE, SIG_IGN);
    return signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* True when a stop was asked. */
static bool read_signals(int sfd)
{
    struct signalfd_siginfo si;
    bool stop = false;
    while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (si.ssi_signo == SIGHUP) {
            ldlmd_log(LOG_NOTICE, "SIGHUP ignored: restart ldlmd to read its "
                                  "configuration again (sessions are kept)");
            continue;
        }
        ldlmd_log(LOG_NOTICE, "%s from pid %ld: stopping",
                  si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT",
                  (long)si.ssi_pid);
        stop = true;
    }
    return stop;
}

static void session_exited(ldlmd *d, uint64_t id)
{
    ldlmd_session *s = ldlmd_sessions_take_id(d->sessions, id);
    if (s == NULL)
        return; /* ended by its token meanwhile */
    char who[512];
    ldlmd_session_describe(s, who, sizeof who);
    ldlmd_log(LOG_INFO, "session %s ended: its process exited", who);
    ldlmd_release_session_later(d, s);
}

static void event_loop(ldlmd *d, int sfd, int listen_fd)
{
    struct epoll_event events[64];
    for (;;) {
        int n = epoll_wait(d->epoll_fd, events, 64, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            ldlmd_log(LOG_ERR, "epoll_wait: %m");
            return;
        }
        for (int i = 0; i < n; i++) {
            uint64_t id = events[i].data.u64;
            if (id == EV_SIGNAL) {
                if (read_signals(sfd))
                    return;
            } else if (id == EV_LISTENER) {
                ldlmd_listener_accept(d, listen_fd);
            } else {
                session_exited(d, id);
            }
        }
    }
}

/*
 * Releases every slot, explicitly while time allows (a server that keeps
 * locks past a disconnection would hold them otherwise), and keeps the
 * session files: a restarted ldlmd takes the slots of live sessions back.
 */
static void release_all(ldlmd *d)
{
    ldlmd_session *list = ldlmd_sessions_take_all(d->sessions);
    long deadline = ldlm_wire_now_ms() + SHUTDOWN_RELEASE_MS;
    unsigned released = 0, sessions = 0;
    while (list != NULL) {
        ldlmd_session *s = list;
        list = s->next;
        sessions++;
        for (size_t i = 0; i < s->slot_count; i++) {
            ldlm_handle *h = s->slots[i].handle;
            s->slots[i].handle = NULL;
            if (h == NULL)
                continue;
            if (ldlm_wire_now_ms() < deadline &&
                ldlmd_release_try(h) == LDLMD_RELEASED)
                released++;
            ldlmd_handle_drop(h);
        }
        ldlmd_session_free(s);
    }
    ldlmd_log(LOG_NOTICE,
              "released %u slot(s) of %u session(s); their files stay for "
              "the next start",
              released, sessions);
}

static void shutdown_daemon(ldlmd *d, int listen_fd)
{
    ldlmd_notify("STOPPING=1");
    atomic_store(&d->stopping, true);
    ldlmd_listener_close(&d->opt, listen_fd);
    release_all(d);
    /* Acquisitions still waiting for a slot end now. */
    ldlm_client_cancel(d->client);
    if (ldlmd_conn_drain(d, SHUTDOWN_DRAIN_MS) < 0) {
        ldlmd_log(LOG_ERR,
                  "connection threads did not end within %d ms; "
                  "exiting anyway",
                  SHUTDOWN_DRAIN_MS);
        _exit(EX_SOFTWARE);
    }
    ldlmd_worker_stop(d->worker);
    d->worker = NULL;
    /* Sessions whose acquisition ended during the drain gave theirs back
     * through the worker, stopped above. */
    ldlm_client_free(d->client);
    d->client = NULL;
}

static int setup(ldlmd *d)
{
    d->conn_fds = malloc((size_t)d->opt.max_connections * sizeof(int));
    if (d->conn_fds == NULL)
        return -1;
    for (int i = 0; i < d->opt.max_connections; i++)
        d->conn_fds[i] = -1;
    pthread_mutex_init(&d->conn_mutex, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&d->conn_changed, &ca);
    pthread_condattr_destroy(&ca);
    d->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (d->epoll_fd < 0) {
        ldlmd_log(LOG_ERR, "epoll_create1: %m");
        return -1;
    }
    d->store = ldlmd_store_open(d->opt.run_dir);
    if (d->store == NULL)
        return -1;
    d->sessions = ldlmd_sessions_new(d, d->epoll_fd);
    if (d->sessions == NULL)
        return -1;
    return 0;
}

static int run(ldlmd *d)
{
    sigset_t set;
    int sfd = signals_open(&set);
    if (sfd < 0) {
        ldlmd_log(LOG_ERR, "signalfd: %m");
        return EX_OSERR;
    }
    int lock_fd = ldlmd_run_dir_lock(&d->opt);
    if (lock_fd < 0)
        return EX_CANTCREAT;
    if (setup(d) < 0)
        return EX_OSERR;
    ldlm_set_log_handler(ldlmd_log_library,
                         d->opt.debug ? LDLM_LOG_DEBUG : LDLM_LOG_INFO, NULL);
    if (ldlmd_connect(d) < 0)
        return EX_CONFIG;
    d->worker = ldlmd_worker_start(d);
    if (d->worker == NULL)
        return EX_OSERR;
    /* Listening before the take-back: logins arriving meanwhile wait in
     * the backlog rather than find no socket. */
    int listen_fd = ldlmd_listener_open(&d->opt);
    if (listen_fd < 0)
        return EX_CANTCREAT;
    ldlmd_takeback(d);
    if (watch_fd(d->epoll_fd, sfd, EV_SIGNAL) < 0 ||
        watch_fd(d->epoll_fd, listen_fd, EV_LISTENER) < 0) {
        ldlmd_log(LOG_ERR, "epoll_ctl: %m");
        return EX_OSERR;
    }

    unsigned sessions, held, not_held;
    ldlmd_sessions_count(d->sessions, &sessions, &held, &not_held);
    const char *server =
        d->conn.server != NULL ? d->conn.server : "localhost:3144";
    ldlmd_log(LOG_NOTICE,
              "ldlmd %s serving %s for server %s%s (%u session(s), %u "
              "slot(s) held)",
              PACKAGE_VERSION, d->opt.socket_path, server,
              d->conn.tls ? " (TLS)" : "", sessions, held);
    char status[512];
    snprintf(status, sizeof status,
             "READY=1\nSTATUS=serving %s for %s, %u session(s)",
             d->opt.socket_path, server, sessions);
    if (ldlmd_notify(status) < 0)
        ldlmd_log(LOG_WARNING, "cannot notify the service manager: %m");

    event_loop(d, sfd, listen_fd);
    shutdown_daemon(d, listen_fd);
    close(sfd);
    close(lock_fd);
    ldlmd_log(LOG_NOTICE, "stopped");
    return 0;
}

static void teardown(ldlmd *d)
{
    ldlmd_worker_stop(d->worker);
    ldlm_client_free(d->client);
    ldlmd_sessions_free(d->sessions);
    ldlmd_store_close(d->store);
    ldlmd_lost_clear();
    if (d->epoll_fd >= 0)
        close(d->epoll_fd);
    free(d->conn_fds);
    ldlm_conn_settings_free(&d->conn);
}

int main(int argc, char **argv)
{
    static ldlmd d; /* zeroed; lives as long as the threads */
    int rc = ldlmd_parse_options(argc, argv, &d.opt);
    if (rc != 0)
        return rc;
    if (d.opt.help || d.opt.version) {
        if (d.opt.help)
            ldlmd_print_help(stdout);
        else
            printf("ldlmd %s (libldlm %s)\n", PACKAGE_VERSION, ldlm_version());
        ldlmd_options_free(&d.opt);
        return fflush(stdout) == 0 ? 0 : EX_IOERR;
    }
    ldlmd_log_open(d.opt.log_stderr, d.opt.debug);
    d.epoll_fd = -1;
    d.started = (int64_t)time(NULL);
    rc = run(&d);
    teardown(&d);
    ldlmd_options_free(&d.opt);
    return rc;
}
