#!/bin/sh
# SPDX-License-Identifier: MIT
# ldlmd over mutual TLS with a password, from the same settings pam_ldlm
# reads (tls, ca_file, cert, key, password_file): sessions work, and
# `ldlm status` says how the connection is secured. A wrong password is
# seen by the status's ping.
. "$LDLM_TEST_SRCDIR/tests/ldlmd/lib.sh"
ldlm_srv_certs || fail "cannot make TLS material"
start_server --tls_cert "$LDLM_SRV_SERVER_CERT" --tls_key "$LDLM_SRV_SERVER_KEY" \
    --client_ca "$LDLM_SRV_CA" --password s3cret
printf 's3cret\n' > "$T/password"
chmod 0600 "$T/password"
cat > "$T/ldlmd.conf" << EOF2
server=$LDLM_SRV_ADDR
tls
ca_file=$LDLM_SRV_CA
cert=$LDLM_SRV_CLIENT_CERT
key=$LDLM_SRV_CLIENT_KEY
password_file=$T/password
timeout=5
# pam_ldlm's own settings are not ldlmd's business:
max_sessions=3
EOF2
chmod 0600 "$T/ldlmd.conf"
host_start a

session_proc
acquire a "$proc" --user judy "u/judy:1"
[ "$acq_status" -eq 0 ] || fail "acquire over TLS: $(cat "$T/acq.err")"
run_ldlm status --socket "$(host_sock a)"
expect_status 0
grep -Eq '^tls: +yes, server certificate verified, client certificate$' "$T/out" ||
    fail "status: $(cat "$T/out")"
grep -Eq '^connection: +connected' "$T/out" || fail "status: $(cat "$T/out")"
run_ldlm status --json --socket "$(host_sock a)"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["tls"] and d["tls_verify"] and d["tls_client_cert"] and d["connected"], d' \
    "$T/out" || fail "status JSON: $(cat "$T/out")"
host_stop a
[ "$host_status" -eq 0 ] || fail "ldlmd exited with $host_status"

# A wrong password: ldlmd starts (it connects lazily) but says so.
printf 'wrong\n' > "$T/password"
host_start b
run_ldlm status --socket "$(host_sock b)"
expect_status 69
grep -Eq '^connection: +not connected: .*(password|credentials|authenticat)' "$T/out" ||
    fail "status with a wrong password: $(cat "$T/out")"
acquire b "$proc" --user judy "u/judy:1"
[ "$acq_status" -eq 3 ] || fail "expected SERVER_ERROR (3), got $acq_status: $(cat "$T/acq.err")"
host_stop b
[ "$host_status" -eq 0 ] || fail "ldlmd exited with $host_status"

# A configuration file others may write is refused: it says where slots go.
chmod 0666 "$T/ldlmd.conf"
"$LDLMD" --config "$T/ldlmd.conf" --run-dir "$T/c" --stderr \
    > "$T/c.out" 2>&1 < /dev/null && fail "ldlmd accepted a world-writable configuration"
grep -q 'ldlmd.conf' "$T/c.out" || fail "no reason given: $(cat "$T/c.out")"
echo "ok: ldlmd over mutual TLS with a password; status shows it"
