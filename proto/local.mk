# SPDX-License-Identifier: MIT
# The schema is compiled by protoc-c at build time.
EXTRA_DIST += proto/ldlm.proto proto/ldlmd.proto proto/NOTES.md
BUILT_SOURCES += proto/ldlm.pb-c.c proto/ldlm.pb-c.h
CLEANFILES += proto/ldlm.pb-c.c proto/ldlm.pb-c.h

proto/ldlm.pb-c.c proto/ldlm.pb-c.h: proto/ldlm.proto
	$(AM_V_GEN)$(MKDIR_P) proto && \
	$(PROTOC_C) --c_out=$(top_builddir)/proto -I$(top_srcdir)/proto $(top_srcdir)/proto/ldlm.proto

# ldlmd's local protocol (ours; see the file's head).
BUILT_SOURCES += proto/ldlmd.pb-c.c proto/ldlmd.pb-c.h
CLEANFILES += proto/ldlmd.pb-c.c proto/ldlmd.pb-c.h

proto/ldlmd.pb-c.c proto/ldlmd.pb-c.h: proto/ldlmd.proto
	$(AM_V_GEN)$(MKDIR_P) proto && \
	$(PROTOC_C) --c_out=$(top_builddir)/proto -I$(top_srcdir)/proto $(top_srcdir)/proto/ldlmd.proto
