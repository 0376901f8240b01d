#!/bin/sh
# SPDX-License-Identifier: MIT
# pam_ldlm.so loads gRPC (through its backend pam_ldlm_slots.so) only when a
# login needs a slot: an exempt login's process never maps libgrpc, a login
# that asks the server does. Checked in /proc/PID/maps of held logins. No
# server needed: the address is a closed port with on_error=allow.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_init
pamt_empty_conf
port=$(pamt_closed_port) || pamt_fail "no free port"
pamt_service lazy mode=direct "conf=$PAMT_EMPTY_CONF" server=127.0.0.1:$port timeout=2 \
    on_error=allow max_sessions=1 exempt=bob

# maps_of ID : the memory map of a held login's process.
maps_of() {
    cat "/proc/${PAMT_HOLD_PID[$1]}/maps" 2> /dev/null ||
        pamt_fail "cannot read the maps of login '$1'"
}

pamt_hold exempt lazy bob || pamt_fail "exempt login refused"
maps=$(maps_of exempt)
grep -q 'pam_ldlm\.so' <<< "$maps" || pamt_fail "pam_ldlm.so is not mapped: the check is blind"
if grep -q -E 'libgrpc|pam_ldlm_slots' <<< "$maps"; then
    pamt_fail "an exempt login loaded gRPC or the slots backend"
fi
pamt_release exempt
pamt_log "ok: exempt login ran without gRPC"

pamt_hold asking lazy alice || pamt_fail "login refused (on_error=allow)"
maps=$(maps_of asking)
grep -q 'pam_ldlm_slots\.so' <<< "$maps" || pamt_fail "the slots backend was not loaded"
grep -q 'libgrpc' <<< "$maps" || pamt_fail "gRPC was not loaded by a login that asked the server"
pamt_release asking
pamt_expect_log 'on_error=allow: admitting user=alice'
pamt_log "ok: a login asking the server loaded the backend"

# Without its backend (a broken installation), a login that needs a slot is
# handled as a configuration error, with the reason logged (on_error=allow
# admits it here); no crash.
installed=$(strings "$PAMT_MODULE" | grep -m1 -E '/pam_ldlm_slots\.so$' || true)
if [ -n "$installed" ] && [ -e "$installed" ]; then
    pamt_log "an installed backend exists at $installed: the missing-backend case is not checked"
else
    mkdir "$PAMT_DIR/alone"
    cp "$PAMT_MODULE" "$PAMT_DIR/alone/pam_ldlm.so"
    args="mode=direct conf=$PAMT_EMPTY_CONF server=127.0.0.1:$port timeout=2 on_error=allow max_sessions=1"
    printf 'account required %s %s\nsession required %s %s\n' \
        "$PAMT_DIR/alone/pam_ldlm.so" "$args" "$PAMT_DIR/alone/pam_ldlm.so" "$args" \
        > "$PAMT_DIR/services/alone"
    pamt_run alone alice
    pamt_expect_code ACCOUNT PAM_SUCCESS
    pamt_expect_log 'configuration error: cannot load the slots backend: .*pam_ldlm_slots\.so.*; on_error=allow: admitting user=alice'
    pamt_run alone root
    pamt_expect_code ACCOUNT PAM_SUCCESS
    pamt_log "ok: a missing backend is a configuration error for logins that need a slot, root still gets in"
fi
