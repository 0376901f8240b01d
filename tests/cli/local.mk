# SPDX-License-Identifier: MIT
# tests/cli: ldlm(1). The first group needs no server and always runs; the
# server_* tests run against the real LDLM server (they SKIP, exit 77, when
# it could not be installed). The scripts are run by SH_LOG_COMPILER.

# The parts of run and lock that need no server, with the lost-lock
# callback called directly, as libldlm would: supervision of run's command
# (child.c).
if HAVE_CMOCKA
check_PROGRAMS += tests/cli/test_child
TESTS += tests/cli/test_child
tests_cli_test_child_SOURCES = tests/cli/test_child.c \
	tests/cli/test_signals.h tests/cli/test_signals.c \
	cli/child.h cli/child.c cli/events.h cli/events.c cli/report.h cli/report.c
tests_cli_test_child_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cli
tests_cli_test_child_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_cli_test_child_LDADD = libldlm/libldlm.la $(CMOCKA_LIBS)

# How `lock` holds (hold_wait.c): end of file, signals, a lost lock.
check_PROGRAMS += tests/cli/test_hold_wait
TESTS += tests/cli/test_hold_wait
tests_cli_test_hold_wait_SOURCES = tests/cli/test_hold_wait.c \
	tests/cli/test_signals.h tests/cli/test_signals.c \
	cli/hold_wait.h cli/hold_wait.c cli/events.h cli/events.c \
	cli/report.h cli/report.c
tests_cli_test_hold_wait_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cli
tests_cli_test_hold_wait_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(PTHREAD_CFLAGS)
tests_cli_test_hold_wait_LDADD = libldlm/libldlm.la $(CMOCKA_LIBS) $(PTHREAD_LIBS)
endif

TESTS += \
	tests/cli/help.sh \
	tests/cli/usage.sh \
	tests/cli/config.sh \
	tests/cli/password_file.sh \
	tests/cli/unreachable.sh \
	tests/cli/server_exclusion.sh \
	tests/cli/server_size.sh \
	tests/cli/server_wait.sh \
	tests/cli/server_status.sh \
	tests/cli/server_kill.sh \
	tests/cli/server_lost.sh \
	tests/cli/server_auth.sh \
	tests/cli/server_admin.sh
EXTRA_DIST += \
	tests/cli/lib.sh \
	tests/cli/server_lib.sh \
	tests/cli/help.sh \
	tests/cli/usage.sh \
	tests/cli/config.sh \
	tests/cli/password_file.sh \
	tests/cli/unreachable.sh \
	tests/cli/server_exclusion.sh \
	tests/cli/server_size.sh \
	tests/cli/server_wait.sh \
	tests/cli/server_status.sh \
	tests/cli/server_kill.sh \
	tests/cli/server_lost.sh \
	tests/cli/server_auth.sh \
	tests/cli/server_admin.sh
