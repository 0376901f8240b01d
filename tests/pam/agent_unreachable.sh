#!/bin/sh
# SPDX-License-Identifier: MIT
# mode=agent without a working ldlmd: no socket, or a socket where nobody
# answers. Each is an on_error case, decided within timeout= (measured):
# on_error=deny shows the error template and nothing else, on_error=allow
# admits without a word on the terminal; the detail goes to the log. A
# broken configuration admits root (unless even_deny_root) without asking
# ldlmd at all. No server is needed.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_init
pamt_empty_conf
none=$PAMT_DIR/none/ldlmd.sock
hung=$PAMT_DIR/hung.sock

# ---- no ldlmd: refused at once ----
pamt_service deny mode=agent "agent_socket=$none" "conf=$PAMT_EMPTY_CONF" \
    max_sessions=2 on_error=deny timeout=2 "error_message=No slot service for %u."
pamt_service allow mode=agent "agent_socket=$none" "conf=$PAMT_EMPTY_CONF" \
    max_sessions=2 on_error=allow timeout=2
pamt_run --rhost 192.0.2.9 deny alice
pamt_expect_code ACCOUNT PAM_PERM_DENIED
[ "$PAMT_OUT" = "$(printf 'CONV ERROR_MSG No slot service for alice.\nACCOUNT PAM_PERM_DENIED %s\nEND PAM_SUCCESS' "$(pamt_ms ACCOUNT)")" ] ||
    pamt_fail "the terminal shows more than the error template"
pamt_expect_log "no answer from ldlmd, the host.s session agent \\(ldlmd at $none: ldlmd is unreachable: .*\\); on_error=deny: refusing user=alice service=deny rhost=192\\.0\\.2\\.9"
pamt_expect_within ACCOUNT 500
pamt_run allow alice
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_expect_code OPEN_SESSION PAM_SUCCESS
pamt_expect_no_out '^CONV'
pamt_expect_log 'on_error=allow: admitting user=alice service=allow rhost=\(local\) without a session slot'
pamt_log "ok: no ldlmd: on_error decides at once ($(pamt_ms ACCOUNT) ms)"

# ---- a socket where nobody answers: decided by timeout= ----
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(64)
print("ready", flush=True)
time.sleep(600)
' "$hung" > "$PAMT_DIR/hung.out" 2>&1 &
hung_pid=$!
pamt_on_cleanup "pamt_stop_pid $hung_pid"
for _ in $(seq 100); do
    grep -q ready "$PAMT_DIR/hung.out" 2> /dev/null && break
    "$PAMT_TOOL" wait-exit "$hung_pid" 50 2> /dev/null && pamt_fail "the silent listener died: $(cat "$PAMT_DIR/hung.out")"
done
grep -q ready "$PAMT_DIR/hung.out" || pamt_fail "the silent listener did not start"
for t in 1 3; do
    pamt_service hung$t mode=agent "agent_socket=$hung" "conf=$PAMT_EMPTY_CONF" \
        max_sessions=2 on_error=deny timeout=$t
    pamt_run hung$t alice
    pamt_expect_code ACCOUNT PAM_PERM_DENIED
    pamt_expect_log "no answer from ldlmd, the host.s session agent \\(ldlmd at $hung: ldlmd did not answer in time"
    ms=$(pamt_ms ACCOUNT)
    [ "$ms" -ge $((t * 1000 - 100)) ] || pamt_fail "timeout=$t: decided after $ms ms, before the deadline"
    pamt_expect_within ACCOUNT $((t * 1000 + 500))
    pamt_log "ok: a silent ldlmd: timeout=$t decided in $ms ms"
done

# ---- a broken configuration: root admitted without ldlmd, others get
# on_error ----
pamt_service broken mode=agent "agent_socket=$hung" "conf=$PAMT_EMPTY_CONF" \
    max_sessions=x on_error=deny timeout=3
pamt_run broken root
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_expect_within ACCOUNT 500
pamt_expect_log 'root is never locked out by a broken configuration'
pamt_run broken alice
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_within ACCOUNT 500
pamt_log "ok: a broken configuration admits root and refuses others, without ldlmd"

# ---- bad values of the new settings are configuration errors ----
pamt_service badmode "mode=proxy" "conf=$PAMT_EMPTY_CONF" max_sessions=1 on_error=deny
pamt_run badmode alice
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_log 'mode: "proxy" is neither "agent" nor "direct"'
pamt_service badsock mode=agent "agent_socket=relative.sock" "conf=$PAMT_EMPTY_CONF" max_sessions=1 on_error=deny
pamt_run badsock alice
pamt_expect_log 'agent_socket: "relative.sock" is not an absolute path'
pamt_log "PASS"
