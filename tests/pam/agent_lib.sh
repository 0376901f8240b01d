# SPDX-License-Identifier: MIT
# agent_lib.sh - shared by the pam_ldlm tests of mode=agent (bash; source
# it instead of pam_lib.sh). Logins are pam_lib.sh's (pam_driver under
# pam_wrapper and nss_wrapper); the real server and the ldlmd instances,
# one per simulated host, are tests/ldlmd/lib.sh's (start_server,
# host_start NAME, host_sock NAME, host_kill NAME, slot_free LOCK SIZE,
# wait_slot_free LOCK SIZE MS, ...). Skips (77) without a server.
#
#   . "$LDLM_TEST_SRCDIR/tests/pam/agent_lib.sh"
#   start_server
#   host_start a
#   agent_service svc a max_sessions=2 on_error=deny
#   pamt_hold one svc alice
#
# Everything is stopped and removed at exit: held logins first, then the
# ldlmd instances and the server.
[ -n "${BASH_VERSION:-}" ] || {
    echo "agent_lib.sh needs bash" >&2
    exit 1
}
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
. "$LDLM_TEST_SRCDIR/tests/ldlmd/lib.sh"
pamt_init
# After pamt_init, whose trap replaces lib.sh's: its cleanup (ldlmd
# instances, the server, $T) runs once the held logins are stopped.
pamt_on_cleanup cli_cleanup
pamt_empty_conf

# agent_service NAME HOST ARG... : pam_ldlm in the account and session
# stacks of NAME, in mode=agent with the ldlmd of HOST; the connection
# settings are ldlmd's (its --config), none are given to the module.
agent_service() {
    local name=$1 host=$2
    shift 2
    pamt_service "$name" mode=agent "agent_socket=$(host_sock "$host")" \
        "conf=$PAMT_EMPTY_CONF" "$@"
}

# agent_token : the token that the last held login reported with
# --report-env LDLM_SESSION_TOKEN.
agent_token() {
    printf '%s\n' "$PAMT_OUT" | awk '$1 == "ENV" && $2 == "LDLM_SESSION_TOKEN" { print $3; exit }'
}

# agent_sessions HOST : `ldlm sessions --json` of HOST into $T/out.
agent_sessions() {
    run_ldlm sessions --json --socket "$(host_sock "$1")"
    expect_status 0
}
