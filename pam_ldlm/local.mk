# SPDX-License-Identifier: MIT
# pam_ldlm: the PAM module, in two shared objects so that logins needing
# no slot never load gRPC (see pam_ldlm/slots_backend.h):
#   pam_ldlm.so        entry points, configuration, rules, messages, and
#                      the client of ldlmd (mode=agent: protobuf-c and libc
#                      only, ldlmd/agent_client.h); in mode=direct it opens
#                      the backend with dlopen() when a login needs a slot;
#   pam_ldlm_slots.so  slots.c with libldlm's core (and so gRPC), installed
#                      in $(pkglibdir).
# Their logic lives in convenience libraries that the unit tests link too.
noinst_LTLIBRARIES += pam_ldlm/libpam_ldlm_text.la
pam_ldlm_libpam_ldlm_text_la_SOURCES = \
	pam_ldlm/messages.h pam_ldlm/messages.c
pam_ldlm_libpam_ldlm_text_la_CFLAGS = $(AM_CFLAGS)
pam_ldlm_libpam_ldlm_text_la_LIBADD = $(PAM_LIBS)

noinst_LTLIBRARIES += pam_ldlm/libpam_ldlm_core.la
pam_ldlm_libpam_ldlm_core_la_SOURCES = \
	pam_ldlm/lock_name.h pam_ldlm/lock_name.c \
	pam_ldlm/options.h pam_ldlm/options.c \
	pam_ldlm/rules.h pam_ldlm/rules.c \
	pam_ldlm/slots.h
pam_ldlm_libpam_ldlm_core_la_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
pam_ldlm_libpam_ldlm_core_la_LIBADD = \
	pam_ldlm/libpam_ldlm_text.la \
	conf/libldlm_conf.la \
	nss_helpers/libnss_helpers.la \
	$(PAM_LIBS) $(PTHREAD_LIBS)

noinst_LTLIBRARIES += pam_ldlm/libpam_ldlm_slots.la
pam_ldlm_libpam_ldlm_slots_la_SOURCES = \
	pam_ldlm/slots.h pam_ldlm/slots.c \
	pam_ldlm/library_logs.h pam_ldlm/library_logs.c
# (library_logs.c keeps gRPC's log level as the host had it: gRPC headers.)
pam_ldlm_libpam_ldlm_slots_la_CFLAGS = $(AM_CFLAGS) $(GRPC_CFLAGS) \
	$(PTHREAD_CFLAGS)
pam_ldlm_libpam_ldlm_slots_la_LIBADD = \
	pam_ldlm/libpam_ldlm_text.la \
	conf/libldlm_conf.la \
	libldlm/libldlm_core.la \
	$(GRPC_LIBS) $(PAM_LIBS) $(PTHREAD_LIBS)

# -z nodelete on both: pam_end() dlclose()s modules, but gRPC's threads
# and the log handler given to libldlm must outlive that.
PAM_LDLM_MODULE_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared \
	-no-undefined -Wl,-z,nodelete

pam_LTLIBRARIES += pam_ldlm/pam_ldlm.la
pam_ldlm_pam_ldlm_la_SOURCES = pam_ldlm/pam_ldlm.c \
	pam_ldlm/agent_slots.h pam_ldlm/agent_slots.c \
	pam_ldlm/slots_backend.h pam_ldlm/slots_loader.c
pam_ldlm_pam_ldlm_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/ldlmd \
	-DPLDLM_BACKEND_PATH='"$(pkglibdir)/pam_ldlm_slots.so"'
pam_ldlm_pam_ldlm_la_LIBADD = pam_ldlm/libpam_ldlm_core.la \
	ldlmd/libldlm_agent.la $(PAM_LIBS) -ldl $(PTHREAD_LIBS)
pam_ldlm_pam_ldlm_la_LDFLAGS = $(PAM_LDLM_MODULE_LDFLAGS) \
	-Wl,--version-script=$(top_srcdir)/pam_ldlm/pam_ldlm.sym
EXTRA_pam_ldlm_pam_ldlm_la_DEPENDENCIES = pam_ldlm/pam_ldlm.sym

pamldlmbackenddir = $(pkglibdir)
pamldlmbackend_LTLIBRARIES = pam_ldlm/pam_ldlm_slots.la
pam_ldlm_pam_ldlm_slots_la_SOURCES = pam_ldlm/slots_backend.h pam_ldlm/slots_backend.c
pam_ldlm_pam_ldlm_slots_la_LIBADD = pam_ldlm/libpam_ldlm_slots.la $(PAM_LIBS)
pam_ldlm_pam_ldlm_slots_la_LDFLAGS = $(PAM_LDLM_MODULE_LDFLAGS) \
	-Wl,--version-script=$(top_srcdir)/pam_ldlm/pam_ldlm_slots.sym
EXTRA_pam_ldlm_pam_ldlm_slots_la_DEPENDENCIES = pam_ldlm/pam_ldlm_slots.sym
EXTRA_DIST += pam_ldlm/pam_ldlm.sym pam_ldlm/pam_ldlm_slots.sym

dist_man_MANS += pam_ldlm/pam_ldlm.8 pam_ldlm/pam_ldlm.conf.5
pamldlmexampledir = $(docdir)/examples
dist_pamldlmexample_DATA = pam_ldlm/pam_ldlm.conf.example
