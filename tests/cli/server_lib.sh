# SPDX-License-Identifier: MIT
# server_lib.sh - for the ldlm(1) tests that need the real LDLM server.
# Source it instead of lib.sh. Skips the test (exit 77, with the reason)
# when the server is not installed.
#
#   start_server [FLAGS]   starts a private server; exports LDLM_SERVER
#   hold SLOT NAME [ARGS]  `ldlm lock NAME ARGS` in the background with its
#                          stdin a FIFO, whose end of file is controlled
#                          through fd SLOT (3..9, see below); waits (<= 30 s,
#                          give --wait N with N < 30) for the key; sets
#                          $key; 0 if the lock was taken. Pass --size etc.
#   holder_pid SLOT        pid of that holder
#   release SLOT           ends its stdin (ldlm unlocks and exits); sets
#                          $holder_status; fails the test if it hangs
#   wait_server_log ERE N  waits (<= 20 s) until the server's log has N
#                          lines matching ERE
#   wait_line FIFO         reads one line from FIFO, waiting at most 20 s
#   bg_wait PID [MS]       waits (bounded) for a background job; sets
#                          $bg_status
. "$LDLM_TEST_SRCDIR/tests/cli/lib.sh"
. "$LDLM_TEST_SRCDIR/tests/harness/server.sh"
ldlm_srv_require
need_test_tool

start_server() {
    ldlm_srv_start "$@" || fail "cannot start the LDLM server"
    LDLM_SERVER=$LDLM_SRV_ADDR
    export LDLM_SERVER
}

# Why the holder's stdin is not simply a FIFO whose write end this shell
# keeps on fd SLOT: every job started afterwards (the next holder, a waiting
# `ldlm run`, a restarted server) would inherit that write end, sh has no
# close-on-exec, and the holder never sees end of file while any of them
# lives; the test then hangs in `release`. So this shell never opens the
# holder's stdin: a process of its own (the writer) has the only write end,
# and fd SLOT is a control FIFO to it. `release` sends it a line, which
# stray copies of fd SLOT in other processes cannot hold back (unlike end
# of file); the writer exits, and the holder reads end of file.
hold() {
    _slot=$1
    shift
    rm -f "$T/h$_slot.in" "$T/h$_slot.out" "$T/h$_slot.ctl"
    mkfifo "$T/h$_slot.in" "$T/h$_slot.out" "$T/h$_slot.ctl" ||
        fail "mkfifo failed"
    "$LDLM" lock "$@" < "$T/h$_slot.in" > "$T/h$_slot.out" \
        2> "$T/h$_slot.err" &
    eval "_holder_pid_$_slot=$!"
    track_pid "$!"
    (read -r _line < "$T/h$_slot.ctl") > "$T/h$_slot.in" &
    eval "_writer_pid_$_slot=$!"
    track_pid "$!"
    # The opens rendezvous with the background jobs' redirections.
    eval "exec $_slot> \"\$T/h\$_slot.ctl\""
    # Bounded even if ldlm neither prints a key nor exits (its --wait
    # should end it sooner).
    key=$(timeout -k 2 30 head -n 1 "$T/h$_slot.out") || :
    [ -n "$key" ]
}

holder_pid() {
    eval "printf '%s\n' \"\$_holder_pid_$1\""
}

# Pids of the processes that have FILE open, for a diagnosis (Linux).
_open_by() {
    for _fd_dir in /proc/[0-9]*/fd; do
        if ls -l "$_fd_dir" 2> /dev/null | grep -qF -- "$1"; then
            _p=${_fd_dir#/proc/}
            printf '%s (%s) ' "${_p%/fd}" \
                "$(tr '\0' ' ' < "/proc/${_p%/fd}/cmdline" 2> /dev/null)"
        fi
    done
}

release() {
    _pid=$(holder_pid "$1")
    _writer=$(eval "printf '%s\n' \"\$_writer_pid_$1\"")
    # In a subshell: were the writer gone, SIGPIPE would end only that.
    (eval "printf 'release\n' >&$1") 2> /dev/null || :
    eval "exec $1>&-"
    wait_pid "$_writer" 20000 ||
        fail "the writer of slot $1 (pid $_writer) did not end within 20 s"
    wait "$_writer" 2> /dev/null || :
    wait_pid "$_pid" 20000 ||
        fail "holder pid $_pid did not end within 20 s of the end of its" \
            "stdin, still open in: $(_open_by "$T/h$1.in")"
    holder_status=0
    wait "$_pid" || holder_status=$?
}

wait_server_log() {
    _deadline=$(($(now_ms) + 20000))
    while [ "$(grep -cE -- "$1" "$LDLM_SRV_LOG")" -lt "$2" ]; do
        [ "$(now_ms)" -lt "$_deadline" ] ||
            fail "the server's log has no $2 lines matching /$1/ after 20 s"
        sleep 0.05 # polling a file: there is no event to wait on
    done
}

wait_line() {
    timeout -k 2 20 head -n 1 "$1" ||
        fail "nothing arrived on $1 within 20 s"
}

bg_wait() {
    wait_pid "$1" "${2:-30000}" ||
        fail "pid $1 did not end within ${2:-30000} ms"
    bg_status=0
    wait "$1" || bg_status=$?
}
