#!/bin/sh
# SPDX-License-Identifier: MIT
# The LDLM server cannot be reached (a closed loopback port): on_error=allow
# admits, on_error=deny refuses with a message, and either decision comes
# within timeout=, however many locks the login needs. The session phase
# then does not try again. No LDLM server needed.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_init
pamt_empty_conf
port=$(pamt_closed_port) || pamt_fail "no free port"
c="conf=$PAMT_EMPTY_CONF"
# Margin for process start-up and scheduling on a loaded machine.
slack=700

for timeout in 1 3; do
    limit_ms=$((timeout * 1000 + slack))

    pamt_service allow$timeout mode=direct "$c" server=127.0.0.1:$port timeout=$timeout max_sessions=2
    pamt_run --rhost 198.51.100.4 allow$timeout alice
    pamt_expect_code ACCOUNT PAM_SUCCESS
    pamt_expect_within ACCOUNT $limit_ms
    pamt_expect_code OPEN_SESSION PAM_SUCCESS
    pamt_expect_within OPEN_SESSION 500 # decided in account, not retried
    pamt_expect_no_out '^CONV'
    pamt_expect_log "pam_ldlm\\(allow$timeout:account\\): the LDLM server did not grant a slot \\(.*pam_ldlm/user/alice/2: .*\\); on_error=allow: admitting user=alice service=allow$timeout rhost=198.51.100.4 without a session slot"
    pamt_log "ok: on_error=allow, timeout=$timeout: admitted in $(pamt_ms ACCOUNT) ms"

    pamt_service deny$timeout mode=direct "$c" server=127.0.0.1:$port timeout=$timeout max_sessions=2 on_error=deny
    pamt_run deny$timeout alice
    pamt_expect_code ACCOUNT PAM_PERM_DENIED
    pamt_expect_within ACCOUNT $limit_ms
    pamt_expect_no_step OPEN_SESSION
    pamt_expect_out '^CONV ERROR_MSG Session limits cannot be checked right now: login refused\.$'
    pamt_expect_log "on_error=deny: refusing user=alice service=deny$timeout rhost=\\(local\\)"
    pamt_log "ok: on_error=deny, timeout=$timeout: refused in $(pamt_ms ACCOUNT) ms"
done

# Two locks (user and pool), a wait for free slots configured: the whole
# login still stays within timeout=.
pamt_service two_locks mode=direct "$c" server=127.0.0.1:$port max_sessions=2 \
    pool=@students:10 wait=1 timeout=3 on_error=deny "error_message=Limit service down, sorry %u"
pamt_run two_locks alice
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_within ACCOUNT $((3000 + slack))
pamt_expect_out '^CONV ERROR_MSG Limit service down, sorry alice$'
pamt_log "ok: two locks within timeout=3 ($(pamt_ms ACCOUNT) ms)"

# Stacks without pam_ldlm in account: the session phase decides.
pamt_service_session_only s_allow mode=direct "$c" server=127.0.0.1:$port timeout=1 max_sessions=2
pamt_run s_allow alice
pamt_expect_code OPEN_SESSION PAM_SUCCESS
pamt_expect_within OPEN_SESSION $((1000 + slack))
pamt_expect_code CLOSE_SESSION PAM_SUCCESS
pamt_expect_log 'pam_ldlm\(s_allow:session\): the LDLM server did not grant a slot .*on_error=allow'

pamt_service_session_only s_deny mode=direct "$c" server=127.0.0.1:$port timeout=1 max_sessions=2 on_error=deny
pamt_run s_deny alice
pamt_expect_code OPEN_SESSION PAM_SESSION_ERR
pamt_expect_within OPEN_SESSION $((1000 + slack))
pamt_log "ok: session-only stacks"

# gRPC's own log output never reaches the terminal: with gRPC at its most
# verbose and the module's debug on, gRPC's lines arrive through syslog
# (copied to stderr by the driver's LOG_PERROR, with the syslog prefix),
# and no stderr line bypasses syslog.
pamt_service chatty mode=direct "$c" server=127.0.0.1:$port timeout=1 max_sessions=2 debug
export GRPC_VERBOSITY=DEBUG
pamt_run chatty alice
unset GRPC_VERBOSITY
pamt_expect_log '^pam_driver\[[0-9]+\]: pam_ldlm: grpc: '
if printf '%s\n' "$PAMT_ERR" | grep -v -E '^pam_driver\[[0-9]+\]: ' | grep -q .; then
    pamt_fail "stderr has lines that did not go through syslog"
fi
pamt_log "ok: gRPC logs go to syslog"

pamt_log "PASS"
