# SPDX-License-Identifier: MIT
# tests/ldlmd: ldlmd against the real LDLM server, several instances as
# simulated hosts sharing one server (each with its own socket and run
# directory under the test's temp dir), driven with ldlm(1) and
# agent_tool (the agent client, raw frames, a non-root peer, readiness,
# the kill -9 timing). cli_agent.sh needs no server.
check_PROGRAMS += tests/ldlmd/agent_tool
tests_ldlmd_agent_tool_SOURCES = tests/ldlmd/agent_tool.c
tests_ldlmd_agent_tool_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/ldlmd
tests_ldlmd_agent_tool_CFLAGS = $(AM_CFLAGS) $(PROTOBUF_C_CFLAGS)
tests_ldlmd_agent_tool_LDADD = ldlmd/libldlm_agent.la libldlm/libldlm.la \
	$(PROTOBUF_C_LIBS)
EXTRA_DIST += tests/ldlmd/lib.sh

if ENABLE_CLI
TESTS += tests/ldlmd/cli_agent.sh
endif
EXTRA_DIST += tests/ldlmd/cli_agent.sh

LDLMD_SERVER_TESTS = \
	tests/ldlmd/limits.sh \
	tests/ldlmd/close_elsewhere.sh \
	tests/ldlmd/kill_session.sh \
	tests/ldlmd/kill_daemon.sh \
	tests/ldlmd/sigterm.sh \
	tests/ldlmd/server_restart.sh \
	tests/ldlmd/server_pause.sh \
	tests/ldlmd/tls.sh \
	tests/ldlmd/permissions.sh \
	tests/ldlmd/malformed.sh

if ENABLE_LDLMD
if ENABLE_CLI
TESTS += $(LDLMD_SERVER_TESTS)
endif

# The fuzz target's corpus and a few hundred thousand mutations of it,
# with the normal compiler: the decoder never faults.
check_PROGRAMS += tests/ldlmd/fuzz_replay
tests_ldlmd_fuzz_replay_SOURCES = tests/ldlmd/fuzz_replay.c ldlmd/fuzz_request.c
tests_ldlmd_fuzz_replay_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/ldlmd
tests_ldlmd_fuzz_replay_CFLAGS = $(AM_CFLAGS) $(PROTOBUF_C_CFLAGS)
tests_ldlmd_fuzz_replay_LDADD = ldlmd/libldlmd_core.la ldlmd/libldlm_agent.la \
	conf/libldlm_conf.la libldlm/libldlm.la $(PROTOBUF_C_LIBS)
TESTS += tests/ldlmd/fuzz_replay.sh

if HAVE_CMOCKA
check_PROGRAMS += tests/ldlmd/test_notify
TESTS += tests/ldlmd/test_notify
tests_ldlmd_test_notify_SOURCES = tests/ldlmd/test_notify.c ldlmd/notify.c \
	ldlmd/notify.h
tests_ldlmd_test_notify_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/ldlmd \
	-DLDLMD_NOTIFY_OWN
tests_ldlmd_test_notify_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_ldlmd_test_notify_LDADD = $(CMOCKA_LIBS)
endif
endif
EXTRA_DIST += $(LDLMD_SERVER_TESTS) tests/ldlmd/fuzz_replay.sh

# 200 held sessions through one ldlmd (bench/ldlmd_scale: the scale run of
# bench/run.sh in small).
if ENABLE_LDLMD
if ENABLE_PAM
if ENABLE_CLI
TESTS += tests/ldlmd/scale_smoke.sh
endif
endif
endif
EXTRA_DIST += tests/ldlmd/scale_smoke.sh
