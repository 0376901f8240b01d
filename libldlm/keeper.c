/* SPDX-License-Identifier: MIT */
/* keeper.c - the background thread that keeps held locks held, and says so
 * when it cannot.
 *
 * It renews locks that have a server timer, asks the server for a sign of
 * life when it has heard nothing for a while (a probe), reports every lock
 * whose bound passed or whose connection ended through the lost-lock
 * callback (or, with reacquire_lost_locks, takes locks lost with their
 * connection back once it returns), and gives back keys that nobody
 * believes in any more but the server may still hold. It never aborts the process.
 *
 * Whether a lock reads held is decided by its bounds (ldlmi_held_until),
 * checked by every reader: the keeper only has to report, in time. So none
 * of its calls may outlast the earliest bound of a held lock: each call's
 * deadline is capped by it, and a report is never stuck behind a call to a
 * server that stopped answering.
 *
 * All lock state is read and written under client->mutex; RPCs run with the
 * mutex released, on copies, and their result is applied only if the lock
 * is still tracked under the same serial (the caller may have unlocked or
 * freed it meanwhile). The lost-lock callback and the log handler are
 * called with the mutex released: they may call the library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <grpc/support/time.h>

#include "internal.h"

/* Pause after a failed RPC before the keeper tries that lock again. */
#define RETRY_PAUSE_MS 500
/* Bound of each keeper RPC when the client has no call timeout. */
#define KEEPER_RPC_TIMEOUT_MS 10000
/* Pause before unlocking a key again after a transport failure. */
#define RELEASE_RETRY_MS 1000

typedef struct {
    ldlmi_work_kind kind;
    ldlm_handle *lock;
    uint64_t serial;
    uint64_t generation; /* connection generation seen when chosen */
    char *name;
    char *key;
    int lock_timeout_seconds;
    int size;
    ldlmi_release *release; /* WORK_RELEASE */
    int64_t rpc_deadline;   /* monotonic (ldlmi_now_ms) */
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

static int64_t max_time(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

/* When the next probe is due, if one is needed. */
static int64_t probe_due(const ldlm_client *client)
{
    return max_time(client->contact_ms + LDLM_PROBE_INTERVAL_MS,
                    client->probe_retry_at_ms);
}

/* Fills the item for an RPC on lock `l` (copies: the RPC runs without the
 * mutex). False when out of memory. */
static bool copy_lock(work_item *item, ldlm_handle *l)
{
    item->lock = l;
    item->serial = l->serial;
    item->lock_timeout_seconds = l->lock_timeout_seconds;
    item->size = l->size;
    item->name = strdup(l->name);
    item->key = strdup(l->key);
    if (item->name && item->key)
        return true;
    free(item->name);
    free(item->key);
    item->name = item->key = NULL;
    return false;
}

/*
 * Picks the most urgent piece of work (mutex held). Reports come first (no
 * RPC, and the time they are made at matters), then renewals (the one whose
 * lock ends first), probes, re-acquisitions and releases. Returns WORK_NONE
 * and sets *wake_ms to when something will be due (0 = nothing scheduled).
 */
static ldlmi_work_kind choose_work(ldlm_client *client, int64_t now,
                                   work_item *item, int64_t *wake_ms)
{
    *wake_ms = 0;
    item->generation = client->connection_generation;
    /* After ldlm_client_cancel, no more calls; reports go on. */
    bool calls = !client->cancelled;
    ldlm_handle *renew = NULL, *reacquire = NULL;
    int64_t renew_until = 0;
    int64_t earliest = 0; /* earliest end of a lock that reads held */
    for (ldlm_handle *l = client->locks; l; l = l->next) {
        if (l->generation != client->connection_generation) {
            if (l->locked) {
                item->lock = l;
                return item->kind = client->reacquire_lost_locks ? WORK_SUSPEND
                                                                 : WORK_LOST;
            }
            /* Suspended: taken back once the connection is back. */
            if (calls && client->connection_ready) {
                if (now >= l->retry_at_ms)
                    reacquire = reacquire ? reacquire : l;
                else
                    *wake_ms = min_time(*wake_ms, l->retry_at_ms);
            }
            continue;
        }
        if (!l->locked) {
            /* Suspended on this connection (a bound passed while the
             * server did not answer): verified once it answers again. */
            if (calls && client->connection_ready) {
                if (now >= l->retry_at_ms)
                    reacquire = reacquire ? reacquire : l;
                else
                    *wake_ms = min_time(*wake_ms, l->retry_at_ms);
            }
            continue;
        }
        int64_t until = ldlmi_held_until(client, l);
        if (now >= until) {
            item->lock = l;
            return item->kind =
                       client->reacquire_lost_locks ? WORK_SUSPEND : WORK_LOST;
        }
        earliest = min_time(earliest, until);
        if (!calls || !l->auto_renew)
            continue;
        int64_t due = max_time(l->next_renew_ms, l->retry_at_ms);
        if (now < due)
            *wake_ms = min_time(*wake_ms, due);
        else if (!renew || until < renew_until) {
            renew = l;
            renew_until = until;
        }
    }
    *wake_ms = min_time(*wake_ms, earliest);
    if (!calls)
        return item->kind = WORK_NONE;

    /* No call of the keeper may outlast the earliest bound: the report
     * would wait for it. */
    int64_t budget = client->call_timeout_ms > 0 ? client->call_timeout_ms
                                                 : KEEPER_RPC_TIMEOUT_MS;
    if (earliest && earliest - now < budget)
        budget = earliest - now;
    item->rpc_deadline = ldlmi_now_ms() + (budget > 1 ? budget : 1);

    item->kind = WORK_NONE;
    if (renew) {
        item->kind = WORK_RENEW;
        if (!copy_lock(item, renew))
            item->kind = WORK_NONE;
    } else if (earliest && now >= probe_due(client)) {
        item->kind = WORK_PROBE;
    } else if (reacquire) {
        item->kind = WORK_REACQUIRE;
        if (!copy_lock(item, reacquire))
            item->kind = WORK_NONE;
    } else if (client->connection_ready) {
        for (ldlmi_release *r = client->releases; r; r = r->next) {
            if (now >= r->retry_at_ms) {
                item->kind = WORK_RELEASE;
                item->release = r;
                break;
            }
            *wake_ms = min_time(*wake_ms, r->retry_at_ms);
        }
    }
    if (earliest)
        *wake_ms = min_time(*wake_ms, probe_due(client));
    if (item->kind == WORK_NONE && (renew || reacquire)) /* out of memory */
        *wake_ms = min_time(*wake_ms, now + RETRY_PAUSE_MS);
    return item->kind;
}

/* Logs without the mutex: the log handler may call the library. Mutex held
 * on entry and exit. */
static void log_unlocked(ldlm_client *client, ldlm_log_level level,
                         const char *line)
{
    pthread_mutex_unlock(&client->mutex);
    ldlmi_log(level, "%s", line);
    pthread_mutex_lock(&client->mutex);
}

/* Marks the lock lost and calls the callback, mutex held on entry and exit
 * (released around the log line and the callback; the handle cannot be
 * freed meanwhile: ldlm_handle_free waits for callback_lock to change, or,
 * from the callback itself, leaves the free to us). */
static void report_lost(ldlm_client *client, ldlm_handle *l, ldlm_err reason,
                        const char *detail)
{
    l->locked = false;
    ldlmi_untrack_locked(client, l);
    char line[512];
    snprintf(line, sizeof line, "libldlm: lock %s lost: %s%s%s", l->name,
             ldlm_strerror(reason), detail && *detail ? ": " : "",
             detail ? detail : "");
    client->callback_lock = l;
    client->callback_lock_freed = false;
    pthread_mutex_unlock(&client->mutex);
    ldlmi_log(LDLM_LOG_ERROR, "%s", line);
    if (client->lost_lock_callback)
        client->lost_lock_callback(l, reason, client->lost_lock_userdata);
    pthread_mutex_lock(&client->mutex);
    if (client->callback_lock_freed)
        free(l); /* ldlm_handle_free was called inside the callback */
    client->callback_lock = NULL;
    pthread_cond_broadcast(&client->changed);
}

/* A lock that must not read held any more (WORK_LOST): why, and report it.
 * The server may still have it under its key, which nobody will use again:
 * that key is queued to be given back. Mutex held. */
static void report_gone(ldlm_client *client, ldlm_handle *l, int64_t now)
{
    char detail[160];
    if (l->generation != client->connection_generation)
        snprintf(detail, sizeof detail,
                 "the connection to the server ended, and the server "
                 "releases the locks of a connection that ends");
    else if (l->timer_bound_ms && now >= l->timer_bound_ms)
        snprintf(detail, sizeof detail,
                 "its lock timeout (%d s) is running out and no renewal "
                 "succeeded",
                 l->lock_timeout_seconds);
    else
        snprintf(detail, sizeof detail,
                 "no answer from the server for %lld ms: it may have "
                 "dropped the connection",
                 (long long)(now - client->contact_ms));
    ldlmi_queue_release(client, l->name, l->key);
    report_lost(client, l, LDLM_ERR_LOCK_LOST, detail);
}

/* With reacquire_lost_locks: lost with its connection, or a bound passed
 * while the server did not answer. It reads not held from now on (it
 * already does) but stays tracked, to be verified or re-acquired once the
 * server answers (do_reacquire). */
static void suspend(ldlm_client *client, ldlm_handle *l)
{
    bool same_connection = l->generation == client->connection_generation;
    l->locked = false;
    l->retry_at_ms = 0;
    char line[512];
    snprintf(line, sizeof line,
             same_connection
                 ? "libldlm: lock %s not confirmed by the server in time; "
                   "not held until the server confirms it or gives it back"
                 : "libldlm: lock %s lost with the connection; re-acquiring "
                   "it once the server is back",
             l->name);
    log_unlocked(client, LDLM_LOG_INFO, line);
}

/* Renews a due lock. Mutex NOT held. */
static void do_renew(ldlm_client *client, work_item *w)
{
    int64_t start = ldlmi_belief_now_ms();
    /* The keeper keeps renewing with the key it has: no copy of the
     * reply's key is wanted. */
    ldlm_err err =
        ldlmi_rpc_renew(client, w->name, w->key, w->lock_timeout_seconds,
                        w->rpc_deadline, NULL);
    char detail[256];
    snprintf(detail, sizeof detail, "%s", ldlm_last_error_message());
    pthread_mutex_lock(&client->mutex);
    if (ldlmi_server_answered(err))
        ldlmi_note_contact(client, w->generation, start);
    ldlm_handle *l = find_tracked(client, w->lock, w->serial);
    if (l) {
        if (err == LDLM_OK) {
            /* The server restarted the timer when it read the call, so
             * after `start`: counting from `start` is on the safe side. */
            ldlmi_lock_schedule(l, start);
            l->retry_at_ms = 0;
        } else if (is_server_lock_error(err) &&
                   client->connection_generation == w->generation) {
            report_lost(client, l, err, detail);
        } else {
            /* Transport trouble or a reconnection during the call: try
             * again shortly; the lock's bounds decide if it is lost. */
            l->retry_at_ms = ldlmi_belief_now_ms() + RETRY_PAUSE_MS;
        }
    }
    pthread_cond_broadcast(&client->changed);
    pthread_mutex_unlock(&client->mutex);
}

/* Asks the server for a sign of life. Mutex NOT held. */
static void do_probe(ldlm_client *client, work_item *w)
{
    int64_t start = ldlmi_belief_now_ms();
    ldlm_err err = ldlmi_rpc_renew(client, LDLM_PROBE_NAME, LDLM_PROBE_KEY, 1,
                                   w->rpc_deadline, NULL);
    pthread_mutex_lock(&client->mutex);
    if (ldlmi_server_answered(err)) {
        ldlmi_note_contact(client, w->generation, start);
        client->probe_retry_at_ms = 0;
    } else {
        client->probe_retry_at_ms = ldlmi_belief_now_ms() + RETRY_PAUSE_MS;
    }
    pthread_mutex_unlock(&client->mutex);
}

/*
 * Takes back a lock lost with its connection. Its old key is given back
 * first (ldlmi_give_back): a server restarted with a state file restored
 * it, or the server has not yet noticed the old connection's end and still
 * holds it for that session; either way it belongs to no live holder of
 * ours, and left held it would take the slot the new acquisition needs. If
 * the server still had it, the acquisition waits until its timer released
 * it. Mutex NOT held.
 */
static void do_reacquire(ldlm_client *client, work_item *w)
{
    pthread_mutex_lock(&client->mutex);
    ldlm_handle *s = find_tracked(client, w->lock, w->serial);
    bool same_connection = s && s->generation == w->generation;
    pthread_mutex_unlock(&client->mutex);
    if (same_connection) {
        /* Suspended on a connection that never ended: the session that
         * owns the lock is ours and alive, so a renewal that succeeds on
         * it proves the lock was never released (a released lock's timer
         * is gone, and keys are never reused). */
        int64_t start = ldlmi_belief_now_ms();
        ldlm_err err =
            ldlmi_rpc_renew(client, w->name, w->key, w->lock_timeout_seconds,
                            w->rpc_deadline, NULL);
        bool confirmed = false;
        pthread_mutex_lock(&client->mutex);
        if (ldlmi_server_answered(err))
            ldlmi_note_contact(client, w->generation, start);
        ldlm_handle *l = find_tracked(client, w->lock, w->serial);
        if (l && err == LDLM_OK &&
            client->connection_generation == w->generation) {
            l->locked = true;
            ldlmi_lock_schedule(l, start);
            l->retry_at_ms = 0;
            confirmed = true;
        } else if (l && !ldlmi_server_answered(err)) {
            l->retry_at_ms = ldlmi_belief_now_ms() + RETRY_PAUSE_MS;
        }
        pthread_cond_broadcast(&client->changed);
        pthread_mutex_unlock(&client->mutex);
        if (confirmed) {
            ldlmi_log(LDLM_LOG_INFO, "libldlm: lock %s confirmed again",
                      w->name);
            return;
        }
        if (!ldlmi_server_answered(err))
            return; /* tried again later */
        /* The server no longer has it: take it again below. */
    }
    ldlm_err err = same_connection ? LDLM_ERR_LOCK_DOES_NOT_EXIST
                                   : ldlmi_give_back(client, w->name, w->key,
                                                     w->rpc_deadline);
    if (err == LDLM_OK) {
        /* Still there for a second: try again once it is gone. */
        pthread_mutex_lock(&client->mutex);
        ldlm_handle *l = find_tracked(client, w->lock, w->serial);
        if (l)
            l->retry_at_ms =
                ldlmi_belief_now_ms() + LDLM_GIVE_BACK_MS + RETRY_PAUSE_MS;
        pthread_mutex_unlock(&client->mutex);
        return;
    }
    bool locked = false;
    char *new_key = NULL;
    int64_t start = ldlmi_belief_now_ms();
    if (ldlmi_server_answered(err))
        err = ldlmi_rpc_try_lock(client, w->name, w->lock_timeout_seconds,
                                 w->size, w->rpc_deadline, &locked, &new_key);
    char detail[256];
    snprintf(detail, sizeof detail, "%s", ldlm_last_error_message());

    bool reacquired = false;
    char name[256];
    snprintf(name, sizeof name, "%s", w->name);
    pthread_mutex_lock(&client->mutex);
    if (ldlmi_server_answered(err))
        ldlmi_note_contact(client, w->generation, start);
    ldlm_handle *l = find_tracked(client, w->lock, w->serial);
    bool still_connected = client->connection_generation == w->generation;
    if (!l || (locked && !still_connected)) {
        /* Unlocked or freed meanwhile, or taken on a connection that
         * ended during the call: nobody will use this key. */
        if (new_key)
            ldlmi_queue_release(client, w->name, new_key);
        if (l)
            l->retry_at_ms = ldlmi_belief_now_ms() + RETRY_PAUSE_MS;
    } else if (err == LDLM_OK && locked) {
        free(l->key);
        l->key = new_key;
        new_key = NULL;
        l->generation = w->generation;
        l->locked = true;
        ldlmi_lock_schedule(l, start);
        l->retry_at_ms = 0;
        reacquired = true;
    } else if (err == LDLM_OK) {
        report_lost(client, l, LDLM_ERR_LOCK_LOST,
                    "taken by others while it was not confirmed");
    } else if (is_server_lock_error(err) || err == LDLM_ERR_SERVER_UNKNOWN ||
               err == LDLM_ERR_LOCK_SIZE_MISMATCH ||
               err == LDLM_ERR_INVALID_LOCK_SIZE) {
        report_lost(client, l, err, detail);
    } else {
        l->retry_at_ms = ldlmi_belief_now_ms() + RETRY_PAUSE_MS;
    }
    pthread_cond_broadcast(&client->changed);
    pthread_mutex_unlock(&client->mutex);
    free(new_key);
    if (reacquired)
        ldlmi_log(LDLM_LOG_INFO, "libldlm: lock %s re-acquired", name);
}

/* Gives back a key nobody believes in (taken off the queue). Mutex NOT
 * held. */
static void do_release(ldlm_client *client, work_item *w)
{
    ldlmi_release *r = w->release;
    ldlm_err err = ldlmi_give_back(client, r->name, r->key, w->rpc_deadline);
    pthread_mutex_lock(&client->mutex);
    int64_t now = ldlmi_belief_now_ms();
    /* Done whatever the answer (its timer ends within a second, or the
     * server no longer has it), or given up; else tried again after the
     * others. */
    if (ldlmi_server_answered(err) || now >= r->give_up_ms) {
        free(r->name);
        free(r->key);
        free(r);
    } else {
        r->retry_at_ms = now + RELEASE_RETRY_MS;
        r->next = NULL;
        ldlmi_release **p = &client->releases;
        while (*p)
            p = &(*p)->next;
        *p = r;
        client->release_count++;
    }
    pthread_mutex_unlock(&client->mutex);
}

/* Takes a release off the queue for do_release (mutex held). */
static void unlink_release(ldlm_client *client, ldlmi_release *r)
{
    for (ldlmi_release **p = &client->releases; *p; p = &(*p)->next) {
        if (*p == r) {
            *p = r->next;
            client->release_count--;
            return;
        }
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

/* Waits for a change, or until `wake` (belief clock; 0 = no time). The
 * condition variable runs on CLOCK_MONOTONIC, which stops while the
 * machine is suspended: the wait is recomputed from the belief clock on
 * every wakeup, so a suspension only delays the report until the machine
 * runs again (readers see the bound at once anyway). Mutex held. */
static void wait_for(ldlm_client *client, int64_t wake)
{
    int64_t now = ldlmi_belief_now_ms();
    /* Nothing scheduled: look again after a probe interval all the same,
     * so that a lock taken meanwhile, whose first work (a probe) is due no
     * sooner, need not wake the keeper (see ldlmi_track). */
    if (wake == 0)
        wake = now + LDLM_PROBE_INTERVAL_MS;
    int64_t left = wake - now;
    if (left <= 0)
        return;
    int64_t at = ldlmi_now_ms() + left;
    struct timespec ts = {at / 1000, (long)(at % 1000) * 1000000};
    client->keeper_wake_ms = wake;
    pthread_cond_timedwait(&client->changed, &client->mutex, &ts);
    client->keeper_wake_ms = 0;
}

void *ldlmi_keeper_main(void *arg)
{
    ldlm_client *client = arg;
    pthread_mutex_lock(&client->mutex);
    while (!client->shutting_down) {
        work_item w;
        memset(&w, 0, sizeof w);
        int64_t wake = 0;
        int64_t now = ldlmi_belief_now_ms();
        ldlmi_work_kind kind = choose_work(client, now, &w, &wake);
        switch (kind) {
        case WORK_LOST:
            /* The mutex has been held since choose_work: w.lock is still
             * tracked. */
            report_gone(client, w.lock, now);
            break;
        case WORK_SUSPEND:
            suspend(client, w.lock);
            break;
        case WORK_RENEW:
        case WORK_PROBE:
        case WORK_REACQUIRE:
        case WORK_RELEASE:
            if (kind == WORK_RELEASE)
                unlink_release(client, w.release);
            pthread_mutex_unlock(&client->mutex);
            if (kind == WORK_RENEW)
                do_renew(client, &w);
            else if (kind == WORK_PROBE)
                do_probe(client, &w);
            else if (kind == WORK_REACQUIRE)
                do_reacquire(client, &w);
            else
                do_release(client, &w);
            pthread_mutex_lock(&client->mutex);
            break;
        case WORK_NONE:
            wait_for(client, wake);
            break;
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
    ldlmi_cancel_calls(client);
    if (client->keeper_started)
        pthread_join(client->keeper_thread, NULL);
    /* Destroying the channel completes the watcher's pending watch; the
     * watcher touches the channel only inside watcher_in_grpc, and no
     * more once it sees shutting_down. */
    pthread_mutex_lock(&client->mutex);
    while (client->watcher_in_grpc)
        pthread_cond_wait(&client->changed, &client->mutex);
    grpc_channel *channel = client->channel;
    client->channel = NULL;
    pthread_mutex_unlock(&client->mutex);
    grpc_channel_destroy(channel);
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
