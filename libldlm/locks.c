/* SPDX-License-Identifier: MIT */
/* locks.c - Lock, TryLock, Unlock, Renew and the lock handle. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static ldlm_err check_client(ldlm_client *client) {
    if (!client)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT, "client is NULL");
    ldlm_err err = ldlmi_check_owner(client);
    if (err != LDLM_OK)
        return err;
    pthread_mutex_lock(&client->mutex);
    bool cancelled = client->cancelled;
    pthread_mutex_unlock(&client->mutex);
    return cancelled ? ldlmi_fail(LDLM_ERR_CANCELLED, "client cancelled")
                     : LDLM_OK;
}

static ldlm_err check_name(const char *what, const char *value) {
    if (!value || !*value)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT, "%s is empty", what);
    if (!ldlmi_utf8_valid(value))
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                          "%s is not valid UTF-8 (the server only accepts "
                          "UTF-8 strings)", what);
    return LDLM_OK;
}

static ldlm_err check_options(const ldlm_lock_options *o) {
    if (o->lock_timeout_seconds < 0 || o->wait_timeout_seconds < 0)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT, "negative timeout");
    if (o->size < 0) /* what the server answers for a size <= 0 */
        return ldlmi_fail(LDLM_ERR_INVALID_LOCK_SIZE,
                          "lock size must be at least 1 (0 means default)");
    return LDLM_OK;
}

/* The server reports lock-logic errors in the reply with status OK. */
static ldlm_err server_error(const Ldlm__Error *error) {
    ldlm_err err = ldlmi_err_from_server(error->code, error->message);
    return ldlmi_fail(err, "%s", error->message && *error->message
                                     ? error->message
                                     : ldlm_strerror(err));
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

/* Returns a new handle, registered on the client's list of handles so that
 * ldlm_client_free can detach it. */
static ldlm_handle *new_handle(ldlm_client *client, const char *name,
                                    const char *key, bool locked) {
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
static void unregister_handle_locked(ldlm_client *client, ldlm_handle *lock) {
    if (lock->handle_prev)
        lock->handle_prev->handle_next = lock->handle_next;
    else if (client->handles == lock)
        client->handles = lock->handle_next;
    if (lock->handle_next)
        lock->handle_next->handle_prev = lock->handle_prev;
    lock->handle_prev = lock->handle_next = NULL;
}

void ldlmi_lock_schedule(ldlm_handle *lock, int64_t now) {
    if (lock->lock_timeout_seconds > 0)
        lock->expires_ms = now + (int64_t)lock->lock_timeout_seconds * 1000;
    if (lock->auto_renew)
        lock->next_renew_ms = now + ldlmi_renew_interval_ms(lock->lock_timeout_seconds);
}

/* Starts renewal and loss tracking of a freshly acquired lock. */
static void track(ldlm_client *client, ldlm_handle *lock,
                  const ldlm_lock_options *o, uint64_t generation) {
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

void ldlmi_untrack_locked(ldlm_client *client, ldlm_handle *lock) {
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

static uint64_t current_generation(ldlm_client *client) {
    pthread_mutex_lock(&client->mutex);
    uint64_t g = client->connection_generation;
    pthread_mutex_unlock(&client->mutex);
    return g;
}

/* Shared by ldlm_lock and ldlm_try_lock once the reply is in. */
static ldlm_err finish_acquire(ldlm_client *client, const char *name,
                               const ldlm_lock_options *o,
                               Ldlm__LockResponse *reply, bool blocking,
                               uint64_t generation, ldlm_handle **out) {
    if (reply->error)
        return server_error(reply->error);
    if (blocking && !reply->locked)
        return ldlmi_fail(LDLM_ERR_PROTOCOL,
                          "the server answered Lock with neither a lock nor "
                          "an error");
    ldlm_handle *lock = new_handle(client, name, reply->key, reply->locked);
    if (!lock)
        return ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    if (lock->locked)
        track(client, lock, o, generation);
    *out = lock;
    return LDLM_OK;
}

/* Request builders. Optional fields are omitted, not sent as 0, when not
 * set: the server tells "absent" from 0. */
void ldlmi_fill_try_lock_request(Ldlm__TryLockRequest *req, const char *name,
                                  int lock_timeout_seconds, int size) {
    req->name = (char *)name;
    if (lock_timeout_seconds > 0) {
        req->_lock_timeout_seconds_case =
            LDLM__TRY_LOCK_REQUEST___LOCK_TIMEOUT_SECONDS_LOCK_TIMEOUT_SECONDS;
        req->lock_timeout_seconds = lock_timeout_seconds;
    }
    if (size > 0) {
        req->_size_case = LDLM__TRY_LOCK_REQUEST___SIZE_SIZE;
        req->size = size;
    }
}

void ldlmi_fill_lock_request(Ldlm__LockRequest *req, const char *name,
                              const ldlm_lock_options *o) {
    req->name = (char *)name;
    if (o->wait_timeout_seconds > 0) {
        req->_wait_timeout_seconds_case =
            LDLM__LOCK_REQUEST___WAIT_TIMEOUT_SECONDS_WAIT_TIMEOUT_SECONDS;
        req->wait_timeout_seconds = o->wait_timeout_seconds;
    }
    if (o->lock_timeout_seconds > 0) {
        req->_lock_timeout_seconds_case =
            LDLM__LOCK_REQUEST___LOCK_TIMEOUT_SECONDS_LOCK_TIMEOUT_SECONDS;
        req->lock_timeout_seconds = o->lock_timeout_seconds;
    }
    if (o->size > 0) {
        req->_size_case = LDLM__LOCK_REQUEST___SIZE_SIZE;
        req->size = o->size;
    }
}

static ldlm_err acquire(ldlm_client *client, const char *name,
                        const ldlm_lock_options *opts, bool blocking,
                        ldlm_handle **out) {
    ldlmi_clear_error();
    if (!out)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT, "out is NULL");
    *out = NULL;
    ldlm_lock_options o;
    ldlm_lock_options_init(&o);
    ldlm_err err;
    if (opts && (err = ldlmi_adopt_versioned("ldlm_lock_options", opts,
                                             LDLM_LOCK_OPTIONS_MIN_SIZE, &o,
                                             sizeof o)) != LDLM_OK)
        return err;
    if ((err = check_client(client)) != LDLM_OK ||
        (err = check_name("lock name", name)) != LDLM_OK ||
        (err = check_options(&o)) != LDLM_OK)
        return err;
    if (!blocking && o.wait_timeout_seconds > 0)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                          "try-lock does not wait: use ldlm_lock for a wait "
                          "timeout");
    /* A lock without a timeout still gets a server timer, which the keeper
     * renews: Renew is the only way to ask the server whether it still has
     * a lock, and the keeper must ask after every reconnection. Without a
     * timer the answer is "does not exist" even for a lock that is held, and
     * a lock taken while the connection changed was reported lost wrongly.
     * With no_auto_renew nobody would renew it, so it gets none. */
    if (o.lock_timeout_seconds == 0 && !client->no_auto_renew)
        o.lock_timeout_seconds = LDLM_UNTIMED_LOCK_TIMER_S;

    ProtobufCMessage *request;
    Ldlm__LockRequest lock_req = LDLM__LOCK_REQUEST__INIT;
    Ldlm__TryLockRequest try_req = LDLM__TRY_LOCK_REQUEST__INIT;
    int64_t deadline = ldlmi_operation_deadline(client);
    if (blocking) {
        ldlmi_fill_lock_request(&lock_req, name, &o);
        request = &lock_req.base;
        /* With a wait timeout the server ends the wait; our deadline only
         * backs it up, a little later (see LDLM_WAIT_DEADLINE_SLACK_MS). */
        if (o.wait_timeout_seconds > 0) {
            int64_t extra = client->call_timeout_ms > LDLM_WAIT_DEADLINE_SLACK_MS
                                ? client->call_timeout_ms
                                : LDLM_WAIT_DEADLINE_SLACK_MS;
            deadline = ldlmi_now_ms() + (int64_t)o.wait_timeout_seconds * 1000 + extra;
        }
    } else {
        ldlmi_fill_try_lock_request(&try_req, name, o.lock_timeout_seconds, o.size);
        request = &try_req.base;
    }

    uint64_t generation = current_generation(client);
    ProtobufCMessage *reply = NULL;
    err = ldlmi_unary_call(client, blocking ? "/ldlm.LDLM/Lock" : "/ldlm.LDLM/TryLock",
                           request, &ldlm__lock_response__descriptor, deadline,
                           &reply);
    if (err != LDLM_OK)
        return err;
    /* If the connection changed during the call we cannot tell which
     * session owns the lock; recording the older generation makes the
     * keeper verify it. */
    err = finish_acquire(client, name, &o, (Ldlm__LockResponse *)reply,
                         blocking, generation, out);
    protobuf_c_message_free_unpacked(reply, NULL);
    return err;
}

void ldlm_lock_options_init(ldlm_lock_options *opts) {
    memset(opts, 0, sizeof *opts);
    opts->struct_size = sizeof *opts;
}

ldlm_err ldlm_lock(ldlm_client *client, const char *name,
                   const ldlm_lock_options *opts, ldlm_handle **out) {
    return acquire(client, name, opts, true, out);
}

ldlm_err ldlm_try_lock(ldlm_client *client, const char *name,
                       const ldlm_lock_options *opts, ldlm_handle **out) {
    return acquire(client, name, opts, false, out);
}

ldlm_err ldlmi_rpc_try_lock(ldlm_client *client, const char *name,
                            int lock_timeout_seconds, int size,
                            int64_t deadline_ms, bool *locked, char **key) {
    Ldlm__TryLockRequest req = LDLM__TRY_LOCK_REQUEST__INIT;
    ldlmi_fill_try_lock_request(&req, name, lock_timeout_seconds, size);
    ProtobufCMessage *msg = NULL;
    ldlm_err err = ldlmi_unary_call(client, "/ldlm.LDLM/TryLock", &req.base,
                                    &ldlm__lock_response__descriptor,
                                    deadline_ms, &msg);
    if (err != LDLM_OK)
        return err;
    Ldlm__LockResponse *reply = (Ldlm__LockResponse *)msg;
    *locked = false;
    *key = NULL;
    if (reply->error) {
        err = server_error(reply->error);
    } else if (reply->locked) {
        *locked = true;
        if (!(*key = dup_or_null(reply->key)))
            err = ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    }
    protobuf_c_message_free_unpacked(msg, NULL);
    return err;
}

ldlm_err ldlmi_rpc_unlock(ldlm_client *client, const char *name,
                          const char *key, int64_t deadline_ms, bool *unlocked) {
    Ldlm__UnlockRequest req = LDLM__UNLOCK_REQUEST__INIT;
    req.name = (char *)name;
    req.key = (char *)key;
    ProtobufCMessage *msg = NULL;
    ldlm_err err = ldlmi_unary_call(client, "/ldlm.LDLM/Unlock", &req.base,
                                    &ldlm__unlock_response__descriptor,
                                    deadline_ms, &msg);
    if (err != LDLM_OK)
        return err;
    Ldlm__UnlockResponse *reply = (Ldlm__UnlockResponse *)msg;
    if (reply->error)
        err = server_error(reply->error);
    else if (unlocked)
        *unlocked = reply->unlocked;
    protobuf_c_message_free_unpacked(msg, NULL);
    return err;
}

ldlm_err ldlmi_rpc_renew(ldlm_client *client, const char *name,
                         const char *key, int seconds, int64_t deadline_ms,
                         char **new_key) {
    Ldlm__RenewRequest req = LDLM__RENEW_REQUEST__INIT;
    req.name = (char *)name;
    req.key = (char *)key;
    req.lock_timeout_seconds = seconds;
    ProtobufCMessage *msg = NULL;
    ldlm_err err = ldlmi_unary_call(client, "/ldlm.LDLM/Renew", &req.base,
                                    &ldlm__lock_response__descriptor,
                                    deadline_ms, &msg);
    if (err != LDLM_OK)
        return err;
    Ldlm__LockResponse *reply = (Ldlm__LockResponse *)msg;
    if (reply->error)
        err = server_error(reply->error);
    else if (!reply->locked)
        err = ldlmi_fail(LDLM_ERR_NOT_LOCKED, "the server no longer holds %s",
                         name);
    else if (new_key && !(*new_key = strdup(reply->key && *reply->key ? reply->key : key)))
        err = ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    protobuf_c_message_free_unpacked(msg, NULL);
    return err;
}

/* Stops tracking the handle(s) of this client holding name + key. */
static void forget_tracked(ldlm_client *client, const char *name,
                           const char *key) {
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
static void adopt_renewal(ldlm_client *client, const char *name,
                          const char *key, int seconds) {
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

ldlm_err ldlm_unlock(ldlm_client *client, const char *name, const char *key,
                     bool *unlocked) {
    ldlmi_clear_error();
    if (unlocked)
        *unlocked = false;
    ldlm_err err;
    if ((err = check_client(client)) != LDLM_OK ||
        (err = check_name("lock name", name)) != LDLM_OK ||
        (err = check_name("lock key", key)) != LDLM_OK)
        return err;
    bool done = false;
    err = ldlmi_rpc_unlock(client, name, key,
                           ldlmi_operation_deadline(client), &done);
    if (unlocked)
        *unlocked = done;
    if (err == LDLM_OK && done)
        forget_tracked(client, name, key);
    return err;
}

ldlm_err ldlm_renew(ldlm_client *client, const char *name, const char *key,
                    int seconds, ldlm_handle **out) {
    ldlmi_clear_error();
    if (out)
        *out = NULL;
    ldlm_err err;
    if ((err = check_client(client)) != LDLM_OK ||
        (err = check_name("lock name", name)) != LDLM_OK ||
        (err = check_name("lock key", key)) != LDLM_OK)
        return err;
    if (seconds <= 0)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                          "renewal needs a lock timeout > 0 seconds");
    char *new_key = NULL;
    err = ldlmi_rpc_renew(client, name, key, seconds,
                          ldlmi_operation_deadline(client), &new_key);
    if (err == LDLM_OK)
        adopt_renewal(client, name, key, seconds);
    if (err == LDLM_OK && out && !(*out = new_handle(client, name, new_key, true)))
        err = ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    free(new_key);
    return err;
}

const char *ldlm_handle_name(const ldlm_handle *lock) {
    return lock ? lock->name : NULL;
}

char *ldlm_handle_key(const ldlm_handle *lock) {
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

bool ldlm_handle_locked(const ldlm_handle *lock) {
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

ldlm_err ldlm_handle_unlock(ldlm_handle *lock) {
    ldlmi_clear_error();
    if (!lock)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT, "lock is NULL");
    ldlm_client *client = lock->client;
    if (!client)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                          "the lock's client was freed");
    ldlm_err err = check_client(client);
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

void ldlm_handle_free(ldlm_handle *lock) {
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
