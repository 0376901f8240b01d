# SPDX-License-Identifier: MIT
# util: one of each small tool (UTF-8, escaping, strict numbers, usage
# errors, the signal mask of library threads), a convenience library. It is
# linked once into each product: through conf (pam_ldlm.so,
# pam_ldlm_slots.so, ldlm, ldlmd) or by libldlm.la itself; linking it twice
# into one product would define its functions twice.
noinst_LTLIBRARIES += util/libldlm_util.la
util_libldlm_util_la_SOURCES = util/ldlm_util.h util/text.c util/numbers.c \
	util/usage.c util/signals.c
util_libldlm_util_la_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
util_libldlm_util_la_LIBADD = $(PTHREAD_LIBS)
