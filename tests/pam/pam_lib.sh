# SPDX-License-Identifier: MIT
# pam_lib.sh - shared by the pam_ldlm shell tests (bash; source it).
#
# Each test gets a private directory with its own user and group databases
# (served by nss_wrapper), its own PAM service files (read by libpam through
# pam_wrapper) naming the freshly built module by absolute path, and config
# files. Logins are made by tests/pam/pam_driver, one process per login, as
# separate hosts would: either run to completion (pamt_run) or held open
# (pamt_hold) and ended later (pamt_release, pamt_kill9).
#
#   . "$LDLM_TEST_SRCDIR/tests/pam/pam_lib.sh"
#   pamt_init                       # temp dir, cleanup trap, default users
#   pamt_service svc max_sessions=2 server=127.0.0.1:$port
#   pamt_run svc alice              # -> $PAMT_OUT, $PAMT_ERR, status
#   pamt_expect_code ACCOUNT PAM_SUCCESS
#   pamt_expect_log 'denied user=alice'
#
# Everything started is stopped by pid and everything written is removed
# when the test exits, whatever the reason.

if [ -z "${BASH_VERSION:-}" ]; then
    echo "pam_lib.sh needs bash" >&2
    exit 1
fi

: "${LDLM_TEST_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${LDLM_TEST_BUILDDIR:=$PWD}"
PAMT_MODULE=$LDLM_TEST_BUILDDIR/pam_ldlm/.libs/pam_ldlm.so
PAMT_DRIVER=$LDLM_TEST_BUILDDIR/tests/pam/pam_driver
PAMT_TOOL=$LDLM_TEST_BUILDDIR/tests/harness/ldlm_test_tool
PAMT_TEST=$(basename "$0" .sh)
. "$LDLM_TEST_SRCDIR/tests/harness/cwrap.sh"

PAMT_DIR=
PAMT_OUT=
PAMT_ERR=
PAMT_STATUS=
declare -A PAMT_HOLD_PID=() PAMT_HOLD_IN=() PAMT_HOLD_OUTFD=()
declare -a PAMT_CLEANUP_HOOKS=()

pamt_log() {
    printf '%s: %s\n' "$PAMT_TEST" "$*"
}

# Prints what the last run said, then fails the test.
pamt_fail() {
    printf '%s: FAIL: %s\n' "$PAMT_TEST" "$*" >&2
    if [ -n "$PAMT_OUT" ] || [ -n "$PAMT_ERR" ]; then
        printf -- '---- driver stdout ----\n%s\n---- driver stderr ----\n%s\n----\n' \
            "$PAMT_OUT" "$PAMT_ERR" >&2
    fi
    exit 1
}

# Path of a wrapper library: from make check's environment, else pkg-config.
_pamt_wrapper_lib() {
    ldlm_cwrap_lib "$1" "$2" && return 0
    echo "$PAMT_TEST: $2 library not found ($1='${!1:-}')" >&2
    return 1
}

pamt_init() {
    PAMT_PAM_WRAPPER=$(_pamt_wrapper_lib LDLM_TEST_PAM_WRAPPER pam_wrapper) || exit 1
    PAMT_NSS_WRAPPER=$(_pamt_wrapper_lib LDLM_TEST_NSS_WRAPPER nss_wrapper) || exit 1
    local f
    for f in "$PAMT_MODULE" "$PAMT_DRIVER" "$PAMT_TOOL"; do
        [ -e "$f" ] || { echo "$PAMT_TEST: $f is missing (make check builds it)" >&2; exit 1; }
    done
    # Sanitizer builds: the ASan runtime must be preloaded first.
    PAMT_ASAN=$(ldlm_asan_runtime "$PAMT_MODULE")
    PAMT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/pam-ldlm-$PAMT_TEST.XXXXXX") || exit 1
    chmod 755 "$PAMT_DIR"
    mkdir "$PAMT_DIR/services"
    touch "$PAMT_DIR/.started"
    trap pamt_cleanup EXIT
    trap 'exit 129' HUP
    trap 'exit 130' INT
    trap 'exit 143' TERM
    # libpam falls back to the "other" service for unknown names.
    printf 'account required pam_deny.so\nsession required pam_deny.so\n' \
        > "$PAMT_DIR/services/other"
    pamt_users_default
    _pamt_set_env
}

# Users and groups that exist only in this test.
pamt_users_default() {
    cat > "$PAMT_DIR/passwd" << 'EOF'
root:x:0:0:root:/root:/bin/sh
toor:x:0:0:second uid 0:/root:/bin/sh
alice:x:1001:1001::/home/alice:/bin/sh
bob:x:1002:1002::/home/bob:/bin/sh
carol:x:1003:1003::/home/carol:/bin/sh
dave:x:1004:2001:primary group staff:/home/dave:/bin/sh
erin:x:1005:1005::/home/erin:/bin/sh
frank:x:1006:1006::/home/frank:/bin/sh
EOF
    cat > "$PAMT_DIR/group" << 'EOF'
root:x:0:
alice:x:1001:
bob:x:1002:
carol:x:1003:
erin:x:1005:
frank:x:1006:
staff:x:2001:erin
ops:x:2002:frank
students:x:2003:alice,bob,frank
admins:x:2004:carol
EOF
}

# Appends a line (raw bytes allowed, via printf %b) to passwd or group.
pamt_add_passwd() { printf '%b\n' "$1" >> "$PAMT_DIR/passwd"; }
pamt_add_group() { printf '%b\n' "$1" >> "$PAMT_DIR/group"; }

# Formats module arguments for a PAM service line: arguments with blanks
# go in [brackets] (PAM's own quoting), with ']' escaped.
_pamt_args() {
    local a out=
    for a in "$@"; do
        case $a in
        *[[:space:]]* | *\[* | *\]*) a="[${a//]/\\]}]" ;;
        esac
        out+=" $a"
    done
    printf '%s' "$out"
}

# pamt_service NAME ARG... : pam_ldlm in the account and session stacks.
pamt_service() {
    local name=$1
    shift
    local args
    args=$(_pamt_args "$@")
    {
        printf 'account required %s%s\n' "$PAMT_MODULE" "$args"
        printf 'session required %s%s\n' "$PAMT_MODULE" "$args"
    } > "$PAMT_DIR/services/$name"
}

# pamt_service_session_only NAME ARG... : a stack without pam_ldlm in
# account (pam_permit there), so that open_session must take the slot.
pamt_service_session_only() {
    local name=$1
    shift
    local args
    args=$(_pamt_args "$@")
    {
        printf 'account required pam_permit.so\n'
        printf 'session required %s%s\n' "$PAMT_MODULE" "$args"
    } > "$PAMT_DIR/services/$name"
}

# pamt_file NAME MODE < content : writes a file in the test dir, prints path.
pamt_file() {
    local path=$PAMT_DIR/$1
    cat > "$path"
    chmod "$2" "$path"
    printf '%s\n' "$path"
}

# A config file with nothing in it but insecure_no_password (the test
# servers run without a password unless a test gives them one), so that no
# test ever reads the machine's /etc/security/pam_ldlm.conf: pass
# "conf=$PAMT_EMPTY_CONF". A test that gives password_file= is not
# affected: with a password, insecure_no_password has no effect.
pamt_empty_conf() {
    PAMT_EMPTY_CONF=$(pamt_file empty.conf 644 << 'CONF'
# the test servers have no password
insecure_no_password
CONF
)
}

# A loopback port where nothing listens (connections are refused).
pamt_closed_port() {
    "$PAMT_TOOL" free-port 127.0.0.1
}

# The environment of every login: "${PAMT_ENV[@]}" COMMAND runs COMMAND
# with the module's test setup. (An env command, not a function, so that a
# login started with & is itself the background process: its pid is the
# driver's.)
_pamt_set_env() {
    PAMT_ENV=(env PAM_WRAPPER=1
        "PAM_WRAPPER_SERVICE_DIR=$PAMT_DIR/services"
        PAM_WRAPPER_USE_SYSLOG=1
        "NSS_WRAPPER_PASSWD=$PAMT_DIR/passwd"
        "NSS_WRAPPER_GROUP=$PAMT_DIR/group"
        "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
        "LD_PRELOAD=${PAMT_ASAN:+$PAMT_ASAN }$PAMT_PAM_WRAPPER $PAMT_NSS_WRAPPER")
}

# pamt_nss_module SO PREFIX : from now on, logins ask the NSS module SO
# (functions _nss_PREFIX_*) after the test's passwd and group files, through
# nss_wrapper's module support.
pamt_nss_module() {
    [ -f "$1" ] || pamt_fail "NSS module $1 is missing (make check builds it)"
    PAMT_ENV+=("NSS_WRAPPER_MODULE_SO_PATH=$1" "NSS_WRAPPER_MODULE_FN_PREFIX=$2")
}

# pamt_run [DRIVER-OPTION...] SERVICE USER : one login, start to end.
# Sets PAMT_OUT (stdout), PAMT_ERR (stderr: syslog lines), PAMT_STATUS.
pamt_run() {
    PAMT_STATUS=0
    timeout -k 5 120 "${PAMT_ENV[@]}" "$PAMT_DRIVER" "$@" \
        > "$PAMT_DIR/run.out" 2> "$PAMT_DIR/run.err" || PAMT_STATUS=$?
    PAMT_OUT=$(cat "$PAMT_DIR/run.out")
    PAMT_ERR=$(cat "$PAMT_DIR/run.err")
    pamt_expect_no_sanitizer_report "$PAMT_DIR/run.err" "pam_driver $*"
    if [ "$PAMT_STATUS" -ge 2 ]; then
        pamt_fail "pam_driver $* exited with status $PAMT_STATUS"
    fi
}

# pamt_expect_no_sanitizer_report FILE WHAT : fails the test when FILE (the
# stderr of a login) has a report of AddressSanitizer, LeakSanitizer or
# UndefinedBehaviorSanitizer. The exit status alone is not enough: UBSan
# without halt_on_error only prints, and a held login's status is read
# after the test has seen the lines it waited for.
pamt_expect_no_sanitizer_report() {
    if grep -q -E -- 'ERROR: (Address|Leak)Sanitizer|: runtime error: |SUMMARY: [A-Za-z]+Sanitizer' "$1" 2> /dev/null; then
        PAMT_ERR=$(cat "$1")
        pamt_fail "$2: sanitizer report on stderr"
    fi
}

# The PAM code of a reported step (ACCOUNT, OPEN_SESSION, ...) of the last
# run, or of the given text.
pamt_code() {
    printf '%s\n' "${2-$PAMT_OUT}" | awk -v s="$1" '$1 == s { print $2; exit }'
}

# Milliseconds a reported step took.
pamt_ms() {
    printf '%s\n' "${2-$PAMT_OUT}" | awk -v s="$1" '$1 == s { print $3; exit }'
}

pamt_expect_code() {
    local got
    got=$(pamt_code "$1")
    [ "$got" = "$2" ] || pamt_fail "$1 returned '${got:-nothing}', expected $2"
}

# The step must not have run at all.
pamt_expect_no_step() {
    [ -z "$(pamt_code "$1")" ] || pamt_fail "$1 ran, but should not have"
}

pamt_expect_out() {
    printf '%s\n' "$PAMT_OUT" | grep -q -E -- "$1" ||
        pamt_fail "no stdout line matches /$1/"
}

pamt_expect_no_out() {
    if printf '%s\n' "$PAMT_OUT" | grep -q -E -- "$1"; then
        pamt_fail "a stdout line matches /$1/, but none should"
    fi
}

pamt_expect_log() {
    printf '%s\n' "$PAMT_ERR" | grep -q -E -- "$1" ||
        pamt_fail "no log line matches /$1/"
}

pamt_expect_no_log() {
    if printf '%s\n' "$PAMT_ERR" | grep -q -E -- "$1"; then
        pamt_fail "a log line matches /$1/, but none should"
    fi
}

# The step must have taken at most MS milliseconds.
pamt_expect_within() {
    local ms
    ms=$(pamt_ms "$1")
    [ -n "$ms" ] || pamt_fail "$1 did not run"
    [ "$ms" -le "$2" ] || pamt_fail "$1 took $ms ms, more than $2 ms"
}

# ---- held logins --------------------------------------------------------

# pamt_start ID [DRIVER-OPTION...] SERVICE USER : starts a login that will
# stay open once admitted; read what it says with pamt_read_until.
pamt_start() {
    local id=$1
    shift
    local in=$PAMT_DIR/hold-$id.in out=$PAMT_DIR/hold-$id.out
    rm -f "$in" "$out"
    mkfifo "$in" "$out"
    "${PAMT_ENV[@]}" "$PAMT_DRIVER" --hold "$@" < "$in" > "$out" \
        2> "$PAMT_DIR/hold-$id.err" &
    PAMT_HOLD_PID[$id]=$!
    local infd outfd
    exec {infd}> "$in"
    exec {outfd}< "$out"
    PAMT_HOLD_IN[$id]=$infd
    PAMT_HOLD_OUTFD[$id]=$outfd
}

# pamt_hold ID [DRIVER-OPTION...] SERVICE USER
# Starts a login that stays open. Returns 0 once the driver reports HOLDING,
# 1 if it finished instead (refused). Either way PAMT_OUT holds what it said
# and PAMT_ERR its log.
pamt_hold() {
    local id=$1
    pamt_start "$@"
    pamt_read_until "$id" '^(HOLDING|END) '
    case $PAMT_LAST_LINE in
    HOLDING*) return 0 ;;
    *)
        _pamt_hold_reap "$id"
        return 1
        ;;
    esac
}

# pamt_read_until ID REGEX : reads the login's next lines into PAMT_OUT until
# one matches (kept in PAMT_LAST_LINE); fails the test after 60 s, or at
# once when the login ends (crashes) without reporting it.
pamt_read_until() {
    local id=$1 pattern=$2 line rc=0
    PAMT_OUT=
    PAMT_LAST_LINE=
    while :; do
        IFS= read -r -t 60 -u "${PAMT_HOLD_OUTFD[$id]}" line || { rc=$?; break; }
        PAMT_OUT+="$line"$'\n'
        if [[ $line =~ $pattern ]]; then
            PAMT_LAST_LINE=$line
            PAMT_ERR=$(cat "$PAMT_DIR/hold-$id.err")
            return 0
        fi
    done
    PAMT_ERR=$(cat "$PAMT_DIR/hold-$id.err")
    pamt_expect_no_sanitizer_report "$PAMT_DIR/hold-$id.err" "login '$id'"
    if [ "$rc" -gt 128 ]; then
        pamt_fail "login '$id' did not report /$pattern/ within 60 s"
    fi
    pamt_fail "login '$id' ended without reporting /$pattern/"
}

# _pamt_hold_reap ID [killed] : waits for the holder's exit and forgets it.
# The driver exits 0 or 1 (a PAM call failed); anything else (a crash, a
# sanitizer's exit code, LeakSanitizer at exit) fails the test, unless the
# test killed it on purpose.
_pamt_hold_reap() {
    local id=$1 pid=${PAMT_HOLD_PID[$1]} how=${2:-}
    local infd=${PAMT_HOLD_IN[$id]} outfd=${PAMT_HOLD_OUTFD[$id]} status=0
    wait "$pid" 2> /dev/null || status=$?
    exec {infd}>&- {outfd}<&-
    PAMT_ERR=$(cat "$PAMT_DIR/hold-$id.err")
    unset "PAMT_HOLD_PID[$id]" "PAMT_HOLD_IN[$id]" "PAMT_HOLD_OUTFD[$id]"
    pamt_expect_no_sanitizer_report "$PAMT_DIR/hold-$id.err" "login '$id'"
    if [ "$how" != killed ] && [ "$status" -ge 2 ]; then
        pamt_fail "login '$id' (pid $pid) exited with status $status"
    fi
}

# The log (stderr) of a held login so far.
pamt_hold_log() {
    cat "$PAMT_DIR/hold-$1.err"
}

# pamt_release ID : ends a held login normally (close_session, pam_end).
pamt_release() {
    local id=$1
    printf '\n' >&"${PAMT_HOLD_IN[$id]}"
    pamt_read_until "$id" '^END '
    _pamt_hold_reap "$id"
}

# pamt_kill9 ID : the login's process dies without any cleanup, as on a
# crash or a host losing power.
pamt_kill9() {
    local id=$1 pid=${PAMT_HOLD_PID[$1]}
    kill -KILL "$pid" 2> /dev/null || :
    _pamt_hold_reap "$id" killed
    _pamt_remove_wrapper_dir_of "$pid"
}

# pam_wrapper keeps a copy of the service dir in /tmp/pam.? per process and
# removes it at exit; a killed process leaves it behind. Remove the one of
# a dead pid we started.
_pamt_remove_wrapper_dir_of() {
    local pid=$1 d
    for d in /tmp/pam.?; do
        [ -f "$d/pid" ] || continue
        if [ "$(cat "$d/pid" 2> /dev/null)" = "$pid" ] && ! kill -0 "$pid" 2> /dev/null; then
            rm -rf "$d"
        fi
    done
}

# Removes pam_wrapper dirs created since this test started whose process is
# gone (processes killed by the test, or by sshd, never ran their cleanup).
pamt_remove_stale_wrapper_dirs() {
    ldlm_remove_stale_pam_wrapper_dirs "$PAMT_DIR/.started"
}

# pamt_stop_pid PID : ends a process this shell started: SIGTERM, SIGKILL
# if it has not ended 10 s later, then reaps it.
pamt_stop_pid() {
    local pid=$1
    kill -TERM "$pid" 2> /dev/null || :
    if ! "$PAMT_TOOL" wait-exit "$pid" 10000 2> /dev/null; then
        kill -KILL "$pid" 2> /dev/null || :
    fi
    wait "$pid" 2> /dev/null || :
}

# Registers a command to run at cleanup (before the temp dir goes).
pamt_on_cleanup() {
    PAMT_CLEANUP_HOOKS+=("$1")
}

pamt_cleanup() {
    local status=$? id pid hook
    trap - EXIT
    for id in "${!PAMT_HOLD_PID[@]}"; do
        pid=${PAMT_HOLD_PID[$id]}
        pamt_stop_pid "$pid"
        _pamt_remove_wrapper_dir_of "$pid"
    done
    for hook in "${PAMT_CLEANUP_HOOKS[@]}"; do
        eval "$hook" || :
    done
    if declare -F ldlm_srv_cleanup > /dev/null; then
        ldlm_srv_cleanup
    fi
    if [ -n "$PAMT_DIR" ] && [ -d "$PAMT_DIR" ]; then
        pamt_remove_stale_wrapper_dirs
        if [ "${PAMT_KEEP_DIR:-0}" = 1 ]; then
            echo "$PAMT_TEST: kept $PAMT_DIR (PAMT_KEEP_DIR=1)" >&2
        else
            rm -rf "$PAMT_DIR"
        fi
    fi
    exit "$status"
}

# ---- waiting on what held logins log ------------------------------------

# pamt_wait_hold_log ID REGEX [SECONDS] : waits (at most SECONDS, default
# 30) until the held login's log has a line matching REGEX (extended regular
# expression). tail -f follows the file with inotify, so each line is seen
# as soon as it is written, with no polling interval.
pamt_wait_hold_log() {
    local id=$1 pattern=$2 seconds=${3:-30} line left fd pid found=
    local deadline=$((SECONDS + seconds))
    exec {fd}< <(exec tail -n +1 -f "$PAMT_DIR/hold-$id.err")
    pid=$!
    while left=$((deadline - SECONDS)) && [ "$left" -gt 0 ]; do
        IFS= read -r -t "$left" -u "$fd" line || break
        if [[ $line =~ $pattern ]]; then
            found=1
            break
        fi
    done
    kill "$pid" 2> /dev/null || :
    exec {fd}<&-
    wait "$pid" 2> /dev/null || :
    [ -n "$found" ] && return 0
    PAMT_ERR=$(cat "$PAMT_DIR/hold-$id.err")
    PAMT_OUT=
    pamt_fail "login '$id' did not log /$pattern/ within $seconds s"
}

# pamt_hold_eventually ID SECONDS [DRIVER-OPTION...] SERVICE USER : retries a
# held login until admitted, for slots that the server frees only once it
# has noticed a dead client. Each refused attempt is a complete login that
# ends at once, so the attempts do not hold anything.
pamt_hold_eventually() {
    local id=$1 seconds=$2 deadline
    shift 2
    deadline=$((SECONDS + seconds))
    while :; do
        pamt_hold "$id" "$@" && return 0
        [ "$SECONDS" -lt "$deadline" ] ||
            pamt_fail "login '$id' still refused after $seconds s"
        sleep 0.2
    done
}

# The server is needed: skip (77) when it could not be installed. Sources
# tests/harness/server.sh (start the server with ldlm_srv_start; pamt_cleanup
# stops it). Call before pamt_init.
pamt_require_server() {
    . "$LDLM_TEST_SRCDIR/tests/harness/server.sh"
    ldlm_srv_require
}

# The start of most tests against the real server: pamt_require_server,
# pamt_init, pamt_empty_conf, then an LDLM server started (LDLM_SRV_ADDR).
pamt_init_with_server() {
    pamt_require_server
    pamt_init
    pamt_empty_conf
    ldlm_srv_start || pamt_fail "the LDLM server did not start"
}
