#!/bin/sh
# SPDX-License-Identifier: MIT
# Limit resolution unit tests (cmocka) under nss_wrapper.
exec "${LDLM_TEST_SRCDIR:-.}/tests/nss/run-under-nss-wrapper.sh" \
    "${LDLM_TEST_BUILDDIR:-.}/tests/pam/test_rules"
