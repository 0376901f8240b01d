/* SPDX-License-Identifier: MIT */
/*
 * ldlm_util.h - one of each small tool, shared by libldlm, conf/, pam_ldlm,
 * ldlmd and the ldlm tool (a convenience library linked into each, never
 * installed). Names start with ldlmu_, which libldlm's version script keeps
 * private.
 *
 * Names, values and messages here may come from users, NSS or the network:
 * everything is bounded, nothing trusts its input.
 */
#ifndef LDLM_UTIL_H
#define LDLM_UTIL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- UTF-8 ---------------------------------------------------------------- */

/* True if the `len` bytes at s are well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). The server accepts only such
 * strings. */
bool ldlmu_utf8_valid(const char *s, size_t len);

/* ---- Escaping ----------------------------------------------------------------- */

/*
 * A copy of s safe for a log line, a message or a terminal: well-formed
 * UTF-8 sequences of printable characters are kept, a backslash becomes
 * "\\", and every other byte (C0 and C1 controls, DEL, the separators
 * U+2028/U+2029, bidirectional formatting characters, bytes of invalid
 * UTF-8) becomes "\xNN". NULL gives "(null)". Returns a string to free(),
 * NULL if out of memory.
 */
char *ldlmu_printable(const char *s);

/*
 * The same escaping into buf (`size` bytes, NUL-terminated); when it does
 * not fit, it is cut at a character boundary and ends with "...". NULL is
 * written as the empty string.
 */
void ldlmu_printable_into(const char *s, char *buf, size_t size);

/*
 * Makes s, in place, one line of printable UTF-8 without escaping what is
 * already fine (a backslash stays one backslash): every byte the functions
 * above would write as "\xNN" (controls, tabs, line breaks, C1 controls,
 * U+2028/U+2029, bidirectional formatting characters, invalid UTF-8)
 * becomes '?'. For messages already formatted from values that may hold
 * anything; the length does not change. NULL is a no-op.
 */
void ldlmu_tidy_line(char *s);

/* ---- Numbers ---------------------------------------------------------------------- */

typedef enum {
    LDLMU_NUMBER_OK = 0,
    LDLMU_NUMBER_INVALID, /* not an optional '-' followed by decimal digits */
    LDLMU_NUMBER_RANGE    /* a number, but outside [min, max] */
} ldlmu_number_status;

/*
 * Strict decimal integer in [min, max]: an optional '-' and digits only; no
 * blanks, '+', hex or octal prefixes or trailing text (which strtol alone
 * would accept). On LDLMU_NUMBER_OK *out holds the value.
 */
ldlmu_number_status ldlmu_parse_long(const char *text, long min, long max,
                                     long *out);

/* ---- Command lines ------------------------------------------------------------ */

/*
 * A mistake on the command line of ldlm(1) or ldlmd, in the one form both
 * use: "PROGRAM: MESSAGE (see 'PROGRAM --help')" on stderr. Returns
 * `status`, the program's exit code for a usage error.
 */
int ldlmu_usage_error(const char *program, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- Signals ------------------------------------------------------------------ */

/*
 * A thread starts with the signal mask of the thread that creates it. The
 * threads a library starts (libldlm's and gRPC's, in libldlm or in
 * pam_ldlm's backend) are created between ldlmu_signals_block and
 * ldlmu_signals_restore, with every asynchronous signal blocked: a signal
 * sent to the process then never runs the application's handler on a
 * library thread (where it would not interrupt the application's own
 * blocking calls, and where a sigwait or signalfd design would lose it).
 */

/* Blocks every signal but the synchronous faults in the calling thread;
 * *saved receives the mask to restore. */
void ldlmu_signals_block(sigset_t *saved);

/* Puts the mask saved by ldlmu_signals_block back. */
void ldlmu_signals_restore(const sigset_t *saved);

#endif /* LDLM_UTIL_H */
