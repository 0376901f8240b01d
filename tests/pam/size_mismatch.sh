#!/bin/sh
# SPDX-License-Identifier: MIT
# A size mismatch never admits a login. The limit is part of the lock name:
# an administrator who changes a limit while sessions are open gets the new
# limit at once, and no login meets a size mismatch. So a mismatch can only
# be tampering: someone with access to the server holds a user's (or a
# pool's) lock with another size, e.g. `ldlm lock pam_ldlm/user/bob/3 --size
# 1000`. The login is then refused even under on_error=allow (account:
# PAM_PERM_DENIED, session: PAM_SESSION_ERR), the user is told to ask an
# administrator and the log says it is tampering and what to do. Once the
# lock is gone, logins are counted again.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_require_server
pamt_init
pamt_empty_conf
LDLM=$LDLM_TEST_BUILDDIR/cli/ldlm
# Collect idle locks quickly so that the end of the story fits in a test.
ldlm_srv_start --lock_gc_interval 1s --lock_gc_min_idle 1s ||
    pamt_fail "the LDLM server did not start"
base=("conf=$PAMT_EMPTY_CONF" "server=$LDLM_SRV_ADDR" timeout=5)

# ---- a limit changed while sessions are open: in force at once ----
pamt_service old mode=direct "${base[@]}" on_error=deny max_sessions=2
pamt_service new mode=direct "${base[@]}" on_error=deny max_sessions=3
pamt_hold a1 old alice || pamt_fail "a1 refused"
pamt_hold a2 old alice || pamt_fail "a2 refused"
pamt_hold a3 old alice && pamt_fail "the old limit was not enforced"
for i in 1 2 3; do
    pamt_hold n$i new alice || pamt_fail "login n$i under the new limit 3 refused"
    pamt_expect_no_log 'tamper|size'
done
pamt_hold n4 --rhost 192.0.2.21 new alice && pamt_fail "the new limit 3 was not enforced"
pamt_expect_out '^CONV ERROR_MSG Too many sessions for alice \(limit 3\)'
pamt_expect_log 'denied user=alice limit=3 lock=pam_ldlm/user/alice/3 service=new rhost=192\.0\.2\.21: all slots are in use'
for id in a1 a2 n1 n2 n3; do pamt_release $id; done
pamt_log "ok: a changed limit is in force at once, without a size mismatch"

# ---- tampering ----
if [ ! -x "$LDLM" ]; then
    pamt_log "note: $LDLM is not built (--disable-cli): the tampering part is not checked"
    pamt_log "PASS"
    exit 0
fi

# tamper_hold ID NAME SIZE : holds NAME with SIZE through ldlm(1), as an
# intruder with access to the server would; released by tamper_release.
# Its stdin's only writer is a process of its own (a FIFO end held by this
# shell would be inherited by every later job, and never reach EOF).
declare -A TAMPER_PID=() TAMPER_WRITER=()
tamper_hold() {
    local in=$PAMT_DIR/tamper-$1.in out=$PAMT_DIR/tamper-$1.out ofd key
    mkfifo "$in" "$out"
    sleep 100000 > "$in" &
    TAMPER_WRITER[$1]=$!
    "$LDLM" --config "$PAMT_EMPTY_CONF" --server "$LDLM_SRV_ADDR" lock "$2" \
        --size "$3" < "$in" > "$out" 2> "$PAMT_DIR/tamper-$1.err" &
    TAMPER_PID[$1]=$!
    exec {ofd}< "$out"
    IFS= read -r -t 30 -u "$ofd" key ||
        pamt_fail "ldlm lock $2 --size $3 printed no key: $(cat "$PAMT_DIR/tamper-$1.err")"
    exec {ofd}<&-
}
tamper_release() {
    pamt_stop_pid "${TAMPER_WRITER[$1]}" # end of file on ldlm's stdin
    "$PAMT_TOOL" wait-exit "${TAMPER_PID[$1]}" 30000 ||
        pamt_fail "ldlm lock ($1) did not end at end of file"
    wait "${TAMPER_PID[$1]}" || pamt_fail "ldlm lock ($1) failed: $(cat "$PAMT_DIR/tamper-$1.err")"
    unset "TAMPER_PID[$1]" "TAMPER_WRITER[$1]"
}
stop_tamperers() {
    local id
    for id in "${!TAMPER_PID[@]}"; do
        pamt_stop_pid "${TAMPER_PID[$id]}"
        pamt_stop_pid "${TAMPER_WRITER[$id]}"
    done
}
pamt_on_cleanup stop_tamperers

pamt_service allow mode=direct "${base[@]}" on_error=allow max_sessions=3
pamt_service_session_only allow_session mode=direct "${base[@]}" on_error=allow max_sessions=3
tamper_hold bob pam_ldlm/user/bob/3 1000

pamt_run --rhost 192.0.2.20 allow bob
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_no_step OPEN_SESSION
pamt_expect_out '^CONV ERROR_MSG Login refused: the session lock of user bob on the lock server has been tampered with\. Please tell your administrator, who can free it on the lock server\.$'
pamt_expect_log 'pam_ldlm\(allow:account\): tampering: lock pam_ldlm/user/bob/3 exists on the LDLM server with a size other than 3, .*Refusing user=bob service=allow rhost=192\.0\.2\.20, whatever on_error says\. .*ldlm-lock unlock pam_ldlm/user/bob/3.*lock_prefix=.*SECURITY in pam_ldlm\.conf\(5\)'
pamt_expect_no_log 'on_error=allow: admitting'
pamt_run allow_session bob
pamt_expect_code OPEN_SESSION PAM_SESSION_ERR
pamt_expect_log 'pam_ldlm\(allow_session:session\): tampering: lock pam_ldlm/user/bob/3'
pamt_log "ok: a tampered user lock refuses the login under on_error=allow"

# A pool's lock the same way.
pamt_service pool mode=direct "${base[@]}" on_error=allow pool=@students:5
tamper_hold pool pam_ldlm/group/students/5 2
pamt_run pool alice
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_out '^CONV ERROR_MSG Login refused: the session lock of group students on the lock server has been tampered with\.'
pamt_expect_log 'tampering: lock pam_ldlm/group/students/5 exists on the LDLM server with a size other than 5'
pamt_log "ok: a tampered pool lock refuses the login"

# Once the intruder's holds are gone (and the server has collected the
# idle locks), logins are counted again.
tamper_release bob
tamper_release pool
pamt_hold_eventually b1 30 allow bob
pamt_expect_no_log 'tampering'
pamt_release b1
pamt_hold_eventually p1 30 pool alice
pamt_release p1
pamt_log "ok: counted again once the tampered locks are gone"

pamt_log "PASS"
