/* SPDX-License-Identifier: MIT */
/*
 * test_signals.c - default signal dispositions and a watchdog for the
 * cmocka tests of ldlm(1)'s signal handling (see test_signals.h).
 */
#include "test_signals.h"

#include <signal.h>
#include <stddef.h>
#include <unistd.h>

void cli_test_normal_signals_and_watchdog(void)
{
    static const int reset[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM};
    for (size_t i = 0; i < sizeof(reset) / sizeof(reset[0]); i++)
        signal(reset[i], SIG_DFL);
    alarm(120); /* SIGALRM ends the test program: reported as a failure */
}
