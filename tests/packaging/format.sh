#!/bin/sh
# SPDX-License-Identifier: MIT
# format.sh - every C file of the tree is formatted as .clang-format says
# (the one style of the project, applied with
# `clang-format -i $(git ls-files '*.c' '*.h')`). Generated protobuf-c files
# are not ours and are left as protoc-c writes them.
set -u
srcdir=${LDLM_TEST_SRCDIR:?run me from make check}
if ! command -v clang-format > /dev/null 2>&1; then
    if [ "${CI:-}" = true ]; then
        echo "FAIL: clang-format is not installed (scripts/install-deps.sh installs it)"
        exit 1
    fi
    echo "SKIP: clang-format is not installed"
    exit 77
fi
[ -f "$srcdir/.clang-format" ] || { echo "FAIL: no $srcdir/.clang-format"; exit 1; }
bad=0
checked=0
files=$(cd "$srcdir" && find . -type d \
    \( -name .git -o -name 'build*' -o -name autom4te.cache -o -name _build \
       -o -name _inst \) -prune -o -type f \( -name '*.c' -o -name '*.h' \) \
    -print | grep -v -e '\.pb-c\.[ch]$' -e '/config\.h$' | sort)
for f in $files; do
    checked=$((checked + 1))
    if ! (cd "$srcdir" && clang-format --style=file "$f" | cmp -s - "$f"); then
        echo "not formatted: $f"
        (cd "$srcdir" && clang-format --style=file "$f" | diff -u "$f" - | head -20)
        bad=$((bad + 1))
    fi
done
[ "$checked" -gt 50 ] || { echo "FAIL: only $checked C files found under $srcdir"; exit 1; }
if [ "$bad" -ne 0 ]; then
    echo "FAIL: $bad of $checked files differ from .clang-format's style"
    exit 1
fi
echo "PASS: $checked C files follow .clang-format"
