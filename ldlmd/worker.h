/* SPDX-License-Identifier: MIT */
/*
 * worker.h - ldlmd's background thread. It
 *   - releases slots handed to it (a process that exited, a release the
 *     server could not take at once), trying again every second while the
 *     server is unreachable;
 *   - once a second, audits the held slots (re-acquired under a new key by
 *     libldlm after a reconnection, or reported lost);
 *   - takes back pending slots (after an ldlmd restart) once the server
 *     answers.
 * The main loop never waits for the server: this thread does.
 */
#ifndef LDLMD_WORKER_H
#define LDLMD_WORKER_H

#include <ldlm.h>

#include "ldlmd.h"

/* Starts the thread. NULL (logged) on failure. */
ldlmd_worker *ldlmd_worker_start(ldlmd *d);

/* Hands a held handle over to be released; from any thread. */
void ldlmd_worker_release(ldlmd_worker *w, ldlm_handle *h);

/* Wakes the thread now (pending slots to take back). */
void ldlmd_worker_kick(ldlmd_worker *w);

/*
 * One pass over the pending slots, in the calling thread (start-up, before
 * the socket serves). Stops at the first sign that the server cannot be
 * reached; what is left stays pending for the thread. Returns the number
 * of slots still pending.
 */
size_t ldlmd_takeback_pass(ldlmd *d);

/* Stops the thread: one last bounded try at what is queued (unless the
 * client was cancelled), then every handle left is freed. */
void ldlmd_worker_stop(ldlmd_worker *w);

#endif /* LDLMD_WORKER_H */
