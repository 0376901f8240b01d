# SPDX-License-Identifier: MIT
# ldlmd: the per-host agent that holds the host's session slots on the LDLM
# server through one connection and serves a local socket (ldlmd(8)).

# The client of ldlmd's local protocol: protobuf-c and libc only, no gRPC,
# so that pam_ldlm.so can link it without loading gRPC. ldlm(1) links it for
# `sessions` and `status`; built even with --disable-ldlmd (the tool can
# still talk to an ldlmd built elsewhere).
noinst_LTLIBRARIES += ldlmd/libldlm_agent.la
ldlmd_libldlm_agent_la_SOURCES = \
	ldlmd/agent_protocol.h \
	ldlmd/agent_client.h ldlmd/agent_client.c \
	ldlmd/agent_wire.h ldlmd/agent_wire.c
nodist_ldlmd_libldlm_agent_la_SOURCES = proto/ldlmd.pb-c.c proto/ldlmd.pb-c.h
ldlmd_libldlm_agent_la_CFLAGS = $(AM_CFLAGS) $(PROTOBUF_C_CFLAGS)
ldlmd_libldlm_agent_la_LIBADD = $(PROTOBUF_C_LIBS)

EXTRA_DIST += ldlmd/ldlmd.8 ldlmd/ldlmd.service.in ldlmd/fuzz_request.c \
	ldlmd/fuzz-corpus/acquire ldlmd/fuzz-corpus/release \
	ldlmd/fuzz-corpus/list ldlmd/fuzz-corpus/status

# The unit's directory may lie outside the prefix (systemd's own): distcheck
# installs under its own prefix.
AM_DISTCHECK_CONFIGURE_FLAGS = --with-systemdsystemunitdir='$${libdir}/systemd/system'

if ENABLE_LDLMD
# The daemon's parts, a convenience library that its tests and the fuzz
# replay reach too.
noinst_LTLIBRARIES += ldlmd/libldlmd_core.la
ldlmd_libldlmd_core_la_SOURCES = \
	ldlmd/ldlmd.h \
	ldlmd/options.h ldlmd/options.c \
	ldlmd/log.h ldlmd/log.c \
	ldlmd/notify.h ldlmd/notify.c \
	ldlmd/token.h ldlmd/token.c \
	ldlmd/proc.h ldlmd/proc.c \
	ldlmd/request.h ldlmd/request.c \
	ldlmd/lost.h ldlmd/lost.c \
	ldlmd/sessions.h ldlmd/sessions.c \
	ldlmd/store.h ldlmd/store.c \
	ldlmd/release.h ldlmd/release.c \
	ldlmd/acquire.h ldlmd/acquire.c \
	ldlmd/worker.h ldlmd/worker.c \
	ldlmd/takeback.h ldlmd/takeback.c \
	ldlmd/connect.h ldlmd/connect.c \
	ldlmd/listener.h ldlmd/listener.c \
	ldlmd/connection.h ldlmd/connection.c \
	ldlmd/handle_acquire.c ldlmd/handle_release.c ldlmd/handle_admin.c
ldlmd_libldlmd_core_la_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) \
	$(PROTOBUF_C_CFLAGS) $(LIBSYSTEMD_CFLAGS)
ldlmd_libldlmd_core_la_LIBADD = $(LIBSYSTEMD_LIBS) $(PTHREAD_LIBS)

sbin_PROGRAMS += ldlmd/ldlmd
ldlmd_ldlmd_SOURCES = ldlmd/main.c
ldlmd_ldlmd_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(PROTOBUF_C_CFLAGS)
ldlmd_ldlmd_LDADD = ldlmd/libldlmd_core.la ldlmd/libldlm_agent.la \
	conf/libldlm_conf.la libldlm/libldlm.la $(PROTOBUF_C_LIBS) $(PTHREAD_LIBS)
dist_man_MANS += ldlmd/ldlmd.8

systemdsystemunit_DATA = ldlmd/ldlmd.service
CLEANFILES += ldlmd/ldlmd.service
ldlmd/ldlmd.service: ldlmd/ldlmd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) ldlmd && \
	$(SED) -e 's|@sbindir[@]|$(sbindir)|g' $(srcdir)/ldlmd/ldlmd.service.in > $@.tmp && \
	mv $@.tmp $@

# The fuzz target of the request decoder, with libFuzzer (clang and
# libclang-rt-dev): `make ldlmd-fuzz`, then
#   ldlmd/fuzz_request -max_total_time=60 $(srcdir)/ldlmd/fuzz-corpus
# make check replays the corpus and mutations of it with the normal
# compiler (tests/ldlmd/fuzz_replay).
ldlmd_fuzz_files = $(srcdir)/ldlmd/fuzz_request.c $(srcdir)/ldlmd/request.c \
	$(srcdir)/ldlmd/token.c $(srcdir)/util/text.c $(srcdir)/util/numbers.c \
	proto/ldlmd.pb-c.c
ldlmd-fuzz: proto/ldlmd.pb-c.h
	$(AM_V_CC)$${FUZZ_CC:-clang} -std=c11 -D_GNU_SOURCE -g -O1 \
	  -fsanitize=fuzzer,address,undefined -I$(srcdir)/ldlmd -I$(srcdir)/util \
	  -I$(srcdir)/libldlm -I$(srcdir)/conf -Iproto -I. $(PROTOBUF_C_CFLAGS) \
	  -o ldlmd/fuzz_request $(ldlmd_fuzz_files) $(PROTOBUF_C_LIBS)
.PHONY: ldlmd-fuzz
CLEANFILES += ldlmd/fuzz_request
endif
