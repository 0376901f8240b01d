# SPDX-License-Identifier: MIT
# tests/e2e: pam_ldlm end to end with Debian's OpenSSH server (started by
# the test on a loopback port, under pam_wrapper and nss_wrapper: no change
# to the machine's PAM configuration or users).
E2E_TESTS = tests/e2e/sshd_no_server.sh tests/e2e/sshd_limit.sh
if HAVE_CWRAP
TESTS += $(E2E_TESTS)
endif
EXTRA_DIST += $(E2E_TESTS) tests/e2e/sshd_lib.sh
# Both may create and remove /run/sshd (sshd's privilege separation dir):
# never at the same time.
tests/e2e/sshd_limit.log: tests/e2e/sshd_no_server.log
