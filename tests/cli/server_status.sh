# SPDX-License-Identifier: MIT
# run: the command's exit status and death by signal pass through, INT,
# TERM and HUP sent to ldlm reach the command, the command sees
# LDLM_LOCK_NAME and LDLM_LOCK_KEY, and the lock is released afterwards.
. "$LDLM_TEST_SRCDIR/tests/cli/server_lib.sh"
start_server

name=status-$$
lock_is_free() {
    run_ldlm try-lock "$name"
    [ "$status" -eq 0 ] || fail "the lock was not released ($status)"
}

run_ldlm run "$name" -- sh -c 'exit 7'
expect_status 7
expect_no_stderr
lock_is_free
run_ldlm run "$name" -- sh -c 'echo out; echo err >&2; exit 0'
expect_status 0
[ "$(cat "$T/out")" = out ] || fail "the command's stdout did not pass"
[ "$(cat "$T/err")" = err ] || fail "the command's stderr did not pass"
run_ldlm run "$name" -- sh -c 'kill -KILL $$'
expect_status 137
lock_is_free

run_ldlm run "$name" -- "$T/does-not-exist"
expect_status 127
expect_one_error_line "^ldlm: cannot run '$T/does-not-exist': No such file or directory\$"
printf 'echo hi\n' > "$T/not-executable"
chmod 0644 "$T/not-executable"
run_ldlm run "$name" -- "$T/not-executable"
expect_status 126
expect_one_error_line "cannot run '$T/not-executable': Permission denied"
lock_is_free

# The environment, and proof that the key is the one holding the lock.
LDLM_LOCK_NAME=inherited LDLM_LOCK_KEY=inherited run_ldlm run "$name" -- \
    sh -c 'printf "%s\n%s\n" "$LDLM_LOCK_NAME" "$LDLM_LOCK_KEY"
           "$0" try-lock "$LDLM_LOCK_NAME" < /dev/null > /dev/null 2>&1
           echo "inner try-lock: $?"
           "$0" renew "$LDLM_LOCK_NAME" wrong-key 10 > /dev/null 2>&1
           echo "inner renew with a wrong key: $?"' "$LDLM"
expect_status 0
[ "$(sed -n 1p "$T/out")" = "$name" ] || fail "LDLM_LOCK_NAME is wrong"
got_key=$(sed -n 2p "$T/out")
[ -n "$got_key" ] && [ "$got_key" != inherited ] || fail "LDLM_LOCK_KEY is wrong"
grep -qx 'inner try-lock: 1' "$T/out" || fail "the lock was not held while the command ran"
grep -qx 'inner renew with a wrong key: 65' "$T/out" || fail "renew with a wrong key"
lock_is_free

# Signals sent to ldlm reach the command, whose status comes back.
mkfifo "$T/ready"
forwarded() { # SIGNAL EXPECTED-STATUS
    # Default disposition: this test may itself run with the signal ignored
    # (nohup, some CI runners), which ldlm would rightly keep ignored.
    env --default-signal="$1" "$LDLM" run "$name" -- sh -c '
        trap "echo got-$1 > \"\$0/got\"; exit $2" "$1"
        echo ready > "$0/ready"
        while :; do sleep 1 & wait $!; done' "$T" "$1" "$2" \
        < /dev/null > /dev/null 2> "$T/run.err" &
    pid=$!
    track_pid "$pid"
    wait_line "$T/ready" > /dev/null
    kill "-$1" "$pid"
    bg_wait "$pid" 20000
    [ "$bg_status" -eq "$2" ] || fail "after SIG$1: status $bg_status, expected $2"
    grep -qx "got-$1" "$T/got" || fail "the command did not get SIG$1"
    rm -f "$T/got"
    lock_is_free
}
forwarded TERM 5
forwarded HUP 6
# A shell starts background jobs with SIGINT ignored (and ldlm keeps
# ignored signals ignored, like shells); give this one the default back.
env --default-signal=INT "$LDLM" run "$name" -- \
    sh -c 'echo ready > "$0/ready"; exec sleep 60' "$T" \
    < /dev/null > /dev/null 2> "$T/run.err" &
pid=$!
track_pid "$pid"
wait_line "$T/ready" > /dev/null
kill -INT "$pid"
bg_wait "$pid" 20000
[ "$bg_status" -eq 130 ] || fail "after SIGINT: status $bg_status, expected 130"
lock_is_free
exit 0
