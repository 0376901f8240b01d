/* SPDX-License-Identifier: MIT */
/*
 * connection.c - the thread of a client connection (see connection.h).
 */
#include "connection.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "agent_protocol.h"
#include "agent_wire.h"
#include "log.h"
#include "request.h"

int ldlmd_conn_send(ldlmd_conn *c, const Ldlmd__Response *r)
{
    ldlm_wire_status st = ldlm_wire_send_message(
        c->fd, &r->base, ldlm_wire_now_ms() + LDLMD_WRITE_MS);
    return st == LDLM_WIRE_OK ? 0 : -1;
}

int ldlmd_conn_answer(ldlmd_conn *c, Ldlmd__Status status, const char *message)
{
    Ldlmd__Response r = LDLMD__RESPONSE__INIT;
    r.version = LDLM_AGENT_PROTOCOL_VERSION;
    r.status = status;
    r.message = (char *)(message != NULL ? message : "");
    return ldlmd_conn_send(c, &r);
}

void ldlmd_conn_refuse(int fd, Ldlmd__Status status, const char *message)
{
    Ldlmd__Response r = LDLMD__RESPONSE__INIT;
    r.version = LDLM_AGENT_PROTOCOL_VERSION;
    r.status = status;
    r.message = (char *)message;
    /* A fresh socket's buffer takes a small answer at once; deadline 0
     * means we never wait for a peer that does not read. */
    (void)ldlm_wire_send_message(fd, &r.base, 0);
    close(fd);
}

/* Reads and answers requests until the connection ends. */
static void serve(ldlmd_conn *c)
{
    for (;;) {
        uint8_t *buf = NULL;
        size_t len = 0;
        uint32_t announced = 0;
        ldlm_wire_status ws = ldlm_wire_recv(c->fd, LDLM_AGENT_MAX_REQUEST,
                                             ldlm_wire_now_ms() + LDLMD_IDLE_MS,
                                             &buf, &len, &announced);
        if (ws == LDLM_WIRE_TOO_LARGE) {
            char msg[128];
            snprintf(msg, sizeof msg,
                     "request of %lu bytes is over the limit of %d bytes",
                     (unsigned long)announced, LDLM_AGENT_MAX_REQUEST);
            ldlmd_log(LOG_NOTICE, "pid %ld: %s", (long)c->peer_pid, msg);
            ldlmd_conn_answer(c, LDLMD__STATUS__STATUS_BAD_REQUEST, msg);
            return; /* the rest of that frame cannot be skipped safely */
        }
        if (ws == LDLM_WIRE_TRUNCATED)
            ldlmd_log(LOG_NOTICE, "pid %ld closed in the middle of a request",
                      (long)c->peer_pid);
        if (ws != LDLM_WIRE_OK)
            return; /* closed, idle too long, or ldlmd stopping */
        long received_ms = ldlm_wire_now_ms();

        Ldlmd__Request *req = NULL;
        ldlmd_problem p;
        int rc = ldlmd_request_parse(buf, len, &req, &p);
        free(buf);
        if (rc < 0) {
            ldlmd_log(LOG_NOTICE, "pid %ld: refused request: %s",
                      (long)c->peer_pid, p.message);
            if (ldlmd_conn_answer(c, p.status, p.message) < 0)
                return;
            continue; /* the framing is intact: go on */
        }
        if (atomic_load(&c->d->stopping)) {
            ldlmd__request__free_unpacked(req, NULL);
            ldlmd_conn_answer(c, LDLMD__STATUS__STATUS_SHUTTING_DOWN,
                              "ldlmd is stopping");
            return;
        }
        switch (req->body_case) {
        case LDLMD__REQUEST__BODY_ACQUIRE:
            ldlmd_handle_acquire(c, req->acquire, received_ms);
            break;
        case LDLMD__REQUEST__BODY_RELEASE:
            ldlmd_handle_release(c, req->release);
            break;
        case LDLMD__REQUEST__BODY_LIST:
            ldlmd_handle_list(c);
            break;
        case LDLMD__REQUEST__BODY_STATUS:
            ldlmd_handle_status(c);
            break;
        default: /* refused by the parser */
            break;
        }
        ldlmd__request__free_unpacked(req, NULL);
    }
}

static void *conn_main(void *arg)
{
    ldlmd_conn *c = arg;
    ldlmd *d = c->d;
    serve(c);
    pthread_mutex_lock(&d->conn_mutex);
    d->conn_fds[c->slot] = -1;
    d->conn_count--;
    pthread_cond_broadcast(&d->conn_changed);
    pthread_mutex_unlock(&d->conn_mutex);
    close(c->fd);
    free(c);
    return NULL;
}

void ldlmd_conn_start(ldlmd *d, int fd, pid_t peer_pid, uid_t peer_uid)
{
    ldlmd_conn *c = calloc(1, sizeof *c);
    if (c == NULL) {
        ldlmd_conn_refuse(fd, LDLMD__STATUS__STATUS_BUSY, "out of memory");
        return;
    }
    c->d = d;
    c->fd = fd;
    c->peer_pid = peer_pid;
    c->peer_uid = peer_uid;
    c->slot = -1;
    pthread_mutex_lock(&d->conn_mutex);
    if (d->conn_count < d->opt.max_connections) {
        for (int i = 0; i < d->opt.max_connections; i++) {
            if (d->conn_fds[i] < 0) {
                c->slot = i;
                d->conn_fds[i] = fd;
                d->conn_count++;
                break;
            }
        }
    }
    pthread_mutex_unlock(&d->conn_mutex);
    if (c->slot < 0) {
        ldlmd_log(LOG_WARNING,
                  "refused a connection of pid %ld: %d connections already",
                  (long)peer_pid, d->opt.max_connections);
        free(c);
        ldlmd_conn_refuse(fd, LDLMD__STATUS__STATUS_BUSY,
                          "too many connections to ldlmd at once");
        return;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    int rc = pthread_create(&t, &attr, conn_main, c);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        ldlmd_log(LOG_ERR, "cannot start a connection thread: %s",
                  strerror(rc));
        pthread_mutex_lock(&d->conn_mutex);
        d->conn_fds[c->slot] = -1;
        d->conn_count--;
        pthread_mutex_unlock(&d->conn_mutex);
        free(c);
        ldlmd_conn_refuse(fd, LDLMD__STATUS__STATUS_BUSY,
                          "ldlmd cannot serve more connections now");
    }
}

int ldlmd_conn_drain(ldlmd *d, int timeout_ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&d->conn_mutex);
    /* A thread waiting for a request wakes with end of file; one in the
     * middle of an acquisition finishes it (libldlm's calls are cancelled)
     * and finds it cannot answer. */
    for (int i = 0; i < d->opt.max_connections; i++) {
        if (d->conn_fds[i] >= 0)
            shutdown(d->conn_fds[i], SHUT_RD);
    }
    int rc = 0;
    while (d->conn_count > 0 && rc == 0) {
        if (pthread_cond_timedwait(&d->conn_changed, &d->conn_mutex, &until) ==
            ETIMEDOUT)
            rc = -1;
    }
    rc = d->conn_count > 0 ? -1 : 0;
    pthread_mutex_unlock(&d->conn_mutex);
    return rc;
}
