/* SPDX-License-Identifier: MIT */
/*
 * fuzz_common.h - helpers shared by the fuzz targets of tests/fuzz/: cutting
 * an input into strings, handing bytes to code that reads a file, and the
 * checks every message must pass.
 *
 * A target aborts (a finding, for libFuzzer and for the replay) when one of
 * its properties does not hold, not only when it crashes.
 */
#ifndef LDLM_FUZZ_COMMON_H
#define LDLM_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every target. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Cuts the next string off the input: the bytes up to the next NUL (or the
 * end), as a NUL-terminated copy to free(); NULL when the input is used up
 * or out of memory. */
char *fuzz_next_string(const uint8_t **data, size_t *size);

/* Up to `max` strings cut off the input; *count of them in a NULL-ended
 * array to free with fuzz_free_strings. */
char **fuzz_strings(const uint8_t **data, size_t *size, int max, int *count);
void fuzz_free_strings(char **strings);

/* Puts `size` bytes in an in-memory file (mode 0600, owned by this user)
 * and returns a path that opens it; the same file for the whole run. NULL if
 * that cannot be done. */
const char *fuzz_file_with(const uint8_t *data, size_t size);

/* Stops the run (abort) with `what` when cond is false. */
void fuzz_check(bool cond, const char *what, const char *detail);

/*
 * A message meant for a log line or the user's terminal: not empty, one
 * line, well-formed UTF-8 without controls (tabs included), C1 controls,
 * line separators or bidirectional formatting characters; what
 * ldlmu_printable and ldlmu_tidy_line give (see tests/fuzz/README.md).
 */
void fuzz_check_message(const char *message, const char *what);

#endif /* LDLM_FUZZ_COMMON_H */
