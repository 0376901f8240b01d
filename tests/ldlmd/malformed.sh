#!/bin/sh
# SPDX-License-Identifier: MIT
# Whatever a peer sends, ldlmd answers with an error or closes, and keeps
# serving: garbage, unknown versions, a frame over the size limit, a frame
# cut short, out-of-bounds requests (too many locks, sizes, names that are
# too long or not UTF-8, bad tokens). ldlmd runs under the sanitizers in
# the ASan build, whose reports fail the test.
. "$LDLM_TEST_SRCDIR/tests/ldlmd/lib.sh"
start_server
host_start a
sock=$(host_sock a)

# frame HEX: one frame of these bytes; bytes HEX: raw bytes, no frame.
expect_answer() {
    _mode=$1 _hex=$2 _want=$3
    "$AGENT" "$_mode" "$sock" "$_hex" > "$T/raw.out" 2> "$T/raw.err" ||
        fail "agent_tool $_mode $_hex: $(cat "$T/raw.err")"
    grep -Eq -- "$_want" "$T/raw.out" ||
        fail "$_mode $_hex: expected /$_want/, got: $(cat "$T/raw.out")"
}

# A valid status request, for reference: version 1, status {}.
expect_answer frame 08012a00 '^STATUS_OK: $'
expect_answer frame ffffffff '^STATUS_BAD_REQUEST: malformed request'
expect_answer frame '' '^STATUS_BAD_REQUEST: request without a protocol version'
expect_answer frame 2a00 '^STATUS_BAD_REQUEST: request without a protocol version'
expect_answer frame 08022a00 '^STATUS_VERSION: protocol version 2 is not spoken here'
expect_answer frame 0801 '^STATUS_BAD_REQUEST: request of no known kind'
# Acquire with no lock; with a lock of size 0; with a name not UTF-8.
expect_answer frame 080112021200 '^STATUS_BAD_REQUEST: acquire: 0 locks'
expect_answer frame 080112070a030a01611200 '^STATUS_BAD_REQUEST: lock 0: size 0 is not from 1'
expect_answer frame 0801120a0a060a02fffe10011200 '^STATUS_BAD_REQUEST: lock 0: not UTF-8'
# Acquire without an identity.
expect_answer frame 080112070a050a01611001 '^STATUS_BAD_REQUEST: acquire: no identity'
# 33 locks.
locks=
i=0
while [ "$i" -lt 33 ]; do
    locks="${locks}0a050a01611001"
    i=$((i + 1))
done
expect_answer frame "0801"12e901"${locks}1200" '^STATUS_BAD_REQUEST: acquire: 33 locks'
# Release with a token that is not one.
expect_answer frame 08011a050a03787878 '^STATUS_BAD_REQUEST: release: a token is 32'
# Over the size limit: announced (nothing follows), then really sent.
expect_answer bytes 00011171 '^STATUS_BAD_REQUEST: request of 70001 bytes is over the limit of 65536'
expect_answer frame repeat:65537:00 '^STATUS_BAD_REQUEST: request of 65537 bytes is over the limit'
expect_answer bytes ffffffff '^STATUS_BAD_REQUEST: request of 4294967295 bytes'
# A frame cut short, a header cut short: ldlmd closes without answering.
expect_answer bytes 0000000a0801 '^closed$'
expect_answer bytes 0000 '^closed$'
grep -q 'closed in the middle of a request' "$T/a/log" || fail "the cut frame is not logged"

# Semantic bounds through the agent client (ldlmd's checks, not the
# client's): name too long, identity not UTF-8, size out of range.
session_proc
long=$(printf '%01025d' 0)
acquire a "$proc" "$long:1"
[ "$acq_status" -eq 7 ] || fail "long name: expected REFUSED (7), got $acq_status"
grep -q 'longer than 1024 bytes' "$T/acq.err" || fail "long name: $(cat "$T/acq.err")"
acquire a "$proc" --user "$(printf 'x\377y')" "n:1"
[ "$acq_status" -eq 7 ] || fail "user not UTF-8: expected REFUSED (7), got $acq_status"
grep -q 'user: not UTF-8' "$T/acq.err" || fail "user: $(cat "$T/acq.err")"
acquire a "$proc" "n:1000001"
[ "$acq_status" -eq 7 ] || fail "size: expected REFUSED (7), got $acq_status"
acquire a "$proc" "n:-1"
[ "$acq_status" -eq 7 ] || fail "negative size: expected REFUSED (7), got $acq_status"

# Several requests on one connection: a refused one does not end it (the
# framing was intact), the next is answered.
"$AGENT" bytes "$sock" 00000004ffffffff0000000408012a00 > "$T/raw.out" ||
    fail "two frames on one connection"
[ "$(sed -n 1p "$T/raw.out")" = "STATUS_BAD_REQUEST: malformed request (not a protocol message)" ] &&
    [ "$(sed -n 2p "$T/raw.out")" = "STATUS_OK: " ] ||
    fail "two frames on one connection: $(cat "$T/raw.out")"

# Still serving, and no sanitizer report.
run_ldlm status --socket "$sock"
expect_status 0
kill -0 "$(host_pid a)" || fail "ldlmd died"
host_stop a
[ "$host_status" -eq 0 ] || fail "ldlmd exited with $host_status"
echo "ok: malformed and oversized requests refused, ldlmd unharmed"
