# SPDX-License-Identifier: MIT
# tests/harness: runs the real LDLM server for the tests (never a stand-in).
#   install-server.sh   go-installs the pinned server into the cache
#   libtestharness.la   C API: ldlm_test_server.h (start/stop/pause/restart
#                       by pid, TLS material, bounded waits)
#   server.sh           the same for shell tests, with ldlm_test_tool
#   gen-certs.sh        TLS material (shared by C and sh)
#   cwrap.sh            pam_wrapper / nss_wrapper helpers (shell tests, bench)
# and the harness's own self-tests, which need no server.

check_LTLIBRARIES += tests/harness/libtestharness.la
tests_harness_libtestharness_la_SOURCES = \
	tests/harness/ldlm_test_server.h \
	tests/harness/ldlm_test_server.c \
	tests/harness/ldlm_test_net.c \
	tests/harness/ldlm_test_certs.c \
	tests/harness/ldlm_test_wait.c
# gen-certs.sh is found under $LDLM_TEST_SRCDIR, else in this source tree.
tests_harness_libtestharness_la_CPPFLAGS = $(AM_CPPFLAGS) \
	-DLDLM_TEST_DEFAULT_SRCDIR='"$(abs_top_srcdir)"'
tests_harness_libtestharness_la_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
tests_harness_libtestharness_la_LIBADD = $(PTHREAD_LIBS)

# What server.sh cannot do in sh: free ports, readiness and process states.
check_PROGRAMS += tests/harness/ldlm_test_tool
tests_harness_ldlm_test_tool_SOURCES = tests/harness/ldlm_test_tool.c
tests_harness_ldlm_test_tool_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
tests_harness_ldlm_test_tool_LDADD = tests/harness/libtestharness.la $(PTHREAD_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += tests/harness/harness_selftest
TESTS += tests/harness/harness_selftest
tests_harness_harness_selftest_SOURCES = tests/harness/harness_selftest.c
tests_harness_harness_selftest_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(PTHREAD_CFLAGS)
tests_harness_harness_selftest_LDADD = tests/harness/libtestharness.la \
	$(CMOCKA_LIBS) $(PTHREAD_LIBS)
endif

TESTS += tests/harness/server-sh-selftest.sh
EXTRA_DIST += \
	tests/harness/install-server.sh \
	tests/harness/gen-certs.sh \
	tests/harness/server.sh \
	tests/harness/cwrap.sh \
	tests/harness/server-sh-selftest.sh

# Before any test runs, install the pinned server (or find it cached). A
# failure does not stop `make check`: install-server.sh records the go error
# in $(LDLM_TEST_CACHE)/server/install-error.txt and the tests that need the
# server SKIP with it. LDLM_SERVER_BIN=/path/to/server skips the install.
# (No file of that name is ever made, so the rule runs every time; the
# script itself returns at once when the cached binary is there.)
check_DATA = ldlm-test-server
ldlm-test-server:
	@LDLM_TEST_CACHE="$(LDLM_TEST_CACHE)"; export LDLM_TEST_CACHE; \
	if test -n "$${LDLM_SERVER_BIN:-}" && test -x "$$LDLM_SERVER_BIN"; then \
	  echo "LDLM server for the tests: $$LDLM_SERVER_BIN (LDLM_SERVER_BIN)"; \
	else \
	  $(SHELL) $(top_srcdir)/tests/harness/install-server.sh || \
	    echo "LDLM server unavailable: the tests that need it will SKIP"; \
	fi
