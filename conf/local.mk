# SPDX-License-Identifier: MIT
# conf: the one parser of pam_ldlm.conf, shared by pam_ldlm and ldlm(1).
# A convenience library: it ends up inside the PAM module and the tool.
noinst_LTLIBRARIES += conf/libldlm_conf.la
conf_libldlm_conf_la_SOURCES = \
	conf/ldlm_conf.h \
	conf/conf_internal.h \
	conf/messages.c \
	conf/parser.c \
	conf/values.c \
	conf/connection.c \
	conf/password_file.c
# The toolkit comes with conf: every product that links conf gets it from
# here, exactly once (libldlm.la adds it itself).
conf_libldlm_conf_la_LIBADD = util/libldlm_util.la
