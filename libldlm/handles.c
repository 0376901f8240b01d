/* SPDX-License-Identifier: MIT */
/* handles.c - lock handles: their lifetime (registered on their client until
 * freed, detached when the client is freed first), the list of tracked
 * locks the keeper works on, and the ldlm_handle_* functions. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Returns a new handle, registered on the client's list of handles so that
 * ldlm_client_free can detach it. */
ldlm_handle *ldlmi_handle_new(ldlm_client *client, const char *name,
                              const char *key, bool locked)
{
    ldlm_handle *lock = calloc(1, sizeof *lock);
    if (!lock)
        return NULL;
    lock->name = strdup(name);
    lock->key = strdup(key ? key : "");
    lock->locked = locked;
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

void ldlmi_lock_schedule(ldlm_handle *lock, int64_t now)
{
    if (lock->lock_timeout_seconds > 0)
        lock->expires_ms = now + (int64_t)lock->lock_timeout_seconds * 1000;
    if (lock->auto_renew)
        lock->next_renew_ms =
            now + ldlmi_renew_interval_ms(lock->lock_timeout_seconds);
}

/* Starts renewal and loss tracking of a freshly acquired lock. */
void ldlmi_track(ldlm_client *client, ldlm_handle *lock,
                 const ldlm_lock_options *o, uint64_t generation)
{
    lock->size = o->size;
    lock->lock_timeout_seconds = o->lock_timeout_seconds;
    lock->auto_renew = o->lock_timeout_seconds > 0 && !client->no_auto_renew;
    pthread_mutex_lock(&client->mutex);
    ldlmi_lock_schedule(lock, ldlmi_now_ms());
    lock->generation = generation;
    lock->serial = ++client->next_serial;
    lock->tracked = true;
    lock->next = client->locks;
    client->locks = lock;
    pthread_cond_broadcast(&client->changed); /* the keeper reschedules */
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
                         int seconds)
{
    pthread_mutex_lock(&client->mutex);
    int64_t now = ldlmi_now_ms();
    for (ldlm_handle *l = client->locks; l; l = l->next) {
        if (strcmp(l->name, name) != 0 || strcmp(l->key, key) != 0)
            continue;
        l->lock_timeout_seconds = seconds; /* > 0: checked by ldlm_renew */
        l->auto_renew = !client->no_auto_renew;
        ldlmi_lock_schedule(l, now);
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
    bool locked = lock->locked;
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
    bool locked = lock->locked;
    char *key = strdup(lock->key);
    pthread_mutex_unlock(&client->mutex);
    if (!key)
        return ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    if (!locked) {
        /* A lock waiting to be re-acquired after a lost connection is not
         * held, and after this call it must not be taken back either. */
        pthread_mutex_lock(&client->mutex);
        ldlmi_untrack_locked(client, lock);
        pthread_mutex_unlock(&client->mutex);
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
