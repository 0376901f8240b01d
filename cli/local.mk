# SPDX-License-Identifier: MIT
# cli: ldlm(1), a cluster-wide flock(1) on top of libldlm.
bin_PROGRAMS += cli/ldlm
cli_ldlm_SOURCES = \
	cli/exit_codes.h \
	cli/options.h cli/options.c \
	cli/help.c \
	cli/settings.h cli/settings.c \
	cli/report.h cli/report.c \
	cli/events.h cli/events.c \
	cli/commands.h \
	cli/acquire.c \
	cli/child.h cli/child.c \
	cli/run.c \
	cli/hold_wait.h cli/hold_wait.c \
	cli/hold.c \
	cli/admin.c \
	cli/json.h cli/json.c \
	cli/agent.h cli/agent.c \
	cli/sessions.c cli/status.c \
	cli/main.c
cli_ldlm_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/ldlmd
cli_ldlm_LDADD = conf/libldlm_conf.la libldlm/libldlm.la ldlmd/libldlm_agent.la
dist_man_MANS += cli/ldlm.1
