# SPDX-License-Identifier: MIT
# Runs the configuration unit tests under valgrind: no invalid access, no
# uninitialised read and no leak is tolerated (valgrind's exit code 99 is a
# hard error for automake's harness; a test failure is reported as failure).
set -u
: "${LDLM_TEST_BUILDDIR:?run through make check}"
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind is not installed (Debian package: valgrind)" >&2
    exit 99
fi
status=0
for t in test_conf_parser test_conf_values test_password_file; do
    prog="$LDLM_TEST_BUILDDIR/tests/conf/$t"
    echo "== valgrind $t"
    valgrind --quiet --error-exitcode=99 --leak-check=full \
        --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible \
        --track-fds=no "$prog"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "FAIL: $t under valgrind exited with $rc" >&2
        status=1
    fi
done
exit "$status"
