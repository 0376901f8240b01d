/* SPDX-License-Identifier: MIT */
/* signals.c - the mask of threads a library starts (see ldlm_util.h). */
#include "ldlm_util.h"

#include <pthread.h>

void ldlmu_signals_block(sigset_t *saved)
{
    sigset_t set;
    sigfillset(&set);
    /* Synchronous faults go to the thread that caused them whatever the
     * mask; blocked, they would only turn a crash report into a silent
     * kill. */
    sigdelset(&set, SIGSEGV);
    sigdelset(&set, SIGBUS);
    sigdelset(&set, SIGFPE);
    sigdelset(&set, SIGILL);
    sigdelset(&set, SIGTRAP);
    sigdelset(&set, SIGSYS);
    pthread_sigmask(SIG_BLOCK, &set, saved);
}

void ldlmu_signals_restore(const sigset_t *saved)
{
    pthread_sigmask(SIG_SETMASK, saved, NULL);
}
