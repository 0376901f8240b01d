# SPDX-License-Identifier: MIT
# ldlm --help and --version: exit 0, text on stdout, nothing on stderr; the
# help (and the man page) document every command, the connection options
# and every exit code.
. "$LDLM_TEST_SRCDIR/tests/cli/lib.sh"

for flag in --help -h; do
    run_ldlm "$flag"
    expect_status 0
    expect_no_stderr
    for word in 'run NAME' 'lock NAME' 'try-lock NAME' 'unlock NAME KEY' \
        'renew NAME KEY SECONDS' --size --wait --lock-timeout \
        --conflict-exit-code --grace --server --password-file --tls \
        --ca-file --cert --key --skip-verify --max-retries --timeout \
        --config --print-config LDLM_SERVER LDLM_PASSWORD_FILE LDLM_CONFIG \
        LDLM_LOCK_NAME LDLM_LOCK_KEY /etc/security/pam_ldlm.conf; do
        grep -q -F -- "$word" "$T/out" || fail "--help does not mention '$word'"
    done
    # Every exit code the tool can return is in the table.
    for code in 0 1 64 65 69 70 74 75 77 78; do
        grep -Eq "^  $code +[a-z]" "$T/out" ||
            fail "--help does not document exit status $code"
    done
done

# The man page documents the same exit statuses.
man_page=$LDLM_TEST_SRCDIR/cli/ldlm.1
for code in 0 1 64 65 69 70 74 75 77 78; do
    grep -qx "\.B $code" "$man_page" ||
        fail "ldlm.1 does not document exit status $code"
done

version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' \
    "$LDLM_TEST_BUILDDIR/config.h")
[ -n "$version" ] || fail "no PACKAGE_VERSION in config.h"
for flag in --version -V; do
    run_ldlm "$flag"
    expect_status 0
    expect_no_stderr
    grep -Eqx "ldlm $version \(libldlm [0-9]+\.[0-9]+\.[0-9]+\)" "$T/out" ||
        fail "unexpected --version output: $(cat "$T/out")"
done

# --help wins over a missing command, but not over a bad option before it.
run_ldlm lock --help
expect_status 0
run_ldlm --bogus --help
expect_status 64
exit 0
