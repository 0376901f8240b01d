/* SPDX-License-Identifier: MIT */
/* client.c - client lifecycle: configuration, channel, cancel, free. */
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "ldlm_util.h"

/*
 * Keepalive pings, against the server's flags. The server tolerates a ping
 * every 10 s at most (more earns a GOAWAY "too_many_pings" that drops the
 * connection and every lock with it), so stay well above that; our ping
 * every 20 s keeps it from ever pinging a live client (it pings after
 * --keepalive_interval, 60 s, of silence). What ends a connection first in
 * a partition is TCP_USER_TIMEOUT, which both sides set to their keepalive
 * timeout: the server's kernel closes a connection whose data stays
 * unacknowledged for --keepalive_timeout (10 s), ours one whose data stays
 * unacknowledged for KEEPALIVE_TIMEOUT_MS (10 s too). While we hold locks
 * we talk to the server at least every LDLM_PROBE_INTERVAL_MS, so our side
 * notices a dead connection about as soon as the server's. Safety does not
 * rest on that race: a lock reads held only until LDLM_SERVER_DROP_MS
 * (less a margin) after the start of the last call the server answered
 * (ldlmi_held_until), before the server can have dropped the connection,
 * whatever the connection seems to do.
 */
#define KEEPALIVE_TIME_MS 20000
#define KEEPALIVE_TIMEOUT_MS 10000
/* After an outage, reconnect within a second of the server's return rather
 * than gRPC's default backoff of up to two minutes: held locks must be
 * verified or re-acquired quickly. */
#define MAX_RECONNECT_BACKOFF_MS 1000

const char *ldlm_version(void)
{
    return LDLM_VERSION_STRING;
}

void ldlm_config_init(ldlm_config *config)
{
    memset(config, 0, sizeof *config);
    config->struct_size = sizeof *config;
}

ldlm_err ldlmi_adopt_versioned(const char *what, const void *in,
                               size_t min_size, void *out, size_t out_size)
{
    size_t size;
    memcpy(&size, in, sizeof size); /* struct_size is the first member */
    if (size == 0)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                          "%s is not initialised (struct_size is 0): make it "
                          "with its _init() function or initialiser macro",
                          what);
    if (size < min_size)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                          "%s has struct_size %zu, smaller than any layout "
                          "this library knows (%zu)",
                          what, size, min_size);
    /* A caller built with a newer header may pass more than we know: its
     * extra members are ignored (it needs the newer library to use them). */
    memcpy(out, in, size < out_size ? size : out_size);
    memcpy(out, &out_size, sizeof out_size);
    return LDLM_OK;
}

ldlm_err ldlmi_check_client(ldlm_client *client)
{
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

ldlm_err ldlmi_check_owner(const ldlm_client *client)
{
    if (getpid() != client->owner_pid)
        return ldlmi_fail(LDLM_ERR_FORKED,
                          "this client belongs to process %ld; a forked child "
                          "must create its own client",
                          (long)client->owner_pid);
    return LDLM_OK;
}

static grpc_arg int_arg(const char *key, int value)
{
    grpc_arg arg;
    arg.type = GRPC_ARG_INTEGER;
    arg.key = (char *)key;
    arg.value.integer = value;
    return arg;
}

static ldlm_err validate_config(const ldlm_config *config)
{
    if (config->max_retries < 0)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT, "max_retries is negative");
    if (config->retry_delay_ms < 0)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                          "retry_delay_ms is negative");
    if (config->call_timeout_ms < 0)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                          "call_timeout_ms is negative");
    if (config->password && strpbrk(config->password, "\r\n"))
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                          "password contains a line break");
    if (config->channel_args_count && !config->channel_args)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                          "channel_args_count set without channel_args");
    for (size_t i = 0; i < config->channel_args_count; i++) {
        const ldlm_channel_arg *a = &config->channel_args[i];
        if (!a->name || !*a->name ||
            (a->type != LDLM_CHANNEL_ARG_INTEGER &&
             a->type != LDLM_CHANNEL_ARG_STRING) ||
            (a->type == LDLM_CHANNEL_ARG_STRING && !a->string_value))
            return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT,
                              "channel argument %zu is malformed", i);
    }
    return LDLM_OK;
}

/*
 * The gRPC target for the channel: an IP literal gets gRPC's ipv4: or ipv6:
 * scheme, which resolves it at once on the calling thread, where the
 * default dns: scheme hands even a literal to the resolver's executor
 * thread (a thread hop and a getaddrinfo on every new client). The
 * channel's authority, hence the TLS server name, is the same text either
 * way. Names, and IPv6 addresses with a zone, keep the dns: scheme.
 * malloc'd; NULL when out of memory.
 */
static char *channel_target(const char *target)
{
    const char *scheme = NULL;
    char host[64];
    const char *colon = strrchr(target, ':');
    size_t len = colon ? (size_t)(colon - target) : 0;
    if (len > 2 && target[0] == '[' && target[len - 1] == ']' &&
        len - 2 < sizeof host) {
        struct in6_addr a6;
        memcpy(host, target + 1, len - 2);
        host[len - 2] = '\0';
        if (inet_pton(AF_INET6, host, &a6) == 1)
            scheme = "ipv6:";
    } else if (len > 0 && len < sizeof host) {
        struct in_addr a4;
        memcpy(host, target, len);
        host[len] = '\0';
        if (inet_pton(AF_INET, host, &a4) == 1)
            scheme = "ipv4:";
    }
    size_t size = strlen(target) + 6;
    char *out = malloc(size);
    if (out)
        snprintf(out, size, "%s%s", scheme ? scheme : "", target);
    return out;
}

static ldlm_err create_channel(ldlm_client *client, const ldlm_config *config)
{
    grpc_channel_credentials *creds = NULL;
    ldlm_err err = ldlmi_credentials_create(config, &creds);
    if (err != LDLM_OK)
        return err;

    size_t count = 8 + config->channel_args_count;
    grpc_arg *args = calloc(count, sizeof *args);
    if (!args) {
        grpc_channel_credentials_release(creds);
        return ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    }
    size_t n = 0;
    /* Our own connection, hence our own server session: channels to one
     * target in a process would otherwise share a connection and its locks. */
    args[n++] = int_arg(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    /* INT_MAX disables the idle timer, which would close an idle connection
     * after 30 minutes and with it release every lock. */
    args[n++] = int_arg(GRPC_ARG_CLIENT_IDLE_TIMEOUT_MS, INT_MAX);
    args[n++] = int_arg(GRPC_ARG_KEEPALIVE_TIME_MS, KEEPALIVE_TIME_MS);
    args[n++] = int_arg(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, KEEPALIVE_TIMEOUT_MS);
    args[n++] = int_arg(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    args[n++] = int_arg(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
    args[n++] =
        int_arg(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, MAX_RECONNECT_BACKOFF_MS);
    /* Retries are ours (UNAVAILABLE only, counted, cancellable). */
    args[n++] = int_arg(GRPC_ARG_ENABLE_RETRIES, 0);
    for (size_t i = 0; i < config->channel_args_count; i++) {
        const ldlm_channel_arg *a = &config->channel_args[i];
        args[n].key = (char *)a->name;
        if (a->type == LDLM_CHANNEL_ARG_INTEGER) {
            args[n].type = GRPC_ARG_INTEGER;
            args[n].value.integer = a->integer_value;
        } else {
            args[n].type = GRPC_ARG_STRING;
            args[n].value.string = (char *)a->string_value;
        }
        n++;
    }
    grpc_channel_args channel_args = {n, args};
    char *target = channel_target(client->target);
    client->channel =
        target ? grpc_channel_create(target, creds, &channel_args) : NULL;
    free(target);
    free(args);
    grpc_channel_credentials_release(creds);
    if (!client->channel)
        return ldlmi_fail(LDLM_ERR_INTERNAL, "gRPC could not create a channel");
    return LDLM_OK;
}

static ldlm_err init_sync(ldlm_client *client)
{
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0)
        return ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    /* Timed waits use CLOCK_MONOTONIC: wall clock jumps must not shorten or
     * stretch renewals. */
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&client->changed, &attr);
    pthread_condattr_destroy(&attr);
    if (rc != 0)
        return ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    if (pthread_mutex_init(&client->mutex, NULL) != 0) {
        pthread_cond_destroy(&client->changed);
        return ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    }
    if (pthread_mutex_init(&client->queue_mutex, NULL) != 0) {
        pthread_mutex_destroy(&client->mutex);
        pthread_cond_destroy(&client->changed);
        return ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    }
    return LDLM_OK;
}

ldlm_err ldlm_client_new(const ldlm_config *config, ldlm_client **out)
{
    ldlmi_clear_error();
    if (!out)
        return ldlmi_fail(LDLM_ERR_INVALID_ARGUMENT, "out is NULL");
    *out = NULL;
    ldlm_config adopted;
    ldlm_config_init(&adopted);
    if (config) {
        ldlm_err err =
            ldlmi_adopt_versioned("ldlm_config", config, LDLM_CONFIG_MIN_SIZE,
                                  &adopted, sizeof adopted);
        if (err != LDLM_OK)
            return err;
    }
    config = &adopted;
    ldlm_err err = validate_config(config);
    if (err != LDLM_OK)
        return err;

    ldlm_client *client = calloc(1, sizeof *client);
    if (!client)
        return ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    client->owner_pid = getpid();
    client->max_retries = config->max_retries;
    client->retry_delay_ms = config->retry_delay_ms
                                 ? config->retry_delay_ms
                                 : LDLM_DEFAULT_RETRY_DELAY_MS;
    client->call_timeout_ms = config->call_timeout_ms;
    client->no_auto_renew = config->no_auto_renew;
    client->reacquire_lost_locks = config->reacquire_lost_locks;
    client->lost_lock_callback = config->lost_lock_callback;
    client->lost_lock_userdata = config->lost_lock_userdata;

    if ((err = init_sync(client)) != LDLM_OK) {
        free(client);
        return err;
    }
    err = ldlmi_address_to_target(config->address, &client->target);
    if (err == LDLM_OK && config->password && *config->password &&
        !(client->password = strdup(config->password)))
        err = ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    if (err != LDLM_OK) {
        ldlm_client_free(client);
        return err;
    }

    sigset_t saved; /* threads started here block signals: ldlm_util.h */
    ldlmu_signals_block(&saved);
    ldlmi_grpc_acquire();
    client->grpc_initialized = true;
    err = create_channel(client, config);
    if (err == LDLM_OK)
        err = ldlmi_background_start(client);
    ldlmu_signals_restore(&saved);
    if (err != LDLM_OK) {
        ldlm_client_free(client);
        return err;
    }
    *out = client;
    return LDLM_OK;
}

/*
 * gRPC is called without the mutex (whatever it logs must not reach the
 * application's log handler under a library lock): the calls are
 * referenced under the mutex, so that they outlive their owner's unref,
 * and cancelled after it is released. Cancelling a call that completed
 * meanwhile does nothing.
 */
void ldlmi_cancel_calls(ldlm_client *client)
{
    pthread_mutex_lock(&client->mutex);
    size_t n = 0;
    for (ldlmi_active_call *c = client->active_calls; c; c = c->next)
        n++;
    grpc_call **calls = n ? calloc(n, sizeof *calls) : NULL;
    if (n && !calls) {
        /* Out of memory: cancelling under the mutex still cancels. */
        for (ldlmi_active_call *c = client->active_calls; c; c = c->next)
            grpc_call_cancel(c->call, NULL);
        pthread_mutex_unlock(&client->mutex);
        return;
    }
    size_t i = 0;
    for (ldlmi_active_call *c = client->active_calls; c; c = c->next) {
        grpc_call_ref(c->call);
        calls[i++] = c->call;
    }
    pthread_mutex_unlock(&client->mutex);
    for (i = 0; i < n; i++) {
        grpc_call_cancel(calls[i], NULL);
        grpc_call_unref(calls[i]);
    }
    free(calls);
}

void ldlm_client_cancel(ldlm_client *client)
{
    if (!client || getpid() != client->owner_pid)
        return;
    pthread_mutex_lock(&client->mutex);
    /* Set first: a call registering after this refuses to start. */
    client->cancelled = true;
    pthread_cond_broadcast(&client->changed);
    pthread_mutex_unlock(&client->mutex);
    ldlmi_cancel_calls(client);
}

void ldlm_client_free(ldlm_client *client)
{
    if (!client)
        return;
    bool owner = getpid() == client->owner_pid;
    if (owner && client->grpc_initialized) {
        pthread_mutex_lock(&client->mutex);
        client->shutting_down = true;
        pthread_cond_broadcast(&client->changed);
        pthread_mutex_unlock(&client->mutex);
        if (client->channel)
            ldlmi_background_stop(client); /* destroys the channel */
        ldlmi_queues_destroy(client);
        ldlmi_grpc_release();
    }
    /* In a forked child the channel and gRPC's threads belong to the parent's
     * copy of memory; touching them would corrupt the parent's connection,
     * so only our own allocations are released. */
    ldlmi_detach_handles(client, owner);
    ldlmi_free_releases(client);
    free(client->queues); /* (a child's copy: the queues are the parent's) */
    if (owner) {
        pthread_mutex_destroy(&client->mutex);
        pthread_mutex_destroy(&client->queue_mutex);
        pthread_cond_destroy(&client->changed);
    }
    /* In a child, the copies of the mutex and condition variable may be
     * held or waited on by parent threads that do not exist here: destroying
     * or locking them can block forever, so they are simply abandoned. */
    free(client->target);
    if (client->password) {
        explicit_bzero(client->password, strlen(client->password));
        free(client->password);
    }
    free(client);
}
