# SPDX-License-Identifier: MIT
# libldlm: everything is compiled once into a convenience library (which the
# unit tests link to reach internal functions), then wrapped into the
# installed libldlm.la that exports only the public ldlm_* symbols.
include_HEADERS += libldlm/ldlm.h
noinst_LTLIBRARIES += libldlm/libldlm_core.la
lib_LTLIBRARIES += libldlm/libldlm.la
pkgconfigdir = $(libdir)/pkgconfig
pkgconfig_DATA = libldlm/libldlm.pc
EXTRA_DIST += libldlm/libldlm.sym libldlm/libldlm.pc.in
dist_man_MANS += libldlm/libldlm.3
# One page per public function (tests/packaging/manpages.sh checks them
# against ldlm.h); installed in man3 by basename.
dist_man_MANS += \
	libldlm/man/ldlm_version.3 \
	libldlm/man/ldlm_strerror.3 \
	libldlm/man/ldlm_err_name.3 \
	libldlm/man/ldlm_last_error_message.3 \
	libldlm/man/ldlm_config_init.3 \
	libldlm/man/ldlm_client_new.3 \
	libldlm/man/ldlm_client_free.3 \
	libldlm/man/ldlm_client_cancel.3 \
	libldlm/man/ldlm_lock_options_init.3 \
	libldlm/man/ldlm_lock.3 \
	libldlm/man/ldlm_try_lock.3 \
	libldlm/man/ldlm_unlock.3 \
	libldlm/man/ldlm_renew.3 \
	libldlm/man/ldlm_handle_name.3 \
	libldlm/man/ldlm_handle_key.3 \
	libldlm/man/ldlm_handle_locked.3 \
	libldlm/man/ldlm_handle_unlock.3 \
	libldlm/man/ldlm_handle_free.3 \
	libldlm/man/ldlm_set_log_handler.3

libldlm_libldlm_core_la_SOURCES = \
	libldlm/internal.h \
	libldlm/errors.c \
	libldlm/address.c \
	libldlm/tls.c \
	libldlm/call.c \
	libldlm/client.c \
	libldlm/grpc_life.c \
	libldlm/locks.c \
	libldlm/handles.c \
	libldlm/rpc.c \
	libldlm/keeper.c \
	libldlm/watcher.c \
	libldlm/renew_schedule.c \
	libldlm/log.c
nodist_libldlm_libldlm_core_la_SOURCES = proto/ldlm.pb-c.c proto/ldlm.pb-c.h
libldlm_libldlm_core_la_CFLAGS = $(AM_CFLAGS) $(GRPC_CFLAGS) $(PROTOBUF_C_CFLAGS) $(OPENSSL_CFLAGS) $(PTHREAD_CFLAGS)
libldlm_libldlm_core_la_LIBADD = $(GRPC_LIBS) $(PROTOBUF_C_LIBS) $(OPENSSL_LIBS) $(PTHREAD_LIBS)

libldlm_libldlm_la_SOURCES =
libldlm_libldlm_la_LIBADD = libldlm/libldlm_core.la util/libldlm_util.la
# -z nodelete: dlclose() never unloads the library, whose thread may keep
# gRPC initialized a moment after the last client is freed (grpc_life.c).
libldlm_libldlm_la_LDFLAGS = $(AM_LDFLAGS) -version-info $(LDLM_LT_VERSION) \
	-Wl,--version-script=$(top_srcdir)/libldlm/libldlm.sym -no-undefined \
	-Wl,-z,nodelete
EXTRA_libldlm_libldlm_la_DEPENDENCIES = libldlm/libldlm.sym
