/* SPDX-License-Identifier: MIT */
/*
 * release.c - unlocking slots, now or through the worker (see release.h).
 */
#include "release.h"

#include <ldlm_util.h>

#include "log.h"
#include "lost.h"
#include "worker.h"

ldlmd_release_outcome ldlmd_release_try(ldlm_handle *h)
{
    ldlm_err err = ldlm_handle_unlock(h);
    switch (err) {
    case LDLM_OK:
        return LDLMD_RELEASED;
    case LDLM_ERR_UNAVAILABLE:
    case LDLM_ERR_DEADLINE:
    case LDLM_ERR_TRANSPORT:
    case LDLM_ERR_PROTOCOL:
    case LDLM_ERR_NO_MEMORY:
        return LDLMD_RELEASE_RETRY;
    case LDLM_ERR_NOT_LOCKED:
        /* Lost, or waiting to be re-acquired: libldlm gives back whatever
         * it takes again for a handle unlocked meanwhile. */
        return LDLMD_RELEASE_GONE;
    default: {
        char name[256], detail[256];
        ldlmu_printable_into(ldlm_last_error_message(), detail, sizeof detail);
        ldlmu_printable_into(ldlm_handle_name(h), name, sizeof name);
        ldlmd_log(LOG_WARNING, "releasing a slot of lock %s: %s%s%s", name,
                  ldlm_strerror(err), detail[0] ? ": " : "", detail);
        return LDLMD_RELEASE_GONE;
    }
    }
}

bool ldlmd_release_handle(ldlmd *d, ldlm_handle *h)
{
    if (h == NULL)
        return false;
    ldlmd_release_outcome o = ldlmd_release_try(h);
    if (o == LDLMD_RELEASE_RETRY) {
        ldlmd_worker_release(d->worker, h);
        return false;
    }
    ldlmd_handle_drop(h);
    return o == LDLMD_RELEASED;
}

void ldlmd_release_session(ldlmd *d, ldlmd_session *s, unsigned *released,
                           unsigned *pending)
{
    unsigned done = 0, later = 0;
    for (size_t i = 0; i < s->slot_count; i++) {
        ldlm_handle *h = s->slots[i].handle;
        s->slots[i].handle = NULL;
        if (h == NULL)
            continue;
        ldlmd_release_outcome o = ldlmd_release_try(h);
        if (o == LDLMD_RELEASE_RETRY) {
            ldlmd_worker_release(d->worker, h);
            later++;
            continue;
        }
        ldlmd_handle_drop(h);
        if (o == LDLMD_RELEASED)
            done++;
    }
    if (released != NULL)
        *released = done;
    if (pending != NULL)
        *pending = later;
    atomic_fetch_add(&d->counters.sessions_closed, 1);
    ldlmd_session_free(s);
}

void ldlmd_release_session_later(ldlmd *d, ldlmd_session *s)
{
    for (size_t i = 0; i < s->slot_count; i++) {
        if (s->slots[i].handle != NULL)
            ldlmd_worker_release(d->worker, s->slots[i].handle);
        s->slots[i].handle = NULL;
    }
    atomic_fetch_add(&d->counters.sessions_closed, 1);
    ldlmd_session_free(s);
}
