/* SPDX-License-Identifier: MIT */
/*
 * resource_limit.c - resource limiting: at most N users of a scarce
 * resource at once, across every process and host.
 *
 * A lock of size N is a counting semaphore held by the server: N holders
 * at once, the next one waits in ldlm_lock() until a holder unlocks (or
 * its process dies: the server frees the slot of a closed connection).
 * Wrap each use of the resource (a GPU, a licence, a database that takes
 * few connections, a rate-limited API) in one lock and unlock.
 *
 * Every user of the lock must ask for the same size while the lock exists;
 * a different one is refused with LDLM_ERR_LOCK_SIZE_MISMATCH.
 *
 * Usage: resource_limit [-l LOCK] [-n SIZE] [-u MS] [-c COUNT] [-w SECONDS]
 *                       SERVER WORKER
 *
 * Each use prints two lines on standard output, with the time from
 * CLOCK_MONOTONIC in nanoseconds, so that the lines of several processes
 * on one host can be merged and sorted to check the bound:
 *
 *   WORKER enter NS     right after the slot was granted
 *   WORKER leave NS     right before the slot is given back
 *
 * Exit status 0 on success, 1 on errors (including a wait that timed out
 * or a slot lost during a use), 2 on usage errors.
 *
 * Build: cc -std=c11 resource_limit.c $(pkg-config --cflags --libs libldlm)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ldlm.h>

#define DEFAULT_LOCK "scarce-resource"
#define DEFAULT_SIZE 2
#define DEFAULT_USE_MS 500
#define DEFAULT_COUNT 1
/* Long enough for any use; renewed in the background while in use. */
#define LOCK_TIMEOUT 30

static const char *progname = "resource_limit";
static const char *worker;

static void usage(FILE *out)
{
    fprintf(
        out,
        "Usage: %s [-l LOCK] [-n SIZE] [-u MS] [-c COUNT] [-w SECONDS] "
        "SERVER WORKER\n"
        "Resource limiting: use a resource COUNT times, each time for MS\n"
        "milliseconds while holding one of the SIZE slots of LOCK.\n"
        "  -l LOCK     the lock guarding the resource (default " DEFAULT_LOCK
        ")\n"
        "  -n SIZE     users allowed at once (default %d); every user of\n"
        "              LOCK must give the same SIZE\n"
        "  -u MS       how long one use takes (default %d ms)\n"
        "  -c COUNT    how many uses (default %d)\n"
        "  -w SECONDS  give up when no slot is free within SECONDS\n"
        "              (default: wait as long as it takes)\n",
        progname, DEFAULT_SIZE, DEFAULT_USE_MS, DEFAULT_COUNT);
}

/* Reports a libldlm error; call it right after the failing call, since the
 * detail message is only valid until the thread's next ldlm_* call. */
static void report(const char *what, ldlm_err err)
{
    const char *detail = ldlm_last_error_message();
    fprintf(stderr, "%s: %s: %s: %s%s%s\n", progname, worker, what,
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

/* CLOCK_MONOTONIC is one clock for every process of a host (not across
 * hosts), which is what lets a test merge the lines of many processes. */
static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The use of the resource; a real program would run its job here. */
static void use_resource(int use_ms)
{
    struct timespec ts = {.tv_sec = use_ms / 1000,
                          .tv_nsec = (long)(use_ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int main(int argc, char **argv)
{
    const char *lock_name = DEFAULT_LOCK;
    int size = DEFAULT_SIZE, use_ms = DEFAULT_USE_MS, count = DEFAULT_COUNT;
    int wait_seconds = 0;

    if (argc > 0 && argv[0][0] != '\0') {
        const char *slash = strrchr(argv[0], '/');
        progname = slash ? slash + 1 : argv[0];
    }
    int opt;
    while ((opt = getopt(argc, argv, "hl:n:u:c:w:")) != -1) {
        int *target = NULL, min = 1, max = 0;
        const char *what = NULL;
        switch (opt) {
        case 'l':
            lock_name = optarg;
            continue;
        case 'n':
            target = &size, max = 1000000, what = "a size from 1";
            break;
        case 'u':
            target = &use_ms, min = 0, max = 3600 * 1000,
            what = "a number of milliseconds from 0";
            break;
        case 'c':
            target = &count, max = 1000000, what = "a count from 1";
            break;
        case 'w':
            target = &wait_seconds, max = 24 * 3600,
            what = "a number of seconds from 1";
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
        if (!parse_int(optarg, min, max, target)) {
            fprintf(stderr, "%s: -%c: not %s to %d: %s\n", progname, opt, what,
                    max, optarg);
            return 2;
        }
    }
    if (argc - optind != 2) {
        usage(stderr);
        return 2;
    }
    const char *server = argv[optind];
    worker = argv[optind + 1];

    /* Line-buffered even into a file or pipe: each line is an event. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    ldlm_config config = LDLM_CONFIG(.address = server);
    ldlm_client *client;
    ldlm_err err = ldlm_client_new(&config, &client);
    if (err != LDLM_OK) {
        report("connecting", err);
        return 1;
    }

    /*
     * .size makes the lock a semaphore of SIZE slots. The lock timeout
     * frees the slot of a host that vanished without closing its
     * connection; libldlm renews it while the slot is in use. A wait
     * timeout of 0 means "not set": wait as long as it takes.
     */
    ldlm_lock_options opts =
        LDLM_LOCK_OPTIONS(.size = size, .lock_timeout_seconds = LOCK_TIMEOUT,
                          .wait_timeout_seconds = wait_seconds);
    int status = 0;
    for (int i = 0; i < count && status == 0; i++) {
        ldlm_handle *slot;
        err = ldlm_lock(client, lock_name, &opts, &slot);
        if (err == LDLM_ERR_LOCK_WAIT_TIMEOUT) {
            fprintf(stderr, "%s: %s: no slot of %s free within %d s\n",
                    progname, worker, lock_name, wait_seconds);
            status = 1;
            break;
        }
        if (err != LDLM_OK) {
            report("waiting for a slot", err);
            status = 1;
            break;
        }

        /* Stamp "enter" only once granted and "leave" before the unlock,
         * so each use's interval lies inside the time it held the slot. */
        printf("%s enter %lld\n", worker, now_ns());
        use_resource(use_ms);
        printf("%s leave %lld\n", worker, now_ns());

        if (!ldlm_handle_locked(slot)) {
            /* Lost mid-use (freed by its key, a server restart): someone
             * else may have had the slot, so the bound may have been
             * broken. Report it; a real job might roll back here. */
            fprintf(stderr, "%s: %s: lost the slot of %s during a use\n",
                    progname, worker, lock_name);
            status = 1;
        } else {
            err = ldlm_handle_unlock(slot);
            if (err != LDLM_OK) {
                report("giving the slot back", err);
                status = 1;
            }
        }
        ldlm_handle_free(slot);
    }

    ldlm_client_free(client);
    return status;
}
