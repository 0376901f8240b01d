/* SPDX-License-Identifier: MIT */
/* watcher.c - follows the channel's connectivity on a thread of its own.
 *
 * Two jobs. It notices when the connection (the server session owning our
 * locks) ends, and bumps the connection generation: from that moment every
 * lock taken on it reads not held (the server releases a lost connection's
 * locks, see ldlm.h), and the keeper reports them. And, because gRPC C core
 * polls sockets only while some thread waits on a completion queue, its
 * wait makes an idle client answer the server's keepalive pings at once
 * (otherwise up to 5 s late, enough for a server with a short keepalive
 * timeout to drop us).
 *
 * It polls only while the client is quiet. When it waits in gRPC while
 * calls run, gRPC often makes it the thread that reads the replies, and
 * every reply is then handed to the caller waiting in its own queue: a
 * wakeup through gRPC's eventfd, futexes and two context switches per
 * call, about a quarter of the client's CPU per call with one thread
 * (bench/PROFILE.md). So while calls run on a ready connection (and for
 * QUIET_MS after the last one) it leaves the polling to the callers, whose
 * waits read the socket anyway, and only looks into its queue every
 * BUSY_LOOK_MS for a completed watch.
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

/* Quiet this long after the last call before the watcher polls again: a
 * program making calls one after the other (or a renewal round of the
 * keeper) stays on the cheap path between calls. */
#define QUIET_MS 200
/* How often a busy client's watcher looks for a completed watch. */
#define BUSY_LOOK_MS 50
/* The longest single poll of a quiet client's watcher: a burst of calls
 * that starts meanwhile pays the handover at most this long. */
#define QUIET_POLL_MS 500

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

/* Connected, and calls are running or ended less than QUIET_MS ago (mutex
 * held). Never while the channel is not READY: a connection attempt needs
 * a poller, and calls on a channel in TRANSIENT_FAILURE fail at once
 * without polling, so a client retrying them would never reconnect. */
static bool busy(const ldlm_client *client, int64_t now)
{
    return client->connection_ready &&
           (client->active_calls != NULL ||
            now - client->last_call_end_ms < QUIET_MS);
}

static gpr_timespec after_ms(int64_t ms)
{
    return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
                        gpr_time_from_millis(ms, GPR_TIMESPAN));
}

/* Waits for the armed watch to complete. Polls gRPC (the watch's queue)
 * while the client is quiet; while it is busy, sleeps on client->changed
 * and takes a look into the queue without polling every BUSY_LOOK_MS.
 * Mutex NOT held. Returns the queue's event, or a GRPC_QUEUE_SHUTDOWN
 * event of its own when the client is being freed while busy (the watch
 * still pending then completes with the channel's destruction, and
 * ldlmi_background_stop drains the queue). */
static grpc_event await_watch(ldlm_client *client)
{
    grpc_event ev;
    for (;;) {
        pthread_mutex_lock(&client->mutex);
        int64_t now = ldlmi_now_ms();
        bool stopping = client->shutting_down;
        bool quiet = !busy(client, now);
        if (!stopping && !quiet) {
            int64_t until = now + BUSY_LOOK_MS;
            struct timespec ts = {until / 1000, (long)(until % 1000) * 1000000};
            pthread_cond_timedwait(&client->changed, &client->mutex, &ts);
            stopping = client->shutting_down;
        }
        pthread_mutex_unlock(&client->mutex);
        if (stopping) {
            ev.type = GRPC_QUEUE_SHUTDOWN;
            return ev;
        }
        /* Quiet: poll for up to QUIET_POLL_MS. Busy: only look (a zero
         * deadline returns at once if another thread is polling). */
        ev = grpc_completion_queue_next(
            client->watcher_queue, after_ms(quiet ? QUIET_POLL_MS : 0), NULL);
        if (ev.type != GRPC_QUEUE_TIMEOUT)
            return ev;
    }
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
        grpc_event ev = await_watch(client);
        pthread_mutex_lock(&client->mutex);
        if (ev.type != GRPC_OP_COMPLETE)
            break;
    }
    pthread_mutex_unlock(&client->mutex);
    return NULL;
}
