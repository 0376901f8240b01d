/* SPDX-License-Identifier: MIT */
/* watcher.c - follows the channel's connectivity on a thread of its own.
 *
 * Two jobs. It notices when the connection (the server session owning our
 * locks) ends, and bumps the connection generation so the keeper verifies
 * the locks taken before. And, because gRPC C core polls sockets only while
 * some thread waits on a completion queue, its permanent wait makes an idle
 * client answer the server's keepalive pings at once (otherwise up to 5 s
 * late, enough for a server with a short keepalive timeout to drop us).
 *
 * The channel is only touched with client->mutex held and shutting_down
 * false: ldlmi_background_stop destroys it under the same mutex, and that
 * destruction is what completes the pending watch. */
#include <grpc/support/time.h>

#include "internal.h"

/* Reads the state, asking for a connection when the channel is IDLE (at
 * start, and after a disconnect), and publishes it. Mutex held. */
static grpc_connectivity_state refresh_state(ldlm_client *client,
                                             bool left_ready)
{
    grpc_connectivity_state state =
        grpc_channel_check_connectivity_state(client->channel, 0);
    if (state == GRPC_CHANNEL_IDLE)
        state = grpc_channel_check_connectivity_state(client->channel, 1);
    if (left_ready) {
        client->connection_generation++;
        client->last_disconnect_ms = ldlmi_now_ms();
        ldlmi_log(LDLM_LOG_INFO, "libldlm: connection to %s lost",
                  client->target);
    }
    client->connection_ready = state == GRPC_CHANNEL_READY;
    pthread_cond_broadcast(&client->changed);
    return state;
}

void *ldlmi_watcher_main(void *arg)
{
    ldlm_client *client = arg;
    pthread_mutex_lock(&client->mutex);
    grpc_connectivity_state state = GRPC_CHANNEL_IDLE;
    if (!client->shutting_down)
        state = refresh_state(client, false);
    while (!client->shutting_down) {
        grpc_channel_watch_connectivity_state(
            client->channel, state, gpr_inf_future(GPR_CLOCK_MONOTONIC),
            client->watcher_queue, client);
        pthread_mutex_unlock(&client->mutex);
        grpc_event ev = grpc_completion_queue_next(
            client->watcher_queue, gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL);
        pthread_mutex_lock(&client->mutex);
        if (client->shutting_down || ev.type != GRPC_OP_COMPLETE)
            break;
        /* A completed watch means the state moved away from `state`, even
         * if it has already come back by the time we look. */
        state = refresh_state(client, state == GRPC_CHANNEL_READY);
    }
    pthread_mutex_unlock(&client->mutex);
    return NULL;
}
