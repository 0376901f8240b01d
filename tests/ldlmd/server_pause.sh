#!/bin/sh
# SPDX-License-Identifier: MIT
# The server stops answering (SIGSTOP) while a session ends: ldlmd's
# release times out, is retried every second without burning CPU, and
# goes through once the server answers again. `ldlm status` meanwhile
# says ldlmd is not connected (exit 69) after its ping's bound.
. "$LDLM_TEST_SRCDIR/tests/ldlmd/lib.sh"
start_server
host_start a
L=ldlmd-test/pause

session_proc
acquire a "$proc" --user ivan "$L:1"
[ "$acq_status" -eq 0 ] || fail "acquire: $(cat "$T/acq.err")"
p=$proc

# CPU time of ldlmd so far, in clock ticks (utime + stime).
cpu_ticks() {
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$(host_pid a)/stat"
}

ldlm_srv_pause || fail "cannot pause the server"
kill -KILL "$p"
wait "$p" 2> /dev/null || :
# The first release runs into its bound (timeout=5), then waits for retries.
deadline=$(($(now_ms) + 30000))
until grep -q "did not take the release of a slot of lock $L" "$T/a/log"; do
    [ "$(now_ms)" -lt "$deadline" ] || fail "no failed release logged"
    sleep 0.1 # a log file: nothing to wait on
done
c0=$(cpu_ticks)
t0=$(now_ms)
# The ping is bounded by the configuration's timeout=5.
run_ldlm status --socket "$(host_sock a)"
expect_status 69
grep -Eq '^connection: +not connected: ' "$T/out" || fail "status: $(cat "$T/out")"
c1=$(cpu_ticks)
t1=$(now_ms)
ticks=$(getconf CLK_TCK)
echo "ldlmd used $((c1 - c0)) ticks of CPU in $((t1 - t0)) ms while the server was frozen (CLK_TCK $ticks)"
# A thread spinning between retries would use a good part of the time
# (it did: 0.47 s of 5.3 s, with the retries themselves blocked 5 s each).
[ $(((c1 - c0) * 1000 / ticks)) -lt $(((t1 - t0) / 5)) ] ||
    fail "ldlmd burnt CPU while the server was frozen"

ldlm_srv_resume || fail "cannot resume the server"
t2=$(now_ms)
wait_slot_free "$L" 1 30000
echo "server resumed to slot released: $(($(now_ms) - t2)) ms (polled)"
run_ldlm status --socket "$(host_sock a)"
expect_status 0
host_stop a
[ "$host_status" -eq 0 ] || fail "ldlmd exited with $host_status"
echo "ok: a release the frozen server could not take went through once it answered"
