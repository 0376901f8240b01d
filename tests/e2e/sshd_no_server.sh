#!/bin/sh
# SPDX-License-Identifier: MIT
# OpenSSH end to end, without the LDLM server (a closed loopback port):
# Debian's sshd with UsePAM and pam_ldlm in its account and session stacks,
# real key-based logins by the ssh client. on_error=allow lets logins in
# (commands and ssh -N); on_error=deny refuses them, ssh -N included,
# because the refusal happens in the account phase; exempt users get in.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
. "${LDLM_TEST_SRCDIR:-.}/tests/e2e/sshd_lib.sh"
sshdt_require
pamt_init
pamt_empty_conf
port=$(pamt_closed_port) || pamt_fail "no free port"
base=(mode=direct "conf=$PAMT_EMPTY_CONF" server=127.0.0.1:$port timeout=2 max_sessions=2)

sshdt_setup "${base[@]}" on_error=allow
sshdt_start

sshdt_run 'echo logged-in-as-$(id -u)'
[ "$SSHDT_STATUS" = 0 ] && [ "$SSHDT_OUT" = logged-in-as-$SSHDT_UID ] ||
    pamt_fail "login with on_error=allow failed ($SSHDT_STATUS): $SSHDT_OUT $SSHDT_ERR"
sshdt_expect_log "on_error=allow: admitting user=$SSHDT_USER service=sshd rhost=127\\.0\\.0\\.1 without a session slot"
sshdt_hold tunnel -N || pamt_fail "ssh -N refused with on_error=allow"
sshdt_end tunnel
pamt_log "ok: on_error=allow admits (command and ssh -N)"

sshdt_service "${base[@]}" on_error=deny
sshdt_run 'echo should-not-run'
[ "$SSHDT_STATUS" = 255 ] || pamt_fail "login with on_error=deny got in ($SSHDT_STATUS): $SSHDT_OUT"
case $SSHDT_OUT in *should-not-run*) pamt_fail "the command ran" ;; esac
sshdt_expect_log "on_error=deny: refusing user=$SSHDT_USER service=sshd rhost=127\\.0\\.0\\.1"
sshdt_expect_log "Access denied for user $SSHDT_USER by PAM account configuration"
sshdt_hold tunnel -N && pamt_fail "ssh -N got in with on_error=deny"
pamt_log "ok: on_error=deny refuses (command and ssh -N)"

sshdt_service "${base[@]}" on_error=deny exempt=$SSHDT_USER
sshdt_run 'echo exempt'
[ "$SSHDT_STATUS" = 0 ] && [ "$SSHDT_OUT" = exempt ] ||
    pamt_fail "exempt user refused ($SSHDT_STATUS): $SSHDT_ERR"
pamt_log "ok: an exempt user gets in without the server"

sshdt_finish
pamt_log "PASS"
