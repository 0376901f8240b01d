/* SPDX-License-Identifier: MIT */
/*
 * ldlm_test_wait.c - bounded waiting for tests: monotonic time, polling
 * with a deadline, a counting event and a join with a timeout.
 */
#include "ldlm_test_server.h"

#include <errno.h>
#include <time.h>

int64_t ldlm_test_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ldlm_test_sleep_ms(int ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {.tv_sec = ms / 1000,
                          .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

bool ldlm_test_wait_until(bool (*cond)(void *arg), void *arg, int timeout_ms,
                          int poll_ms)
{
    if (poll_ms <= 0)
        poll_ms = 10;
    int64_t deadline = ldlm_test_now_ms() + timeout_ms;
    for (;;) {
        if (cond(arg))
            return true;
        int64_t left = deadline - ldlm_test_now_ms();
        if (left <= 0)
            return false;
        ldlm_test_sleep_ms(left < poll_ms ? (int)left : poll_ms);
    }
}

/* Absolute time `ms` from now on `clock`. */
static struct timespec deadline_in(clockid_t clock, int ms)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

void ldlm_test_event_init(ldlm_test_event *ev)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_mutex_init(&ev->mutex, NULL);
    pthread_cond_init(&ev->cond, &attr);
    pthread_condattr_destroy(&attr);
    ev->count = 0;
}

void ldlm_test_event_destroy(ldlm_test_event *ev)
{
    pthread_cond_destroy(&ev->cond);
    pthread_mutex_destroy(&ev->mutex);
}

void ldlm_test_event_signal(ldlm_test_event *ev)
{
    pthread_mutex_lock(&ev->mutex);
    ev->count++;
    pthread_cond_broadcast(&ev->cond);
    pthread_mutex_unlock(&ev->mutex);
}

int ldlm_test_event_count(ldlm_test_event *ev)
{
    pthread_mutex_lock(&ev->mutex);
    int count = ev->count;
    pthread_mutex_unlock(&ev->mutex);
    return count;
}

bool ldlm_test_event_wait(ldlm_test_event *ev, int target, int timeout_ms)
{
    struct timespec deadline = deadline_in(CLOCK_MONOTONIC, timeout_ms);
    pthread_mutex_lock(&ev->mutex);
    int rc = 0;
    while (ev->count < target && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&ev->cond, &ev->mutex, &deadline);
    bool reached = ev->count >= target;
    pthread_mutex_unlock(&ev->mutex);
    return reached;
}

bool ldlm_test_join(pthread_t thread, int timeout_ms, void **result)
{
    /* pthread_timedjoin_np measures against CLOCK_REALTIME. */
    struct timespec deadline = deadline_in(CLOCK_REALTIME, timeout_ms);
    void *ret = NULL;
    if (pthread_timedjoin_np(thread, &ret, &deadline) != 0)
        return false;
    if (result)
        *result = ret;
    return true;
}
