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

/* Attempts at an acquisition whose connection changed during the call. */
#define MAX_ACQUIRE_ATTEMPTS 3

/*
 * The lock is ours from the start of the call that took it at the earliest,
 * so its bounds count from then. When the reply came late (a long wait in
 * the server's queue), little or nothing of them is left: renew it at once,
 * from a fresh start, or, when the library may not renew it, make any call
 * that shows the server still reads from this connection. Returns the new
 * start of its bounds, or `start` if that did not work (the keeper deals
 * with it then: it reports the lock lost if its bound passes).
 */
static int64_t refresh_if_late(ldlm_client *client, const char *name,
                               const char *key, const ldlm_lock_options *o,
                               uint64_t generation, int64_t start,
                               int64_t deadline)
{
    int t = o->lock_timeout_seconds;
    int64_t window = LDLM_SERVER_DROP_MS - LDLM_DROP_MARGIN_MS;
    if (t > 0) {
        int64_t timer = (int64_t)t * 1000 - ldlmi_safety_margin_ms(t);
        window = timer < window ? timer : window;
    }
    int64_t now = ldlmi_belief_now_ms();
    if (now - start < window / 2)
        return start;
    bool renew = t > 0 && !client->no_auto_renew;
    int64_t again = now;
    ldlm_err err = renew ? ldlmi_rpc_renew(client, name, key, t, deadline, NULL)
                         : ldlmi_rpc_renew(client, LDLM_PROBE_NAME,
                                           LDLM_PROBE_KEY, 1, deadline, NULL);
    bool answered = renew ? err == LDLM_OK : ldlmi_server_answered(err);
    if (!answered || current_generation(client) != generation)
        return start;
    if (renew)
        return again;
    /* Only the contact is fresher: the timer still counts from `start`. */
    pthread_mutex_lock(&client->mutex);
    ldlmi_note_contact(client, generation, again);
    pthread_mutex_unlock(&client->mutex);
    return start;
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
     * renews: a holder that freezes or vanishes while its connection
     * stays open (a hung host behind a NAT that keeps the TCP session)
     * does not block the lock for ever, and a late reply can be renewed at
     * once. With no_auto_renew nobody would renew it, so it gets none. */
    if (o.lock_timeout_seconds == 0 && !client->no_auto_renew)
        o.lock_timeout_seconds = LDLM_UNTIMED_LOCK_TIMER_S;

    int64_t deadline = ldlmi_operation_deadline(client);
    /* With a wait timeout the server ends the wait; our deadline only backs
     * it up, a little later (see LDLM_WAIT_DEADLINE_SLACK_MS). */
    int64_t wait_end = 0;
    if (blocking && o.wait_timeout_seconds > 0) {
        int64_t extra = client->call_timeout_ms > LDLM_WAIT_DEADLINE_SLACK_MS
                            ? client->call_timeout_ms
                            : LDLM_WAIT_DEADLINE_SLACK_MS;
        wait_end = ldlmi_now_ms() + (int64_t)o.wait_timeout_seconds * 1000;
        deadline = wait_end + extra;
    }

    for (int attempt = 1;; attempt++) {
        /* If the connection changes during the call we cannot tell which
         * session owns the lock: one that ended has released it, or will
         * release it whenever the server notices. */
        uint64_t generation = current_generation(client);
        int64_t start = ldlmi_belief_now_ms();
        bool locked = false;
        char *key = NULL;
        err = blocking
                  ? ldlmi_rpc_lock(client, name, &o, deadline, &locked, &key)
                  : ldlmi_rpc_try_lock(client, name, o.lock_timeout_seconds,
                                       o.size, deadline, &locked, &key);
        if (err != LDLM_OK)
            return err;
        if (locked && current_generation(client) != generation) {
            /* Give it back (the server may hold it under this key for
             * either session) and take it again on the new connection: a
             * blocking call waits for that second, a try may find it
             * still held. */
            (void)ldlmi_give_back(client, name, key,
                                  ldlmi_operation_deadline(client));
            free(key);
            int64_t now = ldlmi_now_ms();
            if (wait_end) {
                int64_t left = (wait_end - now) / 1000;
                if (left < 1)
                    return ldlmi_fail(LDLM_ERR_LOCK_WAIT_TIMEOUT,
                                      "the connection changed while %s was "
                                      "being acquired, and the wait is over",
                                      name);
                o.wait_timeout_seconds = (int)left;
            }
            if (attempt >= MAX_ACQUIRE_ATTEMPTS ||
                (deadline > 0 && now >= deadline))
                return ldlmi_fail(LDLM_ERR_UNAVAILABLE,
                                  "the connection to the server changed "
                                  "while %s was being acquired",
                                  name);
            continue;
        }
        if (locked)
            start = refresh_if_late(client, name, key, &o, generation, start,
                                    deadline);
        ldlm_handle *lock = ldlmi_handle_new(client, name, key, locked, 0);
        free(key);
        if (!lock)
            return ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
        if (locked)
            ldlmi_track(client, lock, &o, generation, start);
        *out = lock;
        return LDLM_OK;
    }
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
    uint64_t generation = current_generation(client);
    int64_t start = ldlmi_belief_now_ms();
    err = ldlmi_rpc_renew(client, name, key, seconds,
                          ldlmi_operation_deadline(client), &new_key);
    if (err == LDLM_OK)
        ldlmi_adopt_renewal(client, name, key, seconds, start, generation);
    /* The new handle reads held until the timer just restarted may end:
     * nothing else is known about the session that holds it. */
    int64_t bound =
        start + (int64_t)seconds * 1000 - ldlmi_safety_margin_ms(seconds);
    if (err == LDLM_OK && out &&
        !(*out = ldlmi_handle_new(client, name, new_key, true, bound)))
        err = ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    free(new_key);
    return err;
}
