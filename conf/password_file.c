/* SPDX-License-Identifier: MIT */
/*
 * password_file.c - private files: the server password, and the TLS private
 * key, which only root (or one allowed owner) may read.
 *
 * The file is opened first (O_NOFOLLOW: a symbolic link is refused) and then
 * checked with fstat on the open descriptor, so the checks apply to exactly
 * the file that is read, not to whatever the path names a moment later.
 * Buffers that held the password are wiped before they are released.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_internal.h"

int ldlm_conf_open_private_file(ldlm_conf *conf, const char *what,
                                const char *path, uid_t allowed_owner)
{
    if (path == NULL || path[0] == '\0') {
        ldlm_conf_fail(conf, NULL, "%s: no file given", what);
        return -1;
    }
    /* O_NONBLOCK: do not hang on a FIFO before fstat refuses it. */
    int fd =
        open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ELOOP)
            ldlm_conf_fail(conf, NULL,
                           "%s %s: is a symbolic link (refused; name the file "
                           "itself)",
                           what, path);
        else
            ldlm_conf_fail(conf, NULL, "%s %s: %s", what, path,
                           strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        ldlm_conf_fail(conf, NULL, "%s %s: %s", what, path, strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        ldlm_conf_fail(conf, NULL, "%s %s: not a regular file", what, path);
        close(fd);
        return -1;
    }
    if (st.st_uid != 0 && st.st_uid != allowed_owner) {
        if (allowed_owner == 0)
            ldlm_conf_fail(conf, NULL,
                           "%s %s: owned by uid %lu, must be owned by root",
                           what, path, (unsigned long)st.st_uid);
        else
            ldlm_conf_fail(conf, NULL,
                           "%s %s: owned by uid %lu, must be owned by root or "
                           "uid %lu",
                           what, path, (unsigned long)st.st_uid,
                           (unsigned long)allowed_owner);
        close(fd);
        return -1;
    }
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        ldlm_conf_fail(conf, NULL,
                       "%s %s: mode %04o gives access to group or others (use "
                       "chmod 600)",
                       what, path, (unsigned)(st.st_mode & 07777));
        close(fd);
        return -1;
    }
    return fd;
}

int ldlm_conf_read_password_file(ldlm_conf *conf, const char *path,
                                 uid_t allowed_owner, char **out)
{
    if (path == NULL || out == NULL) {
        ldlm_conf_fail(conf, NULL, "no password file given");
        return -1;
    }
    *out = NULL;
    int fd =
        ldlm_conf_open_private_file(conf, "password file", path, allowed_owner);
    if (fd < 0)
        return -1;

    char buf[LDLM_CONF_MAX_PASSWORD_FILE + 1];
    size_t size = 0;
    int rc = -1;
    for (;;) {
        ssize_t n = read(fd, buf + size, sizeof buf - size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ldlm_conf_fail(conf, NULL, "password file %s: %s", path,
                           strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        size += (size_t)n;
        if (size == sizeof buf) {
            ldlm_conf_fail(conf, NULL,
                           "password file %s: too large (more "
                           "than %d bytes)",
                           path, LDLM_CONF_MAX_PASSWORD_FILE);
            goto out;
        }
    }
    const char *nl = memchr(buf, '\n', size);
    size_t len = nl != NULL ? (size_t)(nl - buf) : size;
    if (len > 0 && buf[len - 1] == '\r') /* written on Windows */
        len--;
    if (len == 0) {
        ldlm_conf_fail(conf, NULL,
                       "password file %s: the first line is "
                       "empty",
                       path);
        goto out;
    }
    if (memchr(buf, '\0', len) != NULL) {
        ldlm_conf_fail(conf, NULL,
                       "password file %s: NUL byte in the "
                       "password",
                       path);
        goto out;
    }
    char *password = malloc(len + 1);
    if (password == NULL) {
        ldlm_conf_fail(conf, NULL, "password file %s: out of memory", path);
        goto out;
    }
    memcpy(password, buf, len);
    password[len] = '\0';
    *out = password;
    rc = 0;
out:
    explicit_bzero(buf, sizeof buf);
    close(fd);
    return rc;
}
