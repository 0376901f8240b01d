#!/bin/sh
# SPDX-License-Identifier: MIT
# Unknown or malformed settings: PAM_SERVICE_ERR and a log line that names
# the problem and where it is, in both phases, for every user (root too:
# with a broken configuration nobody can know who is exempt). Never a crash.
# No LDLM server needed.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_init
port=$(pamt_closed_port) || pamt_fail "no free port"
base=(server=127.0.0.1:$port timeout=2 on_error=allow max_sessions=2)

# refused NAME LOG-REGEX ARG... : the login is refused as a service error.
refused() {
    local name=$1 pattern=$2
    shift 2
    pamt_service "$name" "$@"
    pamt_run "$name" alice
    pamt_expect_code ACCOUNT PAM_SERVICE_ERR
    pamt_expect_no_step OPEN_SESSION
    pamt_expect_log "pam_ldlm\\($name:account\\): configuration error: .*$pattern"
    pamt_log "ok: $name"
}

# The base configuration itself is fine (and admits: server down, allow).
pamt_empty_conf
pamt_service good "conf=$PAMT_EMPTY_CONF" "${base[@]}"
pamt_run good alice
pamt_expect_code ACCOUNT PAM_SUCCESS

c="conf=$PAMT_EMPTY_CONF"
refused unknown_arg 'argument 6: frobnicate: unknown option' "$c" "${base[@]}" frobnicate=1
refused typo_flag 'even_deny_roots: unknown option' "$c" "${base[@]}" even_deny_roots
refused password_on_line 'password: unknown option' "$c" "${base[@]}" password=s3cret
refused bad_number 'max_sessions: "lots" is not a limit' "$c" "${base[@]}" max_sessions=lots
refused negative 'max_sessions: "-3" is not a limit' "$c" "${base[@]}" max_sessions=-3
refused limit_syntax 'limit: "alice" should be USER:N' "$c" "${base[@]}" limit=alice
refused limit_value 'limit: "many" is not a limit' "$c" "${base[@]}" limit=alice:many
refused pool_syntax 'pool: "alice:3" should be @GROUP:N' "$c" "${base[@]}" pool=alice:3
refused on_error_value 'on_error: "sometimes" is neither' "$c" "${base[@]}" on_error=sometimes
refused no_value 'exempt: needs a value' "$c" "${base[@]}" exempt
refused zero_timeout 'timeout: must be from 1' "$c" "${base[@]}" timeout=0
refused wait_vs_timeout 'leaves no time beyond wait=10' "$c" "${base[@]}" wait=10 timeout=3
refused placeholder "deny_message: unknown placeholder '%x'" "$c" "${base[@]}" "deny_message=Sorry %x"
refused half_tls 'cert= and key= must be given together' "$c" "${base[@]}" cert=/nonexistent.pem

# Problems in the file are reported with the file and line.
conf=$(pamt_file typo.conf 644 << 'CONF'
# a comment
max_sessions = 2

max_sesions = 3
CONF
)
refused file_unknown "$conf:4: max_sesions: unknown option" "conf=$conf" "${base[@]}"

conf=$(pamt_file syntax.conf 644 << 'CONF'
server = "127.0.0.1:1
CONF
)
refused file_syntax "$conf:1" "conf=$conf" "${base[@]}"

conf=$(printf 'lock_prefix = bad\377prefix/\n' | pamt_file utf8.conf 644)
refused file_utf8 "lock_prefix: not valid UTF-8" "conf=$conf" "${base[@]}"

conf=$(pamt_file nested.conf 644 <<< "conf = /etc/other.conf")
refused file_conf "$conf:1: conf: only valid as a module argument" "conf=$conf" "${base[@]}"

conf=$(pamt_file writable.conf 666 <<< "max_sessions = 2")
refused file_writable "writable by group or others" "conf=$conf" "${base[@]}"

# Owned by someone else than root: that user could exempt themselves.
conf=$(pamt_file foreign.conf 644 <<< "max_sessions = 2")
if chown 1001 "$conf" 2> /dev/null; then
    refused file_foreign_owner "owned by uid 1001, not by root" "conf=$conf" "${base[@]}"
else
    pamt_log "not root: the foreign-owner case is not checked"
fi

refused file_missing "$PAMT_DIR/no-such.conf" "conf=$PAMT_DIR/no-such.conf" "${base[@]}"

# root gets no pass on a broken configuration ...
pamt_service broken_for_root "$c" "${base[@]}" max_sessions=x
pamt_run broken_for_root root
pamt_expect_code ACCOUNT PAM_SERVICE_ERR

# ... and the session phase refuses the same way (stack without account).
pamt_service_session_only session_broken "$c" "${base[@]}" bogus
pamt_run session_broken alice
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_expect_code OPEN_SESSION PAM_SERVICE_ERR
pamt_expect_log 'pam_ldlm\(session_broken:session\): configuration error: .*bogus: unknown option'

pamt_log "PASS"
