# SPDX-License-Identifier: MIT
# tests/fuzz: fuzz targets of the configuration parser, the module's
# settings, the lock-name encoder and the message templates (README.md).
# make check replays each target's seed corpus and regression inputs through
# it without libFuzzer, in every build; tests/fuzz/run.sh fuzzes them.
FUZZ_REPLAY_SOURCES = tests/fuzz/fuzz_common.h tests/fuzz/fuzz_common.c \
	tests/fuzz/replay.c
FUZZ_REPLAY_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/tests/fuzz \
	-I$(top_srcdir)/conf -I$(top_srcdir)/util -I$(top_srcdir)/libldlm \
	-I$(top_srcdir)/pam_ldlm

check_PROGRAMS += tests/fuzz/replay_conf
tests_fuzz_replay_conf_SOURCES = tests/fuzz/fuzz_conf.c $(FUZZ_REPLAY_SOURCES)
tests_fuzz_replay_conf_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"conf"'
tests_fuzz_replay_conf_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_conf_LDADD = conf/libldlm_conf.la
TESTS += tests/fuzz/replay_conf

if ENABLE_PAM
check_PROGRAMS += tests/fuzz/replay_options tests/fuzz/replay_lock_name \
	tests/fuzz/replay_messages
tests_fuzz_replay_options_SOURCES = tests/fuzz/fuzz_options.c \
	$(FUZZ_REPLAY_SOURCES)
tests_fuzz_replay_options_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"options"'
tests_fuzz_replay_options_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_options_LDADD = pam_ldlm/libpam_ldlm_core.la $(PAM_LIBS)
tests_fuzz_replay_lock_name_SOURCES = tests/fuzz/fuzz_lock_name.c \
	$(FUZZ_REPLAY_SOURCES)
tests_fuzz_replay_lock_name_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFUZZ_TARGET='"lock_name"'
tests_fuzz_replay_lock_name_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_lock_name_LDADD = pam_ldlm/libpam_ldlm_core.la $(PAM_LIBS)
tests_fuzz_replay_messages_SOURCES = tests/fuzz/fuzz_messages.c \
	$(FUZZ_REPLAY_SOURCES)
tests_fuzz_replay_messages_CPPFLAGS = $(AM_CPPFLAGS) \
	-DFUZZ_TARGET='"messages"'
tests_fuzz_replay_messages_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_messages_LDADD = pam_ldlm/libpam_ldlm_core.la $(PAM_LIBS)
TESTS += tests/fuzz/replay_options tests/fuzz/replay_lock_name \
	tests/fuzz/replay_messages
endif

# Directories: their files go into the tarball whole.
EXTRA_DIST += tests/fuzz/README.md tests/fuzz/run.sh tests/fuzz/corpus \
	tests/fuzz/regressions tests/fuzz/conf.dict tests/fuzz/options.dict \
	tests/fuzz/messages.dict
