# SPDX-License-Identifier: MIT
# lib.sh - shared by the ldlm(1) tests. Source it first (POSIX sh).
#
# Provides:
#   LDLM            the tool under test
#   TEST_TOOL       tests/harness/ldlm_test_tool (free-port, wait-exit)
#   T               a private temp dir, removed at exit
#   run_ldlm ARGS   runs the tool with stdin from /dev/null; sets $status,
#                   stdout in $T/out, stderr in $T/err (killed after 60 s)
#   expect_status N / expect_one_error_line ERE / expect_no_stdout
#   closed_port     prints a 127.0.0.1 port nobody listens on
#   wait_pid PID MS waits (bounded) until PID ended; then `wait` reaps it
#   track_pid PID   killed (SIGKILL, by pid) at exit if still running
#   fail MSG        reports and exits 1
#
# The environment is cleaned of LDLM_* settings and LDLM_CONFIG points to an
# empty file, so the machine's /etc/security/pam_ldlm.conf never leaks in.
set -u
: "${LDLM_TEST_BUILDDIR:?run this test through make check}"
: "${LDLM_TEST_SRCDIR:?run this test through make check}"

LDLM=$LDLM_TEST_BUILDDIR/cli/ldlm
TEST_TOOL=$LDLM_TEST_BUILDDIR/tests/harness/ldlm_test_tool
T=$(mktemp -d "${TMPDIR:-/tmp}/ldlm-cli-test.XXXXXX") || exit 99
_cli_pids=

for _v in LDLM_SERVER LDLM_PASSWORD_FILE LDLM_TLS LDLM_CA_FILE LDLM_CERT \
    LDLM_KEY LDLM_SKIP_VERIFY LDLM_MAX_RETRIES LDLM_TIMEOUT LDLM_CONFIG \
    LDLM_LOCK_NAME LDLM_LOCK_KEY; do
    unset "$_v"
done
: > "$T/empty.conf"
LDLM_CONFIG=$T/empty.conf
export LDLM_CONFIG

track_pid() {
    _cli_pids="$_cli_pids $1"
}

cli_cleanup() {
    for _p in $_cli_pids; do
        kill -KILL "$_p" 2> /dev/null || :
    done
    if command -v ldlm_srv_cleanup > /dev/null 2>&1; then
        ldlm_srv_cleanup
    fi
    rm -rf "$T"
}
trap cli_cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
    echo "FAIL: $*" >&2
    if [ -s "$T/err" ]; then
        echo "---- stderr of the last ldlm ----" >&2
        cat "$T/err" >&2
    fi
    exit 1
}

[ -x "$LDLM" ] || fail "$LDLM is not built"

run_ldlm() {
    status=0
    timeout -k 5 60 "$LDLM" "$@" < /dev/null > "$T/out" 2> "$T/err" ||
        status=$?
}

expect_status() {
    [ "$status" -eq "$1" ] ||
        fail "expected exit status $1, got $status (ldlm $*)"
}

# stderr is exactly one line, starting with "ldlm: " and matching the ERE.
expect_one_error_line() {
    _lines=$(wc -l < "$T/err")
    [ "$_lines" -eq 1 ] || fail "expected one line on stderr, got $_lines"
    grep -q '^ldlm: ' "$T/err" || fail "stderr does not start with 'ldlm: '"
    grep -Eq -- "$1" "$T/err" || fail "stderr does not match /$1/"
}

expect_no_stdout() {
    [ ! -s "$T/out" ] || fail "unexpected output on stdout: $(cat "$T/out")"
}

expect_no_stderr() {
    [ ! -s "$T/err" ] || fail "unexpected output on stderr"
}

need_test_tool() {
    [ -x "$TEST_TOOL" ] ||
        fail "$TEST_TOOL is not built (tests/harness is part of make check)"
}

closed_port() {
    need_test_tool
    "$TEST_TOOL" free-port 127.0.0.1
}

wait_pid() {
    need_test_tool
    "$TEST_TOOL" wait-exit "$1" "$2"
}

# Seconds since the epoch with millisecond precision, as an integer of ms.
now_ms() {
    date +%s%3N
}
