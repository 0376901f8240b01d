/* SPDX-License-Identifier: MIT */
/*
 * options.h - ldlmd's command line.
 */
#ifndef LDLMD_OPTIONS_H
#define LDLMD_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

/* Connections served at once; more are answered "busy". */
#define LDLMD_DEFAULT_MAX_CONNECTIONS 256

typedef struct ldlmd_options {
    const char *config_path; /* --config, default LDLM_CONF_DEFAULT_PATH */
    bool config_given;       /* then it must exist */
    const char *run_dir;     /* --run-dir, default /run/ldlm */
    char *socket_path;       /* --socket, default RUN_DIR/ldlmd.sock */
    bool log_stderr;         /* --stderr */
    bool debug;              /* --debug */
    bool allow_uid_set;      /* --allow-uid */
    uid_t allow_uid;
    mode_t socket_mode; /* --socket-mode, default 0600 */
    int max_connections;
    bool help, version;
} ldlmd_options;

/* 0, or an exit status after a line on stderr. On 0 free with
 * ldlmd_options_free. */
int ldlmd_parse_options(int argc, char **argv, ldlmd_options *o);
void ldlmd_options_free(ldlmd_options *o);
void ldlmd_print_help(FILE *out);

#endif /* LDLMD_OPTIONS_H */
