# SPDX-License-Identifier: MIT
# lib.sh - shared by the tests of the examples (POSIX sh). Source it first.
# Starts nothing by itself: the test calls start_server.
#
#   EX              the directory of the built examples
#   T               a private temp dir, removed at exit
#   start_server    a private real LDLM server; sets $LDLM_SRV_ADDR
#   spawn VAR OUT ERR CMD...
#                   runs CMD in the background, stdin /dev/null, stdout
#                   appended to OUT, stderr to ERR; sets VAR to its pid;
#                   killed (SIGKILL, by pid) at exit if still running
#   wait_lines FILE ERE N SECONDS
#                   waits until FILE has at least N lines matching ERE;
#                   fails the test after SECONDS
#   wait_exit PID SECONDS  waits (bounded) for a spawned process; sets $status
#   now_ms          milliseconds since the epoch
#   fail MSG        reports (with the outputs in $T) and exits 1
#
# The server is skipped (exit 77) when not installed, as for every test
# that needs it (see tests/harness/server.sh).
set -u
: "${LDLM_TEST_BUILDDIR:?run this test through make check}"
: "${LDLM_TEST_SRCDIR:?run this test through make check}"

. "$LDLM_TEST_SRCDIR/tests/harness/server.sh"
ldlm_srv_require

EX=$LDLM_TEST_BUILDDIR/examples
_ex_tool=$LDLM_TEST_BUILDDIR/tests/harness/ldlm_test_tool
T=$(mktemp -d "${TMPDIR:-/tmp}/ldlm-example-test.XXXXXX") || exit 99
_ex_pids=

ex_cleanup() {
    for _p in $_ex_pids; do
        kill -KILL "$_p" 2> /dev/null || :
    done
    ldlm_srv_cleanup
    rm -rf "$T"
}
# INT/TERM/HUP exit (so that the EXIT trap runs); the EXIT trap also kills
# the examples still running.
ldlm_srv_trap_cleanup
trap ex_cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    for _f in "$T"/*.out "$T"/*.err; do
        [ -s "$_f" ] || continue
        echo "---- $_f ----" >&2
        cat "$_f" >&2
    done
    ldlm_srv_log_tail 20
    exit 1
}

for _p in failover task_lock resource_limit; do
    [ -x "$EX/$_p" ] || fail "$EX/$_p is not built (make check builds it)"
done
[ -x "$_ex_tool" ] || fail "$_ex_tool is not built (make check builds it)"

start_server() {
    ldlm_srv_start "$@" || fail "cannot start the LDLM server"
}

spawn() {
    _var=$1
    _out=$2
    _err=$3
    shift 3
    "$@" < /dev/null >> "$_out" 2>> "$_err" &
    eval "$_var=\$!"
    _ex_pids="$_ex_pids $!"
}

now_ms() {
    date +%s%3N
}

wait_lines() {
    _deadline=$(($(now_ms) + $4 * 1000))
    while :; do
        _n=$(grep -cE -- "$2" "$1" 2> /dev/null) || :
        [ "${_n:-0}" -ge "$3" ] && return 0
        [ "$(now_ms)" -lt "$_deadline" ] ||
            fail "$1 has ${_n:-0} lines matching /$2/, not $3, after $4 s"
        sleep 0.05 # polling a file: there is no event to wait on
    done
}

wait_exit() {
    "$_ex_tool" wait-exit "$1" $(($2 * 1000)) ||
        fail "pid $1 did not end within $2 s"
    status=0
    wait "$1" || status=$?
}
