/* SPDX-License-Identifier: MIT */
/*
 * request.h - decoding and checking one request frame's payload. Anything
 * a peer sends ends here first: malformed protobuf, unknown versions,
 * strings that are not UTF-8, sizes and counts out of bounds are refused
 * with a status and a line for the client. This is the fuzzed surface
 * (ldlmd/fuzz_request.c).
 */
#ifndef LDLMD_REQUEST_H
#define LDLMD_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "ldlmd.h"

/*
 * On 0 *out is a request whose every field is within the protocol's
 * bounds (free with ldlmd__request__free_unpacked). On -1 *out is NULL and
 * *p says why (STATUS_BAD_REQUEST or STATUS_VERSION).
 */
int ldlmd_request_parse(const uint8_t *payload, size_t len,
                        Ldlmd__Request **out, ldlmd_problem *p);

/* The checks of an identity, shared with the stored session files. */
int ldlmd_identity_check(const Ldlmd__Identity *who, ldlmd_problem *p);

/* The checks of one lock name and size, shared likewise. */
int ldlmd_lock_check(const char *name, int32_t size, size_t index,
                     ldlmd_problem *p);

#endif /* LDLMD_REQUEST_H */
