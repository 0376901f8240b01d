#!/bin/sh
# SPDX-License-Identifier: MIT
# An administrator changes a limit while sessions hold the old one. The
# server fixes a lock's size while the lock exists, so a login configured
# with the new limit gets LockSizeMismatch: it is handled per on_error with
# a log line saying why, hosts still on the old limit keep enforcing it, and
# once every old session has closed (and the server has collected the idle
# lock) the new limit takes over.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_require_server
pamt_init
pamt_empty_conf
# Collect idle locks quickly so that the end of the story fits in a test.
ldlm_srv_start --lock_gc_interval 1s --lock_gc_min_idle 1s ||
    pamt_fail "the LDLM server did not start"
base=("conf=$PAMT_EMPTY_CONF" "server=$LDLM_SRV_ADDR" timeout=5)

pamt_service old "${base[@]}" on_error=deny max_sessions=2
pamt_service new_deny "${base[@]}" on_error=deny max_sessions=3
pamt_service new_allow "${base[@]}" on_error=allow max_sessions=3

pamt_hold a1 old alice || pamt_fail "a1 refused"

pamt_run --rhost 192.0.2.3 new_deny alice
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_log 'lock pam_ldlm/user/alice exists on the server with a size other than the configured limit 3: the limit was changed while sessions counted under the old one were open, and the server keeps the old size until all of them have closed .*; on_error=deny: refusing user=alice service=new_deny rhost=192\.0\.2\.3'
pamt_expect_out '^CONV ERROR_MSG Session limits cannot be checked right now'

pamt_run new_allow alice
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_expect_log 'size other than the configured limit 3.*on_error=allow: admitting user=alice'

# Hosts still configured with the old limit enforce it.
pamt_hold a2 old alice || pamt_fail "a2 refused under the old limit"
pamt_hold a3 old alice && pamt_fail "the old limit was not enforced"

# All old sessions end; once the idle lock is collected the new limit rules.
pamt_release a1
pamt_release a2
pamt_hold_eventually n1 30 new_deny alice
pamt_hold n2 new_deny alice || pamt_fail "n2 refused under the new limit 3"
pamt_hold n3 new_deny alice || pamt_fail "n3 refused under the new limit 3"
pamt_hold n4 new_deny alice && pamt_fail "the new limit 3 was not enforced"
for id in n1 n2 n3; do pamt_release $id; done

pamt_log "PASS"
