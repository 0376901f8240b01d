/* SPDX-License-Identifier: MIT */
/*
 * agent_slots.c - session slots through ldlmd (see agent_slots.h).
 */
#include "agent_slots.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent_client.h"
#include <ldlm_util.h>

/* Identity strings ldlmd accepts: at most LDLM_AGENT_MAX_IDENTITY bytes,
 * cut at a character boundary (they are already printable). */
typedef char identity_text[LDLM_AGENT_MAX_IDENTITY + 1];

/* Hands the agent's `waiting` event to the module's, with the request. */
typedef struct wait_context {
    const pldlm_slot_events *events;
    const pldlm_slot_request *requests;
    size_t count;
} wait_context;

static void on_waiting(void *context, size_t index, long seconds)
{
    const wait_context *w = context;
    if (index < w->count && w->events != NULL && w->events->waiting != NULL)
        w->events->waiting(w->events->context, &w->requests[index], seconds);
}

static const char *socket_shown(const char *socket)
{
    return socket != NULL ? socket : LDLM_AGENT_DEFAULT_SOCKET;
}

/* The answers that say something about the locks; the rest is ldlmd's or
 * our conversation with it failing. */
static pldlm_acquire_status status_of(ldlm_agent_status st)
{
    switch (st) {
    case LDLM_AGENT_OK:
        return PLDLM_ACQUIRED;
    case LDLM_AGENT_FULL:
        return PLDLM_SLOTS_FULL;
    case LDLM_AGENT_SIZE_MISMATCH:
        return PLDLM_SIZE_MISMATCH;
    case LDLM_AGENT_SERVER_ERROR:
        return PLDLM_SERVER_ERROR;
    default:
        return PLDLM_AGENT_ERROR;
    }
}

pldlm_acquire_status pldlm_agent_acquire(
    const pldlm_agent_settings *settings, const pldlm_slot_events *events,
    const pldlm_slot_request *requests, size_t count, const pldlm_identity *who,
    pldlm_token *token, pldlm_acquire_result *res)
{
    memset(res, 0, sizeof(*res));
    token->text[0] = '\0';
    int64_t started = ldlm_agent_deadline_after(0);
    if (count > LDLM_AGENT_MAX_LOCKS) {
        res->status = PLDLM_LOCAL_ERROR;
        snprintf(res->detail, sizeof(res->detail),
                 "the login needs %zu locks (the user's and its pools'), "
                 "more than the %d that ldlmd takes for one session",
                 count, LDLM_AGENT_MAX_LOCKS);
        return res->status;
    }
    ldlm_agent *a = ldlm_agent_new(settings->socket, settings->deadline_ms);
    if (a == NULL) {
        res->status = PLDLM_AGENT_ERROR;
        snprintf(res->detail, sizeof(res->detail), "out of memory");
        return res->status;
    }
    ldlm_agent_lock locks[LDLM_AGENT_MAX_LOCKS];
    for (size_t i = 0; i < count; i++)
        locks[i] = (ldlm_agent_lock){.name = requests[i].lock_name,
                                     .size = requests[i].size};
    identity_text user, service, tty, rhost;
    ldlmu_printable_into(who->user, user, sizeof(user));
    ldlmu_printable_into(who->service, service, sizeof(service));
    ldlmu_printable_into(settings->tty, tty, sizeof(tty));
    ldlmu_printable_into(who->rhost, rhost, sizeof(rhost));
    /* The process that opens the session is the one ldlmd watches: its
     * exit (a crash, kill -9, the end of the connection's sshd) ends the
     * session. */
    const ldlm_agent_identity id = {.user = user,
                                    .service = service,
                                    .tty = tty,
                                    .rhost = rhost,
                                    .pid = getpid()};
    wait_context w = {.events = events, .requests = requests, .count = count};
    ldlm_agent_acquire_result ar;
    memset(&ar, 0, sizeof(ar));
    ldlm_agent_status st = ldlm_agent_acquire(
        a, locks, count, &id, settings->wait_seconds, on_waiting, &w, &ar);
    res->status = status_of(st);
    res->elapsed_ms = (long)(ldlm_agent_deadline_after(0) - started);
    res->request = ar.failed_lock < count ? ar.failed_lock : 0;
    if (st == LDLM_AGENT_OK) {
        memcpy(token->text, ar.token, sizeof(token->text));
    } else if (res->status == PLDLM_AGENT_ERROR) {
        snprintf(res->detail, sizeof(res->detail), "ldlmd at %s: %s: %s",
                 socket_shown(settings->socket), ldlm_agent_strerror(st),
                 ldlm_agent_error(a));
    } else {
        snprintf(res->detail, sizeof(res->detail), "through ldlmd: %s",
                 ldlm_agent_error(a));
    }
    ldlm_agent_free(a);
    return res->status;
}

pldlm_release_status pldlm_agent_release(const char *socket,
                                         int64_t deadline_ms, const char *token,
                                         pldlm_release_result *res)
{
    memset(res, 0, sizeof(*res));
    ldlm_agent *a = ldlm_agent_new(socket, deadline_ms);
    if (a == NULL) {
        res->status = PLDLM_RELEASE_FAILED;
        snprintf(res->detail, sizeof(res->detail), "out of memory");
        return res->status;
    }
    ldlm_agent_status st = ldlm_agent_release(a, token, &res->released);
    if (st == LDLM_AGENT_OK) {
        res->status = PLDLM_RELEASED;
    } else if (st == LDLM_AGENT_NOT_FOUND) {
        res->status = PLDLM_ALREADY_ENDED;
    } else {
        res->status = PLDLM_RELEASE_FAILED;
        snprintf(res->detail, sizeof(res->detail), "ldlmd at %s: %s: %s",
                 socket_shown(socket), ldlm_agent_strerror(st),
                 ldlm_agent_error(a));
    }
    ldlm_agent_free(a);
    return res->status;
}

bool pldlm_token_valid(const char *s)
{
    if (s == NULL || strlen(s) != LDLM_AGENT_TOKEN_LEN)
        return false;
    for (const char *p = s; *p != '\0'; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}
