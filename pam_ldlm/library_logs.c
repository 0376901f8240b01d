/* SPDX-License-Identifier: MIT */
/*
 * library_logs.c - libldlm's and gRPC's log output goes to syslog.
 *
 * Part of the slots backend (pam_ldlm_slots.so): only the code that loads
 * libldlm may call it.
 */
#include "library_logs.h"

#include <pthread.h>
#include <stdatomic.h>
#include <syslog.h>

#include <ldlm.h>

/* Set when any configuration asks for debug output: it only ever widens. */
static atomic_bool library_debug;
static pthread_once_t library_logs_once = PTHREAD_ONCE_INIT;

static void library_log_to_syslog(ldlm_log_level level, const char *message,
                                  void *userdata)
{
    (void)userdata;
    if (level < LDLM_LOG_ERROR && !atomic_load(&library_debug))
        return;
    int priority = level == LDLM_LOG_ERROR  ? LOG_ERR
                   : level == LDLM_LOG_INFO ? LOG_INFO
                                            : LOG_DEBUG;
    syslog(LOG_AUTHPRIV | priority, "pam_ldlm: %s", message);
}

static void install_library_log_handler(void)
{
    /* The backend is loaded with RTLD_NODELETE, so this function pointer
     * stays valid after pam_end() unloads the module. */
    ldlm_set_log_handler(library_log_to_syslog, LDLM_LOG_DEBUG, NULL);
}

void pldlm_route_library_logs(bool debug)
{
    if (debug)
        atomic_store(&library_debug, true);
    pthread_once(&library_logs_once, install_library_log_handler);
}
