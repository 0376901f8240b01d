#!/bin/sh
# SPDX-License-Identifier: MIT
# The fuzz target of ldlmd's request decoder over its corpus and 200,000
# deterministic mutations (see fuzz_replay.c).
set -u
exec "$LDLM_TEST_BUILDDIR/tests/ldlmd/fuzz_replay" \
    "$LDLM_TEST_SRCDIR/ldlmd/fuzz-corpus" 200000
