/* SPDX-License-Identifier: MIT */
/*
 * test_password_file.c - who may own the password file, which modes are
 * refused, and what is read from it.
 *
 * The suite normally runs as root, which can chown files to any uid: the
 * "allowed owner" cases then use uids that need not exist. Run as another
 * user, the same properties are checked with that user's own uid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_test_util.h"
#include "ldlm_conf.h"

/* Arbitrary uids for files owned by "someone else" when running as root. */
#define OTHER_UID ((uid_t)54321)
#define THIRD_UID ((uid_t)54322)

typedef struct fixture {
    char *dir;
    ldlm_conf conf; /* carries the reader's message */
    char *password;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->dir = ctu_make_dir();
    ldlm_conf_init(&f->conf);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    free(f->password);
    ldlm_conf_free(&f->conf);
    ctu_remove_dir(f->dir);
    free(f);
    return 0;
}

static int read_pw(fixture *f, const char *path, uid_t allowed)
{
    free(f->password);
    f->password = NULL;
    ldlm_conf_free(&f->conf); /* no message left from an earlier call */
    return ldlm_conf_read_password_file(&f->conf, path, allowed, &f->password);
}

static void assert_refused(fixture *f, const char *path, uid_t allowed,
                           const char *why)
{
    assert_int_equal(read_pw(f, path, allowed), -1);
    assert_null(f->password);
    char *prefix = NULL;
    assert_true(asprintf(&prefix, "password file %s: ", path) > 0);
    const char *err = ldlm_conf_error(&f->conf);
    if (strncmp(err, prefix, strlen(prefix)) != 0 || strstr(err, why) == NULL)
        fail_msg("unexpected error \"%s\" (wanted \"%s...%s\")", err, prefix,
                 why);
    assert_null(strchr(err, '\n'));
    free(prefix);
}

/* A file owned by `uid` (root can chown; others own what they create). */
static void set_owner(const char *path, uid_t uid)
{
    if (geteuid() == 0)
        assert_int_equal(chown(path, uid, (gid_t)-1), 0);
    else
        assert_int_equal(uid, geteuid());
}

/* The owner allowed besides root: ourselves (0, i.e. root only, as root). */
static uid_t me(void)
{
    return geteuid();
}

/* The uid that owns files "as somebody else" in this run. */
static uid_t someone(void)
{
    return geteuid() == 0 ? OTHER_UID : geteuid();
}

static void private_file_is_read(void **state)
{
    fixture *f = *state;
    char *path =
        ctu_write_text(f->dir, "pw", "s3cret pass\nsecond line\n", 0600);
    assert_int_equal(read_pw(f, path, me()), 0);
    assert_string_equal(f->password, "s3cret pass");
    /* 0400 is fine too; so is a last line without newline. */
    free(path);
    path = ctu_write_text(f->dir, "pw2", "only", 0400);
    assert_int_equal(read_pw(f, path, me()), 0);
    assert_string_equal(f->password, "only");
    free(path);
    path = ctu_write_text(f->dir, "pw3", "crlf\r\n", 0600);
    assert_int_equal(read_pw(f, path, me()), 0);
    assert_string_equal(f->password, "crlf");
    free(path);
}

static void group_or_world_access_refused(void **state)
{
    fixture *f = *state;
    static const mode_t modes[] = {0644, 0640, 0604, 0620, 0602,
                                   0610, 0601, 0666, 0660};
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
        char *path = ctu_write_text(f->dir, "pw", "x\n", modes[i]);
        char why[64];
        snprintf(why, sizeof why, "mode %04o gives access to group or others",
                 (unsigned)modes[i]);
        assert_refused(f, path, me(), why);
        free(path);
    }
}

static void allowed_owner_accepted(void **state)
{
    fixture *f = *state;
    char *path = ctu_write_text(f->dir, "pw", "mine\n", 0600);
    set_owner(path, someone());
    assert_int_equal(read_pw(f, path, someone()), 0);
    assert_string_equal(f->password, "mine");
    free(path);
}

static void other_owner_refused(void **state)
{
    fixture *f = *state;
    char *path = ctu_write_text(f->dir, "pw", "theirs\n", 0600);
    set_owner(path, someone());
    /* root only */
    char why[128];
    snprintf(why, sizeof why, "owned by uid %lu, must be owned by root",
             (unsigned long)someone());
    assert_refused(f, path, 0, why);
    if (geteuid() == 0) {
        /* a different allowed owner */
        snprintf(why, sizeof why,
                 "owned by uid %lu, must be owned by root or uid %lu",
                 (unsigned long)OTHER_UID, (unsigned long)THIRD_UID);
        assert_refused(f, path, THIRD_UID, why);
    }
    free(path);
}

static void symlink_refused(void **state)
{
    fixture *f = *state;
    char *target = ctu_write_text(f->dir, "real", "pw\n", 0600);
    char *link = ctu_path(f->dir, "link");
    assert_int_equal(symlink(target, link), 0);
    assert_refused(f, link, me(), "is a symbolic link");
    /* The target itself is fine: the refusal is about the link. */
    assert_int_equal(read_pw(f, target, me()), 0);
    free(target);
    free(link);
}

static void missing_file(void **state)
{
    fixture *f = *state;
    char *path = ctu_path(f->dir, "absent");
    assert_refused(f, path, me(), "No such file or directory");
    free(path);
}

static void not_regular_refused(void **state)
{
    fixture *f = *state;
    assert_int_equal(chmod(f->dir, 0700), 0);
    assert_refused(f, f->dir, me(), "not a regular file");
    char *fifo = ctu_path(f->dir, "fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_refused(f, fifo, me(), "not a regular file"); /* without blocking */
    free(fifo);
}

static void unusable_contents_refused(void **state)
{
    fixture *f = *state;
    char *path = ctu_write_text(f->dir, "empty", "", 0600);
    assert_refused(f, path, me(), "the first line is empty");
    free(path);
    path = ctu_write_text(f->dir, "blank", "\nsecond\n", 0600);
    assert_refused(f, path, me(), "the first line is empty");
    free(path);
    static const char nul[] = "ab\0cd\n";
    path = ctu_write_file(f->dir, "nul", nul, sizeof nul - 1, 0600);
    assert_refused(f, path, me(), "NUL byte");
    free(path);

    size_t len = LDLM_CONF_MAX_PASSWORD_FILE + 1;
    char *big = malloc(len);
    assert_non_null(big);
    memset(big, 'p', len);
    path = ctu_write_file(f->dir, "big", big, len, 0600);
    assert_refused(f, path, me(), "too large");
    free(path);
    /* Exactly the limit is accepted. */
    path = ctu_write_file(f->dir, "big", big, len - 1, 0600);
    assert_int_equal(read_pw(f, path, me()), 0);
    assert_int_equal(strlen(f->password), len - 1);
    free(path);
    free(big);
}

/* The same checks for other private files (a TLS key), named as such, on
 * the descriptor that the caller then reads or hands on. */
static void private_file_opened_checked(void **state)
{
    fixture *f = *state;
    char *key = ctu_write_text(f->dir, "client.key", "KEY\n", 0600);
    set_owner(key, me());
    int fd = ldlm_conf_open_private_file(&f->conf, "TLS key file", key, me());
    assert_true(fd >= 0);
    char buf[8] = {0};
    assert_int_equal(read(fd, buf, sizeof buf - 1), 4);
    assert_string_equal(buf, "KEY\n");
    close(fd);

    assert_int_equal(chmod(key, 0640), 0);
    assert_int_equal(
        ldlm_conf_open_private_file(&f->conf, "TLS key file", key, me()), -1);
    char *want = NULL;
    assert_true(asprintf(&want,
                         "TLS key file %s: mode 0640 gives access to group "
                         "or others (use chmod 600)",
                         key) > 0);
    assert_string_equal(ldlm_conf_error(&f->conf), want);
    free(want);

    char *link = ctu_path(f->dir, "link.key");
    assert_int_equal(chmod(key, 0600), 0);
    assert_int_equal(symlink(key, link), 0);
    assert_int_equal(
        ldlm_conf_open_private_file(&f->conf, "TLS key file", link, me()), -1);
    assert_non_null(strstr(ldlm_conf_error(&f->conf), "is a symbolic link"));
    if (geteuid() == 0) {
        set_owner(key, OTHER_UID);
        assert_int_equal(
            ldlm_conf_open_private_file(&f->conf, "TLS key file", key, 0), -1);
        assert_true(asprintf(&want,
                             "TLS key file %s: owned by uid %lu, must be "
                             "owned by root",
                             key, (unsigned long)OTHER_UID) > 0);
        assert_string_equal(ldlm_conf_error(&f->conf), want);
        free(want);
    }
    assert_int_equal(
        ldlm_conf_open_private_file(&f->conf, "TLS key file", "", 0), -1);
    free(link);
    free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(private_file_is_read, setup, teardown),
        cmocka_unit_test_setup_teardown(group_or_world_access_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(allowed_owner_accepted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(other_owner_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(symlink_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(not_regular_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(private_file_opened_checked, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(unusable_contents_refused, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
