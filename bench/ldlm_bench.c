/* SPDX-License-Identifier: MIT */
/*
 * ldlm_bench - the libldlm side of the client benchmark (bench/run.sh).
 *
 *   ldlm_bench --address HOST:PORT [options] WORKLOAD...
 *
 * Runs each workload against a real LDLM server and prints one line per
 * measured repetition (format in bench_stats.h). The Go (bench/go) and
 * Python (bench/python) programs take the same options and do the same
 * work, so that run.sh can put the three side by side.
 *
 * Workloads (latency = one iteration):
 *   lock_unlock      one thread: lock + unlock of a fresh name, --ops times
 *   trylock_size8    one thread: try-lock + unlock of one lock of size 8
 *   lock_unlock_mt   --threads threads sharing one client, each doing
 *                    lock_unlock --mt-ops times
 *   lock_unlock_mt64, lock_unlock_mt256
 *                    the same with 64 and 256 threads, each doing as many
 *                    iterations as keep the total of lock_unlock_mt
 *                    (--threads x --mt-ops, rounded up per thread)
 *   connect_plain    new client + first try-lock + close, --connect-ops times
 *   connect_tls      the same over TLS (needs --ca: the server's CA)
 *   held             one client takes --held locks with a 20 s lock timeout
 *                    (every client renews such a lock every 10 s), holds
 *                    them --hold-seconds, then unlocks them all (each must
 *                    still be held). Prints one line:
 *                      held CLIENT LOCKS HOLD_SECONDS CPU_SECONDS ACQUIRE_SECONDS
 *                    CPU_SECONDS: the process's user + system time during
 *                    the hold (renewals and whatever else keeps the locks).
 *
 * Every "rep" line ends with the CPU time of the process during the
 * repetition (bench_stats.h).
 * Options:
 *   --address A       the server (plaintext, or TLS for connect_tls)
 *   --ca FILE         CA of the TLS server's certificate
 *   --tag T           a short tag in every lock name, one per client, so that
 *                     each client's names are fresh and of equal length
 *   --run ID          run identifier in every lock name (default: pid)
 *   --reps R          measured repetitions of each workload (default 5)
 *   --warmup N        unmeasured iterations before them (default 100)
 *   --ops N           iterations per repetition, single thread (default 1000)
 *   --threads T       threads of lock_unlock_mt (default 16)
 *   --mt-ops N        iterations per thread per repetition (default 100)
 *   --connect-ops N   connections per repetition (default 20)
 *   --held N          locks of the held workload (default 1000)
 *   --hold-seconds S  how long they are held (default 60)
 *
 * Lock names: bench/RUN/TAG/WORKLOAD/REP/tTHREAD/I (REP is rN, or "warm").
 * Exit status: 0 if every workload ran, 1 if one failed (an "error" line
 * says why), 2 on usage errors.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldlm.h>

#include "bench_stats.h"

#define CLIENT_NAME "libldlm"
#define NAME_MAX_LEN 256
/* Bounds every call, so that a server that stops answering ends the run. */
#define CALL_TIMEOUT_MS 60000

typedef struct bench_options {
    const char *address;
    const char *ca_file;
    const char *tag;
    char run[32];
    int reps;
    int warmup;
    int ops;
    int threads;
    int mt_ops;
    int connect_ops;
    int held;
    int hold_seconds;
} bench_options;

/* Lock timeout of the held workload: the Go and Python clients renew such
 * a lock every max(timeout - 30, 10) = 10 s, libldlm every timeout / 2 =
 * 10 s, so the three send the same renewals. */
#define HELD_LOCK_TIMEOUT_S 20

/* Text of the last libldlm error of this thread, for "error" lines. */
static void describe(char *buf, size_t size, const char *what, ldlm_err err)
{
    snprintf(buf, size, "%s: %s (%s)%s%s", what, ldlm_strerror(err),
             ldlm_err_name(err), *ldlm_last_error_message() ? ": " : "",
             ldlm_last_error_message());
}

static void lock_name(char *buf, const bench_options *o, const char *workload,
                      int rep, int thread, int i)
{
    char rep_label[16];
    if (rep < 0)
        snprintf(rep_label, sizeof rep_label, "warm");
    else
        snprintf(rep_label, sizeof rep_label, "r%d", rep);
    snprintf(buf, NAME_MAX_LEN, "bench/%s/%s/%s/%s/t%d/%d", o->run, o->tag,
             workload, rep_label, thread, i);
}

static ldlm_err new_client(const bench_options *o, bool tls, ldlm_client **out)
{
    ldlm_config config;
    ldlm_config_init(&config);
    config.address = o->address;
    config.call_timeout_ms = CALL_TIMEOUT_MS;
    if (tls) {
        config.use_tls = true;
        config.ca_file = o->ca_file;
    }
    return ldlm_client_new(&config, out);
}

/* A plain client for a workload's run, or -1 with an "error" line. */
static int open_client(const bench_options *o, const char *workload,
                       ldlm_client **out)
{
    ldlm_err err = new_client(o, false, out);
    if (err == LDLM_OK)
        return 0;
    char err_buf[1024];
    describe(err_buf, sizeof err_buf, "client", err);
    bench_print_error(CLIENT_NAME, workload, err_buf);
    return -1;
}

/*
 * Acquires `name` (ldlm_lock, or ldlm_try_lock when `try`) and releases it.
 * The lock must be free: not getting it is an error here.
 */
static ldlm_err acquire_release(ldlm_client *client, const char *name,
                                const ldlm_lock_options *opts, bool try,
                                char *err_buf, size_t err_size)
{
    ldlm_handle *lock = NULL;
    ldlm_err err = try ? ldlm_try_lock(client, name, opts, &lock)
                       : ldlm_lock(client, name, opts, &lock);
    if (err != LDLM_OK) {
        describe(err_buf, err_size, try ? "try-lock" : "lock", err);
        return err;
    }
    if (!ldlm_handle_locked(lock)) {
        snprintf(err_buf, err_size, "%s of %s: not acquired (lock busy)",
                 try ? "try-lock" : "lock", name);
        ldlm_handle_free(lock);
        return LDLM_ERR_NOT_LOCKED;
    }
    err = ldlm_handle_unlock(lock);
    if (err != LDLM_OK)
        describe(err_buf, err_size, "unlock", err);
    ldlm_handle_free(lock);
    return err;
}

/* ---- single-thread workloads ------------------------------------------ */

/* One iteration of a single-thread workload. */
typedef ldlm_err (*iteration_fn)(ldlm_client *client, const bench_options *o,
                                 const char *workload, int rep, int i,
                                 char *err_buf, size_t err_size);

static ldlm_err iterate_lock_unlock(ldlm_client *client, const bench_options *o,
                                    const char *workload, int rep, int i,
                                    char *err_buf, size_t err_size)
{
    char name[NAME_MAX_LEN];
    lock_name(name, o, workload, rep, 0, i);
    return acquire_release(client, name, NULL, false, err_buf, err_size);
}

static ldlm_err iterate_trylock_size8(ldlm_client *client,
                                      const bench_options *o,
                                      const char *workload, int rep, int i,
                                      char *err_buf, size_t err_size)
{
    (void)rep;
    (void)i;
    /* One lock for the whole workload: the same name every time. */
    char name[NAME_MAX_LEN];
    lock_name(name, o, workload, 0, 0, 0);
    ldlm_lock_options opts = LDLM_LOCK_OPTIONS(.size = 8);
    return acquire_release(client, name, &opts, true, err_buf, err_size);
}

/* Runs a single-thread workload on one client: warm-up, then the reps. */
static int run_single_thread(const bench_options *o, const char *workload,
                             iteration_fn fn)
{
    char err_buf[1024];
    ldlm_client *client = NULL;
    if (open_client(o, workload, &client) != 0)
        return -1;
    uint64_t *lat = calloc((size_t)o->ops, sizeof(*lat));
    int rc = lat == NULL ? -1 : 0;
    if (lat == NULL)
        bench_print_error(CLIENT_NAME, workload, "out of memory");
    for (int i = 0; rc == 0 && i < o->warmup; i++) {
        if (fn(client, o, workload, -1, i, err_buf, sizeof err_buf) != LDLM_OK)
            rc = -1;
    }
    for (int rep = 0; rc == 0 && rep < o->reps; rep++) {
        double cpu = bench_cpu_seconds();
        uint64_t start = bench_now_ns();
        for (int i = 0; rc == 0 && i < o->ops; i++) {
            uint64_t t0 = bench_now_ns();
            if (fn(client, o, workload, rep, i, err_buf, sizeof err_buf) !=
                LDLM_OK)
                rc = -1;
            lat[i] = bench_now_ns() - t0;
        }
        if (rc == 0)
            bench_print_rep_cpu(CLIENT_NAME, workload, rep, (size_t)o->ops,
                                bench_now_ns() - start, lat,
                                bench_cpu_seconds() - cpu);
    }
    if (rc != 0 && lat != NULL)
        bench_print_error(CLIENT_NAME, workload, err_buf);
    free(lat);
    ldlm_client_free(client);
    return rc;
}

/* ---- many threads, one client ------------------------------------------ */

typedef struct mt_shared {
    const bench_options *o;
    const char *workload;
    int threads;
    ldlm_client *client;
    pthread_barrier_t start;
    int rep;
    int ops;       /* per thread */
    uint64_t *lat; /* threads * ops */
    pthread_mutex_t err_mutex;
    bool failed;
    char err_buf[1024];
} mt_shared;

typedef struct mt_thread {
    mt_shared *shared;
    int index;
} mt_thread;

static void *mt_worker(void *arg)
{
    mt_thread *self = arg;
    mt_shared *s = self->shared;
    char err_buf[1024];
    pthread_barrier_wait(&s->start);
    for (int i = 0; i < s->ops; i++) {
        char name[NAME_MAX_LEN];
        lock_name(name, s->o, s->workload, s->rep, self->index, i);
        uint64_t t0 = bench_now_ns();
        ldlm_err err = acquire_release(s->client, name, NULL, false, err_buf,
                                       sizeof err_buf);
        s->lat[(size_t)self->index * (size_t)s->ops + (size_t)i] =
            bench_now_ns() - t0;
        if (err != LDLM_OK) {
            pthread_mutex_lock(&s->err_mutex);
            if (!s->failed)
                snprintf(s->err_buf, sizeof s->err_buf, "%s", err_buf);
            s->failed = true;
            pthread_mutex_unlock(&s->err_mutex);
            break;
        }
    }
    return NULL;
}

/* One round: every thread does `ops` iterations; *wall_ns = its duration. */
static int mt_round(mt_shared *s, int rep, int ops, uint64_t *wall_ns)
{
    int n = s->threads;
    mt_thread *threads = calloc((size_t)n, sizeof(*threads));
    pthread_t *ids = calloc((size_t)n, sizeof(*ids));
    if (threads == NULL || ids == NULL) {
        free(threads);
        free(ids);
        snprintf(s->err_buf, sizeof s->err_buf, "out of memory");
        return -1;
    }
    s->rep = rep;
    s->ops = ops;
    pthread_barrier_init(&s->start, NULL, (unsigned)n + 1);
    for (int t = 0; t < n; t++) {
        threads[t] = (mt_thread){.shared = s, .index = t};
        if (pthread_create(&ids[t], NULL, mt_worker, &threads[t]) != 0) {
            /* The others wait at the barrier for good: give up at once. */
            fprintf(stderr, "ldlm_bench: pthread_create failed\n");
            exit(1);
        }
    }
    pthread_barrier_wait(&s->start);
    uint64_t start = bench_now_ns();
    for (int t = 0; t < n; t++)
        pthread_join(ids[t], NULL);
    *wall_ns = bench_now_ns() - start;
    pthread_barrier_destroy(&s->start);
    free(threads);
    free(ids);
    return s->failed ? -1 : 0;
}

static int run_multi_thread(const bench_options *o, const char *workload,
                            int nthreads)
{
    mt_shared s = {.o = o, .workload = workload, .threads = nthreads};
    /* The same total as the --threads run, whatever the thread count. */
    int per_thread =
        (int)(((int64_t)o->threads * o->mt_ops + nthreads - 1) / nthreads);
    pthread_mutex_init(&s.err_mutex, NULL);
    if (open_client(o, workload, &s.client) != 0) {
        pthread_mutex_destroy(&s.err_mutex);
        return -1;
    }
    size_t total = (size_t)nthreads * (size_t)per_thread;
    size_t warm_per_thread = (size_t)o->warmup / (size_t)nthreads;
    if (warm_per_thread < 1)
        warm_per_thread = 1;
    size_t cap = total > warm_per_thread * (size_t)nthreads
                     ? total
                     : warm_per_thread * (size_t)nthreads;
    s.lat = calloc(cap, sizeof(*s.lat));
    int rc = 0;
    uint64_t wall = 0;
    if (s.lat == NULL) {
        snprintf(s.err_buf, sizeof s.err_buf, "out of memory");
        rc = -1;
    }
    if (rc == 0)
        rc = mt_round(&s, -1, (int)warm_per_thread, &wall);
    for (int rep = 0; rc == 0 && rep < o->reps; rep++) {
        double cpu = bench_cpu_seconds();
        rc = mt_round(&s, rep, per_thread, &wall);
        if (rc == 0)
            bench_print_rep_cpu(CLIENT_NAME, workload, rep, total, wall, s.lat,
                                bench_cpu_seconds() - cpu);
    }
    if (rc != 0)
        bench_print_error(CLIENT_NAME, workload, s.err_buf);
    free(s.lat);
    ldlm_client_free(s.client);
    pthread_mutex_destroy(&s.err_mutex);
    return rc;
}

/* ---- connection cost --------------------------------------------------- */

/* New client, first try-lock of a fresh name, close (which releases it). */
static ldlm_err connect_once(const bench_options *o, bool tls,
                             const char *workload, int rep, int i,
                             char *err_buf, size_t err_size)
{
    char name[NAME_MAX_LEN];
    lock_name(name, o, workload, rep, 0, i);
    ldlm_client *client = NULL;
    ldlm_err err = new_client(o, tls, &client);
    if (err != LDLM_OK) {
        describe(err_buf, err_size, "client", err);
        return err;
    }
    ldlm_handle *lock = NULL;
    err = ldlm_try_lock(client, name, NULL, &lock);
    if (err != LDLM_OK)
        describe(err_buf, err_size, "try-lock", err);
    else if (!ldlm_handle_locked(lock)) {
        snprintf(err_buf, err_size, "try-lock of %s: not acquired", name);
        err = LDLM_ERR_NOT_LOCKED;
    }
    ldlm_handle_free(lock);
    ldlm_client_free(client);
    return err;
}

static int run_connect(const bench_options *o, const char *workload, bool tls)
{
    char err_buf[1024];
    if (tls && o->ca_file == NULL) {
        bench_print_error(CLIENT_NAME, workload, "--ca is required");
        return -1;
    }
    uint64_t *lat = calloc((size_t)o->connect_ops, sizeof(*lat));
    if (lat == NULL) {
        bench_print_error(CLIENT_NAME, workload, "out of memory");
        return -1;
    }
    /* Warm-up: library and TLS set-up done once per process, not per
     * connection, stay out of the figures. */
    int warm = o->warmup < 3 ? o->warmup : 3;
    int rc = 0;
    for (int i = 0; rc == 0 && i < warm; i++)
        if (connect_once(o, tls, workload, -1, i, err_buf, sizeof err_buf) !=
            LDLM_OK)
            rc = -1;
    for (int rep = 0; rc == 0 && rep < o->reps; rep++) {
        double cpu = bench_cpu_seconds();
        uint64_t start = bench_now_ns();
        for (int i = 0; rc == 0 && i < o->connect_ops; i++) {
            uint64_t t0 = bench_now_ns();
            if (connect_once(o, tls, workload, rep, i, err_buf,
                             sizeof err_buf) != LDLM_OK)
                rc = -1;
            lat[i] = bench_now_ns() - t0;
        }
        if (rc == 0)
            bench_print_rep_cpu(CLIENT_NAME, workload, rep,
                                (size_t)o->connect_ops, bench_now_ns() - start,
                                lat, bench_cpu_seconds() - cpu);
    }
    if (rc != 0)
        bench_print_error(CLIENT_NAME, workload, err_buf);
    free(lat);
    return rc;
}

/* ---- many locks held by one client -------------------------------------- */

static int run_held(const bench_options *o, const char *workload)
{
    char err_buf[1024];
    ldlm_client *client = NULL;
    if (open_client(o, workload, &client) != 0)
        return -1;
    ldlm_err err;
    ldlm_handle **locks = calloc((size_t)o->held, sizeof(*locks));
    int rc = locks == NULL ? -1 : 0;
    if (locks == NULL)
        snprintf(err_buf, sizeof err_buf, "out of memory");
    ldlm_lock_options opts =
        LDLM_LOCK_OPTIONS(.lock_timeout_seconds = HELD_LOCK_TIMEOUT_S);
    uint64_t start = bench_now_ns();
    for (int i = 0; rc == 0 && i < o->held; i++) {
        char name[NAME_MAX_LEN];
        lock_name(name, o, workload, 0, 0, i);
        if ((err = ldlm_lock(client, name, &opts, &locks[i])) != LDLM_OK) {
            describe(err_buf, sizeof err_buf, "lock", err);
            rc = -1;
        } else if (!ldlm_handle_locked(locks[i])) {
            snprintf(err_buf, sizeof err_buf, "lock of %s: not acquired", name);
            rc = -1;
        }
    }
    double acquire_s = (double)(bench_now_ns() - start) / 1e9;
    double cpu = bench_cpu_seconds();
    if (rc == 0)
        sleep((unsigned)o->hold_seconds);
    cpu = bench_cpu_seconds() - cpu;
    /* Every lock must still be held: the server must unlock each one. */
    for (int i = 0; rc == 0 && i < o->held; i++) {
        if ((err = ldlm_handle_unlock(locks[i])) != LDLM_OK) {
            describe(err_buf, sizeof err_buf, "unlock after the hold", err);
            rc = -1;
        }
    }
    if (rc == 0) {
        printf("held\t%s\t%d\t%d\t%.6f\t%.6f\n", CLIENT_NAME, o->held,
               o->hold_seconds, cpu, acquire_s);
        fflush(stdout);
    } else {
        bench_print_error(CLIENT_NAME, workload, err_buf);
    }
    for (int i = 0; locks != NULL && i < o->held; i++)
        ldlm_handle_free(locks[i]);
    free(locks);
    ldlm_client_free(client);
    return rc;
}

/* ---- main -------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr,
            "usage: ldlm_bench --address HOST:PORT [--ca FILE] [--tag T] "
            "[--run ID]\n"
            "                  [--reps R] [--warmup N] [--ops N] "
            "[--threads T] [--mt-ops N]\n"
            "                  [--connect-ops N] [--held N] "
            "[--hold-seconds S] WORKLOAD...\n"
            "workloads: lock_unlock trylock_size8 lock_unlock_mt "
            "lock_unlock_mt64\n"
            "           lock_unlock_mt256 connect_plain connect_tls held\n");
}

/*
 * The options that take a positive count: sets the one named `opt` from
 * `val` (bench_positive_int exits on a bad value); false if `opt` is none.
 */
static bool set_count(bench_options *o, const char *opt, const char *val)
{
    const struct {
        const char *name;
        int *value;
    } counts[] = {
        {"--reps", &o->reps},     {"--warmup", &o->warmup},
        {"--ops", &o->ops},       {"--threads", &o->threads},
        {"--mt-ops", &o->mt_ops}, {"--connect-ops", &o->connect_ops},
        {"--held", &o->held},     {"--hold-seconds", &o->hold_seconds},
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        if (strcmp(opt, counts[i].name) == 0) {
            *counts[i].value = bench_positive_int(opt, val);
            return true;
        }
    }
    return false;
}

/* gRPC's own messages go to stderr, errors only: stdout stays results. */
static void log_to_stderr(ldlm_log_level level, const char *message,
                          void *userdata)
{
    (void)level;
    (void)userdata;
    fprintf(stderr, "ldlm_bench: %s\n", message);
}

int main(int argc, char **argv)
{
    bench_options o = {.tag = "L",
                       .reps = 5,
                       .warmup = 100,
                       .ops = 1000,
                       .threads = 16,
                       .mt_ops = 100,
                       .connect_ops = 20,
                       .held = 1000,
                       .hold_seconds = 60};
    snprintf(o.run, sizeof o.run, "%ld", (long)getpid());
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *opt = argv[i];
        if (i + 1 >= argc) {
            usage();
            return 2;
        }
        const char *val = argv[++i];
        if (strcmp(opt, "--address") == 0)
            o.address = val;
        else if (strcmp(opt, "--ca") == 0)
            o.ca_file = val;
        else if (strcmp(opt, "--tag") == 0)
            o.tag = val;
        else if (strcmp(opt, "--run") == 0)
            snprintf(o.run, sizeof o.run, "%s", val);
        else if (!set_count(&o, opt, val)) {
            usage();
            return 2;
        }
    }
    if (o.address == NULL || i == argc) {
        usage();
        return 2;
    }
    ldlm_set_log_handler(log_to_stderr, LDLM_LOG_ERROR, NULL);

    int failures = 0;
    for (; i < argc; i++) {
        const char *w = argv[i];
        int rc;
        if (strcmp(w, "lock_unlock") == 0)
            rc = run_single_thread(&o, w, iterate_lock_unlock);
        else if (strcmp(w, "trylock_size8") == 0)
            rc = run_single_thread(&o, w, iterate_trylock_size8);
        else if (strcmp(w, "lock_unlock_mt") == 0)
            rc = run_multi_thread(&o, w, o.threads);
        else if (strcmp(w, "lock_unlock_mt64") == 0)
            rc = run_multi_thread(&o, w, 64);
        else if (strcmp(w, "lock_unlock_mt256") == 0)
            rc = run_multi_thread(&o, w, 256);
        else if (strcmp(w, "held") == 0)
            rc = run_held(&o, w);
        else if (strcmp(w, "connect_plain") == 0)
            rc = run_connect(&o, w, false);
        else if (strcmp(w, "connect_tls") == 0)
            rc = run_connect(&o, w, true);
        else {
            fprintf(stderr, "ldlm_bench: unknown workload '%s'\n", w);
            usage();
            return 2;
        }
        if (rc != 0)
            failures++;
    }
    return failures == 0 ? 0 : 1;
}
