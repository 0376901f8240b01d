/* SPDX-License-Identifier: MIT */
/*
 * exit_codes.h - the exit statuses of ldlm(1). Documented in --help and in
 * ldlm.1: change all three together. Values follow <sysexits.h> where one
 * fits, so that scripts can tell the cases apart.
 */
#ifndef LDLM_CLI_EXIT_CODES_H
#define LDLM_CLI_EXIT_CODES_H

enum cli_exit_code {
    CLI_EXIT_OK = 0,
    /* The lock is busy (--wait 0, try-lock) or --wait ran out. The default
     * of --conflict-exit-code, like flock -E. */
    CLI_EXIT_CONFLICT = 1,
    CLI_EXIT_USAGE = 64,       /* EX_USAGE: bad command line */
    CLI_EXIT_REFUSED = 65,     /* EX_DATAERR: the server refused the request
                                  (no such lock, wrong key, size mismatch) */
    CLI_EXIT_UNAVAILABLE = 69, /* EX_UNAVAILABLE: server unreachable, the
                                  connection failed or --timeout passed */
    CLI_EXIT_INTERNAL = 70,    /* EX_SOFTWARE: unexpected error */
    CLI_EXIT_IOERR = 74,       /* EX_IOERR: the key could not be written */
    CLI_EXIT_LOST = 75,        /* EX_TEMPFAIL: the lock was lost while held */
    CLI_EXIT_AUTH = 77,        /* EX_NOPERM: the server refused the password
                                  or the TLS credentials */
    CLI_EXIT_CONFIG = 78,      /* EX_CONFIG: configuration file, environment
                                  variable, password file or TLS file */
    /* run: the command could not be executed / was not found (as shells). */
    CLI_EXIT_CANNOT_EXEC = 126,
    CLI_EXIT_NOT_FOUND = 127,
    /* run: the command was killed by signal N: 128 + N (as shells). */
    CLI_EXIT_SIGNAL_BASE = 128
};

#endif /* LDLM_CLI_EXIT_CODES_H */
