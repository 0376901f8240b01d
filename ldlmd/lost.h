/* SPDX-License-Identifier: MIT */
/*
 * lost.h - slots libldlm reported lost. Its callback runs on libldlm's
 * thread, where taking the session table's mutex could deadlock (the table
 * calls libldlm under it), so the callback only records the handle here;
 * the worker's audit then marks the slot. A handle leaves the record when
 * it is freed (ldlmd_handle_drop), before its address can be reused.
 * Process-wide (one client per process); thread-safe.
 */
#ifndef LDLMD_LOST_H
#define LDLMD_LOST_H

#include <stdbool.h>

#include <ldlm.h>

/* libldlm's lost_lock_callback; userdata is the ldlmd. Logs and counts. */
void ldlmd_lost_callback(ldlm_handle *h, ldlm_err reason, void *userdata);

/* True if libldlm reported h lost (ctx unused: the audit's signature). */
bool ldlmd_lost_contains(void *ctx, const ldlm_handle *h);

/* Frees a handle (not released on the server) and forgets it. NULL is a
 * no-op. */
void ldlmd_handle_drop(ldlm_handle *h);

/* Forgets every record (at exit). */
void ldlmd_lost_clear(void);

#endif /* LDLMD_LOST_H */
