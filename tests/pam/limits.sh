#!/bin/sh
# SPDX-License-Identifier: MIT
# Session limits against the real LDLM server, each login a separate
# process as on separate hosts: N admitted, N+1 refused with the message,
# closing one admits the next, a crashed holder's slot comes back, waiting
# for a slot, stacks without account, forked children that end their copy
# of the PAM handle.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_init_with_server
c="conf=$PAMT_EMPTY_CONF"
srv="server=$LDLM_SRV_ADDR"

pamt_service svc mode=direct "$c" "$srv" timeout=5 on_error=deny max_sessions=3

# ---- three of alice's logins are admitted, the fourth is refused ----
for i in 1 2 3; do
    pamt_hold a$i --rhost 203.0.113.$i svc alice || pamt_fail "login a$i refused"
    pamt_expect_code ACCOUNT PAM_SUCCESS
    pamt_expect_code OPEN_SESSION PAM_SUCCESS
done
pamt_hold a4 --rhost 203.0.113.4 svc alice && pamt_fail "a 4th login of alice was admitted"
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_no_step OPEN_SESSION
pamt_expect_out '^CONV ERROR_MSG Too many sessions for alice \(limit 3\): close one of your other sessions and try again\.$'
pamt_expect_log 'pam_ldlm\(svc:account\): denied user=alice limit=3 lock=pam_ldlm/user/alice/3 service=svc rhost=203\.0\.113\.4: all slots are in use'
pamt_log "ok: limit 3 admits 3, refuses the 4th"

# Another user is counted apart.
pamt_hold b1 svc bob || pamt_fail "bob refused while alice is full"

# ---- closing one admits the next ----
pamt_release a2
pamt_expect_code CLOSE_SESSION PAM_SUCCESS
pamt_hold a5 svc alice || pamt_fail "alice refused after one of her sessions closed"
pamt_hold a6 svc alice && pamt_fail "alice admitted beyond her limit again"
pamt_log "ok: closing a session admits the next"

# ---- a holder that dies without cleanup frees its slot ----
pamt_kill9 a1
pamt_hold_eventually a7 15 svc alice
pamt_hold a8 svc alice && pamt_fail "alice admitted beyond her limit after the kill"
pamt_log "ok: kill -9 of a holder frees its slot"

for id in a3 a5 a7 b1; do pamt_release $id; done

# ---- wait= : a login waits (with a message) for a slot to free up ----
pamt_service waiting mode=direct "$c" "$srv" max_sessions=1 wait=6 timeout=9 on_error=deny
pamt_hold c1 waiting carol || pamt_fail "carol's first login refused"
# c2 waits in its account phase, saying so before any result.
pamt_start c2 waiting carol
pamt_read_until c2 '^CONV TEXT_INFO '
[[ $PAMT_LAST_LINE =~ "All 1 of your session slots (user carol) are in use; waiting up to 6 seconds" ]] ||
    pamt_fail "unexpected wait message: $PAMT_LAST_LINE"
pamt_release c1
pamt_read_until c2 '^(HOLDING|END) '
[[ $PAMT_LAST_LINE == HOLDING* ]] || pamt_fail "the waiting login was not admitted when a slot freed"
# c3 waits for nothing: its wait runs out, within timeout=.
pamt_run waiting carol
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_out '^CONV TEXT_INFO '
pamt_expect_out '^CONV ERROR_MSG Too many sessions for carol \(limit 1\)'
ms=$(pamt_ms ACCOUNT)
[ "$ms" -ge 5000 ] && [ "$ms" -le 9700 ] || pamt_fail "waited $ms ms, expected about 6000"
pamt_release c2
pamt_log "ok: wait= waits for a slot, then gives up"

# ---- a stack without pam_ldlm in account: open_session takes the slot ----
pamt_service_session_only sess mode=direct "$c" "$srv" max_sessions=1 on_error=deny
pamt_hold e1 sess erin || pamt_fail "erin refused"
pamt_run sess erin
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_expect_code OPEN_SESSION PAM_SESSION_ERR
pamt_expect_out '^CONV ERROR_MSG Too many sessions for erin \(limit 1\)'
pamt_release e1
pamt_run sess erin
pamt_expect_code OPEN_SESSION PAM_SUCCESS
pamt_log "ok: session phase alone enforces the limit"

# ---- a forked child ending its copy of the handle keeps the slot ----
pamt_service one mode=direct "$c" "$srv" max_sessions=1 on_error=deny
for mode in plain silent; do
    pamt_hold f1 --fork-end $mode one frank || pamt_fail "frank refused"
    pamt_expect_out '^CHILD_END PAM_SUCCESS$'
    pamt_run one frank
    pamt_expect_code ACCOUNT PAM_PERM_DENIED # the parent still holds it
    pamt_release f1
    pamt_run one frank
    pamt_expect_code ACCOUNT PAM_SUCCESS
    pamt_log "ok: pam_end in a forked child ($mode) leaves the slot held"
done

pamt_log "PASS"
