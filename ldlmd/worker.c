/* SPDX-License-Identifier: MIT */
/*
 * worker.c - releases with retries, audits, take-backs (see worker.h).
 */
#include "worker.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldlm_util.h>

#include "agent_wire.h"
#include "log.h"
#include "lost.h"
#include "release.h"
#include "sessions.h"

/* Period of the audit and of retries. */
#define WORKER_TICK_MS 1000
/* A release the server cannot take is tried for this long; by then the
 * server has long freed the slot with the lost connection (or its own
 * timer), and the handle is let go. */
#define WORKER_RETRY_FOR_MS (10 * 60 * 1000L)
/* Take-backs per pass: the rest wait for the next tick. */
#define WORKER_TAKEBACK_BATCH 256

typedef struct release_item {
    ldlm_handle *handle;
    long first_ms, next_ms;
    unsigned tries;
    struct release_item *next;
} release_item;

struct ldlmd_worker {
    ldlmd *d;
    pthread_t thread;
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    bool stop, kicked;
    release_item *queue;
    bool server_away; /* last take-back pass could not reach the server */
};

void ldlmd_worker_release(ldlmd_worker *w, ldlm_handle *h)
{
    release_item *it = calloc(1, sizeof *it);
    if (it == NULL) {
        /* Cannot queue it: the server frees it with the connection. */
        ldlmd_log(LOG_ERR, "out of memory queueing a release");
        ldlmd_handle_drop(h);
        return;
    }
    it->handle = h;
    it->first_ms = it->next_ms = ldlm_wire_now_ms();
    pthread_mutex_lock(&w->mutex);
    it->next = w->queue;
    w->queue = it;
    w->kicked = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->mutex);
}

void ldlmd_worker_kick(ldlmd_worker *w)
{
    pthread_mutex_lock(&w->mutex);
    w->kicked = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->mutex);
}

/* Tries every due release; those the server cannot take yet go back. */
static void run_releases(ldlmd_worker *w, bool final)
{
    pthread_mutex_lock(&w->mutex);
    release_item *list = w->queue;
    w->queue = NULL;
    pthread_mutex_unlock(&w->mutex);

    long now = ldlm_wire_now_ms();
    release_item *keep = NULL;
    while (list != NULL) {
        release_item *it = list;
        list = it->next;
        if (!final && it->next_ms > now) {
            it->next = keep;
            keep = it;
            continue;
        }
        ldlmd_release_outcome o = ldlmd_release_try(it->handle);
        if (o == LDLMD_RELEASE_RETRY && it->tries++ == 0 && !final) {
            char name[256];
            ldlmu_printable_into(ldlm_handle_name(it->handle), name,
                                 sizeof name);
            ldlmd_log(LOG_NOTICE,
                      "the server did not take the release of a slot of lock "
                      "%s; trying again every second",
                      name);
        }
        if (o == LDLMD_RELEASE_RETRY && !final &&
            now - it->first_ms < WORKER_RETRY_FOR_MS) {
            it->next_ms = ldlm_wire_now_ms() + WORKER_TICK_MS;
            it->next = keep;
            keep = it;
            continue;
        }
        if (o == LDLMD_RELEASE_RETRY) {
            char name[256];
            ldlmu_printable_into(ldlm_handle_name(it->handle), name,
                                 sizeof name);
            ldlmd_log(LOG_WARNING,
                      "gave up releasing a slot of lock %s: the server "
                      "frees it when ldlmd's connection ends",
                      name);
        }
        ldlmd_handle_drop(it->handle);
        free(it);
    }
    if (keep != NULL) {
        pthread_mutex_lock(&w->mutex);
        release_item *tail = keep;
        while (tail->next != NULL)
            tail = tail->next;
        tail->next = w->queue;
        w->queue = keep;
        pthread_mutex_unlock(&w->mutex);
    }
}

static bool unreachable(ldlm_err err)
{
    return err == LDLM_ERR_UNAVAILABLE || err == LDLM_ERR_DEADLINE ||
           err == LDLM_ERR_TRANSPORT || err == LDLM_ERR_CANCELLED ||
           err == LDLM_ERR_NO_MEMORY;
}

/*
 * Takes back one pending slot: first gives back the key the last ldlmd
 * held it under (a server with --no_clear_on_disconnect, or one restored
 * from its state file, may still count it), then takes a slot. Returns
 * false when the server could not be reached (the slot stays pending).
 */
static bool take_back(ldlmd *d, const ldlmd_pending *p)
{
    if (p->old_key != NULL) {
        ldlm_err err = ldlm_unlock(d->client, p->name, p->old_key, NULL);
        if (unreachable(err))
            return false;
    }
    ldlm_lock_options lo = LDLM_LOCK_OPTIONS(.size = p->size);
    ldlm_handle *h = NULL;
    ldlm_err err = ldlm_try_lock(d->client, p->name, &lo, &h);
    if (unreachable(err)) {
        ldlm_handle_free(h);
        return false;
    }
    char why[256];
    if (err != LDLM_OK) {
        char detail[160];
        ldlmu_printable_into(ldlm_last_error_message(), detail, sizeof detail);
        snprintf(why, sizeof why, "%s%s%s", ldlm_strerror(err),
                 detail[0] ? ": " : "", detail);
        ldlm_handle_free(h);
        h = NULL;
    } else if (!ldlm_handle_locked(h)) {
        snprintf(why, sizeof why, "all %d slots are in use", p->size);
        ldlm_handle_free(h);
        h = NULL;
    }
    if (!ldlmd_sessions_settle(d->sessions, p, h, why) && h != NULL)
        ldlmd_release_handle(d, h); /* the session ended meanwhile */
    return true;
}

size_t ldlmd_takeback_pass(ldlmd *d)
{
    /* Every slot tried leaves the pending state (settled, or its session
     * gone), so each batch is new until none is left. */
    for (;;) {
        size_t count = 0;
        ldlmd_pending *p =
            ldlmd_sessions_pending(d->sessions, WORKER_TAKEBACK_BATCH, &count);
        if (count == 0)
            return 0;
        size_t i = 0;
        for (; i < count; i++) {
            if (atomic_load(&d->stopping) || !take_back(d, &p[i]))
                break;
        }
        ldlmd_pending_free(p, count);
        if (i < count)
            return count - i;
    }
}

static void *worker_main(void *arg)
{
    ldlmd_worker *w = arg;
    ldlmd *d = w->d;
    pthread_mutex_lock(&w->mutex);
    while (!w->stop) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += WORKER_TICK_MS / 1000;
        /* Not "while the queue is empty": releases waiting for the
         * server stay queued, and are due at the next tick. */
        while (!w->stop && !w->kicked) {
            if (pthread_cond_timedwait(&w->cond, &w->mutex, &until) ==
                ETIMEDOUT)
                break;
        }
        if (w->stop)
            break;
        w->kicked = false;
        pthread_mutex_unlock(&w->mutex);

        run_releases(w, false);
        ldlmd_sessions_audit(d->sessions, ldlmd_lost_contains, NULL);
        size_t left = ldlmd_takeback_pass(d);
        if (left > 0 && !w->server_away)
            ldlmd_log(LOG_WARNING,
                      "the server cannot be reached: %zu slot(s) of sessions "
                      "from before the restart wait to be taken back",
                      left);
        w->server_away = left > 0;

        pthread_mutex_lock(&w->mutex);
    }
    pthread_mutex_unlock(&w->mutex);
    return NULL;
}

ldlmd_worker *ldlmd_worker_start(ldlmd *d)
{
    ldlmd_worker *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->d = d;
    pthread_mutex_init(&w->mutex, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cond, &ca);
    pthread_condattr_destroy(&ca);
    int rc = pthread_create(&w->thread, NULL, worker_main, w);
    if (rc != 0) {
        ldlmd_log(LOG_ERR, "cannot start the worker thread: %s", strerror(rc));
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->mutex);
        free(w);
        return NULL;
    }
    return w;
}

void ldlmd_worker_stop(ldlmd_worker *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->mutex);
    w->stop = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->mutex);
    pthread_join(w->thread, NULL);
    /* A cancelled client refuses every call: the handles are only freed
     * (the server frees their slots with the connection). */
    run_releases(w, true);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->mutex);
    free(w);
}
