#!/bin/sh
# SPDX-License-Identifier: MIT
# TLS, mutual TLS and password authentication against the real LDLM server:
# the limit is enforced over each; each misconfiguration is refused in the
# right way (a server error or a configuration error, then on_error=deny).
# The TLS key gets the password file's checks; skip_verify with a password
# needs insecure_skip_verify_with_password.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_require_server
pamt_init
pamt_empty_conf
ldlm_srv_certs || pamt_fail "no TLS material"
c="conf=$PAMT_EMPTY_CONF"

# enforced SERVICE : one login admitted, a second refused for the limit.
enforced() {
    pamt_hold t1 "$1" alice || pamt_fail "$1: login refused"
    pamt_hold t2 "$1" alice && pamt_fail "$1: limit not enforced"
    pamt_expect_out 'Too many sessions for alice \(limit 1\)'
    pamt_release t1
    pamt_log "ok: $1"
}

# server_error SERVICE REGEX : refused under on_error=deny, reason logged.
server_error() {
    pamt_run "$1" alice
    pamt_expect_code ACCOUNT PAM_PERM_DENIED
    pamt_expect_log "did not grant a slot .*$2.*on_error=deny"
    pamt_log "ok: $1 refused"
}

# config_error SERVICE REGEX : a configuration error, then on_error=deny;
# the server is not asked.
config_error() {
    pamt_run "$1" alice
    pamt_expect_code ACCOUNT PAM_PERM_DENIED
    pamt_expect_log "configuration error: .*$2"
    pamt_expect_log "configuration error.*; on_error=deny: refusing user=alice"
    pamt_expect_no_log 'did not grant a slot'
    pamt_log "ok: $1 refused as a configuration error"
}

# ---- server-side TLS ----
ldlm_srv_start --tls_cert "$LDLM_SRV_SERVER_CERT" --tls_key "$LDLM_SRV_SERVER_KEY" ||
    pamt_fail "the TLS server did not start"
common=("$c" "server=$LDLM_SRV_ADDR" timeout=5 max_sessions=1 on_error=deny)
pamt_service tls mode=direct "${common[@]}" tls "ca_file=$LDLM_SRV_CA"
enforced tls
pamt_service tls_skip mode=direct "${common[@]}" tls skip_verify
enforced tls_skip
pamt_service tls_other_ca mode=direct "${common[@]}" tls "ca_file=$LDLM_SRV_OTHER_CA"
server_error tls_other_ca ''
pamt_service plain_to_tls mode=direct "${common[@]}"
server_error plain_to_tls ''
pamt_service tls_missing_ca mode=direct "${common[@]}" tls "ca_file=$PAMT_DIR/none.pem"
config_error tls_missing_ca 'none\.pem'
ldlm_srv_stop

# ---- mutual TLS ----
ldlm_srv_start --tls_cert "$LDLM_SRV_SERVER_CERT" --tls_key "$LDLM_SRV_SERVER_KEY" \
    --client_ca "$LDLM_SRV_CA" || pamt_fail "the mTLS server did not start"
pamt_service mtls mode=direct "${common[@]}" tls "ca_file=$LDLM_SRV_CA" \
    "cert=$LDLM_SRV_CLIENT_CERT" "key=$LDLM_SRV_CLIENT_KEY"
enforced mtls
pamt_service mtls_no_cert mode=direct "${common[@]}" tls "ca_file=$LDLM_SRV_CA"
server_error mtls_no_cert ''

# The client key: owned by root, no access for group or others, not a
# symbolic link; checked on the open file, which is the one used.
mtls_key() { # SERVICE KEY
    pamt_service "$1" mode=direct "${common[@]}" tls "ca_file=$LDLM_SRV_CA" \
        "cert=$LDLM_SRV_CLIENT_CERT" "key=$2"
}
key=$(pamt_file open.key 644 < "$LDLM_SRV_CLIENT_KEY")
mtls_key mtls_key_644 "$key"
config_error mtls_key_644 "key: TLS key file $key: mode 0644 gives access to group or others"
key=$(pamt_file group.key 640 < "$LDLM_SRV_CLIENT_KEY")
mtls_key mtls_key_640 "$key"
config_error mtls_key_640 "key: TLS key file $key: mode 0640"
ln -s "$LDLM_SRV_CLIENT_KEY" "$PAMT_DIR/link.key"
mtls_key mtls_key_link "$PAMT_DIR/link.key"
config_error mtls_key_link "key: TLS key file $PAMT_DIR/link.key: is a symbolic link"
if [ "$(id -u)" = 0 ]; then
    key=$(pamt_file foreign.key 600 < "$LDLM_SRV_CLIENT_KEY")
    chown 1001 "$key"
    mtls_key mtls_key_foreign "$key"
    config_error mtls_key_foreign "key: TLS key file $key: owned by uid 1001, must be owned by root"
    key=$(pamt_file good.key 600 < "$LDLM_SRV_CLIENT_KEY")
    mtls_key mtls_key_good "$key"
    enforced mtls_key_good
else
    pamt_log "note: root-owned key files need root"
fi
ldlm_srv_stop

# ---- password ----
if [ "$(id -u)" = 0 ]; then
    secret=S3cret-$$
    ldlm_srv_start --password "$secret" || pamt_fail "the server did not start"
    good=$(printf '%s\n' "$secret" | pamt_file good.pw 600)
    bad=$(printf 'not-%s\n' "$secret" | pamt_file bad.pw 600)
    pamt_service pw_good mode=direct "${common[@]}" "password_file=$good"
    enforced pw_good
    pamt_service pw_bad mode=direct "${common[@]}" "password_file=$bad"
    server_error pw_bad 'authentication with the lock server failed'
    pamt_service pw_none mode=direct "${common[@]}"
    server_error pw_none 'authentication with the lock server failed'
    ldlm_srv_stop

    # A password over TLS: only to a verified server, unless said so.
    ldlm_srv_start --password "$secret" --tls_cert "$LDLM_SRV_SERVER_CERT" \
        --tls_key "$LDLM_SRV_SERVER_KEY" || pamt_fail "the server did not start"
    common=("$c" "server=$LDLM_SRV_ADDR" timeout=5 max_sessions=1 on_error=deny)
    pamt_service pw_tls mode=direct "${common[@]}" tls "ca_file=$LDLM_SRV_CA" "password_file=$good"
    enforced pw_tls
    pamt_service pw_skip mode=direct "${common[@]}" tls skip_verify "password_file=$good"
    config_error pw_skip 'skip_verify: with password_file= \(argument [0-9]+\) the password would go to whoever answers .*insecure_skip_verify_with_password'
    pamt_service pw_skip_ok mode=direct "${common[@]}" tls skip_verify "password_file=$good" \
        insecure_skip_verify_with_password
    enforced pw_skip_ok
    case "$PAMT_OUT$PAMT_ERR$(cat "$PAMT_DIR"/hold-*.err 2> /dev/null)" in
    *"$secret"*) pamt_fail "the password was printed" ;;
    esac
else
    pamt_log "note: password tests need root (root-owned password files)"
fi

pamt_log "PASS"
