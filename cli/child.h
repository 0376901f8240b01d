/* SPDX-License-Identifier: MIT */
/*
 * child.h - the command that `ldlm run` runs: starting it in a process
 * group of its own with the lock's name and key in its environment, and
 * supervising it until it ends (signals passed on to its group; SIGTERM,
 * then SIGKILL, to the whole group when the lock is lost). Independent of
 * the connection, so that it can be tested on its own.
 */
#ifndef LDLM_CLI_CHILD_H
#define LDLM_CLI_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Our environment plus LDLM_LOCK_NAME and LDLM_LOCK_KEY (replacing
 * inherited ones), built before fork since the child may only make
 * async-signal-safe calls. NULL if out of memory.
 */
char **cli_child_environment(const char *name, const char *key);
void cli_child_environment_free(char **env);

/*
 * Forks and execs argv (PATH search) with env, as the leader of a new
 * process group (which gets the terminal when we are in its foreground).
 * Returns the pid, or -1 with errno if fork failed. If exec failed,
 * *exec_errno says why (the child then exits 126, or 127 for "not
 * found"); otherwise it is 0. The child gets SIGTERM if this process dies.
 */
pid_t cli_child_start(char **argv, char **env, int *exec_errno);

/*
 * Waits for the child, reading the event pipe (events.h, which must be
 * open, with SIGCHLD and the signals to forward caught): signals sent to
 * us go to the child's process group; a lost lock sends the group SIGTERM
 * and, if anything of it is still running grace_seconds later, SIGKILL (at
 * once when 0), with a message naming `name`. When the child stops at its
 * terminal (^Z), we stop too, and continue it when continued. Returns the
 * child's wait status; *lost tells whether the lock was lost.
 */
int cli_child_supervise(pid_t pid, const char *name, int grace_seconds,
                        bool *lost);

/* Exit status for a wait status, as shells report it (128 + signal). */
int cli_child_exit_status(int wstatus);

#endif /* LDLM_CLI_CHILD_H */
