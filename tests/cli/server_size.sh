# SPDX-License-Identifier: MIT
# --size 3 admits three holders at once and not a fourth; a freed slot
# admits the next; a different size for an existing lock is refused (65).
. "$LDLM_TEST_SRCDIR/tests/cli/server_lib.sh"
start_server

name=size-$$
hold 3 "$name" --size 3 --wait 10 || fail "first holder: $(cat "$T/h3.err")"
k1=$key
hold 4 "$name" --size 3 --wait 10 || fail "second holder: $(cat "$T/h4.err")"
k2=$key
hold 5 "$name" --size 3 --wait 10 || fail "third holder: $(cat "$T/h5.err")"
k3=$key
[ "$k1" != "$k2" ] && [ "$k2" != "$k3" ] && [ "$k1" != "$k3" ] ||
    fail "holders got the same key"

run_ldlm try-lock "$name" --size 3
expect_status 1
expect_no_stdout
expect_one_error_line "^ldlm: $name: locked by someone else\$"
run_ldlm run "$name" --size 3 --wait 0 -- sh -c ": > '$T/ran'"
expect_status 1
[ ! -e "$T/ran" ] || fail "a fourth command ran"

run_ldlm try-lock "$name" --size 2
expect_status 65
expect_one_error_line "^ldlm: try-lock $name on $LDLM_SERVER: "

release 4
[ "$holder_status" -eq 0 ] || fail "holder exited with $holder_status"
run_ldlm run "$name" --size 3 --wait 0 -- sh -c ": > '$T/ran'"
expect_status 0
[ -e "$T/ran" ] || fail "the freed slot did not admit a command"

# run released its slot: a third holder fits again, a fourth does not.
hold 4 "$name" --size 3 --wait 10 || fail "holder after run: $(cat "$T/h4.err")"
run_ldlm try-lock "$name" --size 3
expect_status 1
for slot in 3 4 5; do
    release "$slot"
    [ "$holder_status" -eq 0 ] || fail "holder $slot exited with $holder_status"
done
run_ldlm try-lock "$name" --size 3
expect_status 0
[ -n "$(cat "$T/out")" ] || fail "try-lock printed no key"
exit 0
