#!/bin/sh
# SPDX-License-Identifier: MIT
# The LDLM server misbehaves: stopped (SIGSTOP) -> the decision comes within
# timeout= per on_error; restarted without a state file while sessions are
# open -> they take their slots back and still count; a session that cannot
# get its slot back is logged.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_init_with_server
c="conf=$PAMT_EMPTY_CONF"
srv="server=$LDLM_SRV_ADDR"
slack=700

# ---- a stopped server: bounded decisions ----
pamt_service allow mode=direct "$c" "$srv" timeout=2 max_sessions=2
pamt_service deny mode=direct "$c" "$srv" timeout=2 max_sessions=2 on_error=deny
pamt_run allow alice
pamt_expect_code ACCOUNT PAM_SUCCESS # a working server first
ldlm_srv_pause || pamt_fail "could not pause the server"
pamt_run allow alice
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_expect_within ACCOUNT $((2000 + slack))
pamt_expect_log 'did not grant a slot .*on_error=allow'
allow_ms=$(pamt_ms ACCOUNT)
pamt_run deny alice
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_within ACCOUNT $((2000 + slack))
pamt_expect_out '^CONV ERROR_MSG Session limits cannot be checked right now'
ldlm_srv_resume || pamt_fail "could not resume the server"
pamt_log "ok: stopped server, decisions within timeout=2 (allow $allow_ms ms, deny $(pamt_ms ACCOUNT) ms)"

# ---- restart without a state file: open sessions still count ----
pamt_service svc mode=direct "$c" "$srv" timeout=5 max_sessions=2 on_error=deny debug
pamt_hold a1 svc alice || pamt_fail "a1 refused"
pamt_hold a2 svc alice || pamt_fail "a2 refused"
ldlm_srv_restart || pamt_fail "the server did not restart"
restarted=$(date +%s%N)
# libldlm renews each slot to verify it; the v1.2.2 server answers a lock it
# forgot with code Unknown and a message, which libldlm must read as "does
# not exist" to re-acquire (otherwise it retries the renewal for ever).
pamt_wait_hold_log a1 'lock pam_ldlm/user/alice/2 re-acquired' 60
pamt_wait_hold_log a2 'lock pam_ldlm/user/alice/2 re-acquired' 60
reacquired_ms=$((($(date +%s%N) - restarted) / 1000000))
pamt_run svc alice
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_out 'Too many sessions for alice \(limit 2\)'
pamt_release a1
pamt_run svc alice
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_release a2
pamt_log "ok: after a restart the open sessions still count (both slots back within $reacquired_ms ms)"

# ---- a slot that cannot be had back is logged ----
pamt_service one mode=direct "$c" "$srv" timeout=5 max_sessions=1 on_error=deny
pamt_hold h1 --rhost 198.51.100.9 one bob || pamt_fail "h1 refused"
h1_pid=${PAMT_HOLD_PID[h1]}
kill -STOP "$h1_pid"        # h1 cannot reconnect while the server is back
ldlm_srv_restart || pamt_fail "the server did not restart"
pamt_hold h2 one bob || pamt_fail "h2 refused although the server forgot h1"
kill -CONT "$h1_pid"
pamt_wait_hold_log h1 'the session of user bob \(service one, rhost 198\.51\.100\.9, pid [0-9]+\) lost its slot in lock pam_ldlm/user/bob/1 and could not get it back' 60
pamt_release h1
pamt_expect_code CLOSE_SESSION PAM_SUCCESS
pamt_run one bob
pamt_expect_code ACCOUNT PAM_PERM_DENIED # h2 still holds the only slot
pamt_release h2
pamt_log "ok: a lost slot is logged"

pamt_log "PASS"
