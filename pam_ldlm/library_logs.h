/* SPDX-License-Identifier: MIT */
/*
 * library_logs.h - where libldlm's and gRPC's own log output goes.
 */
#ifndef PAM_LDLM_LIBRARY_LOGS_H
#define PAM_LDLM_LIBRARY_LOGS_H

#include <stdbool.h>

/*
 * Routes libldlm's and gRPC's log output to syslog (facility authpriv) for
 * the whole process, once: a PAM module must never write on the terminal of
 * the application that loaded it. Lines below "error" are forwarded only
 * while some configuration has `debug` on. gRPC's log level stays what the
 * host made it (GRPC_VERBOSITY); a host that had gRPC loaded before the
 * backend keeps its own gRPC logging, untouched.
 */
void pldlm_route_library_logs(bool debug);

#endif /* PAM_LDLM_LIBRARY_LOGS_H */
