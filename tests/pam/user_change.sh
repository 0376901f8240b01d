#!/bin/sh
# SPDX-License-Identifier: MIT
# A decision belongs to a user. sudo runs the account phase for the
# invoking user and opens the session for the target user (it changes
# PAM_USER in between): the session must count for the target, not the
# invoker. pam_driver --session-user plays sudo's part. The account phase's
# slot is given back when PAM_USER names another account, and the module
# decides again for the new one; another spelling of the same account keeps
# the decision. Against the real LDLM server.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_init_with_server
pamt_service sudo mode=direct "conf=$PAMT_EMPTY_CONF" "server=$LDLM_SRV_ADDR" timeout=5 \
    on_error=deny max_sessions=1

# ---- alice runs sudo -u bob: bob's session is counted, not alice's ----
pamt_hold s1 --session-user bob sudo alice || pamt_fail "sudo -u bob refused"
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_expect_code OPEN_SESSION PAM_SUCCESS
pamt_expect_log 'pam_ldlm\(sudo:session\): session: PAM_USER is now bob, no longer alice as when the earlier phase decided: giving back alice.s slots and deciding for bob'
# alice's only slot is free again; bob's only slot is the sudo session's.
pamt_hold a1 sudo alice || pamt_fail "alice still pays for bob's session"
pamt_hold b1 sudo bob && pamt_fail "bob's sudo session was not counted"
pamt_expect_out 'Too many sessions for bob \(limit 1\)'
pamt_release a1
pamt_release s1
pamt_expect_code CLOSE_SESSION PAM_SUCCESS
pamt_hold b2 sudo bob || pamt_fail "bob refused after the sudo session closed"
pamt_log "ok: the target user is counted, the invoker is not"

# ---- the target user is full: the session is refused (only the session
# phase's own code), and the invoker's slot is not kept ----
pamt_run --session-user bob sudo alice
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_expect_code OPEN_SESSION PAM_SESSION_ERR
pamt_expect_out 'Too many sessions for bob \(limit 1\)'
pamt_hold a2 sudo alice || pamt_fail "a refused sudo session kept alice's slot"
pamt_release a2
pamt_release b2
pamt_log "ok: a full target refuses the session"

# ---- sudo to root: root is exempt, alice's slot is given back ----
pamt_hold s2 --session-user root sudo alice || pamt_fail "sudo to root refused"
pamt_hold a3 sudo alice || pamt_fail "alice pays for a root session"
pamt_release a3
pamt_release s2
pamt_log "ok: sudo to root holds nothing"

# ---- the same user all along: the account phase's decision is kept ----
pamt_service sudo_debug mode=direct "conf=$PAMT_EMPTY_CONF" "server=$LDLM_SRV_ADDR" \
    timeout=5 on_error=deny max_sessions=1 debug
pamt_hold s3 --session-user alice sudo_debug alice || pamt_fail "alice refused"
pamt_expect_log 'pam_ldlm\(sudo_debug:session\): session: already decided earlier in this transaction$'
pamt_release s3
# Another spelling of the same account too (an NSS source that maps them).
pamt_nss_module "$LDLM_TEST_BUILDDIR/tests/pam/.libs/libnss_spellings.so" spellings
pamt_hold s4 --session-user ALICE sudo_debug alice || pamt_fail "alice/ALICE refused"
pamt_expect_log 'already decided earlier in this transaction for the same account'
pamt_expect_no_log 'giving back'
pamt_hold a4 sudo alice && pamt_fail "alice's slot was not held by her session"
pamt_release s4
pamt_log "ok: the same account keeps its decision"

pamt_log "PASS"
