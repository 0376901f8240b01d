/* SPDX-License-Identifier: MIT */
/*
 * tmpfiles.c - see tmpfiles.h. Test-only code: the bookkeeping is global.
 */
#include "tmpfiles.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMPFILES_MAX 64

static char dir_path[4096];
static char *written[TMPFILES_MAX];
static size_t written_count;

const char *tmpdir_create(const char *tag)
{
    const char *base = getenv("TMPDIR");
    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    snprintf(dir_path, sizeof(dir_path), "%s/%s.XXXXXX", base, tag);
    if (mkdtemp(dir_path) == NULL) {
        perror("mkdtemp");
        dir_path[0] = '\0';
        return NULL;
    }
    return dir_path;
}

char *tmpdir_write(const char *name, const char *data, size_t len, mode_t mode)
{
    if (dir_path[0] == '\0' || written_count == TMPFILES_MAX)
        return NULL;
    char *path = NULL;
    if (asprintf(&path, "%s/%s", dir_path, name) < 0)
        return NULL;
    /* Replace any earlier version (mode included). */
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        perror(path);
        free(path);
        return NULL;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n <= 0) {
            perror(path);
            close(fd);
            free(path);
            return NULL;
        }
        done += (size_t)n;
    }
    if (fchmod(fd, mode) != 0 || close(fd) != 0) {
        perror(path);
        free(path);
        return NULL;
    }
    /* Remember each path once, for tmpdir_remove(). */
    for (size_t i = 0; i < written_count; i++)
        if (strcmp(written[i], path) == 0)
            return path;
    written[written_count] = strdup(path);
    if (written[written_count] != NULL)
        written_count++;
    return path;
}

char *tmpdir_write_str(const char *name, const char *text, mode_t mode)
{
    return tmpdir_write(name, text, strlen(text), mode);
}

void tmpdir_remove(void)
{
    for (size_t i = 0; i < written_count; i++) {
        unlink(written[i]);
        free(written[i]);
    }
    written_count = 0;
    if (dir_path[0] != '\0')
        rmdir(dir_path);
    dir_path[0] = '\0';
}
