/* SPDX-License-Identifier: MIT */
/*
 * connect.c - settings file to libldlm client (see connect.h).
 */
#include "connect.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "lost.h"

/* Retries of a call the server refuses as unavailable (a restart): this
 * far apart, as many as fit in the call's bound. */
#define LDLMD_RETRY_DELAY_MS 250

/* The file decides which server gets this host's slots: it must be
 * root's (or ours) and writable by its owner alone, checked on the
 * descriptor that is read. */
static int read_settings(ldlmd *d, ldlm_conf *conf, bool *max_retries_set)
{
    const char *path = d->opt.config_path;
    bool missing_ok = !d->opt.config_given;
    if (missing_ok && access(path, F_OK) < 0 && errno == ENOENT)
        ldlmd_log(LOG_NOTICE,
                  "%s does not exist: using the default server "
                  "localhost:3144",
                  path);
    if (ldlm_conf_parse_protected_file(conf, path, missing_ok, geteuid()) < 0 ||
        ldlm_conn_settings_from_conf(&d->conn, conf) < 0) {
        ldlmd_log(LOG_ERR, "%s", ldlm_conf_error(conf));
        return -1;
    }
    *max_retries_set = ldlm_conf_get(conf, "max_retries") != NULL;
    return 0;
}

int ldlmd_connect(ldlmd *d)
{
    ldlm_conf conf;
    ldlm_conf_init(&conf);
    ldlm_conn_settings_init(&d->conn);
    bool max_retries_set = false;
    char *password = NULL;
    int rc = read_settings(d, &conf, &max_retries_set);
    if (rc == 0 && d->conn.password_file != NULL &&
        ldlm_conf_read_password_file(&conf, d->conn.password_file, geteuid(),
                                     &password) < 0) {
        ldlmd_log(LOG_ERR, "%s", ldlm_conf_error(&conf));
        rc = -1;
    }
    if (rc == 0) {
        ldlm_config cfg;
        ldlm_conn_settings_to_config(&d->conn, password, &cfg);
        d->call_timeout_ms = d->conn.timeout_seconds > 0
                                 ? d->conn.timeout_seconds * 1000
                                 : LDLMD_DEFAULT_CALL_TIMEOUT_MS;
        cfg.call_timeout_ms = d->call_timeout_ms;
        cfg.retry_delay_ms = LDLMD_RETRY_DELAY_MS;
        if (!max_retries_set)
            cfg.max_retries = d->call_timeout_ms / LDLMD_RETRY_DELAY_MS;
        /* A server restart must not cost the host its sessions' slots. */
        cfg.reacquire_lost_locks = true;
        cfg.lost_lock_callback = ldlmd_lost_callback;
        cfg.lost_lock_userdata = d;
        ldlm_err err = ldlm_client_new(&cfg, &d->client);
        if (err != LDLM_OK) {
            ldlmd_log(LOG_ERR, "cannot set up the connection to %s: %s: %s",
                      d->conn.server != NULL ? d->conn.server
                                             : "localhost:3144",
                      ldlm_strerror(err), ldlm_last_error_message());
            rc = -1;
        }
    }
    if (password != NULL) {
        explicit_bzero(password, strlen(password));
        free(password);
    }
    ldlm_conf_free(&conf);
    return rc;
}
