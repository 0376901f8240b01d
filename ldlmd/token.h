/* SPDX-License-Identifier: MIT */
/*
 * token.h - session tokens: LDLM_AGENT_TOKEN_BYTES from the kernel's
 * random source, written as lowercase hex. Whoever presents one ends the
 * session, so it must not be guessable from other sessions' tokens.
 */
#ifndef LDLMD_TOKEN_H
#define LDLMD_TOKEN_H

#include <stdbool.h>

#include "agent_protocol.h"

/* 0, or -1 (errno) when the random source fails. */
int ldlmd_token_new(char out[LDLM_AGENT_TOKEN_LEN + 1]);

/* True for LDLM_AGENT_TOKEN_LEN lowercase hex digits and nothing else. */
bool ldlmd_token_valid(const char *s);

#endif /* LDLMD_TOKEN_H */
