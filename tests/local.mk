# SPDX-License-Identifier: MIT
# Test suite. Every test is a program or script run by automake's parallel
# harness; exit 77 means SKIP (used only when the real LDLM server could not
# be installed, with the reason printed).
#
# Each test gets:
#   LDLM_SERVER_BIN   the real LDLM server (tests/harness/install-server.sh)
#   LDLM_TEST_BUILDDIR / LDLM_TEST_SRCDIR  the build and source trees
LDLM_TEST_CACHE ?= $${XDG_CACHE_HOME:-$$HOME/.cache}/libldlm-test
AM_TESTS_ENVIRONMENT = \
	LDLM_TEST_SRCDIR='$(abs_top_srcdir)'; export LDLM_TEST_SRCDIR; \
	LDLM_TEST_BUILDDIR='$(abs_top_builddir)'; export LDLM_TEST_BUILDDIR; \
	LDLM_TEST_CACHE="$(LDLM_TEST_CACHE)"; export LDLM_TEST_CACHE; \
	: "$${LDLM_SERVER_BIN:=$$LDLM_TEST_CACHE/server/bin/server}"; export LDLM_SERVER_BIN;

TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)

include tests/harness/local.mk
include tests/unit/local.mk
include tests/integration/local.mk
include tests/conf/local.mk
if ENABLE_CLI
include tests/cli/local.mk
include tests/faults/local.mk
endif
include tests/nss/local.mk
if ENABLE_PAM
include tests/pam/local.mk
include tests/e2e/local.mk
endif
include tests/fuzz/local.mk
include tests/signals/local.mk
include tests/packaging/local.mk
