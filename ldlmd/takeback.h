/* SPDX-License-Identifier: MIT */
/*
 * takeback.h - after a restart, the sessions of the last ldlmd: those
 * whose process still lives (same pid, same start time) come back into
 * the table and get their slots again; the files of the others are
 * removed. What cannot be had back is logged (the session goes on without
 * that slot); what waits for an unreachable server is left to the worker.
 */
#ifndef LDLMD_TAKEBACK_H
#define LDLMD_TAKEBACK_H

#include "ldlmd.h"

/* Before the socket serves; bounded by the server calls it makes. */
void ldlmd_takeback(ldlmd *d);

#endif /* LDLMD_TAKEBACK_H */
