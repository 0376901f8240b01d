/* SPDX-License-Identifier: MIT */
/*
 * tmpfiles.h - a private temporary directory for a test program, with the
 * files it writes there, removed again at the end (tests leave nothing).
 */
#ifndef LDLM_TESTS_TMPFILES_H
#define LDLM_TESTS_TMPFILES_H

#include <stddef.h>
#include <sys/types.h>

/* Creates $TMPDIR/<tag>.XXXXXX; returns its path (static storage of the
 * test program, valid until tmpdir_remove) or NULL. */
const char *tmpdir_create(const char *tag);

/* Writes `len` bytes into DIR/name with the given mode; returns the full
 * path (to free()) or NULL. */
char *tmpdir_write(const char *name, const char *data, size_t len, mode_t mode);

/* Same for a NUL-terminated string. */
char *tmpdir_write_str(const char *name, const char *text, mode_t mode);

/* Removes every file written and the directory itself. */
void tmpdir_remove(void);

#endif /* LDLM_TESTS_TMPFILES_H */
