# SPDX-License-Identifier: MIT
# tests/e2e: pam_ldlm end to end with Debian's OpenSSH server (started by
# the test on a loopback port, under pam_wrapper and nss_wrapper: no change
# to the machine's PAM configuration or users).
# sshd_limit.sh and sshd_no_server.sh run mode=direct; sshd_agent.sh goes
# through ldlmd (mode=agent) and needs ldlmd and ldlm(1).
E2E_TESTS = tests/e2e/sshd_no_server.sh tests/e2e/sshd_limit.sh
E2E_AGENT_TESTS = tests/e2e/sshd_agent.sh
if HAVE_CWRAP
TESTS += $(E2E_TESTS)
if ENABLE_LDLMD
if ENABLE_CLI
TESTS += $(E2E_AGENT_TESTS)
endif
endif
endif
EXTRA_DIST += $(E2E_TESTS) $(E2E_AGENT_TESTS) tests/e2e/sshd_lib.sh
# They may create and remove /run/sshd (sshd's privilege separation dir):
# never at the same time (sshd_lib.sh also serialises on a lock of /run).
tests/e2e/sshd_limit.log: tests/e2e/sshd_no_server.log
