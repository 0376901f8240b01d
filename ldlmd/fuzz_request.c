/* SPDX-License-Identifier: MIT */
/*
 * fuzz_request.c - libFuzzer target of ldlmd's request decoder: whatever
 * bytes a peer sends as a frame's payload go through ldlmd_request_parse,
 * which must refuse or accept them without a crash, a leak or undefined
 * behaviour, and what it accepts must be within the protocol's bounds.
 *
 * Built with `make ldlmd-fuzz` (clang, -fsanitize=fuzzer); replayed by make
 * check through tests/ldlmd/fuzz_replay.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent_protocol.h"
#include "request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The daemon never hands over more than a frame's limit. */
    if (size > LDLM_AGENT_MAX_REQUEST)
        return 0;
    Ldlmd__Request *req = NULL;
    ldlmd_problem p;
    if (ldlmd_request_parse(data, size, &req, &p) < 0) {
        /* A refusal always names a status and says why. */
        if (req != NULL || p.message[0] == '\0' ||
            (p.status != LDLMD__STATUS__STATUS_BAD_REQUEST &&
             p.status != LDLMD__STATUS__STATUS_VERSION))
            abort();
        return 0;
    }
    if (req->version != LDLM_AGENT_PROTOCOL_VERSION)
        abort();
    if (req->body_case == LDLMD__REQUEST__BODY_ACQUIRE) {
        const Ldlmd__AcquireRequest *a = req->acquire;
        if (a->n_locks < 1 || a->n_locks > LDLM_AGENT_MAX_LOCKS ||
            a->who == NULL)
            abort();
        for (size_t i = 0; i < a->n_locks; i++) {
            size_t n = strlen(a->locks[i]->name);
            if (n == 0 || n > LDLM_AGENT_MAX_LOCK_NAME || a->locks[i]->size < 1)
                abort();
        }
    }
    ldlmd__request__free_unpacked(req, NULL);
    return 0;
}
