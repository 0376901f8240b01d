# SPDX-License-Identifier: MIT
# nss_helpers: reentrant user/group lookups for pam_ldlm's rule matching.
noinst_LTLIBRARIES += nss_helpers/libnss_helpers.la
nss_helpers_libnss_helpers_la_SOURCES = \
	nss_helpers/nss_helpers.h \
	nss_helpers/nss_helpers.c
