# SPDX-License-Identifier: MIT
# server_ctl.sh - the real LDLM server under the fault harness's control,
# through tests/harness/server.sh (so that it is started, stopped, paused
# and killed exactly as every other test does it, by pid, on a port of its
# own). Run by harness.py, which writes one command a line on our stdin and
# reads one answer a line on our stdout:
#
#   start [FLAG...]   start the server (the port is chosen once and kept)
#                     -> "ok PID ADDRESS" or "error ..."
#   kill              SIGKILL (no clean shutdown)             -> "ok"
#   pause | resume    SIGSTOP (returns once stopped) / SIGCONT -> "ok"
#   stop              SIGTERM, SIGKILL after 10 s              -> "ok"
#   rmstate           remove the state file                   -> "ok"
#   statefile         -> "ok PATH" (the path for --state_file)
#   quit              stop the server, remove its dir, exit
#
# Runs in the harness's server network namespace when there is one
# (LDLM_SRV_HOST is then the address of that namespace). On end of input,
# or a signal, it cleans up as `quit` does: a harness that dies leaves no
# server behind (and the server has a parent-death signal as well).
. "${LDLM_TEST_SRCDIR:?}/tests/harness/server.sh"
ldlm_srv_require
ldlm_srv_trap_cleanup

answer() {
    printf '%s\n' "$*"
}

# server.sh's functions print their diagnostics on stderr: they go to the
# harness's log, not into the answers.
while read -r cmd args; do
    case $cmd in
    start)
        # shellcheck disable=SC2086 # flags are words without blanks
        if ldlm_srv_start $args 2>&2; then
            answer "ok $LDLM_SRV_PID $LDLM_SRV_ADDR"
        else
            answer "error the server did not start (see the log)"
        fi
        ;;
    kill)
        ldlm_srv_kill
        answer ok
        ;;
    pause)
        if ldlm_srv_pause; then answer ok; else answer "error pause"; fi
        ;;
    resume)
        if ldlm_srv_resume; then answer ok; else answer "error resume"; fi
        ;;
    stop)
        ldlm_srv_stop
        answer ok
        ;;
    rmstate)
        [ -n "$LDLM_SRV_STATE_FILE" ] && rm -f "$LDLM_SRV_STATE_FILE"
        answer ok
        ;;
    statefile)
        _ldlm_srv_init && answer "ok $LDLM_SRV_STATE_FILE"
        ;;
    log)
        answer "ok $LDLM_SRV_LOG"
        ;;
    quit)
        break
        ;;
    *)
        answer "error unknown command $cmd"
        ;;
    esac
done
exit 0
