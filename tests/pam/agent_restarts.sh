#!/bin/sh
# SPDX-License-Identifier: MIT
# mode=agent when ldlmd or the server goes away, with logins held through
# pam_ldlm:
#  - kill -9 of ldlmd: the server frees the host's slots (its connection
#    ended, as for a host that crashed); logins meanwhile get on_error;
#  - ldlmd restarted: it takes back the slots of the sessions whose
#    processes still live, and their close through pam_ldlm (by token)
#    frees them;
#  - the server restarted: ldlmd re-acquires every slot, the limit holds,
#    and the logins' closes work as before.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/agent_lib.sh"
start_server
host_start a
host_start b
agent_service one_a a max_sessions=1 on_error=deny timeout=3 debug
agent_service one_b b max_sessions=1 on_error=deny timeout=3
agent_service allow_a a max_sessions=1 on_error=allow timeout=3
L=pam_ldlm/user/alice/1

# ---- kill -9 of ldlmd ----
pamt_hold live one_a alice || pamt_fail "alice refused"
pamt_hold ends one_a bob || pamt_fail "bob refused"
slot_free $L 1 && pamt_fail "alice's slot is free while held"
t0=$(now_ms)
host_kill a
wait_slot_free $L 1 5000
wait_slot_free pam_ldlm/user/bob/1 1 5000
pamt_log "kill -9 of ldlmd to the server's release: $(($(now_ms) - t0)) ms (polled)"

pamt_run one_a carol
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_out '^CONV ERROR_MSG '
pamt_expect_log 'no answer from ldlmd, the host.s session agent \(ldlmd at .*: ldlmd is unreachable: .*\); on_error=deny: refusing user=carol'
pamt_run allow_a carol
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_expect_no_out '^CONV'
pamt_expect_log 'on_error=allow: admitting user=carol'
pamt_log "ok: with ldlmd down, logins get on_error"

# bob's session ends while ldlmd is down: its close cannot reach ldlmd
# (logged, PAM_SESSION_ERR), and its process exits.
pamt_release ends
pamt_expect_code CLOSE_SESSION PAM_SESSION_ERR
pamt_expect_log 'cannot end the session through ldlmd \(ldlmd at .*\); ldlmd ends it when the process that opened it exits'

# ---- ldlmd restarted: alice's session (alive) is taken back, bob's (ended)
# is not ----
host_start a
grep -q 'sessions of the last run: 1 live, 1 ended; slots taken back: 1, not had back: 0' \
    "$T/a/log" || pamt_fail "no summary of the take-back: $(tail -5 "$T/a/log")"
slot_free $L 1 && pamt_fail "alice's slot was not taken back"
slot_free pam_ldlm/user/bob/1 1 || pamt_fail "bob's ended session was taken back"
pamt_hold other one_b alice && pamt_fail "alice got a second session on host b after the take-back"
pamt_release live
pamt_expect_code CLOSE_SESSION PAM_SUCCESS
pamt_expect_log 'session ended through ldlmd \(1 slot'
slot_free $L 1 || pamt_fail "the close of a taken-back session did not free its slot"
pamt_log "ok: a restarted ldlmd takes back the live sessions; their close works"

# ---- server restart ----
pamt_hold h1 one_a alice || pamt_fail "alice refused before the server restart"
ldlm_srv_restart || pamt_fail "cannot restart the server"
t0=$(now_ms)
deadline=$(($(now_ms) + 20000))
until "$LDLM" status --json --socket "$(host_sock a)" > "$T/st" 2> /dev/null &&
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["reacquisitions"]>=1 and d["slots_held"]==1 else 1)' "$T/st"; do
    [ "$(now_ms)" -lt "$deadline" ] ||
        pamt_fail "slots not re-acquired within 20 s: $(cat "$T/st")"
    sleep 0.1 # ldlmd has no event to wait on from here
done
pamt_log "server restart to the slot re-acquired: $(($(now_ms) - t0)) ms (polled)"
slot_free $L 1 && pamt_fail "alice's slot is free after the re-acquisition"
pamt_hold h2 one_b alice && pamt_fail "alice got a second session on host b after the server restart"
pamt_release h1
pamt_expect_code CLOSE_SESSION PAM_SUCCESS
pamt_hold h2 one_b alice || pamt_fail "alice refused on host b after the close"
pamt_release h2
pamt_log "ok: a server restart costs no slot, the limit holds"

for h in a b; do
    host_stop $h
    [ "$host_status" -eq 0 ] || pamt_fail "ldlmd $h exited with $host_status"
done
pamt_log "PASS"
