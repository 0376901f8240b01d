/* SPDX-License-Identifier: MIT */
/*
 * acquire.c - all-or-nothing acquisition of a request's slots (see
 * acquire.h).
 */
#include "acquire.h"

#include <ldlm_util.h>

#include "agent_wire.h"
#include "release.h"

static Ldlmd__Status classify(ldlm_err err)
{
    switch (err) {
    case LDLM_ERR_LOCK_SIZE_MISMATCH:
        return LDLMD__STATUS__STATUS_SIZE_MISMATCH;
    case LDLM_ERR_INVALID_ARGUMENT:
    case LDLM_ERR_TLS_FILE:
    case LDLM_ERR_INVALID_LOCK_SIZE:
    case LDLM_ERR_FORKED:
    case LDLM_ERR_INTERNAL:
    case LDLM_ERR_NO_MEMORY:
        return LDLMD__STATUS__STATUS_LOCAL_ERROR;
    case LDLM_ERR_CANCELLED:
        return LDLMD__STATUS__STATUS_SHUTTING_DOWN;
    default:
        return LDLMD__STATUS__STATUS_SERVER_ERROR;
    }
}

static int fail_ldlm(ldlmd_acquire_result *res, size_t index, ldlm_err err,
                     const char *name)
{
    char detail[160], shown[96];
    /* Read right after the call: the next libldlm call replaces it. */
    ldlmu_printable_into(ldlm_last_error_message(), detail, sizeof detail);
    ldlmu_printable_into(name, shown, sizeof shown);
    res->failed_lock = index;
    res->err = err;
    return ldlmd_problem_set(&res->problem, classify(err), "lock %s: %s%s%s",
                             shown, ldlm_strerror(err), detail[0] ? ": " : "",
                             detail);
}

static int fail_full(ldlmd_acquire_result *res, size_t index,
                     const Ldlmd__LockSpec *l, long waited_s)
{
    char shown[96];
    ldlmu_printable_into(l->name, shown, sizeof shown);
    res->failed_lock = index;
    if (waited_s > 0)
        return ldlmd_problem_set(
            &res->problem, LDLMD__STATUS__STATUS_FULL,
            "lock %s: all %d slots still in use after waiting %ld seconds",
            shown, (int)l->size, waited_s);
    return ldlmd_problem_set(&res->problem, LDLMD__STATUS__STATUS_FULL,
                             "lock %s: all %d slots in use", shown,
                             (int)l->size);
}

/* One lock: a try, then a bounded wait if allowed. 0 with *out held. */
static int take_one(ldlmd *d, const Ldlmd__LockSpec *l, size_t index,
                    long *wait_left_ms, long deadline_ms,
                    ldlmd_waiting_fn waiting, void *ctx, ldlm_handle **out,
                    ldlmd_acquire_result *res)
{
    *out = NULL;
    if (ldlm_wire_now_ms() >= deadline_ms) {
        res->failed_lock = index;
        return ldlmd_problem_set(&res->problem, LDLMD__STATUS__STATUS_TIMEOUT,
                                 "the request's time ran out");
    }
    ldlm_lock_options lo = LDLM_LOCK_OPTIONS(.size = l->size);
    ldlm_handle *h = NULL;
    ldlm_err err = ldlm_try_lock(d->client, l->name, &lo, &h);
    if (err != LDLM_OK) {
        int rc = fail_ldlm(res, index, err, l->name);
        ldlm_handle_free(h);
        return rc;
    }
    if (ldlm_handle_locked(h)) {
        *out = h;
        return 0;
    }
    ldlm_handle_free(h);
    h = NULL;

    long left = deadline_ms - ldlm_wire_now_ms();
    long wait_ms = *wait_left_ms < left ? *wait_left_ms : left;
    if (wait_ms < 1000)
        return fail_full(res, index, l, 0);
    lo.wait_timeout_seconds = (int)(wait_ms / 1000);
    if (waiting != NULL)
        waiting(ctx, index, lo.wait_timeout_seconds);
    long started = ldlm_wire_now_ms();
    err = ldlm_lock(d->client, l->name, &lo, &h);
    *wait_left_ms -= ldlm_wire_now_ms() - started;
    if (err == LDLM_OK && ldlm_handle_locked(h)) {
        *out = h;
        return 0;
    }
    int rc = err == LDLM_OK || err == LDLM_ERR_LOCK_WAIT_TIMEOUT
                 ? fail_full(res, index, l, lo.wait_timeout_seconds)
                 : fail_ldlm(res, index, err, l->name);
    ldlm_handle_free(h);
    return rc;
}

int ldlmd_acquire(ldlmd *d, const Ldlmd__AcquireRequest *req, long deadline_ms,
                  ldlmd_waiting_fn waiting, void *ctx, ldlm_handle **handles,
                  ldlmd_acquire_result *res)
{
    res->problem.status = LDLMD__STATUS__STATUS_OK;
    res->problem.message[0] = '\0';
    res->failed_lock = 0;
    res->err = LDLM_OK;
    long wait_left_ms = (long)req->wait_seconds * 1000L;
    size_t i = 0;
    for (; i < req->n_locks; i++) {
        if (take_one(d, req->locks[i], i, &wait_left_ms, deadline_ms, waiting,
                     ctx, &handles[i], res) < 0)
            break;
    }
    if (i == req->n_locks)
        return 0;
    /* All or nothing: what was taken goes back at once, so that the slots
     * are free for others now rather than when a retry succeeds. */
    while (i-- > 0) {
        ldlmd_release_handle(d, handles[i]);
        handles[i] = NULL;
    }
    return -1;
}
