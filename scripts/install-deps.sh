#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs, from Debian 12's packages, everything needed to build libldlm,
# pam_ldlm and ldlm(1) and to run the whole test suite. Run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

packages=(
  build-essential autoconf automake libtool pkg-config
  libgrpc-dev libprotobuf-c-dev protobuf-c-compiler protobuf-compiler
  libpam0g-dev libssl-dev openssl libsystemd-dev
  libcmocka-dev libpam-wrapper libnss-wrapper libuid-wrapper
  openssh-server openssh-client valgrind ca-certificates groff-base man-db
  clang-format
  clang libclang-rt-14-dev
  debhelper lintian fakeroot dpkg-dev strace
  python3 python3-venv
)
# Go builds the real LDLM server for the tests; keep a Go the machine has.
command -v go >/dev/null 2>&1 || packages+=(golang-go)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update
  # The sshd package must not start a system service: the tests run their
  # own sshd on a loopback port.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get install -y --no-install-recommends "${missing[@]}"
fi
