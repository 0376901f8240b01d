/* SPDX-License-Identifier: MIT */
/*
 * connect.h - ldlmd's connection to the LDLM server, from the connection
 * settings of pam_ldlm.conf (server, password_file, tls, ca_file, cert,
 * key, skip_verify, max_retries, timeout; the module's other settings are
 * not ldlmd's business and are ignored).
 */
#ifndef LDLMD_CONNECT_H
#define LDLMD_CONNECT_H

#include "ldlmd.h"

/* Each server call's bound when the file sets no timeout=. */
#define LDLMD_DEFAULT_CALL_TIMEOUT_MS 5000

/*
 * Reads d->opt.config_path (which must be owned by root or by ldlmd's own
 * uid and writable by its owner alone: it says where slots are taken) and
 * the password file it names, and creates d->client with re-acquisition
 * of lost slots on. 0, or -1 after logging why.
 */
int ldlmd_connect(ldlmd *d);

#endif /* LDLMD_CONNECT_H */
