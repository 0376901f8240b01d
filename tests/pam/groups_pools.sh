#!/bin/sh
# SPDX-License-Identifier: MIT
# Per-group limits, group pools, exemptions and root, against the real LDLM
# server, with users and groups that exist only in this test.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_init_with_server
c="conf=$PAMT_EMPTY_CONF"
srv="server=$LDLM_SRV_ADDR"
# All sections share one server; each section has a lock namespace of its
# own so that the sessions of one never count in another (a lock's name has
# the limit in it, so equal limits would share a lock); the pool keeps the
# default one, whose lock names it checks.

# hold_n PREFIX N SERVICE USER : N logins of USER, all admitted.
hold_n() {
    local i
    for ((i = 1; i <= $2; i++)); do
        pamt_hold "$1$i" "$3" "$4" || pamt_fail "$4's login $i of $2 refused"
    done
}

release_n() {
    local i
    for ((i = 1; i <= $2; i++)); do pamt_release "$1$i"; done
}

# ---- per-group limits: the most generous group, a user rule above all ----
pamt_service groups mode=direct "$c" "$srv" lock_prefix=groups/ on_error=deny \
    max_sessions=1 limit=@students:2,@admins:3 limit=frank:1
hold_n b 2 groups bob       # students: 2
pamt_hold b3 groups bob && pamt_fail "bob admitted beyond the students limit"
pamt_expect_out 'Too many sessions for bob \(limit 2\)'
hold_n c 3 groups carol     # admins: 3
pamt_hold c4 groups carol && pamt_fail "carol admitted beyond the admins limit"
hold_n e 1 groups erin      # no group rule: max_sessions
pamt_hold e2 groups erin && pamt_fail "erin admitted beyond max_sessions"
hold_n f 1 groups frank     # students, but his own rule says 1
pamt_hold f2 groups frank && pamt_fail "frank admitted beyond his own limit"
release_n b 2; release_n c 3; release_n e 1; release_n f 1
pamt_log "ok: per-group limits"

# ---- a pool: all students share 3 sessions, each user at most 2 ----
pamt_service pool mode=direct "$c" "$srv" on_error=deny max_sessions=2 pool=@students:3
hold_n a 2 pool alice
hold_n b 1 pool bob
pamt_hold f1 --rhost 192.0.2.99 pool frank && pamt_fail "frank admitted into a full pool"
pamt_expect_out '^CONV ERROR_MSG Too many sessions for group students \(limit 3\): try again later\.$'
pamt_expect_log 'denied user=frank limit=3 pool=@students lock=pam_ldlm/group/students/3 service=pool rhost=192\.0\.2\.99: all slots are in use'
# Non-members are not in the pool.
hold_n e 2 pool erin
release_n e 2
# A freed pool slot admits frank; his own slot from the refused attempt was
# given back, so he can then reach his own limit of 2 once the pool allows.
pamt_release b1
hold_n f 1 pool frank
release_n a 2
hold_n g 1 pool frank       # frank's 2nd (pool now: frank x2)
pamt_hold g2 pool frank && pamt_fail "frank admitted beyond his own limit"
pamt_expect_out 'Too many sessions for frank \(limit 2\)'
pamt_release f1; pamt_release g1
pamt_log "ok: group pool"

# ---- exemptions and root ----
pamt_service exempt mode=direct "$c" "$srv" on_error=deny max_sessions=1 exempt=@staff
hold_n x 3 exempt erin      # staff member: no limit
hold_n r 3 exempt root
release_n x 3; release_n r 3
pamt_service strict mode=direct "$c" "$srv" lock_prefix=strict/ on_error=deny \
    max_sessions=1 even_deny_root
hold_n r 1 strict root
pamt_hold r2 strict root && pamt_fail "root admitted beyond the limit with even_deny_root"
pamt_expect_out 'Too many sessions for root \(limit 1\)'
release_n r 1
pamt_log "ok: exemptions and root"

pamt_log "PASS"
