# SPDX-License-Identifier: MIT
# tests/faults: exclusion that holds under faults (README.md). The real
# LDLM server, libldlm clients (fault_client) and `ldlm run` clients under
# server kill -9 and restarts, server and client freezes, lock expiry and
# network partitions; check.py finds any two holders at once. make check
# runs a short version (about 100 s, fixed seed); run.sh --minutes N a
# longer one.
check_PROGRAMS += tests/faults/fault_client
tests_faults_fault_client_SOURCES = tests/faults/fault_client.c
tests_faults_fault_client_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
tests_faults_fault_client_LDADD = libldlm/libldlm.la $(PTHREAD_LIBS)

TESTS += tests/faults/check_selftest.sh tests/faults/short.sh
EXTRA_DIST += \
	tests/faults/README.md \
	tests/faults/check_selftest.sh \
	tests/faults/run.sh \
	tests/faults/short.sh \
	tests/faults/harness.py \
	tests/faults/check.py \
	tests/faults/server_ctl.sh \
	tests/faults/goclient/go.mod \
	tests/faults/goclient/main.go
