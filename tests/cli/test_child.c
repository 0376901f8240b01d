/* SPDX-License-Identifier: MIT */
/*
 * test_child.c - `ldlm run`'s handling of its command without a server:
 * exit statuses, exec failures, the environment, signals passed on, and a
 * lost lock (reported through the same callback libldlm calls) leading to
 * SIGTERM, then SIGKILL after the grace period.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "events.h"
#include "test_signals.h"

static char *dir;
static char *ready_fifo;

static int setup_group(void **state)
{
    (void)state;
    static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGCHLD};
    cli_test_normal_signals_and_watchdog();
    if (cli_events_open() < 0 || cli_events_catch(caught, 4) < 0)
        return -1;
    const char *base = getenv("TMPDIR");
    if (asprintf(&dir, "%s/ldlm-child-test.XXXXXX",
                 base != NULL && base[0] ? base : "/tmp") < 0 ||
        mkdtemp(dir) == NULL)
        return -1;
    if (asprintf(&ready_fifo, "%s/ready", dir) < 0 ||
        mkfifo(ready_fifo, 0600) < 0)
        return -1;
    return 0;
}

static int teardown_group(void **state)
{
    (void)state;
    unlink(ready_fifo);
    free(ready_fifo);
    rmdir(dir);
    free(dir);
    return 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs `sh -c SCRIPT READY_FIFO` under supervision; `before` runs once the
 * script wrote a line to the FIFO (NULL: do not wait for it). */
static int run_script(const char *script, void (*before)(pid_t), int grace,
                      bool *lost, int *exec_errno)
{
    char *argv[] = {"sh", "-c", (char *)script, ready_fifo, NULL};
    char **env = cli_child_environment("test-lock", "test-key");
    assert_non_null(env);
    pid_t pid = cli_child_start(argv, env, exec_errno);
    cli_child_environment_free(env);
    assert_true(pid > 0);
    if (before != NULL) {
        /* Blocks until the script opens the FIFO: it is ready. */
        FILE *f = fopen(ready_fifo, "r");
        assert_non_null(f);
        char line[32];
        assert_non_null(fgets(line, sizeof line, f));
        fclose(f);
        before(pid);
    }
    return cli_child_supervise(pid, "test-lock", grace, lost);
}

static void exit_status_passes(void **state)
{
    (void)state;
    bool lost = true;
    int e = -1;
    int ws = run_script("exit 7", NULL, 10, &lost, &e);
    assert_int_equal(e, 0);
    assert_false(lost);
    assert_int_equal(cli_child_exit_status(ws), 7);
    ws = run_script("kill -KILL $$", NULL, 10, &lost, &e);
    assert_int_equal(cli_child_exit_status(ws), 128 + SIGKILL);
    ws = run_script("exit 0", NULL, 10, &lost, &e);
    assert_int_equal(cli_child_exit_status(ws), 0);
}

static void exec_failures(void **state)
{
    (void)state;
    char *missing[] = {"/nonexistent/ldlm-test-command", NULL};
    char **env = cli_child_environment("n", "k");
    int e = 0;
    bool lost;
    pid_t pid = cli_child_start(missing, env, &e);
    assert_true(pid > 0);
    assert_int_equal(e, ENOENT);
    assert_int_equal(
        cli_child_exit_status(cli_child_supervise(pid, "n", 10, &lost)), 127);

    char *plain = NULL;
    assert_true(asprintf(&plain, "%s/not-executable", dir) > 0);
    int fd = open(plain, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    close(fd);
    char *noexec[] = {plain, NULL};
    pid = cli_child_start(noexec, env, &e);
    assert_true(pid > 0);
    assert_int_equal(e, EACCES);
    assert_int_equal(
        cli_child_exit_status(cli_child_supervise(pid, "n", 10, &lost)), 126);
    unlink(plain);
    free(plain);
    cli_child_environment_free(env);
}

static void environment(void **state)
{
    (void)state;
    setenv("LDLM_LOCK_NAME", "inherited", 1);
    setenv("LDLM_LOCK_KEY", "inherited", 1);
    setenv("LDLM_TEST_KEPT", "kept", 1);
    bool lost;
    int e;
    int ws = run_script("test \"$LDLM_LOCK_NAME\" = test-lock &&"
                        " test \"$LDLM_LOCK_KEY\" = test-key &&"
                        " test \"$LDLM_TEST_KEPT\" = kept &&"
                        " test \"$(env | grep -c '^LDLM_LOCK_')\" = 2",
                        NULL, 10, &lost, &e);
    assert_int_equal(cli_child_exit_status(ws), 0);
    unsetenv("LDLM_LOCK_NAME");
    unsetenv("LDLM_LOCK_KEY");
    unsetenv("LDLM_TEST_KEPT");
}

static void send_term(pid_t child)
{
    (void)child;
    /* To ourselves, as `kill` from another process would: passed on. */
    kill(getpid(), SIGTERM);
}

static void send_hup(pid_t child)
{
    (void)child;
    kill(getpid(), SIGHUP);
}

static void signals_are_passed_on(void **state)
{
    (void)state;
    bool lost;
    int e;
    const char *script = "trap 'exit 5' TERM; trap 'exit 6' HUP;"
                         " echo ready > \"$0\";"
                         " while :; do sleep 1 & wait $!; done";
    int ws = run_script(script, send_term, 10, &lost, &e);
    assert_false(lost);
    assert_int_equal(cli_child_exit_status(ws), 5);
    ws = run_script(script, send_hup, 10, &lost, &e);
    assert_int_equal(cli_child_exit_status(ws), 6);
    /* Without a trap the command dies of the signal: 128 + 15. */
    ws = run_script("echo ready > \"$0\"; exec sleep 30", send_term, 10, &lost,
                    &e);
    assert_int_equal(cli_child_exit_status(ws), 128 + SIGTERM);
}

static void lose_lock(pid_t child)
{
    (void)child;
    /* What libldlm's background thread does when the lock is gone. */
    cli_events_lost_lock(NULL, LDLM_ERR_LOCK_LOST, NULL);
}

static void lost_lock_stops_the_command(void **state)
{
    (void)state;
    bool lost = false;
    int e;
    int64_t start = now_ms();
    int ws = run_script("trap 'exit 3' TERM; echo ready > \"$0\";"
                        " while :; do sleep 1 & wait $!; done",
                        lose_lock, 10, &lost, &e);
    assert_true(lost);
    assert_int_equal(cli_child_exit_status(ws), 3);
    /* SIGTERM was enough: no wait for the grace period. */
    assert_true(now_ms() - start < 5000);
}

/* A command that ignores SIGTERM: only SIGKILL ends it. */
static const char ignores_term[] = "trap '' TERM; echo ready > \"$0\";"
                                   " while :; do sleep 1; done";

static void lost_lock_kills_after_grace(void **state)
{
    (void)state;
    bool lost = false;
    int e;
    int ws = run_script(ignores_term, lose_lock, 1, &lost, &e);
    assert_true(lost);
    assert_true(WIFSIGNALED(ws));
    assert_int_equal(WTERMSIG(ws), SIGKILL);
}

static int64_t lose_lock_at;

static void lose_lock_timed(pid_t child)
{
    lose_lock_at = now_ms();
    lose_lock(child);
}

/*
 * Runs ignores_term, loses its lock with a grace period of `grace` s and
 * checks that the loss was seen and SIGKILL ended the command; returns how
 * long after the loss it ended (ms).
 */
static int64_t ms_to_kill_after_loss(int grace)
{
    bool lost = false;
    int e;
    int ws = run_script(ignores_term, lose_lock_timed, grace, &lost, &e);
    int64_t waited = now_ms() - lose_lock_at;
    assert_true(lost);
    assert_int_equal(WTERMSIG(ws), SIGKILL);
    return waited;
}

static void grace_period_is_respected(void **state)
{
    (void)state;
    int64_t waited = ms_to_kill_after_loss(2);
    assert_true(waited >= 1900);
    assert_true(waited < 10000);
}

static void zero_grace_kills_at_once(void **state)
{
    (void)state;
    assert_true(ms_to_kill_after_loss(0) < 1500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exit_status_passes),
        cmocka_unit_test(exec_failures),
        cmocka_unit_test(environment),
        cmocka_unit_test(signals_are_passed_on),
        cmocka_unit_test(lost_lock_stops_the_command),
        cmocka_unit_test(lost_lock_kills_after_grace),
        cmocka_unit_test(grace_period_is_respected),
        cmocka_unit_test(zero_grace_kills_at_once),
    };
    return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
