#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run.sh - builds fuzz targets of tests/fuzz/ with libFuzzer (clang's
# -fsanitize=fuzzer, with AddressSanitizer and UndefinedBehaviorSanitizer)
# straight from the sources, and runs each for a bounded time from its seed
# corpus and its regression inputs. scripts/test.sh runs one stage per
# target.
#
#   tests/fuzz/run.sh [--seconds N] [--work DIR] [TARGET...]
#
# TARGETs: conf options lock_name messages (default: all). --seconds: time
# of each run (default 60). --work: where the binaries, the growing corpus
# and whatever is found go (default: a temporary directory, removed unless
# something was found). The committed corpus is never written to.
#
# A finding (crash, leak, timeout, broken property) fails the run and is
# printed with the file that holds its input: fix the bug, then keep the
# input as tests/fuzz/regressions/TARGET/NAME, where make check replays it
# in every build (tests/fuzz/replay_TARGET).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=60
work=
targets=()
while [ $# -gt 0 ]; do
    case $1 in
    --seconds)
        seconds=$2
        shift 2
        ;;
    --work)
        work=$2
        shift 2
        ;;
    -*)
        echo "usage: $0 [--seconds N] [--work DIR] [TARGET...]" >&2
        exit 2
        ;;
    *)
        targets+=("$1")
        shift
        ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=(conf options lock_name messages)

cc=${FUZZ_CC:-clang}
if ! command -v "$cc" > /dev/null 2>&1; then
    echo "fuzz: $cc is not installed (scripts/install-deps.sh installs clang and libclang-rt-14-dev)"
    exit 1
fi
keep_work=1
if [ -z "$work" ]; then
    work=$(mktemp -d "${TMPDIR:-/tmp}/ldlm-fuzz.XXXXXX") || exit 1
    keep_work=0
fi
mkdir -p "$work"

conf_sources=("$top"/conf/*.c "$top"/util/*.c)
# sources TARGET : the C files of a target, besides its own and the helpers.
sources() {
    case $1 in
    conf) printf '%s\n' "${conf_sources[@]}" ;;
    options) printf '%s\n' "$top/pam_ldlm/options.c" "$top/pam_ldlm/messages.c" "${conf_sources[@]}" ;;
    lock_name) printf '%s\n' "$top/pam_ldlm/lock_name.c" "$top"/util/*.c ;;
    messages) printf '%s\n' "$top/pam_ldlm/messages.c" "$top"/util/*.c ;;
    *) return 1 ;;
    esac
}

# build TARGET : the libFuzzer binary $work/fuzz_TARGET.
build() {
    local t=$1 files
    files=$(sources "$t") || {
        echo "fuzz: unknown target $t"
        return 1
    }
    # shellcheck disable=SC2086 # one file per word
    "$cc" -std=c11 -D_GNU_SOURCE -g -O1 \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -I"$top/tests/fuzz" -I"$top/conf" -I"$top/util" -I"$top/libldlm" \
        -I"$top/pam_ldlm" \
        -o "$work/fuzz_$t" "$top/tests/fuzz/fuzz_$t.c" \
        "$top/tests/fuzz/fuzz_common.c" $files -lpam
}

# run TARGET : builds and runs it; 0 when nothing was found.
run() {
    local t=$1 dir=$work/$t status=0 found
    echo "fuzz $t: building with $cc"
    build "$t" > "$work/$t.build.log" 2>&1 || {
        cat "$work/$t.build.log"
        return 1
    }
    # The run's corpus starts from the seeds and the regression inputs.
    rm -rf "$dir"
    mkdir -p "$dir/corpus" "$dir/found"
    cp "$top/tests/fuzz/corpus/$t"/* "$dir/corpus/"
    if [ -d "$top/tests/fuzz/regressions/$t" ]; then
        cp "$top/tests/fuzz/regressions/$t"/* "$dir/corpus/" 2> /dev/null || :
    fi
    local dict=()
    [ -f "$top/tests/fuzz/$t.dict" ] && dict=("-dict=$top/tests/fuzz/$t.dict")
    echo "fuzz $t: running for $seconds s"
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1 \
        UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1 \
        "$work/fuzz_$t" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
        -artifact_prefix="$dir/found/" "${dict[@]}" "$dir/corpus" \
        > "$work/$t.log" 2>&1 || status=$?
    grep -E '^(#[0-9]+.*DONE|Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)' \
        "$work/$t.log" | sed "s/^/fuzz $t: /"
    echo "fuzz $t: corpus now $(find "$dir/corpus" -type f | wc -l) inputs"
    found=$(find "$dir/found" -type f | head -n 5)
    if [ "$status" -ne 0 ] || [ -n "$found" ]; then
        keep_work=1
        echo "fuzz $t: FOUND something (exit status $status); the end of its log:"
        tail -n 60 "$work/$t.log"
        for f in $found; do
            echo "fuzz $t: input in $f ($(wc -c < "$f") bytes):"
            od -A d -c "$f" | head -n 20
            echo "fuzz $t: once fixed, keep it: cp $f $top/tests/fuzz/regressions/$t/"
        done
        return 1
    fi
    echo "fuzz $t: nothing found"
}

failed=0
for t in "${targets[@]}"; do
    run "$t" || failed=$((failed + 1))
done
if [ "$keep_work" = 0 ]; then
    rm -rf "$work"
else
    echo "fuzz: binaries, corpora and logs are in $work"
fi
[ "$failed" -eq 0 ]
