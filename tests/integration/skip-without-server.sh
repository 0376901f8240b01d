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

# Runs $program with no server to be found and CI set to $1: sets rc and out.
run_without_server() {
    rc=0
    out=$(CI=$1 LDLM_SERVER_BIN=/nonexistent/ldlm-server LDLM_TEST_CACHE=$scratch \
        timeout 60 "$program" 2>&1) || rc=$?
}

# Counts a failure: says why ($1), then shows the program's output, indented.
fail_with_output() {
    echo "FAIL: $1"
    printf '%s\n' "$out" | sed 's/^/    /'
    failures=$((failures + 1))
}

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
    run_without_server ""
    checked=$((checked + 1))
    if [ "$rc" -ne 77 ]; then
        fail_with_output "$name exited $rc without a server, expected 77 (SKIP)"
    elif ! printf '%s\n' "$out" |
        grep -q '^SKIP: LDLM server unavailable (.*): go: example.invalid/server@v0: 403 Forbidden'; then
        fail_with_output "$name skipped without the reason line"
    else
        echo "ok: $name skips without a server"
    fi
    # CI: the same must FAIL (exit 1), never pass or skip.
    run_without_server true
    if [ "$rc" -ne 1 ] || ! printf '%s\n' "$out" |
        grep -q '^FAIL: LDLM server unavailable (CI=true.*): go: example.invalid/server@v0'; then
        fail_with_output "$name under CI=true exited $rc without a server, expected 1 with the reason"
    else
        echo "ok: $name fails under CI=true without a server"
    fi
done

if [ "$checked" -eq 0 ]; then
    echo "FAIL: no integration test program found"
    exit 1
fi
[ "$failures" -eq 0 ]
