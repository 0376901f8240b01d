/* SPDX-License-Identifier: MIT */
/*
 * notify.c - readiness for the service manager (see notify.h).
 *
 * The protocol, as systemd documents it (sd_notify(3)): one datagram on
 * the AF_UNIX socket named by $NOTIFY_SOCKET, a filesystem path or, with
 * a leading '@', an abstract name. Our own sender is used when libsystemd
 * is not there (LDLMD_NOTIFY_OWN forces it, for its unit test).
 */
#include "config.h"

#include "notify.h"

#if defined(HAVE_LIBSYSTEMD) && !defined(LDLMD_NOTIFY_OWN)
#include <systemd/sd-daemon.h>

#include <errno.h>

#include <stdlib.h>

int ldlmd_notify(const char *state)
{
    /* Empty means none, as for our own sender (sd_notify says EINVAL). */
    const char *path = getenv("NOTIFY_SOCKET");
    if (path == NULL || path[0] == '\0')
        return 0;
    int rc = sd_notify(0, state);
    if (rc < 0) {
        errno = -rc;
        return -1;
    }
    return 0;
}

#else
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int ldlmd_notify(const char *state)
{
    const char *path = getenv("NOTIFY_SOCKET");
    if (path == NULL || path[0] == '\0')
        return 0;
    size_t n = strlen(path);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if ((path[0] != '/' && path[0] != '@') || n >= sizeof sa.sun_path) {
        errno = EINVAL;
        return -1;
    }
    memcpy(sa.sun_path, path, n);
    if (path[0] == '@')
        sa.sun_path[0] = '\0'; /* abstract namespace */
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
                                (path[0] == '/' ? 1 : 0));
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    ssize_t sent = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
                          (struct sockaddr *)&sa, len);
    int e = errno;
    close(fd);
    if (sent < 0) {
        errno = e;
        return -1;
    }
    return 0;
}
#endif
