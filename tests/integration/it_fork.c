/* SPDX-License-Identifier: MIT */
/*
 * it_fork.c - a client used from a forked child fails with LDLM_ERR_FORKED
 * without touching the parent's connection; the parent's client and its
 * locks keep working. Against the real server.
 */
#include "it_common.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* Child exit codes: which check failed. */
enum {
    CHILD_OK = 0,
    CHILD_TRY_LOCK = 10,
    CHILD_LOCK = 11,
    CHILD_UNLOCK = 12,
    CHILD_LOCK_UNLOCK = 13
};

static int child_checks(ldlm_client *client, ldlm_handle *held)
{
    ldlm_handle *lock = NULL;
    if (ldlm_try_lock(client, "in-child", NULL, &lock) != LDLM_ERR_FORKED)
        return CHILD_TRY_LOCK;
    ldlm_handle_free(lock);
    lock = NULL;
    if (ldlm_lock(client, "in-child", NULL, &lock) != LDLM_ERR_FORKED)
        return CHILD_LOCK;
    ldlm_handle_free(lock);
    if (ldlm_unlock(client, "forked", "key", NULL) != LDLM_ERR_FORKED)
        return CHILD_UNLOCK;
    if (ldlm_handle_unlock(held) != LDLM_ERR_FORKED)
        return CHILD_LOCK_UNLOCK;
    /* Memory only: must leave the parent's connection alone. */
    ldlm_client_free(client);
    return CHILD_OK;
}

/* waitpid with a deadline; kills the child if it hangs. */
static int wait_child(pid_t pid, int timeout_ms)
{
    int64_t deadline = ldlm_test_now_ms() + timeout_ms;
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        if (r < 0 && errno != EINTR)
            return -1;
        if (ldlm_test_now_ms() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -2;
        }
        ldlm_test_sleep_ms(10);
    }
}

static void test_forked_child_is_refused(void **state)
{
    ldlm_test_server *srv = *state;
    ldlm_client *a = it_client_for(srv);
    ldlm_handle *held = NULL;
    it_assert_ok(ldlm_lock(a, "forked", NULL, &held));

    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child_checks(a, held)); /* no atexit, no cmocka in the child */

    int status = wait_child(pid, 20000);
    if (status == -2)
        fail_msg("the child hung (killed after 20 s)");
    assert_true(status >= 0);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) != CHILD_OK)
        fail_msg("check %d failed in the child", WEXITSTATUS(status));

    /* The parent's lock is still held and its client still works. */
    assert_true(ldlm_handle_locked(held));
    assert_false(it_lock_is_free(srv, "forked", 0));
    it_take_and_release(a, "after-fork", 0, 0);
    it_assert_ok(ldlm_handle_unlock(held));
    assert_true(it_lock_is_free(srv, "forked", 0));

    ldlm_handle_free(held);
    ldlm_client_free(a);
}

int main(void)
{
    ldlm_test_require_server();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_forked_child_is_refused,
                                        it_setup_server, it_teardown_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
