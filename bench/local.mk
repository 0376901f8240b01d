# SPDX-License-Identifier: MIT
# bench: side-by-side benchmarks of libldlm against the official Go and
# Python clients, and the cost of pam_ldlm to a login. bench/run.sh is the
# one command (it builds what it needs in a build tree, runs everything
# against one real LDLM server and prints the table); the programs below are
# check programs so that `make check` keeps them compiling.
check_PROGRAMS += bench/ldlm_bench
if ENABLE_PAM
check_PROGRAMS += bench/pam_bench
endif

bench_ldlm_bench_SOURCES = bench/ldlm_bench.c bench/bench_stats.c \
	bench/bench_stats.h
bench_ldlm_bench_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
bench_ldlm_bench_LDADD = libldlm/libldlm.la $(PTHREAD_LIBS) -lm

# grpc_floor: the same calls on gRPC C core alone, in three call models (the
# floor under libldlm's cost per call; bench/PROFILE.md).
check_PROGRAMS += bench/grpc_floor
bench_grpc_floor_SOURCES = bench/grpc_floor.c bench/bench_stats.c \
	bench/bench_stats.h
nodist_bench_grpc_floor_SOURCES = proto/ldlm.pb-c.c proto/ldlm.pb-c.h
bench_grpc_floor_CFLAGS = $(AM_CFLAGS) $(GRPC_CFLAGS) $(PROTOBUF_C_CFLAGS) \
	$(PTHREAD_CFLAGS)
bench_grpc_floor_LDADD = $(GRPC_LIBS) $(PROTOBUF_C_LIBS) $(PTHREAD_LIBS) -lm

bench_pam_bench_SOURCES = bench/pam_bench.c bench/bench_stats.c \
	bench/bench_stats.h tests/pam/pam_host.c tests/pam/pam_host.h
bench_pam_bench_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/pam
bench_pam_bench_LDADD = $(PAM_LIBS) -lm

EXTRA_DIST += \
	bench/run.sh \
	bench/report.awk \
	bench/go/go.mod \
	bench/go/main.go \
	bench/python/bench.py \
	bench/python/requirements.txt

# ldlmd_scale: many held sessions through one ldlmd (bench/run.sh,
# tests/ldlmd/scale_smoke.sh).
if ENABLE_LDLMD
if ENABLE_PAM
check_PROGRAMS += bench/ldlmd_scale
endif
endif
bench_ldlmd_scale_SOURCES = bench/ldlmd_scale.c bench/bench_stats.c \
	bench/bench_stats.h tests/pam/pam_host.c tests/pam/pam_host.h
bench_ldlmd_scale_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/ldlmd \
	-I$(top_srcdir)/tests/pam
bench_ldlmd_scale_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
bench_ldlmd_scale_LDADD = ldlmd/libldlm_agent.la libldlm/libldlm.la \
	$(PROTOBUF_C_LIBS) $(PAM_LIBS) $(PTHREAD_LIBS) -lm
EXTRA_DIST += bench/ldlmd_lib.sh bench/report_pam.awk bench/stats.awk
