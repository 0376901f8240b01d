#!/bin/sh
# SPDX-License-Identifier: MIT
# A long-lived PAM host (crond, sshd's listener, a display manager) runs
# many logins in one process against the real server: tests/pam/long_lived
# checks that threads, descriptors and memory stay flat, that library
# threads block signals and never run the host's handlers, and that gRPC's
# log level stays the host's; this script serves its logins, makes the
# server unreachable when asked (stopped, then paused), and checks that
# nothing was printed on the host's stderr.
#
# LDLM_LONG_LIVED_CYCLES sets the number of logins (default 2000 here; the
# issue's figure is 10000), LDLM_LONG_LIVED_ARGS adds options of the
# program to that run. A second, shorter run
# (LDLM_LONG_LIVED_HOST_CYCLES) has the host load and set up gRPC's logging
# itself before the first login.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_require_server
pamt_init
pamt_empty_conf
cycles=${LDLM_LONG_LIVED_CYCLES:-2000}
host_cycles=${LDLM_LONG_LIVED_HOST_CYCLES:-1000}
program=$LDLM_TEST_BUILDDIR/tests/pam/long_lived
backend=$LDLM_TEST_BUILDDIR/pam_ldlm/.libs/pam_ldlm_slots.so
[ -x "$program" ] || pamt_fail "$program is missing (make check builds it)"
grpc=$(ldd "$backend" | sed -n 's/^[[:space:]]*libgrpc\.so[^ ]* => \([^ ]*\) .*/\1/p')
[ -n "$grpc" ] || pamt_fail "cannot tell which libgrpc $backend uses"

password=(insecure_no_password)
secret=
if [ "$(id -u)" = 0 ]; then
    # Root-owned password files are only possible as root.
    secret=Ll-$$-secret
    password=("password_file=$(printf '%s\n' "$secret" | pamt_file ll.pw 600)")
fi
ldlm_srv_start ${secret:+--password "$secret"} ||
    pamt_fail "the LDLM server did not start"
closed=$(pamt_closed_port) || pamt_fail "no free port"

common=("conf=$PAMT_EMPTY_CONF" "${password[@]}" max_sessions=2
    deny_message=LL-FULL error_message=LL-ERROR)
# timeout=3: a healthy server on a loaded machine answers well within it.
pamt_service ll mode=direct "${common[@]}" "server=$LDLM_SRV_ADDR" timeout=3 on_error=deny
# The same lock for bob's holders (other hosts), with libldlm's lines in
# their logs: they say when the slots are taken back after the outage.
pamt_service ll-hold mode=direct "${common[@]}" "server=$LDLM_SRV_ADDR" timeout=3 \
    on_error=deny debug
# max_retries=0: a refused connection is an error at once, not after
# timeout= seconds of retries.
pamt_service ll-down mode=direct "${common[@]}" "server=127.0.0.1:$closed" timeout=1 \
    max_retries=0 on_error=deny
pamt_service ll-allow mode=direct "${common[@]}" "server=127.0.0.1:$closed" timeout=1 \
    max_retries=0 on_error=allow debug

pamt_hold bob1 ll-hold bob || pamt_fail "bob's first session was refused"
pamt_hold bob2 ll-hold bob || pamt_fail "bob's second session was refused"

# After a restart the server has no locks: bob's holders take theirs back
# (libldlm re-acquires locks lost with the connection); until both have,
# bob's logins are not refused yet.
wait_bob_held_again() {
    wait_log_count bob1 're-acquired' "$reacquired1"
    wait_log_count bob2 're-acquired' "$reacquired2"
}

# log_count ID REGEX : lines of a held login's log that match.
log_count() {
    grep -c -E -- "$2" "$PAMT_DIR/hold-$1.err" || :
}

# wait_log_count ID REGEX N : waits (at most 30 s) until more than N lines of
# the held login's log match REGEX; tail -f follows the file as it grows.
wait_log_count() {
    local id=$1 pattern=$2 seen=0 line fd pid left deadline=$((SECONDS + 30))
    exec {fd}< <(exec tail -n +1 -f "$PAMT_DIR/hold-$id.err")
    pid=$!
    while left=$((deadline - SECONDS)) && [ "$left" -gt 0 ]; do
        IFS= read -r -t "$left" -u "$fd" line || break
        if [[ $line =~ $pattern ]]; then
            seen=$((seen + 1))
            [ "$seen" -gt "$3" ] && break
        fi
    done
    kill "$pid" 2> /dev/null || :
    exec {fd}<&-
    wait "$pid" 2> /dev/null || :
    [ "$seen" -gt "$3" ] ||
        pamt_fail "login '$id' did not log /$pattern/ again within 30 s"
}

# run_host NAME OPTION... : one run of the program; its stdout is logged,
# its requests served. Fails the test unless it ends with RESULT PASS and
# an empty stderr.
run_host() {
    local name=$1 line result= status=0
    shift
    local err=$PAMT_DIR/$name.err out=$PAMT_DIR/$name.out
    pamt_log "$name: $*"
    local to=$PAMT_DIR/$name.to from=$PAMT_DIR/$name.from pid infd outfd
    mkfifo "$to" "$from"
    (
        # The holders' pipes are this script's, not the host's: its
        # descriptors are counted.
        for fd in "${PAMT_HOLD_IN[@]}" "${PAMT_HOLD_OUTFD[@]}"; do
            eval "exec $fd>&-"
        done
        exec "${PAMT_ENV[@]}" GRPC_VERBOSITY=INFO "$program" --grpc "$grpc" "$@"
    ) < "$to" > "$from" 2> "$err" &
    pid=$!
    pamt_on_cleanup "pamt_stop_pid $pid"
    exec {infd}> "$to" {outfd}< "$from"
    # Each read is bounded: one login takes at most a few seconds.
    while IFS= read -r -t 120 -u "$outfd" line; do
        printf '%s\n' "$line" >> "$out"
        case $line in
        "CONTROL stop")
            reacquired1=$(log_count bob1 're-acquired')
            reacquired2=$(log_count bob2 're-acquired')
            ldlm_srv_stop
            printf 'ok\n' >&"$infd"
            ;;
        "CONTROL start")
            ldlm_srv_restart || pamt_fail "the server did not start again"
            wait_bob_held_again
            printf 'ok\n' >&"$infd"
            ;;
        "CONTROL pause")
            reacquired1=$(log_count bob1 're-acquired')
            reacquired2=$(log_count bob2 're-acquired')
            lost1=$(log_count bob1 'connection to .* lost')
            lost2=$(log_count bob2 'connection to .* lost')
            ldlm_srv_pause || pamt_fail "the server did not stop"
            printf 'ok\n' >&"$infd"
            ;;
        "CONTROL resume")
            ldlm_srv_resume || pamt_fail "the server did not continue"
            # A holder whose connection was given up during the pause
            # (keepalive) takes its slot back once the server answers.
            [ "$(log_count bob1 'connection to .* lost')" = "$lost1" ] ||
                wait_log_count bob1 're-acquired' "$reacquired1"
            [ "$(log_count bob2 'connection to .* lost')" = "$lost2" ] ||
                wait_log_count bob2 're-acquired' "$reacquired2"
            printf 'ok\n' >&"$infd"
            ;;
        SAMPLE*) ;;
        RESULT*)
            result=$line
            pamt_log "$name: $line"
            ;;
        *) pamt_log "$name: $line" ;;
        esac
    done
    wait "$pid" || status=$?
    exec {infd}>&- {outfd}<&-
    PAMT_ERR=$(cat "$err")
    PAMT_OUT=$(grep -v '^SAMPLE' "$out")
    pamt_log "$name: samples every 100 logins:"
    grep '^SAMPLE' "$out" | sed "s/^/$PAMT_TEST:   /"
    pamt_expect_no_sanitizer_report "$err" "$name"
    [ "$result" = "RESULT PASS" ] && [ "$status" = 0 ] ||
        pamt_fail "$name: ${result:-no result} (exit status $status)"
    [ ! -s "$err" ] || pamt_fail "$name: something was printed on the host's stderr"
    case "$(cat "$out" "$err")" in
    *"$secret"*) [ -z "$secret" ] || pamt_fail "$name: the password was printed" ;;
    esac
}

# Under AddressSanitizer resident memory is mostly its quarantine of freed
# blocks (up to 256 MB), which fills for the whole run: memory is left to
# LeakSanitizer, which reports any leak at exit on stderr (which must stay
# empty); threads and descriptors are checked as in any build.
memory=()
if [ -n "$PAMT_ASAN" ]; then
    memory=(--max-rss-kb 1048576)
    pamt_log "AddressSanitizer build: memory growth is LeakSanitizer's to find"
fi
# shellcheck disable=SC2206 # words on purpose
run_host host --cycles "$cycles" "${memory[@]}" ${LDLM_LONG_LIVED_ARGS:-}
run_host host-grpc --cycles "$host_cycles" --host-grpc --no-outage "${memory[@]}"

pamt_release bob1
pamt_release bob2
pamt_log "PASS"
