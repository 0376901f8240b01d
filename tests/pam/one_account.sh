#!/bin/sh
# SPDX-License-Identifier: MIT
# One account, one lock. An NSS source that answers several spellings for
# one account (tests/pam/nss_spellings.c, loaded by nss_wrapper's module
# support, as SSSD with case_sensitive=false or winbind would): ALICE,
# Alice, alice@example.com and EXAMPLE\alice are all the account alice.
# Every spelling counts against alice's one lock and limit, is named alice
# in the logs and messages, and matches the rules written for alice; none
# escapes them. Against the real LDLM server.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_init_with_server
c="conf=$PAMT_EMPTY_CONF"
srv="server=$LDLM_SRV_ADDR"
module=$LDLM_TEST_BUILDDIR/tests/pam/.libs/libnss_spellings.so

pamt_service svc mode=direct "$c" "$srv" timeout=5 on_error=deny max_sessions=2 limit=bob:1 debug

# The files alone know no ALICE: the NSS source is what makes it alice.
pamt_run svc ALICE
pamt_expect_code ACCOUNT PAM_USER_UNKNOWN
pamt_nss_module "$module" spellings

# ---- every spelling is one account with one lock ----
pamt_hold s1 svc ALICE || pamt_fail "ALICE refused"
pamt_expect_log 'PAM_USER ALICE is the account alice'
pamt_expect_log 'user=alice holds 1 slot\(s\), first pam_ldlm/user/alice/2 '
pamt_hold s2 --rhost 192.0.2.31 svc alice@example.com || pamt_fail "alice@example.com refused"
for spelling in Alice 'EXAMPLE\alice' alice; do
    pamt_hold s3 --rhost 192.0.2.32 svc "$spelling" &&
        pamt_fail "$spelling was admitted beyond alice's limit of 2"
    pamt_expect_code ACCOUNT PAM_PERM_DENIED
    pamt_expect_out '^CONV ERROR_MSG Too many sessions for alice \(limit 2\)'
    pamt_expect_log 'denied user=alice limit=2 lock=pam_ldlm/user/alice/2 service=svc rhost=192\.0\.2\.32: all slots are in use'
    pamt_expect_no_log 'user=(Alice|ALICE|alice@|EXAMPLE)'
done
pamt_release s1
pamt_hold s4 svc Alice || pamt_fail "Alice refused once one of alice's sessions ended"
pamt_release s2
pamt_release s4
pamt_log "ok: ALICE, Alice, alice@example.com, EXAMPLE\\alice and alice share one lock"

# ---- the rules name the account ----
pamt_hold b1 svc BOB || pamt_fail "BOB refused"
pamt_expect_log 'pam_ldlm/user/bob/1 \(limit 1, a rule naming the user\)'
pamt_hold b2 svc bob@Example.COM && pamt_fail "bob@Example.COM escaped limit=bob:1"
pamt_expect_out 'Too many sessions for bob \(limit 1\)'
pamt_release b1

# exempt= too: an exempt account is exempt whatever its spelling (the
# server is a closed port with on_error=deny: asking it would refuse).
port=$(pamt_closed_port) || pamt_fail "no free port"
pamt_service exempt mode=direct "$c" server=127.0.0.1:$port timeout=2 on_error=deny \
    max_sessions=1 exempt=alice
for spelling in ALICE alice@example.com; do
    pamt_run exempt "$spelling"
    pamt_expect_code ACCOUNT PAM_SUCCESS
    pamt_expect_code OPEN_SESSION PAM_SUCCESS
done
pamt_run exempt BOB
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_log 'on_error=deny: refusing user=bob '
pamt_log "ok: rules and exemptions apply to every spelling"

pamt_log "PASS"
