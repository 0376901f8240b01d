# SPDX-License-Identifier: MIT
# A lost lock (the server restarted without a state file, so it forgot the
# lock) stops `run`'s command: SIGTERM, then SIGKILL after --grace seconds;
# ldlm says so on stderr and exits 75. `lock` exits 75 as well.
#
# libldlm reports such a loss within about 2 s of the server's return (its
# keeper verifies the lock on the new connection); it gives up on a lock it
# cannot verify only after 30 s, or when the lock's timer runs out. ldlm
# must therefore end well within 15 s of the restart: a longer wait means
# the loss was noticed only by that fallback, or not at all.
. "$LDLM_TEST_SRCDIR/tests/cli/server_lib.sh"
start_server

# lost_wait PID ERRFILE: waits for ldlm after the restart; sets $bg_status.
lost_wait() {
    wait_pid "$1" 15000 ||
        fail "ldlm (pid $1) still running 15 s after the server's return: $(cat "$T/$2")"
    bg_status=0
    wait "$1" || bg_status=$?
}

mkfifo "$T/ready"

# 1. A command that stops on SIGTERM.
"$LDLM" run lost-1 --grace 30 -- sh -c '
    trap "echo TERM >> \"\$0/got\"; exit 3" TERM
    echo ready > "$0/ready"
    while :; do sleep 1 & wait $!; done' "$T" \
    < /dev/null > /dev/null 2> "$T/run1.err" &
pid=$!
track_pid "$pid"
wait_line "$T/ready" > /dev/null
ldlm_srv_restart || fail "cannot restart the server"
lost_wait "$pid" run1.err
[ "$bg_status" -eq 75 ] || fail "expected 75 after the lost lock, got $bg_status: $(cat "$T/run1.err")"
grep -qx TERM "$T/got" || fail "the command did not get SIGTERM"
grep -q '^ldlm: lost-1: lost the lock' "$T/run1.err" ||
    fail "no message about the lost lock: $(cat "$T/run1.err")"

# 2. A command that ignores SIGTERM gets SIGKILL after the grace period.
"$LDLM" run lost-2 --grace 2 -- sh -c '
    trap "" TERM
    echo ready > "$0/ready"
    while :; do sleep 1; done' "$T" \
    < /dev/null > /dev/null 2> "$T/run2.err" &
pid=$!
track_pid "$pid"
wait_line "$T/ready" > /dev/null
ldlm_srv_restart || fail "cannot restart the server"
lost_wait "$pid" run2.err
[ "$bg_status" -eq 75 ] || fail "expected 75, got $bg_status: $(cat "$T/run2.err")"
grep -q '^ldlm: lost-2: lost the lock' "$T/run2.err" ||
    fail "no message about the lost lock: $(cat "$T/run2.err")"
grep -q 'still running 2 s after SIGTERM; sending SIGKILL' "$T/run2.err" ||
    fail "no SIGKILL after the grace period: $(cat "$T/run2.err")"

# 3. A lock with a lock timeout, held by `lock`.
hold 3 lost-3 --lock-timeout 20 --wait 10 || fail "holder: $(cat "$T/h3.err")"
ldlm_srv_restart || fail "cannot restart the server"
lost_wait "$(holder_pid 3)" h3.err
exec 3>&-
[ "$bg_status" -eq 75 ] || fail "lock: expected 75, got $bg_status: $(cat "$T/h3.err")"
grep -q '^ldlm: lost-3: lost the lock' "$T/h3.err" ||
    fail "no message about the lost lock: $(cat "$T/h3.err")"

# 4. What broke mutual exclusion: `run --lock-timeout 30`, the server dies
# without a goodbye and comes back without a state file, and another client
# takes the lock at once. The command must be stopped and ldlm exit 75, not
# let the command run to its end beside the new holder and exit 0.
"$LDLM" run lost-4 --lock-timeout 30 --grace 5 -- sh -c '
    trap "echo TERM >> \"\$0/got4\"; exit 3" TERM
    echo ready > "$0/ready"
    while :; do sleep 1 & wait $!; done' "$T" \
    < /dev/null > /dev/null 2> "$T/run4.err" &
pid=$!
track_pid "$pid"
wait_line "$T/ready" > /dev/null
ldlm_srv_kill
ldlm_srv_restart || fail "cannot restart the server"
hold 4 lost-4 --wait 20 || fail "the other client never got lost-4: $(cat "$T/h4.err")"
lost_wait "$pid" run4.err
[ "$bg_status" -eq 75 ] || fail "run across a restart: expected 75, got $bg_status: $(cat "$T/run4.err")"
grep -qx TERM "$T/got4" || fail "the command did not get SIGTERM"
grep -q '^ldlm: lost-4: lost the lock' "$T/run4.err" ||
    fail "no message about the lost lock: $(cat "$T/run4.err")"
release 4
exit 0
