/* SPDX-License-Identifier: MIT */
/*
 * takeback.c - restoring the last ldlmd's sessions (see takeback.h).
 */
#include "takeback.h"

#include <stdlib.h>

#include "log.h"
#include "proc.h"
#include "sessions.h"
#include "store.h"
#include "worker.h"

static int by_since(const void *a, const void *b)
{
    const ldlmd_session *x = *(ldlmd_session *const *)a;
    const ldlmd_session *y = *(ldlmd_session *const *)b;
    return (x->since > y->since) - (x->since < y->since);
}

/* The list as an array, oldest first (the table's order). */
static ldlmd_session **sorted(ldlmd_session *list, size_t *n)
{
    *n = 0;
    for (ldlmd_session *s = list; s != NULL; s = s->next)
        (*n)++;
    ldlmd_session **a = calloc(*n > 0 ? *n : 1, sizeof *a);
    if (a == NULL)
        return NULL;
    size_t i = 0;
    for (ldlmd_session *s = list; s != NULL; s = s->next)
        a[i++] = s;
    qsort(a, *n, sizeof *a, by_since);
    return a;
}

void ldlmd_takeback(ldlmd *d)
{
    ldlmd_session *list = ldlmd_store_load(d->store);
    if (list == NULL)
        return;
    size_t n = 0;
    ldlmd_session **all = sorted(list, &n);
    if (all == NULL) {
        ldlmd_log(LOG_ERR, "out of memory restoring sessions");
        while (list != NULL) {
            ldlmd_session *next = list->next;
            ldlmd_session_free(list);
            list = next;
        }
        return;
    }
    size_t restored = 0, ended = 0;
    for (size_t i = 0; i < n; i++) {
        ldlmd_session *s = all[i];
        s->next = NULL;
        char who[512];
        ldlmd_session_describe(s, who, sizeof who);
        s->pidfd = ldlmd_proc_watch(s->pid, s->start_time, NULL);
        if (s->pidfd < 0) {
            ldlmd_log(LOG_INFO, "session %s ended while ldlmd was not running",
                      who);
            ldlmd_store_remove(d->store, s->token);
            ldlmd_session_free(s);
            ended++;
            continue;
        }
        ldlmd_sessions_restore(d->sessions, s);
        restored++;
    }
    free(all);

    uint64_t back0 = atomic_load(&d->counters.reacquisitions);
    uint64_t lost0 = atomic_load(&d->counters.lost);
    size_t pending = restored > 0 ? ldlmd_takeback_pass(d) : 0;
    uint64_t back = atomic_load(&d->counters.reacquisitions) - back0;
    uint64_t lost = atomic_load(&d->counters.lost) - lost0;
    ldlmd_log(LOG_NOTICE,
              "sessions of the last run: %zu live, %zu ended; slots taken "
              "back: %llu, not had back: %llu%s",
              restored, ended, (unsigned long long)back,
              (unsigned long long)lost,
              pending > 0 ? "; the others wait for the server" : "");
}
