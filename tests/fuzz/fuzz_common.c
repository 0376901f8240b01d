/* SPDX-License-Identifier: MIT */
/*
 * fuzz_common.c - see fuzz_common.h.
 */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ldlm_util.h>

char *fuzz_next_string(const uint8_t **data, size_t *size)
{
    if (*size == 0)
        return NULL;
    const uint8_t *nul = memchr(*data, '\0', *size);
    size_t len = nul != NULL ? (size_t)(nul - *data) : *size;
    char *s = malloc(len + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, *data, len);
    s[len] = '\0';
    size_t used = nul != NULL ? len + 1 : len;
    *data += used;
    *size -= used;
    return s;
}

char **fuzz_strings(const uint8_t **data, size_t *size, int max, int *count)
{
    char **list = calloc((size_t)max + 1, sizeof(*list));
    *count = 0;
    if (list == NULL)
        return NULL;
    while (*count < max) {
        char *s = fuzz_next_string(data, size);
        if (s == NULL)
            break;
        list[(*count)++] = s;
    }
    return list;
}

void fuzz_free_strings(char **strings)
{
    if (strings == NULL)
        return;
    for (char **s = strings; *s != NULL; s++)
        free(*s);
    free(strings);
}

const char *fuzz_file_with(const uint8_t *data, size_t size)
{
    /* An in-memory file: nothing on disk, and fast. Its mode passes the
     * checks of a protected configuration file (writable by its owner
     * only), its owner is whoever runs the fuzzer. */
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("fuzz-input", MFD_CLOEXEC);
        if (fd < 0 || fchmod(fd, 0600) != 0)
            return NULL;
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0)
        return NULL;
    size_t done = 0;
    while (done < size) {
        ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
        if (n <= 0)
            return NULL;
        done += (size_t)n;
    }
    return path;
}

void fuzz_check(bool cond, const char *what, const char *detail)
{
    if (cond)
        return;
    fprintf(stderr, "fuzz property violated: %s%s%s\n", what,
            detail != NULL ? ": " : "", detail != NULL ? detail : "");
    abort();
}

void fuzz_check_message(const char *message, const char *what)
{
    fuzz_check(message != NULL && message[0] != '\0', what, "empty message");
    const char *problem = NULL;
    for (const unsigned char *p = (const unsigned char *)message;
         *p != '\0' && problem == NULL; p++) {
        if (*p == '\n' || *p == '\r')
            problem = "more than one line";
        else if (*p < 0x20 || *p == 0x7f)
            problem = "a control character";
    }
    if (problem == NULL && !ldlmu_utf8_valid(message, strlen(message)))
        problem = "bytes that are not UTF-8";
    if (problem == NULL) {
        /* What the escaper would rewrite (C1 controls, separators,
         * bidirectional formatting) must not be there raw: tidying
         * changes nothing in a clean message. */
        char *copy = strdup(message);
        fuzz_check(copy != NULL, what, "out of memory");
        ldlmu_tidy_line(copy);
        if (strcmp(copy, message) != 0)
            problem = "a C1 control, separator or bidirectional character";
        free(copy);
    }
    if (problem != NULL) {
        fprintf(stderr, "fuzz: in \"%s\"\n", message);
        fuzz_check(false, what, problem);
    }
}
