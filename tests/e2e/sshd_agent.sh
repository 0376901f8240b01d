#!/bin/sh
# SPDX-License-Identifier: MIT
# OpenSSH end to end through ldlmd (mode=agent, the default), with the real
# LDLM server: a limit of 2 for the user across all connections, held by
# the host's ldlmd. Two held connections (one of them ssh -N, which has no
# session) are admitted, a third is refused; sshd maps no gRPC; the
# session's environment has the token; logging out frees the slot (the
# close goes through ldlmd); kill -9 of the sshd process that opened a
# session frees its slot within 1 s (ldlmd watches that process).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/agent_lib.sh"
. "${LDLM_TEST_SRCDIR:-.}/tests/e2e/sshd_lib.sh"
sshdt_require
start_server
host_start a
L=pam_ldlm/user/$SSHDT_USER/2

sshdt_setup mode=agent "agent_socket=$(host_sock a)" "conf=$PAMT_EMPTY_CONF" \
    timeout=5 max_sessions=2 on_error=deny
sshdt_start

# ---- the limit ----
sshdt_run 'printf "%s\n" "${LDLM_SESSION_TOKEN:-none}"'
[ "$SSHDT_STATUS" = 0 ] || pamt_fail "a first login was refused ($SSHDT_STATUS): $SSHDT_ERR"
[[ $SSHDT_OUT =~ ^[0-9a-f]{32}$ ]] || pamt_fail "the session has no LDLM_SESSION_TOKEN: '$SSHDT_OUT'"
wait_slot_free $L 2 10000
sshdt_expect_limit_of_two $L
slot_free $L 2 && pamt_fail "the server has a free slot while two connections hold them"
agent_sessions a
python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["sessions"]
assert len(s) == 2 and all(x["service"] == "sshd" for x in s), s
' "$T/out" || pamt_fail "ldlmd does not hold the two sessions: $(cat "$T/out")"
mapped_module=0
for pid in $(sshdt_connection_pids); do
    grep -q '/pam_ldlm\.so$' "/proc/$pid/maps" 2> /dev/null && mapped_module=1
    # File names only: a build directory may be called libldlm-VERSION.
    if awk 'NF >= 6 { sub(/.*\//, "", $6); print $6 }' "/proc/$pid/maps" 2> /dev/null |
        grep -q -E '^(libgrpc|libldlm|pam_ldlm_slots)'; then
        pamt_fail "sshd process $pid mapped gRPC or libldlm in mode=agent"
    fi
done
[ "$mapped_module" = 1 ] || pamt_fail "no sshd process of the connections maps pam_ldlm.so: the check above is blind"
pamt_log "ok: 2 admitted through ldlmd (one ssh -N), the third refused, no gRPC in sshd"

# ---- logout frees the slot ----
sshdt_end tunnel
wait_slot_free $L 2 10000
sshdt_hold_eventually next 20 shell
pamt_log "ok: a logout frees its slot"

# ---- kill -9 of the sshd process that opened a session ----
sshdt_end next
wait_slot_free $L 2 10000
sshdt_hold_session victim 20
victim_pid=$SSHDT_SESSION_PID
agent_sessions a
python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["sessions"]
assert int(sys.argv[2]) in [x["pid"] for x in s], s
' "$T/out" "$victim_pid" || pamt_fail "ldlmd does not watch sshd process $victim_pid: $(cat "$T/out")"
# The children are reparented when it dies: ended at cleanup.
for c in $(_sshdt_children "$victim_pid"); do SSHDT_EXTRA_PIDS+=("$c"); done
ms=$("$AGENT" kill-measure "$victim_pid" "$LDLM_SRV_ADDR" $L 2) ||
    pamt_fail "measuring the kill -9 of sshd process $victim_pid"
[ "$ms" -le 1000 ] || pamt_fail "the slot was freed $ms ms after kill -9 of sshd (bound 1000 ms)"
pamt_log "ok: kill -9 of the session's sshd process frees its slot in $ms ms"

sshdt_finish
host_stop a
[ "$host_status" -eq 0 ] || pamt_fail "ldlmd exited with $host_status"
pamt_log "PASS"
