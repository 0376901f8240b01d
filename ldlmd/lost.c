/* SPDX-License-Identifier: MIT */
/*
 * lost.c - the record of lost handles (see lost.h). Small: a handle is in
 * it only between libldlm's report and the end of its session.
 */
#include "lost.h"

#include <pthread.h>
#include <stdlib.h>

#include <ldlm_util.h>

#include "ldlmd.h"
#include "log.h"

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static const ldlm_handle **lost;
static size_t count, capacity;

void ldlmd_lost_callback(ldlm_handle *h, ldlm_err reason, void *userdata)
{
    ldlmd *d = userdata;
    atomic_fetch_add(&d->counters.lost, 1);
    char name[256];
    ldlmu_printable_into(ldlm_handle_name(h), name, sizeof name);
    ldlmd_log(LOG_WARNING,
              "a slot of lock %s was lost and could not be had back (%s); "
              "its session goes on without it",
              name, ldlm_strerror(reason));
    pthread_mutex_lock(&mutex);
    if (count == capacity) {
        size_t n = capacity > 0 ? 2 * capacity : 16;
        const ldlm_handle **grown = realloc(lost, n * sizeof *grown);
        if (grown == NULL) {
            /* The slot then reads "reacquiring" rather than "lost": only
             * the display suffers. */
            pthread_mutex_unlock(&mutex);
            return;
        }
        lost = grown;
        capacity = n;
    }
    lost[count++] = h;
    pthread_mutex_unlock(&mutex);
}

bool ldlmd_lost_contains(void *ctx, const ldlm_handle *h)
{
    (void)ctx;
    bool found = false;
    pthread_mutex_lock(&mutex);
    for (size_t i = 0; i < count && !found; i++)
        found = lost[i] == h;
    pthread_mutex_unlock(&mutex);
    return found;
}

void ldlmd_handle_drop(ldlm_handle *h)
{
    if (h == NULL)
        return;
    /* libldlm waits for a callback running on h before freeing it, and
     * none comes after: forgetting h afterwards leaves no stale record. */
    ldlm_handle_free(h);
    pthread_mutex_lock(&mutex);
    for (size_t i = 0; i < count; i++) {
        if (lost[i] == h) {
            lost[i] = lost[--count];
            break;
        }
    }
    pthread_mutex_unlock(&mutex);
}

void ldlmd_lost_clear(void)
{
    pthread_mutex_lock(&mutex);
    free(lost);
    lost = NULL;
    count = capacity = 0;
    pthread_mutex_unlock(&mutex);
}
