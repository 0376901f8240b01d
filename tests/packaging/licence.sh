#!/bin/sh
# SPDX-License-Identifier: MIT
# licence.sh - the project is MIT: a LICENSE file at the top, and an
# SPDX-License-Identifier line in every source, build, script and manual
# file of the tree (what debian/copyright tooling and packagers look for).
# Runs on the distributed tree too (make distcheck), so it walks the source
# directory rather than asking git.
set -u
srcdir=${LDLM_TEST_SRCDIR:?run me from make check}
status=0

grep -q '^MIT License' "$srcdir/LICENSE" 2> /dev/null || {
    echo "FAIL: $srcdir/LICENSE is missing or not the MIT licence"
    status=1
}

missing=$(cd "$srcdir" && find . -type d \
    \( -name .git -o -name 'build*' -o -name autom4te.cache -o -name build-aux \
       -o -name m4 -o -name '_build' -o -name '_inst' \) -prune -o -type f \
    \( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.mk' \
       -o -name Makefile.am -o -name configure.ac -o -name '*.proto' \
       -o -name '*.go' -o -name '*.py' -o -name '*.awk' -o -name '*.sym' \
       -o -name '*.[1358]' -o -name '*.example' -o -name run \
       -o -name '*.service' -o -name '*.service.in' -o -name '*.socket' \) -print |
    grep -v -e '\.pb-c\.[ch]$' |
    while read -r f; do
        grep -q 'SPDX-License-Identifier: MIT' "$f" || echo "$f"
    done)
checked=$(cd "$srcdir" && find . -name '*.c' -not -name '*.pb-c.c' | wc -l)
if [ -n "$missing" ]; then
    echo "FAIL: no 'SPDX-License-Identifier: MIT' line in:"
    printf '    %s\n' $missing
    status=1
fi
[ "$checked" -gt 0 ] || { echo "FAIL: no C source found under $srcdir"; status=1; }
[ "$status" -eq 0 ] && echo "ok: LICENSE is MIT and every source file carries its SPDX line ($checked C files among them)"
exit "$status"
