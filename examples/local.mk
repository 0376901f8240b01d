# SPDX-License-Identifier: MIT
# examples: the three usage patterns of the official Go client's
# documentation, written against libldlm's public API only (ldlm.h). Built
# by `make check` and each run by a test against the real LDLM server:
#   failover        primary/secondary failover on one lock
#   task_lock       workers try-lock work items and skip those in progress
#   resource_limit  a lock of size N: at most N users of a resource at once
check_PROGRAMS += examples/failover examples/task_lock examples/resource_limit

examples_failover_SOURCES = examples/failover.c
examples_failover_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS)
examples_failover_LDADD = libldlm/libldlm.la $(PTHREAD_LIBS)

examples_task_lock_SOURCES = examples/task_lock.c
examples_task_lock_LDADD = libldlm/libldlm.la

examples_resource_limit_SOURCES = examples/resource_limit.c
examples_resource_limit_LDADD = libldlm/libldlm.la

TESTS += \
	examples/failover.sh \
	examples/task_lock.sh \
	examples/resource_limit.sh
EXTRA_DIST += \
	examples/lib.sh \
	examples/failover.sh \
	examples/task_lock.sh \
	examples/resource_limit.sh
