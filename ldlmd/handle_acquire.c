/* SPDX-License-Identifier: MIT */
/*
 * handle_acquire.c - an acquisition request: slots, then a session whose
 * token goes back to the client. The slots are never left behind: if the
 * answer comes too late or the client is gone, they are given back.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ldlm_util.h>

#include "acquire.h"
#include "agent_wire.h"
#include "connection.h"
#include "log.h"
#include "proc.h"
#include "release.h"
#include "sessions.h"
#include "token.h"

typedef struct waiting_ctx {
    ldlmd_conn *c;
} waiting_ctx;

/* Tells the client its login now waits for a slot. */
static void on_waiting(void *ctx, size_t index, long seconds)
{
    waiting_ctx *w = ctx;
    Ldlmd__Waiting wt = LDLMD__WAITING__INIT;
    wt.lock_index = (uint32_t)index;
    wt.seconds = (uint32_t)seconds;
    Ldlmd__Response r = LDLMD__RESPONSE__INIT;
    r.version = LDLM_AGENT_PROTOCOL_VERSION;
    r.status = LDLMD__STATUS__STATUS_OK;
    r.body_case = LDLMD__RESPONSE__BODY_WAITING;
    r.waiting = &wt;
    (void)ldlmd_conn_send(w->c, &r); /* a client gone is seen later */
}

static int answer(ldlmd_conn *c, Ldlmd__Status status, const char *message,
                  const char *token, size_t failed_lock, ldlm_err err,
                  long elapsed_ms)
{
    Ldlmd__AcquireReply ar = LDLMD__ACQUIRE_REPLY__INIT;
    ar.token = (char *)(token != NULL ? token : "");
    ar.failed_lock = (uint32_t)failed_lock;
    ar.ldlm_error = (int32_t)err;
    ar.elapsed_ms = elapsed_ms > 0 ? (uint32_t)elapsed_ms : 0;
    Ldlmd__Response r = LDLMD__RESPONSE__INIT;
    r.version = LDLM_AGENT_PROTOCOL_VERSION;
    r.status = status;
    r.message = (char *)(message != NULL ? message : "");
    r.body_case = LDLMD__RESPONSE__BODY_ACQUIRED;
    r.acquired = &ar;
    return ldlmd_conn_send(c, &r);
}

static void give_back(ldlmd *d, ldlm_handle **handles, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ldlmd_release_handle(d, handles[i]);
        handles[i] = NULL;
    }
}

/* The client closed its end (it gave up waiting): nobody will ever see
 * the token. A half-closed client (shutdown for writing) still reads. */
static bool client_gone(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR)) != 0;
}

/* The session of held slots; NULL if out of memory or no token. */
static ldlmd_session *new_session(const Ldlmd__AcquireRequest *req,
                                  ldlm_handle **handles, pid_t pid,
                                  uint64_t start_time)
{
    const Ldlmd__Identity *who = req->who;
    ldlmd_session *s = ldlmd_session_new(who->user, who->service, who->tty,
                                         who->rhost, req->n_locks);
    if (s == NULL)
        return NULL;
    if (ldlmd_token_new(s->token) < 0) {
        ldlmd_log(LOG_ERR, "cannot read random bytes for a token: %m");
        ldlmd_session_free(s);
        return NULL;
    }
    s->pid = pid;
    s->start_time = start_time;
    s->since = (int64_t)time(NULL);
    for (size_t i = 0; i < req->n_locks; i++) {
        ldlmd_slot *slot = &s->slots[i];
        slot->name = strdup(req->locks[i]->name);
        slot->size = req->locks[i]->size;
        slot->key = ldlm_handle_key(handles[i]);
        slot->state = LDLMD_SLOT_HELD;
        if (slot->name == NULL || slot->key == NULL) {
            ldlmd_session_free(s);
            return NULL;
        }
    }
    /* Only now: a session freed above must not free the caller's
     * handles. */
    for (size_t i = 0; i < req->n_locks; i++)
        s->slots[i].handle = handles[i];
    return s;
}

/* The log line of a new session, written before it joins the table:
 * afterwards it may end, and be freed, at any moment. */
static void describe_opened(const ldlmd_session *s, char *line, size_t size)
{
    char who[512], locks[768];
    ldlmd_session_describe(s, who, sizeof who);
    size_t used = 0;
    locks[0] = '\0';
    for (size_t i = 0; i < s->slot_count && used < sizeof locks; i++) {
        char name[160];
        ldlmu_printable_into(s->slots[i].name, name, sizeof name);
        int n = snprintf(locks + used, sizeof locks - used, "%s%s (size %d)",
                         i > 0 ? ", " : "", name, s->slots[i].size);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    snprintf(line, size, "session %s opened: %s", who, locks);
}

void ldlmd_handle_acquire(ldlmd_conn *c, const Ldlmd__AcquireRequest *req,
                          long received_ms)
{
    ldlmd *d = c->d;
    long budget = req->timeout_ms > 0
                      ? (long)req->timeout_ms
                      : (long)req->wait_seconds * 1000L +
                            (long)d->call_timeout_ms * (long)(req->n_locks + 1);
    long deadline = received_ms + budget;
    pid_t pid = req->who->pid > 0 ? (pid_t)req->who->pid : c->peer_pid;

    uint64_t start_time = 0;
    int pidfd = ldlmd_proc_watch(pid, 0, &start_time);
    if (pidfd < 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "process %ld does not exist", (long)pid);
        answer(c, LDLMD__STATUS__STATUS_NO_PROCESS, msg, NULL, 0, LDLM_OK, 0);
        return;
    }

    ldlm_handle *handles[LDLM_AGENT_MAX_LOCKS] = {NULL};
    ldlmd_acquire_result res;
    waiting_ctx wctx = {.c = c};
    if (ldlmd_acquire(d, req, deadline, on_waiting, &wctx, handles, &res) < 0) {
        close(pidfd);
        ldlmd_log(LOG_INFO, "pid %ld: no slots: %s", (long)pid,
                  res.problem.message);
        answer(c, res.problem.status, res.problem.message, NULL,
               res.failed_lock, res.err, ldlm_wire_now_ms() - received_ms);
        return;
    }

    long elapsed = ldlm_wire_now_ms() - received_ms;
    if (ldlm_wire_now_ms() > deadline || client_gone(c->fd)) {
        close(pidfd);
        give_back(d, handles, req->n_locks);
        ldlmd_log(LOG_NOTICE,
                  "pid %ld: slots taken after the client gave up (%ld ms); "
                  "given back",
                  (long)pid, elapsed);
        answer(c, LDLMD__STATUS__STATUS_TIMEOUT,
               "the slots came after the request's time ran out", NULL, 0,
               LDLM_OK, elapsed);
        return;
    }

    ldlmd_session *s = new_session(req, handles, pid, start_time);
    if (s == NULL) {
        close(pidfd);
        give_back(d, handles, req->n_locks);
        answer(c, LDLMD__STATUS__STATUS_LOCAL_ERROR, "out of memory", NULL, 0,
               LDLM_OK, elapsed);
        return;
    }
    s->pidfd = pidfd;
    char line[1400];
    describe_opened(s, line, sizeof line);
    char token[LDLM_AGENT_TOKEN_LEN + 1];
    memcpy(token, s->token, sizeof token);
    ldlmd_problem p;
    if (ldlmd_sessions_add(d->sessions, s, &p) < 0) {
        for (size_t i = 0; i < s->slot_count; i++)
            s->slots[i].handle = NULL; /* given back below */
        ldlmd_session_free(s);
        give_back(d, handles, req->n_locks);
        answer(c, p.status, p.message, NULL, 0, LDLM_OK, elapsed);
        return;
    }
    /* s is the table's now, not ours to touch. */
    atomic_fetch_add(&d->counters.sessions_opened, 1);
    ldlmd_log(LOG_INFO, "%s", line);
    if (answer(c, LDLMD__STATUS__STATUS_OK, NULL, token, 0, LDLM_OK, elapsed) <
        0) {
        ldlmd_session *gone = ldlmd_sessions_take_token(d->sessions, token);
        if (gone != NULL) {
            ldlmd_log(LOG_NOTICE,
                      "session %.*s: the client went away before it got its "
                      "token; slots released",
                      LDLMD_TOKEN_SHOWN, token);
            ldlmd_release_session(d, gone, NULL, NULL);
        }
    }
    explicit_bzero(token, sizeof token);
}
