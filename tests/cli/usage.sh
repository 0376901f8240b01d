# SPDX-License-Identifier: MIT
# Usage errors: exit 64, nothing on stdout, one line on stderr that says
# what is wrong. Nothing here reaches a server (none is running).
. "$LDLM_TEST_SRCDIR/tests/cli/lib.sh"

# Each case: expected stderr ERE, then the arguments.
check() {
    pattern=$1
    shift
    run_ldlm "$@"
    [ "$status" -eq 64 ] || fail "ldlm $*: expected 64, got $status"
    expect_no_stdout
    expect_one_error_line "$pattern"
    grep -q "see 'ldlm --help'" "$T/err" || fail "ldlm $*: no pointer to --help"
}

check 'missing command'
check "unknown command 'frobnicate'" frobnicate x
check "unknown or ambiguous option '--bogus'" --bogus lock x
check "unknown option '-Z'" -Z lock x
check "option '--help' takes no value" --help=yes
check 'lock: missing argument \(usage: ldlm lock NAME' lock
check "lock: unexpected argument 'extra'" lock name extra
check "lock: unexpected argument 'extra'" lock name -- extra
check 'unlock: missing argument \(usage: ldlm unlock NAME KEY\)' unlock name
check 'renew: missing argument' renew name key
check "renew: SECONDS: expected a whole number from 1 to [0-9]+, got '0'" \
    renew name key 0
check "renew: SECONDS: expected a whole number .*got 'soon'" renew name key soon
check 'lock: the lock name is empty' lock ''
check 'unlock: the key is empty' unlock name ''

# run needs "--" and a command after it.
check "run: put '--' before the command to run" run name true
check "run: no command after '--'" run name --
check 'run: missing argument' run -- true

# Option values are checked strictly.
check "--size: expected a whole number from 1 to [0-9]+, got '0'" \
    lock x --size 0
check "--size: expected a whole number .*got '3x'" lock x --size 3x
check "--size: expected a whole number .*got ' 3'" lock x --size ' 3'
check "--wait: expected a whole number from 0 to [0-9]+, got '-1'" \
    lock x --wait -1
check "--wait: expected a whole number .*got '99999999999999999999'" \
    lock x --wait 99999999999999999999
check "--lock-timeout: expected a whole number from 1 .*got '0'" \
    run x --lock-timeout 0 -- true
check "--conflict-exit-code: expected a whole number from 0 to 255, got '256'" \
    run x -E 256 -- true
check "--grace: expected a whole number .*got 'x'" run x --grace x -- true
check "option '--wait' needs a value" lock x --wait
check "option '-w' needs a value" lock x -w
check "--config: empty file name" --config '' lock x

# Options that do not apply to the command.
check "try-lock never waits: use 'lock --wait SECONDS'" try-lock x --wait 3
check "try-lock never waits" try-lock x -n
check '--grace does not apply to lock' lock x --grace 3
check '--size does not apply to unlock' unlock x k --size 2
check '--lock-timeout does not apply to renew' renew x k 5 --lock-timeout 5
check '--print-config takes no command' --print-config lock x

# Connection option values are usage errors too (not configuration ones).
check "option --max-retries: max_retries=many is not a whole number" \
    --max-retries many lock x
check "option --timeout: timeout=-5 is out of range" --timeout -5 lock x
check "option --tls: tls=maybe: expected yes/no" --tls=maybe lock x
check "option --server: server needs a value" --server '' lock x
# Only HOST:PORT and [IPV6]:PORT: never a gRPC target URI.
check 'option --server: server=unix:/run/ldlm.sock: gRPC target URIs \(here "unix:"\) are not accepted; give HOST:PORT or \[IPV6-ADDRESS\]:PORT' \
    --server unix:/run/ldlm.sock lock x
check 'option --server: server=dns:///ldlm.example:3144: gRPC target URIs \(here "dns:"\)' \
    --server dns:///ldlm.example:3144 lock x
check 'option --server: server=::1:3144: write an IPv6 address in brackets' \
    --server ::1:3144 lock x
check 'option --server: server=ldlm.example: the port is missing' \
    --server ldlm.example lock x

# The password never goes on the command line.
for form in '--password' '--password=s3cret' ; do
    check "--password is not accepted: .*visible .* ps; .*--password-file FILE" \
        lock x "$form"
done
check "--password is not accepted" --password s3cret lock x
# ... and "s3cret" is not echoed back.
run_ldlm lock x --password=s3cret
grep -q s3cret "$T/err" && fail "the refused password was echoed"

exit 0
