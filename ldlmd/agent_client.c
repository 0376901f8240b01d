/* SPDX-License-Identifier: MIT */
/*
 * agent_client.c - the client side of ldlmd's local protocol (see
 * agent_client.h): connection, one framed request, its answer(s).
 */
#include "agent_client.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent_wire.h"
#include "ldlmd.pb-c.h"

#define AGENT_ERROR_MAX 512

struct ldlm_agent {
    char *path;
    long deadline_ms;
    int fd; /* -1 until connected */
    unsigned daemon_version;
    char error[AGENT_ERROR_MAX];
};

const char *ldlm_agent_strerror(ldlm_agent_status st)
{
    switch (st) {
    case LDLM_AGENT_OK:
        return "success";
    case LDLM_AGENT_FULL:
        return "every slot is taken";
    case LDLM_AGENT_SIZE_MISMATCH:
        return "the server has the lock with another size";
    case LDLM_AGENT_SERVER_ERROR:
        return "the LDLM server is unreachable or refused";
    case LDLM_AGENT_DAEMON_ERROR:
        return "ldlmd failed";
    case LDLM_AGENT_NOT_FOUND:
        return "no such session";
    case LDLM_AGENT_NO_PROCESS:
        return "the session's process does not exist";
    case LDLM_AGENT_REFUSED:
        return "ldlmd refused the request";
    case LDLM_AGENT_PERMISSION:
        return "not allowed to talk to ldlmd";
    case LDLM_AGENT_UNREACHABLE:
        return "ldlmd is unreachable";
    case LDLM_AGENT_TIMEOUT:
        return "ldlmd did not answer in time";
    case LDLM_AGENT_PROTOCOL:
        return "the conversation with ldlmd broke";
    case LDLM_AGENT_INVALID_ARGUMENT:
        return "invalid argument";
    case LDLM_AGENT_NO_MEMORY:
        return "out of memory";
    }
    return "unknown status";
}

long ldlm_agent_deadline_after(long ms)
{
    return ldlm_wire_now_ms() + ms;
}

static ldlm_agent_status fail(ldlm_agent *a, ldlm_agent_status st,
                              const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static ldlm_agent_status fail(ldlm_agent *a, ldlm_agent_status st,
                              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->error, sizeof a->error, fmt, ap);
    va_end(ap);
    return st;
}

ldlm_agent *ldlm_agent_new(const char *socket_path, long deadline_ms)
{
    ldlm_agent *a = calloc(1, sizeof *a);
    if (a == NULL)
        return NULL;
    a->path =
        strdup(socket_path != NULL ? socket_path : LDLM_AGENT_DEFAULT_SOCKET);
    if (a->path == NULL) {
        free(a);
        return NULL;
    }
    a->deadline_ms = deadline_ms;
    a->fd = -1;
    return a;
}

void ldlm_agent_set_deadline(ldlm_agent *a, long deadline_ms)
{
    a->deadline_ms = deadline_ms;
}

static void disconnect(ldlm_agent *a)
{
    if (a->fd >= 0)
        close(a->fd);
    a->fd = -1;
}

void ldlm_agent_free(ldlm_agent *a)
{
    if (a == NULL)
        return;
    disconnect(a);
    free(a->path);
    free(a);
}

const char *ldlm_agent_error(const ldlm_agent *a)
{
    return a->error;
}

unsigned ldlm_agent_daemon_version(const ldlm_agent *a)
{
    return a->daemon_version;
}

/* A connect that cannot outlast the deadline: a non-blocking connect on a
 * Unix socket whose backlog is full would otherwise wait for ever. */
static ldlm_agent_status connect_socket(ldlm_agent *a)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(a->path) >= sizeof sa.sun_path)
        return fail(a, LDLM_AGENT_INVALID_ARGUMENT, "socket path too long: %s",
                    a->path);
    memcpy(sa.sun_path, a->path, strlen(a->path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return fail(a, LDLM_AGENT_UNREACHABLE, "socket: %s", strerror(errno));
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
        a->fd = fd;
        return LDLM_AGENT_OK;
    }
    if (errno != EAGAIN && errno != EINPROGRESS && errno != EINTR) {
        int e = errno;
        close(fd);
        return fail(a, LDLM_AGENT_UNREACHABLE, "cannot connect to %s: %s",
                    a->path, strerror(e));
    }
    for (;;) {
        long left = a->deadline_ms - ldlm_wire_now_ms();
        if (left <= 0) {
            close(fd);
            return fail(a, LDLM_AGENT_TIMEOUT,
                        "cannot connect to %s: timed out (ldlmd busy?)",
                        a->path);
        }
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return fail(a, LDLM_AGENT_UNREACHABLE, "poll: %s", strerror(e));
        }
        if (n == 0)
            continue;
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
            err = errno;
        if (err != 0) {
            close(fd);
            return fail(a, LDLM_AGENT_UNREACHABLE, "cannot connect to %s: %s",
                        a->path, strerror(err));
        }
        a->fd = fd;
        return LDLM_AGENT_OK;
    }
}

static ldlm_agent_status wire_failure(ldlm_agent *a, ldlm_wire_status ws,
                                      const char *what)
{
    int e = errno;
    disconnect(a);
    if (ws == LDLM_WIRE_TIMEOUT)
        return fail(a, LDLM_AGENT_TIMEOUT, "%s %s: timed out", what, a->path);
    if (ws == LDLM_WIRE_NO_MEMORY)
        return fail(a, LDLM_AGENT_NO_MEMORY, "%s %s: out of memory", what,
                    a->path);
    if (ws == LDLM_WIRE_IO_ERROR)
        return fail(a, LDLM_AGENT_PROTOCOL, "%s %s: %s", what, a->path,
                    strerror(e));
    return fail(a, LDLM_AGENT_PROTOCOL, "%s %s: %s", what, a->path,
                ldlm_wire_strerror(ws));
}

/* Maps ldlmd's answer to our status, keeping its message. */
static ldlm_agent_status from_daemon(ldlm_agent *a, const Ldlmd__Response *r)
{
    const char *msg = r->message != NULL && r->message[0] != '\0'
                          ? r->message
                          : "(no detail)";
    ldlm_agent_status st;
    switch (r->status) {
    case LDLMD__STATUS__STATUS_OK:
        a->error[0] = '\0';
        return LDLM_AGENT_OK;
    case LDLMD__STATUS__STATUS_FULL:
        st = LDLM_AGENT_FULL;
        break;
    case LDLMD__STATUS__STATUS_SIZE_MISMATCH:
        st = LDLM_AGENT_SIZE_MISMATCH;
        break;
    case LDLMD__STATUS__STATUS_SERVER_ERROR:
        st = LDLM_AGENT_SERVER_ERROR;
        break;
    case LDLMD__STATUS__STATUS_LOCAL_ERROR:
        st = LDLM_AGENT_DAEMON_ERROR;
        break;
    case LDLMD__STATUS__STATUS_NOT_FOUND:
        st = LDLM_AGENT_NOT_FOUND;
        break;
    case LDLMD__STATUS__STATUS_NO_PROCESS:
        st = LDLM_AGENT_NO_PROCESS;
        break;
    case LDLMD__STATUS__STATUS_PERMISSION:
        st = LDLM_AGENT_PERMISSION;
        break;
    case LDLMD__STATUS__STATUS_TIMEOUT:
        st = LDLM_AGENT_TIMEOUT;
        break;
    case LDLMD__STATUS__STATUS_BAD_REQUEST:
    case LDLMD__STATUS__STATUS_VERSION:
    case LDLMD__STATUS__STATUS_BUSY:
    case LDLMD__STATUS__STATUS_SHUTTING_DOWN:
        st = LDLM_AGENT_REFUSED;
        break;
    default:
        return fail(a, LDLM_AGENT_PROTOCOL,
                    "ldlmd answered with unknown status %d: %s", (int)r->status,
                    msg);
    }
    return fail(a, st, "ldlmd: %s", msg);
}

/*
 * Sends `req` and reads answers until a final one: *out is that answer (to
 * free with ldlmd__response__free_unpacked), whatever its status. Waiting
 * answers before it go to `waiting`.
 */
static ldlm_agent_status exchange(ldlm_agent *a, Ldlmd__Request *req,
                                  ldlm_agent_waiting_fn waiting, void *context,
                                  Ldlmd__Response **out)
{
    *out = NULL;
    a->error[0] = '\0';
    if (a->fd < 0) {
        ldlm_agent_status st = connect_socket(a);
        if (st != LDLM_AGENT_OK)
            return st;
    }
    req->version = LDLM_AGENT_PROTOCOL_VERSION;
    ldlm_wire_status ws =
        ldlm_wire_send_message(a->fd, &req->base, a->deadline_ms);
    /* ldlmd may have refused us and closed before our request arrived:
     * its answer is still there to read. */
    bool refused_early =
        ws == LDLM_WIRE_IO_ERROR && (errno == EPIPE || errno == ECONNRESET);
    if (ws != LDLM_WIRE_OK && !refused_early)
        return wire_failure(a, ws, "sending to");
    for (;;) {
        uint8_t *buf = NULL;
        size_t len = 0;
        ws = ldlm_wire_recv(a->fd, LDLM_AGENT_MAX_RESPONSE, a->deadline_ms,
                            &buf, &len, NULL);
        if (ws == LDLM_WIRE_CLOSED) {
            /* ldlmd closes at once on a peer it refuses, possibly before
             * our request arrived: that is a refusal, not a protocol
             * breach, but we cannot know which; say what we saw. */
            disconnect(a);
            return fail(a, LDLM_AGENT_PROTOCOL,
                        "ldlmd at %s closed the connection without an "
                        "answer",
                        a->path);
        }
        if (ws != LDLM_WIRE_OK)
            return wire_failure(a, ws, "reading from");
        Ldlmd__Response *r = ldlmd__response__unpack(NULL, len, buf);
        free(buf);
        if (r == NULL) {
            disconnect(a);
            return fail(a, LDLM_AGENT_PROTOCOL,
                        "unreadable answer from ldlmd at %s", a->path);
        }
        a->daemon_version = r->version;
        if (r->body_case == LDLMD__RESPONSE__BODY_WAITING) {
            if (waiting != NULL)
                waiting(context, r->waiting->lock_index,
                        (long)r->waiting->seconds);
            ldlmd__response__free_unpacked(r, NULL);
            continue;
        }
        *out = r;
        return LDLM_AGENT_OK;
    }
}

/*
 * exchange() for a request whose success answer carries `body`: a final
 * answer that says OK without it breaks the protocol, "ldlmd answered
 * WITHOUT" (*out NULL, the connection dropped). Any other final answer is
 * in *out, whatever its status, for answer_status() or the caller.
 */
static ldlm_agent_status
exchange_for(ldlm_agent *a, Ldlmd__Request *req, ldlm_agent_waiting_fn waiting,
             void *context, Ldlmd__Response__BodyCase body, const char *without,
             Ldlmd__Response **out)
{
    ldlm_agent_status st = exchange(a, req, waiting, context, out);
    if (st != LDLM_AGENT_OK)
        return st;
    Ldlmd__Response *r = *out;
    if (r->status == LDLMD__STATUS__STATUS_OK && r->body_case != body) {
        ldlmd__response__free_unpacked(r, NULL);
        *out = NULL;
        disconnect(a);
        return fail(a, LDLM_AGENT_PROTOCOL, "ldlmd answered %s", without);
    }
    return LDLM_AGENT_OK;
}

/* The end of a request: ldlmd's status as ours (from_daemon); frees r. */
static ldlm_agent_status answer_status(ldlm_agent *a, Ldlmd__Response *r)
{
    ldlm_agent_status st = from_daemon(a, r);
    ldlmd__response__free_unpacked(r, NULL);
    return st;
}

/* A copy for the wire: protobuf-c's "" default is static, never freed. */
static char *wire_string(const char *s)
{
    return (char *)(s != NULL ? s : "");
}

/* At most max bytes (ldlmd checks the encoding). */
static bool fits(const char *s, size_t max)
{
    return s == NULL || strnlen(s, max + 1) <= max;
}

ldlm_agent_status
ldlm_agent_acquire(ldlm_agent *a, const ldlm_agent_lock *locks, size_t count,
                   const ldlm_agent_identity *who, int wait_seconds,
                   ldlm_agent_waiting_fn waiting, void *context,
                   ldlm_agent_acquire_result *res)
{
    memset(res, 0, sizeof *res);
    if (count == 0 || count > LDLM_AGENT_MAX_LOCKS || locks == NULL ||
        who == NULL || wait_seconds < 0 ||
        wait_seconds > LDLM_AGENT_MAX_WAIT_SECONDS)
        return fail(a, LDLM_AGENT_INVALID_ARGUMENT,
                    "acquire: between 1 and %d locks and a wait of 0 to %d "
                    "seconds",
                    LDLM_AGENT_MAX_LOCKS, LDLM_AGENT_MAX_WAIT_SECONDS);
    if (!fits(who->user, LDLM_AGENT_MAX_IDENTITY) ||
        !fits(who->service, LDLM_AGENT_MAX_IDENTITY) ||
        !fits(who->tty, LDLM_AGENT_MAX_IDENTITY) ||
        !fits(who->rhost, LDLM_AGENT_MAX_IDENTITY))
        return fail(a, LDLM_AGENT_INVALID_ARGUMENT,
                    "acquire: identity strings are at most %d bytes",
                    LDLM_AGENT_MAX_IDENTITY);

    Ldlmd__LockSpec specs[LDLM_AGENT_MAX_LOCKS];
    Ldlmd__LockSpec *spec_ptrs[LDLM_AGENT_MAX_LOCKS];
    for (size_t i = 0; i < count; i++) {
        if (locks[i].name == NULL || locks[i].name[0] == '\0')
            return fail(a, LDLM_AGENT_INVALID_ARGUMENT,
                        "acquire: lock %zu has no name", i);
        ldlmd__lock_spec__init(&specs[i]);
        specs[i].name = wire_string(locks[i].name);
        specs[i].size = locks[i].size;
        spec_ptrs[i] = &specs[i];
    }
    Ldlmd__Identity id = LDLMD__IDENTITY__INIT;
    id.user = wire_string(who->user);
    id.service = wire_string(who->service);
    id.tty = wire_string(who->tty);
    id.rhost = wire_string(who->rhost);
    id.pid = (int32_t)who->pid;

    Ldlmd__AcquireRequest acq = LDLMD__ACQUIRE_REQUEST__INIT;
    acq.n_locks = count;
    acq.locks = spec_ptrs;
    acq.who = &id;
    acq.wait_seconds = (uint32_t)wait_seconds;
    long left = a->deadline_ms - ldlm_wire_now_ms();
    if (left <= 0)
        return fail(a, LDLM_AGENT_TIMEOUT, "acquire: the deadline passed");
    acq.timeout_ms = left > (long)LDLM_AGENT_MAX_TIMEOUT_MS
                         ? LDLM_AGENT_MAX_TIMEOUT_MS
                         : (uint32_t)left;

    Ldlmd__Request req = LDLMD__REQUEST__INIT;
    req.body_case = LDLMD__REQUEST__BODY_ACQUIRE;
    req.acquire = &acq;

    Ldlmd__Response *r = NULL;
    ldlm_agent_status st =
        exchange_for(a, &req, waiting, context, LDLMD__RESPONSE__BODY_ACQUIRED,
                     "an acquisition without its result", &r);
    if (st != LDLM_AGENT_OK)
        return st;
    /* Also on a failure: which lock failed, and the server's error. */
    if (r->body_case == LDLMD__RESPONSE__BODY_ACQUIRED) {
        const Ldlmd__AcquireReply *ar = r->acquired;
        res->failed_lock = ar->failed_lock;
        res->ldlm_error = ar->ldlm_error;
        res->elapsed_ms = (long)ar->elapsed_ms;
        if (r->status == LDLMD__STATUS__STATUS_OK) {
            if (strlen(ar->token) != LDLM_AGENT_TOKEN_LEN) {
                ldlmd__response__free_unpacked(r, NULL);
                disconnect(a);
                return fail(a, LDLM_AGENT_PROTOCOL,
                            "ldlmd answered without a valid token");
            }
            memcpy(res->token, ar->token, LDLM_AGENT_TOKEN_LEN + 1);
        }
    }
    return answer_status(a, r);
}

ldlm_agent_status ldlm_agent_release(ldlm_agent *a, const char *token,
                                     unsigned *released)
{
    if (released != NULL)
        *released = 0;
    if (token == NULL || strlen(token) != LDLM_AGENT_TOKEN_LEN)
        return fail(a, LDLM_AGENT_INVALID_ARGUMENT,
                    "a session token is %d hexadecimal digits",
                    LDLM_AGENT_TOKEN_LEN);
    Ldlmd__ReleaseRequest rel = LDLMD__RELEASE_REQUEST__INIT;
    rel.token = wire_string(token);
    Ldlmd__Request req = LDLMD__REQUEST__INIT;
    req.body_case = LDLMD__REQUEST__BODY_RELEASE;
    req.release = &rel;

    Ldlmd__Response *r = NULL;
    ldlm_agent_status st = exchange(a, &req, NULL, NULL, &r);
    if (st != LDLM_AGENT_OK)
        return st;
    if (r->body_case == LDLMD__RESPONSE__BODY_RELEASED && released != NULL)
        *released = r->released->released;
    return answer_status(a, r);
}

const char *ldlm_agent_slot_state_name(ldlm_agent_slot_state s)
{
    switch (s) {
    case LDLM_AGENT_SLOT_HELD:
        return "held";
    case LDLM_AGENT_SLOT_PENDING:
        return "pending";
    case LDLM_AGENT_SLOT_REACQUIRING:
        return "reacquiring";
    case LDLM_AGENT_SLOT_LOST:
        return "lost";
    case LDLM_AGENT_SLOT_UNKNOWN:
        break;
    }
    return "unknown";
}

static ldlm_agent_slot_state slot_state(Ldlmd__SlotState s)
{
    switch (s) {
    case LDLMD__SLOT_STATE__SLOT_HELD:
        return LDLM_AGENT_SLOT_HELD;
    case LDLMD__SLOT_STATE__SLOT_PENDING:
        return LDLM_AGENT_SLOT_PENDING;
    case LDLMD__SLOT_STATE__SLOT_REACQUIRING:
        return LDLM_AGENT_SLOT_REACQUIRING;
    case LDLMD__SLOT_STATE__SLOT_LOST:
        return LDLM_AGENT_SLOT_LOST;
    default:
        return LDLM_AGENT_SLOT_UNKNOWN;
    }
}

/* The list keeps the unpacked answer: the strings point into it. */
typedef struct sessions_storage {
    Ldlmd__Response *response;
    ldlm_agent_session *sessions;
    ldlm_agent_slot *slots;
} sessions_storage;

void ldlm_agent_sessions_free(ldlm_agent_sessions *s)
{
    if (s == NULL)
        return;
    sessions_storage *st = s->storage_;
    if (st != NULL) {
        ldlmd__response__free_unpacked(st->response, NULL);
        free(st->sessions);
        free(st->slots);
        free(st);
    }
    free(s);
}

static const char *identity_field(const Ldlmd__Identity *who, int which)
{
    if (who == NULL)
        return "";
    switch (which) {
    case 0:
        return who->user;
    case 1:
        return who->service;
    case 2:
        return who->tty;
    default:
        return who->rhost;
    }
}

static ldlm_agent_status build_sessions(ldlm_agent *a, Ldlmd__Response *r,
                                        ldlm_agent_sessions **out)
{
    const Ldlmd__ListReply *lr = r->sessions;
    size_t nslots = 0;
    for (size_t i = 0; i < lr->n_sessions; i++)
        nslots += lr->sessions[i]->n_slots;
    ldlm_agent_sessions *s = calloc(1, sizeof *s);
    sessions_storage *st = calloc(1, sizeof *st);
    ldlm_agent_session *sess =
        calloc(lr->n_sessions > 0 ? lr->n_sessions : 1, sizeof *sess);
    ldlm_agent_slot *slots = calloc(nslots > 0 ? nslots : 1, sizeof *slots);
    if (s == NULL || st == NULL || sess == NULL || slots == NULL) {
        free(s);
        free(st);
        free(sess);
        free(slots);
        ldlmd__response__free_unpacked(r, NULL);
        return fail(a, LDLM_AGENT_NO_MEMORY, "out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; i < lr->n_sessions; i++) {
        const Ldlmd__Session *in = lr->sessions[i];
        ldlm_agent_session *o = &sess[i];
        o->token = in->token;
        o->user = identity_field(in->who, 0);
        o->service = identity_field(in->who, 1);
        o->tty = identity_field(in->who, 2);
        o->rhost = identity_field(in->who, 3);
        o->pid = in->who != NULL ? (pid_t)in->who->pid : 0;
        o->since = in->since;
        o->slots = &slots[k];
        o->slot_count = in->n_slots;
        for (size_t j = 0; j < in->n_slots; j++, k++) {
            slots[k].name = in->slots[j]->name;
            slots[k].size = in->slots[j]->size;
            slots[k].state = slot_state(in->slots[j]->state);
            slots[k].reacquired = in->slots[j]->reacquired;
        }
    }
    st->response = r;
    st->sessions = sess;
    st->slots = slots;
    s->sessions = sess;
    s->count = lr->n_sessions;
    s->storage_ = st;
    *out = s;
    return LDLM_AGENT_OK;
}

ldlm_agent_status ldlm_agent_list(ldlm_agent *a, ldlm_agent_sessions **out)
{
    *out = NULL;
    Ldlmd__ListRequest list = LDLMD__LIST_REQUEST__INIT;
    Ldlmd__Request req = LDLMD__REQUEST__INIT;
    req.body_case = LDLMD__REQUEST__BODY_LIST;
    req.list = &list;
    Ldlmd__Response *r = NULL;
    ldlm_agent_status st =
        exchange_for(a, &req, NULL, NULL, LDLMD__RESPONSE__BODY_SESSIONS,
                     "a list request without the list", &r);
    if (st != LDLM_AGENT_OK)
        return st;
    if (r->status != LDLMD__STATUS__STATUS_OK)
        return answer_status(a, r);
    return build_sessions(a, r, out);
}

void ldlm_agent_daemon_info_free(ldlm_agent_daemon_info *info)
{
    if (info == NULL)
        return;
    ldlmd__response__free_unpacked(info->storage_, NULL);
    free(info);
}

ldlm_agent_status ldlm_agent_daemon_status(ldlm_agent *a,
                                           ldlm_agent_daemon_info **out)
{
    *out = NULL;
    Ldlmd__StatusRequest sr = LDLMD__STATUS_REQUEST__INIT;
    Ldlmd__Request req = LDLMD__REQUEST__INIT;
    req.body_case = LDLMD__REQUEST__BODY_STATUS;
    req.status = &sr;
    Ldlmd__Response *r = NULL;
    ldlm_agent_status st =
        exchange_for(a, &req, NULL, NULL, LDLMD__RESPONSE__BODY_DAEMON,
                     "a status request without it", &r);
    if (st != LDLM_AGENT_OK)
        return st;
    if (r->status != LDLMD__STATUS__STATUS_OK)
        return answer_status(a, r);
    ldlm_agent_daemon_info *info = calloc(1, sizeof *info);
    if (info == NULL) {
        ldlmd__response__free_unpacked(r, NULL);
        return fail(a, LDLM_AGENT_NO_MEMORY, "out of memory");
    }
    const Ldlmd__StatusReply *d = r->daemon;
    info->version = d->version;
    info->protocol = r->version;
    info->pid = (pid_t)d->pid;
    info->started = d->started;
    info->server = d->server;
    info->tls = d->tls;
    info->tls_verify = d->tls_verify;
    info->tls_client_cert = d->tls_client_cert;
    info->connected = d->connected;
    info->ping_us = (long)d->ping_us;
    info->ping_error = d->ping_error;
    info->sessions = d->sessions;
    info->slots_held = d->slots_held;
    info->slots_not_held = d->slots_not_held;
    info->reacquisitions = d->reacquisitions;
    info->lost = d->lost;
    info->sessions_opened = d->sessions_opened;
    info->sessions_closed = d->sessions_closed;
    info->storage_ = r;
    *out = info;
    return LDLM_AGENT_OK;
}
