#!/bin/sh
# SPDX-License-Identifier: MIT
# ldlm sessions / ldlm status without a server or an ldlmd: usage errors,
# an unreachable ldlmd (exit 69, one line), and the options that do not
# apply to them. Needs no LDLM server.
. "$LDLM_TEST_SRCDIR/tests/cli/lib.sh"
unset LDLM_AGENT_SOCKET

run_ldlm sessions --socket "$T/nothing.sock"
expect_status 69
expect_one_error_line "sessions from ldlmd at $T/nothing.sock: cannot connect to $T/nothing.sock: No such file or directory"
expect_no_stdout
run_ldlm status --json --socket "$T/nothing.sock"
expect_status 69
expect_one_error_line 'status of ldlmd at .*: cannot connect'
LDLM_AGENT_SOCKET=$T/env.sock run_ldlm status
expect_status 69
expect_one_error_line "status of ldlmd at $T/env.sock"

# Something that is not ldlmd: a listening socket that never answers.
run_ldlm sessions --release 0123456789abcdef0123456789abcdef --socket "$T/nothing.sock"
expect_status 69
run_ldlm sessions --release short --socket "$T/nothing.sock"
expect_status 64
expect_one_error_line 'a session token is 32 hexadecimal digits'

run_ldlm status --release 0123456789abcdef0123456789abcdef
expect_status 64
expect_one_error_line '--release does not apply to status'
run_ldlm sessions --server 127.0.0.1:1
expect_status 64
expect_one_error_line '--server does not apply to sessions'
run_ldlm sessions --config "$T/empty.conf"
expect_status 64
run_ldlm lock x --json
expect_status 64
expect_one_error_line '--json does not apply to lock'
run_ldlm sessions extra
expect_status 64
run_ldlm status --timeout 1 --socket "$T/nothing.sock"
expect_status 69

run_ldlm --help
expect_status 0
grep -q '^  sessions \[--release TOKEN\] \[--json\]' "$T/out" || fail "--help lacks sessions"
grep -q '^  status \[--json\]' "$T/out" || fail "--help lacks status"
echo "ok: sessions and status refuse what does not apply and report an absent ldlmd"
