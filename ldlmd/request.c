/* SPDX-License-Identifier: MIT */
/*
 * request.c - decoding and checking requests (see request.h).
 */
#include "request.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <ldlm_util.h>

#include "agent_protocol.h"
#include "token.h"

int ldlmd_problem_set(ldlmd_problem *p, Ldlmd__Status status, const char *fmt,
                      ...)
{
    va_list ap;
    p->status = status;
    va_start(ap, fmt);
    vsnprintf(p->message, sizeof p->message, fmt, ap);
    va_end(ap);
    return -1;
}

static int bad(ldlmd_problem *p, const char *what)
{
    return ldlmd_problem_set(p, LDLMD__STATUS__STATUS_BAD_REQUEST, "%s", what);
}

/* A string of at most max bytes of UTF-8 (protobuf-c does not check). */
static int check_text(const char *s, size_t max, const char *what,
                      ldlmd_problem *p)
{
    size_t n = strnlen(s, max + 1);
    if (n > max)
        return ldlmd_problem_set(p, LDLMD__STATUS__STATUS_BAD_REQUEST,
                                 "%s: longer than %zu bytes", what, max);
    if (!ldlmu_utf8_valid(s, n))
        return ldlmd_problem_set(p, LDLMD__STATUS__STATUS_BAD_REQUEST,
                                 "%s: not UTF-8", what);
    return 0;
}

int ldlmd_identity_check(const Ldlmd__Identity *who, ldlmd_problem *p)
{
    if (who == NULL)
        return bad(p, "acquire: no identity");
    if (check_text(who->user, LDLM_AGENT_MAX_IDENTITY, "user", p) < 0 ||
        check_text(who->service, LDLM_AGENT_MAX_IDENTITY, "service", p) < 0 ||
        check_text(who->tty, LDLM_AGENT_MAX_IDENTITY, "tty", p) < 0 ||
        check_text(who->rhost, LDLM_AGENT_MAX_IDENTITY, "rhost", p) < 0)
        return -1;
    if (who->pid < 0)
        return bad(p, "pid: negative");
    return 0;
}

int ldlmd_lock_check(const char *name, int32_t size, size_t index,
                     ldlmd_problem *p)
{
    char what[32];
    snprintf(what, sizeof what, "lock %zu", index);
    if (name[0] == '\0')
        return ldlmd_problem_set(p, LDLMD__STATUS__STATUS_BAD_REQUEST,
                                 "%s: empty name", what);
    if (check_text(name, LDLM_AGENT_MAX_LOCK_NAME, what, p) < 0)
        return -1;
    if (size < 1 || size > LDLM_AGENT_MAX_LOCK_SIZE)
        return ldlmd_problem_set(p, LDLMD__STATUS__STATUS_BAD_REQUEST,
                                 "%s: size %ld is not from 1 to %d", what,
                                 (long)size, LDLM_AGENT_MAX_LOCK_SIZE);
    return 0;
}

static int check_acquire(const Ldlmd__AcquireRequest *a, ldlmd_problem *p)
{
    if (a->n_locks == 0 || a->n_locks > LDLM_AGENT_MAX_LOCKS)
        return ldlmd_problem_set(p, LDLMD__STATUS__STATUS_BAD_REQUEST,
                                 "acquire: %zu locks, expected 1 to %d",
                                 a->n_locks, LDLM_AGENT_MAX_LOCKS);
    for (size_t i = 0; i < a->n_locks; i++) {
        if (ldlmd_lock_check(a->locks[i]->name, a->locks[i]->size, i, p) < 0)
            return -1;
    }
    if (a->wait_seconds > LDLM_AGENT_MAX_WAIT_SECONDS)
        return ldlmd_problem_set(p, LDLMD__STATUS__STATUS_BAD_REQUEST,
                                 "acquire: wait of %u seconds is over %d",
                                 a->wait_seconds, LDLM_AGENT_MAX_WAIT_SECONDS);
    if (a->timeout_ms > LDLM_AGENT_MAX_TIMEOUT_MS)
        return ldlmd_problem_set(p, LDLMD__STATUS__STATUS_BAD_REQUEST,
                                 "acquire: timeout of %u ms is over %u",
                                 a->timeout_ms, LDLM_AGENT_MAX_TIMEOUT_MS);
    return ldlmd_identity_check(a->who, p);
}

int ldlmd_request_parse(const uint8_t *payload, size_t len,
                        Ldlmd__Request **out, ldlmd_problem *p)
{
    *out = NULL;
    Ldlmd__Request *r = ldlmd__request__unpack(NULL, len, payload);
    if (r == NULL)
        return bad(p, "malformed request (not a protocol message)");
    int rc = 0;
    if (r->version == 0) {
        rc = bad(p, "request without a protocol version");
    } else if (r->version != LDLM_AGENT_PROTOCOL_VERSION) {
        rc = ldlmd_problem_set(p, LDLMD__STATUS__STATUS_VERSION,
                               "protocol version %u is not spoken here "
                               "(ldlmd speaks version %d)",
                               r->version, LDLM_AGENT_PROTOCOL_VERSION);
    } else {
        switch (r->body_case) {
        case LDLMD__REQUEST__BODY_ACQUIRE:
            rc = check_acquire(r->acquire, p);
            break;
        case LDLMD__REQUEST__BODY_RELEASE:
            if (!ldlmd_token_valid(r->release->token))
                rc = bad(p, "release: a token is 32 lowercase hexadecimal "
                            "digits");
            break;
        case LDLMD__REQUEST__BODY_LIST:
        case LDLMD__REQUEST__BODY_STATUS:
            break;
        default:
            rc = bad(p, "request of no known kind");
            break;
        }
    }
    if (rc < 0) {
        ldlmd__request__free_unpacked(r, NULL);
        return -1;
    }
    *out = r;
    return 0;
}
