/* SPDX-License-Identifier: MIT */
/*
 * test_nss_helpers.c - nss_helpers against users and groups that exist only
 * in this test's own files, served by nss_wrapper.
 *
 * Run under LD_PRELOAD=libnss_wrapper.so (run-under-nss-wrapper.sh); the
 * program writes its passwd and group files and points NSS_WRAPPER_PASSWD /
 * NSS_WRAPPER_GROUP at them before the first lookup.
 */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <nss_helpers.h>

#include "tmpfiles.h"

/* Sizes chosen to go well past the helpers' first buffer (1 KiB). */
#define MANY_GROUPS 300
#define HUGE_MEMBERS 3000
#define FIRST_MANY_GID 7000
#define HUGE_GID 8000

static char *append_line(char *buf, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static char *append_line(char *buf, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = NULL;
    int n = vasprintf(&line, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    buf = realloc(buf, *len + (size_t)n + 1);
    if (buf == NULL)
        abort();
    memcpy(buf + *len, line, (size_t)n + 1);
    *len += (size_t)n;
    free(line);
    return buf;
}

static int write_databases(void **state)
{
    (void)state;
    if (tmpdir_create("nss-helpers-test") == NULL)
        return -1;

    static const char passwd[] =
        "root:x:0:0:root:/root:/bin/sh\n"
        "nsst_alice:x:5001:6001:Alice:/home/alice:/bin/sh\n"
        "nsst_bob:x:5002:6002:Bob:/home/bob:/bin/sh\n"
        "nsst_many:x:5003:6003:Many groups, primary without entry:/:/bin/sh\n"
        "nsst_lonely:x:5004:6004:No supplementary group:/:/bin/sh\n";
    char *passwd_path = tmpdir_write_str("passwd", passwd, 0644);

    size_t len = 0;
    char *group = NULL;
    group = append_line(group, &len, "root:x:0:\n");
    /* alice is listed in her own primary group too: must not count twice */
    group = append_line(group, &len, "nsst_alice_g:x:6001:nsst_alice\n");
    group = append_line(group, &len, "nsst_bob_g:x:6002:\n");
    group = append_line(group, &len, "nsst_lonely_g:x:6004:\n");
    group =
        append_line(group, &len, "nsst_shared:x:6100:nsst_alice,nsst_bob\n");
    group = append_line(group, &len, "nsst_empty:x:6101:\n");
    for (int i = 0; i < MANY_GROUPS; i++)
        group = append_line(group, &len, "nsst_many_%03d:x:%d:nsst_many\n", i,
                            FIRST_MANY_GID + i);
    group = append_line(group, &len, "nsst_huge:x:%d:", HUGE_GID);
    for (int i = 0; i < HUGE_MEMBERS; i++)
        group = append_line(group, &len, "%smember_with_a_long_name_%04d",
                            i == 0 ? "" : ",", i);
    group = append_line(group, &len, ",nsst_alice\n");
    char *group_path = tmpdir_write("group", group, len, 0644);
    free(group);

    if (passwd_path == NULL || group_path == NULL)
        return -1;
    setenv("NSS_WRAPPER_PASSWD", passwd_path, 1);
    setenv("NSS_WRAPPER_GROUP", group_path, 1);
    free(passwd_path);
    free(group_path);
    return 0;
}

static int remove_databases(void **state)
{
    (void)state;
    tmpdir_remove();
    return 0;
}

static void test_user_found(void **state)
{
    (void)state;
    nssh_user *u = NULL;
    assert_int_equal(nssh_user_lookup("nsst_alice", &u), NSSH_OK);
    assert_non_null(u);
    assert_string_equal(u->name, "nsst_alice");
    assert_int_equal(u->uid, 5001);
    assert_int_equal(u->gid, 6001);
    nssh_user_free(u);

    assert_int_equal(nssh_user_lookup("root", &u), NSSH_OK);
    assert_int_equal(u->uid, 0);
    nssh_user_free(u);
}

/* Every result of a lookup can be put into words for a log line. */
static void test_results_have_words(void **state)
{
    (void)state;
    assert_string_equal(nssh_strerror(NSSH_OK), "found");
    assert_string_equal(nssh_strerror(NSSH_NOT_FOUND),
                        "no such entry in the name service");
    assert_string_equal(nssh_strerror(-ENOMEM), strerror(ENOMEM));
    assert_string_equal(nssh_strerror(-EIO), strerror(EIO));
    assert_string_equal(nssh_strerror(7), "unknown result");
}

static void test_user_unknown(void **state)
{
    (void)state;
    nssh_user *u = (nssh_user *)&u; /* must be reset to NULL */
    assert_int_equal(nssh_user_lookup("nsst_nobody_here", &u), NSSH_NOT_FOUND);
    assert_null(u);
    u = (nssh_user *)&u;
    assert_int_equal(nssh_user_lookup("", &u), NSSH_NOT_FOUND);
    assert_null(u);
    assert_int_equal(nssh_user_lookup(NULL, &u), NSSH_NOT_FOUND);
    assert_null(u);
}

static void test_groups_of_alice(void **state)
{
    (void)state;
    nssh_group_list *l = NULL;
    assert_int_equal(nssh_user_groups("nsst_alice", 6001, &l), NSSH_OK);
    assert_non_null(l);
    /* primary first, then shared and huge; the primary only once */
    assert_int_equal(l->count, 3);
    assert_int_equal(l->gids[0], 6001);
    assert_string_equal(l->names[0], "nsst_alice_g");
    assert_true(nssh_group_list_contains(l, 6100));
    assert_true(nssh_group_list_contains(l, HUGE_GID));
    assert_false(nssh_group_list_contains(l, 6101));
    assert_false(nssh_group_list_contains(l, 6002));
    for (size_t i = 1; i < l->count; i++) {
        if (l->gids[i] == 6100)
            assert_string_equal(l->names[i], "nsst_shared");
        else
            assert_string_equal(l->names[i], "nsst_huge");
    }
    nssh_group_list_free(l);
}

static void test_user_without_supplementary_groups(void **state)
{
    (void)state;
    nssh_group_list *l = NULL;
    assert_int_equal(nssh_user_groups("nsst_lonely", 6004, &l), NSSH_OK);
    assert_int_equal(l->count, 1);
    assert_int_equal(l->gids[0], 6004);
    assert_string_equal(l->names[0], "nsst_lonely_g");
    nssh_group_list_free(l);
}

static void test_user_in_many_groups(void **state)
{
    (void)state;
    nssh_group_list *l = NULL;
    assert_int_equal(nssh_user_groups("nsst_many", 6003, &l), NSSH_OK);
    assert_int_equal(l->count, 1 + MANY_GROUPS);
    assert_int_equal(l->gids[0], 6003);
    /* 6003 has no group entry: its name is unknown */
    assert_null(l->names[0]);
    for (int i = 0; i < MANY_GROUPS; i++) {
        gid_t gid = (gid_t)(FIRST_MANY_GID + i);
        size_t found = 0;
        for (size_t k = 0; k < l->count; k++) {
            if (l->gids[k] != gid)
                continue;
            found++;
            char expected[32];
            snprintf(expected, sizeof(expected), "nsst_many_%03d", i);
            assert_string_equal(l->names[k], expected);
        }
        assert_int_equal(found, 1);
    }
    nssh_group_list_free(l);
}

static void test_huge_group_grows_buffer(void **state)
{
    (void)state;
    /* The entry really does not fit the helpers' first buffer. */
    char small[1024];
    struct group gr, *res = NULL;
    errno = 0;
    int rc = getgrnam_r("nsst_huge", &gr, small, sizeof(small), &res);
    /* (nss_wrapper returns -1 and sets errno; glibc returns the number) */
    assert_int_equal(rc < 0 ? errno : rc, ERANGE);

    nssh_group *g = NULL;
    assert_int_equal(nssh_group_lookup("nsst_huge", &g), NSSH_OK);
    assert_string_equal(g->name, "nsst_huge");
    assert_int_equal(g->gid, HUGE_GID);
    assert_int_equal(g->member_count, HUGE_MEMBERS + 1);
    for (int i = 0; i < HUGE_MEMBERS; i++) {
        char expected[64];
        snprintf(expected, sizeof(expected), "member_with_a_long_name_%04d", i);
        assert_string_equal(g->members[i], expected);
    }
    assert_string_equal(g->members[HUGE_MEMBERS], "nsst_alice");
    assert_null(g->members[HUGE_MEMBERS + 1]);
    nssh_group_free(g);

    /* And by gid. */
    assert_int_equal(nssh_group_lookup_gid(HUGE_GID, &g), NSSH_OK);
    assert_string_equal(g->name, "nsst_huge");
    assert_int_equal(g->member_count, HUGE_MEMBERS + 1);
    nssh_group_free(g);

    /* Only its gid: the buffer grows the same way. */
    gid_t gid = 0;
    assert_int_equal(nssh_group_gid("nsst_huge", &gid), NSSH_OK);
    assert_int_equal(gid, HUGE_GID);
}

static void test_group_lookups(void **state)
{
    (void)state;
    nssh_group *g = NULL;
    assert_int_equal(nssh_group_lookup("nsst_shared", &g), NSSH_OK);
    assert_int_equal(g->gid, 6100);
    assert_int_equal(g->member_count, 2);
    assert_string_equal(g->members[0], "nsst_alice");
    assert_string_equal(g->members[1], "nsst_bob");
    nssh_group_free(g);

    assert_int_equal(nssh_group_lookup("nsst_empty", &g), NSSH_OK);
    assert_int_equal(g->member_count, 0);
    assert_null(g->members[0]);
    nssh_group_free(g);

    g = (nssh_group *)&g;
    assert_int_equal(nssh_group_lookup("nsst_no_such_group", &g),
                     NSSH_NOT_FOUND);
    assert_null(g);
    assert_int_equal(nssh_group_lookup_gid(6999, &g), NSSH_NOT_FOUND);
    assert_null(g);
    assert_int_equal(nssh_group_lookup("", &g), NSSH_NOT_FOUND);

    gid_t gid = 4242;
    assert_int_equal(nssh_group_gid("nsst_shared", &gid), NSSH_OK);
    assert_int_equal(gid, 6100);
    gid = 4242;
    assert_int_equal(nssh_group_gid("nsst_no_such_group", &gid),
                     NSSH_NOT_FOUND);
    assert_int_equal(gid, 4242); /* untouched */
    assert_int_equal(nssh_group_gid("", &gid), NSSH_NOT_FOUND);
}

static void test_free_null(void **state)
{
    (void)state;
    nssh_user_free(NULL);
    nssh_group_free(NULL);
    nssh_group_list_free(NULL);
    assert_false(nssh_group_list_contains(NULL, 0));
}

/*
 * Many threads at once: no static storage means no crosstalk between
 * lookups. (getgrouplist is left out here: nss_wrapper implements it by
 * walking the group file with one process-wide cursor, so under nss_wrapper
 * concurrent calls disturb each other; glibc's own implementation does not.)
 */
#define THREADS 8
#define ROUNDS 40

static void *lookup_worker(void *arg)
{
    intptr_t id = (intptr_t)arg;
    for (int r = 0; r < ROUNDS; r++) {
        nssh_user *u = NULL;
        bool even = (id + r) % 2 == 0;
        const char *name = even ? "nsst_alice" : "nsst_bob";
        bool ok = nssh_user_lookup(name, &u) == NSSH_OK &&
                  strcmp(u->name, name) == 0 &&
                  u->uid == (even ? 5001u : 5002u) &&
                  u->gid == (even ? 6001u : 6002u);
        nssh_user_free(u);
        nssh_group *g = NULL;
        ok = ok && nssh_group_lookup("nsst_huge", &g) == NSSH_OK &&
             g->member_count == HUGE_MEMBERS + 1 &&
             strcmp(g->members[HUGE_MEMBERS], "nsst_alice") == 0;
        nssh_group_free(g);
        g = NULL;
        ok = ok && nssh_group_lookup_gid(even ? 6100 : 6101, &g) == NSSH_OK &&
             strcmp(g->name, even ? "nsst_shared" : "nsst_empty") == 0;
        nssh_group_free(g);
        if (!ok)
            return (void *)1;
    }
    return NULL;
}

static void test_concurrent_lookups(void **state)
{
    (void)state;
    pthread_t threads[THREADS];
    for (intptr_t i = 0; i < THREADS; i++)
        assert_int_equal(
            pthread_create(&threads[i], NULL, lookup_worker, (void *)i), 0);
    for (int i = 0; i < THREADS; i++) {
        void *result = (void *)1;
        assert_int_equal(pthread_join(threads[i], &result), 0);
        assert_null(result);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_found),
        cmocka_unit_test(test_user_unknown),
        cmocka_unit_test(test_results_have_words),
        cmocka_unit_test(test_groups_of_alice),
        cmocka_unit_test(test_user_without_supplementary_groups),
        cmocka_unit_test(test_user_in_many_groups),
        cmocka_unit_test(test_huge_group_grows_buffer),
        cmocka_unit_test(test_group_lookups),
        cmocka_unit_test(test_free_null),
        cmocka_unit_test(test_concurrent_lookups),
    };
    return cmocka_run_group_tests(tests, write_databases, remove_databases);
}
