/* SPDX-License-Identifier: MIT */
/*
 * slots_loader.c - slots.h for pam_ldlm.so: opens the slots backend
 * (pam_ldlm_slots.so, see slots_backend.h) the first time a login needs a
 * slot, and calls through its table.
 *
 * Where the backend is: first beside pam_ldlm.so itself (the build tree,
 * where tests load the module from), then PLDLM_BACKEND_PATH, set at build
 * time to the installed copy. Neither comes from the environment: in su or
 * sudo that belongs to the user.
 *
 * A failure to load is not remembered: the next login that needs a slot
 * tries again, so a long-lived host (crond, a display manager) recovers once
 * a broken or half-upgraded installation is repaired. A backend once loaded
 * stays for the life of the process.
 *
 * Signals: every call into the backend runs with the host's asynchronous
 * signals blocked in the calling thread (ldlmu_signals_block). The threads that libldlm and gRPC
 * start inherit the mask of the thread that creates them, and gRPC starts
 * some (executors, timers, the resolver) from whichever thread happens to
 * call it; with the mask they all block the host's signals, which are then
 * never handled on a library thread (sshd's SIGCHLD or SIGALRM handler, a
 * daemon's SIGHUP). A signal arriving meanwhile stays pending and is handled
 * when the call returns, at most timeout= later.
 */
#include "slots_backend.h"

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <ldlm_util.h>

#ifndef PLDLM_BACKEND_PATH
#error "PLDLM_BACKEND_PATH must name the installed pam_ldlm_slots.so"
#endif

/* Set once, by the first load that succeeds; never unset. */
static _Atomic(const pldlm_slots_backend *) backend;
/* Serialises attempts to load, so that threads of one host racing for the
 * first slot open the backend once. */
static pthread_mutex_t load_mutex = PTHREAD_MUTEX_INITIALIZER;

/* Opens one candidate; on failure appends why to `why`. */
static const pldlm_slots_backend *open_backend(const char *path, char *why,
                                               size_t why_size)
{
    /* RTLD_NODELETE: gRPC's threads and the log handler given to libldlm
     * live in there and must outlive any dlclose. */
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    const char *reason = NULL;
    const pldlm_slots_backend *table = NULL;
    if (handle == NULL) {
        reason = dlerror();
    } else {
        table = dlsym(handle, PLDLM_SLOTS_BACKEND_SYMBOL);
        if (table == NULL)
            reason = "no " PLDLM_SLOTS_BACKEND_SYMBOL " in it";
        else if (table->abi != PLDLM_SLOTS_BACKEND_ABI ||
                 table->settings_size != sizeof(pldlm_slot_settings) ||
                 table->events_size != sizeof(pldlm_slot_events) ||
                 table->result_size != sizeof(pldlm_acquire_result))
            reason = "it comes from another build of pam_ldlm";
        if (reason != NULL) {
            table = NULL;
            dlclose(handle);
        }
    }
    if (table == NULL) {
        size_t used = strlen(why);
        snprintf(why + used, why_size - used, "%s%s: %s", used > 0 ? "; " : "",
                 path, reason != NULL ? reason : "unknown error");
    }
    return table;
}

/* One attempt at each place the backend may be; `why` gets the reasons. */
static const pldlm_slots_backend *find_backend(char *why, size_t why_size)
{
    const pldlm_slots_backend *found = NULL;
    Dl_info self;
    why[0] = '\0';
    if (dladdr((void *)&find_backend, &self) != 0 && self.dli_fname != NULL) {
        const char *slash = strrchr(self.dli_fname, '/');
        if (slash != NULL) {
            char beside[4096];
            int n = snprintf(beside, sizeof(beside), "%.*s/%s",
                             (int)(slash - self.dli_fname), self.dli_fname,
                             PLDLM_SLOTS_BACKEND_FILE);
            /* Only if it exists: a missing file there is the normal case
             * of an installed module, not worth an error line. */
            if (n > 0 && (size_t)n < sizeof(beside)) {
                FILE *probe = fopen(beside, "re");
                if (probe != NULL) {
                    fclose(probe);
                    found = open_backend(beside, why, why_size);
                }
            }
        }
    }
    if (found == NULL)
        found = open_backend(PLDLM_BACKEND_PATH, why, why_size);
    return found;
}

/* The backend, loading it if no login has yet; NULL with the reasons in
 * `why` if it cannot be loaded now. Signals blocked by the caller. */
static const pldlm_slots_backend *get_backend(char *why, size_t why_size)
{
    const pldlm_slots_backend *b = atomic_load(&backend);
    if (b != NULL)
        return b;
    pthread_mutex_lock(&load_mutex);
    b = atomic_load(&backend);
    if (b == NULL) {
        b = find_backend(why, why_size);
        if (b != NULL)
            atomic_store(&backend, b);
    }
    pthread_mutex_unlock(&load_mutex);
    return b;
}

/*
 * The module's events (a message to the user through the application's
 * conversation function, a log line) run with the host's own signal mask
 * again: they are the host's code, not the library's. Only on the thread
 * that called in; should the backend ever raise one on a thread of its
 * own, that thread keeps its mask.
 */
typedef struct host_events {
    const pldlm_slot_events *real;
    pthread_t caller;
    sigset_t saved;
} host_events;

static void host_waiting(void *context, const pldlm_slot_request *r,
                         long seconds)
{
    const host_events *h = context;
    bool ours = pthread_equal(pthread_self(), h->caller);
    sigset_t blocked;
    if (ours)
        pthread_sigmask(SIG_SETMASK, &h->saved, &blocked);
    h->real->waiting(h->real->context, r, seconds);
    if (ours)
        pthread_sigmask(SIG_SETMASK, &blocked, NULL);
}

static void host_log(void *context, int priority, const char *message)
{
    const host_events *h = context;
    bool ours = pthread_equal(pthread_self(), h->caller);
    sigset_t blocked;
    if (ours)
        pthread_sigmask(SIG_SETMASK, &h->saved, &blocked);
    h->real->log(h->real->context, priority, message);
    if (ours)
        pthread_sigmask(SIG_SETMASK, &blocked, NULL);
}

/* Events for the backend that call `real` with the host's mask. */
static const pldlm_slot_events *wrap_events(const pldlm_slot_events *real,
                                            host_events *h,
                                            pldlm_slot_events *wrapped)
{
    if (real == NULL)
        return NULL;
    h->real = real;
    h->caller = pthread_self();
    *wrapped = (pldlm_slot_events){
        .context = h,
        .waiting = real->waiting != NULL ? host_waiting : NULL,
        .log = real->log != NULL ? host_log : NULL,
    };
    return wrapped;
}

pldlm_acquire_status pldlm_slots_acquire(
    const pldlm_slot_settings *settings, const pldlm_slot_events *events,
    const pldlm_slot_request *requests, size_t count, const pldlm_identity *who,
    pldlm_slots **out, pldlm_acquire_result *res)
{
    /* Shorter than pldlm_acquire_result.detail with room for the prefix. */
    char why[400];
    host_events host;
    pldlm_slot_events wrapped;
    ldlmu_signals_block(&host.saved);
    const pldlm_slots_backend *b = get_backend(why, sizeof(why));
    pldlm_acquire_status st;
    if (b == NULL) {
        memset(res, 0, sizeof(*res));
        *out = NULL;
        res->status = PLDLM_LOCAL_ERROR;
        snprintf(res->detail, sizeof(res->detail),
                 "cannot load the slots backend: %s", why);
        st = res->status;
    } else {
        st = b->acquire(settings, wrap_events(events, &host, &wrapped),
                        requests, count, who, out, res);
    }
    ldlmu_signals_restore(&host.saved);
    return st;
}

/* The functions below only ever get slots that the backend made, so it is
 * loaded by then. */
pid_t pldlm_slots_owner(const pldlm_slots *s)
{
    return atomic_load(&backend)->owner(s);
}

size_t pldlm_slots_count(const pldlm_slots *s)
{
    return atomic_load(&backend)->count(s);
}

void pldlm_slots_release(pldlm_slots *s, const pldlm_slot_events *events)
{
    if (s == NULL)
        return;
    host_events host;
    pldlm_slot_events wrapped;
    ldlmu_signals_block(&host.saved);
    atomic_load(&backend)->release(s, wrap_events(events, &host, &wrapped));
    ldlmu_signals_restore(&host.saved);
}

void pldlm_slots_forget(pldlm_slots *s)
{
    /* Memory only, no gRPC (slots.h): no thread to protect. */
    if (s != NULL)
        atomic_load(&backend)->forget(s);
}
