# pam_ldlm: the PAM module. Its logic lives in a convenience library that
# the unit tests link too; the module itself is the entry points plus that
# library, libldlm's core, the shared config parser and nss_helpers, linked
# in so that the installed .so needs nothing but system libraries.
noinst_LTLIBRARIES += pam_ldlm/libpam_ldlm_core.la
pam_ldlm_libpam_ldlm_core_la_SOURCES = \
	pam_ldlm/lock_name.h pam_ldlm/lock_name.c \
	pam_ldlm/text.h pam_ldlm/text.c \
	pam_ldlm/messages.h pam_ldlm/messages.c \
	pam_ldlm/options.h pam_ldlm/options.c \
	pam_ldlm/rules.h pam_ldlm/rules.c \
	pam_ldlm/slots.h pam_ldlm/slots.c
pam_ldlm_libpam_ldlm_core_la_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
pam_ldlm_libpam_ldlm_core_la_LIBADD = \
	conf/libldlm_conf.la \
	nss_helpers/libnss_helpers.la \
	libldlm/libldlm_core.la \
	$(PAM_LIBS) $(PTHREAD_LIBS)

pam_LTLIBRARIES += pam_ldlm/pam_ldlm.la
pam_ldlm_pam_ldlm_la_SOURCES = pam_ldlm/pam_ldlm.c
pam_ldlm_pam_ldlm_la_LIBADD = pam_ldlm/libpam_ldlm_core.la $(PAM_LIBS)
# -z nodelete: pam_end() dlclose()s modules, but gRPC's threads and the log
# handler given to libldlm must outlive that, so the module stays mapped.
pam_ldlm_pam_ldlm_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared \
	-no-undefined -Wl,-z,nodelete \
	-Wl,--version-script=$(top_srcdir)/pam_ldlm/pam_ldlm.sym
EXTRA_pam_ldlm_pam_ldlm_la_DEPENDENCIES = pam_ldlm/pam_ldlm.sym
EXTRA_DIST += pam_ldlm/pam_ldlm.sym

dist_man_MANS += pam_ldlm/pam_ldlm.8 pam_ldlm/pam_ldlm.conf.5
pamldlmexampledir = $(docdir)/examples
dist_pamldlmexample_DATA = pam_ldlm/pam_ldlm.conf.example
