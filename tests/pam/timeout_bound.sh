#!/bin/sh
# SPDX-License-Identifier: MIT
# timeout= is a hard bound on the whole decision of a login: every lock of
# the user and of every pool, the wait for a free slot, reconnections and
# retries included. Measured (ACCOUNT, as the login program sees it) with
# the real LDLM server stopped (SIGSTOP), killed (SIGKILL: nothing listens
# any more), and unreachable (a port where connections hang: no answer at
# all), and with the server stopped while a login waits for a slot. Each
# decision comes within timeout= plus a margin for process start-up on a
# loaded machine, under on_error=allow and on_error=deny alike.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_init_with_server
timeout=3
# Loading the module and gRPC, and scheduling on 2 busy cores (sanitizer
# builds are several times slower): far less than this in practice.
slack=1500
bound=$((timeout * 1000 + slack))
figures=()

# services for SERVER: a user lock and two pools, waiting allowed, retries
# as many as fit (default) or very many (max_retries=1000).
services_for() {
    local common=("conf=$PAMT_EMPTY_CONF" "server=$1" "timeout=$timeout" wait=1
        max_sessions=2 pool=@students:10 pool=@staff:10)
    pamt_service allow mode=direct "${common[@]}" on_error=allow
    pamt_service deny mode=direct "${common[@]}" on_error=deny
    pamt_service retries mode=direct "${common[@]}" on_error=deny max_retries=1000
    pamt_service_session_only session mode=direct "${common[@]}" on_error=deny
    # One lock and no wait: its one call gets the whole budget, so the
    # decision comes at timeout= itself (the watchdog's deadline).
    pamt_service single mode=direct "conf=$PAMT_EMPTY_CONF" "server=$1" "timeout=$timeout" \
        max_sessions=2 on_error=deny max_retries=1000
}

# bounded WHAT : every service decides within the bound, as the driver
# measures it. alice needs two locks: her own and the students pool's.
bounded() {
    local what=$1 svc ms
    for svc in allow deny retries single; do
        pamt_run "$svc" alice
        case $svc in
        allow) pamt_expect_code ACCOUNT PAM_SUCCESS ;;
        *) pamt_expect_code ACCOUNT PAM_PERM_DENIED ;;
        esac
        pamt_expect_log 'did not grant a slot'
        pamt_expect_within ACCOUNT $bound
        figures+=("$what/$svc $(pamt_ms ACCOUNT) ms")
    done
    pamt_run session alice
    pamt_expect_code OPEN_SESSION PAM_SESSION_ERR
    pamt_expect_within OPEN_SESSION $bound
    figures+=("$what/session $(pamt_ms OPEN_SESSION) ms")
    pamt_log "ok: $what: every decision within ${timeout}s + ${slack}ms"
}

# ---- a working server first: the services themselves are fine ----
services_for "$LDLM_SRV_ADDR"
pamt_run deny alice
pamt_expect_code ACCOUNT PAM_SUCCESS
figures+=("healthy/deny $(pamt_ms ACCOUNT) ms")

# ---- stopped ----
ldlm_srv_pause || pamt_fail "could not stop the server"
bounded stopped

# ---- stopped while a login waits for a slot ----
ldlm_srv_resume || pamt_fail "could not resume the server"
pamt_service waiter mode=direct "conf=$PAMT_EMPTY_CONF" "server=$LDLM_SRV_ADDR" timeout=4 \
    wait=3 max_sessions=1 on_error=deny
pamt_hold w1 waiter carol || pamt_fail "carol's first login refused"
pamt_start w2 waiter carol
pamt_read_until w2 '^CONV TEXT_INFO '
ldlm_srv_pause || pamt_fail "could not stop the server"
pamt_read_until w2 '^(HOLDING|END) '
[[ $PAMT_LAST_LINE == END* ]] || pamt_fail "the waiting login was admitted by a stopped server"
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_within ACCOUNT $((4000 + slack))
figures+=("stopped-while-waiting (timeout=4, wait=3)/deny $(pamt_ms ACCOUNT) ms")
ldlm_srv_resume || pamt_fail "could not resume the server"
pamt_release w1
pamt_log "ok: stopped while waiting: within 4s + ${slack}ms"

# ---- killed: nothing listens on its port any more ----
ldlm_srv_kill
bounded killed

# ---- unreachable: connections hang without any answer ----
silent_out=$PAMT_DIR/silent.port
"$LDLM_TEST_BUILDDIR/tests/pam/silent_port" < /dev/null > "$silent_out" &
silent_pid=$!
pamt_on_cleanup 'pamt_stop_pid $silent_pid'
# It prints the port once a connection is seen to hang (about 300 ms).
for _ in $(seq 100); do
    [ -s "$silent_out" ] && break
    "$PAMT_TOOL" wait-exit "$silent_pid" 100 && pamt_fail "silent_port ended"
done
silent=$(cat "$silent_out")
[ -n "$silent" ] || pamt_fail "silent_port gave no port"
services_for "127.0.0.1:$silent"
bounded unreachable

pamt_log "figures (timeout=$timeout; allow, deny, retries, session: wait=1, a user lock and a pool; single: one lock, no wait):"
for f in "${figures[@]}"; do pamt_log "  $f"; done
pamt_log "PASS"
