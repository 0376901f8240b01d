/* SPDX-License-Identifier: MIT */
/*
 * release.h - giving slots back to the server. A release that fails only
 * because the server cannot be reached now is handed to the worker, which
 * tries again; every other outcome is final (released, or already gone).
 */
#ifndef LDLMD_RELEASE_H
#define LDLMD_RELEASE_H

#include <stdbool.h>

#include <ldlm.h>

#include "ldlmd.h"
#include "sessions.h"

typedef enum ldlmd_release_outcome {
    LDLMD_RELEASED = 0, /* the server freed the slot */
    LDLMD_RELEASE_GONE, /* nothing to free (lost, never held, refused) */
    LDLMD_RELEASE_RETRY /* the server could not be reached: try later */
} ldlmd_release_outcome;

/* One attempt to unlock a held handle; logs final failures. The handle
 * stays the caller's. */
ldlmd_release_outcome ldlmd_release_try(ldlm_handle *h);

/* Releases a handle now, or hands it to the worker; takes ownership. True
 * if it was released at once. NULL is a no-op (false). */
bool ldlmd_release_handle(ldlmd *d, ldlm_handle *h);

/* Releases every slot of a detached session and frees it. *released and
 * *pending (may be NULL) count the slots released now and those left to
 * the worker. */
void ldlmd_release_session(ldlmd *d, ldlmd_session *s, unsigned *released,
                           unsigned *pending);

/* The same without a single server call (the main loop must not block):
 * every slot goes to the worker, then the session is freed. */
void ldlmd_release_session_later(ldlmd *d, ldlmd_session *s);

#endif /* LDLMD_RELEASE_H */
