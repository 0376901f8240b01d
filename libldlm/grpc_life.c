/* SPDX-License-Identifier: MIT */
/*
 * grpc_life.c - gRPC's initialization, shared by the clients of a process
 * and kept a moment after the last one is freed.
 *
 * Each client holds one grpc_init() reference. When the last client of the
 * process is freed, gRPC would shut down (stopping its executor, timer and
 * event engine threads) and the next ldlm_client_new would start it all
 * again: about 0.8 ms of CPU a client, a third of a short-lived client's
 * cost (measured with bench/ldlm_bench connect_plain). So the last
 * client's reference is kept for LINGER_MS instead, by a "reaper" thread
 * that calls grpc_shutdown() once that time passed without a new client; a
 * client created meanwhile takes the reference over.
 *
 * gRPC still winds down soon after the process stops using the library
 * (hosts and tests wait for that: a long-lived PAM host's threads), and
 * never lingers where it must not:
 * - fork(): a child must not inherit an initialized gRPC without its
 *   threads (any gRPC use there hangs), so a pending linger is ended, gRPC
 *   shut down, in the pthread_atfork prepare handler;
 * - dlclose(): the library is linked -z nodelete, so the reaper never runs
 *   code of an unloaded library (libgrpc itself is never unloaded: it has
 *   unique symbols);
 * - exit(): an atexit handler (run before the exit-time check that
 *   LeakSanitizer registers at start) stops the reaper without shutting
 *   gRPC down, as if a client were still open: shutting down there would
 *   race gRPC's own exit-time destructors, and threads ending during
 *   LeakSanitizer's scan make it fail.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "ldlm_util.h"

/* Long enough to cover a program that frees a client and makes the next
 * one (connections in a loop, a retry), short enough that a host sees
 * gRPC's threads go soon after its last client. */
#define LINGER_MS 500

static pthread_once_t life_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t life_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t life_changed;
static int live_clients;     /* clients of this process holding gRPC */
static bool lingering;       /* we hold the last client's reference */
static int64_t linger_until; /* monotonic ms: shut down then */
static bool reaper_started;  /* a reaper thread exists, not yet joined */
static bool reaper_exiting;  /* it no longer touches life_mutex */
static bool process_exiting; /* exit() has begun: never shut down */
static pthread_t reaper;

static void end_linger(void);
static void at_exit(void);

static void life_init(void)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&life_changed, &attr);
    pthread_condattr_destroy(&attr);
    atexit(at_exit);
    pthread_atfork(end_linger, NULL, NULL);
}

static void *reaper_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&life_mutex);
    for (;;) {
        int64_t now = ldlmi_now_ms();
        if (now >= linger_until)
            break;
        struct timespec ts = {linger_until / 1000,
                              (long)(linger_until % 1000) * 1000000};
        pthread_cond_timedwait(&life_changed, &life_mutex, &ts);
    }
    bool shutdown = lingering && !process_exiting;
    lingering = false;
    reaper_exiting = true; /* from here on, joinable under life_mutex */
    pthread_mutex_unlock(&life_mutex);
    if (shutdown)
        grpc_shutdown();
    return NULL;
}

/* Ends a pending linger now: shuts gRPC down if nobody took the reference
 * over, and joins the reaper. */
static void end_linger(void)
{
    pthread_mutex_lock(&life_mutex);
    if (!reaper_started) {
        pthread_mutex_unlock(&life_mutex);
        return;
    }
    reaper_started = false; /* ours to join, nobody else's */
    linger_until = 0;
    pthread_cond_broadcast(&life_changed);
    pthread_t thread = reaper;
    pthread_mutex_unlock(&life_mutex);
    pthread_join(thread, NULL);
}

static void at_exit(void)
{
    pthread_mutex_lock(&life_mutex);
    process_exiting = true;
    pthread_mutex_unlock(&life_mutex);
    end_linger();
}

void ldlmi_grpc_acquire(void)
{
    pthread_once(&life_once, life_init);
    pthread_mutex_lock(&life_mutex);
    live_clients++;
    bool take_over = lingering;
    lingering = false;
    pthread_mutex_unlock(&life_mutex);
    if (!take_over)
        grpc_init();
}

void ldlmi_grpc_release(void)
{
    pthread_mutex_lock(&life_mutex);
    bool keep = --live_clients == 0;
    if (keep && reaper_started && reaper_exiting) {
        /* Past its last use of the mutex (maybe in grpc_shutdown): join it
         * before a new one is started. */
        pthread_join(reaper, NULL);
        reaper_started = false;
    }
    if (keep && !reaper_started) {
        reaper_exiting = false;
        sigset_t saved;
        ldlmu_signals_block(&saved);
        keep = pthread_create(&reaper, NULL, reaper_main, NULL) == 0;
        ldlmu_signals_restore(&saved);
        reaper_started = keep;
    }
    if (keep) {
        lingering = true;
        linger_until = ldlmi_now_ms() + LINGER_MS;
    }
    pthread_mutex_unlock(&life_mutex);
    if (!keep)
        grpc_shutdown();
}
