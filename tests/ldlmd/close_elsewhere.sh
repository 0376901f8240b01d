#!/bin/sh
# SPDX-License-Identifier: MIT
# A session ends in another process than the one that opened it: a forked
# and exec'd child presents the token (as pam_close_session does wherever
# it runs, or `ldlm sessions --release`). The slot is free at once; the
# token then names nothing; the process's later exit changes nothing.
. "$LDLM_TEST_SRCDIR/tests/ldlmd/lib.sh"
start_server
host_start a
L=ldlmd-test/close

session_proc
p=$proc
acquire a "$p" --user bob "$L:1"
[ "$acq_status" -eq 0 ] || fail "acquire: $(cat "$T/acq.err")"
slot_free "$L" 1 && fail "the slot is free while the session holds it"

# fork (the subshell) and exec: another process, another connection.
(exec "$LDLM" sessions --release "$token" --socket "$(host_sock a)") \
    > "$T/out" 2> "$T/err" < /dev/null || fail "release: $(cat "$T/err")"
grep -qx "session $token ended: 1 slot(s) released" "$T/out" ||
    fail "release said: $(cat "$T/out")"
slot_free "$L" 1 || fail "the slot is still taken after the release"

run_ldlm sessions --release "$token" --socket "$(host_sock a)"
expect_status 65
expect_one_error_line 'no session has that token'
run_ldlm sessions --release not-a-token --socket "$(host_sock a)"
expect_status 64
run_ldlm sessions --socket "$(host_sock a)"
grep -qx 'no sessions' "$T/out" || fail "sessions left: $(cat "$T/out")"

# The session's process ends normally: its session goes with it.
acquire a "$p" --user bob "$L:1"
[ "$acq_status" -eq 0 ] || fail "acquire again: $(cat "$T/acq.err")"
kill -TERM "$p"
wait_slot_free "$L" 1 5000
run_ldlm sessions --json --socket "$(host_sock a)"
grep -qx '{"sessions":\[\]}' "$T/out" || fail "sessions left: $(cat "$T/out")"
grep -q "ended: its process exited" "$T/a/log" || fail "no log line of the exit"

# A session for a process that does not exist is refused.
acquire a 999999999 --user bob "$L:1"
[ "$acq_status" -eq 6 ] || fail "expected NO_PROCESS (6), got $acq_status"
# pid 0: the connecting process itself (here agent_tool, which exits at
# once: its session ends with it).
acquire a 0 --user bob "$L:1"
[ "$acq_status" -eq 0 ] || fail "session of the caller: $(cat "$T/acq.err")"
wait_slot_free "$L" 1 5000

host_stop a
[ "$host_status" -eq 0 ] || fail "ldlmd exited with $host_status"
echo "ok: closed by another process's token, by the process's exit; unknown tokens and processes refused"
