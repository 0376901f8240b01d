/* SPDX-License-Identifier: MIT */
/*
 * fault_client.c - a lock holder for the fault tests (tests/faults), which
 * records on CLOCK_MONOTONIC every interval during which it believed it
 * held a lock, for check.py to look for two holders at once.
 *
 * Two modes.
 *
 * --mode lib: a libldlm client that loops for ever (until SIGTERM): takes
 * the lock with ldlm_lock, holds it a random time, unlocks it. While it
 * holds it, it "uses" it in steps: before each step it checks that it
 * still believes it holds it (no lost-lock callback came, and
 * ldlm_handle_locked is true), exactly as an application must. The
 * interval recorded runs from ldlm_lock returning to the check that found
 * the lock gone (the moment the holder learnt it), or to the last check
 * before it unlocked. SIGUSR1 makes its next hold a "lock timeout
 * expiring" fault: taken from a client with no_auto_renew and held past
 * its timeout, so that the library must report it lost in time.
 *
 * --mode cmd: the command of `ldlm run` (LDLM_LOCK_NAME/KEY in its
 * environment): it uses the lock in steps for a given time and records its
 * interval, ending when it finishes or when it receives SIGTERM (ldlm's
 * way to tell it that the lock was lost), whichever comes first.
 *
 * Record lines, one write(2) each (the file is opened O_APPEND), times in
 * microseconds of CLOCK_MONOTONIC:
 *   hold ID PID NAME SIZE T_ACQUIRED T_LAST_OK T_END HOW DETAIL
 *     HOW: released | lost-callback | lost-check | terminated | expired
 *     (lost-* and terminated are losses; T_END is when the holder learnt)
 *   lost ID PID NAME T_CALLBACK REASON     (lost-lock callback calls)
 *   fault expiry ID T_START T_END          (a lock-timeout fault's hold)
 *   fail ID PID T ERROR                    (ldlm_lock failures)
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ldlm.h>

static int out_fd = -1;
/* --status-fd: '1' written when a hold begins, '0' when it ends, for the
 * harness to inject a fault while this client holds the lock. */
static int status_fd = -1;

static void status(char c)
{
    if (status_fd >= 0) {
        ssize_t ignored = write(status_fd, &c, 1);
        (void)ignored;
    }
}
static const char *client_id = "?";
static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t expiry_requested;

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* One line, one write: lines of concurrent writers never interleave. */
static void record(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void record(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof line - 2)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    ssize_t ignored = write(out_fd, line, (size_t)n);
    (void)ignored;
}

/* A small seeded generator (xorshift64*): runs are reproducible. */
static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static int rng_between(int lo, int hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int)(rng_next() % (uint64_t)(hi - lo + 1));
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !stop_requested)
        ;
}

/* Words in the record must not contain blanks. */
static void squash(char *s)
{
    for (; *s; s++)
        if (*s == ' ' || *s == '\t' || *s == '\n')
            *s = '_';
}

/* ---- lib mode ------------------------------------------------------------ */

/* The hold the lost-lock callback must flag (set by the main thread). */
static _Atomic(ldlm_handle *) current;
static atomic_bool lost_flag;

static void on_lost(ldlm_handle *lock, ldlm_err reason, void *userdata)
{
    (void)userdata;
    /* The callback runs on the library's thread; it only flags and
     * records: the holder learns it at its next check. */
    if (atomic_load(&current) == lock)
        atomic_store(&lost_flag, true);
    record("lost %s %ld %s %lld %s", client_id, (long)getpid(),
           ldlm_handle_name(lock), (long long)now_us(), ldlm_err_name(reason));
}

static void on_signal(int signo)
{
    if (signo == SIGUSR1)
        expiry_requested = 1;
    else
        stop_requested = 1;
}

typedef struct {
    const char *address;
    const char *name;
    int size;
    int lock_timeout;
    int hold_min, hold_max, step, pause_max;
    /* This share (percent) of the holds lasts long_min..long_max ms: long
     * enough to live through an outage, which short holds would end in. */
    int long_percent, long_min, long_max;
    int wait;
} lib_options;

static ldlm_client *make_client(const lib_options *o, bool no_renew)
{
    ldlm_config cfg =
        LDLM_CONFIG(.address = o->address, .call_timeout_ms = 15000,
                    .no_auto_renew = no_renew, .lost_lock_callback = on_lost);
    ldlm_client *client = NULL;
    ldlm_err err = ldlm_client_new(&cfg, &client);
    if (err != LDLM_OK) {
        fprintf(stderr, "fault_client: %s: %s\n", ldlm_strerror(err),
                ldlm_last_error_message());
        exit(2);
    }
    return client;
}

/* One acquisition, use and release (or loss); false if it did not get the
 * lock. */
static bool hold_once(ldlm_client *client, const lib_options *o, bool expiry)
{
    int timeout = o->lock_timeout;
    if (expiry && timeout == 0)
        timeout = 2; /* no_auto_renew and no timeout would never expire */
    ldlm_lock_options lo =
        LDLM_LOCK_OPTIONS(.lock_timeout_seconds = timeout,
                          .wait_timeout_seconds = o->wait, .size = o->size);
    ldlm_handle *lock = NULL;
    ldlm_err err = ldlm_lock(client, o->name, &lo, &lock);
    int64_t acquired = now_us();
    if (err != LDLM_OK || !ldlm_handle_locked(lock)) {
        if (err != LDLM_ERR_LOCK_WAIT_TIMEOUT)
            record("fail %s %ld %lld %s", client_id, (long)getpid(),
                   (long long)acquired, ldlm_err_name(err));
        /* Taken, but no longer held by the time ldlm_lock returned (the
         * holder was frozen in the call, say): the library gives the key
         * back to the server when asked to unlock what it does not hold. */
        if (err == LDLM_OK)
            (void)ldlm_handle_unlock(lock);
        ldlm_handle_free(lock);
        /* Pacing after a failure (the server may be down): not a sync. */
        if (err != LDLM_ERR_LOCK_WAIT_TIMEOUT && err != LDLM_OK)
            sleep_ms(rng_between(100, 300));
        return false;
    }
    atomic_store(&lost_flag, false);
    atomic_store(&current, lock);
    status('1');
    /* The callback may have run before `current` was set. */
    int hold = rng_between(1, 100) <= o->long_percent
                   ? rng_between(o->long_min, o->long_max)
                   : rng_between(o->hold_min, o->hold_max);
    if (expiry)
        hold = timeout * 1000 + 2000;
    int64_t until = acquired + (int64_t)hold * 1000;
    int64_t last_ok = acquired;
    const char *how = "released";
    int64_t end;
    for (;;) {
        /* The check before each use. */
        int64_t t = now_us();
        if (atomic_load(&lost_flag)) {
            end = t;
            how = "lost-callback";
            break;
        }
        if (!ldlm_handle_locked(lock)) {
            end = t;
            how = "lost-check";
            break;
        }
        if (t >= until || stop_requested) {
            end = t;
            break;
        }
        last_ok = t;
        sleep_ms(o->step); /* the use */
    }
    atomic_store(&current, NULL);
    status('0');
    char detail[128] = "-";
    if (strcmp(how, "released") == 0) {
        err = ldlm_handle_unlock(lock);
        if (err != LDLM_OK)
            snprintf(detail, sizeof detail, "unlock:%s", ldlm_err_name(err));
    }
    squash(detail);
    record("hold %s %ld %s %d %lld %lld %lld %s %s", client_id, (long)getpid(),
           o->name, o->size > 0 ? o->size : 1, (long long)acquired,
           (long long)last_ok, (long long)end, how, detail);
    if (expiry)
        record("fault expiry %s %lld %lld", client_id, (long long)acquired,
               (long long)(acquired + (int64_t)timeout * 1000000));
    ldlm_handle_free(lock);
    sleep_ms(rng_between(0, o->pause_max)); /* let others in */
    return true;
}

static int run_lib(const lib_options *o)
{
    ldlm_client *client = make_client(o, false);
    ldlm_client *no_renew = make_client(o, true);
    while (!stop_requested) {
        bool expiry = expiry_requested;
        expiry_requested = 0;
        /* The fault is the next hold that happens: kept until one does. */
        if (!hold_once(expiry ? no_renew : client, o, expiry) && expiry)
            expiry_requested = 1;
    }
    ldlm_client_free(no_renew);
    ldlm_client_free(client);
    return 0;
}

/* ---- cmd mode -------------------------------------------------------------- */

static const char *cmd_name = "?";
static int cmd_size = 1;
static int64_t cmd_start;
static volatile int64_t cmd_last_step;

/* Writes the record from the handler: only async-signal-safe calls
 * (clock_gettime, snprintf of integers into a local buffer is not listed as
 * safe, so the digits are made by hand). */
static size_t put_text(char *b, size_t at, size_t cap, const char *s)
{
    while (*s && at < cap)
        b[at++] = *s++;
    return at;
}

static size_t put_num(char *b, size_t at, size_t cap, int64_t v)
{
    char digits[24];
    int n = 0;
    if (v < 0) {
        if (at < cap)
            b[at++] = '-';
        v = -v;
    }
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v && n < (int)sizeof digits);
    while (n && at < cap)
        b[at++] = digits[--n];
    return at;
}

static void cmd_record(int64_t end, const char *how)
{
    char b[512];
    size_t cap = sizeof b - 1, at = 0;
    at = put_text(b, at, cap, "hold ");
    at = put_text(b, at, cap, client_id);
    at = put_text(b, at, cap, " ");
    at = put_num(b, at, cap, getpid());
    at = put_text(b, at, cap, " ");
    at = put_text(b, at, cap, cmd_name);
    at = put_text(b, at, cap, " ");
    at = put_num(b, at, cap, cmd_size);
    at = put_text(b, at, cap, " ");
    at = put_num(b, at, cap, cmd_start);
    at = put_text(b, at, cap, " ");
    at = put_num(b, at, cap, cmd_last_step);
    at = put_text(b, at, cap, " ");
    at = put_num(b, at, cap, end);
    at = put_text(b, at, cap, " ");
    at = put_text(b, at, cap, how);
    at = put_text(b, at, cap, " -\n");
    ssize_t ignored = write(out_fd, b, at);
    (void)ignored;
}

static void on_term(int signo)
{
    (void)signo;
    cmd_record(now_us(), "terminated");
    _exit(143);
}

static int run_cmd(int hold_ms, int step)
{
    cmd_start = now_us();
    cmd_last_step = cmd_start;
    const char *name = getenv("LDLM_LOCK_NAME");
    if (name)
        cmd_name = name; /* lock names of the tests have no blanks */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigfillset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    int64_t until = cmd_start + (int64_t)hold_ms * 1000;
    for (;;) {
        int64_t t = now_us();
        if (t >= until)
            break;
        cmd_last_step = t;
        sleep_ms(step); /* the use: nothing to check, ldlm watches */
    }
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, NULL);
    cmd_record(now_us(), "released");
    return 0;
}

/* ---- main ---------------------------------------------------------------- */

static int usage(void)
{
    fputs("usage: fault_client --mode lib --address A --name N --out FILE "
          "--id ID [--size N] [--lock-timeout S] [--hold MIN:MAX] "
          "[--long PERCENT:MIN:MAX] [--step MS] [--pause MS] [--wait S] "
          "[--seed N] [--status-fd FD]\n"
          "       fault_client --mode cmd --out FILE --id ID --hold MS "
          "[--size N] [--step MS]\n",
          stderr);
    return 64;
}

int main(int argc, char **argv)
{
    lib_options o = {.hold_min = 50,
                     .hold_max = 400,
                     .step = 10,
                     .pause_max = 30,
                     .wait = 5};
    const char *mode = NULL, *out = NULL, *hold = NULL;
    uint64_t seed = 1;
    static const struct option longopts[] = {
        {"mode", required_argument, NULL, 'm'},
        {"address", required_argument, NULL, 'a'},
        {"name", required_argument, NULL, 'n'},
        {"size", required_argument, NULL, 's'},
        {"lock-timeout", required_argument, NULL, 't'},
        {"hold", required_argument, NULL, 'h'},
        {"long", required_argument, NULL, 'l'},
        {"step", required_argument, NULL, 'S'},
        {"pause", required_argument, NULL, 'p'},
        {"wait", required_argument, NULL, 'w'},
        {"seed", required_argument, NULL, 'r'},
        {"out", required_argument, NULL, 'o'},
        {"id", required_argument, NULL, 'i'},
        {"status-fd", required_argument, NULL, 'F'},
        {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'm':
            mode = optarg;
            break;
        case 'a':
            o.address = optarg;
            break;
        case 'n':
            o.name = optarg;
            break;
        case 's':
            o.size = atoi(optarg);
            break;
        case 't':
            o.lock_timeout = atoi(optarg);
            break;
        case 'h':
            hold = optarg;
            break;
        case 'l':
            if (sscanf(optarg, "%d:%d:%d", &o.long_percent, &o.long_min,
                       &o.long_max) != 3)
                return usage();
            break;
        case 'S':
            o.step = atoi(optarg);
            break;
        case 'p':
            o.pause_max = atoi(optarg);
            break;
        case 'w':
            o.wait = atoi(optarg);
            break;
        case 'r':
            seed = strtoull(optarg, NULL, 10);
            break;
        case 'o':
            out = optarg;
            break;
        case 'i':
            client_id = optarg;
            break;
        case 'F':
            status_fd = atoi(optarg);
            break;
        default:
            return usage();
        }
    }
    if (!mode || !out)
        return usage();
    out_fd = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out_fd < 0) {
        fprintf(stderr, "fault_client: %s: %s\n", out, strerror(errno));
        return 2;
    }
    rng_state ^= seed * 0x9E3779B97F4A7C15ULL;
    if (rng_state == 0)
        rng_state = 1;

    if (strcmp(mode, "cmd") == 0) {
        cmd_size = o.size > 0 ? o.size : 1;
        return run_cmd(hold ? atoi(hold) : 200, o.step);
    }
    if (strcmp(mode, "lib") != 0 || !o.address || !o.name)
        return usage();
    if (hold && sscanf(hold, "%d:%d", &o.hold_min, &o.hold_max) != 2)
        return usage();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    return run_lib(&o);
}
