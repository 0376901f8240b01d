#!/bin/sh
# SPDX-License-Identifier: MIT
# password_file=: refused as a configuration error (log line, then the
# on_error decision: refused here) unless a regular file owned by root with
# no group or world permission; the password itself never appears anywhere.
# No LDLM server needed: an accepted file shows by the login going on to the
# (unreachable) server and on_error=deny.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_init
pamt_empty_conf
port=$(pamt_closed_port) || pamt_fail "no free port"
secret=Pw-$$-never-printed

login_with() {
    pamt_service pw mode=direct "conf=$PAMT_EMPTY_CONF" server=127.0.0.1:$port timeout=2 \
        on_error=deny max_sessions=2 "password_file=$1"
    pamt_run pw "${2:-alice}"
    case "$PAMT_OUT$PAMT_ERR" in
    *"$secret"*) pamt_fail "the password was printed" ;;
    esac
}

refused() {
    login_with "$1"
    pamt_expect_code ACCOUNT PAM_PERM_DENIED
    pamt_expect_log "configuration error: password_file: .*$2.*; on_error=deny: refusing user=alice"
    pamt_expect_no_log 'the LDLM server did not grant'
    pamt_log "ok: refused $1"
}

pw=$(printf '%s\n' "$secret" | pamt_file group-readable 640)
refused "$pw" "$(basename "$pw")"
pw=$(printf '%s\n' "$secret" | pamt_file world-readable 604)
refused "$pw" "$(basename "$pw")"
pw=$(printf '%s\n' "$secret" | pamt_file group-writable 620)
refused "$pw" "$(basename "$pw")"
refused "$PAMT_DIR/absent" absent
mkdir "$PAMT_DIR/a-directory"
refused "$PAMT_DIR/a-directory" a-directory

if [ "$(id -u)" = 0 ]; then
    # Owned by someone other than root, even with mode 0600.
    pw=$(printf '%s\n' "$secret" | pamt_file other-owner 600)
    chown 1001 "$pw"
    refused "$pw" other-owner

    # Owned by root, mode 0600: accepted; the login then needs the server,
    # which is down here, so on_error=deny refuses (not a service error).
    pw=$(printf '%s\n' "$secret" | pamt_file good 600)
    login_with "$pw"
    pamt_expect_code ACCOUNT PAM_PERM_DENIED
    pamt_expect_no_log 'configuration error'
    pamt_expect_log 'the LDLM server did not grant a slot .*on_error=deny'
    pamt_log "ok: root-owned 0600 file accepted"
else
    # Not root: every file we can create is owned by us, hence refused.
    pw=$(printf '%s\n' "$secret" | pamt_file mine 600)
    refused "$pw" mine
    pamt_log "note: the accepted-file case needs root (a root-owned file)"
fi

# Users the module does not limit never need the server, nor the password.
pw=$(printf '%s\n' "$secret" | pamt_file unused 644)
login_with "$pw" root
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_expect_code OPEN_SESSION PAM_SUCCESS

pamt_log "PASS"
