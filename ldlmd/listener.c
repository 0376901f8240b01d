/* SPDX-License-Identifier: MIT */
/*
 * listener.c - run directory, instance lock, socket, peer checks (see
 * listener.h).
 */
#include "listener.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "connection.h"
#include "log.h"

int ldlmd_run_dir_lock(const ldlmd_options *o)
{
    if (mkdir(o->run_dir, 0755) < 0 && errno != EEXIST) {
        ldlmd_log(LOG_ERR, "cannot create %s: %m", o->run_dir);
        return -1;
    }
    struct stat sb;
    if (lstat(o->run_dir, &sb) < 0) {
        ldlmd_log(LOG_ERR, "%s: %m", o->run_dir);
        return -1;
    }
    /* Whoever may write in it could put a socket of theirs in our place. */
    if (!S_ISDIR(sb.st_mode) || sb.st_uid != geteuid() ||
        (sb.st_mode & 0022) != 0) {
        ldlmd_log(LOG_ERR,
                  "%s must be a directory owned by uid %ld and writable by "
                  "it alone",
                  o->run_dir, (long)geteuid());
        return -1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/ldlmd.lock", o->run_dir);
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        ldlmd_log(LOG_ERR, "cannot open %s: %m", path);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno == EWOULDBLOCK)
            ldlmd_log(LOG_ERR, "another ldlmd runs with %s", o->run_dir);
        else
            ldlmd_log(LOG_ERR, "cannot lock %s: %m", path);
        close(fd);
        return -1;
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) < 0 || write(fd, pid, (size_t)n) != n)
        ldlmd_log(LOG_WARNING, "cannot write the pid into %s: %m", path);
    return fd;
}

int ldlmd_listener_open(const ldlmd_options *o)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t n = strlen(o->socket_path);
    if (n >= sizeof sa.sun_path) {
        ldlmd_log(LOG_ERR, "socket path too long: %s", o->socket_path);
        return -1;
    }
    memcpy(sa.sun_path, o->socket_path, n + 1);
    /* Left by an ldlmd that was killed; the instance lock says none runs.
     * Anything but a socket is not ours to remove. */
    struct stat sb;
    if (lstat(o->socket_path, &sb) == 0) {
        if (!S_ISSOCK(sb.st_mode)) {
            ldlmd_log(LOG_ERR, "%s exists and is not a socket", o->socket_path);
            return -1;
        }
        unlink(o->socket_path);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        ldlmd_log(LOG_ERR, "socket: %m");
        return -1;
    }
    /* Born with no access for anyone but us; opened up only as asked. */
    mode_t old = umask(0177);
    int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc < 0) {
        ldlmd_log(LOG_ERR, "cannot bind %s: %m", o->socket_path);
        close(fd);
        return -1;
    }
    if (chmod(o->socket_path, o->socket_mode) < 0 ||
        (o->allow_uid_set && o->allow_uid != geteuid() &&
         chown(o->socket_path, o->allow_uid, (gid_t)-1) < 0)) {
        ldlmd_log(LOG_ERR, "cannot set the owner and mode of %s: %m",
                  o->socket_path);
        unlink(o->socket_path);
        close(fd);
        return -1;
    }
    if (listen(fd, SOMAXCONN) < 0) {
        ldlmd_log(LOG_ERR, "cannot listen on %s: %m", o->socket_path);
        unlink(o->socket_path);
        close(fd);
        return -1;
    }
    return fd;
}

void ldlmd_listener_close(const ldlmd_options *o, int fd)
{
    if (fd < 0)
        return;
    unlink(o->socket_path);
    close(fd);
}

static bool allowed(const ldlmd_options *o, uid_t uid)
{
    return uid == 0 || (o->allow_uid_set && uid == o->allow_uid);
}

void ldlmd_listener_accept(ldlmd *d, int fd)
{
    for (;;) {
        int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                ldlmd_log(LOG_ERR, "accept: %m");
            return;
        }
        struct ucred cred;
        socklen_t len = sizeof cred;
        if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
            ldlmd_log(LOG_ERR, "SO_PEERCRED: %m");
            close(c);
            continue;
        }
        if (!allowed(&d->opt, cred.uid)) {
            char msg[128];
            snprintf(msg, sizeof msg, "uid %ld may not use ldlmd (root only)",
                     (long)cred.uid);
            ldlmd_log(LOG_NOTICE, "refused pid %ld: %s", (long)cred.pid, msg);
            ldlmd_conn_refuse(c, LDLMD__STATUS__STATUS_PERMISSION, msg);
            continue;
        }
        if (atomic_load(&d->stopping)) {
            ldlmd_conn_refuse(c, LDLMD__STATUS__STATUS_SHUTTING_DOWN,
                              "ldlmd is stopping");
            continue;
        }
        ldlmd_conn_start(d, c, cred.pid, cred.uid);
    }
}
