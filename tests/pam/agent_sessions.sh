#!/bin/sh
# SPDX-License-Identifier: MIT
# mode=agent: a session's slots belong to its token, not to a process.
#  - the token is in the PAM environment (LDLM_SESSION_TOKEN) once the
#    session is open, and gone after the close;
#  - a forked and exec'd child that starts a transaction of its own and
#    presents the token in its PAM environment closes the session, while
#    the process that opened it lives on (then that process's own close
#    finds nothing left to do);
#  - a fresh process with no token closes nothing (PAM_SUCCESS);
#  - a forked child's pam_end, plain or PAM_DATA_SILENT, leaves the session
#    to its parent; pam_end with PAM_DATA_SILENT in the opener hands it
#    over (kept), and it still ends when the opener dies;
#  - kill -9 of the process that opened a session frees its slot within 1 s
#    (ldlmd watches that process);
#  - an account phase run in a child that is still alive when the session
#    opens (OpenSSH's keyboard-interactive logins; the child's PAM
#    environment is copied back) leaves one session, the session phase's,
#    even with a limit of 1.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/agent_lib.sh"
start_server
host_start a
host_start b
agent_service one a max_sessions=1 on_error=deny debug
agent_service one_b b max_sessions=1 on_error=deny debug
L=pam_ldlm/user/alice/1

# ---- the token in the PAM environment ----
pamt_hold h1 --report-env LDLM_SESSION_TOKEN one alice || pamt_fail "alice refused"
tok=$(agent_token)
[[ $tok =~ ^[0-9a-f]{32}$ ]] || pamt_fail "no session token in the PAM environment: '$tok'"
agent_sessions a
python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["sessions"]
assert [(x["token"], x["pid"]) for x in s] == [(sys.argv[2], int(sys.argv[3]))], s
' "$T/out" "$tok" "${PAMT_HOLD_PID[h1]}" ||
    pamt_fail "ldlmd does not hold the session of the token for the login's process: $(cat "$T/out")"
pamt_release h1
pamt_expect_code CLOSE_SESSION PAM_SUCCESS
pamt_expect_log 'session ended through ldlmd \(2 slot|session ended through ldlmd \(1 slot'
slot_free $L 1 || pamt_fail "the slot is still held after the close"
pamt_log "ok: the token is in the PAM environment; the close frees the slot"

# ---- close from a forked and exec'd child, by the token in its PAM env ----
pamt_hold h2 --exec-close LDLM_SESSION_TOKEN one alice || pamt_fail "alice refused"
pamt_expect_out '^CHILD_CLOSE PAM_SUCCESS'
pamt_wait_hold_log h2 'CLOSE_SESSION PAM_SUCCESS'
grep -q 'ending the session of the token in the PAM environment' "$PAMT_DIR/hold-h2.err" ||
    pamt_fail "the child did not close by the token: $(cat "$PAMT_DIR/hold-h2.err")"
kill -0 "${PAMT_HOLD_PID[h2]}" || pamt_fail "the opener is gone: the check is blind"
slot_free $L 1 || pamt_fail "the child's close did not free the slot"
# On another host too: the slot is really free on the server.
pamt_hold other one_b alice || pamt_fail "the slot freed by the child is not free on host b"
pamt_release other
pamt_release h2
pamt_expect_code CLOSE_SESSION PAM_SUCCESS
pamt_expect_log 'ldlmd knows no session of this token: it has ended already'
pamt_log "ok: a forked and exec'd child closes the session by its token"

# ---- a close with nothing to close ----
pamt_run --close-with-env OTHER_VARIABLE=1 one alice
pamt_expect_code CLOSE_SESSION PAM_SUCCESS
pamt_expect_log 'no session to close'
pamt_run --close-with-env LDLM_SESSION_TOKEN=0123456789abcdef0123456789abcdef one alice
pamt_expect_code CLOSE_SESSION PAM_SUCCESS
pamt_run --close-with-env 'LDLM_SESSION_TOKEN=not a token' one alice
pamt_expect_code CLOSE_SESSION PAM_SESSION_ERR
pamt_expect_log 'is not a session token: ignored'
pamt_log "ok: a close without a (valid) token frees nothing"

# ---- forked children's pam_end leave the session to the parent ----
for mode in plain silent; do
    pamt_hold f-$mode --fork-end $mode one alice || pamt_fail "alice refused ($mode)"
    pamt_expect_out '^CHILD_END PAM_SUCCESS'
    slot_free $L 1 && pamt_fail "a child's pam_end ($mode) freed the parent's slot"
    pamt_release f-$mode
    slot_free $L 1 || pamt_fail "the parent's close ($mode) did not free the slot"
done
pamt_log "ok: a forked child's pam_end (plain, PAM_DATA_SILENT) leaves the session to its parent"

# ---- the account phase in a child that outlives it (OpenSSH kbd-interactive) ----
# The child is still alive when the session opens: without ending the
# child's session first, a limit of 1 would be full of the login's own slot.
pamt_hold kbd --account-in-child --report-env LDLM_SESSION_TOKEN one alice ||
    pamt_fail "a login whose account phase ran in a child was refused: $PAMT_OUT $PAMT_ERR"
pamt_expect_out '^ACCOUNT PAM_SUCCESS'
pamt_expect_out '^OPEN_SESSION PAM_SUCCESS'
pamt_expect_out '^CHILD_EXIT 0'
grep -q 'an earlier phase held a slot in another process' "$PAMT_DIR/hold-kbd.err" ||
    pamt_fail "the session phase did not end the account child's session: $(cat "$PAMT_DIR/hold-kbd.err")"
tok=$(agent_token)
agent_sessions a
python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["sessions"]
assert [(x["token"], x["pid"]) for x in s] == [(sys.argv[2], int(sys.argv[3]))], s
' "$T/out" "$tok" "${PAMT_HOLD_PID[kbd]}" ||
    pamt_fail "ldlmd should hold one session, the session phase's: $(cat "$T/out")"
pamt_release kbd
pamt_expect_code CLOSE_SESSION PAM_SUCCESS
slot_free $L 1 || pamt_fail "the slot is still held after the close"
pamt_log "ok: an account phase run in a child hands over to the session phase (one slot, limit 1)"

# ---- pam_end with PAM_DATA_SILENT in the opener: handed over, kept ----
pamt_hold hand --end-silent one alice || pamt_fail "alice refused (hand-off)"
pamt_expect_out '^END_SILENT PAM_SUCCESS'
slot_free $L 1 && pamt_fail "pam_end(PAM_DATA_SILENT) in the opener freed the slot"
pid=${PAMT_HOLD_PID[hand]}
ms=$("$AGENT" kill-measure "$pid" "$LDLM_SRV_ADDR" $L 1) || pamt_fail "measuring the hand-off"
_pamt_hold_reap hand killed
_pamt_remove_wrapper_dir_of "$pid"
pamt_log "ok: a session handed over with PAM_DATA_SILENT stays until its opener dies ($ms ms)"

# ---- kill -9 of the session's process: free within 1 s ----
figures=
for i in 1 2 3; do
    pamt_hold k$i one alice || pamt_fail "alice refused (round $i)"
    pid=${PAMT_HOLD_PID[k$i]}
    ms=$("$AGENT" kill-measure "$pid" "$LDLM_SRV_ADDR" $L 1) ||
        pamt_fail "measuring round $i"
    _pamt_hold_reap k$i killed
    _pamt_remove_wrapper_dir_of "$pid"
    figures+=" $ms"
    [ "$ms" -le 1000 ] || pamt_fail "round $i: slot freed $ms ms after kill -9 (bound 1000 ms)"
done
pamt_log "ok: kill -9 of the login's process to the slot free (ms):$figures"

for h in a b; do
    host_stop $h
    [ "$host_status" -eq 0 ] || pamt_fail "ldlmd $h exited with $host_status"
done
pamt_log "PASS"
