#!/bin/sh
# SPDX-License-Identifier: MIT
# Which services count is the administrator's choice: services= lists the
# PAM services whose logins count, ignore_services= those whose logins
# never do (cron, sudo, systemd-user). A login that does not count is
# admitted without NSS or the server and holds no slot; the others are
# limited as usual. Against the real LDLM server.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_init_with_server
port=$(pamt_closed_port) || pamt_fail "no free port"

# One configuration file shared by every service, as in /etc/pam.d/common-*.
conf=$(pamt_file services.conf 644 << CONF
insecure_no_password
server = $LDLM_SRV_ADDR
timeout = 5
on_error = deny
max_sessions = 1
ignore_services = cron, sudo
ignore_services = systemd-user
debug
CONF
)
for svc in sshd login cron sudo systemd-user; do
    pamt_service "$svc" mode=direct "conf=$conf"
done

pamt_hold s1 sshd alice || pamt_fail "alice's first ssh login refused"
pamt_hold s2 login alice && pamt_fail "login was not counted"
pamt_expect_out 'Too many sessions for alice \(limit 1\)'
for svc in cron sudo systemd-user; do
    pamt_hold x-$svc $svc alice || pamt_fail "$svc was counted (alice is full)"
    pamt_expect_log "pam_ldlm\\($svc:account\\): account: service $svc does not count"
    pamt_expect_no_log 'holds [0-9]+ slot'
done
# Ignored logins hold nothing: closing them frees nothing, and alice is
# still full until her ssh session ends.
for svc in cron sudo systemd-user; do pamt_release x-$svc; done
pamt_hold s3 sshd alice && pamt_fail "an ignored login freed a slot"
pamt_release s1
pamt_hold s4 login alice || pamt_fail "alice refused after her ssh session ended"
pamt_release s4
pamt_log "ok: ignore_services= (cron, sudo, systemd-user) does not count"

# services=: only the listed ones count. Unlisted services never reach the
# server (a closed port with on_error=deny would refuse them).
pamt_service only_sshd mode=direct "conf=$PAMT_EMPTY_CONF" server=127.0.0.1:$port \
    timeout=2 on_error=deny max_sessions=1 services=only_sshd,only_login
pamt_service other_svc mode=direct "conf=$PAMT_EMPTY_CONF" server=127.0.0.1:$port \
    timeout=2 on_error=deny max_sessions=1 services=only_sshd,only_login
pamt_run other_svc alice
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_expect_code OPEN_SESSION PAM_SUCCESS
pamt_expect_no_log 'LDLM server'
pamt_run only_sshd alice
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_log 'the LDLM server did not grant a slot'
# An unknown user of a service that does not count: not even NSS is asked.
pamt_run other_svc nobody_here
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_log "ok: services= counts only the services listed"

pamt_log "PASS"
