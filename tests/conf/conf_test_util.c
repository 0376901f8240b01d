/* SPDX-License-Identifier: MIT */
/*
 * conf_test_util.c - see conf_test_util.h.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_test_util.h"

static void die(const char *what)
{
    perror(what);
    exit(99); /* a hard error in automake's test protocol */
}

char *ctu_make_dir(void)
{
    const char *base = getenv("TMPDIR");
    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    char *dir = NULL;
    if (asprintf(&dir, "%s/ldlm-conf-test.XXXXXX", base) < 0)
        die("asprintf");
    if (mkdtemp(dir) == NULL)
        die("mkdtemp");
    return dir;
}

void ctu_remove_dir(char *dir)
{
    if (dir == NULL)
        return;
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *ent;
        while ((ent = readdir(d)) != NULL) {
            if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
                continue;
            char *p = ctu_path(dir, ent->d_name);
            struct stat st;
            if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
                rmdir(p);
            else
                unlink(p);
            free(p);
        }
        closedir(d);
    }
    if (rmdir(dir) < 0)
        perror("rmdir");
    free(dir);
}

char *ctu_path(const char *dir, const char *name)
{
    char *p = NULL;
    if (asprintf(&p, "%s/%s", dir, name) < 0)
        die("asprintf");
    return p;
}

char *ctu_write_file(const char *dir, const char *name, const void *data,
                     size_t len, mode_t mode)
{
    char *p = ctu_path(dir, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        die(p);
    const char *b = data;
    while (len > 0) {
        ssize_t n = write(fd, b, len);
        if (n < 0)
            die("write");
        b += n;
        len -= (size_t)n;
    }
    if (fchmod(fd, mode) < 0)
        die("fchmod");
    close(fd);
    return p;
}

char *ctu_write_text(const char *dir, const char *name, const char *text,
                     mode_t mode)
{
    return ctu_write_file(dir, name, text, strlen(text), mode);
}
