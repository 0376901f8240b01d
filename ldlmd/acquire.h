/* SPDX-License-Identifier: MIT */
/*
 * acquire.h - taking one slot of every lock of a request through the
 * host's libldlm client, in order, all or nothing: a try first, and when a
 * lock is full and the request allows it, a bounded wait (the same steps
 * as pam_ldlm's in-process backend, so both modes decide alike).
 */
#ifndef LDLMD_ACQUIRE_H
#define LDLMD_ACQUIRE_H

#include <stddef.h>

#include <ldlm.h>

#include "ldlmd.h"

typedef struct ldlmd_acquire_result {
    ldlmd_problem problem; /* STATUS_OK, or why not */
    size_t failed_lock;
    ldlm_err err; /* libldlm's error behind a failure, LDLM_OK if none */
} ldlmd_acquire_result;

/* Called before waiting for lock `index`, at most `seconds`. */
typedef void (*ldlmd_waiting_fn)(void *ctx, size_t index, long seconds);

/*
 * Takes the slots of `req` by `deadline_ms` (CLOCK_MONOTONIC ms). On 0
 * handles[0 .. n_locks-1] are held and owned by the caller; on -1 nothing
 * is held (what was taken has been given back) and *res says why.
 */
int ldlmd_acquire(ldlmd *d, const Ldlmd__AcquireRequest *req, long deadline_ms,
                  ldlmd_waiting_fn waiting, void *ctx, ldlm_handle **handles,
                  ldlmd_acquire_result *res);

#endif /* LDLMD_ACQUIRE_H */
