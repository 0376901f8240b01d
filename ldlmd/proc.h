/* SPDX-License-Identifier: MIT */
/*
 * proc.h - the processes sessions belong to: a pidfd to watch each one
 * (readable when it exits), and its start time to tell it from a later
 * process that got the same pid.
 */
#ifndef LDLMD_PROC_H
#define LDLMD_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Opens a pidfd (close-on-exec) for a live process and reads its start
 * time. -1 with errno ESRCH when there is no such process, or it has
 * already exited, or (expected_start != 0) the process with that pid is
 * another one. *start_time (may be NULL) receives the start time.
 */
int ldlmd_proc_watch(pid_t pid, uint64_t expected_start, uint64_t *start_time);

/* True once the process of a pidfd has exited. */
bool ldlmd_proc_exited(int pidfd);

/* Start time of a process (clock ticks after boot, field 22 of
 * /proc/PID/stat). 0, or -1 (errno). */
int ldlmd_proc_start_time(pid_t pid, uint64_t *out);

#endif /* LDLMD_PROC_H */
