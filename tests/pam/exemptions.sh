#!/bin/sh
# SPDX-License-Identifier: MIT
# Decisions that need no LDLM server: root, exempt= users and groups,
# unlimited users, no limit configured, zero limits (also for user and
# group names with blanks, slashes and non-UTF-8 bytes), message texts. The server address
# is a closed port with on_error=deny, so any login that contacted the
# server would be refused: PAM_SUCCESS proves the server was left alone.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_init
pamt_empty_conf
port=$(pamt_closed_port) || pamt_fail "no free port"
base=("conf=$PAMT_EMPTY_CONF" server=127.0.0.1:$port timeout=2 on_error=deny)

# admitted SERVICE USER : both phases succeed, nothing said to the user.
admitted() {
    pamt_run --rhost 192.0.2.7 "$1" "$2"
    pamt_expect_code ACCOUNT PAM_SUCCESS
    pamt_expect_code OPEN_SESSION PAM_SUCCESS
    pamt_expect_code CLOSE_SESSION PAM_SUCCESS
    pamt_expect_no_out '^CONV'
    pamt_expect_no_log 'LDLM server'
    pamt_log "ok: $2 admitted by $1"
}

# needs_server SERVICE USER : the login went to the (down) server.
needs_server() {
    pamt_run --rhost 192.0.2.7 "$1" "$2"
    pamt_expect_code ACCOUNT PAM_PERM_DENIED
    pamt_expect_log "the LDLM server did not grant a slot .*on_error=deny: refusing user=$2 service=$1 rhost=192.0.2.7"
    pamt_log "ok: $2 needs the server under $1"
}

pamt_service limited mode=direct "${base[@]}" max_sessions=1 debug
admitted limited root
pamt_expect_log 'pam_ldlm\(limited:account\): user=root is exempt: uid 0'
# The session phase reuses the account phase's decision (no second lookup).
pamt_expect_log 'pam_ldlm\(limited:session\): session: already decided earlier'
pamt_expect_no_log 'pam_ldlm\(limited:session\): user=root is exempt'
admitted limited toor
needs_server limited alice

pamt_service deny_root mode=direct "${base[@]}" max_sessions=1 even_deny_root
needs_server deny_root root

pamt_service listed mode=direct "${base[@]}" max_sessions=1 exempt=carol,@staff
admitted listed carol
admitted listed erin   # member of staff
admitted listed dave   # staff is his primary group
needs_server listed alice

pamt_service unlimited mode=direct "${base[@]}" max_sessions=1 unlimited=@ops limit=bob:unlimited
admitted unlimited frank
admitted unlimited bob
needs_server unlimited alice

pamt_service nolimit mode=direct "${base[@]}"
admitted nolimit alice

# Pools still count unlimited users.
pamt_service pooled mode=direct "${base[@]}" unlimited=alice pool=@students:5
needs_server pooled alice
admitted pooled carol

# A limit of 0 refuses at once, without the server (even on_error=allow).
pamt_service zero mode=direct "conf=$PAMT_EMPTY_CONF" server=127.0.0.1:$port timeout=2 \
    on_error=allow limit=alice:0 pool=@admins:0
pamt_run --rhost 192.0.2.7 zero alice
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_no_step OPEN_SESSION
pamt_expect_out '^CONV ERROR_MSG Too many sessions for alice \(limit 0\): close one of your other sessions and try again\.$'
pamt_expect_log 'pam_ldlm\(zero:account\): denied user=alice limit=0 lock=pam_ldlm/user/alice/0 service=zero rhost=192.0.2.7: the limit is 0'
pamt_expect_within ACCOUNT 1000
pamt_run zero carol
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_out '^CONV ERROR_MSG Too many sessions for group admins \(limit 0\): try again later\.$'
pamt_expect_log 'denied user=carol limit=0 pool=@admins lock=pam_ldlm/group/admins/0 service=zero rhost=\(local\)'
pamt_log "ok: zero limits"

# Names with blanks, slashes and bytes that are not UTF-8 go through NSS,
# the rules, the lock name and the messages intact (the server is not
# needed to see that: limits of 0 refuse before contacting it).
pamt_add_passwd 'j doe/x\xff:x:3001:3001::/home/jdoe:/bin/sh'
pamt_add_group 'lab group/1:x:3001:'
pamt_service odd mode=direct "conf=$PAMT_EMPTY_CONF" server=127.0.0.1:$port max_sessions=0
pamt_run --rhost 192.0.2.8 odd $'j doe/x\xff'
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_out '^CONV ERROR_MSG Too many sessions for j doe/x\\xff \(limit 0\)'
pamt_expect_log 'denied user=j doe/x\\xff limit=0 lock=pam_ldlm/user/j%20doe%2Fx%FF/0 service=odd rhost=192\.0\.2\.8'
pamt_service odd_pool mode=direct "conf=$PAMT_EMPTY_CONF" server=127.0.0.1:$port "pool=@lab group/1:0"
pamt_run odd_pool $'j doe/x\xff'
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_out '^CONV ERROR_MSG Too many sessions for group lab group/1 \(limit 0\)'
pamt_expect_log 'pool=@lab group/1 lock=pam_ldlm/group/lab%20group%2F1/0 '
pamt_log "ok: odd names"

# The texts are configurable; PAM_SILENT silences them (not the refusal).
pamt_service custom mode=direct "conf=$PAMT_EMPTY_CONF" server=127.0.0.1:$port \
    limit=alice:0 "deny_message=No more sessions for %u: %l at most (100%%)"
pamt_run custom alice
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_out '^CONV ERROR_MSG No more sessions for alice: 0 at most \(100%\)$'
pamt_run --silent custom alice
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_no_out '^CONV'
pamt_log "ok: custom and silent messages"

# Users NSS does not know.
pamt_run limited nobody_here
pamt_expect_code ACCOUNT PAM_USER_UNKNOWN
pamt_expect_log 'user=nobody_here is unknown to NSS'

pamt_log "PASS"
