# A lost lock (the server restarted without a state file, so it forgot the
# lock) stops `run`'s command: SIGTERM, then SIGKILL after --grace seconds;
# ldlm says so on stderr and exits 75. `lock` exits 75 as well.
. "$LDLM_TEST_SRCDIR/tests/cli/server_lib.sh"
start_server

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
bg_wait "$pid" 60000
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
bg_wait "$pid" 60000
[ "$bg_status" -eq 75 ] || fail "expected 75, got $bg_status: $(cat "$T/run2.err")"
grep -q '^ldlm: lost-2: lost the lock' "$T/run2.err" ||
    fail "no message about the lost lock: $(cat "$T/run2.err")"
grep -q 'still running 2 s after SIGTERM; sending SIGKILL' "$T/run2.err" ||
    fail "no SIGKILL after the grace period: $(cat "$T/run2.err")"

# 3. A lock with a lock timeout, held by `lock`.
hold 3 lost-3 --lock-timeout 20 --wait 10 || fail "holder: $(cat "$T/h3.err")"
ldlm_srv_restart || fail "cannot restart the server"
bg_wait "$(holder_pid 3)" 60000
exec 3>&-
[ "$bg_status" -eq 75 ] || fail "lock: expected 75, got $bg_status: $(cat "$T/h3.err")"
grep -q '^ldlm: lost-3: lost the lock' "$T/h3.err" ||
    fail "no message about the lost lock: $(cat "$T/h3.err")"
exit 0
