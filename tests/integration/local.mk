# SPDX-License-Identifier: MIT
# tests/integration: libldlm against the real LDLM server. Each program
# starts its own servers through tests/harness and SKIPs (exit 77, with the
# reason) when the server could not be installed. The 70 s idle test is a
# program of its own so that the parallel harness overlaps it with the rest.

if HAVE_CMOCKA
check_LTLIBRARIES += tests/integration/libitcommon.la
tests_integration_libitcommon_la_SOURCES = \
	tests/integration/it_common.h \
	tests/integration/it_common.c
tests_integration_libitcommon_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/harness
tests_integration_libitcommon_la_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(PTHREAD_CFLAGS)

INTEGRATION_TESTS = \
	tests/integration/it_idle \
	tests/integration/it_basic \
	tests/integration/it_handles \
	tests/integration/it_sizes \
	tests/integration/it_wait \
	tests/integration/it_expiry \
	tests/integration/it_lost \
	tests/integration/it_auth \
	tests/integration/it_tls \
	tests/integration/it_retries \
	tests/integration/it_cancel \
	tests/integration/it_threads \
	tests/integration/it_fork \
	tests/integration/it_ipv6
check_PROGRAMS += $(INTEGRATION_TESTS)
TESTS += $(INTEGRATION_TESTS) tests/integration/skip-without-server.sh
EXTRA_DIST += tests/integration/skip-without-server.sh

IT_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/harness
IT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(PTHREAD_CFLAGS)
IT_LDADD = tests/integration/libitcommon.la tests/harness/libtestharness.la \
	libldlm/libldlm.la $(CMOCKA_LIBS) $(PTHREAD_LIBS)

tests_integration_it_idle_SOURCES = tests/integration/it_idle.c
tests_integration_it_idle_CPPFLAGS = $(IT_CPPFLAGS)
tests_integration_it_idle_CFLAGS = $(IT_CFLAGS)
tests_integration_it_idle_LDADD = $(IT_LDADD)
tests_integration_it_basic_SOURCES = tests/integration/it_basic.c
tests_integration_it_basic_CPPFLAGS = $(IT_CPPFLAGS)
tests_integration_it_basic_CFLAGS = $(IT_CFLAGS)
tests_integration_it_basic_LDADD = $(IT_LDADD)
tests_integration_it_handles_SOURCES = tests/integration/it_handles.c
tests_integration_it_handles_CPPFLAGS = $(IT_CPPFLAGS)
tests_integration_it_handles_CFLAGS = $(IT_CFLAGS)
tests_integration_it_handles_LDADD = $(IT_LDADD)
# Also under valgrind (make check-valgrind): handles after their client.
VALGRIND_EXTRA_TESTS = tests/integration/it_handles
tests_integration_it_sizes_SOURCES = tests/integration/it_sizes.c
tests_integration_it_sizes_CPPFLAGS = $(IT_CPPFLAGS)
tests_integration_it_sizes_CFLAGS = $(IT_CFLAGS)
tests_integration_it_sizes_LDADD = $(IT_LDADD)
tests_integration_it_wait_SOURCES = tests/integration/it_wait.c
tests_integration_it_wait_CPPFLAGS = $(IT_CPPFLAGS)
tests_integration_it_wait_CFLAGS = $(IT_CFLAGS)
tests_integration_it_wait_LDADD = $(IT_LDADD)
tests_integration_it_expiry_SOURCES = tests/integration/it_expiry.c
tests_integration_it_expiry_CPPFLAGS = $(IT_CPPFLAGS)
tests_integration_it_expiry_CFLAGS = $(IT_CFLAGS)
tests_integration_it_expiry_LDADD = $(IT_LDADD)
tests_integration_it_lost_SOURCES = tests/integration/it_lost.c
tests_integration_it_lost_CPPFLAGS = $(IT_CPPFLAGS)
tests_integration_it_lost_CFLAGS = $(IT_CFLAGS)
tests_integration_it_lost_LDADD = $(IT_LDADD)
tests_integration_it_auth_SOURCES = tests/integration/it_auth.c
tests_integration_it_auth_CPPFLAGS = $(IT_CPPFLAGS)
tests_integration_it_auth_CFLAGS = $(IT_CFLAGS)
tests_integration_it_auth_LDADD = $(IT_LDADD)
tests_integration_it_tls_SOURCES = tests/integration/it_tls.c
tests_integration_it_tls_CPPFLAGS = $(IT_CPPFLAGS)
tests_integration_it_tls_CFLAGS = $(IT_CFLAGS)
tests_integration_it_tls_LDADD = $(IT_LDADD)
tests_integration_it_retries_SOURCES = tests/integration/it_retries.c
tests_integration_it_retries_CPPFLAGS = $(IT_CPPFLAGS)
tests_integration_it_retries_CFLAGS = $(IT_CFLAGS)
tests_integration_it_retries_LDADD = $(IT_LDADD)
tests_integration_it_cancel_SOURCES = tests/integration/it_cancel.c
tests_integration_it_cancel_CPPFLAGS = $(IT_CPPFLAGS)
tests_integration_it_cancel_CFLAGS = $(IT_CFLAGS)
tests_integration_it_cancel_LDADD = $(IT_LDADD)
tests_integration_it_threads_SOURCES = tests/integration/it_threads.c
tests_integration_it_threads_CPPFLAGS = $(IT_CPPFLAGS)
tests_integration_it_threads_CFLAGS = $(IT_CFLAGS)
tests_integration_it_threads_LDADD = $(IT_LDADD)
tests_integration_it_fork_SOURCES = tests/integration/it_fork.c
tests_integration_it_fork_CPPFLAGS = $(IT_CPPFLAGS)
tests_integration_it_fork_CFLAGS = $(IT_CFLAGS)
tests_integration_it_fork_LDADD = $(IT_LDADD)
tests_integration_it_ipv6_SOURCES = tests/integration/it_ipv6.c
tests_integration_it_ipv6_CPPFLAGS = $(IT_CPPFLAGS)
tests_integration_it_ipv6_CFLAGS = $(IT_CFLAGS)
tests_integration_it_ipv6_LDADD = $(IT_LDADD)
endif
