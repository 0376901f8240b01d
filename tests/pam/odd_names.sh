#!/bin/sh
# SPDX-License-Identifier: MIT
# User and group names with spaces, slashes and bytes that are not UTF-8
# get their own valid lock names on the real LDLM server: limits hold, and
# a user whose name looks like another's encoded name is counted apart.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_init_with_server

odd=$'j doe/x\xff'          # space, slash, a byte that is not UTF-8
lookalike='j%20doe%2Fx%FF'  # a different user: the encoding of $odd
pamt_add_passwd 'j doe/x\xff:x:3001:3001::/home/jdoe:/bin/sh'
pamt_add_passwd 'j%20doe%2Fx%FF:x:3002:3001::/home/jdoe2:/bin/sh'
pamt_add_group 'lab group/1:x:3001:'

pamt_service odd mode=direct "conf=$PAMT_EMPTY_CONF" "server=$LDLM_SRV_ADDR" timeout=5 \
    on_error=deny max_sessions=2 "pool=@lab group/1:3"

pamt_hold o1 odd "$odd" || pamt_fail "first login of the odd name refused"
pamt_hold o2 --rhost 192.0.2.5 odd "$odd" || pamt_fail "second login refused"
pamt_hold o3 --rhost 192.0.2.5 odd "$odd" && pamt_fail "the odd name exceeded its limit"
pamt_expect_out '^CONV ERROR_MSG Too many sessions for j doe/x\\xff \(limit 2\)'
pamt_expect_log 'denied user=j doe/x\\xff limit=2 lock=pam_ldlm/user/j%20doe%2Fx%FF/2 service=odd rhost=192\.0\.2\.5'

# The look-alike has its own lock (pam_ldlm/user/j%2520doe%252Fx%25FF/2) ...
pamt_hold l1 odd "$lookalike" || pamt_fail "the look-alike shares the odd name's lock"
# ... but shares the pool of their common primary group, now full (3).
pamt_hold l2 odd "$lookalike" && pamt_fail "the pool with an odd name was not enforced"
pamt_expect_out 'Too many sessions for group lab group/1 \(limit 3\)'
pamt_expect_log 'lock=pam_ldlm/group/lab%20group%2F1/3'

for id in o1 o2 l1; do pamt_release $id; done
pamt_log "PASS"
