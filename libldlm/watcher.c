/* SPDX-License-Identifier: MIT */
/* watcher.c - follows the channel's connectivity on a thread of its own.
 *
 * Two jobs. It notices when the connection (the server session owning our
 * locks) ends, and bumps the connection generation: from that moment every
 * lock taken on it reads not held (the server releases a lost connection's
 * locks, see ldlm.h), and the keeper reports them. And, because gRPC C core
 * polls sockets only while some thread waits on a completion queue, its
 * permanent wait makes an idle client answer the server's keepalive pings
 * at once (otherwise up to 5 s late, enough for a server with a short
 * keepalive timeout to drop us).
 *
 * The channel is touched only with shutting_down false, inside
 * watcher_in_grpc = true (set under client->mutex): ldlmi_background_stop
 * waits for that flag to clear before it destroys the channel, and that
 * destruction is what completes the pending watch. The gRPC functions run
 * without the mutex, so that whatever gRPC logs never reaches the
 * application's log handler with a library lock held; for the same reason
 * the "connection lost" line is logged after the mutex is released. */
#include <grpc/support/time.h>

#include "internal.h"

/* Reads the state, asking for a connection when the channel is IDLE (at
 * start, and after a disconnect). Mutex NOT held; watcher_in_grpc set. */
static grpc_connectivity_state read_state(ldlm_client *client)
{
    grpc_connectivity_state state =
        grpc_channel_check_connectivity_state(client->channel, 0);
    if (state == GRPC_CHANNEL_IDLE)
        state = grpc_channel_check_connectivity_state(client->channel, 1);
    return state;
}

/* Leaves the channel to ldlmi_background_stop again (mutex held). */
static void grpc_done(ldlm_client *client)
{
    client->watcher_in_grpc = false;
    pthread_cond_broadcast(&client->changed);
}

/* Publishes a state read after a watch completed (mutex held). Returns true
 * when the connection was lost, for the caller to log without the mutex. */
static bool publish(ldlm_client *client, grpc_connectivity_state state,
                    bool left_ready)
{
    if (left_ready) {
        /* The session ended: every lock of this generation now reads not
         * held (ldlmi_held_until), and the evidence of contact went with
         * the connection. */
        client->connection_generation++;
        client->contact_ms = 0;
        client->probe_retry_at_ms = 0;
    }
    client->connection_ready = state == GRPC_CHANNEL_READY;
    pthread_cond_broadcast(&client->changed);
    return left_ready;
}

void *ldlmi_watcher_main(void *arg)
{
    ldlm_client *client = arg;
    grpc_connectivity_state state = GRPC_CHANNEL_IDLE;
    bool watched = false; /* `state` is what the last watch was armed with */
    pthread_mutex_lock(&client->mutex);
    while (!client->shutting_down) {
        client->watcher_in_grpc = true;
        pthread_mutex_unlock(&client->mutex);
        grpc_connectivity_state now = read_state(client);
        pthread_mutex_lock(&client->mutex);
        grpc_done(client);
        /* A completed watch means the state moved away from `state`, even
         * if it has already come back by the time we look. */
        bool lost =
            publish(client, now, watched && state == GRPC_CHANNEL_READY);
        state = now;
        if (client->shutting_down)
            break;
        client->watcher_in_grpc = true;
        pthread_mutex_unlock(&client->mutex);
        if (lost)
            ldlmi_log(LDLM_LOG_INFO, "libldlm: connection to %s lost",
                      client->target);
        grpc_channel_watch_connectivity_state(
            client->channel, state, gpr_inf_future(GPR_CLOCK_MONOTONIC),
            client->watcher_queue, client);
        watched = true;
        pthread_mutex_lock(&client->mutex);
        grpc_done(client);
        pthread_mutex_unlock(&client->mutex);
        /* The channel's destruction completes the watch: not in gRPC. */
        grpc_event ev = grpc_completion_queue_next(
            client->watcher_queue, gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL);
        pthread_mutex_lock(&client->mutex);
        if (ev.type != GRPC_OP_COMPLETE)
            break;
    }
    pthread_mutex_unlock(&client->mutex);
    return NULL;
}
