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
 */
#include "slots_backend.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifndef PLDLM_BACKEND_PATH
#error "PLDLM_BACKEND_PATH must name the installed pam_ldlm_slots.so"
#endif

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const pldlm_slots_backend *backend;
/* Shorter than pldlm_acquire_result.detail with room for the prefix. */
static char load_error[400];

/* Opens one candidate; on failure appends why to load_error. */
static const pldlm_slots_backend *open_backend(const char *path)
{
    /* RTLD_NODELETE: gRPC's threads and the log handler given to libldlm
     * live in there and must outlive any dlclose. */
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    const char *why = NULL;
    const pldlm_slots_backend *table = NULL;
    if (handle == NULL) {
        why = dlerror();
    } else {
        table = dlsym(handle, PLDLM_SLOTS_BACKEND_SYMBOL);
        if (table == NULL)
            why = "no " PLDLM_SLOTS_BACKEND_SYMBOL " in it";
        else if (table->abi != PLDLM_SLOTS_BACKEND_ABI ||
                 table->settings_size != sizeof(pldlm_slot_settings) ||
                 table->events_size != sizeof(pldlm_slot_events) ||
                 table->result_size != sizeof(pldlm_acquire_result))
            why = "it comes from another build of pam_ldlm";
        if (why != NULL) {
            table = NULL;
            dlclose(handle);
        }
    }
    if (table == NULL) {
        size_t used = strlen(load_error);
        snprintf(load_error + used, sizeof(load_error) - used, "%s%s: %s",
                 used > 0 ? "; " : "", path, why ? why : "unknown error");
    }
    return table;
}

static void load_backend(void)
{
    Dl_info self;
    if (dladdr((void *)&load_backend, &self) != 0 && self.dli_fname != NULL) {
        const char *slash = strrchr(self.dli_fname, '/');
        if (slash != NULL) {
            char beside[4096];
            int n = snprintf(beside, sizeof(beside), "%.*s/%s",
                             (int)(slash - self.dli_fname), self.dli_fname,
                             PLDLM_SLOTS_BACKEND_FILE);
            /* Only if it exists: a missing file there is the normal case
             * of an installed module, not worth an error line. */
            if (n > 0 && (size_t)n < sizeof(beside)) {
                FILE *probe = fopen(beside, "r");
                if (probe != NULL) {
                    fclose(probe);
                    backend = open_backend(beside);
                }
            }
        }
    }
    if (backend == NULL)
        backend = open_backend(PLDLM_BACKEND_PATH);
}

pldlm_acquire_status pldlm_slots_acquire(
    const pldlm_slot_settings *settings, const pldlm_slot_events *events,
    const pldlm_slot_request *requests, size_t count, const pldlm_identity *who,
    pldlm_slots **out, pldlm_acquire_result *res)
{
    pthread_once(&load_once, load_backend);
    if (backend == NULL) {
        memset(res, 0, sizeof(*res));
        *out = NULL;
        res->status = PLDLM_LOCAL_ERROR;
        snprintf(res->detail, sizeof(res->detail),
                 "cannot load the slots backend: %.400s", load_error);
        return res->status;
    }
    return backend->acquire(settings, events, requests, count, who, out, res);
}

/* The functions below only ever get slots that the backend made, so it is
 * loaded by then. */
pid_t pldlm_slots_owner(const pldlm_slots *s)
{
    return backend->owner(s);
}

size_t pldlm_slots_count(const pldlm_slots *s)
{
    return backend->count(s);
}

void pldlm_slots_release(pldlm_slots *s, const pldlm_slot_events *events)
{
    if (s != NULL)
        backend->release(s, events);
}

void pldlm_slots_forget(pldlm_slots *s)
{
    if (s != NULL)
        backend->forget(s);
}
