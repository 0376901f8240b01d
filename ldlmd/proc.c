/* SPDX-License-Identifier: MIT */
/*
 * proc.c - pidfds and process start times (see proc.h).
 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434 /* the same on every architecture */
#endif

int ldlmd_proc_start_time(pid_t pid, uint64_t *out)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    int e = errno;
    close(fd);
    if (n <= 0) {
        errno = n < 0 ? e : ESRCH;
        return -1;
    }
    buf[n] = '\0';
    /* The command name (field 2) is in parentheses and may itself hold
     * blanks and parentheses: count fields after the last ')'. */
    char *p = strrchr(buf, ')');
    if (p == NULL) {
        errno = EINVAL;
        return -1;
    }
    p++;
    /* p is at field 3 (after a blank); field 22 is 19 fields on. */
    for (int field = 2; field < 21; field++) {
        p = strchr(p + 1, ' ');
        if (p == NULL) {
            errno = EINVAL;
            return -1;
        }
    }
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(p + 1, &end, 10);
    if (errno != 0 || end == p + 1) {
        errno = EINVAL;
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

bool ldlmd_proc_exited(int pidfd)
{
    struct pollfd p = {.fd = pidfd, .events = POLLIN};
    return poll(&p, 1, 0) > 0;
}

int ldlmd_proc_watch(pid_t pid, uint64_t expected_start, uint64_t *start_time)
{
    if (pid <= 0) {
        errno = ESRCH;
        return -1;
    }
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0)
        return -1;
    /* Read the start time only after the pidfd exists: while it shows the
     * process alive, the pid cannot have gone to another process, so the
     * time read is that of the process the pidfd watches. */
    uint64_t start = 0;
    if (ldlmd_proc_start_time(pid, &start) < 0 || ldlmd_proc_exited(fd) ||
        (expected_start != 0 && start != expected_start)) {
        close(fd);
        errno = ESRCH;
        return -1;
    }
    if (start_time != NULL)
        *start_time = start;
    return fd;
}
