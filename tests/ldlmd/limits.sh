#!/bin/sh
# SPDX-License-Identifier: MIT
# One limit across several hosts: three ldlmd instances (simulated hosts)
# share one server and a lock of size 2; each admits while a slot is free,
# refuses when every slot is taken anywhere, and admits again (also by
# waiting) when a session ends elsewhere. `ldlm sessions` and `ldlm status`
# show each host's own sessions, as a table and as JSON.
. "$LDLM_TEST_SRCDIR/tests/ldlmd/lib.sh"
start_server
host_start a
host_start b
host_start c
L=pam_ldlm/user/alice

session_proc
pa=$proc
acquire a "$pa" --user alice --service sshd --tty pts/1 --rhost 10.0.0.5 "$L:2"
[ "$acq_status" -eq 0 ] || fail "host a: $(cat "$T/acq.err")"
ta=$token
session_proc
pb=$proc
acquire b "$pb" --user alice --service login --tty tty1 "$L:2"
[ "$acq_status" -eq 0 ] || fail "host b: $(cat "$T/acq.err")"
tb=$token
[ "$ta" != "$tb" ] || fail "two sessions got the same token"
echo "$ta" | grep -Eqx '[0-9a-f]{32}' || fail "token '$ta' is not 32 hex digits"

# The limit is cluster-wide: host c finds both slots taken.
session_proc
pc=$proc
acquire c "$pc" --user alice "$L:2"
[ "$acq_status" -eq 1 ] || fail "host c: expected FULL (1), got $acq_status: $(cat "$T/acq.err")"
grep -q 'all 2 slots in use' "$T/acq.err" || fail "no reason given: $(cat "$T/acq.err")"
slot_free "$L" 2 && fail "a slot of $L is free on the server"

# Each host lists its own sessions only.
run_ldlm sessions --socket "$(host_sock a)"
expect_status 0
grep -q "$ta" "$T/out" || fail "host a does not list its session"
grep -q "$tb" "$T/out" && fail "host a lists host b's session"
grep -Eq "alice +sshd +pts/1 +10\.0\.0\.5 +$pa .*$L \(size 2, held\)" "$T/out" ||
    fail "host a's table: $(cat "$T/out")"
run_ldlm sessions --socket "$(host_sock c)"
expect_status 0
grep -qx 'no sessions' "$T/out" || fail "host c lists sessions: $(cat "$T/out")"

run_ldlm sessions --json --socket "$(host_sock b)"
expect_status 0
python3 - "$T/out" "$tb" "$pb" "$L" << 'PY' || fail "host b's JSON: $(cat "$T/out")"
import json, sys
doc = json.load(open(sys.argv[1]))
(s,) = doc["sessions"]
assert s["token"] == sys.argv[2] and s["pid"] == int(sys.argv[3])
assert (s["user"], s["service"], s["tty"], s["rhost"]) == ("alice", "login", "tty1", "")
assert s["since"] > 1600000000
assert s["slots"] == [{"lock": sys.argv[4], "size": 2, "state": "held", "reacquired": 0}]
PY

run_ldlm status --socket "$(host_sock a)"
expect_status 0
grep -Eq '^connection: +connected, ping [0-9.]+ ms$' "$T/out" || fail "status: $(cat "$T/out")"
grep -Eq "^server: +$LDLM_SRV_ADDR\$" "$T/out" || fail "status: $(cat "$T/out")"
grep -Eq '^sessions: +1 \(slots: 1 held, 0 not held' "$T/out" || fail "status: $(cat "$T/out")"
run_ldlm status --json --socket "$(host_sock a)"
expect_status 0
python3 - "$T/out" "$(host_pid a)" << 'PY' || fail "status JSON: $(cat "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["pid"] == int(sys.argv[2]) and d["connected"] is True
assert d["tls"] is False and d["sessions"] == 1 and d["slots_held"] == 1
assert d["ping_ms"] > 0 and d["reacquisitions"] == 0 and d["protocol"] == 1
PY

# A session ending on host a lets host c in.
"$AGENT" release "$(host_sock a)" "$ta" > "$T/out" || fail "release on host a"
grep -qx 'released 1' "$T/out" || fail "release: $(cat "$T/out")"
acquire c "$pc" --user alice "$L:2"
[ "$acq_status" -eq 0 ] || fail "host c after the release: $(cat "$T/acq.err")"
tc=$token

# Waiting: host a waits for a slot, which host b's session gives up.
acquire_bg_out=$T/wait.out
timeout -k 5 60 "$AGENT" acquire "$(host_sock a)" --pid "$pa" --wait 20 \
    --user alice "$L:2" > "$acquire_bg_out" 2> "$T/wait.err" &
waiter=$!
track_pid "$waiter"
# Bounded wait until ldlmd told the client it waits (its Waiting message).
deadline=$(($(now_ms) + 20000))
until grep -q 'waiting for lock 0' "$T/wait.err"; do
    [ "$(now_ms)" -lt "$deadline" ] || fail "host a never said it waits"
    sleep 0.05 # a file written by another process: nothing to wait on
done
kill "$pb" # the session's process ends: its slot goes
bg_wait "$waiter" 30000
[ "$bg_status" -eq 0 ] || fail "the waiting login was not admitted: $(cat "$T/wait.err")"
grep -Eqx '[0-9a-f]{32}' "$acquire_bg_out" || fail "no token after waiting"

# Sizes must agree cluster-wide.
acquire b "$pc" --user alice "$L:5"
[ "$acq_status" -eq 2 ] || fail "expected SIZE_MISMATCH (2), got $acq_status: $(cat "$T/acq.err")"

"$AGENT" release "$(host_sock c)" "$tc" > /dev/null || fail "release on host c"
for h in a b c; do
    host_stop "$h"
    [ "$host_status" -eq 0 ] || fail "ldlmd $h exited with $host_status"
done
echo "ok: one limit of 2 across 3 hosts; full, waiting and size mismatch decided cluster-wide"
