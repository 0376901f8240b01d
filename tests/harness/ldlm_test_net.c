/* SPDX-License-Identifier: MIT */
/*
 * ldlm_test_net.c - loopback port helpers of the test harness.
 */
#include "ldlm_test_server.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* How long one connect probe may take (loopback answers at once). */
#define CONNECT_PROBE_MS 1000
/* Room for the target of a /proc/PID/fd link ("socket:[123]"). */
#define PATH_MAX_LINK 256

/* Resolves a numeric host and port; false if `host` is not numeric. */
static bool numeric_address(const char *host, int port,
                            struct sockaddr_storage *addr, socklen_t *len)
{
    struct addrinfo hints, *res = NULL;
    char service[16];
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    snprintf(service, sizeof service, "%d", port);
    if (getaddrinfo(host, service, &hints, &res) != 0 || !res)
        return false;
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return true;
}

int ldlm_test_free_port(const char *host)
{
    struct sockaddr_storage addr;
    socklen_t len;
    if (!numeric_address(host, 0, &addr, &len)) {
        fprintf(stderr, "ldlm_test_free_port: %s is not a numeric address\n",
                host);
        return -1;
    }
    int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fprintf(stderr, "ldlm_test_free_port: socket: %s\n", strerror(errno));
        return -1;
    }
    int port = -1;
    if (bind(fd, (struct sockaddr *)&addr, len) == 0) {
        struct sockaddr_storage bound;
        socklen_t blen = sizeof bound;
        if (getsockname(fd, (struct sockaddr *)&bound, &blen) == 0) {
            if (bound.ss_family == AF_INET)
                port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
            else if (bound.ss_family == AF_INET6)
                port = ntohs(((struct sockaddr_in6 *)&bound)->sin6_port);
        }
    } else {
        fprintf(stderr, "ldlm_test_free_port: bind %s: %s\n", host,
                strerror(errno));
    }
    close(fd);
    return port;
}

bool ldlm_test_port_accepts(const char *host, int port)
{
    struct sockaddr_storage addr;
    socklen_t len;
    if (!numeric_address(host, port, &addr, &len))
        return false;
    int fd =
        socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return false;
    bool ok = false;
    if (connect(fd, (struct sockaddr *)&addr, len) == 0) {
        ok = true;
    } else if (errno == EINPROGRESS) {
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        if (poll(&pfd, 1, CONNECT_PROBE_MS) == 1) {
            int err = 0;
            socklen_t elen = sizeof err;
            ok = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 &&
                 err == 0;
        }
    }
    close(fd);
    return ok;
}

bool ldlm_test_have_ipv6_loopback(void)
{
    struct sockaddr_in6 addr;
    memset(&addr, 0, sizeof addr);
    addr.sin6_family = AF_INET6;
    addr.sin6_addr = in6addr_loopback;
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    bool ok = bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0;
    close(fd);
    return ok;
}

/* Most listening sockets we expect on one port (IPv4 and IPv6, a few). */
#define MAX_LISTEN_INODES 16

/*
 * Collects the inodes of sockets in LISTEN state on `port` from a
 * /proc/net/tcp-style table. Returns the new count.
 */
static size_t listening_inodes(const char *table, int port,
                               unsigned long *inodes, size_t count)
{
    FILE *f = fopen(table, "re");
    if (!f)
        return count;
    char line[512];
    if (!fgets(line, sizeof line, f)) { /* header */
        fclose(f);
        return count;
    }
    while (count < MAX_LISTEN_INODES && fgets(line, sizeof line, f)) {
        char local[64];
        unsigned state;
        unsigned long inode;
        /* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
        if (sscanf(line, " %*s %63s %*s %x %*s %*s %*s %*s %*s %lu", local,
                   &state, &inode) != 3)
            continue;
        const char *colon = strrchr(local, ':');
        if (!colon || state != 0x0A /* TCP_LISTEN */)
            continue;
        if (strtol(colon + 1, NULL, 16) == port && inode != 0)
            inodes[count++] = inode;
    }
    fclose(f);
    return count;
}

bool ldlm_test_pid_listens_on(pid_t pid, int port)
{
    unsigned long inodes[MAX_LISTEN_INODES];
    size_t count = listening_inodes("/proc/net/tcp", port, inodes, 0);
    count = listening_inodes("/proc/net/tcp6", port, inodes, count);
    if (count == 0)
        return false;

    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
    DIR *dir = opendir(path);
    if (!dir)
        return false;
    bool found = false;
    struct dirent *entry;
    while (!found && (entry = readdir(dir)) != NULL) {
        char link[PATH_MAX_LINK];
        if (entry->d_name[0] == '.')
            continue;
        ssize_t n =
            readlinkat(dirfd(dir), entry->d_name, link, sizeof link - 1);
        if (n <= 0)
            continue;
        link[n] = '\0';
        unsigned long inode;
        if (sscanf(link, "socket:[%lu]", &inode) != 1)
            continue;
        for (size_t i = 0; i < count; i++)
            if (inodes[i] == inode)
                found = true;
    }
    closedir(dir);
    return found;
}
