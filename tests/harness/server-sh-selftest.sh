#!/bin/sh
# SPDX-License-Identifier: MIT
# server-sh-selftest.sh - checks of tests/harness/server.sh that need no LDLM
# server: the SKIP rule, TLS material, start failures, cleanup.
set -eu

srcdir=${LDLM_TEST_SRCDIR:?run me from make check}
. "$srcdir/tests/harness/server.sh"
ldlm_srv_trap_cleanup

fail() {
    echo "FAIL: $*"
    exit 1
}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/ldlm-sh-selftest.XXXXXX")
trap 'ldlm_srv_cleanup; rm -rf "$scratch"' EXIT

# SKIP rule: missing binary -> exit 77 with the recorded install error.
mkdir -p "$scratch/cache/server"
echo "go: example/server@v9: 403 Forbidden" > "$scratch/cache/server/install-error.txt"
skip_head="SKIP: LDLM server unavailable (a developer's machine only; under CI=true this fails):"
rc=0
out=$(CI= LDLM_SERVER_BIN=/nonexistent LDLM_TEST_CACHE=$scratch/cache \
    sh -c '. "$1"; ldlm_srv_require; echo not-skipped' sh \
    "$srcdir/tests/harness/server.sh") || rc=$?
[ "$rc" -eq 77 ] || fail "ldlm_srv_require exited $rc, expected 77"
[ "$out" = "$skip_head go: example/server@v9: 403 Forbidden" ] ||
    fail "unexpected skip line: $out"
echo "ok: ldlm_srv_require skips with the install error"

# Under CI=true the same situation fails: CI never passes without a server.
rc=0
out=$(CI=true LDLM_SERVER_BIN=/nonexistent LDLM_TEST_CACHE=$scratch/cache \
    sh -c '. "$1"; ldlm_srv_require; echo not-failed' sh \
    "$srcdir/tests/harness/server.sh") || rc=$?
[ "$rc" -eq 1 ] || fail "ldlm_srv_require under CI=true exited $rc, expected 1"
[ "$out" = "FAIL: LDLM server unavailable (CI=true, so this fails rather than skips): go: example/server@v9: 403 Forbidden" ] ||
    fail "unexpected CI failure line: $out"
echo "ok: ldlm_srv_require fails under CI=true"

# Without an error file the reason names the missing binary.
rc=0
out=$(CI= LDLM_SERVER_BIN=/nonexistent LDLM_TEST_CACHE=$scratch/empty \
    sh -c '. "$1"; ldlm_srv_require' sh "$srcdir/tests/harness/server.sh") || rc=$?
[ "$rc" -eq 77 ] || fail "ldlm_srv_require exited $rc, expected 77"
case $out in
"$skip_head /nonexistent is not executable"*) ;;
*) fail "unexpected skip line: $out" ;;
esac
echo "ok: ldlm_srv_require names the missing binary"

# An executable binary passes.
rc=0
LDLM_SERVER_BIN=/bin/sh sh -c '. "$1"; ldlm_srv_require' sh \
    "$srcdir/tests/harness/server.sh" > /dev/null || rc=$?
[ "$rc" -eq 0 ] || fail "ldlm_srv_require refused an executable ($rc)"
echo "ok: ldlm_srv_require passes with a binary"

# TLS material that openssl verifies.
ldlm_srv_certs || fail "ldlm_srv_certs"
openssl verify -CAfile "$LDLM_SRV_CA" -verify_ip 127.0.0.1 \
    "$LDLM_SRV_SERVER_CERT" > /dev/null || fail "server cert does not verify"
if openssl verify -CAfile "$LDLM_SRV_CA" -verify_ip 127.0.0.1 \
    "$LDLM_SRV_WRONG_NAME_CERT" > /dev/null 2>&1; then
    fail "the wrong-name cert verifies for 127.0.0.1"
fi
if openssl verify -CAfile "$LDLM_SRV_OTHER_CA" "$LDLM_SRV_SERVER_CERT" \
    > /dev/null 2>&1; then
    fail "the other CA verifies our server cert"
fi
openssl verify -CAfile "$LDLM_SRV_CA" -purpose sslclient \
    "$LDLM_SRV_CLIENT_CERT" > /dev/null || fail "client cert does not verify"
for f in "$LDLM_SRV_SERVER_KEY" "$LDLM_SRV_WRONG_NAME_KEY" "$LDLM_SRV_CLIENT_KEY"; do
    [ -s "$f" ] || fail "missing $f"
done
echo "ok: ldlm_srv_certs makes verifiable certificates"

# The helper tool picks ports.
port=$("$LDLM_TEST_BUILDDIR/tests/harness/ldlm_test_tool" free-port)
[ "$port" -gt 0 ] && [ "$port" -lt 65536 ] || fail "free-port gave '$port'"
echo "ok: free port $port"

# A binary that exits at once: start fails promptly, nothing left running.
dir=$LDLM_SRV_DIR
start=$(date +%s)
rc=0
saved_bin=${LDLM_SERVER_BIN:-}
LDLM_SERVER_BIN=/bin/false
ldlm_srv_start --password x || rc=$?
LDLM_SERVER_BIN=$saved_bin
[ "$rc" -ne 0 ] || fail "ldlm_srv_start succeeded with /bin/false"
[ -z "$LDLM_SRV_PID" ] || fail "LDLM_SRV_PID still set: $LDLM_SRV_PID"
[ $(($(date +%s) - start)) -lt 15 ] || fail "start took too long to fail"
case $LDLM_SRV_ADDR in
127.0.0.1:[0-9]*) ;;
*) fail "LDLM_SRV_ADDR is '$LDLM_SRV_ADDR'" ;;
esac
grep -q -- "--listen_address $LDLM_SRV_ADDR" "$LDLM_SRV_LOG" ||
    fail "the log does not show the command line"
grep -q -- "--password x" "$LDLM_SRV_LOG" || fail "flags not passed"
echo "ok: a failing server start is reported"

# Stop/kill without a server are harmless; cleanup removes the dir.
ldlm_srv_stop
ldlm_srv_kill
ldlm_srv_cleanup
[ ! -e "$dir" ] || fail "$dir left behind"
echo "ok: cleanup removed $dir"
