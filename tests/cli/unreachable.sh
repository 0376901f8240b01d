# SPDX-License-Identifier: MIT
# No server on the port: every command fails quickly with exit 69 and one
# line on stderr that names the address; run never starts the command.
. "$LDLM_TEST_SRCDIR/tests/cli/lib.sh"

port=$(closed_port) || fail "no free port"
server=127.0.0.1:$port

check() { # ARGS...
    start=$(now_ms)
    run_ldlm --server "$server" "$@"
    elapsed=$(($(now_ms) - start))
    [ "$status" -eq 69 ] || fail "ldlm $*: expected 69, got $status"
    expect_no_stdout
    expect_one_error_line "^ldlm: [a-z-]+ x on $server: .*unavailable"
    # Refused connections need no timeout: well under the 30 s default.
    [ "$elapsed" -lt 10000 ] || fail "ldlm $*: took $elapsed ms"
}

check lock x
check try-lock x
check lock x --wait 5
check lock x --wait 0
check run x -- sh -c ": > '$T/ran'"
[ ! -e "$T/ran" ] || fail "run started the command without the lock"
check unlock x some-key
check renew x some-key 10

# The command's own options after "--" are never taken for ldlm's.
check run x -- ls --bogus-option-of-ls
# gRPC's own log lines stay off stderr (one line above); --verbose shows
# the library's diagnostics.
run_ldlm --server "$server" --verbose try-lock x
[ "$status" -eq 69 ] || fail "--verbose: expected 69, got $status"
grep -q '^ldlm: \[\(debug\|info\|error\)\] ' "$T/err" ||
    fail "--verbose showed no diagnostics"
[ "$(wc -l < "$T/err")" -ge 2 ] || fail "--verbose printed only the error"

# With retries, the same error after the retries (bounded by --timeout).
start=$(now_ms)
run_ldlm --server "$server" --max-retries 1 --timeout 10 try-lock x
elapsed=$(($(now_ms) - start))
[ "$status" -eq 69 ] || fail "with retries: expected 69, got $status"
expect_one_error_line "unavailable"
[ "$elapsed" -lt 15000 ] || fail "with retries: took $elapsed ms"
exit 0
