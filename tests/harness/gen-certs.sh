#!/bin/sh
# SPDX-License-Identifier: MIT
# gen-certs.sh DIR - TLS material for the TLS tests, made with openssl(1).
#
# Writes into DIR (created if needed), all PEM, EC P-256 keys, valid 3 days:
#   ca.pem ca.key                 the test CA
#   server.pem server.key         for IP 127.0.0.1, IP ::1, DNS localhost
#   wrong-name.pem wrong-name.key for wrong.example only (CN and SAN), same CA
#   other-ca.pem other-ca.key     an unrelated CA (signs nothing we use)
#   client.pem client.key         client certificate (clientAuth) from the CA
# Used by the C harness (ldlm_test_make_certs) and server.sh (ldlm_srv_certs).
# Prints nothing on success; openssl's messages on failure (exit non-zero).
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
dir=$1
mkdir -p "$dir"
cd "$dir"

cat > openssl.cnf <<'CNF'
[ req ]
distinguished_name = dn
prompt = no

[ dn ]
CN = overridden by -subj

[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ wrong_name_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ client_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

newkey() {
    openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
        -out "$1" 2> "$1.err" || { cat "$1.err" >&2; exit 1; }
    rm -f "$1.err"
    chmod 600 "$1"
}

# $1 name, $2 subject
self_signed_ca() {
    newkey "$1.key"
    openssl req -new -x509 -config openssl.cnf -extensions ca_ext \
        -key "$1.key" -subj "$2" -days 3 -out "$1.pem"
}

# $1 name, $2 subject, $3 extension section, $4 serial
signed_by_ca() {
    newkey "$1.key"
    openssl req -new -config openssl.cnf -key "$1.key" -subj "$2" \
        -out "$1.csr"
    openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -set_serial "$4" \
        -days 3 -extfile openssl.cnf -extensions "$3" -out "$1.pem" 2> "$1.err" \
        || { cat "$1.err" >&2; exit 1; }
    rm -f "$1.csr" "$1.err"
}

self_signed_ca ca "/O=libldlm tests/CN=libldlm test CA"
self_signed_ca other-ca "/O=someone else/CN=unrelated test CA"
signed_by_ca server "/O=libldlm tests/CN=127.0.0.1" server_ext 1001
signed_by_ca wrong-name "/O=libldlm tests/CN=wrong.example" wrong_name_ext 1002
signed_by_ca client "/O=libldlm tests/CN=libldlm test client" client_ext 1003
