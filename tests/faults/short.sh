#!/bin/sh
# SPDX-License-Identifier: MIT
# The fault test of make check: a short run (about 100 s) with a fixed seed
# whose schedule injects every kind of fault. The longer run is
# `tests/faults/run.sh --minutes 10` (README.md).
out=$(mktemp -d "${TMPDIR:-/tmp}/ldlm-faults-short.XXXXXX") || exit 99
status=0
sh "${LDLM_TEST_SRCDIR:?run by make check}/tests/faults/run.sh" --short \
    --seconds 95 --seed 31 --out "$out" || status=$?
# The records stay only when something is wrong.
[ "$status" -eq 0 ] && rm -rf "$out"
exit "$status"
