#!/bin/sh
# SPDX-License-Identifier: MIT
# run-under-nss-wrapper.sh PROGRAM [ARG...]
#
# Runs a test program with nss_wrapper preloaded, so that the user and group
# databases it reads are the files the program itself writes and names in
# NSS_WRAPPER_PASSWD / NSS_WRAPPER_GROUP (never the machine's).
#
# LDLM_TEST_NSS_WRAPPER is the path of libnss_wrapper.so (set by make check
# from pkg-config; tests/nss/local.mk), else pkg-config is asked.
set -eu
. "$(dirname "$0")/../harness/cwrap.sh"

nss_wrapper=$(ldlm_cwrap_lib LDLM_TEST_NSS_WRAPPER nss_wrapper) || {
    echo "run-under-nss-wrapper.sh: libnss_wrapper.so not found" \
        "(LDLM_TEST_NSS_WRAPPER='${LDLM_TEST_NSS_WRAPPER:-}'); install libnss-wrapper" >&2
    exit 1
}

# Sanitizer builds: the ASan runtime must come first in the preload list.
asan=$(ldlm_asan_runtime "$1")
LD_PRELOAD="${asan:+$asan }$nss_wrapper${LD_PRELOAD:+ $LD_PRELOAD}"
export LD_PRELOAD
exec "$@"
