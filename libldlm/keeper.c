/* SPDX-License-Identifier: MIT */
/* keeper.c - the background thread that keeps held locks held.
 *
 * It renews locks that have a server timer, verifies locks after the
 * connection that owned them ended (a renewal proves the server still has
 * them, as after a restart with a state file), re-acquires lost locks when
 * asked to, and reports every lock it cannot keep through the lost-lock
 * callback. It never aborts the process.
 *
 * All lock state is read and written under client->mutex; RPCs run with the
 * mutex released, on copies, and their result is applied only if the lock
 * is still tracked under the same serial (the caller may have unlocked or
 * freed it meanwhile). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <grpc/support/time.h>

#include "internal.h"

/* Pause after a failed RPC before the keeper tries that lock again. */
#define RETRY_PAUSE_MS 500
/* Bound of each keeper RPC when the client has no call timeout. */
#define KEEPER_RPC_TIMEOUT_MS 10000

typedef struct {
    ldlmi_work_kind kind;
    ldlm_handle *lock;
    uint64_t serial;
    uint64_t generation; /* connection generation seen when chosen */
    char *name;
    char *key;
    int lock_timeout_seconds;
    int size;
} work_item;

static bool is_server_lock_error(ldlm_err err)
{
    return err == LDLM_ERR_LOCK_DOES_NOT_EXIST ||
           err == LDLM_ERR_INVALID_LOCK_KEY ||
           err == LDLM_ERR_LOCK_DOES_NOT_EXIST_OR_INVALID_KEY ||
           err == LDLM_ERR_NOT_LOCKED;
}

static ldlm_handle *find_tracked(ldlm_client *client, const ldlm_handle *lock,
                                 uint64_t serial)
{
    for (ldlm_handle *l = client->locks; l; l = l->next)
        if (l == lock && l->serial == serial)
            return l;
    return NULL;
}

static int64_t min_time(int64_t a, int64_t b)
{
    if (a == 0)
        return b;
    if (b == 0)
        return a;
    return a < b ? a : b;
}

/* Unverified since a disconnect: until when may it still read as held?
 * A lock with a server timer: until that timer would have run out (the
 * server has dropped it by then anyway). Without one: a grace period from
 * the disconnect. The bound holds whether or not the connection is back, so
 * a verification that keeps failing cannot keep a lock "held" for ever. */
static int64_t unverified_deadline(const ldlm_client *client,
                                   const ldlm_handle *lock)
{
    if (lock->expires_ms)
        return lock->expires_ms;
    return client->last_disconnect_ms + LDLM_UNVERIFIED_GRACE_MS;
}

/* The decision for a lock taken before the last disconnect. */
static ldlmi_work_kind choose_for_unverified(const ldlm_client *client,
                                             const ldlm_handle *l, int64_t now,
                                             int64_t *wake_ms)
{
    int64_t give_up = unverified_deadline(client, l);
    bool overdue = now >= give_up;
    if (overdue && !client->reacquire_lost_locks)
        return WORK_EXPIRED;
    if (overdue && l->locked)
        return WORK_SUSPEND;
    if (client->connection_ready && now >= l->retry_at_ms)
        return WORK_VERIFY;
    /* Wake for the bound (while it still reads held) or the retry. */
    if (!overdue)
        *wake_ms = min_time(*wake_ms, give_up);
    if (client->connection_ready)
        *wake_ms = min_time(*wake_ms, l->retry_at_ms);
    return WORK_NONE;
}

/* Picks the most urgent piece of work (mutex held). Returns WORK_NONE and
 * sets *wake_ms to when something will be due (0 = nothing scheduled). */
static ldlmi_work_kind choose_work(ldlm_client *client, int64_t now,
                                   work_item *item, int64_t *wake_ms)
{
    *wake_ms = 0;
    for (ldlm_handle *l = client->locks; l; l = l->next) {
        bool stale = l->generation < client->connection_generation;
        int64_t retry_at = l->retry_at_ms;
        ldlmi_work_kind kind = WORK_NONE;
        if (stale) {
            kind = choose_for_unverified(client, l, now, wake_ms);
        } else if (l->expires_ms && now >= l->expires_ms) {
            kind = WORK_EXPIRED;
        } else if (l->auto_renew && now >= l->next_renew_ms &&
                   now >= retry_at) {
            kind = WORK_RENEW;
        } else {
            int64_t due = l->auto_renew ? l->next_renew_ms : 0;
            if (due && retry_at > due)
                due = retry_at;
            *wake_ms = min_time(*wake_ms, min_time(due, l->expires_ms));
        }
        if (kind != WORK_NONE) {
            item->kind = kind;
            item->lock = l;
            item->serial = l->serial;
            item->generation = client->connection_generation;
            item->lock_timeout_seconds = l->lock_timeout_seconds;
            item->size = l->size;
            if (kind == WORK_EXPIRED || kind == WORK_SUSPEND)
                return kind; /* handled under the mutex: no copies needed */
            /* RPCs run without the mutex, on copies. */
            item->name = strdup(l->name);
            item->key = strdup(l->key);
            if (!item->name || !item->key) {
                free(item->name);
                free(item->key);
                item->name = item->key = NULL;
                l->retry_at_ms = now + RETRY_PAUSE_MS;
                *wake_ms = min_time(*wake_ms, l->retry_at_ms);
                continue;
            }
            return kind;
        }
    }
    return WORK_NONE;
}

/* After a successful renewal: new deadlines, and no retry pending. */
static void reschedule(ldlm_handle *l, int64_t now)
{
    ldlmi_lock_schedule(l, now);
    l->retry_at_ms = 0;
}

/* Marks the lock lost and calls the callback, mutex held on entry and exit
 * (released around the callback). */
static void report_lost(ldlm_client *client, ldlm_handle *l, ldlm_err reason,
                        const char *detail)
{
    l->locked = false;
    ldlmi_untrack_locked(client, l);
    ldlmi_log(LDLM_LOG_ERROR, "libldlm: lock %s lost: %s%s%s", l->name,
              ldlm_strerror(reason), detail && *detail ? ": " : "",
              detail ? detail : "");
    if (!client->lost_lock_callback)
        return;
    client->callback_lock = l;
    client->callback_lock_freed = false;
    pthread_mutex_unlock(&client->mutex);
    client->lost_lock_callback(l, reason, client->lost_lock_userdata);
    pthread_mutex_lock(&client->mutex);
    if (client->callback_lock_freed)
        free(l); /* ldlm_handle_free was called inside the callback */
    client->callback_lock = NULL;
    pthread_cond_broadcast(&client->changed);
}

static int64_t rpc_deadline(const ldlm_client *client, int64_t now)
{
    return now + (client->call_timeout_ms > 0 ? client->call_timeout_ms
                                              : KEEPER_RPC_TIMEOUT_MS);
}

/* Renews a due lock. Mutex NOT held. */
static void do_renew(ldlm_client *client, work_item *w)
{
    int64_t now = ldlmi_now_ms();
    /* The keeper keeps renewing with the key it has: no copy of the
     * reply's key is wanted. */
    ldlm_err err =
        ldlmi_rpc_renew(client, w->name, w->key, w->lock_timeout_seconds,
                        rpc_deadline(client, now), NULL);
    char detail[256];
    snprintf(detail, sizeof detail, "%s", ldlm_last_error_message());
    pthread_mutex_lock(&client->mutex);
    ldlm_handle *l = find_tracked(client, w->lock, w->serial);
    if (l) {
        if (err == LDLM_OK) {
            reschedule(l, now);
        } else if (is_server_lock_error(err) &&
                   client->connection_generation == w->generation) {
            report_lost(client, l, err, detail);
        } else {
            /* Transport trouble or a reconnection during the call: try
             * again shortly; expiry or verification decides if it is lost. */
            l->retry_at_ms = ldlmi_now_ms() + RETRY_PAUSE_MS;
        }
    }
    pthread_mutex_unlock(&client->mutex);
}

/* After a reconnection: renew to prove the lock survived, else re-acquire
 * it if configured, else report it. Mutex NOT held. */
static void do_verify(ldlm_client *client, work_item *w)
{
    int seconds = w->lock_timeout_seconds > 0 ? w->lock_timeout_seconds
                                              : LDLM_RESTORED_LOCK_TIMEOUT_S;
    int64_t now = ldlmi_now_ms();
    ldlm_err err = ldlmi_rpc_renew(client, w->name, w->key, seconds,
                                   rpc_deadline(client, now), NULL);
    bool reacquired = false;
    char *new_key = NULL;
    if (is_server_lock_error(err) && client->reacquire_lost_locks) {
        bool locked = false;
        ldlm_err again = ldlmi_rpc_try_lock(
            client, w->name, w->lock_timeout_seconds, w->size,
            rpc_deadline(client, now), &locked, &new_key);
        if (again == LDLM_OK && locked)
            reacquired = true;
        else if (again == LDLM_OK)
            err = ldlmi_fail(LDLM_ERR_LOCK_LOST,
                             "held by others since the connection was lost");
        else
            err = again; /* a server refusal reports the lock lost below;
                            transport trouble retries the verification */
    }
    char detail[256];
    snprintf(detail, sizeof detail, "%s", ldlm_last_error_message());

    pthread_mutex_lock(&client->mutex);
    ldlm_handle *l = find_tracked(client, w->lock, w->serial);
    if (l) {
        now = ldlmi_now_ms();
        if (err == LDLM_OK || reacquired) {
            if (reacquired) {
                free(l->key);
                l->key = new_key;
                new_key = NULL;
                ldlmi_log(LDLM_LOG_INFO, "libldlm: lock %s re-acquired",
                          l->name);
            } else if (l->lock_timeout_seconds <= 0) {
                /* The server restored it with a timer: keep it renewed. */
                l->lock_timeout_seconds = LDLM_RESTORED_LOCK_TIMEOUT_S;
                l->auto_renew = !client->no_auto_renew;
            }
            l->generation = w->generation;
            l->locked = true; /* again, if it was suspended */
            reschedule(l, now);
        } else if (is_server_lock_error(err) || err == LDLM_ERR_LOCK_LOST ||
                   err == LDLM_ERR_LOCK_SIZE_MISMATCH ||
                   err == LDLM_ERR_INVALID_LOCK_SIZE) {
            report_lost(client, l, err, detail);
        } else {
            l->retry_at_ms = now + RETRY_PAUSE_MS;
        }
    }
    pthread_mutex_unlock(&client->mutex);
    if (new_key) {
        /* Re-acquired for a handle that was unlocked or freed meanwhile:
         * nobody will ever release it, so give it back now. */
        (void)ldlmi_rpc_unlock(client, w->name, new_key,
                               rpc_deadline(client, ldlmi_now_ms()), NULL);
        free(new_key);
    }
}

ldlmi_work_kind ldlmi_keeper_next(ldlm_client *client, int64_t now,
                                  ldlm_handle **lock, int64_t *wake_ms)
{
    work_item w;
    memset(&w, 0, sizeof w);
    ldlmi_work_kind kind = choose_work(client, now, &w, wake_ms);
    *lock = w.lock;
    free(w.name);
    free(w.key);
    return kind;
}

void *ldlmi_keeper_main(void *arg)
{
    ldlm_client *client = arg;
    pthread_mutex_lock(&client->mutex);
    while (!client->shutting_down) {
        work_item w;
        memset(&w, 0, sizeof w);
        int64_t wake = 0;
        int64_t now = ldlmi_now_ms();
        ldlmi_work_kind kind =
            client->cancelled ? WORK_NONE : choose_work(client, now, &w, &wake);
        if (kind == WORK_EXPIRED) {
            /* The mutex has been held since choose_work: w.lock is still
             * tracked. */
            report_lost(client, w.lock, LDLM_ERR_LOCK_LOST,
                        w.lock->generation < client->connection_generation
                            ? "connection lost and not restored in time"
                            : "lock timeout expired without renewal");
        } else if (kind == WORK_SUSPEND) {
            /* Not proven held within its bound: it must not read as held
             * any longer, but it stays tracked to be re-acquired. */
            w.lock->locked = false;
            ldlmi_log(LDLM_LOG_INFO,
                      "libldlm: lock %s not verified in time after the "
                      "connection was lost; re-acquiring it once the "
                      "server is back",
                      w.lock->name);
        } else if (kind == WORK_RENEW || kind == WORK_VERIFY) {
            pthread_mutex_unlock(&client->mutex);
            if (kind == WORK_RENEW)
                do_renew(client, &w);
            else
                do_verify(client, &w);
            pthread_mutex_lock(&client->mutex);
        } else if (wake) {
            struct timespec ts = {wake / 1000, (long)(wake % 1000) * 1000000};
            pthread_cond_timedwait(&client->changed, &client->mutex, &ts);
        } else {
            pthread_cond_wait(&client->changed, &client->mutex);
        }
        free(w.name);
        free(w.key);
    }
    pthread_mutex_unlock(&client->mutex);
    return NULL;
}

ldlm_err ldlmi_background_start(ldlm_client *client)
{
    client->watcher_queue = grpc_completion_queue_create_for_next(NULL);
    if (!client->watcher_queue)
        return ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    if (pthread_create(&client->watcher_thread, NULL, ldlmi_watcher_main,
                       client) != 0)
        return ldlmi_fail(LDLM_ERR_NO_MEMORY,
                          "cannot start the watcher thread");
    client->watcher_started = true;
    if (pthread_create(&client->keeper_thread, NULL, ldlmi_keeper_main,
                       client) != 0)
        return ldlmi_fail(LDLM_ERR_NO_MEMORY, "cannot start the keeper thread");
    client->keeper_started = true;
    return LDLM_OK;
}

void ldlmi_background_stop(ldlm_client *client)
{
    /* The keeper's RPCs fail fast once the calls are cancelled. */
    pthread_mutex_lock(&client->mutex);
    for (ldlmi_active_call *c = client->active_calls; c; c = c->next)
        grpc_call_cancel(c->call, NULL);
    pthread_mutex_unlock(&client->mutex);
    if (client->keeper_started)
        pthread_join(client->keeper_thread, NULL);
    /* Destroying the channel completes the watcher's pending watch; the
     * mutex keeps the watcher from touching the channel meanwhile. */
    pthread_mutex_lock(&client->mutex);
    grpc_channel_destroy(client->channel);
    client->channel = NULL;
    pthread_mutex_unlock(&client->mutex);
    if (client->watcher_started)
        pthread_join(client->watcher_thread, NULL);
    if (client->watcher_queue) {
        grpc_completion_queue_shutdown(client->watcher_queue);
        while (grpc_completion_queue_next(client->watcher_queue,
                                          gpr_inf_future(GPR_CLOCK_MONOTONIC),
                                          NULL)
                   .type != GRPC_QUEUE_SHUTDOWN)
            ;
        grpc_completion_queue_destroy(client->watcher_queue);
    }
}
