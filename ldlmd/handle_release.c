/* SPDX-License-Identifier: MIT */
/*
 * handle_release.c - ending a session by its token, from any allowed
 * process (pam_close_session wherever it runs, `ldlm sessions --release`).
 */
#include <string.h>

#include "connection.h"
#include "log.h"
#include "release.h"
#include "sessions.h"

void ldlmd_handle_release(ldlmd_conn *c, const Ldlmd__ReleaseRequest *req)
{
    ldlmd *d = c->d;
    ldlmd_session *s = ldlmd_sessions_take_token(d->sessions, req->token);
    if (s == NULL) {
        ldlmd_conn_answer(c, LDLMD__STATUS__STATUS_NOT_FOUND,
                          "no session has that token (ended already?)");
        return;
    }
    char who[512];
    ldlmd_session_describe(s, who, sizeof who);
    unsigned released = 0, pending = 0;
    ldlmd_release_session(d, s, &released, &pending);
    if (pending > 0)
        ldlmd_log(LOG_INFO,
                  "session %s closed by pid %ld: %u slot(s) released, %u to "
                  "release once the server answers",
                  who, (long)c->peer_pid, released, pending);
    else
        ldlmd_log(LOG_INFO, "session %s closed by pid %ld", who,
                  (long)c->peer_pid);

    Ldlmd__ReleaseReply rr = LDLMD__RELEASE_REPLY__INIT;
    rr.released = released;
    rr.pending = pending;
    Ldlmd__Response r = LDLMD__RESPONSE__INIT;
    r.version = LDLM_AGENT_PROTOCOL_VERSION;
    r.status = LDLMD__STATUS__STATUS_OK;
    r.body_case = LDLMD__RESPONSE__BODY_RELEASED;
    r.released = &rr;
    (void)ldlmd_conn_send(c, &r);
}
