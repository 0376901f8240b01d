/* SPDX-License-Identifier: MIT */
/*
 * signals.h - the library's threads leave the application's signals alone.
 *
 * A thread starts with the signal mask of the thread that creates it. The
 * threads a client needs (gRPC's executors and timers started by
 * grpc_init(), the channel's, libldlm's watcher and keeper) are created
 * between ldlmi_signals_block and ldlmi_signals_restore, with every
 * asynchronous signal blocked: a signal sent to the process then never runs
 * the application's handler on a library thread (where it would not
 * interrupt the application's own blocking calls, and where a sigwait or
 * signalfd design would lose it).
 */
#ifndef LDLM_SIGNALS_H
#define LDLM_SIGNALS_H

#include <signal.h>

/* Blocks every signal but the synchronous faults in the calling thread;
 * *saved receives the mask to restore. */
void ldlmi_signals_block(sigset_t *saved);

/* Puts the mask saved by ldlmi_signals_block back. */
void ldlmi_signals_restore(const sigset_t *saved);

#endif /* LDLM_SIGNALS_H */
