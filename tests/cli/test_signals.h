/* SPDX-License-Identifier: MIT */
/*
 * test_signals.h - the signal dispositions and watchdog shared by the
 * cmocka tests of ldlm(1)'s signal handling (test_child, test_hold_wait).
 */
#ifndef CLI_TEST_SIGNALS_H
#define CLI_TEST_SIGNALS_H

/*
 * The test's own process may have been started with signals ignored (under
 * nohup, or as some CI runners start jobs). ldlm keeps a signal ignored on
 * entry ignored, as shells do, so these tests would then wait for ever for
 * a signal that never arrives: they run with the default dispositions of a
 * login shell instead. And a watchdog turns any hang into a failure.
 */
void cli_test_normal_signals_and_watchdog(void);

#endif
