# SPDX-License-Identifier: MIT
# A server with a password: the right password file works; a wrong or
# missing password gives exit 77 and one line saying authentication failed,
# and run does not start the command.
. "$LDLM_TEST_SRCDIR/tests/cli/server_lib.sh"
start_server --password 'right-pw-for-test'

printf 'right-pw-for-test\n' > "$T/right"
printf 'wrong-pw-for-test\n' > "$T/wrong"
chmod 0600 "$T/right" "$T/wrong"

run_ldlm --password-file "$T/right" try-lock auth
expect_status 0
[ -n "$(cat "$T/out")" ] || fail "no key printed"

refused() {
    [ "$status" -eq 77 ] || fail "expected 77, got $status"
    expect_no_stdout
    expect_one_error_line "^ldlm: [a-z-]+ auth on $LDLM_SERVER: "
    grep -Eqi 'authenticat|credential' "$T/err" ||
        fail "the message does not say that authentication failed"
    grep -q 'pw-for-test' "$T/err" && fail "the password appears in the message"
    return 0
}
run_ldlm --password-file "$T/wrong" try-lock auth
refused
run_ldlm try-lock auth
refused
run_ldlm --password-file "$T/wrong" run auth -- sh -c ": > '$T/ran'"
refused
[ ! -e "$T/ran" ] || fail "run started the command without the lock"
LDLM_PASSWORD_FILE=$T/wrong run_ldlm unlock auth some-key
refused

LDLM_PASSWORD_FILE=$T/right run_ldlm run auth -- true
expect_status 0
printf 'password_file=%s\n' "$T/right" > "$T/pw.conf"
run_ldlm --config "$T/pw.conf" run auth -- true
expect_status 0
exit 0
