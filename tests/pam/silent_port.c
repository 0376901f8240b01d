/* SPDX-License-Identifier: MIT */
/*
 * silent_port - a loopback TCP port behind which the server cannot be
 * reached: connection attempts get no answer at all (no refusal, no
 * accept), as with a host that is down or a firewall that drops packets.
 *
 *   silent_port        prints the port on stdout, then keeps it silent
 *                      until a signal ends it (the test stops it by pid)
 *
 * How: a listening socket with a backlog of 0 whose accept queue is filled
 * by connections of its own and never accepted; Linux then drops the SYNs
 * of every further connection, which the client retries until it gives
 * up. The program checks that a connection really hangs before it prints
 * the port; exit 1 if it cannot make one hang.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_FILLERS 16

/* Starts a non-blocking connection to port; the socket, or -1. */
static int start_connect(const struct sockaddr_in *to)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    if (connect(s, (const struct sockaddr *)to, sizeof(*to)) != 0 &&
        errno != EINPROGRESS) {
        close(s);
        return -1;
    }
    return s;
}

/* True if the connection is established within ms. */
static bool connects_within(int s, int ms)
{
    struct pollfd p = {.fd = s, .events = POLLOUT};
    if (poll(&p, 1, ms) != 1)
        return false;
    int err = 0;
    socklen_t len = sizeof(err);
    return getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
}

int main(void)
{
    int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(addr);
    if (l < 0 || bind(l, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
        listen(l, 0) != 0 ||
        getsockname(l, (struct sockaddr *)&addr, &len) != 0) {
        perror("silent_port: socket");
        return 1;
    }
    /* Fill the accept queue until a connection no longer completes. The
     * connections stay open (and the queue full) until the process ends. */
    bool silent = false;
    for (int n = 0; n < MAX_FILLERS; n++) {
        int s = start_connect(&addr);
        if (s < 0) {
            perror("silent_port: connect");
            return 1;
        }
        if (!connects_within(s, 300)) {
            silent = true;
            break;
        }
    }
    if (!silent) {
        fprintf(stderr, "silent_port: every connection was accepted\n");
        return 1;
    }
    printf("%u\n", (unsigned)ntohs(addr.sin_port));
    fflush(stdout);

    for (;;)
        pause();
}
