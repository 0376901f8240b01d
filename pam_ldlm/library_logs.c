/* SPDX-License-Identifier: MIT */
/*
 * library_logs.c - libldlm's and gRPC's log output goes to syslog.
 *
 * Part of the slots backend (pam_ldlm_slots.so): only the code that loads
 * libldlm may call it.
 */
#include "library_logs.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <syslog.h>

#include <grpc/grpc.h>
#include <grpc/support/log.h>
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

/* Positions of two objects in the list of loaded objects, which is in the
 * order they were loaded. */
typedef struct load_order {
    const char *ours, *grpc; /* their file names, as the loader has them */
    int index, ours_at, grpc_at;
} load_order;

static int note_position(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    load_order *o = data;
    if (info->dlpi_name != NULL) {
        if (o->ours_at < 0 && strcmp(info->dlpi_name, o->ours) == 0)
            o->ours_at = o->index;
        if (o->grpc_at < 0 && strcmp(info->dlpi_name, o->grpc) == 0)
            o->grpc_at = o->index;
    }
    o->index++;
    return 0;
}

/*
 * Whether gRPC was in the process before this backend: the host (or
 * another of its libraries) uses gRPC itself and has set up gRPC's logging
 * as it wants. gRPC that came with the backend is loaded right after it.
 */
static bool grpc_is_the_hosts(void)
{
    Dl_info ours, grpc;
    if (dladdr((void *)&grpc_is_the_hosts, &ours) == 0 ||
        dladdr((void *)&grpc_init, &grpc) == 0 || ours.dli_fname == NULL ||
        grpc.dli_fname == NULL)
        return false;
    load_order o = {.ours = ours.dli_fname,
                    .grpc = grpc.dli_fname,
                    .ours_at = -1,
                    .grpc_at = -1};
    dl_iterate_phdr(note_position, &o);
    return o.grpc_at >= 0 && o.ours_at >= 0 && o.grpc_at < o.ours_at;
}

/* The lowest severity gRPC prints: its log level. */
static gpr_log_severity grpc_log_level(void)
{
    if (gpr_should_log(GPR_LOG_SEVERITY_DEBUG))
        return GPR_LOG_SEVERITY_DEBUG;
    if (gpr_should_log(GPR_LOG_SEVERITY_INFO))
        return GPR_LOG_SEVERITY_INFO;
    return GPR_LOG_SEVERITY_ERROR;
}

static void install_library_log_handler(void)
{
    /*
     * A host that uses gRPC itself keeps its gRPC logging untouched: its
     * log function gets gRPC's lines about our connections as well, and
     * libldlm's own lines are dropped (failures reach the log through the
     * module anyway).
     */
    if (grpc_is_the_hosts())
        return;
    /*
     * Otherwise gRPC came with us: its lines go to syslog instead of the
     * application's stderr (a user's terminal). Its log level is still
     * the host's (GRPC_VERBOSITY, read here as grpc_init would), kept as
     * it was: ldlm_set_log_handler sets gRPC's level to the one it is
     * given, and a `debug` in some configuration must not make gRPC log
     * more for the whole process.
     */
    gpr_log_verbosity_init();
    gpr_log_severity level = grpc_log_level();
    /* The backend is loaded with RTLD_NODELETE, so this function pointer
     * stays valid after pam_end() unloads the module. */
    ldlm_set_log_handler(library_log_to_syslog, LDLM_LOG_DEBUG, NULL);
    gpr_set_log_verbosity(level);
}

void pldlm_route_library_logs(bool debug)
{
    if (debug)
        atomic_store(&library_debug, true);
    pthread_once(&library_logs_once, install_library_log_handler);
}
