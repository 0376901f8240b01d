# server_lib.sh - for the ldlm(1) tests that need the real LDLM server.
# Source it instead of lib.sh. Skips the test (exit 77, with the reason)
# when the server is not installed.
#
#   start_server [FLAGS]   starts a private server; exports LDLM_SERVER
#   hold SLOT NAME [ARGS]  `ldlm lock NAME ARGS` in the background with its
#                          stdin a FIFO held open on fd SLOT (3..9); waits
#                          for the key (give --wait N to bound it); sets
#                          $key; 0 if the lock was taken. Pass --size etc.
#   holder_pid SLOT        pid of that holder
#   release SLOT           closes its stdin (ldlm unlocks and exits); sets
#                          $holder_status; fails the test if it hangs
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

hold() {
    _slot=$1
    shift
    rm -f "$T/h$_slot.in" "$T/h$_slot.out"
    mkfifo "$T/h$_slot.in" "$T/h$_slot.out" || fail "mkfifo failed"
    "$LDLM" lock "$@" < "$T/h$_slot.in" > "$T/h$_slot.out" \
        2> "$T/h$_slot.err" &
    eval "_holder_pid_$_slot=$!"
    track_pid "$!"
    # Both opens rendezvous with the background job's redirections.
    eval "exec $_slot> \"\$T/h\$_slot.in\""
    key=
    IFS= read -r key < "$T/h$_slot.out" || :
    [ -n "$key" ]
}

holder_pid() {
    eval "printf '%s\n' \"\$_holder_pid_$1\""
}

release() {
    _pid=$(holder_pid "$1")
    eval "exec $1>&-"
    bg_wait "$_pid" 20000
    holder_status=$bg_status
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
