/* SPDX-License-Identifier: MIT */
/* locks.c - the calls by lock name: ldlm_lock, ldlm_try_lock, ldlm_unlock,
 * ldlm_renew. Arguments are checked here; the RPCs are in rpc.c, the
 * handles they return in handles.c. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ldlm_util.h"

static ldlm_err check_name(const char *what, const char *value)
{
    if (!value || !*value)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT, "%s is empty", what);
    if (!ldlmu_utf8_valid(value, strlen(value)))
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                          "%s is not valid UTF-8 (the server only accepts "
                          "UTF-8 strings)",
                          what);
    return LDLM_OK;
}

static ldlm_err check_options(const ldlm_lock_options *o)
{
    if (o->lock_timeout_seconds < 0 || o->wait_timeout_seconds < 0)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT, "negative timeout");
    if (o->size < 0) /* what the server answers for a size <= 0 */
        return ldlmi_fail(LDLM_ERR_INVALID_LOCK_SIZE,
                          "lock size must be at least 1 (0 means default)");
    return LDLM_OK;
}

static uint64_t current_generation(ldlm_client *client)
{
    pthread_mutex_lock(&client->mutex);
    uint64_t g = client->connection_generation;
    pthread_mutex_unlock(&client->mutex);
    return g;
}

static ldlm_err acquire(ldlm_client *client, const char *name,
                        const ldlm_lock_options *opts, bool blocking,
                        ldlm_handle **out)
{
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
    if ((err = ldlmi_check_client(client)) != LDLM_OK ||
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

    int64_t deadline = ldlmi_operation_deadline(client);
    /* With a wait timeout the server ends the wait; our deadline only backs
     * it up, a little later (see LDLM_WAIT_DEADLINE_SLACK_MS). */
    if (blocking && o.wait_timeout_seconds > 0) {
        int64_t extra = client->call_timeout_ms > LDLM_WAIT_DEADLINE_SLACK_MS
                            ? client->call_timeout_ms
                            : LDLM_WAIT_DEADLINE_SLACK_MS;
        deadline =
            ldlmi_now_ms() + (int64_t)o.wait_timeout_seconds * 1000 + extra;
    }

    /* If the connection changes during the call we cannot tell which
     * session owns the lock; recording the generation from before the call
     * makes the keeper verify it. */
    uint64_t generation = current_generation(client);
    bool locked = false;
    char *key = NULL;
    err = blocking ? ldlmi_rpc_lock(client, name, &o, deadline, &locked, &key)
                   : ldlmi_rpc_try_lock(client, name, o.lock_timeout_seconds,
                                        o.size, deadline, &locked, &key);
    if (err != LDLM_OK)
        return err;
    ldlm_handle *lock = ldlmi_handle_new(client, name, key, locked);
    free(key);
    if (!lock)
        return ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    if (locked)
        ldlmi_track(client, lock, &o, generation);
    *out = lock;
    return LDLM_OK;
}

void ldlm_lock_options_init(ldlm_lock_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->struct_size = sizeof *opts;
}

ldlm_err ldlm_lock(ldlm_client *client, const char *name,
                   const ldlm_lock_options *opts, ldlm_handle **out)
{
    return acquire(client, name, opts, true, out);
}

ldlm_err ldlm_try_lock(ldlm_client *client, const char *name,
                       const ldlm_lock_options *opts, ldlm_handle **out)
{
    return acquire(client, name, opts, false, out);
}

ldlm_err ldlm_unlock(ldlm_client *client, const char *name, const char *key,
                     bool *unlocked)
{
    ldlmi_clear_error();
    if (unlocked)
        *unlocked = false;
    ldlm_err err;
    if ((err = ldlmi_check_client(client)) != LDLM_OK ||
        (err = check_name("lock name", name)) != LDLM_OK ||
        (err = check_name("lock key", key)) != LDLM_OK)
        return err;
    bool done = false;
    err = ldlmi_rpc_unlock(client, name, key, ldlmi_operation_deadline(client),
                           &done);
    if (unlocked)
        *unlocked = done;
    if (err == LDLM_OK && done)
        ldlmi_forget_tracked(client, name, key);
    return err;
}

ldlm_err ldlm_renew(ldlm_client *client, const char *name, const char *key,
                    int seconds, ldlm_handle **out)
{
    ldlmi_clear_error();
    if (out)
        *out = NULL;
    ldlm_err err;
    if ((err = ldlmi_check_client(client)) != LDLM_OK ||
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
        ldlmi_adopt_renewal(client, name, key, seconds);
    if (err == LDLM_OK && out &&
        !(*out = ldlmi_handle_new(client, name, new_key, true)))
        err = ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    free(new_key);
    return err;
}
