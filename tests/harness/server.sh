# SPDX-License-Identifier: MIT
# server.sh - run the real LDLM server from shell tests. Source it (POSIX sh).
#
# Usage, in a test run by `make check` (tests/local.mk exports LDLM_TEST_SRCDIR,
# LDLM_TEST_BUILDDIR, LDLM_TEST_CACHE and LDLM_SERVER_BIN):
#
#   . "$LDLM_TEST_SRCDIR/tests/harness/server.sh"
#   ldlm_srv_require              # no server binary: prints
#                                 # "SKIP: LDLM server unavailable: <why>", exit 77
#   ldlm_srv_trap_cleanup         # on EXIT/INT/TERM/HUP: stop server, remove dir
#   ldlm_srv_certs || exit 1      # optional: TLS material (variables below)
#   ldlm_srv_start --password s3cret || exit 1
#   my-client --address "$LDLM_SRV_ADDR" ...
#   ldlm_srv_restart || exit 1    # same port, same flags
#
# Functions (each returns 0, or 1 after explaining on stderr; all waits are
# bounded; the server is controlled by pid only):
#   ldlm_srv_require          skip the test (exit 77) unless the server exists
#   ldlm_srv_start [FLAG...]  start on a free port with its own IPC socket:
#                               SERVER --listen_address ADDR
#                                      --ipc_socket_file DIR/ipc.sock
#                                      --log_level info FLAG...
#                             and wait (<= 15 s) until it accepts TCP
#                             connections. The port is chosen by the first
#                             start and kept by later ones.
#   ldlm_srv_stop             SIGTERM, SIGKILL after 10 s; wait for the exit
#   ldlm_srv_kill             SIGKILL (no clean shutdown)
#   ldlm_srv_pause            SIGSTOP, returns once the process is stopped
#   ldlm_srv_resume           SIGCONT
#   ldlm_srv_restart          stop if running, start again, same port/flags
#   ldlm_srv_certs            TLS files into $LDLM_SRV_DIR/certs (openssl)
#   ldlm_srv_log_tail [N]     print the last N (30) lines of the server log
#   ldlm_srv_cleanup          stop the server and remove $LDLM_SRV_DIR
#   ldlm_srv_trap_cleanup     install ldlm_srv_cleanup as EXIT trap (and make
#                             INT/TERM/HUP exit so that it runs)
#
# Variables:
#   LDLM_SRV_HOST     listen host, default 127.0.0.1; set "::1" before the
#                     first start for IPv6 (ldlm_srv_have_ipv6 tells if the
#                     machine has it)
#   LDLM_SRV_ADDR     address to dial: 127.0.0.1:PORT or [::1]:PORT
#   LDLM_SRV_PORT     the port
#   LDLM_SRV_PID      pid of the running server, empty when none
#   LDLM_SRV_DIR      private temp dir (created on first use)
#   LDLM_SRV_LOG      server stdout+stderr, appended by every start
#   LDLM_SRV_IPC      IPC socket path
#   LDLM_SRV_STATE_FILE  a path for --state_file (not passed unless you do)
#   after ldlm_srv_certs: LDLM_SRV_CA, LDLM_SRV_SERVER_CERT,
#     LDLM_SRV_SERVER_KEY (for 127.0.0.1, ::1, localhost),
#     LDLM_SRV_WRONG_NAME_CERT, LDLM_SRV_WRONG_NAME_KEY (wrong.example, same
#     CA), LDLM_SRV_OTHER_CA (unrelated CA), LDLM_SRV_CLIENT_CERT,
#     LDLM_SRV_CLIENT_KEY (client certificate from LDLM_SRV_CA)
#
# Do not call ldlm_srv_start in a subshell ($(...), pipelines): the server
# must be a child of the test's own shell so that it can be waited for.
# Safe under `set -eu`.

LDLM_SRV_HOST=${LDLM_SRV_HOST:-127.0.0.1}
LDLM_SRV_ADDR=
LDLM_SRV_PORT=
LDLM_SRV_PID=
LDLM_SRV_DIR=
LDLM_SRV_LOG=
LDLM_SRV_IPC=
LDLM_SRV_STATE_FILE=
_ldlm_srv_flags=

_ldlm_srv_cache() {
    printf '%s\n' "${LDLM_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libldlm-test}"
}

_ldlm_srv_bin() {
    printf '%s\n' "${LDLM_SERVER_BIN:-$(_ldlm_srv_cache)/server/bin/server}"
}

_ldlm_srv_tool() {
    printf '%s\n' "${LDLM_TEST_BUILDDIR:-.}/tests/harness/ldlm_test_tool"
}

_ldlm_srv_err() {
    echo "server.sh: $*" >&2
}

# Returns when the server binary is there. Otherwise skips (exit 77) on a
# developer's machine, and fails (exit 1) under CI=true, where a skip would
# hide that nothing ran.
ldlm_srv_require() {
    _ldlm_srv_b=$(_ldlm_srv_bin)
    [ -x "$_ldlm_srv_b" ] && return 0
    _ldlm_srv_e=$(_ldlm_srv_cache)/server/install-error.txt
    if [ "${CI:-}" = true ]; then
        _ldlm_srv_head="FAIL: LDLM server unavailable (CI=true, so this fails rather than skips):"
        _ldlm_srv_rc=1
    else
        _ldlm_srv_head="SKIP: LDLM server unavailable (a developer's machine only; under CI=true this fails):"
        _ldlm_srv_rc=77
    fi
    if [ -s "$_ldlm_srv_e" ]; then
        echo "$_ldlm_srv_head $(head -n 10 "$_ldlm_srv_e")"
    else
        echo "$_ldlm_srv_head $_ldlm_srv_b is not executable" \
            "and $_ldlm_srv_e does not exist; run tests/harness/install-server.sh"
    fi
    exit "$_ldlm_srv_rc"
}

ldlm_srv_have_ipv6() {
    "$(_ldlm_srv_tool)" have-ipv6
}

# Creates the private dir and the paths in it (once).
_ldlm_srv_init() {
    [ -n "$LDLM_SRV_DIR" ] && return 0
    _ldlm_srv_root=${TMPDIR:-/tmp}
    # The IPC socket path must fit in sun_path (108 bytes).
    case $_ldlm_srv_root in
    /*) [ ${#_ldlm_srv_root} -lt 64 ] || _ldlm_srv_root=/tmp ;;
    *) _ldlm_srv_root=/tmp ;;
    esac
    LDLM_SRV_DIR=$(mktemp -d "$_ldlm_srv_root/ldlm-test.XXXXXX") || {
        _ldlm_srv_err "mktemp -d failed"
        LDLM_SRV_DIR=
        return 1
    }
    LDLM_SRV_LOG=$LDLM_SRV_DIR/server.log
    LDLM_SRV_IPC=$LDLM_SRV_DIR/ipc.sock
    LDLM_SRV_STATE_FILE=$LDLM_SRV_DIR/state.json
    : > "$LDLM_SRV_LOG"
}

# Prints its arguments single-quoted, ready for eval "set -- ...".
_ldlm_srv_quote() {
    for _ldlm_srv_a in "$@"; do
        printf "'%s' " "$(printf '%s' "$_ldlm_srv_a" | sed "s/'/'\\\\''/g")"
    done
}

ldlm_srv_log_tail() {
    [ -n "$LDLM_SRV_LOG" ] && [ -f "$LDLM_SRV_LOG" ] || return 0
    echo "---- last ${1:-30} lines of $LDLM_SRV_LOG ----" >&2
    tail -n "${1:-30}" "$LDLM_SRV_LOG" >&2
    echo "---- end of log ----" >&2
}

# Runs the server with the saved flags until it accepts connections.
_ldlm_srv_launch() {
    _ldlm_srv_b=$(_ldlm_srv_bin)
    _ldlm_srv_t=$(_ldlm_srv_tool)
    if [ ! -x "$_ldlm_srv_t" ]; then
        _ldlm_srv_err "$_ldlm_srv_t is missing (built by make check)"
        return 1
    fi
    # Never let the server outlive a test that dies: setpriv execs the
    # server (same pid) with a parent-death signal, when available.
    _ldlm_srv_wrap=
    if command -v setpriv > /dev/null 2>&1 &&
        setpriv --pdeathsig KILL true > /dev/null 2>&1; then
        _ldlm_srv_wrap="setpriv --pdeathsig KILL"
    fi
    _ldlm_srv_fixed=$LDLM_SRV_PORT
    _ldlm_srv_attempt=0
    _ldlm_srv_busy_until=$(($(date +%s) + 5))
    while :; do
        _ldlm_srv_attempt=$((_ldlm_srv_attempt + 1))
        if [ -z "$_ldlm_srv_fixed" ]; then
            LDLM_SRV_PORT=$("$_ldlm_srv_t" free-port "$LDLM_SRV_HOST") || return 1
        fi
        case $LDLM_SRV_HOST in
        *:*) LDLM_SRV_ADDR="[$LDLM_SRV_HOST]:$LDLM_SRV_PORT" ;;
        *) LDLM_SRV_ADDR="$LDLM_SRV_HOST:$LDLM_SRV_PORT" ;;
        esac
        # A socket left by a killed server would make the new one fail.
        rm -f "$LDLM_SRV_IPC"
        _ldlm_srv_loglines=$(wc -l < "$LDLM_SRV_LOG")
        eval "set -- $_ldlm_srv_flags"
        echo "==== harness: starting $_ldlm_srv_b --listen_address $LDLM_SRV_ADDR" \
            "--ipc_socket_file $LDLM_SRV_IPC --log_level info $*" >> "$LDLM_SRV_LOG"
        $_ldlm_srv_wrap "$_ldlm_srv_b" --listen_address "$LDLM_SRV_ADDR" \
            --ipc_socket_file "$LDLM_SRV_IPC" --log_level info "$@" \
            < /dev/null >> "$LDLM_SRV_LOG" 2>&1 &
        LDLM_SRV_PID=$!
        _ldlm_srv_rc=0
        "$_ldlm_srv_t" wait-ready "$LDLM_SRV_HOST" "$LDLM_SRV_PORT" \
            "$LDLM_SRV_PID" 15000 || _ldlm_srv_rc=$?
        case $_ldlm_srv_rc in
        0)
            return 0
            ;;
        1)
            _ldlm_srv_status=0
            wait "$LDLM_SRV_PID" || _ldlm_srv_status=$?
            LDLM_SRV_PID=
            if tail -n "+$((_ldlm_srv_loglines + 1))" "$LDLM_SRV_LOG" |
                grep -q "address already in use"; then
                if [ -z "$_ldlm_srv_fixed" ] && [ "$_ldlm_srv_attempt" -lt 5 ]; then
                    _ldlm_srv_err "port $LDLM_SRV_PORT was taken meanwhile, trying another"
                    continue
                fi
                if [ -n "$_ldlm_srv_fixed" ] &&
                    [ "$(date +%s)" -lt "$_ldlm_srv_busy_until" ]; then
                    sleep 0.2
                    continue
                fi
            fi
            _ldlm_srv_err "the server exited (status $_ldlm_srv_status) before" \
                "accepting connections on $LDLM_SRV_ADDR"
            ldlm_srv_log_tail
            return 1
            ;;
        *)
            _ldlm_srv_err "the server did not accept connections on" \
                "$LDLM_SRV_ADDR within 15 s"
            ldlm_srv_log_tail
            ldlm_srv_kill
            return 1
            ;;
        esac
    done
}

ldlm_srv_start() {
    _ldlm_srv_init || return 1
    if [ -n "$LDLM_SRV_PID" ]; then
        _ldlm_srv_err "a server is already running (pid $LDLM_SRV_PID)"
        return 1
    fi
    _ldlm_srv_flags=$(_ldlm_srv_quote "$@")
    _ldlm_srv_launch
}

ldlm_srv_stop() {
    [ -n "$LDLM_SRV_PID" ] || return 0
    kill -TERM "$LDLM_SRV_PID" 2> /dev/null || :
    # A paused server handles SIGTERM only once resumed.
    kill -CONT "$LDLM_SRV_PID" 2> /dev/null || :
    _ldlm_srv_rc=0
    "$(_ldlm_srv_tool)" wait-exit "$LDLM_SRV_PID" 10000 || _ldlm_srv_rc=$?
    if [ "$_ldlm_srv_rc" -ne 0 ]; then
        _ldlm_srv_err "server pid $LDLM_SRV_PID ignored SIGTERM for 10 s, sending SIGKILL"
        kill -KILL "$LDLM_SRV_PID" 2> /dev/null || :
    fi
    wait "$LDLM_SRV_PID" 2> /dev/null || :
    LDLM_SRV_PID=
}

ldlm_srv_kill() {
    [ -n "$LDLM_SRV_PID" ] || return 0
    kill -KILL "$LDLM_SRV_PID" 2> /dev/null || :
    wait "$LDLM_SRV_PID" 2> /dev/null || :
    LDLM_SRV_PID=
}

ldlm_srv_pause() {
    if [ -z "$LDLM_SRV_PID" ]; then
        _ldlm_srv_err "pause: no running server"
        return 1
    fi
    kill -STOP "$LDLM_SRV_PID" || return 1
    "$(_ldlm_srv_tool)" wait-stopped "$LDLM_SRV_PID" 10000 || {
        _ldlm_srv_err "server pid $LDLM_SRV_PID did not stop after SIGSTOP"
        return 1
    }
}

ldlm_srv_resume() {
    if [ -z "$LDLM_SRV_PID" ]; then
        _ldlm_srv_err "resume: no server"
        return 1
    fi
    kill -CONT "$LDLM_SRV_PID"
}

ldlm_srv_restart() {
    if [ -z "$LDLM_SRV_PORT" ]; then
        _ldlm_srv_err "restart of a server that was never started"
        return 1
    fi
    ldlm_srv_stop
    _ldlm_srv_launch
}

ldlm_srv_certs() {
    _ldlm_srv_init || return 1
    _ldlm_srv_c=$LDLM_SRV_DIR/certs
    timeout -k 5 60 /bin/sh "${LDLM_TEST_SRCDIR:-.}/tests/harness/gen-certs.sh" \
        "$_ldlm_srv_c" || {
        _ldlm_srv_err "generating TLS material in $_ldlm_srv_c failed"
        return 1
    }
    LDLM_SRV_CA=$_ldlm_srv_c/ca.pem
    LDLM_SRV_SERVER_CERT=$_ldlm_srv_c/server.pem
    LDLM_SRV_SERVER_KEY=$_ldlm_srv_c/server.key
    LDLM_SRV_WRONG_NAME_CERT=$_ldlm_srv_c/wrong-name.pem
    LDLM_SRV_WRONG_NAME_KEY=$_ldlm_srv_c/wrong-name.key
    LDLM_SRV_OTHER_CA=$_ldlm_srv_c/other-ca.pem
    LDLM_SRV_CLIENT_CERT=$_ldlm_srv_c/client.pem
    LDLM_SRV_CLIENT_KEY=$_ldlm_srv_c/client.key
}

ldlm_srv_cleanup() {
    ldlm_srv_stop
    if [ -n "$LDLM_SRV_DIR" ]; then
        rm -rf "$LDLM_SRV_DIR"
        LDLM_SRV_DIR=
    fi
}

ldlm_srv_trap_cleanup() {
    trap ldlm_srv_cleanup EXIT
    trap 'exit 129' HUP
    trap 'exit 130' INT
    trap 'exit 143' TERM
}
