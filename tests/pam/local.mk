# SPDX-License-Identifier: MIT
# tests/pam: pam_ldlm. Unit tests of its parts (cmocka), then the module
# itself loaded by a driver program under pam_wrapper + nss_wrapper.
PAM_UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -I$(top_srcdir)/pam_ldlm \
	-I$(top_srcdir)/tests/nss
PAM_UNIT_LDADD = pam_ldlm/libpam_ldlm_core.la tests/nss/libtmpfiles.la \
	$(CMOCKA_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += tests/pam/test_lock_name tests/pam/test_messages \
	tests/pam/test_options
tests_pam_test_lock_name_SOURCES = tests/pam/test_lock_name.c
tests_pam_test_lock_name_CFLAGS = $(PAM_UNIT_CFLAGS)
tests_pam_test_lock_name_LDADD = $(PAM_UNIT_LDADD)
tests_pam_test_messages_SOURCES = tests/pam/test_messages.c
tests_pam_test_messages_CFLAGS = $(PAM_UNIT_CFLAGS)
tests_pam_test_messages_LDADD = $(PAM_UNIT_LDADD)
tests_pam_test_options_SOURCES = tests/pam/test_options.c
tests_pam_test_options_CFLAGS = $(PAM_UNIT_CFLAGS)
tests_pam_test_options_LDADD = $(PAM_UNIT_LDADD)
TESTS += tests/pam/test_lock_name tests/pam/test_messages \
	tests/pam/test_options

if HAVE_CWRAP
check_PROGRAMS += tests/pam/test_rules
tests_pam_test_rules_SOURCES = tests/pam/test_rules.c
tests_pam_test_rules_CFLAGS = $(PAM_UNIT_CFLAGS)
tests_pam_test_rules_LDADD = $(PAM_UNIT_LDADD)
TESTS += tests/pam/rules.sh
endif
endif

# The login program stand-in used by the shell tests below.
check_PROGRAMS += tests/pam/pam_driver
# What the PAM host programs of tests/pam and bench share (conversation,
# code names, waiting for a child).
PAM_HOST_SOURCES = tests/pam/pam_host.c tests/pam/pam_host.h

tests_pam_pam_driver_SOURCES = tests/pam/pam_driver.c $(PAM_HOST_SOURCES)
tests_pam_pam_driver_LDADD = $(PAM_LIBS)

# A loopback port where connections hang (timeout_bound.sh).
check_PROGRAMS += tests/pam/silent_port
tests_pam_silent_port_SOURCES = tests/pam/silent_port.c

# A test NSS source answering several spellings for one account, loaded by
# nss_wrapper's module support (one_account.sh). -rpath: a shared object,
# never installed.
check_LTLIBRARIES += tests/pam/libnss_spellings.la
tests_pam_libnss_spellings_la_SOURCES = tests/pam/nss_spellings.c
tests_pam_libnss_spellings_la_LDFLAGS = -module -avoid-version -shared \
	-rpath $(abs_builddir)/tests/pam

PAM_MODULE_TESTS = \
	tests/pam/config_errors.sh \
	tests/pam/password_file.sh \
	tests/pam/exemptions.sh \
	tests/pam/server_down.sh \
	tests/pam/lazy_backend.sh \
	tests/pam/limits.sh \
	tests/pam/groups_pools.sh \
	tests/pam/server_failures.sh \
	tests/pam/tls_auth.sh \
	tests/pam/odd_names.sh \
	tests/pam/size_mismatch.sh \
	tests/pam/one_account.sh \
	tests/pam/user_change.sh \
	tests/pam/phases.sh \
	tests/pam/services.sh \
	tests/pam/timeout_bound.sh \
	tests/pam/measure.sh \
	tests/pam/agent_unreachable.sh
if HAVE_CWRAP
TESTS += $(PAM_MODULE_TESTS)
endif
EXTRA_DIST += $(PAM_MODULE_TESTS) tests/pam/pam_lib.sh tests/pam/rules.sh

# A long-lived PAM host: thousands of logins in one process, the backend
# loaded again after a failure (tests/pam/long_lived.c, host_logins.c).
check_PROGRAMS += tests/pam/long_lived
tests_pam_long_lived_SOURCES = tests/pam/long_lived.c $(PAM_HOST_SOURCES)
tests_pam_long_lived_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
tests_pam_long_lived_LDADD = $(PAM_LIBS) $(PTHREAD_LIBS) -ldl
check_PROGRAMS += tests/pam/host_logins
tests_pam_host_logins_SOURCES = tests/pam/host_logins.c $(PAM_HOST_SOURCES)
tests_pam_host_logins_LDADD = $(PAM_LIBS)
PAM_HOST_TESTS = tests/pam/long_lived.sh tests/pam/backend_retry.sh
if HAVE_CWRAP
TESTS += $(PAM_HOST_TESTS)
endif
EXTRA_DIST += $(PAM_HOST_TESTS)

# mode=agent: logins through ldlmd instances (simulated hosts) with the
# real server; tests/pam/agent_lib.sh joins pam_lib.sh and
# tests/ldlmd/lib.sh (which needs ldlm(1) and the agent tool).
PAM_AGENT_TESTS = \
	tests/pam/agent_limits.sh \
	tests/pam/agent_sessions.sh \
	tests/pam/agent_restarts.sh \
	tests/pam/agent_no_grpc.sh
if HAVE_CWRAP
if ENABLE_LDLMD
if ENABLE_CLI
TESTS += $(PAM_AGENT_TESTS)
endif
endif
endif
EXTRA_DIST += $(PAM_AGENT_TESTS) tests/pam/agent_lib.sh
