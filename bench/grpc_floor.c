/* SPDX-License-Identifier: MIT */
/*
 * grpc_floor.c - the LDLM Lock + Unlock calls made straight on gRPC C core,
 * without libldlm, in three ways of driving gRPC. It answers one question of
 * issue 13 (bench/PROFILE.md): how much of libldlm's cost per call is
 * gRPC C core's own, whichever way a library drives it, and would another
 * way (an event loop of our own instead of a blocked thread per call) make
 * it cheaper?
 *
 * Usage:
 *   grpc_floor --address HOST:PORT [--tag T] [--run ID] [--reps R]
 *              [--warmup N] [--ops N] [--threads T] MODEL...
 *
 * Every model does --ops lock+unlock pairs of fresh names per repetition
 * with --threads of them in flight at once, and prints bench_stats.h's
 * "rep" lines (client "grpc-MODEL", workload lock_unlock_mt, or
 * lock_unlock with --threads 1):
 *   pluck     T threads, each call on its own pluck queue, the caller
 *             blocked in grpc_completion_queue_pluck (what libldlm does)
 *   next      T threads; one queue for all calls, drained by one thread
 *             with grpc_completion_queue_next that wakes each caller
 *   async     no caller threads at all: one thread keeps T lock+unlock
 *             sequences in flight on one next queue (an event loop), the
 *             least a client on gRPC C core can do per call
 * Plaintext, no password, no retries, no deadline: the bare calls.
 *
 * No "callback" model: gRPC C core 1.51 does not poll a callback completion
 * queue by itself (a call on one never completes unless some thread polls,
 * tried: it hangs); gRPC's C++ layer drives it with threads waiting in
 * grpc_completion_queue_next, which is the "next" model here.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/support/time.h>

#include "bench_stats.h"
#include "ldlm.pb-c.h"

static const char *address;
static const char *tag = "F";
static const char *run_id = "0";
static int reps = 5, warmup = 200, ops = 2000, threads = 16;

static grpc_channel *channel;

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void die(const char *what)
{
    fprintf(stderr, "grpc_floor: %s\n", what);
    exit(1);
}

/* ---- one call: its ops and results --------------------------------------- */

struct call {
    grpc_call *call;
    grpc_metadata_array initial_md, trailing_md;
    grpc_byte_buffer *reply;
    grpc_status_code status;
    grpc_slice details;
    /* for the next model: the caller waits on this */
    pthread_mutex_t mutex;
    pthread_cond_t done_cond;
    bool done;
};

static grpc_byte_buffer *pack(const ProtobufCMessage *m)
{
    grpc_slice s = grpc_slice_malloc(protobuf_c_message_get_packed_size(m));
    protobuf_c_message_pack(m, GRPC_SLICE_START_PTR(s));
    grpc_byte_buffer *b = grpc_raw_byte_buffer_create(&s, 1);
    grpc_slice_unref(s);
    return b;
}

static ProtobufCMessage *unpack(grpc_byte_buffer *b,
                                const ProtobufCMessageDescriptor *d)
{
    grpc_byte_buffer_reader r;
    if (!b || !grpc_byte_buffer_reader_init(&r, b))
        return NULL;
    grpc_slice all = grpc_byte_buffer_reader_readall(&r);
    grpc_byte_buffer_reader_destroy(&r);
    ProtobufCMessage *m = protobuf_c_message_unpack(
        d, NULL, GRPC_SLICE_LENGTH(all), GRPC_SLICE_START_PTR(all));
    grpc_slice_unref(all);
    return m;
}

/* Starts the call: all six ops in one batch, tag = c. */
static void call_start(struct call *c, grpc_completion_queue *q,
                       const char *method, const ProtobufCMessage *request)
{
    c->call =
        grpc_channel_create_call(channel, NULL, GRPC_PROPAGATE_DEFAULTS, q,
                                 grpc_slice_from_static_string(method), NULL,
                                 gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
    if (!c->call)
        die("grpc_channel_create_call failed");
    grpc_metadata_array_init(&c->initial_md);
    grpc_metadata_array_init(&c->trailing_md);
    c->reply = NULL;
    c->status = GRPC_STATUS_UNKNOWN;
    c->details = grpc_empty_slice();
    grpc_byte_buffer *request_buffer = pack(request);
    grpc_op op[6];
    memset(op, 0, sizeof op);
    op[0].op = GRPC_OP_SEND_INITIAL_METADATA;
    op[1].op = GRPC_OP_SEND_MESSAGE;
    op[1].data.send_message.send_message = request_buffer;
    op[2].op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
    op[3].op = GRPC_OP_RECV_INITIAL_METADATA;
    op[3].data.recv_initial_metadata.recv_initial_metadata = &c->initial_md;
    op[4].op = GRPC_OP_RECV_MESSAGE;
    op[4].data.recv_message.recv_message = &c->reply;
    op[5].op = GRPC_OP_RECV_STATUS_ON_CLIENT;
    op[5].data.recv_status_on_client.trailing_metadata = &c->trailing_md;
    op[5].data.recv_status_on_client.status = &c->status;
    op[5].data.recv_status_on_client.status_details = &c->details;
    if (grpc_call_start_batch(c->call, op, 6, c, NULL) != GRPC_CALL_OK)
        die("grpc_call_start_batch failed");
    grpc_byte_buffer_destroy(request_buffer);
}

/* Ends a completed call; returns its reply (NULL on any failure). */
static ProtobufCMessage *call_finish(struct call *c,
                                     const ProtobufCMessageDescriptor *d)
{
    ProtobufCMessage *m =
        c->status == GRPC_STATUS_OK ? unpack(c->reply, d) : NULL;
    grpc_call_unref(c->call);
    grpc_metadata_array_destroy(&c->initial_md);
    grpc_metadata_array_destroy(&c->trailing_md);
    if (c->reply)
        grpc_byte_buffer_destroy(c->reply);
    grpc_slice_unref(c->details);
    return m;
}

/* The two requests of one operation. */
static void lock_request(Ldlm__LockRequest *r, const char *name)
{
    *r = (Ldlm__LockRequest)LDLM__LOCK_REQUEST__INIT;
    r->name = (char *)name;
}

static void unlock_request(Ldlm__UnlockRequest *r, const char *name,
                           const char *key)
{
    *r = (Ldlm__UnlockRequest)LDLM__UNLOCK_REQUEST__INIT;
    r->name = (char *)name;
    r->key = (char *)key;
}

/* Checks a Lock reply and keeps its key. */
static char *lock_key(ProtobufCMessage *m)
{
    Ldlm__LockResponse *r = (Ldlm__LockResponse *)m;
    if (!r || r->error || !r->locked || !r->key)
        die("Lock failed");
    char *key = strdup(r->key);
    protobuf_c_message_free_unpacked(m, NULL);
    return key;
}

static void check_unlocked(ProtobufCMessage *m)
{
    Ldlm__UnlockResponse *r = (Ldlm__UnlockResponse *)m;
    if (!r || r->error || !r->unlocked)
        die("Unlock failed");
    protobuf_c_message_free_unpacked(m, NULL);
}

/* ---- the three models with a blocked thread per call ---------------------- */

enum model { PLUCK, NEXT, ASYNC, MODEL_COUNT };
static const char *const model_names[] = {"pluck", "next", "async"};

static enum model model;
static grpc_completion_queue *shared_queue; /* NEXT */
static pthread_t drainer;                   /* NEXT */

static void wake_caller(struct call *c)
{
    pthread_mutex_lock(&c->mutex);
    c->done = true;
    pthread_cond_signal(&c->done_cond);
    pthread_mutex_unlock(&c->mutex);
}

static void *drain_main(void *arg)
{
    (void)arg;
    for (;;) {
        grpc_event ev = grpc_completion_queue_next(
            shared_queue, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        if (ev.type == GRPC_QUEUE_SHUTDOWN)
            return NULL;
        if (ev.type == GRPC_OP_COMPLETE)
            wake_caller(ev.tag);
    }
}

/* One blocking unary call in the current model. */
static ProtobufCMessage *blocking_call(struct call *c,
                                       grpc_completion_queue *own_queue,
                                       const char *method,
                                       const ProtobufCMessage *request,
                                       const ProtobufCMessageDescriptor *d)
{
    if (model == PLUCK) {
        call_start(c, own_queue, method, request);
        grpc_event ev = grpc_completion_queue_pluck(
            own_queue, c, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        if (ev.type != GRPC_OP_COMPLETE)
            die("pluck failed");
    } else {
        c->done = false;
        call_start(c, shared_queue, method, request);
        pthread_mutex_lock(&c->mutex);
        while (!c->done)
            pthread_cond_wait(&c->done_cond, &c->mutex);
        pthread_mutex_unlock(&c->mutex);
    }
    return call_finish(c, d);
}

struct worker {
    pthread_t thread;
    int index, count, rep;
    uint64_t *latencies;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct call c;
    memset(&c, 0, sizeof c);
    pthread_mutex_init(&c.mutex, NULL);
    pthread_cond_init(&c.done_cond, NULL);
    grpc_completion_queue *own =
        model == PLUCK ? grpc_completion_queue_create_for_pluck(NULL) : NULL;
    for (int i = 0; i < w->count; i++) {
        char name[96];
        snprintf(name, sizeof name, "bench-%s-%s-%d-%d-%d", tag, run_id, w->rep,
                 w->index, i);
        uint64_t t0 = bench_now_ns();
        Ldlm__LockRequest lr;
        lock_request(&lr, name);
        char *key = lock_key(blocking_call(&c, own, "/ldlm.LDLM/Lock", &lr.base,
                                           &ldlm__lock_response__descriptor));
        Ldlm__UnlockRequest ur;
        unlock_request(&ur, name, key);
        check_unlocked(blocking_call(&c, own, "/ldlm.LDLM/Unlock", &ur.base,
                                     &ldlm__unlock_response__descriptor));
        free(key);
        if (w->latencies)
            w->latencies[i] = bench_now_ns() - t0;
    }
    if (own) {
        grpc_completion_queue_shutdown(own);
        grpc_completion_queue_destroy(own);
    }
    pthread_cond_destroy(&c.done_cond);
    pthread_mutex_destroy(&c.mutex);
    return NULL;
}

/* Runs `total` operations over `threads` threads; latencies may be NULL. */
static void run_threads(int rep, int total, uint64_t *latencies)
{
    struct worker *w = calloc((size_t)threads, sizeof *w);
    if (!w)
        die("out of memory");
    int done = 0;
    for (int t = 0; t < threads; t++) {
        w[t].index = t;
        w[t].rep = rep;
        w[t].count = total / threads + (t < total % threads);
        w[t].latencies = latencies ? latencies + done : NULL;
        done += w[t].count;
        if (pthread_create(&w[t].thread, NULL, worker_main, &w[t]) != 0)
            die("pthread_create failed");
    }
    for (int t = 0; t < threads; t++)
        pthread_join(w[t].thread, NULL);
    free(w);
}

/* ---- the event loop: T sequences in flight, one thread -------------------- */

struct sequence {
    struct call call;
    int rep, index, next_op, last_op;
    bool unlocking;
    char name[96];
    char *key;
    uint64_t started_ns;
};

static void sequence_lock(struct sequence *s, grpc_completion_queue *q)
{
    snprintf(s->name, sizeof s->name, "bench-%s-%s-%d-a%d-%d", tag, run_id,
             s->rep, s->index, s->next_op);
    s->started_ns = bench_now_ns();
    s->unlocking = false;
    Ldlm__LockRequest lr;
    lock_request(&lr, s->name);
    call_start(&s->call, q, "/ldlm.LDLM/Lock", &lr.base);
}

static void run_async(int rep, int total, uint64_t *latencies)
{
    grpc_completion_queue *q = grpc_completion_queue_create_for_next(NULL);
    int in_flight = threads < total ? threads : total;
    struct sequence *seq = calloc((size_t)in_flight, sizeof *seq);
    if (!seq)
        die("out of memory");
    /* Operation numbers are handed out in order; sequence i runs ops
     * i, i + in_flight, ... so latencies land in distinct slots. */
    for (int i = 0; i < in_flight; i++) {
        seq[i].rep = rep;
        seq[i].index = i;
        seq[i].next_op = i;
        sequence_lock(&seq[i], q);
    }
    int active = in_flight;
    while (active > 0) {
        grpc_event ev = grpc_completion_queue_next(
            q, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
        if (ev.type != GRPC_OP_COMPLETE)
            die("completion queue failed");
        struct sequence *s = ev.tag;
        if (!s->unlocking) {
            s->key = lock_key(
                call_finish(&s->call, &ldlm__lock_response__descriptor));
            s->unlocking = true;
            Ldlm__UnlockRequest ur;
            unlock_request(&ur, s->name, s->key);
            call_start(&s->call, q, "/ldlm.LDLM/Unlock", &ur.base);
            continue;
        }
        check_unlocked(
            call_finish(&s->call, &ldlm__unlock_response__descriptor));
        free(s->key);
        s->key = NULL;
        if (latencies)
            latencies[s->next_op] = bench_now_ns() - s->started_ns;
        s->next_op += in_flight;
        if (s->next_op < total)
            sequence_lock(s, q);
        else
            active--;
    }
    free(seq);
    grpc_completion_queue_shutdown(q);
    while (
        grpc_completion_queue_next(q, gpr_inf_future(GPR_CLOCK_REALTIME), NULL)
            .type != GRPC_QUEUE_SHUTDOWN)
        ;
    grpc_completion_queue_destroy(q);
}

/* ---- driver --------------------------------------------------------------- */

static void run_model(enum model m)
{
    model = m;
    if (m == NEXT) {
        shared_queue = grpc_completion_queue_create_for_next(NULL);
        if (pthread_create(&drainer, NULL, drain_main, NULL) != 0)
            die("pthread_create failed");
    }
    void (*run)(int, int, uint64_t *) = m == ASYNC ? run_async : run_threads;
    run(-1, warmup, NULL);
    uint64_t *lat = calloc((size_t)ops, sizeof *lat);
    if (!lat)
        die("out of memory");
    char client[32];
    snprintf(client, sizeof client, "grpc-%s", model_names[m]);
    for (int rep = 0; rep < reps; rep++) {
        double cpu0 = cpu_seconds();
        uint64_t t0 = bench_now_ns();
        run(rep, ops, lat);
        uint64_t wall = bench_now_ns() - t0;
        bench_print_rep_cpu(client,
                            threads == 1 ? "lock_unlock" : "lock_unlock_mt",
                            rep, (size_t)ops, wall, lat, cpu_seconds() - cpu0);
    }
    free(lat);
    if (m == NEXT) {
        grpc_completion_queue_shutdown(shared_queue);
        pthread_join(drainer, NULL);
        grpc_completion_queue_destroy(shared_queue);
        shared_queue = NULL;
    }
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"address", required_argument, NULL, 'a'},
        {"tag", required_argument, NULL, 't'},
        {"run", required_argument, NULL, 'r'},
        {"reps", required_argument, NULL, 'R'},
        {"warmup", required_argument, NULL, 'w'},
        {"ops", required_argument, NULL, 'o'},
        {"threads", required_argument, NULL, 'T'},
        {NULL, 0, NULL, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'a':
            address = optarg;
            break;
        case 't':
            tag = optarg;
            break;
        case 'r':
            run_id = optarg;
            break;
        case 'R':
            reps = atoi(optarg);
            break;
        case 'w':
            warmup = atoi(optarg);
            break;
        case 'o':
            ops = atoi(optarg);
            break;
        case 'T':
            threads = atoi(optarg);
            break;
        default:
            return 2;
        }
    }
    if (!address || optind >= argc || reps < 1 || ops < 1 || threads < 1 ||
        warmup < 0) {
        fprintf(stderr, "usage: grpc_floor --address HOST:PORT [--tag T] "
                        "[--run ID] [--reps R] [--warmup N] [--ops N] "
                        "[--threads T] pluck|next|async...\n");
        return 2;
    }
    grpc_init();
    /* The same channel settings that matter per call as libldlm's. */
    grpc_arg args[2] = {
        {.type = GRPC_ARG_INTEGER,
         .key = (char *)GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL,
         .value.integer = 1},
        {.type = GRPC_ARG_INTEGER,
         .key = (char *)GRPC_ARG_ENABLE_RETRIES,
         .value.integer = 0},
    };
    grpc_channel_args channel_args = {2, args};
    char target[300];
    snprintf(target, sizeof target, "ipv4:%s", address);
    grpc_channel_credentials *creds = grpc_insecure_credentials_create();
    channel = grpc_channel_create(target, creds, &channel_args);
    grpc_channel_credentials_release(creds);
    for (int i = optind; i < argc; i++) {
        int m = 0;
        while (m < MODEL_COUNT && strcmp(argv[i], model_names[m]) != 0)
            m++;
        if (m == MODEL_COUNT) {
            fprintf(stderr, "grpc_floor: unknown model '%s'\n", argv[i]);
            return 2;
        }
        run_model((enum model)m);
    }
    grpc_channel_destroy(channel);
    grpc_shutdown();
    return 0;
}
