/* SPDX-License-Identifier: MIT */
/*
 * listener.h - the run directory and the socket. The run directory holds
 * the instance lock (one ldlmd per directory), the session files and, by
 * default, the socket. Peers are checked with SO_PEERCRED: root, and the
 * one uid of --allow-uid, are served; everyone else gets "permission
 * denied" (the socket's mode, 0600 by default, already keeps them out).
 */
#ifndef LDLMD_LISTENER_H
#define LDLMD_LISTENER_H

#include "ldlmd.h"

/* Creates or checks the run directory and takes its instance lock.
 * Returns the lock's descriptor (kept open for the process's life), or -1
 * after logging why. */
int ldlmd_run_dir_lock(const ldlmd_options *o);

/* Binds and listens (non-blocking, close-on-exec). -1 after logging. */
int ldlmd_listener_open(const ldlmd_options *o);

/* Unlinks the socket and closes it. */
void ldlmd_listener_close(const ldlmd_options *o, int fd);

/* Accepts every waiting connection: refuses disallowed peers, serves the
 * others on their threads. */
void ldlmd_listener_accept(ldlmd *d, int fd);

#endif /* LDLMD_LISTENER_H */
