#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - exclusion under faults: the real LDLM server, libldlm clients and
# `ldlm run` clients contending for a size-1 and a size-2 lock, faults
# injected at seeded random moments (harness.py), then every interval during
# which a client believed it held a lock checked for overlaps (check.py).
# See tests/faults/README.md.
#
#   tests/faults/run.sh [--minutes M | --seconds S] [--seed N] [--out DIR]
#                       [--short] [--no-partition] [--go]
#
# --go runs the official Go client (goclient/, built here from the
# upstream source in $LDLM_VENDOR_DIR, default ../shared/vendor beside the
# source tree) in place of the libldlm clients, for comparison.
#
# From a build directory (or through make check, which sets the
# LDLM_TEST_* variables). The records and the report stay in DIR (default:
# a new directory under ${TMPDIR:-/tmp}, kept and named at the end). Exit
# status 0 when no two holders overlapped, 1 otherwise, 77 (SKIP) without
# a server or python3 on a developer's machine; under CI=true those fail.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${LDLM_TEST_SRCDIR:=$(cd "$here/../.." && pwd)}"
: "${LDLM_TEST_BUILDDIR:=$(pwd)}"
: "${LDLM_TEST_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/libldlm-test}"
: "${LDLM_SERVER_BIN:=$LDLM_TEST_CACHE/server/bin/server}"
export LDLM_TEST_SRCDIR LDLM_TEST_BUILDDIR LDLM_TEST_CACHE LDLM_SERVER_BIN

seconds=600
seed=2
out=
profile=long
extra=
go=
while [ $# -gt 0 ]; do
    case $1 in
    --minutes) seconds=$(($2 * 60)); shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --short) profile=short; shift ;;
    --no-partition) extra="$extra --no-partition"; shift ;;
    --go) go=yes; shift ;;
    *) echo "usage: $0 [--minutes M | --seconds S] [--seed N] [--out DIR] [--short] [--no-partition] [--go]" >&2
       exit 64 ;;
    esac
done

skip_or_fail() {
    if [ "${CI:-}" = true ]; then
        echo "FAIL: $* (CI=true, so this fails rather than skips)"
        exit 1
    fi
    echo "SKIP: $* (a developer's machine only; under CI=true this fails)"
    exit 77
}

# The real server, or skip (fail under CI), exactly as every server test.
. "$LDLM_TEST_SRCDIR/tests/harness/server.sh"
ldlm_srv_require
command -v python3 > /dev/null 2>&1 || skip_or_fail "python3 not found"
for f in tests/faults/fault_client cli/ldlm tests/harness/ldlm_test_tool; do
    [ -x "$LDLM_TEST_BUILDDIR/$f" ] ||
        skip_or_fail "$LDLM_TEST_BUILDDIR/$f is not built (make check builds it)"
done

if [ -z "$out" ]; then
    out=$(mktemp -d "${TMPDIR:-/tmp}/ldlm-faults.XXXXXX") || exit 99
fi
mkdir -p "$out" || exit 99
if [ -n "$go" ]; then
    # The official Go client, built the way bench/run.sh builds it: the
    # module proxy refuses the server's module, so the requirement points
    # at the unchanged upstream source, whose go.sum pins what the
    # checksum database does not answer for.
    vendor=${LDLM_VENDOR_DIR:-$LDLM_TEST_SRCDIR/../shared/vendor}/ldlm-v1.2.2
    command -v go > /dev/null 2>&1 || skip_or_fail "go not found (--go)"
    [ -f "$vendor/go.mod" ] || skip_or_fail "no Go client source in $vendor"
    godir=$out/goclient-build
    mkdir -p "$godir" && cp "$here/goclient/go.mod" "$here/goclient/main.go" \
        "$godir/" && cp "$vendor/go.sum" "$godir/go.sum" &&
        chmod u+w "$godir/go.sum" || exit 99
    # go build -mod=mod completes go.mod with what the build needs (go mod
    # tidy would also fetch every test dependency of the server's module).
    (cd "$godir" && go mod edit -replace "github.com/imoore76/ldlm=$vendor" &&
        GOFLAGS="${GOFLAGS:-} -mod=mod" timeout -k 10 600 go build -o goclient .) \
        > "$out/goclient-build.log" 2>&1 ||
        skip_or_fail "building the Go client failed: $(tail -n 5 "$out/goclient-build.log")"
    extra="$extra --go $godir/goclient"
fi
echo "fault run: $seconds s, seed $seed, records in $out"
status=0
# shellcheck disable=SC2086 # extra is a list of words
python3 "$here/harness.py" --seconds "$seconds" --seed "$seed" --out "$out" \
    --profile "$profile" $extra || status=$?
python3 "$here/check.py" "$out" --title "seed $seed, $seconds s" ||
    status=1
echo "records and report: $out"
exit "$status"
