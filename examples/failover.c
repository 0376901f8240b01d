/* SPDX-License-Identifier: MIT */
/*
 * failover.c - primary/secondary failover with one LDLM lock.
 *
 * Start this program several times, on one host or many. Every instance
 * asks for the same lock ("application-primary") and blocks until the
 * server gives it to it. The holder is the primary and does the primary's
 * work for as long as it holds the lock; the others wait in the server's
 * queue as hot standbys. When the primary exits, crashes or its host goes
 * away, the server frees the lock (at once for a closed connection, after
 * the lock timeout for a host that vanished without closing it) and hands
 * it to one of the waiting instances, which takes over. No election, no
 * heartbeats between the instances: the lock server is the referee.
 *
 * A primary can also lose the lock while it runs: an operator released it
 * by its key (`ldlm unlock application-primary KEY`), or the server
 * restarted without a state file and forgot it. libldlm finds out at its
 * next background renewal and calls the lost-lock callback; the instance
 * then stops the primary's work and queues up again.
 *
 * Caveat (true of every lease-based election): between the moment the
 * server frees a lock by someone else's hand and the moment the old holder
 * learns it, two instances may both believe they are primary. The window
 * is at most about half the lock timeout (libldlm renews at half of it),
 * so keep the lock timeout short, and make the primary's work safe to
 * overlap briefly (idempotent, or fenced by the key it printed).
 *
 * Usage: failover [-l LOCK] [-t LOCK_TIMEOUT] SERVER INSTANCE SECONDS
 *
 *   SERVER     the LDLM server, host:port
 *   INSTANCE   this instance's name, for the output
 *   SECONDS    how much primary work there is to do; once done the instance
 *              steps down and exits (0: work until stopped)
 *
 * One line on standard output per event, for people and tests to follow:
 *
 *   INSTANCE waiting for primary
 *   INSTANCE is primary (key KEY)
 *   INSTANCE working N          every second while primary
 *   INSTANCE lost primary       the lock was lost; waiting again follows
 *   INSTANCE stepping down      work done or a signal; printed before the
 *                               lock is released
 *   INSTANCE exiting
 *
 * SIGINT, SIGTERM and SIGHUP make an instance step down (or stop waiting)
 * and exit 0. Exit status 1 on errors, 2 on usage errors.
 *
 * Build: cc -std=c11 -pthread failover.c $(pkg-config --cflags --libs libldlm)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ldlm.h>

#define DEFAULT_LOCK "application-primary"
#define DEFAULT_LOCK_TIMEOUT 10

static const char *progname = "failover";
static const char *instance;

/*
 * State shared by the main thread, the signal thread and libldlm's
 * lost-lock callback. The mutex makes "is the main thread blocked in
 * ldlm_lock?" and "a signal arrived" one consistent pair (see
 * signal_thread).
 */
static struct {
    pthread_mutex_t mutex;
    ldlm_client *client;
    bool stop;    /* a signal asked us to exit */
    bool waiting; /* the main thread is (about to be) in ldlm_lock */
    bool quit;    /* main is done: the signal thread must return */
    int wake[2];  /* self-pipe that wakes the main thread's poll() */
} shared = {.mutex = PTHREAD_MUTEX_INITIALIZER, .wake = {-1, -1}};

static void usage(FILE *out)
{
    fprintf(
        out,
        "Usage: %s [-l LOCK] [-t LOCK_TIMEOUT] SERVER INSTANCE SECONDS\n"
        "Primary/secondary failover: the instance holding the lock LOCK\n"
        "(default " DEFAULT_LOCK ") is the primary and works for SECONDS\n"
        "seconds (0: until stopped), then steps down; the others wait.\n"
        "  -l LOCK          the lock that makes an instance primary\n"
        "  -t LOCK_TIMEOUT  seconds the server keeps the lock of an\n"
        "                   instance that stopped renewing it (default %d)\n",
        progname, DEFAULT_LOCK_TIMEOUT);
}

/* Reports a libldlm error; call it right after the failing call, since the
 * detail message is only valid until the thread's next ldlm_* call. */
static void report(const char *what, ldlm_err err)
{
    const char *detail = ldlm_last_error_message();
    fprintf(stderr, "%s: %s: %s: %s%s%s\n", progname, instance, what,
            ldlm_strerror(err), *detail ? ": " : "", detail);
}

static bool parse_int(const char *text, int min, int max, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
        return false;
    *out = (int)v;
    return true;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Any thread: wake the main thread. A full pipe already means "wake up". */
static void wake_main(void)
{
    ssize_t n = write(shared.wake[1], "x", 1);
    (void)n;
}

static bool stop_requested(void)
{
    pthread_mutex_lock(&shared.mutex);
    bool stop = shared.stop;
    pthread_mutex_unlock(&shared.mutex);
    return stop;
}

/*
 * libldlm's background thread calls this when the lock is gone. It must
 * not free the handle; it only says why and wakes the main thread, which
 * sees ldlm_handle_locked() turn false and stops working.
 */
static void on_lock_lost(ldlm_handle *lock, ldlm_err reason, void *userdata)
{
    (void)userdata;
    fprintf(stderr, "%s: %s: lost the lock %s: %s\n", progname, instance,
            ldlm_handle_name(lock), ldlm_strerror(reason));
    wake_main();
}

/*
 * Signals are handled by this thread with sigwait() rather than by a
 * signal handler, because stopping a waiting instance means calling
 * ldlm_client_cancel() to abort its blocked ldlm_lock(), and no libldlm
 * function is async-signal-safe. A primary is not cancelled: cancelling
 * would also forbid its ldlm_handle_unlock(), and a prompt unlock is what
 * lets a standby take over at once.
 */
static void *signal_thread(void *arg)
{
    const sigset_t *set = arg;
    for (;;) {
        int sig;
        if (sigwait(set, &sig) != 0)
            continue;
        pthread_mutex_lock(&shared.mutex);
        if (shared.quit) {
            pthread_mutex_unlock(&shared.mutex);
            return NULL;
        }
        shared.stop = true;
        if (shared.waiting)
            ldlm_client_cancel(shared.client);
        pthread_mutex_unlock(&shared.mutex);
        wake_main();
    }
}

enum work_outcome { WORK_DONE, WORK_STOPPED, WORK_LOST, WORK_ERROR };

/*
 * The primary's work: here, a line every second. It runs until the work is
 * done (*remaining_ms reaches 0; -1 means endless), a signal arrives, or
 * the lock is lost. Waiting in poll() on the self-pipe rather than in
 * sleep() is what lets a loss or a signal end the work at once.
 */
static enum work_outcome work_while_primary(ldlm_handle *lock,
                                            int64_t *remaining_ms, int *ticks)
{
    int64_t last = now_ms();
    int64_t next_tick = last + 1000;
    for (;;) {
        if (stop_requested())
            return WORK_STOPPED;
        if (!ldlm_handle_locked(lock))
            return WORK_LOST;
        if (*remaining_ms == 0)
            return WORK_DONE;

        int64_t now = now_ms();
        int64_t timeout = next_tick > now ? next_tick - now : 0;
        if (*remaining_ms > 0 && *remaining_ms < timeout)
            timeout = *remaining_ms;
        struct pollfd pfd = {.fd = shared.wake[0], .events = POLLIN};
        if (poll(&pfd, 1, (int)timeout) < 0 && errno != EINTR) {
            fprintf(stderr, "%s: %s: poll: %s\n", progname, instance,
                    strerror(errno));
            return WORK_ERROR;
        }
        char drain[64];
        while (read(shared.wake[0], drain, sizeof drain) > 0)
            ;

        now = now_ms();
        if (*remaining_ms > 0) {
            *remaining_ms -= now - last;
            if (*remaining_ms < 0)
                *remaining_ms = 0;
        }
        last = now;
        /* Re-check before working: the wake-up may have been the loss. */
        if (stop_requested() || !ldlm_handle_locked(lock))
            continue;
        if (now >= next_tick) {
            printf("%s working %d\n", instance, ++*ticks);
            next_tick += 1000;
        }
    }
}

/* Waits for the lock, works while holding it, and waits again after a
 * loss. Returns the exit status. */
static int run(ldlm_client *client, const char *lock_name, int lock_timeout,
               int seconds)
{
    /*
     * A lock timeout makes the server free the lock of a host that vanished
     * without closing its connection, and it is also how fast a loss is
     * noticed: libldlm renews (and so checks) the lock at half of it.
     * No wait timeout: a standby waits as long as it takes.
     */
    ldlm_lock_options opts =
        LDLM_LOCK_OPTIONS(.lock_timeout_seconds = lock_timeout);
    int64_t remaining_ms = seconds > 0 ? (int64_t)seconds * 1000 : -1;
    int ticks = 0;

    for (;;) {
        pthread_mutex_lock(&shared.mutex);
        if (shared.stop) {
            pthread_mutex_unlock(&shared.mutex);
            return 0;
        }
        shared.waiting = true;
        pthread_mutex_unlock(&shared.mutex);

        printf("%s waiting for primary\n", instance);
        ldlm_handle *lock = NULL;
        ldlm_err err = ldlm_lock(client, lock_name, &opts, &lock);

        pthread_mutex_lock(&shared.mutex);
        shared.waiting = false;
        bool stop = shared.stop;
        pthread_mutex_unlock(&shared.mutex);

        if (err == LDLM_ERR_CANCELLED && stop)
            return 0; /* a signal while waiting: nothing to give back */
        if (err != LDLM_OK) {
            report("waiting for the lock", err);
            return 1;
        }

        char *key = ldlm_handle_key(lock);
        printf("%s is primary (key %s)\n", instance, key ? key : "?");
        free(key);

        enum work_outcome outcome =
            work_while_primary(lock, &remaining_ms, &ticks);
        if (outcome == WORK_LOST) {
            /* Someone else may be primary already: stop, then queue up. */
            printf("%s lost primary\n", instance);
            ldlm_handle_free(lock);
            continue;
        }

        /* Say so before releasing: once released, another instance may
         * print "is primary" at any moment. */
        printf("%s stepping down\n", instance);
        int status = outcome == WORK_ERROR ? 1 : 0;
        err = ldlm_handle_unlock(lock);
        if (err == LDLM_ERR_CANCELLED || err == LDLM_ERR_NOT_LOCKED) {
            /* A signal cancelled the client just as the lock was granted,
             * or the lock was lost meanwhile: freeing the client (its
             * connection) releases whatever is left. */
        } else if (err != LDLM_OK) {
            report("releasing the lock", err);
            status = 1;
        }
        ldlm_handle_free(lock);
        return status;
    }
}

int main(int argc, char **argv)
{
    const char *lock_name = DEFAULT_LOCK;
    int lock_timeout = DEFAULT_LOCK_TIMEOUT;
    int seconds;

    if (argc > 0 && argv[0][0] != '\0') {
        const char *slash = strrchr(argv[0], '/');
        progname = slash ? slash + 1 : argv[0];
    }
    int opt;
    while ((opt = getopt(argc, argv, "hl:t:")) != -1) {
        switch (opt) {
        case 'l':
            lock_name = optarg;
            break;
        case 't':
            if (!parse_int(optarg, 1, 24 * 3600, &lock_timeout)) {
                fprintf(stderr,
                        "%s: -t: not a number of seconds from 1 to "
                        "86400: %s\n",
                        progname, optarg);
                return 2;
            }
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (argc - optind != 3) {
        usage(stderr);
        return 2;
    }
    const char *server = argv[optind];
    instance = argv[optind + 1];
    if (*instance == '\0') {
        fprintf(stderr, "%s: the instance name is empty\n", progname);
        return 2;
    }
    if (!parse_int(argv[optind + 2], 0, INT_MAX / 1000, &seconds)) {
        fprintf(stderr, "%s: SECONDS: not a number of seconds: %s\n", progname,
                argv[optind + 2]);
        return 2;
    }

    /* Line-buffered even into a file or pipe: the lines are events that
     * others follow as they happen. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    /*
     * Block the stop signals before any thread exists, so that every
     * thread, gRPC's included, inherits the mask and only sigwait() in
     * signal_thread ever receives them.
     */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGHUP);
    int rc = pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    if (rc != 0) {
        fprintf(stderr, "%s: pthread_sigmask: %s\n", progname, strerror(rc));
        return 1;
    }

    if (pipe(shared.wake) != 0) {
        fprintf(stderr, "%s: pipe: %s\n", progname, strerror(errno));
        return 1;
    }
    for (int i = 0; i < 2; i++) {
        /* Non-blocking: the waker never blocks, the reader drains. */
        fcntl(shared.wake[i], F_SETFL,
              fcntl(shared.wake[i], F_GETFL) | O_NONBLOCK);
        fcntl(shared.wake[i], F_SETFD, FD_CLOEXEC);
    }

    /*
     * Retries ride out a short server outage (a restart): a standby's
     * blocked ldlm_lock() fails with LDLM_ERR_UNAVAILABLE when the
     * connection breaks, and is sent again once a second for 10 s.
     */
    ldlm_config config =
        LDLM_CONFIG(.address = server, .max_retries = 10,
                    .retry_delay_ms = 1000, .lost_lock_callback = on_lock_lost);
    ldlm_client *client;
    ldlm_err err = ldlm_client_new(&config, &client);
    if (err != LDLM_OK) {
        report("connecting", err);
        close(shared.wake[0]);
        close(shared.wake[1]);
        return 1;
    }
    pthread_mutex_lock(&shared.mutex);
    shared.client = client;
    pthread_mutex_unlock(&shared.mutex);

    pthread_t signals;
    rc = pthread_create(&signals, NULL, signal_thread, &stop_signals);
    if (rc != 0) {
        fprintf(stderr, "%s: pthread_create: %s\n", progname, strerror(rc));
        ldlm_client_free(client);
        close(shared.wake[0]);
        close(shared.wake[1]);
        return 1;
    }

    int status = run(client, lock_name, lock_timeout, seconds);
    printf("%s exiting\n", instance);

    /* End the signal thread before freeing the client it may cancel. */
    pthread_mutex_lock(&shared.mutex);
    shared.quit = true;
    pthread_mutex_unlock(&shared.mutex);
    pthread_kill(signals, SIGTERM);
    pthread_join(signals, NULL);

    ldlm_client_free(client);
    close(shared.wake[0]);
    close(shared.wake[1]);
    return status;
}
