/* SPDX-License-Identifier: MIT */
/*
 * agent_tool.c - what the ldlmd tests need beyond ldlm(1):
 *
 *   agent_tool acquire SOCKET [--pid P] [--wait S] [--timeout-ms MS]
 *                      [--user U] [--service S] [--tty T] [--rhost R]
 *                      LOCK:SIZE...
 *       takes a session through the agent client; prints its token. Exit
 *       status: the ldlm_agent_status (0 ok, 1 full, ...); the error on
 *       stderr as "STATUS_NAME: detail".
 *   agent_tool release SOCKET TOKEN
 *   agent_tool frame SOCKET HEX     one frame holding the bytes of HEX
 *   agent_tool bytes SOCKET HEX     the bytes of HEX as they are, no frame
 *       then ends its side and reads every answer until ldlmd closes:
 *       prints one "STATUS_xxx: message" line each, or "closed" when ldlmd
 *       closed without answering; exit 0 either way (the test decides),
 *       1 on a local failure.
 *   agent_tool as-uid UID SOCKET    drops to UID (and its gid), then asks
 *       ldlmd's status; exit status and stderr as for acquire.
 *   agent_tool notify-wait PATH MS  binds a datagram socket at PATH,
 *       prints "bound", then prints the first datagram holding READY=1
 *       (exit 0), or exits 1 after MS milliseconds.
 *   agent_tool kill-measure PID SERVER LOCK SIZE
 *       checks that LOCK (of SIZE) is full on SERVER, sends SIGKILL to
 *       PID and takes a slot of LOCK as soon as the server frees one;
 *       prints the milliseconds from the kill to the slot.
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <ldlm.h>

#include "agent_client.h"
#include "agent_wire.h"
#include "ldlmd.pb-c.h"

#define TOOL_TIMEOUT_MS 30000

static const char *status_name(ldlm_agent_status st)
{
    static const char *const names[] = {"OK",
                                        "FULL",
                                        "SIZE_MISMATCH",
                                        "SERVER_ERROR",
                                        "DAEMON_ERROR",
                                        "NOT_FOUND",
                                        "NO_PROCESS",
                                        "REFUSED",
                                        "PERMISSION",
                                        "UNREACHABLE",
                                        "TIMEOUT",
                                        "PROTOCOL",
                                        "INVALID_ARGUMENT",
                                        "NO_MEMORY"};
    return (unsigned)st < sizeof names / sizeof *names ? names[st] : "?";
}

static int report(ldlm_agent *a, ldlm_agent_status st)
{
    if (st != LDLM_AGENT_OK)
        fprintf(stderr, "%s: %s\n", status_name(st), ldlm_agent_error(a));
    ldlm_agent_free(a);
    return (int)st;
}

static void on_waiting(void *ctx, size_t index, long seconds)
{
    (void)ctx;
    fprintf(stderr, "waiting for lock %zu, up to %ld s\n", index, seconds);
}

static int cmd_acquire(int argc, char **argv)
{
    ldlm_agent_identity who = {.user = "tester", .service = "agent_tool"};
    int wait = 0;
    long timeout_ms = TOOL_TIMEOUT_MS;
    ldlm_agent_lock locks[LDLM_AGENT_MAX_LOCKS];
    size_t n = 0;
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--pid") == 0 && v != NULL) {
            who.pid = (pid_t)atol(v);
            i++;
        } else if (strcmp(a, "--wait") == 0 && v != NULL) {
            wait = atoi(v);
            i++;
        } else if (strcmp(a, "--timeout-ms") == 0 && v != NULL) {
            timeout_ms = atol(v);
            i++;
        } else if (strcmp(a, "--user") == 0 && v != NULL) {
            who.user = v;
            i++;
        } else if (strcmp(a, "--service") == 0 && v != NULL) {
            who.service = v;
            i++;
        } else if (strcmp(a, "--tty") == 0 && v != NULL) {
            who.tty = v;
            i++;
        } else if (strcmp(a, "--rhost") == 0 && v != NULL) {
            who.rhost = v;
            i++;
        } else {
            char *colon = strrchr(argv[i], ':');
            if (colon == NULL || n == LDLM_AGENT_MAX_LOCKS) {
                fprintf(stderr, "agent_tool: bad lock '%s'\n", a);
                return 100;
            }
            *colon = '\0';
            locks[n].name = argv[i];
            locks[n].size = atoi(colon + 1);
            n++;
        }
    }
    ldlm_agent *ag =
        ldlm_agent_new(argv[2], ldlm_agent_deadline_after(timeout_ms));
    if (ag == NULL)
        return 100;
    ldlm_agent_acquire_result res;
    ldlm_agent_status st =
        ldlm_agent_acquire(ag, locks, n, &who, wait, on_waiting, NULL, &res);
    if (st == LDLM_AGENT_OK)
        printf("%s\n", res.token);
    else if (st <= LDLM_AGENT_SERVER_ERROR)
        fprintf(stderr, "failed lock %zu, ldlm error %d\n", res.failed_lock,
                res.ldlm_error);
    return report(ag, st);
}

static int cmd_release(char **argv)
{
    ldlm_agent *ag =
        ldlm_agent_new(argv[2], ldlm_agent_deadline_after(TOOL_TIMEOUT_MS));
    if (ag == NULL)
        return 100;
    unsigned released = 0;
    ldlm_agent_status st = ldlm_agent_release(ag, argv[3], &released);
    if (st == LDLM_AGENT_OK)
        printf("released %u\n", released);
    return report(ag, st);
}

static int connect_to(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path)
        return -1;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* HEX, or "repeat:N:XX" for N bytes XX (large frames). */
static uint8_t *parse_bytes(const char *hex, size_t *len)
{
    unsigned long count;
    unsigned byte;
    if (sscanf(hex, "repeat:%lu:%2x", &count, &byte) == 2) {
        uint8_t *b = malloc(count > 0 ? count : 1);
        if (b != NULL)
            memset(b, (int)byte, count);
        *len = count;
        return b;
    }
    size_t n = strlen(hex);
    if (n % 2 != 0)
        return NULL;
    uint8_t *b = malloc(n / 2 + 1);
    if (b == NULL)
        return NULL;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(b);
            return NULL;
        }
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    *len = n / 2;
    return b;
}

static int cmd_raw(char **argv, int framed)
{
    size_t len = 0;
    uint8_t *bytes = parse_bytes(argv[3], &len);
    if (bytes == NULL) {
        fprintf(stderr, "agent_tool: bad hex\n");
        return 1;
    }
    int fd = connect_to(argv[2]);
    if (fd < 0) {
        fprintf(stderr, "agent_tool: connect %s: %s\n", argv[2],
                strerror(errno));
        free(bytes);
        return 1;
    }
    long deadline = ldlm_wire_now_ms() + TOOL_TIMEOUT_MS;
    ldlm_wire_status ws =
        framed ? ldlm_wire_send(fd, bytes, len, deadline) : LDLM_WIRE_OK;
    if (!framed) {
        size_t done = 0;
        while (done < len) {
            ssize_t w = send(fd, bytes + done, len - done, MSG_NOSIGNAL);
            if (w < 0)
                break;
            done += (size_t)w;
        }
    }
    free(bytes);
    (void)ws; /* ldlmd may close before reading it all: read its answers */
    /* Nothing more comes from us: ldlmd answers what it got, then sees the
     * end and closes. */
    shutdown(fd, SHUT_WR);
    int answers = 0;
    for (;;) {
        uint8_t *buf = NULL;
        size_t n = 0;
        ws = ldlm_wire_recv(fd, LDLM_AGENT_MAX_RESPONSE, deadline, &buf, &n,
                            NULL);
        if (ws == LDLM_WIRE_CLOSED || ws == LDLM_WIRE_IO_ERROR)
            break;
        if (ws != LDLM_WIRE_OK) {
            printf("%s\n", ldlm_wire_strerror(ws));
            close(fd);
            return 1;
        }
        Ldlmd__Response *r = ldlmd__response__unpack(NULL, n, buf);
        free(buf);
        if (r == NULL) {
            printf("unreadable answer\n");
            close(fd);
            return 1;
        }
        const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
            &ldlmd__status__descriptor, (int)r->status);
        printf("%s: %s\n", v != NULL ? v->name : "?", r->message);
        ldlmd__response__free_unpacked(r, NULL);
        answers++;
    }
    close(fd);
    if (answers == 0)
        printf("closed\n");
    return 0;
}

static int cmd_as_uid(char **argv)
{
    uid_t uid = (uid_t)atol(argv[2]);
    if (setgroups(0, NULL) < 0 || setgid((gid_t)uid) < 0 || setuid(uid) < 0) {
        fprintf(stderr, "agent_tool: cannot become uid %ld: %s\n", (long)uid,
                strerror(errno));
        return 100;
    }
    ldlm_agent *ag =
        ldlm_agent_new(argv[3], ldlm_agent_deadline_after(TOOL_TIMEOUT_MS));
    if (ag == NULL)
        return 100;
    ldlm_agent_daemon_info *info = NULL;
    ldlm_agent_status st = ldlm_agent_daemon_status(ag, &info);
    ldlm_agent_daemon_info_free(info);
    return report(ag, st);
}

static int cmd_notify_wait(char **argv)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(argv[2]) >= sizeof sa.sun_path)
        return 1;
    strcpy(sa.sun_path, argv[2]);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    unlink(argv[2]);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        fprintf(stderr, "agent_tool: bind %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    printf("bound\n");
    fflush(stdout);
    long deadline = ldlm_wire_now_ms() + atol(argv[3]);
    for (;;) {
        long left = deadline - ldlm_wire_now_ms();
        if (left <= 0)
            return 1;
        struct timeval tv = {.tv_sec = left / 1000,
                             .tv_usec = (left % 1000) * 1000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char buf[4096];
        ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n < 0)
            return 1;
        buf[n] = '\0';
        if (strstr(buf, "READY=1") != NULL) {
            for (char *p = buf; *p; p++)
                if (*p == '\n')
                    *p = ' ';
            printf("%s\n", buf);
            return 0;
        }
    }
}

static int cmd_kill_measure(char **argv)
{
    pid_t pid = (pid_t)atol(argv[2]);
    ldlm_config cfg =
        LDLM_CONFIG(.address = argv[3], .call_timeout_ms = TOOL_TIMEOUT_MS);
    ldlm_client *client = NULL;
    if (ldlm_client_new(&cfg, &client) != LDLM_OK) {
        fprintf(stderr, "agent_tool: client: %s\n", ldlm_last_error_message());
        return 1;
    }
    ldlm_lock_options lo = LDLM_LOCK_OPTIONS(.size = atoi(argv[5]));
    ldlm_handle *h = NULL;
    ldlm_err err = ldlm_try_lock(client, argv[4], &lo, &h);
    int rc = 1;
    if (err != LDLM_OK || ldlm_handle_locked(h)) {
        fprintf(stderr, "agent_tool: %s was not full (%s)\n", argv[4],
                ldlm_strerror(err));
        goto out;
    }
    ldlm_handle_free(h);
    h = NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (kill(pid, SIGKILL) < 0) {
        fprintf(stderr, "agent_tool: kill %ld: %s\n", (long)pid,
                strerror(errno));
        goto out;
    }
    lo.wait_timeout_seconds = 10;
    err = ldlm_lock(client, argv[4], &lo, &h);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (err != LDLM_OK || !ldlm_handle_locked(h)) {
        fprintf(stderr, "agent_tool: no slot of %s within 10 s (%s)\n", argv[4],
                ldlm_strerror(err));
        goto out;
    }
    long ms =
        (t1.tv_sec - t0.tv_sec) * 1000L + (t1.tv_nsec - t0.tv_nsec) / 1000000L;
    printf("%ld\n", ms);
    ldlm_handle_unlock(h);
    rc = 0;
out:
    ldlm_handle_free(h);
    ldlm_client_free(client);
    return rc;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "acquire") == 0 && argc >= 4)
        return cmd_acquire(argc, argv);
    if (strcmp(cmd, "release") == 0 && argc == 4)
        return cmd_release(argv);
    if (strcmp(cmd, "frame") == 0 && argc == 4)
        return cmd_raw(argv, 1);
    if (strcmp(cmd, "bytes") == 0 && argc == 4)
        return cmd_raw(argv, 0);
    if (strcmp(cmd, "as-uid") == 0 && argc == 4)
        return cmd_as_uid(argv);
    if (strcmp(cmd, "notify-wait") == 0 && argc == 4)
        return cmd_notify_wait(argv);
    if (strcmp(cmd, "kill-measure") == 0 && argc == 6)
        return cmd_kill_measure(argv);
    fprintf(stderr, "usage: see the head of tests/ldlmd/agent_tool.c\n");
    return 100;
}
