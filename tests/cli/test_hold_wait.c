/* SPDX-License-Identifier: MIT */
/*
 * test_hold_wait.c - how `ldlm lock` holds: until end of file on stdin, a
 * signal, or the loss of the lock (reported through the same callback
 * libldlm calls from its background thread). Input on stdin that does not
 * end it is ignored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "events.h"
#include "hold_wait.h"
#include "test_signals.h"

static int stdin_saved = -1;

static int setup_group(void **state)
{
    (void)state;
    static const int caught[] = {SIGINT, SIGTERM, SIGHUP};
    cli_test_normal_signals_and_watchdog();
    stdin_saved = dup(STDIN_FILENO);
    return cli_events_open() < 0 || cli_events_catch(caught, 3) < 0 ? -1 : 0;
}

static int teardown_group(void **state)
{
    (void)state;
    dup2(stdin_saved, STDIN_FILENO);
    close(stdin_saved);
    return 0;
}

/* Makes stdin the read end of a new pipe; returns the write end. */
static int pipe_as_stdin(void)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
    close(p[0]);
    return p[1];
}

static void end_of_file_releases(void **state)
{
    (void)state;
    int w = pipe_as_stdin();
    assert_int_equal(write(w, "ignored\n", 8), 8);
    close(w);
    assert_int_equal(cli_hold_wait("x"), CLI_HOLD_RELEASE);

    int null = open("/dev/null", O_RDONLY);
    assert_true(null >= 0);
    dup2(null, STDIN_FILENO);
    close(null);
    assert_int_equal(cli_hold_wait("x"), CLI_HOLD_RELEASE);
}

static void signals_release(void **state)
{
    (void)state;
    static const int sigs[] = {SIGTERM, SIGINT, SIGHUP};
    int w = pipe_as_stdin(); /* kept open: only the signal can end it */
    for (size_t i = 0; i < 3; i++) {
        kill(getpid(), sigs[i]);
        assert_int_equal(cli_hold_wait("x"), CLI_HOLD_RELEASE);
    }
    close(w);
}

typedef struct {
    int writer;
} feeder_args;

/* Writes input, waits until the holder has read all of it, then reports
 * the lock lost, as libldlm's thread would. */
static void *feed_then_lose(void *arg)
{
    feeder_args *a = arg;
    for (int i = 0; i < 3; i++) {
        if (write(a->writer, "more input\n", 11) != 11)
            return NULL;
        int pending = 1;
        for (int tries = 0; tries < 5000 && pending > 0; tries++) {
            if (ioctl(STDIN_FILENO, FIONREAD, &pending) < 0)
                return NULL;
            if (pending > 0)
                nanosleep(&(struct timespec){0, 1000000}, NULL);
        }
    }
    cli_events_lost_lock(NULL, LDLM_ERR_UNAVAILABLE, NULL);
    return NULL;
}

static void input_is_ignored_and_loss_reported(void **state)
{
    (void)state;
    feeder_args a = {.writer = pipe_as_stdin()};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, feed_then_lose, &a), 0);
    assert_int_equal(cli_hold_wait("x"), CLI_HOLD_LOST);
    pthread_join(t, NULL);
    /* All the input was consumed before the loss ended the wait. */
    int pending = -1;
    assert_int_equal(ioctl(STDIN_FILENO, FIONREAD, &pending), 0);
    assert_int_equal(pending, 0);
    close(a.writer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(end_of_file_releases),
        cmocka_unit_test(signals_release),
        cmocka_unit_test(input_is_ignored_and_loss_reported),
    };
    return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
