#!/bin/sh
# run-under-nss-wrapper.sh PROGRAM [ARG...]
#
# Runs a test program with nss_wrapper preloaded, so that the user and group
# databases it reads are the files the program itself writes and names in
# NSS_WRAPPER_PASSWD / NSS_WRAPPER_GROUP (never the machine's).
#
# LDLM_TEST_NSS_WRAPPER is the path of libnss_wrapper.so (set by make check
# from pkg-config; tests/nss/local.mk).
set -eu

# (pkg-config's Libs: may carry blanks around the path)
nss_wrapper=$(printf '%s' "${LDLM_TEST_NSS_WRAPPER:-}" | tr -d ' \t')
if [ -z "$nss_wrapper" ] || [ ! -f "$nss_wrapper" ]; then
    echo "run-under-nss-wrapper.sh: libnss_wrapper.so not found" \
        "(LDLM_TEST_NSS_WRAPPER='$nss_wrapper'); install libnss-wrapper" >&2
    exit 1
fi

# Sanitizer builds: the ASan runtime must come first in the preload list.
asan=$(ldd "$1" 2>/dev/null | sed -n 's/^[[:space:]]*libasan[^ ]* => \([^ ]*\) .*/\1/p')
LD_PRELOAD="${asan:+$asan }$nss_wrapper${LD_PRELOAD:+ $LD_PRELOAD}"
export LD_PRELOAD
exec "$@"
