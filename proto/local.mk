# SPDX-License-Identifier: MIT
# The schema is compiled by protoc-c at build time.
EXTRA_DIST += proto/ldlm.proto proto/NOTES.md
BUILT_SOURCES += proto/ldlm.pb-c.c proto/ldlm.pb-c.h
CLEANFILES += proto/ldlm.pb-c.c proto/ldlm.pb-c.h

proto/ldlm.pb-c.c proto/ldlm.pb-c.h: proto/ldlm.proto
	$(AM_V_GEN)$(MKDIR_P) proto && \
	$(PROTOC_C) --c_out=$(top_builddir)/proto -I$(top_srcdir)/proto $(top_srcdir)/proto/ldlm.proto
