/* SPDX-License-Identifier: MIT */
/* call.c - one unary RPC over the client's channel, with retries.
 *
 * Each call gets its own pluck completion queue: gRPC allows at most six
 * threads to pluck one queue at once, and a client may be shared by many
 * threads. The queues of finished calls are kept on the client for the
 * next ones (creating and destroying one per call was a measurable part of
 * a call's cost). Active calls are registered on the client so that
 * ldlm_client_cancel() can cancel them from any thread. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <grpc/byte_buffer_reader.h>
#include <grpc/support/alloc.h>
#include <grpc/support/time.h>

#include "internal.h"

int64_t ldlmi_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t ldlmi_operation_deadline(const ldlm_client *client)
{
    if (client->call_timeout_ms <= 0)
        return 0;
    return ldlmi_now_ms() + client->call_timeout_ms;
}

static gpr_timespec deadline_to_gpr(int64_t deadline_ms)
{
    if (deadline_ms <= 0)
        return gpr_inf_future(GPR_CLOCK_MONOTONIC);
    int64_t remaining = deadline_ms - ldlmi_now_ms();
    if (remaining < 0)
        remaining = 0;
    return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
                        gpr_time_from_millis(remaining, GPR_TIMESPAN));
}

static grpc_byte_buffer *pack_request(const ProtobufCMessage *request)
{
    /* Packed straight into the slice gRPC sends, without a copy. */
    grpc_slice slice =
        grpc_slice_malloc(protobuf_c_message_get_packed_size(request));
    protobuf_c_message_pack(request, GRPC_SLICE_START_PTR(slice));
    grpc_byte_buffer *buffer = grpc_raw_byte_buffer_create(&slice, 1);
    grpc_slice_unref(slice);
    return buffer;
}

static ProtobufCMessage *unpack_response(grpc_byte_buffer *buffer,
                                         const ProtobufCMessageDescriptor *desc)
{
    grpc_byte_buffer_reader reader;
    if (!grpc_byte_buffer_reader_init(&reader, buffer))
        return NULL;
    grpc_slice all = grpc_byte_buffer_reader_readall(&reader);
    grpc_byte_buffer_reader_destroy(&reader);
    ProtobufCMessage *message = protobuf_c_message_unpack(
        desc, NULL, GRPC_SLICE_LENGTH(all), GRPC_SLICE_START_PTR(all));
    grpc_slice_unref(all);
    return message;
}

/* Registers a call for cancellation; false if the client is cancelled or
 * being freed. Refusing during shutdown matters for the keeper: a renewal it
 * starts after ldlmi_background_stop cancelled the active calls would
 * otherwise run to its deadline (up to KEEPER_RPC_TIMEOUT_MS) and hold up
 * ldlm_client_free, which waits for the keeper. */
static bool register_call(ldlm_client *client, ldlmi_active_call *entry)
{
    pthread_mutex_lock(&client->mutex);
    bool ok = !client->cancelled && !client->shutting_down;
    if (ok) {
        entry->next = client->active_calls;
        client->active_calls = entry;
    }
    pthread_mutex_unlock(&client->mutex);
    return ok;
}

static void unregister_call(ldlm_client *client, ldlmi_active_call *entry)
{
    pthread_mutex_lock(&client->mutex);
    for (ldlmi_active_call **p = &client->active_calls; *p; p = &(*p)->next) {
        if (*p == entry) {
            *p = entry->next;
            break;
        }
    }
    client->last_call_end_ms = ldlmi_now_ms();
    pthread_mutex_unlock(&client->mutex);
}

/* Most queues kept for reuse: enough for every thread of a busy client. */
#define MAX_POOLED_QUEUES 256

/* A pluck queue for one call: a pooled one, or a new one. */
static grpc_completion_queue *queue_get(ldlm_client *client)
{
    grpc_completion_queue *queue = NULL;
    pthread_mutex_lock(&client->queue_mutex);
    if (client->queue_count > 0)
        queue = client->queues[--client->queue_count];
    pthread_mutex_unlock(&client->queue_mutex);
    return queue ? queue : grpc_completion_queue_create_for_pluck(NULL);
}

static void queue_destroy(grpc_completion_queue *queue)
{
    grpc_completion_queue_shutdown(queue);
    grpc_completion_queue_destroy(queue);
}

/* Gives back the queue of a finished call (its one event was plucked, so
 * it is empty): kept for the next call, or destroyed. */
static void queue_put(ldlm_client *client, grpc_completion_queue *queue)
{
    pthread_mutex_lock(&client->queue_mutex);
    if (client->queue_count == client->queue_capacity &&
        client->queue_capacity < MAX_POOLED_QUEUES) {
        size_t capacity =
            client->queue_capacity ? client->queue_capacity * 2 : 16;
        grpc_completion_queue **grown =
            realloc(client->queues, capacity * sizeof *grown);
        if (grown) {
            client->queues = grown;
            client->queue_capacity = capacity;
        }
    }
    if (client->queue_count < client->queue_capacity) {
        client->queues[client->queue_count++] = queue;
        queue = NULL;
    }
    pthread_mutex_unlock(&client->queue_mutex);
    if (queue)
        queue_destroy(queue);
}

void ldlmi_queues_destroy(ldlm_client *client)
{
    for (size_t i = 0; i < client->queue_count; i++)
        queue_destroy(client->queues[i]);
    free(client->queues);
    client->queues = NULL;
    client->queue_count = client->queue_capacity = 0;
}

static ldlm_err call_once(ldlm_client *client, const char *method,
                          grpc_byte_buffer *request,
                          const ProtobufCMessageDescriptor *response_desc,
                          int64_t deadline_ms, ProtobufCMessage **response)
{
    grpc_completion_queue *queue = queue_get(client);
    if (!queue)
        return ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    grpc_slice method_slice = grpc_slice_from_static_string(method);
    grpc_call *call = grpc_channel_create_call(
        client->channel, NULL, GRPC_PROPAGATE_DEFAULTS, queue, method_slice,
        NULL, deadline_to_gpr(deadline_ms), NULL);
    if (!call) {
        queue_put(client, queue);
        return ldlmi_fail(LDLM_ERR_INTERNAL, "gRPC could not create a call");
    }

    grpc_metadata auth;
    size_t auth_count = 0;
    if (client->password) {
        auth.key = grpc_slice_from_static_string("authorization");
        auth.value = grpc_slice_from_copied_string(client->password);
        auth_count = 1;
    }
    grpc_metadata_array initial_md, trailing_md;
    grpc_metadata_array_init(&initial_md);
    grpc_metadata_array_init(&trailing_md);
    grpc_byte_buffer *reply = NULL;
    grpc_status_code status = GRPC_STATUS_UNKNOWN;
    grpc_slice details = grpc_empty_slice();

    grpc_op ops[6];
    memset(ops, 0, sizeof ops);
    ops[0].op = GRPC_OP_SEND_INITIAL_METADATA;
    ops[0].data.send_initial_metadata.count = auth_count;
    ops[0].data.send_initial_metadata.metadata = auth_count ? &auth : NULL;
    ops[1].op = GRPC_OP_SEND_MESSAGE;
    ops[1].data.send_message.send_message = request;
    ops[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
    ops[3].op = GRPC_OP_RECV_INITIAL_METADATA;
    ops[3].data.recv_initial_metadata.recv_initial_metadata = &initial_md;
    ops[4].op = GRPC_OP_RECV_MESSAGE;
    ops[4].data.recv_message.recv_message = &reply;
    ops[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
    ops[5].data.recv_status_on_client.trailing_metadata = &trailing_md;
    ops[5].data.recv_status_on_client.status = &status;
    ops[5].data.recv_status_on_client.status_details = &details;

    ldlm_err err = LDLM_OK;
    bool queue_clean = true; /* no event left in it */
    ldlmi_active_call entry = {call, NULL};
    if (!register_call(client, &entry)) {
        err = ldlmi_fail(LDLM_ERR_CANCELLED, "client cancelled");
        grpc_call_unref(call);
        goto out;
    }
    grpc_call_error started = grpc_call_start_batch(call, ops, 6, &entry, NULL);
    if (started == GRPC_CALL_OK) {
        /* The call's deadline (or a cancel) bounds this wait. */
        grpc_event ev = grpc_completion_queue_pluck(
            queue, &entry, gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL);
        if (ev.type != GRPC_OP_COMPLETE) {
            queue_clean = false;
            err = ldlmi_fail(LDLM_ERR_INTERNAL, "gRPC completion queue failed");
        }
    } else {
        err = ldlmi_fail(LDLM_ERR_INTERNAL, "gRPC refused the call (%d)",
                         (int)started);
    }
    unregister_call(client, &entry);
    grpc_call_unref(call);

    if (err == LDLM_OK && status != GRPC_STATUS_OK) {
        char *text = grpc_slice_to_c_string(details);
        err = ldlmi_fail(ldlmi_err_from_status(status), "%s (gRPC status %d)",
                         text && *text ? text : "no details", (int)status);
        gpr_free(text);
    } else if (err == LDLM_OK) {
        *response = reply ? unpack_response(reply, response_desc) : NULL;
        if (!*response)
            err = ldlmi_fail(LDLM_ERR_PROTOCOL,
                             "the server's reply to %s could not be decoded",
                             method);
    }
out:
    if (auth_count)
        grpc_slice_unref(auth.value);
    grpc_metadata_array_destroy(&initial_md);
    grpc_metadata_array_destroy(&trailing_md);
    if (reply)
        grpc_byte_buffer_destroy(reply);
    grpc_slice_unref(details);
    if (queue_clean)
        queue_put(client, queue);
    else
        queue_destroy(queue);
    return err;
}

/* Sleeps up to delay_ms, waking early on cancel or shutdown. Returns false
 * if the client was cancelled. */
static bool retry_pause(ldlm_client *client, int64_t delay_ms)
{
    int64_t until = ldlmi_now_ms() + delay_ms;
    struct timespec ts = {until / 1000, (long)(until % 1000) * 1000000};
    pthread_mutex_lock(&client->mutex);
    while (!client->cancelled && !client->shutting_down &&
           ldlmi_now_ms() < until)
        pthread_cond_timedwait(&client->changed, &client->mutex, &ts);
    bool ok = !client->cancelled && !client->shutting_down;
    pthread_mutex_unlock(&client->mutex);
    return ok;
}

ldlm_err ldlmi_unary_call(ldlm_client *client, const char *method,
                          const ProtobufCMessage *request,
                          const ProtobufCMessageDescriptor *response_desc,
                          int64_t deadline_ms, ProtobufCMessage **response)
{
    *response = NULL;
    ldlm_err err;
    for (int attempt = 0;; attempt++) {
        /* A fresh buffer for every attempt: gRPC 1.51 moves the slices out
         * of the byte buffer it sends, so a buffer reused for a retry goes
         * out empty (the server then sees an empty lock name). */
        grpc_byte_buffer *packed = pack_request(request);
        if (!packed)
            return ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
        err = call_once(client, method, packed, response_desc, deadline_ms,
                        response);
        grpc_byte_buffer_destroy(packed);
        /* Like the Go client: only UNAVAILABLE is worth retrying; anything
         * else would fail the same way again. */
        if (err != LDLM_ERR_UNAVAILABLE || attempt >= client->max_retries)
            break;
        int64_t delay = client->retry_delay_ms;
        if (deadline_ms > 0 && ldlmi_now_ms() + delay >= deadline_ms)
            break; /* the caller's bound would pass while we wait */
        ldlmi_log(LDLM_LOG_INFO,
                  "libldlm: %s unavailable, retry %d of %d in %lld ms", method,
                  attempt + 1, client->max_retries, (long long)delay);
        if (!retry_pause(client, delay)) {
            err = ldlmi_fail(LDLM_ERR_CANCELLED, "client cancelled");
            break;
        }
    }
    return err;
}
