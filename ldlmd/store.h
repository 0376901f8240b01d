/* SPDX-License-Identifier: MIT */
/*
 * store.h - the session table's copy in the run directory: one file per
 * session, RUN_DIR/sessions/TOKEN, a packed SavedSession
 * (proto/ldlmd.proto), written to a temporary name and renamed into place
 * so that a reader never sees half a file. A restarted ldlmd reads them
 * back (takeback.c) to take back the slots of sessions whose processes
 * still live.
 *
 * Not thread-safe on its own: the session table calls it under its mutex.
 * Failures are logged and returned as -1; a session whose file could not
 * be written still works, it is only not taken back after a restart.
 */
#ifndef LDLMD_STORE_H
#define LDLMD_STORE_H

#include <stddef.h>

#include "ldlmd.h"
#include "sessions.h"

/* Creates RUN_DIR/sessions (mode 0700) if needed. NULL (logged) if the
 * directory cannot be used. */
ldlmd_store *ldlmd_store_open(const char *run_dir);
void ldlmd_store_close(ldlmd_store *st);

/* Writes (or rewrites) the file of a session. 0 or -1. */
int ldlmd_store_save(ldlmd_store *st, const ldlmd_session *s);

/* Removes the file of a session; a missing file is not an error. */
void ldlmd_store_remove(ldlmd_store *st, const char *token);

/*
 * Reads every stored session back, as detached sessions whose slots are
 * pending (with their last keys), linked by `next`. Files that cannot be
 * read are logged and removed. The pid, start time and since are as
 * stored; the pidfd is -1.
 */
ldlmd_session *ldlmd_store_load(ldlmd_store *st);

#endif /* LDLMD_STORE_H */
