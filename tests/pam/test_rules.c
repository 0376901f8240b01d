/* SPDX-License-Identifier: MIT */
/*
 * test_rules.c - which limit applies to whom, with users and groups that
 * exist only in this test's files (run under nss_wrapper).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "options.h"
#include "rules.h"
#include "tmpfiles.h"

static char missing_default[4200];

static int setup(void **state)
{
    (void)state;
    const char *dir = tmpdir_create("pam-ldlm-rules");
    if (dir == NULL)
        return -1;
    snprintf(missing_default, sizeof(missing_default), "%s/absent.conf", dir);
    char *passwd = tmpdir_write_str(
        "passwd",
        "root:x:0:0:root:/root:/bin/sh\n"
        "toor:x:0:0:second uid 0:/root:/bin/sh\n"
        "alice:x:1001:1001::/home/alice:/bin/sh\n"
        "bob:x:1002:1002::/home/bob:/bin/sh\n"
        "carol:x:1003:1003::/home/carol:/bin/sh\n"
        "dave:x:1004:2001:primary group staff:/home/dave:/bin/sh\n"
        "erin:x:1005:1005::/home/erin:/bin/sh\n"
        "frank:x:1006:1006::/home/frank:/bin/sh\n"
        "j doe/x:x:1007:1007:odd name:/home/jdoe:/bin/sh\n",
        0644);
    char *group = tmpdir_write_str(
        "group",
        "root:x:0:\n"
        "alice:x:1001:\n"
        "bob:x:1002:\n"
        "carol:x:1003:\n"
        "erin:x:1005:\n"
        "frank:x:1006:\n"
        "staff:x:2001:erin\n"
        "ops:x:2002:frank,carol\n"
        "students:x:2003:alice,bob,frank\n"
        "admins:x:2004:carol,alice\n"
        "teachers:x:2005:alice\n"
        /* another name for gid 2003: members of students match it too */
        "pupils:x:2003:\n",
        0644);
    if (passwd == NULL || group == NULL)
        return -1;
    setenv("NSS_WRAPPER_PASSWD", passwd, 1);
    setenv("NSS_WRAPPER_GROUP", group, 1);
    free(passwd);
    free(group);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tmpdir_remove();
    return 0;
}

/* Loads options from a NULL-terminated list of arguments (the rules need
 * no server, hence no password). */
static void load(pldlm_options *o, const char *const *args)
{
    const char *argv[64];
    int argc = 0;
    while (args[argc] != NULL && argc < 62) {
        argv[argc] = args[argc];
        argc++;
    }
    argv[argc++] = "insecure_no_password";
    if (pldlm_options_load(o, missing_default, argc, argv) != 0)
        fail_msg("options: %s", o->error);
}

static void decide(const pldlm_options *o, const char *user, pldlm_decision *d)
{
    int rc = pldlm_decide(o, user, d);
    if (rc != PLDLM_DECIDED)
        fail_msg("decide(%s) = %d: %s", user, rc, d->error);
}

#define LOAD(o, ...) load((o), (const char *const[]){__VA_ARGS__, NULL})

static void test_root_is_exempt(void **state)
{
    (void)state;
    pldlm_options o;
    LOAD(&o, "max_sessions=1");
    pldlm_decision d;
    decide(&o, "root", &d);
    assert_int_equal(d.exemption, PLDLM_EXEMPT_ROOT);
    assert_string_equal(d.user, "root");
    assert_int_equal(d.uid, 0);
    pldlm_decision_free(&d);
    /* any uid 0 account, whatever its name */
    decide(&o, "toor", &d);
    assert_int_equal(d.exemption, PLDLM_EXEMPT_ROOT);
    pldlm_decision_free(&d);
    pldlm_options_free(&o);

    LOAD(&o, "max_sessions=1", "even_deny_root");
    decide(&o, "root", &d);
    assert_int_equal(d.exemption, PLDLM_NOT_EXEMPT);
    assert_int_equal(d.user_limit, 1);
    pldlm_decision_free(&d);
    pldlm_options_free(&o);
}

static void test_exempt_users_and_groups(void **state)
{
    (void)state;
    pldlm_options o;
    LOAD(&o, "max_sessions=1", "exempt=bob,@staff");
    pldlm_decision d;
    decide(&o, "bob", &d);
    assert_int_equal(d.exemption, PLDLM_EXEMPT_LISTED);
    pldlm_decision_free(&d);
    decide(&o, "erin", &d); /* supplementary member of staff */
    assert_int_equal(d.exemption, PLDLM_EXEMPT_LISTED);
    pldlm_decision_free(&d);
    decide(&o, "dave", &d); /* staff is dave's primary group */
    assert_int_equal(d.exemption, PLDLM_EXEMPT_LISTED);
    pldlm_decision_free(&d);
    decide(&o, "alice", &d);
    assert_int_equal(d.exemption, PLDLM_NOT_EXEMPT);
    assert_int_equal(d.user_limit, 1);
    pldlm_decision_free(&d);
    pldlm_options_free(&o);
}

static void test_default_limit(void **state)
{
    (void)state;
    pldlm_options o;
    pldlm_decision d;
    LOAD(&o, "on_error=deny");
    decide(&o, "alice", &d);
    assert_int_equal(d.exemption, PLDLM_NOT_EXEMPT);
    assert_int_equal(d.user_limit, PLDLM_UNLIMITED);
    assert_int_equal(d.pool_count, 0);
    pldlm_decision_free(&d);
    pldlm_options_free(&o);

    LOAD(&o, "max_sessions=4");
    decide(&o, "alice", &d);
    assert_int_equal(d.user_limit, 4);
    pldlm_decision_free(&d);
    pldlm_options_free(&o);
}

static void test_user_rule_beats_group_rules(void **state)
{
    (void)state;
    pldlm_options o;
    pldlm_decision d;
    LOAD(&o, "max_sessions=2", "limit=@admins:10,alice:1");
    decide(&o, "alice", &d);
    assert_int_equal(d.user_limit, 1);
    pldlm_decision_free(&d);
    decide(&o, "carol", &d);
    assert_int_equal(d.user_limit, 10);
    pldlm_decision_free(&d);
    decide(&o, "bob", &d);
    assert_int_equal(d.user_limit, 2);
    pldlm_decision_free(&d);
    pldlm_options_free(&o);
}

static void test_most_generous_group_wins(void **state)
{
    (void)state;
    pldlm_options o;
    pldlm_decision d;
    /* alice: students 2, admins 10, teachers 5 -> 10 */
    LOAD(&o, "limit=@students:2,@admins:10,@teachers:5");
    decide(&o, "alice", &d);
    assert_int_equal(d.user_limit, 10);
    assert_non_null(strstr(d.why, "admins"));
    pldlm_decision_free(&d);
    decide(&o, "bob", &d);
    assert_int_equal(d.user_limit, 2);
    pldlm_decision_free(&d);
    pldlm_options_free(&o);

    /* unlimited is above any number; unlimited= is the same rule */
    LOAD(&o, "limit=@students:2", "unlimited=@ops");
    decide(&o, "frank", &d); /* students and ops */
    assert_int_equal(d.user_limit, PLDLM_UNLIMITED);
    pldlm_decision_free(&d);
    pldlm_options_free(&o);
}

static void test_later_rules_override(void **state)
{
    (void)state;
    pldlm_options o;
    pldlm_decision d;
    LOAD(&o, "unlimited=alice", "limit=alice:2");
    decide(&o, "alice", &d);
    assert_int_equal(d.user_limit, 2);
    pldlm_decision_free(&d);
    pldlm_options_free(&o);

    LOAD(&o, "limit=bob:2", "limit=bob:unlimited");
    decide(&o, "bob", &d);
    assert_int_equal(d.user_limit, PLDLM_UNLIMITED);
    pldlm_decision_free(&d);
    pldlm_options_free(&o);

    /* a group redefined later: the earlier, more generous value is gone */
    LOAD(&o, "limit=@students:9", "limit=@students:3");
    decide(&o, "bob", &d);
    assert_int_equal(d.user_limit, 3);
    pldlm_decision_free(&d);
    pldlm_options_free(&o);
}

static void test_pools(void **state)
{
    (void)state;
    pldlm_options o;
    pldlm_decision d;
    LOAD(&o, "max_sessions=3", "pool=@teachers:4,@students:50",
         "pool=@admins:7", "pool=@admins:8", "unlimited=carol");
    decide(&o, "alice", &d); /* students, admins, teachers */
    assert_int_equal(d.user_limit, 3);
    assert_int_equal(d.pool_count, 3);
    /* in group-name order, last definition of admins */
    assert_string_equal(d.pools[0].group, "admins");
    assert_int_equal(d.pools[0].size, 8);
    assert_string_equal(d.pools[1].group, "students");
    assert_int_equal(d.pools[1].size, 50);
    assert_string_equal(d.pools[2].group, "teachers");
    assert_int_equal(d.pools[2].size, 4);
    pldlm_decision_free(&d);

    decide(&o, "erin", &d); /* no pooled group */
    assert_int_equal(d.pool_count, 0);
    pldlm_decision_free(&d);

    decide(&o, "carol", &d); /* unlimited herself, still in the admins pool */
    assert_int_equal(d.user_limit, PLDLM_UNLIMITED);
    assert_int_equal(d.pool_count, 1);
    assert_string_equal(d.pools[0].group, "admins");
    pldlm_decision_free(&d);
    pldlm_options_free(&o);
}

static void test_group_alias_by_gid(void **state)
{
    (void)state;
    pldlm_options o;
    pldlm_decision d;
    /* "pupils" has the gid of "students" */
    LOAD(&o, "limit=@pupils:6", "pool=@pupils:20");
    decide(&o, "bob", &d);
    assert_int_equal(d.user_limit, 6);
    assert_int_equal(d.pool_count, 1);
    pldlm_decision_free(&d);
    decide(&o, "erin", &d);
    assert_int_equal(d.user_limit, PLDLM_UNLIMITED);
    assert_int_equal(d.pool_count, 0);
    pldlm_decision_free(&d);
    pldlm_options_free(&o);
}

static void test_unknown_names(void **state)
{
    (void)state;
    pldlm_options o;
    pldlm_decision d;
    LOAD(&o, "max_sessions=2", "limit=@no_such_group:9",
         "exempt=@no_such_group_either");
    assert_int_equal(pldlm_decide(&o, "nobody_at_all", &d), PLDLM_USER_UNKNOWN);
    /* rules naming groups that do not exist match nobody */
    decide(&o, "alice", &d);
    assert_int_equal(d.exemption, PLDLM_NOT_EXEMPT);
    assert_int_equal(d.user_limit, 2);
    pldlm_decision_free(&d);
    pldlm_options_free(&o);
}

static void test_odd_user_name(void **state)
{
    (void)state;
    pldlm_options o;
    pldlm_decision d;
    LOAD(&o, "max_sessions=2", "limit=\"j doe/x:5\"");
    decide(&o, "j doe/x", &d);
    assert_int_equal(d.user_limit, 5);
    pldlm_decision_free(&d);
    pldlm_options_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_root_is_exempt),
        cmocka_unit_test(test_exempt_users_and_groups),
        cmocka_unit_test(test_default_limit),
        cmocka_unit_test(test_user_rule_beats_group_rules),
        cmocka_unit_test(test_most_generous_group_wins),
        cmocka_unit_test(test_later_rules_override),
        cmocka_unit_test(test_pools),
        cmocka_unit_test(test_group_alias_by_gid),
        cmocka_unit_test(test_unknown_names),
        cmocka_unit_test(test_odd_user_name),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
