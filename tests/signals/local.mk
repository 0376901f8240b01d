# SPDX-License-Identifier: MIT
# tests/signals: the threads of a libldlm client block the application's
# signals (ldlmu_signals_block, util/ldlm_util.h). No server needed.
check_PROGRAMS += tests/signals/test_library_threads
tests_signals_test_library_threads_SOURCES = \
	tests/signals/test_library_threads.c
tests_signals_test_library_threads_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) \
	-I$(top_srcdir)/libldlm
tests_signals_test_library_threads_LDADD = libldlm/libldlm.la $(PTHREAD_LIBS)
TESTS += tests/signals/test_library_threads
