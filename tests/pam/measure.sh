#!/bin/sh
# SPDX-License-Identifier: MIT
# Measures, against the real LDLM server (plaintext, loopback): the time a
# login spends in pam_ldlm (median and worst of 100 logins: account phase,
# which takes the slot, and the whole account+session+close), and what a
# held session adds to its host process (threads, private memory), compared
# with the same driver holding a session that needs no slot.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_init_with_server
pamt_service svc mode=direct "conf=$PAMT_EMPTY_CONF" "server=$LDLM_SRV_ADDR" timeout=5 \
    on_error=deny max_sessions=1000

account=() total=()
for ((i = 0; i < 100; i++)); do
    pamt_run svc alice
    pamt_expect_code ACCOUNT PAM_SUCCESS
    pamt_expect_code CLOSE_SESSION PAM_SUCCESS
    a=$(pamt_ms ACCOUNT) o=$(pamt_ms OPEN_SESSION) cl=$(pamt_ms CLOSE_SESSION)
    account+=("$a")
    total+=($((a + o + cl)))
done

# stats NUMBER... : "median M ms, worst W ms"
stats() {
    local sorted
    sorted=($(printf '%s\n' "$@" | sort -n))
    local n=${#sorted[@]}
    printf 'median %s ms, worst %s ms' "${sorted[$((n / 2))]}" "${sorted[$((n - 1))]}"
}
pamt_log "login time in pam_ldlm (100 plaintext logins): account $(stats "${account[@]}"); account+session+close $(stats "${total[@]}")"

# footprint PID : "THREADS PRIVATE_KB"
footprint() {
    local threads private
    threads=$(awk '/^Threads:/ { print $2 }' "/proc/$1/status")
    private=$(awk '/^Private_(Clean|Dirty):/ { s += $2 } END { print s }' "/proc/$1/smaps_rollup")
    printf '%s %s\n' "$threads" "$private"
}
pamt_hold base svc root || pamt_fail "root refused" # exempt: no slot, no gRPC
pamt_hold held svc alice || pamt_fail "alice refused"
read -r t0 m0 <<< "$(footprint "${PAMT_HOLD_PID[base]}")"
read -r t1 m1 <<< "$(footprint "${PAMT_HOLD_PID[held]}")"
pamt_log "a held session adds $((t1 - t0)) threads ($t0 -> $t1) and $((m1 - m0)) kB of private memory ($m0 -> $m1 kB)"
pamt_release held
pamt_release base
pamt_log "PASS"
