#!/bin/sh
# install-server.sh - install the real LDLM server for the test suite.
#
# The tests run against the real LDLM server, never a stand-in. This script
# builds it with `go install` from the Go module proxy at a pinned version
# and keeps it in a cache shared by every build tree:
#
#   $LDLM_TEST_CACHE/server/bin/server      the binary
#   $LDLM_TEST_CACHE/server/installed       "module@version" that built it
#   $LDLM_TEST_CACHE/server/install-error.txt   why the last attempt failed
#
# LDLM_TEST_CACHE defaults to ${XDG_CACHE_HOME:-$HOME/.cache}/libldlm-test.
# LDLM_SERVER_INSTALL_TIMEOUT bounds the whole attempt (seconds, default 300).
#
# Exit 0 when the binary is there (freshly built or cached), 1 otherwise.
# On failure the go errors are written to install-error.txt, where the
# tests find them and print them with their SKIP line.
set -u

# Pinned versions, tried in order (the module was renamed; both are accepted).
CANDIDATES="github.com/imoore76/ldlm/cmd/server@v1.2.0
github.com/imoore76/go-ldlm/cmd/server@v1.1.1"

cache=${LDLM_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libldlm-test}
budget=${LDLM_SERVER_INSTALL_TIMEOUT:-300}
serverdir=$cache/server
bindir=$serverdir/bin
binary=$bindir/server
stamp=$serverdir/installed
errfile=$serverdir/install-error.txt

mkdir -p "$bindir" || exit 1

# A cached binary is good if the stamp names one of the pinned versions.
is_cached() {
    [ -x "$binary" ] && [ -f "$stamp" ] || return 1
    recorded=$(cat "$stamp")
    for candidate in $CANDIDATES; do
        [ "$recorded" = "$candidate" ] && return 0
    done
    return 1
}

if is_cached; then
    echo "install-server: using cached $(cat "$stamp") at $binary"
    exit 0
fi

fail() {
    # $1: the text to keep for the tests' SKIP lines.
    printf '%s\n' "$1" > "$errfile.tmp" && mv "$errfile.tmp" "$errfile"
    echo "install-server: could not install the LDLM server:" >&2
    cat "$errfile" >&2
    exit 1
}

if ! command -v go > /dev/null 2>&1; then
    fail "go toolchain not found in PATH ($PATH): cannot go install the LDLM server"
fi

# Several build trees may run `make check` at once with the same cache:
# serialise the installs (bounded) when flock(1) is available.
if command -v flock > /dev/null 2>&1; then
    exec 9> "$serverdir/lock"
    if ! flock -w "$((budget + 30))" 9; then
        fail "timed out waiting for another install-server.sh holding $serverdir/lock"
    fi
    # The other holder may have finished the job.
    if is_cached; then
        echo "install-server: using cached $(cat "$stamp") at $binary"
        exit 0
    fi
fi

start=$(date +%s)
errors=""
out=$(mktemp "${TMPDIR:-/tmp}/ldlm-go-install.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT

for candidate in $CANDIDATES; do
    remaining=$((budget - ($(date +%s) - start)))
    if [ "$remaining" -le 0 ]; then
        errors="$errors
go install $candidate: not attempted, the ${budget}s budget is spent"
        continue
    fi
    echo "install-server: go install $candidate (GOBIN=$bindir, at most ${remaining}s)"
    # -modcacherw keeps the module cache removable with rm -rf.
    if GOBIN=$bindir GOFLAGS="${GOFLAGS:-} -modcacherw" \
        timeout -k 10 "$remaining" go install "$candidate" > "$out" 2>&1; then
        if [ -x "$binary" ]; then
            printf '%s\n' "$candidate" > "$stamp"
            rm -f "$errfile"
            echo "install-server: installed $candidate at $binary"
            exit 0
        fi
        echo "go install $candidate succeeded but produced no $binary" >> "$out"
    else
        rc=$?
        [ "$rc" -eq 124 ] && echo "(go install timed out after ${remaining}s)" >> "$out"
    fi
    errors="$errors
$(cat "$out")"
done

# Drop the leading newline; keep every go error line.
fail "$(printf '%s\n' "$errors" | sed '1{/^$/d}')"
