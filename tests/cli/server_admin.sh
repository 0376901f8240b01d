# SPDX-License-Identifier: MIT
# unlock NAME KEY and renew NAME KEY SECONDS act on a lock by its key from
# another process; wrong keys and unknown locks give 65.
. "$LDLM_TEST_SRCDIR/tests/cli/server_lib.sh"
start_server

name=admin-$$
hold 3 "$name" --lock-timeout 60 --wait 10 || fail "holder: $(cat "$T/h3.err")"
k=$key

run_ldlm renew "$name" "$k" 30
expect_status 0
expect_no_stderr
run_ldlm renew "$name" wrong-key 30
expect_status 65
expect_one_error_line "^ldlm: renew $name on $LDLM_SERVER: "
run_ldlm unlock "$name" wrong-key
expect_status 65
expect_one_error_line "^ldlm: unlock $name on $LDLM_SERVER: "
run_ldlm unlock "no-such-lock-$$" some-key
expect_status 65
expect_one_error_line "^ldlm: unlock no-such-lock-$$ on $LDLM_SERVER: "

run_ldlm try-lock "$name"
expect_status 1
run_ldlm unlock "$name" "$k"
expect_status 0
expect_no_stderr
# The slot is free for someone else now.
run_ldlm try-lock "$name"
expect_status 0
exit 0
