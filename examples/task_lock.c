/* SPDX-License-Identifier: MIT */
/*
 * task_lock.c - task locking: several workers share a list of work items,
 * and each item is worked on by one worker at a time.
 *
 * Every worker goes through the same items. For each, it try-locks
 * "task-ITEM": if another worker holds it, that item is in progress
 * elsewhere and this worker moves on at once (no waiting, no
 * coordinator). If it gets the lock it checks whether the item was
 * already done, does it if not, records that it is done, and unlocks.
 *
 * Why the "done" record: a lock only says "someone is working on this
 * right now". Once released, nothing stops a slower worker from taking the
 * same item again, so the result must be recorded somewhere everybody
 * sees (a database row, an object in a bucket; here a file in DONE_DIR),
 * and checked while holding the lock: check, work and record are one
 * critical section. A worker that dies mid-item leaves no record, and the
 * server frees its lock when its connection closes, so a later worker (or
 * the next run) picks the item up again.
 *
 * Usage: task_lock [-p PREFIX] [-w MS] [-t LOCK_TIMEOUT]
 *                  SERVER WORKER DONE_DIR ITEM...
 *
 * One line on standard output per item, for people and tests:
 *
 *   WORKER doing ITEM
 *   WORKER did ITEM
 *   WORKER skipped ITEM (in progress elsewhere)
 *   WORKER skipped ITEM (already done)
 *
 * and a summary: "WORKER finished: D done, S skipped".
 * Exit status 0 if every item went as above, 1 on errors (the other items
 * are still tried unless the server cannot be reached), 2 on usage errors.
 *
 * Build: cc -std=c11 task_lock.c $(pkg-config --cflags --libs libldlm)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ldlm.h>

#define DEFAULT_PREFIX "task-"
#define DEFAULT_WORK_MS 100
#define DEFAULT_LOCK_TIMEOUT 30

static const char *progname = "task_lock";
static const char *worker;

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: %s [-p PREFIX] [-w MS] [-t LOCK_TIMEOUT] SERVER WORKER "
            "DONE_DIR ITEM...\n"
            "Task locking: do each ITEM unless another worker is doing it\n"
            "(lock PREFIX ITEM is busy) or did it (DONE_DIR/ITEM exists).\n"
            "  -p PREFIX        lock name prefix (default \"" DEFAULT_PREFIX
            "\")\n"
            "  -w MS            how long one item takes (default %d ms)\n"
            "  -t LOCK_TIMEOUT  seconds the server keeps an item's lock after\n"
            "                   its worker stopped renewing it (default %d)\n",
            progname, DEFAULT_WORK_MS, DEFAULT_LOCK_TIMEOUT);
}

/* Reports a libldlm error; call it right after the failing call, since the
 * detail message is only valid until the thread's next ldlm_* call. */
static void report(const char *what, const char *item, ldlm_err err)
{
    const char *detail = ldlm_last_error_message();
    fprintf(stderr, "%s: %s: %s %s: %s%s%s\n", progname, worker, what, item,
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

/* Items name files in DONE_DIR, so they must be plain file names. */
static bool valid_item(const char *item)
{
    return *item != '\0' && strchr(item, '/') == NULL &&
           strcmp(item, ".") != 0 && strcmp(item, "..") != 0;
}

/* The work itself; a real worker would process the item here. */
static void do_item(int work_ms)
{
    struct timespec ts = {.tv_sec = work_ms / 1000,
                          .tv_nsec = (long)(work_ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

enum item_result { ITEM_DONE, ITEM_SKIPPED, ITEM_FAILED, ITEM_FATAL };

/* One item: try-lock, check, work, record, unlock. */
static enum item_result process(ldlm_client *client, const char *prefix,
                                const char *done_dir, const char *item,
                                int work_ms, int lock_timeout)
{
    char lock_name[1024], done_path[4096];
    if ((size_t)snprintf(lock_name, sizeof lock_name, "%s%s", prefix, item) >=
            sizeof lock_name ||
        (size_t)snprintf(done_path, sizeof done_path, "%s/%s", done_dir,
                         item) >= sizeof done_path) {
        fprintf(stderr, "%s: %s: item name too long: %s\n", progname, worker,
                item);
        return ITEM_FAILED;
    }

    /*
     * The lock timeout bounds how long the item stays blocked if this
     * worker's host vanishes without closing its connection; libldlm
     * renews the lock in the background while the work runs.
     */
    ldlm_lock_options opts =
        LDLM_LOCK_OPTIONS(.lock_timeout_seconds = lock_timeout);
    ldlm_handle *lock;
    ldlm_err err = ldlm_try_lock(client, lock_name, &opts, &lock);
    if (err != LDLM_OK) {
        report("locking", item, err);
        /* Without the server no item can be done: stop there. */
        return err == LDLM_ERR_UNAVAILABLE || err == LDLM_ERR_DEADLINE ||
                       err == LDLM_ERR_UNAUTHENTICATED
                   ? ITEM_FATAL
                   : ITEM_FAILED;
    }
    /* A busy lock is not an error: the handle says "not locked". */
    if (!ldlm_handle_locked(lock)) {
        printf("%s skipped %s (in progress elsewhere)\n", worker, item);
        ldlm_handle_free(lock);
        return ITEM_SKIPPED;
    }

    enum item_result result = ITEM_DONE;
    if (access(done_path, F_OK) == 0) {
        /* Another worker did it before we got the lock. */
        printf("%s skipped %s (already done)\n", worker, item);
        result = ITEM_SKIPPED;
    } else {
        printf("%s doing %s\n", worker, item);
        do_item(work_ms);
        if (!ldlm_handle_locked(lock)) {
            /*
             * The lock was lost while we worked (freed by its key, or a
             * server restart): another worker may be doing the item now.
             * Leave the record to whoever holds the lock.
             */
            fprintf(stderr,
                    "%s: %s: lost the lock of %s while working on "
                    "it; not recording it as done\n",
                    progname, worker, item);
            ldlm_handle_free(lock);
            return ITEM_FAILED;
        }
        /* O_EXCL: a record that already exists means the item was done
         * twice, which the lock should have prevented; say so loudly. */
        int fd = open(done_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
            fprintf(stderr, "%s: %s: recording %s as done: %s: %s\n", progname,
                    worker, item, done_path, strerror(errno));
            result = ITEM_FAILED;
        } else {
            dprintf(fd, "%s\n", worker);
            if (close(fd) != 0) {
                fprintf(stderr, "%s: %s: %s: %s\n", progname, worker, done_path,
                        strerror(errno));
                result = ITEM_FAILED;
            } else {
                printf("%s did %s\n", worker, item);
            }
        }
    }

    /* Only after the record exists may another worker look at the item. */
    err = ldlm_handle_unlock(lock);
    if (err != LDLM_OK) {
        report("unlocking", item, err);
        result = ITEM_FAILED;
    }
    ldlm_handle_free(lock);
    return result;
}

int main(int argc, char **argv)
{
    const char *prefix = DEFAULT_PREFIX;
    int work_ms = DEFAULT_WORK_MS;
    int lock_timeout = DEFAULT_LOCK_TIMEOUT;

    if (argc > 0 && argv[0][0] != '\0') {
        const char *slash = strrchr(argv[0], '/');
        progname = slash ? slash + 1 : argv[0];
    }
    int opt;
    while ((opt = getopt(argc, argv, "hp:w:t:")) != -1) {
        switch (opt) {
        case 'p':
            prefix = optarg;
            break;
        case 'w':
            if (!parse_int(optarg, 0, 3600 * 1000, &work_ms)) {
                fprintf(stderr, "%s: -w: not a number of milliseconds: %s\n",
                        progname, optarg);
                return 2;
            }
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
    if (argc - optind < 4) {
        usage(stderr);
        return 2;
    }
    const char *server = argv[optind];
    worker = argv[optind + 1];
    const char *done_dir = argv[optind + 2];
    char **items = argv + optind + 3;
    int n_items = argc - optind - 3;
    for (int i = 0; i < n_items; i++) {
        if (!valid_item(items[i])) {
            fprintf(stderr,
                    "%s: not a valid item name (a file name is "
                    "needed): '%s'\n",
                    progname, items[i]);
            return 2;
        }
    }
    if (access(done_dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "%s: DONE_DIR %s: %s\n", progname, done_dir,
                strerror(errno));
        return 1;
    }

    /* Line-buffered even into a file or pipe: each line is an event. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    ldlm_config config = LDLM_CONFIG(.address = server);
    ldlm_client *client;
    ldlm_err err = ldlm_client_new(&config, &client);
    if (err != LDLM_OK) {
        report("connecting to", server, err);
        return 1;
    }

    int done = 0, skipped = 0, failed = 0;
    for (int i = 0; i < n_items; i++) {
        enum item_result r =
            process(client, prefix, done_dir, items[i], work_ms, lock_timeout);
        if (r == ITEM_DONE)
            done++;
        else if (r == ITEM_SKIPPED)
            skipped++;
        else
            failed++;
        if (r == ITEM_FATAL)
            break;
    }
    printf("%s finished: %d done, %d skipped\n", worker, done, skipped);

    /* Freeing the client closes its connection; nothing is held by now. */
    ldlm_client_free(client);
    return failed ? 1 : 0;
}
