#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Configures and builds the tree out of source: build.sh BUILD_DIR [configure args]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$1; shift
[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi)
mkdir -p "$builddir"
cd "$builddir"
[ -f Makefile ] || "$top/configure" --enable-werror "$@"
make -j"$(nproc)"
