#!/bin/sh
# SPDX-License-Identifier: MIT
# install-server.sh - install the real LDLM server for the tests and the demo.
#
# The tests run against the real LDLM server (release v1.2.2), never a
# stand-in. This script gets it the way a user would, and keeps it in a cache
# shared by every build tree:
#
#   1. `go install github.com/imoore76/ldlm/cmd/server@v1.2.2` from the Go
#      module proxy;
#   2. when the proxy refuses that module (it does on some networks:
#      "403 Forbidden ... This module version is not available"), a build of
#      the same release from its unchanged upstream source, with
#      shared/vendor/build-ldlm-server.sh. The source folder is
#      $LDLM_VENDOR_DIR, else ../shared/vendor beside the source tree.
#
#   $LDLM_TEST_CACHE/server/bin/server          the binary
#   $LDLM_TEST_CACHE/server/installed           how it was obtained
#   $LDLM_TEST_CACHE/server/install-error.txt   why the last attempt failed
#
# LDLM_TEST_CACHE defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/libldlm-test.
# LDLM_SERVER_INSTALL_TIMEOUT bounds each attempt (seconds, default 300).
#
# Exit 0 when the binary is there (freshly built or cached), 1 otherwise.
# On failure every error is written to install-error.txt, where the tests
# find it and print it.
set -u

VERSION=v1.2.2
MODULE=github.com/imoore76/ldlm/cmd/server@$VERSION
VENDOR_STAMP="github.com/imoore76/ldlm@$VERSION (shared/vendor source)"

here=$(cd "$(dirname "$0")" && pwd)
cache=${LDLM_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libldlm-test}
budget=${LDLM_SERVER_INSTALL_TIMEOUT:-300}
serverdir=$cache/server
bindir=$serverdir/bin
binary=$bindir/server
stamp=$serverdir/installed
errfile=$serverdir/install-error.txt

mkdir -p "$bindir" || exit 1

# A cached binary is good if its stamp names the pinned release.
is_cached() {
    [ -x "$binary" ] && [ -f "$stamp" ] || return 1
    case $(cat "$stamp") in
    "$MODULE" | "$VENDOR_STAMP") return 0 ;;
    esac
    return 1
}

using_cached() {
    echo "install-server: using cached $(cat "$stamp") at $binary"
    exit 0
}

is_cached && using_cached

fail() {
    # $1: the text the tests print when they find no server.
    printf '%s\n' "$1" > "$errfile.tmp" && mv "$errfile.tmp" "$errfile"
    echo "install-server: could not install the LDLM server:" >&2
    cat "$errfile" >&2
    exit 1
}

command -v go > /dev/null 2>&1 ||
    fail "go toolchain not found in PATH ($PATH): cannot build the LDLM server"

# Several build trees may run `make check` at once with the same cache:
# serialise the installs (bounded) when flock(1) is available.
if command -v flock > /dev/null 2>&1; then
    exec 9> "$serverdir/lock"
    flock -w "$((2 * budget + 30))" 9 ||
        fail "timed out waiting for another install-server.sh holding $serverdir/lock"
    is_cached && using_cached
fi

out=$(mktemp "${TMPDIR:-/tmp}/ldlm-go-install.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT

# 1. The Go module proxy, as users install it.
echo "install-server: go install $MODULE (at most ${budget}s)"
if GOBIN=$bindir GOFLAGS="${GOFLAGS:-} -modcacherw" \
    timeout -k 10 "$budget" go install "$MODULE" > "$out" 2>&1 &&
    [ -x "$binary" ]; then
    printf '%s\n' "$MODULE" > "$stamp"
    rm -f "$errfile"
    echo "install-server: installed $MODULE at $binary"
    exit 0
fi
errors="go install $MODULE:
$(cat "$out")"
echo "install-server: go install refused; building the same release from source" >&2
sed 's/^/    /' "$out" >&2

# 2. The unchanged upstream source of the same release.
vendor=${LDLM_VENDOR_DIR:-}
if [ -z "$vendor" ]; then
    for candidate in "$here/../../../shared/vendor" "$here/../../shared/vendor"; do
        if [ -x "$candidate/build-ldlm-server.sh" ]; then
            vendor=$(cd "$candidate" && pwd)
            break
        fi
    done
fi
if [ -z "$vendor" ] || [ ! -x "$vendor/build-ldlm-server.sh" ]; then
    fail "$errors
no source fallback: set LDLM_VENDOR_DIR to a folder with build-ldlm-server.sh (none found beside $here/../..)"
fi
echo "install-server: $vendor/build-ldlm-server.sh (at most ${budget}s)"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ldlm-server-build.XXXXXX") || exit 1
trap 'rm -f "$out"; rm -rf "$scratch"' EXIT
if timeout -k 10 "$budget" "$vendor/build-ldlm-server.sh" "$scratch" > "$out" 2>&1 &&
    [ -x "$scratch/server" ]; then
    # Install atomically: a concurrent reader never sees half a binary.
    cp "$scratch/server" "$binary.tmp" && mv "$binary.tmp" "$binary" || exit 1
    printf '%s\n' "$VENDOR_STAMP" > "$stamp"
    rm -f "$errfile"
    echo "install-server: built $VENDOR_STAMP at $binary"
    exit 0
fi
fail "$errors
$vendor/build-ldlm-server.sh:
$(cat "$out")"
