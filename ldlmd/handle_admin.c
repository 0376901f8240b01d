/* SPDX-License-Identifier: MIT */
/*
 * handle_admin.c - `ldlm sessions` and `ldlm status`: the session list,
 * and ldlmd's state with a ping of the server.
 */
#include "config.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <ldlm_util.h>

#include "agent_wire.h"
#include "connection.h"
#include "log.h"
#include "sessions.h"

/* Asked to unlock with a key nobody holds: any answer of the lock logic
 * proves a round trip, and nothing changes on the server. */
#define PING_LOCK "ldlmd/ping"
#define PING_KEY "ldlmd-ping"

void ldlmd_handle_list(ldlmd_conn *c)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    if (ldlmd_sessions_pack_list(c->d->sessions, &buf, &len) < 0) {
        ldlmd_conn_answer(c, LDLMD__STATUS__STATUS_LOCAL_ERROR,
                          "out of memory");
        return;
    }
    (void)ldlm_wire_send(c->fd, buf, len, ldlm_wire_now_ms() + LDLMD_WRITE_MS);
    free(buf);
}

static long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000000L + ts.tv_nsec / 1000L;
}

/* True when err is an answer of the server's lock logic. */
static bool server_answered(ldlm_err err)
{
    return err == LDLM_OK || (err <= LDLM_ERR_SERVER_UNKNOWN &&
                              err >= LDLM_ERR_INVALID_LOCK_SIZE);
}

void ldlmd_handle_status(ldlmd_conn *c)
{
    ldlmd *d = c->d;
    Ldlmd__StatusReply sr = LDLMD__STATUS_REPLY__INIT;
    char error[256] = "";
    long t0 = now_us();
    ldlm_err err = ldlm_unlock(d->client, PING_LOCK, PING_KEY, NULL);
    long t1 = now_us();
    sr.connected = server_answered(err);
    sr.ping_us = (uint32_t)(t1 - t0);
    if (!sr.connected) {
        char detail[160];
        ldlmu_printable_into(ldlm_last_error_message(), detail, sizeof detail);
        snprintf(error, sizeof error, "%s%s%s", ldlm_strerror(err),
                 detail[0] ? ": " : "", detail);
    }
    sr.ping_error = error;
    sr.version = PACKAGE_VERSION;
    sr.pid = (int32_t)getpid();
    sr.started = d->started;
    sr.server =
        (char *)(d->conn.server != NULL ? d->conn.server : "localhost:3144");
    sr.tls = d->conn.tls;
    sr.tls_verify = d->conn.tls && !d->conn.skip_verify;
    sr.tls_client_cert = d->conn.tls && d->conn.cert != NULL;
    unsigned sessions, held, not_held;
    ldlmd_sessions_count(d->sessions, &sessions, &held, &not_held);
    sr.sessions = sessions;
    sr.slots_held = held;
    sr.slots_not_held = not_held;
    sr.reacquisitions = atomic_load(&d->counters.reacquisitions);
    sr.lost = atomic_load(&d->counters.lost);
    sr.sessions_opened = atomic_load(&d->counters.sessions_opened);
    sr.sessions_closed = atomic_load(&d->counters.sessions_closed);

    Ldlmd__Response r = LDLMD__RESPONSE__INIT;
    r.version = LDLM_AGENT_PROTOCOL_VERSION;
    r.status = LDLMD__STATUS__STATUS_OK;
    r.body_case = LDLMD__RESPONSE__BODY_DAEMON;
    r.daemon = &sr;
    (void)ldlmd_conn_send(c, &r);
}
