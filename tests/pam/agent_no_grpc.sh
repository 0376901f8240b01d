#!/bin/sh
# SPDX-License-Identifier: MIT
# mode=agent loads neither gRPC nor libldlm and starts no thread: after a
# login that holds a slot through ldlmd, the login's process maps no
# libgrpc, libldlm or slots backend and has one thread. The same login in
# mode=direct maps gRPC and has more threads, so the check can fail.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/agent_lib.sh"
start_server
host_start a
agent_service agent a max_sessions=2 on_error=deny
pamt_service direct mode=direct "conf=$PAMT_EMPTY_CONF" \
    "server=$LDLM_SRV_ADDR" max_sessions=2 on_error=deny

# threads_of ID : the Threads: line of a held login's process.
threads_of() {
    awk '$1 == "Threads:" { print $2 }' "/proc/${PAMT_HOLD_PID[$1]}/status"
}

pamt_hold ag agent alice || pamt_fail "alice refused in mode=agent"
slot_free pam_ldlm/user/alice/2 2 || pamt_fail "no slot left: the check is wrong"
# The file names of what is mapped, without their directories: a build
# directory may itself be called libldlm-VERSION (make distcheck).
maps=$(awk 'NF >= 6 { sub(/.*\//, "", $6); print $6 }' "/proc/${PAMT_HOLD_PID[ag]}/maps") ||
    pamt_fail "cannot read the maps"
grep -q '^pam_ldlm\.so$' <<< "$maps" || pamt_fail "pam_ldlm.so is not mapped: the check is blind"
if grep -E '^(libgrpc|libldlm|pam_ldlm_slots|libssl|libabsl)' <<< "$maps"; then
    pamt_fail "a mode=agent login mapped gRPC, libldlm or the slots backend"
fi
n=$(threads_of ag)
[ "$n" = 1 ] || pamt_fail "a mode=agent login has $n threads"
agent_sessions a
grep -q '"alice"' "$T/out" || pamt_fail "ldlmd holds no session of alice: the login did not go through it"
pamt_release ag
pamt_log "ok: mode=agent: no gRPC, no libldlm, 1 thread"

pamt_hold di direct alice || pamt_fail "alice refused in mode=direct"
grep -q 'libgrpc' "/proc/${PAMT_HOLD_PID[di]}/maps" ||
    pamt_fail "mode=direct did not map gRPC: the check above is blind"
n=$(threads_of di)
[ "$n" -gt 1 ] || pamt_fail "mode=direct has $n threads: the check above is blind"
pamt_release di
pamt_log "ok: mode=direct maps gRPC and has $n threads"

host_stop a
[ "$host_status" -eq 0 ] || pamt_fail "ldlmd exited with $host_status"
pamt_log "PASS"
