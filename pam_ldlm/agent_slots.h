/* SPDX-License-Identifier: MIT */
/*
 * agent_slots.h - session slots through ldlmd, the host's daemon
 * (mode=agent): the same requests, identity and events as slots.h, but the
 * slots are held by ldlmd's one connection and named by a session token.
 *
 * Nothing here loads gRPC or libldlm: the agent client speaks to a Unix
 * socket (ldlmd/agent_client.h), and a login's process gets no thread.
 *
 * Time: every call is over by the deadline given (CLOCK_MONOTONIC ms, the
 * login's timeout=), connection to ldlmd included.
 *
 * Processes: ldlmd ends a session when its token is released by any process
 * or when the process that took it exits, whichever comes first.
 */
#ifndef PAM_LDLM_AGENT_SLOTS_H
#define PAM_LDLM_AGENT_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent_protocol.h"
#include "slots.h"

/* The name of the PAM environment variable that carries the token from
 * the opening of a session to its close. */
#define PLDLM_TOKEN_ENV "LDLM_SESSION_TOKEN"

/* A session token, or "" for none. */
typedef struct pldlm_token {
    char text[LDLM_AGENT_TOKEN_LEN + 1];
} pldlm_token;

/* What a call to ldlmd needs. */
typedef struct pldlm_agent_settings {
    const char *socket;  /* NULL: ldlmd's default socket */
    int64_t deadline_ms; /* CLOCK_MONOTONIC, in ms */
    int wait_seconds;    /* acquisitions: a login may wait this long */
    const char *tty;     /* PAM_TTY, printable; may be NULL */
} pldlm_agent_settings;

/*
 * Takes one slot of every request through ldlmd, all or nothing, for a
 * session watched by this process (getpid()). Returns res->status:
 * PLDLM_ACQUIRED with *token set, PLDLM_SLOTS_FULL, PLDLM_SIZE_MISMATCH or
 * PLDLM_SERVER_ERROR (res->request says which), or PLDLM_AGENT_ERROR
 * (ldlmd unreachable, too slow, or failing). res->detail says why.
 */
pldlm_acquire_status pldlm_agent_acquire(
    const pldlm_agent_settings *settings, const pldlm_slot_events *events,
    const pldlm_slot_request *requests, size_t count, const pldlm_identity *who,
    pldlm_token *token, pldlm_acquire_result *res);

typedef enum pldlm_release_status {
    PLDLM_RELEASED = 0,   /* ldlmd ended the session */
    PLDLM_ALREADY_ENDED,  /* no session has the token (ended already) */
    PLDLM_RELEASE_FAILED, /* ldlmd could not be asked: see detail */
} pldlm_release_status;

typedef struct pldlm_release_result {
    pldlm_release_status status;
    unsigned released; /* slots released on the server at once */
    char detail[512];  /* for the log */
} pldlm_release_result;

/* Ends the session of `token` (in any process). */
pldlm_release_status pldlm_agent_release(const char *socket,
                                         int64_t deadline_ms, const char *token,
                                         pldlm_release_result *res);

/* True if `s` has the form of a token (lower-case hex of the right
 * length): anything else read from the PAM environment is not sent. */
bool pldlm_token_valid(const char *s);

#endif /* PAM_LDLM_AGENT_SLOTS_H */
