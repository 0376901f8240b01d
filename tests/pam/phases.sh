#!/bin/sh
# SPDX-License-Identifier: MIT
# Each phase returns only the codes its manual page documents: account
# (pam_sm_acct_mgmt(3)) PAM_SUCCESS, PAM_PERM_DENIED or PAM_USER_UNKNOWN;
# session (pam_sm_open_session(3), pam_sm_close_session(3)) PAM_SUCCESS or
# PAM_SESSION_ERR; whatever happens: admitted, a full limit, a zero limit,
# the server down, a configuration error, an unknown user, no user at all.
# And the module never prompts: PAM_USER is read with pam_get_item, so a
# transaction without a user shows no prompt. Against the real LDLM server.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_init_with_server
port=$(pamt_closed_port) || pamt_fail "no free port"
c="conf=$PAMT_EMPTY_CONF"
up=("$c" "server=$LDLM_SRV_ADDR" timeout=5 max_sessions=1)
down=("$c" server=127.0.0.1:$port timeout=1 max_sessions=1)

# documented_only : every step of the last run returned a code its phase
# may return.
documented_only() {
    local step code
    while read -r step code _; do
        case $step:$code in
        ACCOUNT:PAM_SUCCESS | ACCOUNT:PAM_PERM_DENIED | ACCOUNT:PAM_USER_UNKNOWN) ;;
        OPEN_SESSION:PAM_SUCCESS | OPEN_SESSION:PAM_SESSION_ERR) ;;
        CLOSE_SESSION:PAM_SUCCESS | CLOSE_SESSION:PAM_SESSION_ERR) ;;
        ACCOUNT:* | OPEN_SESSION:* | CLOSE_SESSION:*)
            pamt_fail "$step returned $code, which its phase does not document" ;;
        esac
    done <<< "$PAMT_OUT"
    pamt_expect_no_out '^CONV PROMPT'
}

# case NAME USER ACCOUNT-CODE SESSION-CODE ARG... : the same configuration
# in a stack with pam_ldlm in account (the account code) and in one without
# (the session phase decides: the session code).
case_() {
    local name=$1 user=$2 account=$3 session=$4
    shift 4
    pamt_service "$name" mode=direct "$@"
    pamt_service_session_only "${name}_s" mode=direct "$@"
    pamt_run "$name" "$user"
    documented_only
    pamt_expect_code ACCOUNT "$account"
    pamt_run "${name}_s" "$user"
    documented_only
    pamt_expect_code OPEN_SESSION "$session"
    if [ "$session" = PAM_SUCCESS ]; then
        pamt_expect_code CLOSE_SESSION PAM_SUCCESS
    fi
    pamt_log "ok: $name: account $account, session $session"
}

case_ admitted alice PAM_SUCCESS PAM_SUCCESS "${up[@]}" on_error=deny
case_ exempt root PAM_SUCCESS PAM_SUCCESS "${up[@]}" on_error=deny
case_ zero alice PAM_PERM_DENIED PAM_SESSION_ERR "${up[@]}" limit=alice:0
case_ down_deny alice PAM_PERM_DENIED PAM_SESSION_ERR "${down[@]}" on_error=deny
case_ down_allow alice PAM_SUCCESS PAM_SUCCESS "${down[@]}" on_error=allow
case_ broken alice PAM_PERM_DENIED PAM_SESSION_ERR "${down[@]}" on_error=deny bogus
case_ broken_root root PAM_SUCCESS PAM_SUCCESS "${down[@]}" on_error=deny bogus
case_ unknown nobody_here PAM_USER_UNKNOWN PAM_SESSION_ERR "${up[@]}" on_error=deny
case_ unknown_broken nobody_here PAM_USER_UNKNOWN PAM_SESSION_ERR "${down[@]}" bogus

# A full limit (bob holds his only slot).
pamt_hold b1 admitted bob || pamt_fail "bob refused"
pamt_run admitted bob
documented_only
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_run admitted_s bob
documented_only
pamt_expect_code OPEN_SESSION PAM_SESSION_ERR
pamt_release b1
pamt_log "ok: full: account PAM_PERM_DENIED, session PAM_SESSION_ERR"

# No user at all: nothing is asked of the user, the phase says who is
# missing in its own code.
pamt_run --no-user admitted -
documented_only
pamt_expect_code ACCOUNT PAM_USER_UNKNOWN
pamt_expect_no_out '^CONV'
pamt_expect_log 'pam_ldlm\(admitted:account\): account: PAM_USER is not set'
pamt_run --no-user admitted_s -
documented_only
pamt_expect_code OPEN_SESSION PAM_SESSION_ERR
pamt_expect_no_out '^CONV'
pamt_expect_log 'pam_ldlm\(admitted_s:session\): session: PAM_USER is not set'
pamt_log "ok: no user: no prompt, PAM_USER_UNKNOWN / PAM_SESSION_ERR"

pamt_log "PASS"
