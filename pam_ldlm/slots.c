/* SPDX-License-Identifier: MIT */
/*
 * slots.c - acquisition and release of session slots through libldlm.
 */
#include "slots.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <ldlm_conf.h>

#include "library_logs.h"

/* Shortest deadline given to one call, whatever the budget arithmetic says:
 * below this even a healthy server on a LAN cannot answer reliably. */
#define PLDLM_MIN_CALL_MS 100
/* Longest pause between two retries of a call that failed UNAVAILABLE. */
#define PLDLM_MAX_RETRY_DELAY_MS 250
/* What is kept of timeout= for closing the connection after the watchdog
 * has cancelled the calls, and for returning to the application. */
#define PLDLM_CLOSE_RESERVE_MS 150

struct pldlm_slots {
    pid_t owner;
    ldlm_client *client;
    ldlm_handle **locks;
    size_t count;
    /* Copies for the lost-lock log line, which runs on libldlm's thread
     * after the PAM call that created the slots has returned. */
    char *user;
    char *service;
    char *rhost;
};

/* 64 bits: milliseconds since boot do not fit a 32-bit long for long. */
static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Called by libldlm's background thread when a held slot is gone and could
 * not be re-acquired (e.g. the server restarted and the lock was full by the
 * time this session's connection came back). The session itself goes on:
 * ending a user's login from here is not ours to do.
 */
static void on_slot_lost(ldlm_handle *lock, ldlm_err reason, void *userdata)
{
    const pldlm_slots *s = userdata;
    syslog(LOG_AUTHPRIV | LOG_WARNING,
           "pam_ldlm: the session of user %s (service %s, rhost %s, pid %ld) "
           "lost its slot in lock %s and could not get it back (%s); the "
           "session continues but no longer counts against the limit",
           s->user, s->service, s->rhost, (long)s->owner,
           ldlm_handle_name(lock), ldlm_strerror(reason));
}

static pldlm_slots *slots_new(const pldlm_identity *who, size_t capacity)
{
    pldlm_slots *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    s->owner = getpid();
    s->locks = calloc(capacity > 0 ? capacity : 1, sizeof(*s->locks));
    s->user = strdup(who->user);
    s->service = strdup(who->service);
    s->rhost = strdup(who->rhost);
    if (s->locks == NULL || s->user == NULL || s->service == NULL ||
        s->rhost == NULL) {
        pldlm_slots_forget(s);
        return NULL;
    }
    return s;
}

/* Frees the handles and the structure; the client must be gone already. */
static void slots_free_memory(pldlm_slots *s)
{
    for (size_t i = 0; i < s->count; i++)
        ldlm_handle_free(s->locks[i]);
    free(s->locks);
    free(s->user);
    free(s->service);
    free(s->rhost);
    free(s);
}

/* How a libldlm error is handled: the server's fault or ours. */
static pldlm_acquire_status classify(ldlm_err err)
{
    switch (err) {
    case LDLM_ERR_LOCK_SIZE_MISMATCH:
        return PLDLM_SIZE_MISMATCH;
    case LDLM_ERR_INVALID_ARGUMENT:
    case LDLM_ERR_TLS_FILE:
    case LDLM_ERR_INVALID_LOCK_SIZE:
    case LDLM_ERR_FORKED:
    case LDLM_ERR_INTERNAL:
        return PLDLM_LOCAL_ERROR;
    default:
        return PLDLM_SERVER_ERROR;
    }
}

static void set_failure(pldlm_acquire_result *res, pldlm_acquire_status st,
                        size_t request, ldlm_err err, const char *what)
{
    char detail[256];
    snprintf(detail, sizeof(detail), "%s", ldlm_last_error_message());
    res->status = st;
    res->request = request;
    res->err = err;
    snprintf(res->detail, sizeof(res->detail), "%s: %s%s%s", what,
             ldlm_strerror(err), detail[0] != '\0' ? ": " : "", detail);
}

/*
 * The client configuration: connection settings, deadlines from the time
 * budget, and re-acquisition of slots lost with the connection.
 */
static void build_config(const pldlm_slot_settings *o, const char *password,
                         const char *key_path, long remaining_ms, size_t count,
                         pldlm_slots *s, ldlm_config *cfg)
{
    ldlm_config_init(cfg);
    ldlm_conn_settings_to_config(o->conn, password, cfg);
    cfg->tls_key = key_path;

    long budget_ms = remaining_ms - (long)o->wait_seconds * 1000L;
    /* Each lock costs a try, and a wait when the try finds it full. */
    long calls = (long)count * (o->wait_seconds > 0 ? 2 : 1);
    long call_ms = budget_ms / (calls > 0 ? calls : 1);
    if (call_ms < PLDLM_MIN_CALL_MS)
        call_ms = PLDLM_MIN_CALL_MS;
    cfg->call_timeout_ms = (int)call_ms;

    /* Retries ride out a short outage (a server restarting) within each
     * call's deadline, which cuts them off anyway. */
    long delay_ms = call_ms / 4;
    if (delay_ms > PLDLM_MAX_RETRY_DELAY_MS)
        delay_ms = PLDLM_MAX_RETRY_DELAY_MS;
    if (delay_ms < 1)
        delay_ms = 1;
    cfg->retry_delay_ms = (int)delay_ms;
    if (!o->max_retries_set)
        cfg->max_retries = (int)(call_ms / delay_ms);

    cfg->reacquire_lost_locks = true;
    cfg->lost_lock_callback = on_slot_lost;
    cfg->lost_lock_userdata = s;
}

/*
 * Cancels the client's calls when the login's deadline comes. The shares
 * of the budget bound each call, but not what happens around them (a
 * reconnection, retries that start late, giving back a partial
 * acquisition): the watchdog makes timeout= a hard bound.
 */
typedef struct watchdog {
    pthread_mutex_t mutex;
    pthread_cond_t cond; /* on CLOCK_MONOTONIC */
    ldlm_client *client;
    struct timespec fire_at;
    bool done;  /* the acquisition is over */
    bool fired; /* the deadline came first: the client is cancelled */
    bool running;
    pthread_t thread;
} watchdog;

static void *watchdog_main(void *arg)
{
    watchdog *w = arg;
    pthread_mutex_lock(&w->mutex);
    while (!w->done) {
        int rc = pthread_cond_timedwait(&w->cond, &w->mutex, &w->fire_at);
        if (rc == ETIMEDOUT && !w->done) {
            w->fired = true;
            ldlm_client_cancel(w->client);
            break;
        }
    }
    pthread_mutex_unlock(&w->mutex);
    return NULL;
}

/* Starts the watchdog; false if it could not be (the shares of the budget
 * still bound each call). */
static bool watchdog_start(watchdog *w, ldlm_client *client, int64_t fire_ms)
{
    memset(w, 0, sizeof(*w));
    w->client = client;
    if (fire_ms < 0)
        fire_ms = 0;
    w->fire_at.tv_sec = (time_t)(fire_ms / 1000);
    w->fire_at.tv_nsec = (long)(fire_ms % 1000) * 1000000L;
    pthread_condattr_t attr;
    if (pthread_condattr_init(&attr) != 0)
        return false;
    bool ok = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
              pthread_cond_init(&w->cond, &attr) == 0;
    pthread_condattr_destroy(&attr);
    if (!ok)
        return false;
    pthread_mutex_init(&w->mutex, NULL);
    /* Signals sent to the host process are the host's: the thread blocks
     * them all (it inherits the mask in force while it is created). */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    w->running = pthread_create(&w->thread, NULL, watchdog_main, w) == 0;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!w->running) {
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->mutex);
    }
    return w->running;
}

/* Stops the watchdog; true if it had fired (the client is cancelled). */
static bool watchdog_stop(watchdog *w)
{
    if (!w->running)
        return false;
    pthread_mutex_lock(&w->mutex);
    w->done = true;
    bool fired = w->fired;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->mutex);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->mutex);
    w->running = false;
    return fired;
}

/*
 * Holds one request: a try first; if full and waiting time is left, a
 * bounded wait. Returns PLDLM_ACQUIRED with the lock appended to s.
 */
static pldlm_acquire_status hold_one(const pldlm_slot_events *events,
                                     const pldlm_slot_request *r, size_t index,
                                     long *wait_left_ms, int64_t wait_end_ms,
                                     pldlm_slots *s, pldlm_acquire_result *res)
{
    ldlm_lock_options lo = LDLM_LOCK_OPTIONS(.size = r->size);
    ldlm_handle *lock = NULL;
    ldlm_err err = ldlm_try_lock(s->client, r->lock_name, &lo, &lock);
    if (err != LDLM_OK) {
        /* Read the error's detail before any other ldlm_* call resets it. */
        set_failure(res, classify(err), index, err, r->lock_name);
        ldlm_handle_free(lock);
        return res->status;
    }
    if (ldlm_handle_locked(lock)) {
        s->locks[s->count++] = lock;
        return PLDLM_ACQUIRED;
    }
    ldlm_handle_free(lock);
    lock = NULL;

    /* The server's wait must end in time for its answer to arrive before
     * the login's deadline. */
    long wait_ms = *wait_left_ms;
    int64_t until_end = wait_end_ms - now_ms();
    if (wait_ms > until_end)
        wait_ms = (long)until_end;
    if (wait_ms < 1000) {
        res->status = PLDLM_SLOTS_FULL;
        res->request = index;
        snprintf(res->detail, sizeof(res->detail), "%s: all %d slots in use",
                 r->lock_name, r->size);
        return res->status;
    }

    lo.wait_timeout_seconds = (int)(wait_ms / 1000);
    if (events != NULL && events->waiting != NULL)
        events->waiting(events->context, r, lo.wait_timeout_seconds);
    int64_t started = now_ms();
    err = ldlm_lock(s->client, r->lock_name, &lo, &lock);
    *wait_left_ms -= (long)(now_ms() - started);
    if (err == LDLM_OK && lock != NULL && ldlm_handle_locked(lock)) {
        s->locks[s->count++] = lock;
        return PLDLM_ACQUIRED;
    }
    if (err == LDLM_OK || err == LDLM_ERR_LOCK_WAIT_TIMEOUT) {
        res->status = PLDLM_SLOTS_FULL;
        res->request = index;
        snprintf(res->detail, sizeof(res->detail),
                 "%s: all %d slots still in use after waiting %d seconds",
                 r->lock_name, r->size, lo.wait_timeout_seconds);
    } else {
        set_failure(res, classify(err), index, err, r->lock_name);
    }
    ldlm_handle_free(lock);
    return res->status;
}

/* Reads the password file; 0, or -1 with res filled. */
static int read_password(const pldlm_slot_settings *o, char **password,
                         pldlm_acquire_result *res)
{
    *password = NULL;
    if (o->conn->password_file == NULL)
        return 0;
    /* The reader keeps its message on a conf object; this one exists only
     * to carry it. */
    ldlm_conf reader;
    ldlm_conf_init(&reader);
    int rc = ldlm_conf_read_password_file(&reader, o->conn->password_file,
                                          (uid_t)0, password);
    if (rc != 0) {
        res->status = PLDLM_LOCAL_ERROR;
        snprintf(res->detail, sizeof(res->detail), "password_file: %.400s",
                 ldlm_conf_error(&reader));
    }
    ldlm_conf_free(&reader);
    return rc;
}

/*
 * Opens the TLS private key with the password file's checks (root's, no
 * access for group or others), made on the open descriptor. libldlm reads
 * TLS files by path while the client is created, so it is given the
 * descriptor's /proc/self/fd path: it reads exactly the file that was
 * checked, even if the name is changed in between. Returns the descriptor
 * (closed by the caller once the client exists), -2 when there is no key,
 * or -1 with res filled.
 */
static int open_key(const pldlm_slot_settings *o, char *path, size_t size,
                    pldlm_acquire_result *res)
{
    if (o->conn->key == NULL)
        return -2;
    ldlm_conf reader;
    ldlm_conf_init(&reader);
    int fd = ldlm_conf_open_private_file(&reader, "TLS key file", o->conn->key,
                                         (uid_t)0);
    if (fd < 0) {
        res->status = PLDLM_LOCAL_ERROR;
        snprintf(res->detail, sizeof(res->detail), "key: %.400s",
                 ldlm_conf_error(&reader));
    }
    ldlm_conf_free(&reader);
    if (fd >= 0) {
        snprintf(path, size, "/proc/self/fd/%d", fd);
        /* Without /proc (a chroot), the checked name itself. */
        if (access(path, R_OK) != 0)
            snprintf(path, size, "%s", o->conn->key);
    }
    return fd;
}

pldlm_acquire_status pldlm_slots_acquire(
    const pldlm_slot_settings *o, const pldlm_slot_events *events,
    const pldlm_slot_request *requests, size_t count, const pldlm_identity *who,
    pldlm_slots **out, pldlm_acquire_result *res)
{
    int64_t started = now_ms();
    memset(res, 0, sizeof(*res));
    *out = NULL;
    char *password = NULL;
    char key_path[4200];
    int key_fd = -2;
    watchdog dog = {.running = false};

    pldlm_slots *s = slots_new(who, count);
    if (s == NULL) {
        res->status = PLDLM_LOCAL_ERROR;
        snprintf(res->detail, sizeof(res->detail), "out of memory");
        goto done;
    }
    if (read_password(o, &password, res) != 0 ||
        (key_fd = open_key(o, key_path, sizeof(key_path), res)) == -1)
        goto fail;

    /* The watchdog fires a little before the deadline, so that closing the
     * connection and returning to the application fit in too; the calls'
     * shares end before it, so that it only cuts what overruns them. */
    int64_t fire_ms = o->deadline_ms - PLDLM_CLOSE_RESERVE_MS;
    pldlm_route_library_logs(o->debug);
    ldlm_config cfg;
    build_config(o, password, key_fd >= 0 ? key_path : NULL,
                 (long)(fire_ms - now_ms()), count, s, &cfg);
    ldlm_err err = ldlm_client_new(&cfg, &s->client);
    if (password != NULL) {
        /* The client keeps its own copy. */
        explicit_bzero(password, strlen(password));
        free(password);
        password = NULL;
    }
    if (key_fd >= 0) {
        close(key_fd); /* read by ldlm_client_new */
        key_fd = -2;
    }
    if (err != LDLM_OK) {
        set_failure(res, classify(err), 0, err, "creating the client");
        goto fail;
    }

    if (!watchdog_start(&dog, s->client, fire_ms) && events != NULL &&
        events->log != NULL)
        events->log(events->context, LOG_WARNING,
                    "cannot start the timeout watchdog thread: each call is "
                    "still bounded by its share of timeout=");

    long wait_left_ms = (long)o->wait_seconds * 1000L;
    for (size_t i = 0; i < count; i++) {
        if (hold_one(events, &requests[i], i, &wait_left_ms,
                     fire_ms - PLDLM_MIN_CALL_MS, s, res) != PLDLM_ACQUIRED)
            goto fail;
    }
    if (watchdog_stop(&dog)) {
        /* Every lock was granted, but too late: the client is cancelled
         * (and so no longer renews), so this is a failure. */
        res->status = PLDLM_SERVER_ERROR;
        res->err = LDLM_ERR_DEADLINE;
        snprintf(res->detail, sizeof(res->detail),
                 "timeout= reached as the last slot was granted");
        goto fail;
    }
    res->status = PLDLM_ACQUIRED;
    *out = s;
    goto done;

fail:
    if (password != NULL) {
        explicit_bzero(password, strlen(password));
        free(password);
    }
    if (key_fd >= 0)
        close(key_fd);
    if (s != NULL) {
        /*
         * Give back what this attempt got. When the server answered (a full
         * lock), unlock explicitly so the slot is free at once (still under
         * the watchdog). After a server error another call would only eat
         * into the time budget: closing the connection frees the holds on
         * the server instead.
         */
        if (res->status == PLDLM_SLOTS_FULL) {
            for (size_t i = s->count; i-- > 0;)
                (void)ldlm_handle_unlock(s->locks[i]);
        }
        if (watchdog_stop(&dog) && res->status == PLDLM_SERVER_ERROR &&
            res->err == LDLM_ERR_CANCELLED) {
            char detail[sizeof(res->detail)];
            snprintf(detail, sizeof(detail), "%s", res->detail);
            snprintf(res->detail, sizeof(res->detail),
                     "no answer within timeout=: %.400s", detail);
        }
        ldlm_client_free(s->client);
        s->client = NULL;
        slots_free_memory(s);
    }
done:
    res->elapsed_ms = (long)(now_ms() - started);
    return res->status;
}

pid_t pldlm_slots_owner(const pldlm_slots *s)
{
    return s->owner;
}

size_t pldlm_slots_count(const pldlm_slots *s)
{
    return s->count;
}

void pldlm_slots_release(pldlm_slots *s, const pldlm_slot_events *events)
{
    if (s == NULL)
        return;
    for (size_t i = s->count; i-- > 0;) {
        ldlm_err err = ldlm_handle_unlock(s->locks[i]);
        if (err != LDLM_OK && err != LDLM_ERR_NOT_LOCKED) {
            char detail[256], line[768];
            snprintf(detail, sizeof(detail), "%s", ldlm_last_error_message());
            snprintf(line, sizeof(line),
                     "releasing slot %s: %s%s%s (the server frees it when "
                     "the connection closes)",
                     ldlm_handle_name(s->locks[i]), ldlm_strerror(err),
                     detail[0] != '\0' ? ": " : "", detail);
            if (events != NULL && events->log != NULL)
                events->log(events->context, LOG_NOTICE, line);
        }
    }
    ldlm_client_free(s->client);
    s->client = NULL;
    slots_free_memory(s);
}

void pldlm_slots_forget(pldlm_slots *s)
{
    if (s == NULL)
        return;
    /* Documented safe after fork(): releases memory only, the parent's
     * connection (and so its slots) stays intact. */
    ldlm_client_free(s->client);
    s->client = NULL;
    slots_free_memory(s);
}
