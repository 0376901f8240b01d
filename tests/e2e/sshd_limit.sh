#!/bin/sh
# SPDX-License-Identifier: MIT
# OpenSSH end to end with the real LDLM server: a limit of 2 for the user
# across all connections. Two held connections (one of them ssh -N, which
# has no session) are admitted, a third is refused; ending one admits the
# next; killing the sshd process that holds a session's slot frees the slot
# once the server notices the dead connection.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
. "${LDLM_TEST_SRCDIR:-.}/tests/e2e/sshd_lib.sh"
sshdt_require
pamt_require_server
pamt_init
pamt_empty_conf
# Short keepalive: a client that died without closing its connection (the
# killed sshd's socket lives on in its orphaned child) is dropped after
# about 3 + 3 seconds.
ldlm_srv_start --keepalive_interval 3s --keepalive_timeout 3s ||
    pamt_fail "the LDLM server did not start"

sshdt_setup mode=direct "conf=$PAMT_EMPTY_CONF" "server=$LDLM_SRV_ADDR" timeout=5 \
    max_sessions=2 on_error=deny
sshdt_start

sshdt_expect_limit_of_two "pam_ldlm/user/$SSHDT_USER/2"
pamt_log "ok: 2 admitted (one ssh -N), the third refused"

sshdt_end tunnel
sshdt_hold_eventually next 20 shell
sshdt_run 'echo again'
[ "$SSHDT_STATUS" = 255 ] || pamt_fail "admitted beyond the limit after ending one"
pamt_log "ok: ending a connection admits the next"

# Kill the sshd process that took the slot of connection "victim".
sshdt_end next
sshdt_hold_session victim 20
victim_pid=$SSHDT_SESSION_PID
sshdt_run 'echo full'
[ "$SSHDT_STATUS" = 255 ] || pamt_fail "admitted beyond the limit before the kill"
sshdt_kill9 "$victim_pid"
sshdt_hold_eventually after_kill 40 shell
pamt_log "ok: killing a session's sshd process frees its slot"

sshdt_finish
pamt_log "PASS"
