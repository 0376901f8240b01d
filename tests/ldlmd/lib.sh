# SPDX-License-Identifier: MIT
# lib.sh - shared by the ldlmd tests (POSIX sh): one real LDLM server, and
# ldlmd instances as simulated hosts, each with its own run directory and
# socket under the test's temp dir $T (nothing outside it is touched).
# Source it first; it sources tests/cli/lib.sh (T, fail, run_ldlm,
# track_pid, wait_pid, now_ms, ...) and the server harness, and skips the
# test (exit 77) without a server.
#
#   start_server [FLAGS]    starts the server; writes $T/ldlmd.conf
#   host_start NAME [ARGS]  starts ldlmd for host NAME: run dir $T/NAME,
#                           socket $T/NAME/ldlmd.sock, log $T/NAME/log;
#                           returns once ldlmd sent READY=1 to its
#                           NOTIFY_SOCKET (<= 30 s); sets $host_pid
#   host_sock NAME / host_pid NAME
#   host_stop NAME          SIGTERM; waits (<= 20 s); $host_status
#   host_kill NAME          SIGKILL, reaped
#   session_proc            a stand-in for a login's process (sleep),
#                           killed at exit; sets $proc
#   acquire NAME PID [ARGS] LOCK:SIZE...
#                           agent_tool acquire on host NAME: $token,
#                           $acq_status (0 ok, 1 full, ...); stderr in
#                           $T/acq.err
#   slot_free LOCK SIZE     true if a slot of LOCK is free on the server
#                           right now (ldlm try-lock, which lets it go)
#   wait_slot_free LOCK SIZE MS
#                           waits (bounded, polling the server) until so
#   check_host_log NAME     fails on a sanitizer report in the log
#   bg_wait PID [MS]        waits (bounded) for a background job; sets
#                           $bg_status
. "$LDLM_TEST_SRCDIR/tests/cli/lib.sh"
. "$LDLM_TEST_SRCDIR/tests/harness/server.sh"
ldlm_srv_require
need_test_tool

LDLMD=$LDLM_TEST_BUILDDIR/ldlmd/ldlmd
AGENT=$LDLM_TEST_BUILDDIR/tests/ldlmd/agent_tool
[ -x "$LDLMD" ] || fail "$LDLMD is not built"
[ -x "$AGENT" ] || fail "$AGENT is not built"
unset LDLM_AGENT_SOCKET NOTIFY_SOCKET

# Sockets live under $T: keep the paths within sun_path's 108 bytes.
case $T in
/tmp/*) ;;
*) [ ${#T} -lt 60 ] || fail "temp dir path too long for sockets: $T" ;;
esac

bg_wait() {
    wait_pid "$1" "${2:-30000}" ||
        fail "pid $1 did not end within ${2:-30000} ms"
    bg_status=0
    wait "$1" || bg_status=$?
}

start_server() {
    ldlm_srv_start "$@" || fail "cannot start the LDLM server"
    LDLM_SERVER=$LDLM_SRV_ADDR
    export LDLM_SERVER
    printf 'server=%s\ntimeout=5\n' "$LDLM_SRV_ADDR" > "$T/ldlmd.conf"
    chmod 0600 "$T/ldlmd.conf"
}

host_sock() {
    printf '%s\n' "$T/$1/ldlmd.sock"
}

host_pid() {
    cat "$T/$1/pid"
}

host_start() {
    _h=$1
    shift
    mkdir -p "$T/$_h" && chmod 0700 "$T/$_h" || fail "mkdir $T/$_h"
    rm -f "$T/$_h/notify.sock" "$T/$_h/notify.out"
    mkfifo "$T/$_h/notify.out" || fail "mkfifo"
    # The readiness listener is bound before ldlmd starts: it says so on
    # the FIFO, then waits for READY=1 (or gives up after 30 s).
    "$AGENT" notify-wait "$T/$_h/notify.sock" 30000 > "$T/$_h/notify.out" &
    _npid=$!
    track_pid "$_npid"
    exec 8< "$T/$_h/notify.out"
    read -r _line <&8 || :
    [ "$_line" = bound ] || fail "the readiness listener of $_h did not start"
    # setpriv: ldlmd never outlives this test, whatever kills the shell.
    _wrap=
    if setpriv --pdeathsig KILL true > /dev/null 2>&1; then
        _wrap="setpriv --pdeathsig KILL"
    fi
    NOTIFY_SOCKET=$T/$_h/notify.sock $_wrap "$LDLMD" --config "$T/ldlmd.conf" \
        --run-dir "$T/$_h" --stderr "$@" < /dev/null >> "$T/$_h/log" 2>&1 &
    host_pid=$!
    track_pid "$host_pid"
    echo "$host_pid" > "$T/$_h/pid"
    _line=
    read -r _line <&8 || :
    exec 8<&-
    bg_wait "$_npid" 5000
    case $_line in
    READY=1*) ;;
    *)
        echo "---- log of ldlmd $_h ----" >&2
        cat "$T/$_h/log" >&2
        fail "ldlmd $_h did not report ready (got '$_line')"
        ;;
    esac
}

host_stop() {
    _p=$(host_pid "$1")
    kill -TERM "$_p" 2> /dev/null || :
    wait_pid "$_p" 20000 || fail "ldlmd $1 (pid $_p) did not stop within 20 s"
    host_status=0
    wait "$_p" || host_status=$?
    check_host_log "$1"
}

host_kill() {
    _p=$(host_pid "$1")
    kill -KILL "$_p" 2> /dev/null || :
    wait_pid "$_p" 20000 || fail "ldlmd $1 (pid $_p) survived SIGKILL"
    wait "$_p" 2> /dev/null || :
}

check_host_log() {
    if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' \
        "$T/$1/log"; then
        cat "$T/$1/log" >&2
        fail "sanitizer report in the log of ldlmd $1"
    fi
}

session_proc() {
    sleep 3600 < /dev/null > /dev/null 2>&1 &
    proc=$!
    track_pid "$proc"
}

acquire() {
    _h=$1
    _pid=$2
    shift 2
    acq_status=0
    token=$(timeout -k 5 60 "$AGENT" acquire "$(host_sock "$_h")" \
        --pid "$_pid" "$@" 2> "$T/acq.err") || acq_status=$?
}

slot_free() {
    timeout -k 5 60 "$LDLM" try-lock "$1" --size "$2" --quiet \
        < /dev/null > /dev/null 2> "$T/probe.err"
    _rc=$?
    case $_rc in
    0) return 0 ;;
    1) return 1 ;;
    *) fail "probing $1 on the server: exit $_rc: $(cat "$T/probe.err")" ;;
    esac
}

wait_slot_free() {
    _deadline=$(($(now_ms) + $3))
    until slot_free "$1" "$2"; do
        [ "$(now_ms)" -lt "$_deadline" ] ||
            fail "no slot of $1 became free within $3 ms"
        sleep 0.05 # the server has no event to wait on from here
    done
}
