# SPDX-License-Identifier: MIT
# tests/conf: unit tests of the shared configuration parser (cmocka), and
# the same programs once more under valgrind (not in sanitizer builds, whose
# instrumentation valgrind cannot run).
if HAVE_CMOCKA
conf_unit_tests = \
	tests/conf/test_conf_parser \
	tests/conf/test_conf_values \
	tests/conf/test_password_file
check_PROGRAMS += $(conf_unit_tests)
TESTS += $(conf_unit_tests)

CONF_TEST_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
CONF_TEST_LDADD = conf/libldlm_conf.la $(CMOCKA_LIBS)
CONF_TEST_UTIL = tests/conf/conf_test_util.c tests/conf/conf_test_util.h

tests_conf_test_conf_parser_SOURCES = tests/conf/test_conf_parser.c $(CONF_TEST_UTIL)
tests_conf_test_conf_parser_CFLAGS = $(CONF_TEST_CFLAGS)
tests_conf_test_conf_parser_LDADD = $(CONF_TEST_LDADD)

tests_conf_test_conf_values_SOURCES = tests/conf/test_conf_values.c
tests_conf_test_conf_values_CFLAGS = $(CONF_TEST_CFLAGS)
tests_conf_test_conf_values_LDADD = $(CONF_TEST_LDADD)

tests_conf_test_password_file_SOURCES = tests/conf/test_password_file.c $(CONF_TEST_UTIL)
tests_conf_test_password_file_CFLAGS = $(CONF_TEST_CFLAGS)
tests_conf_test_password_file_LDADD = $(CONF_TEST_LDADD)

if !SANITIZERS
TESTS += tests/conf/valgrind.sh
endif
endif
EXTRA_DIST += tests/conf/valgrind.sh
