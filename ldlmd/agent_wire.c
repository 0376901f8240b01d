/* SPDX-License-Identifier: MIT */
/*
 * agent_wire.c - length-prefixed frames with deadlines (see agent_wire.h).
 */
#include "agent_wire.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "agent_protocol.h"

long ldlm_wire_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

const char *ldlm_wire_strerror(ldlm_wire_status st)
{
    switch (st) {
    case LDLM_WIRE_OK:
        return "success";
    case LDLM_WIRE_CLOSED:
        return "connection closed by the peer";
    case LDLM_WIRE_TRUNCATED:
        return "connection closed in the middle of a message";
    case LDLM_WIRE_TIMEOUT:
        return "timed out";
    case LDLM_WIRE_TOO_LARGE:
        return "message too large";
    case LDLM_WIRE_IO_ERROR:
        return "input/output error";
    case LDLM_WIRE_NO_MEMORY:
        return "out of memory";
    }
    return "unknown status";
}

/* Waits until fd is ready for `events`, or the deadline. */
static ldlm_wire_status wait_ready(int fd, short events, long deadline_ms)
{
    for (;;) {
        int timeout = -1;
        if (deadline_ms >= 0) {
            /* A passed deadline still gets a look that does not wait. */
            long left = deadline_ms - ldlm_wire_now_ms();
            timeout = left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
        }
        struct pollfd p = {.fd = fd, .events = events};
        int n = poll(&p, 1, timeout);
        if (n > 0)
            return LDLM_WIRE_OK; /* errors and hang-ups surface in the I/O */
        if (n == 0)
            return LDLM_WIRE_TIMEOUT;
        if (errno != EINTR)
            return LDLM_WIRE_IO_ERROR;
    }
}

static ldlm_wire_status write_all(int fd, const uint8_t *p, size_t len,
                                  long deadline_ms)
{
    while (len > 0) {
        ldlm_wire_status st = wait_ready(fd, POLLOUT, deadline_ms);
        if (st != LDLM_WIRE_OK)
            return st;
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
                continue;
            return LDLM_WIRE_IO_ERROR;
        }
        p += n;
        len -= (size_t)n;
    }
    return LDLM_WIRE_OK;
}

/* Reads exactly len bytes; *got says how many arrived before a failure. */
static ldlm_wire_status read_all(int fd, uint8_t *p, size_t len,
                                 long deadline_ms, size_t *got)
{
    *got = 0;
    while (*got < len) {
        ldlm_wire_status st = wait_ready(fd, POLLIN, deadline_ms);
        if (st != LDLM_WIRE_OK)
            return st;
        ssize_t n = recv(fd, p + *got, len - *got, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
                continue;
            return LDLM_WIRE_IO_ERROR;
        }
        if (n == 0)
            return LDLM_WIRE_CLOSED;
        *got += (size_t)n;
    }
    return LDLM_WIRE_OK;
}

ldlm_wire_status ldlm_wire_send(int fd, const uint8_t *payload, size_t len,
                                long deadline_ms)
{
    if (len > UINT32_MAX)
        return LDLM_WIRE_TOO_LARGE;
    uint8_t header[LDLM_AGENT_FRAME_HEADER] = {
        (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
        (uint8_t)len};
    ldlm_wire_status st = write_all(fd, header, sizeof header, deadline_ms);
    if (st == LDLM_WIRE_OK && len > 0)
        st = write_all(fd, payload, len, deadline_ms);
    return st;
}

ldlm_wire_status ldlm_wire_send_message(int fd, const ProtobufCMessage *m,
                                        long deadline_ms)
{
    size_t len = protobuf_c_message_get_packed_size(m);
    uint8_t *buf = malloc(len > 0 ? len : 1);
    if (buf == NULL)
        return LDLM_WIRE_NO_MEMORY;
    protobuf_c_message_pack(m, buf);
    ldlm_wire_status st = ldlm_wire_send(fd, buf, len, deadline_ms);
    free(buf);
    return st;
}

ldlm_wire_status ldlm_wire_recv(int fd, size_t max, long deadline_ms,
                                uint8_t **out, size_t *len, uint32_t *announced)
{
    *out = NULL;
    *len = 0;
    uint8_t header[LDLM_AGENT_FRAME_HEADER];
    size_t got = 0;
    ldlm_wire_status st =
        read_all(fd, header, sizeof header, deadline_ms, &got);
    if (st == LDLM_WIRE_CLOSED && got > 0)
        st = LDLM_WIRE_TRUNCATED;
    if (st != LDLM_WIRE_OK)
        return st;
    uint32_t n = (uint32_t)header[0] << 24 | (uint32_t)header[1] << 16 |
                 (uint32_t)header[2] << 8 | (uint32_t)header[3];
    if (announced != NULL)
        *announced = n;
    if (n > max)
        return LDLM_WIRE_TOO_LARGE;
    uint8_t *buf = malloc(n > 0 ? n : 1);
    if (buf == NULL)
        return LDLM_WIRE_NO_MEMORY;
    st = read_all(fd, buf, n, deadline_ms, &got);
    if (st == LDLM_WIRE_CLOSED)
        st = LDLM_WIRE_TRUNCATED;
    if (st != LDLM_WIRE_OK) {
        free(buf);
        return st;
    }
    *out = buf;
    *len = n;
    return LDLM_WIRE_OK;
}
