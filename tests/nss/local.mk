# SPDX-License-Identifier: MIT
# tests/nss: nss_helpers unit tests, run under nss_wrapper with users and
# groups that exist only in the test's own files.
AM_TESTS_ENVIRONMENT += \
	LDLM_TEST_NSS_WRAPPER='$(NSS_WRAPPER_LIBS)'; export LDLM_TEST_NSS_WRAPPER; \
	LDLM_TEST_PAM_WRAPPER='$(PAM_WRAPPER_LIBS)'; export LDLM_TEST_PAM_WRAPPER;
EXTRA_DIST += tests/nss/run-under-nss-wrapper.sh tests/nss/nss_helpers.sh

# Shared by the test programs that need private files.
check_LTLIBRARIES += tests/nss/libtmpfiles.la
tests_nss_libtmpfiles_la_SOURCES = tests/nss/tmpfiles.h tests/nss/tmpfiles.c

if HAVE_CMOCKA
if HAVE_CWRAP
check_PROGRAMS += tests/nss/test_nss_helpers
tests_nss_test_nss_helpers_SOURCES = tests/nss/test_nss_helpers.c
tests_nss_test_nss_helpers_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(PTHREAD_CFLAGS)
tests_nss_test_nss_helpers_LDADD = nss_helpers/libnss_helpers.la \
	tests/nss/libtmpfiles.la $(CMOCKA_LIBS) $(PTHREAD_LIBS)
TESTS += tests/nss/nss_helpers.sh
endif
endif
