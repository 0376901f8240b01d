/* SPDX-License-Identifier: MIT */
/* handles.c - lock handles: their lifetime (registered on their client until
 * freed, detached when the client is freed first), the list of tracked
 * locks the keeper works on, the bounds that decide whether a lock reads
 * held, and the ldlm_handle_* functions.
 *
 * A lock reads held only while the server cannot have released it: before
 * its timer can end (counted from the start of the last call that took or
 * renewed it), while the connection whose session owns it lasts, and before
 * the server can have dropped that connection (LDLM_SERVER_DROP_MS after
 * the last call it answered). These bounds
 * are checked each time the lock is read, not only when the keeper gets to
 * run, so that a reader never depends on a background thread being
 * scheduled in time (a process that was frozen, a keeper stuck in a call).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/* At most this many keys wait to be released; the oldest go first. */
#define MAX_RELEASES 256
/* A key is released within this long, or never (its timer or session end
 * will release it on the server anyway). */
#define RELEASE_GIVE_UP_MS 600000

int64_t ldlmi_belief_now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
        clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Returns a new handle, registered on the client's list of handles so that
 * ldlm_client_free can detach it. */
ldlm_handle *ldlmi_handle_new(ldlm_client *client, const char *name,
                              const char *key, bool locked, int64_t timer_bound)
{
    ldlm_handle *lock = calloc(1, sizeof *lock);
    if (!lock)
        return NULL;
    lock->name = strdup(name);
    lock->key = strdup(key ? key : "");
    lock->locked = locked;
    lock->timer_bound_ms = timer_bound;
    if (!lock->name || !lock->key) {
        free(lock->name);
        free(lock->key);
        free(lock);
        return NULL;
    }
    pthread_mutex_lock(&client->mutex);
    lock->client = client;
    lock->handle_next = client->handles;
    if (client->handles)
        client->handles->handle_prev = lock;
    client->handles = lock;
    pthread_mutex_unlock(&client->mutex);
    return lock;
}

/* Removes a handle from client->handles (mutex held). */
static void unregister_handle_locked(ldlm_client *client, ldlm_handle *lock)
{
    if (lock->handle_prev)
        lock->handle_prev->handle_next = lock->handle_next;
    else if (client->handles == lock)
        client->handles = lock->handle_next;
    if (lock->handle_next)
        lock->handle_next->handle_prev = lock->handle_prev;
    lock->handle_prev = lock->handle_next = NULL;
}

void ldlmi_lock_schedule(ldlm_handle *lock, int64_t confirmed)
{
    int t = lock->lock_timeout_seconds;
    lock->timer_bound_ms =
        t > 0 ? confirmed + (int64_t)t * 1000 - ldlmi_safety_margin_ms(t) : 0;
    lock->next_renew_ms =
        lock->auto_renew ? confirmed + ldlmi_renew_interval_ms(t) : 0;
}

int64_t ldlmi_held_until(const ldlm_client *client, const ldlm_handle *lock)
{
    if (!lock->locked)
        return 0;
    if (!lock->tracked) /* a handle from ldlm_renew */
        return lock->timer_bound_ms ? lock->timer_bound_ms : INT64_MAX;
    /* A connection that ended took the session's locks with it: the server
     * released them, or will when it notices (see ldlm.h). */
    if (lock->generation != client->connection_generation ||
        client->contact_ms == 0)
        return 0;
    int64_t until =
        client->contact_ms + LDLM_SERVER_DROP_MS - LDLM_DROP_MARGIN_MS;
    if (lock->timer_bound_ms && lock->timer_bound_ms < until)
        until = lock->timer_bound_ms;
    return until;
}

bool ldlmi_server_answered(ldlm_err err)
{
    return err == LDLM_OK || (err <= LDLM_ERR_SERVER_UNKNOWN &&
                              err >= LDLM_ERR_INVALID_LOCK_SIZE);
}

void ldlmi_note_contact(ldlm_client *client, uint64_t generation, int64_t start)
{
    if (generation == client->connection_generation &&
        start > client->contact_ms)
        client->contact_ms = start;
}

ldlm_err ldlmi_give_back(ldlm_client *client, const char *name, const char *key,
                         int64_t deadline_ms)
{
    return ldlmi_rpc_renew(client, name, key, LDLM_GIVE_BACK_MS / 1000,
                           deadline_ms, NULL);
}

void ldlmi_queue_release(ldlm_client *client, const char *name, const char *key)
{
    if (!key || !*key)
        return;
    ldlmi_release *r = calloc(1, sizeof *r);
    if (!r)
        return; /* best effort: the server's timer or session end frees it */
    r->name = strdup(name);
    r->key = strdup(key);
    if (!r->name || !r->key) {
        free(r->name);
        free(r->key);
        free(r);
        return;
    }
    r->give_up_ms = ldlmi_belief_now_ms() + RELEASE_GIVE_UP_MS;
    /* Appended: the oldest is released first, and dropped first when the
     * queue is full. */
    ldlmi_release **p = &client->releases;
    while (*p)
        p = &(*p)->next;
    *p = r;
    if (++client->release_count > MAX_RELEASES) {
        ldlmi_release *old = client->releases;
        client->releases = old->next;
        client->release_count--;
        free(old->name);
        free(old->key);
        free(old);
    }
    pthread_cond_broadcast(&client->changed);
}

void ldlmi_free_releases(ldlm_client *client)
{
    while (client->releases) {
        ldlmi_release *r = client->releases;
        client->releases = r->next;
        free(r->name);
        free(r->key);
        free(r);
    }
    client->release_count = 0;
}

/* Starts renewal and loss tracking of a freshly acquired lock. */
void ldlmi_track(ldlm_client *client, ldlm_handle *lock,
                 const ldlm_lock_options *o, uint64_t generation,
                 int64_t confirmed)
{
    lock->size = o->size;
    lock->lock_timeout_seconds = o->lock_timeout_seconds;
    lock->auto_renew = o->lock_timeout_seconds > 0 && !client->no_auto_renew;
    pthread_mutex_lock(&client->mutex);
    ldlmi_lock_schedule(lock, confirmed);
    /* The reply came over this connection: the server read from it. */
    ldlmi_note_contact(client, generation, confirmed);
    lock->generation = generation;
    lock->serial = ++client->next_serial;
    lock->tracked = true;
    lock->next = client->locks;
    client->locks = lock;
    /* The keeper reschedules, unless it is waiting and will look again no
     * later than this lock's first work: a probe, its renewal, or the end
     * of its bounds. */
    int64_t due = client->contact_ms + LDLM_PROBE_INTERVAL_MS;
    if (client->probe_retry_at_ms > due)
        due = client->probe_retry_at_ms;
    if (lock->next_renew_ms && lock->next_renew_ms < due)
        due = lock->next_renew_ms;
    int64_t until = ldlmi_held_until(client, lock);
    if (until < due)
        due = until;
    if (client->keeper_wake_ms == 0 || client->keeper_wake_ms > due)
        pthread_cond_broadcast(&client->changed);
    pthread_mutex_unlock(&client->mutex);
}

void ldlmi_untrack_locked(ldlm_client *client, ldlm_handle *lock)
{
    if (!lock->tracked)
        return;
    for (ldlm_handle **p = &client->locks; *p; p = &(*p)->next) {
        if (*p == lock) {
            *p = lock->next;
            break;
        }
    }
    lock->next = NULL;
    lock->tracked = false;
}

/* Stops tracking the handle(s) of this client holding name + key. */
void ldlmi_forget_tracked(ldlm_client *client, const char *name,
                          const char *key)
{
    pthread_mutex_lock(&client->mutex);
    ldlm_handle *lock = client->locks;
    while (lock) {
        ldlm_handle *next = lock->next;
        if (strcmp(lock->name, name) == 0 && strcmp(lock->key, key) == 0) {
            lock->locked = false;
            ldlmi_untrack_locked(client, lock);
        }
        lock = next;
    }
    pthread_mutex_unlock(&client->mutex);
}

/* A manual renewal of a lock this client tracks sets its new timeout: the
 * keeper's schedule and expiry follow it. */
void ldlmi_adopt_renewal(ldlm_client *client, const char *name, const char *key,
                         int seconds, int64_t start, uint64_t generation)
{
    pthread_mutex_lock(&client->mutex);
    ldlmi_note_contact(client, generation, start);
    for (ldlm_handle *l = client->locks; l; l = l->next) {
        if (strcmp(l->name, name) != 0 || strcmp(l->key, key) != 0)
            continue;
        l->lock_timeout_seconds = seconds; /* > 0: checked by ldlm_renew */
        l->auto_renew = !client->no_auto_renew;
        ldlmi_lock_schedule(l, start);
    }
    pthread_cond_broadcast(&client->changed);
    pthread_mutex_unlock(&client->mutex);
}

const char *ldlm_handle_name(const ldlm_handle *lock)
{
    return lock ? lock->name : NULL;
}

char *ldlm_handle_key(const ldlm_handle *lock)
{
    if (!lock)
        return NULL;
    ldlm_client *client = lock->client;
    if (!client)
        return strdup(lock->key);
    pthread_mutex_lock(&client->mutex);
    char *key = strdup(lock->key);
    pthread_mutex_unlock(&client->mutex);
    return key;
}

bool ldlm_handle_locked(const ldlm_handle *lock)
{
    if (!lock)
        return false;
    ldlm_client *client = lock->client;
    if (!client)
        return false;
    pthread_mutex_lock(&client->mutex);
    bool locked = ldlmi_belief_now_ms() < ldlmi_held_until(client, lock);
    pthread_mutex_unlock(&client->mutex);
    return locked;
}

ldlm_err ldlm_handle_unlock(ldlm_handle *lock)
{
    ldlmi_clear_error();
    if (!lock)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT, "lock is NULL");
    ldlm_client *client = lock->client;
    if (!client)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                          "the lock's client was freed");
    ldlm_err err = ldlmi_check_client(client);
    if (err != LDLM_OK)
        return err;
    pthread_mutex_lock(&client->mutex);
    bool locked = ldlmi_belief_now_ms() < ldlmi_held_until(client, lock);
    char *key = strdup(lock->key);
    if (key && !locked && lock->tracked) {
        /* Not held any more, but not reported yet (a bound just passed,
         * or it waits to be re-acquired after a lost connection): after
         * this call it is neither reported nor taken back, and the server
         * may still have it under this key, which nobody will use. */
        ldlmi_queue_release(client, lock->name, key);
        lock->locked = false;
        ldlmi_untrack_locked(client, lock);
    }
    pthread_mutex_unlock(&client->mutex);
    if (!key)
        return ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    if (!locked) {
        free(key);
        return ldlmi_fail(LDLM_ERR_NOT_LOCKED, "%s is not held", lock->name);
    }
    bool unlocked = false;
    err = ldlmi_rpc_unlock(client, lock->name, key,
                           ldlmi_operation_deadline(client), &unlocked);
    /* Released, or the server says it is not ours any more: either way
     * this handle no longer holds anything. Transport errors leave it as
     * is, so the caller may retry. */
    if ((err == LDLM_OK && unlocked) || err == LDLM_ERR_LOCK_DOES_NOT_EXIST ||
        err == LDLM_ERR_INVALID_LOCK_KEY || err == LDLM_ERR_NOT_LOCKED) {
        pthread_mutex_lock(&client->mutex);
        if (strcmp(lock->key, key) == 0) {
            lock->locked = false;
            ldlmi_untrack_locked(client, lock);
        }
        pthread_mutex_unlock(&client->mutex);
    }
    if (err == LDLM_OK && !unlocked)
        err = ldlmi_fail(LDLM_ERR_NOT_LOCKED, "the server did not unlock %s",
                         lock->name);
    free(key);
    return err;
}

void ldlm_handle_free(ldlm_handle *lock)
{
    if (!lock)
        return;
    ldlm_client *client = lock->client;
    if (client) {
        pthread_mutex_lock(&client->mutex);
        if (client->callback_lock == lock) {
            if (pthread_equal(pthread_self(), client->keeper_thread)) {
                /* Freed from its own lost-lock callback: the keeper frees
                 * the handle once the callback returns. */
                unregister_handle_locked(client, lock);
                client->callback_lock_freed = true;
                free(lock->name);
                free(lock->key);
                lock->name = lock->key = NULL;
                pthread_mutex_unlock(&client->mutex);
                return;
            }
            while (client->callback_lock == lock)
                pthread_cond_wait(&client->changed, &client->mutex);
        }
        ldlmi_untrack_locked(client, lock);
        unregister_handle_locked(client, lock);
        pthread_mutex_unlock(&client->mutex);
    }
    free(lock->name);
    free(lock->key);
    free(lock);
}

/* Lock handles outlive the client: detach every one of them, tracked or
 * not (unlocked, lost, a try-lock that missed, a renewal's handle). They
 * now read unlocked (closing the connection makes the server release the
 * locks) and their accessors no longer touch the client. */
void ldlmi_detach_handles(ldlm_client *client, bool owner)
{
    /* In a forked child no other thread exists, and the mutex may have been
     * copied in a locked state: walk the list without it. */
    if (owner)
        pthread_mutex_lock(&client->mutex);
    ldlm_handle *lock = client->handles;
    while (lock) {
        ldlm_handle *next = lock->handle_next;
        lock->client = NULL;
        lock->locked = false;
        lock->tracked = false;
        lock->next = NULL;
        lock->handle_prev = lock->handle_next = NULL;
        lock = next;
    }
    client->handles = NULL;
    client->locks = NULL;
    if (owner)
        pthread_mutex_unlock(&client->mutex);
}
