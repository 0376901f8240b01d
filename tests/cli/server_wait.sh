# SPDX-License-Identifier: MIT
# --wait: 0 gives up at once with the conflict exit code (default 1, or
# --conflict-exit-code), N gives up after about N seconds, and without
# --wait the command waits until the lock is free.
. "$LDLM_TEST_SRCDIR/tests/cli/server_lib.sh"
start_server

name=wait-$$
hold 3 "$name" --wait 10 || fail "holder: $(cat "$T/h3.err")"

run_ldlm run "$name" --wait 0 -- sh -c ": > '$T/ran'"
expect_status 1
expect_no_stdout
expect_one_error_line "^ldlm: $name: locked by someone else\$"
run_ldlm run "$name" -n -E 42 -- sh -c ": > '$T/ran'"
expect_status 42
run_ldlm run "$name" --quiet --wait 0 -- sh -c ": > '$T/ran'"
expect_status 1
expect_no_stderr
[ ! -e "$T/ran" ] || fail "a command ran while the lock was held"
run_ldlm lock "$name" --wait 0
expect_status 1
run_ldlm try-lock "$name" --conflict-exit-code 3
expect_status 3

start=$(now_ms)
run_ldlm run "$name" --wait 2 -- sh -c ": > '$T/ran'"
elapsed=$(($(now_ms) - start))
expect_status 1
expect_one_error_line "^ldlm: $name: still locked after waiting 2 s\$"
[ ! -e "$T/ran" ] || fail "the command ran although the wait ran out"
[ "$elapsed" -ge 1900 ] || fail "--wait 2 gave up after only $elapsed ms"
[ "$elapsed" -lt 6000 ] || fail "--wait 2 took $elapsed ms"

start=$(now_ms)
run_ldlm lock "$name" --wait 1 -E 9
elapsed=$(($(now_ms) - start))
expect_status 9
[ "$elapsed" -ge 900 ] && [ "$elapsed" -lt 5000 ] ||
    fail "lock --wait 1 took $elapsed ms"

# Without --wait: waits, then runs once the holder lets go. The release
# waits until the server has the waiter's request (its log says so), so
# that it really ends a wait rather than precedes it.
request="\"msg\":\"Lock request\".*\"lock\":\"$name\""
requests=$(grep -cE -- "$request" "$LDLM_SRV_LOG")
"$LDLM" run "$name" -- sh -c ": > '$T/waited'" < /dev/null > /dev/null \
    2> "$T/waiter.err" &
waiter=$!
track_pid "$waiter"
wait_server_log "$request" $((requests + 1))
[ ! -e "$T/waited" ] || fail "the waiter ran while the lock was held"
release 3
[ "$holder_status" -eq 0 ] || fail "holder exited with $holder_status"
bg_wait "$waiter" 20000
[ "$bg_status" -eq 0 ] || fail "waiter exited with $bg_status: $(cat "$T/waiter.err")"
[ -e "$T/waited" ] || fail "the waiter did not run its command"
exit 0
