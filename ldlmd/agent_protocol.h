/* SPDX-License-Identifier: MIT */
/*
 * agent_protocol.h - constants of ldlmd's local protocol (proto/ldlmd.proto),
 * shared by ldlmd and its clients (agent_client.h). The schema says what
 * the messages mean; this header says how big they may be.
 */
#ifndef LDLM_AGENT_PROTOCOL_H
#define LDLM_AGENT_PROTOCOL_H

/* The version this code speaks (Request.version, Response.version). */
#define LDLM_AGENT_PROTOCOL_VERSION 1

/* Where ldlmd listens unless told otherwise, and its run directory. */
#define LDLM_AGENT_DEFAULT_RUN_DIR "/run/ldlm"
#define LDLM_AGENT_DEFAULT_SOCKET LDLM_AGENT_DEFAULT_RUN_DIR "/ldlmd.sock"

/* Every frame: this many bytes of big-endian length, then the message. */
#define LDLM_AGENT_FRAME_HEADER 4
/* Largest request ldlmd reads: a login names a few locks. */
#define LDLM_AGENT_MAX_REQUEST 65536
/* Largest response a client reads: a list of tens of thousands of
 * sessions. */
#define LDLM_AGENT_MAX_RESPONSE (16 * 1024 * 1024)

/* Bounds of an acquisition request, checked by ldlmd. */
#define LDLM_AGENT_MAX_LOCKS 32
#define LDLM_AGENT_MAX_LOCK_NAME 1024
#define LDLM_AGENT_MAX_LOCK_SIZE 1000000
#define LDLM_AGENT_MAX_IDENTITY 256
#define LDLM_AGENT_MAX_WAIT_SECONDS 86400
#define LDLM_AGENT_MAX_TIMEOUT_MS 86400000u

/* A session token: 16 random bytes as lowercase hex. */
#define LDLM_AGENT_TOKEN_BYTES 16
#define LDLM_AGENT_TOKEN_LEN (2 * LDLM_AGENT_TOKEN_BYTES)

#endif /* LDLM_AGENT_PROTOCOL_H */
