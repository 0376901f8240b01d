#!/bin/sh
# SPDX-License-Identifier: MIT
# mode=agent: pam_ldlm asks the host's ldlmd for the slots, and the limits
# hold across hosts exactly as in mode=direct (same lock names, same
# messages): three simulated hosts, each with its own ldlmd, share a user's
# limit and a group's pool; a full limit refuses with the deny template and
# nothing else on the terminal; wait= waits (and says so) until a slot
# frees on another host; a lock of another size is refused as tampering
# even with on_error=allow.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/agent_lib.sh"
start_server
for h in a b c; do
    host_start $h
    agent_service "on_$h" $h max_sessions=2 pool=@students:2 on_error=deny
done

# ---- a user's limit across hosts ----
pamt_hold a1 --rhost host-a on_a alice || pamt_fail "alice refused on host a"
pamt_expect_no_out '^CONV'
pamt_hold b1 --rhost host-b on_b alice || pamt_fail "alice refused on host b"
pamt_hold c1 --rhost 192.0.2.7 on_c alice && pamt_fail "a third session of alice got in"
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_out '^CONV ERROR_MSG Too many sessions for alice \(limit 2\)'
[ "$(grep -c . <<< "$PAMT_OUT")" -eq 3 ] ||
    pamt_fail "more than the deny message on the terminal: $PAMT_OUT"
pamt_expect_log 'denied user=alice limit=2 lock=pam_ldlm/user/alice/2 service=on_c rhost=192\.0\.2\.7: all slots are in use'
slot_free pam_ldlm/user/alice/2 2 && pamt_fail "the server has a free slot of alice's lock"
pamt_log "ok: two sessions on two hosts, the third (host c) refused"

agent_sessions a
python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["sessions"]
assert len(s) == 1, s
x = s[0]
assert (x["user"], x["service"], x["rhost"]) == ("alice", "on_a", "host-a"), x
assert [(l["lock"], l["size"], l["state"]) for l in x["slots"]] == \
    [("pam_ldlm/user/alice/2", 2, "held"), ("pam_ldlm/group/students/2", 2, "held")], x
' "$T/out" || pamt_fail "ldlm sessions on host a: $(cat "$T/out")"
pamt_log "ok: ldlm sessions shows the login on its host"

pamt_release b1
pamt_hold c1 on_c alice || pamt_fail "alice refused on host c after a session ended"
pamt_log "ok: ending a session on host b admits one on host c"

# ---- a pool across hosts: alice holds one slot of @students:2 (a1) and
# one (c1); bob, a student too, finds the pool full on any host ----
pamt_hold p1 on_b bob && pamt_fail "bob got in while the pool is full"
pamt_expect_out '^CONV ERROR_MSG .*students'
pamt_expect_log 'denied user=bob limit=2 pool=@students lock=pam_ldlm/group/students/2'
pamt_release c1
pamt_hold p1 on_b bob || pamt_fail "bob refused with a free pool slot"
pamt_release p1
pamt_log "ok: a pool is shared across hosts"

# ---- wait=: a login on host b waits for a slot that host a frees ----
agent_service wait_b b max_sessions=1 wait=5 timeout=9 on_error=deny
agent_service one_a a max_sessions=1 on_error=deny
pamt_hold w1 one_a carol || pamt_fail "carol refused on host a"
pamt_start w2 --hold wait_b carol
pamt_read_until w2 '^CONV TEXT_INFO All 1 of your session slots \(user carol\) are in use; waiting up to [0-9]+ seconds'
pamt_release w1
pamt_read_until w2 '^(HOLDING|END) '
[[ $PAMT_LAST_LINE == HOLDING* ]] || pamt_fail "the waiting login was not admitted"
pamt_release w2
pamt_log "ok: wait= waits for a slot freed on another host"

# ---- tampering: someone holds erin's lock with another size (here a
# session on host c, through the agent tool); refused even with
# on_error=allow ----
session_proc
acquire c "$proc" --user intruder "pam_ldlm/user/erin/2:7"
[ "$acq_status" -eq 0 ] || pamt_fail "cannot make the odd-sized lock: $(cat "$T/acq.err")"
agent_service tamper_a a max_sessions=2 on_error=allow
pamt_run tamper_a erin
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_out '^CONV ERROR_MSG Login refused: the session lock of user erin on the lock server has been tampered with'
pamt_expect_log 'tampering: lock pam_ldlm/user/erin/2 exists on the LDLM server with a size other than 2'
pamt_log "ok: a size mismatch is refused as tampering, whatever on_error says"

pamt_release a1
for h in a b c; do
    host_stop $h
    [ "$host_status" -eq 0 ] || pamt_fail "ldlmd $h exited with $host_status"
done
pamt_log "PASS"
