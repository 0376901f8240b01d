#!/bin/sh
# SPDX-License-Identifier: MIT
# nss_helpers unit tests (cmocka) under nss_wrapper.
exec "${LDLM_TEST_SRCDIR:-.}/tests/nss/run-under-nss-wrapper.sh" \
    "${LDLM_TEST_BUILDDIR:-.}/tests/nss/test_nss_helpers"
