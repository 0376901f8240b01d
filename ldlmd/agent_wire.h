/* SPDX-License-Identifier: MIT */
/*
 * agent_wire.h - frames of ldlmd's local protocol on a stream socket: a
 * 4-byte big-endian length, then the packed message. Shared by ldlmd and
 * its clients; internal, never installed.
 *
 * Every call is bounded by a deadline in milliseconds of CLOCK_MONOTONIC
 * (ldlm_wire_now_ms() + timeout); a negative deadline means none. The
 * socket may be blocking or not: each read and write waits in poll() first
 * and never blocks in the system call itself. Nothing raises SIGPIPE (the
 * host process of a PAM module may not expect it).
 *
 * Errors: each function returns an ldlm_wire_status; on LDLM_WIRE_IO_ERROR
 * errno says why. No state is kept between calls: any number of threads
 * may use distinct sockets at once.
 */
#ifndef LDLM_AGENT_WIRE_H
#define LDLM_AGENT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

typedef enum ldlm_wire_status {
    LDLM_WIRE_OK = 0,
    LDLM_WIRE_CLOSED,    /* the peer closed before the first byte of a frame */
    LDLM_WIRE_TRUNCATED, /* the peer closed inside a frame */
    LDLM_WIRE_TIMEOUT,   /* the deadline passed */
    LDLM_WIRE_TOO_LARGE, /* the announced length is over the limit */
    LDLM_WIRE_IO_ERROR,  /* see errno */
    LDLM_WIRE_NO_MEMORY
} ldlm_wire_status;

/* Milliseconds of CLOCK_MONOTONIC, the clock of every deadline here. */
long ldlm_wire_now_ms(void);

/* Static English description of a status; never NULL. */
const char *ldlm_wire_strerror(ldlm_wire_status st);

/* Sends one frame holding `len` bytes of payload. */
ldlm_wire_status ldlm_wire_send(int fd, const uint8_t *payload, size_t len,
                                long deadline_ms);

/* Packs a protobuf-c message and sends it as one frame. */
ldlm_wire_status ldlm_wire_send_message(int fd, const ProtobufCMessage *m,
                                        long deadline_ms);

/*
 * Reads one frame of at most `max` bytes of payload. On LDLM_WIRE_OK *out
 * is the payload (to free(); a zero-length frame gives a valid pointer) and
 * *len its length. On LDLM_WIRE_TOO_LARGE *announced (if not NULL) is the
 * length the peer announced, and nothing past the header was read: the
 * connection cannot be used for another frame.
 */
ldlm_wire_status ldlm_wire_recv(int fd, size_t max, long deadline_ms,
                                uint8_t **out, size_t *len,
                                uint32_t *announced);

#endif /* LDLM_AGENT_WIRE_H */
