# SPDX-License-Identifier: MIT
# Unit tests of libldlm (cmocka). They link the convenience library to reach
# internal functions; none needs a server (offline tests use a closed
# loopback port).
if HAVE_CMOCKA
LIBLDLM_UNIT_TESTS = tests/unit/test_pure tests/unit/test_keeper_schedule tests/unit/test_client_offline tests/unit/test_util
check_PROGRAMS += $(LIBLDLM_UNIT_TESTS)
TESTS += $(LIBLDLM_UNIT_TESTS)

LIBLDLM_UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(GRPC_CFLAGS) $(PROTOBUF_C_CFLAGS) $(OPENSSL_CFLAGS) $(PTHREAD_CFLAGS)
tests_unit_test_pure_SOURCES = tests/unit/test_pure.c
tests_unit_test_pure_CFLAGS = $(LIBLDLM_UNIT_CFLAGS)
tests_unit_test_pure_LDADD = libldlm/libldlm_core.la util/libldlm_util.la $(CMOCKA_LIBS)
tests_unit_test_pure_LDFLAGS = $(AM_LDFLAGS) -static
tests_unit_test_keeper_schedule_SOURCES = tests/unit/test_keeper_schedule.c
tests_unit_test_keeper_schedule_CFLAGS = $(LIBLDLM_UNIT_CFLAGS)
tests_unit_test_keeper_schedule_LDADD = libldlm/libldlm_core.la util/libldlm_util.la $(CMOCKA_LIBS)
tests_unit_test_keeper_schedule_LDFLAGS = $(AM_LDFLAGS) -static
tests_unit_test_util_SOURCES = tests/unit/test_util.c
tests_unit_test_util_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(PTHREAD_CFLAGS)
tests_unit_test_util_LDADD = util/libldlm_util.la $(CMOCKA_LIBS) $(PTHREAD_LIBS)
tests_unit_test_client_offline_SOURCES = tests/unit/test_client_offline.c
tests_unit_test_client_offline_CFLAGS = $(LIBLDLM_UNIT_CFLAGS)
tests_unit_test_client_offline_LDADD = libldlm/libldlm.la $(CMOCKA_LIBS) $(OPENSSL_LIBS) $(PTHREAD_LIBS)

# The unit tests under valgrind: no leak, no invalid access.
# A forked child deliberately abandons the parent's gRPC state (see
# ldlm_client_free), so only the parent's memory is checked.
VALGRIND_FLAGS = --child-silent-after-fork=yes --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1 --quiet
check-valgrind: $(LIBLDLM_UNIT_TESTS) $(VALGRIND_EXTRA_TESTS)
	@fail=0; for t in $(LIBLDLM_UNIT_TESTS) $(VALGRIND_EXTRA_TESTS); do \
	  echo "valgrind: $$t"; \
	  $(LIBTOOL) --mode=execute valgrind $(VALGRIND_FLAGS) ./$$t || fail=1; \
	done; exit $$fail
.PHONY: check-valgrind
endif
