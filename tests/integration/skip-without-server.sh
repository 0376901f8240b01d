#!/bin/sh
# SPDX-License-Identifier: MIT
# skip-without-server.sh - every integration test program must SKIP cleanly
# (exit 77, with the "SKIP: LDLM server unavailable" line and the reason)
# when the server binary is missing on a developer's machine, and FAIL
# (exit 1) under CI=true, instead of passing or hanging.
# Runs each program with LDLM_SERVER_BIN pointing nowhere and a cache holding
# a known install error. Needs no server; always runs.
set -u

srcdir=${LDLM_TEST_SRCDIR:?run me from make check}
builddir=${LDLM_TEST_BUILDDIR:?run me from make check}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/ldlm-skip-test.XXXXXX") || exit 99
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/server"
printf 'go: example.invalid/server@v0: 403 Forbidden (recorded by %s)\n' "$0" \
    > "$scratch/server/install-error.txt"

failures=0
checked=0
for source in "$srcdir"/tests/integration/it_*.c; do
    name=$(basename "$source" .c)
    [ "$name" = it_common ] && continue
    program=$builddir/tests/integration/$name
    if [ ! -x "$program" ]; then
        echo "FAIL: $program was not built"
        failures=$((failures + 1))
        continue
    fi
    # A developer's machine: SKIP (77) with the reason.
    rc=0
    out=$(CI= LDLM_SERVER_BIN=/nonexistent/ldlm-server LDLM_TEST_CACHE=$scratch \
        timeout 60 "$program" 2>&1) || rc=$?
    checked=$((checked + 1))
    if [ "$rc" -ne 77 ]; then
        echo "FAIL: $name exited $rc without a server, expected 77 (SKIP)"
        printf '%s\n' "$out" | sed 's/^/    /'
        failures=$((failures + 1))
    elif ! printf '%s\n' "$out" |
        grep -q '^SKIP: LDLM server unavailable (.*): go: example.invalid/server@v0: 403 Forbidden'; then
        echo "FAIL: $name skipped without the reason line"
        printf '%s\n' "$out" | sed 's/^/    /'
        failures=$((failures + 1))
    else
        echo "ok: $name skips without a server"
    fi
    # CI: the same must FAIL (exit 1), never pass or skip.
    rc=0
    out=$(CI=true LDLM_SERVER_BIN=/nonexistent/ldlm-server LDLM_TEST_CACHE=$scratch \
        timeout 60 "$program" 2>&1) || rc=$?
    if [ "$rc" -ne 1 ] || ! printf '%s\n' "$out" |
        grep -q '^FAIL: LDLM server unavailable (CI=true.*): go: example.invalid/server@v0'; then
        echo "FAIL: $name under CI=true exited $rc without a server, expected 1 with the reason"
        printf '%s\n' "$out" | sed 's/^/    /'
        failures=$((failures + 1))
    else
        echo "ok: $name fails under CI=true without a server"
    fi
done

if [ "$checked" -eq 0 ]; then
    echo "FAIL: no integration test program found"
    exit 1
fi
[ "$failures" -eq 0 ]
