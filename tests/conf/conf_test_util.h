/* SPDX-License-Identifier: MIT */
/*
 * conf_test_util.h - temporary files for the configuration tests. Each test
 * works in its own private directory, removed afterwards.
 */
#ifndef CONF_TEST_UTIL_H
#define CONF_TEST_UTIL_H

#include <stddef.h>
#include <sys/types.h>

/* Creates a private temporary directory; returns its malloc'd path. */
char *ctu_make_dir(void);

/* Removes the directory and the files the test made in it (one level). */
void ctu_remove_dir(char *dir);

/*
 * Writes `len` bytes into DIR/NAME with the given mode (chmod'ed after
 * creation, so the umask does not matter); returns the malloc'd path.
 */
char *ctu_write_file(const char *dir, const char *name, const void *data,
                     size_t len, mode_t mode);

/* Same with a NUL-terminated string. */
char *ctu_write_text(const char *dir, const char *name, const char *text,
                     mode_t mode);

/* DIR/NAME, malloc'd. */
char *ctu_path(const char *dir, const char *name);

#endif
