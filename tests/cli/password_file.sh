# SPDX-License-Identifier: MIT
# The password file: refused unless it is a regular file owned by root or
# the invoking user without group/other access (exit 78, one line naming
# the file and the problem, before any connection); accepted files lead to
# a connection attempt, here to a closed port (exit 69). Same rules whether
# it comes from --password-file, LDLM_PASSWORD_FILE or the config file.
. "$LDLM_TEST_SRCDIR/tests/cli/lib.sh"

port=$(closed_port) || fail "no free port"
server=127.0.0.1:$port

write_pw() { # FILE MODE
    printf 'pw-for-test\n' > "$1"
    chmod "$2" "$1"
}

refused() { # ERE ARGS...
    pattern=$1
    shift
    run_ldlm --server "$server" "$@"
    [ "$status" -eq 78 ] || fail "ldlm $*: expected 78, got $status"
    expect_one_error_line "$pattern"
    expect_no_stdout
}

accepted() { # ARGS...
    run_ldlm --server "$server" "$@"
    [ "$status" -eq 69 ] || fail "ldlm $*: expected 69 (connection), got $status"
    expect_one_error_line "unavailable"
}

write_pw "$T/pw-0644" 0644
refused "^ldlm: password file $T/pw-0644: mode 0644 gives access to group or others \\(use chmod 600\\)\$" \
    --password-file "$T/pw-0644" try-lock x
write_pw "$T/pw-0640" 0640
refused "mode 0640 gives access to group or others" \
    --password-file "$T/pw-0640" try-lock x
write_pw "$T/pw-0604" 0604
refused "mode 0604" --password-file "$T/pw-0604" unlock x k

write_pw "$T/pw" 0600
accepted --password-file "$T/pw" try-lock x
write_pw "$T/pw-0400" 0400
accepted --password-file "$T/pw-0400" try-lock x

ln -s "$T/pw" "$T/pw-link"
refused "password file $T/pw-link: is a symbolic link" \
    --password-file "$T/pw-link" try-lock x

refused "password file $T/absent: No such file or directory" \
    --password-file "$T/absent" try-lock x
mkdir -m 0700 "$T/dir"
refused "password file $T/dir: not a regular file" \
    --password-file "$T/dir" try-lock x
: > "$T/pw-empty"
chmod 0600 "$T/pw-empty"
refused "password file $T/pw-empty: the first line is empty" \
    --password-file "$T/pw-empty" try-lock x

# From the environment and from the configuration file: same checks.
LDLM_PASSWORD_FILE=$T/pw-0644 refused "mode 0644" try-lock x
LDLM_PASSWORD_FILE=$T/pw accepted try-lock x
printf 'password_file = %s\n' "$T/pw-0644" > "$T/with-pw.conf"
refused "mode 0644" --config "$T/with-pw.conf" try-lock x
printf 'password_file = %s\n' "$T/pw" > "$T/with-pw.conf"
accepted --config "$T/with-pw.conf" try-lock x
# The option overrides a bad file named by the environment.
LDLM_PASSWORD_FILE=$T/pw-0644 accepted --password-file "$T/pw" try-lock x

# Ownership: root, or the user running ldlm; nobody else.
if [ "$(id -u)" -eq 0 ]; then
    chown 54321 "$T/pw"
    refused "password file $T/pw: owned by uid 54321, must be owned by root\$" \
        --password-file "$T/pw" try-lock x
    # Run as an unprivileged user (nobody): its own file is accepted; other
    # users' and root's private files are refused.
    nobody=$(id -u nobody) || fail "no user 'nobody'"
    command -v setpriv > /dev/null || fail "setpriv (util-linux) is needed"
    chmod 0755 "$T"
    write_pw "$T/pw-nobody" 0600
    chown nobody "$T/pw-nobody"
    as_nobody() {
        status=0
        timeout -k 5 60 setpriv --reuid="$nobody" --regid="$(id -g nobody)" \
            --clear-groups "$LDLM" --server "$server" "$@" \
            > "$T/out" 2> "$T/err" || status=$?
    }
    as_nobody --password-file "$T/pw-nobody" try-lock x
    [ "$status" -eq 69 ] || fail "nobody's own file: expected 69, got $status"
    # (Another user's private file cannot even be opened; its ownership is
    # checked too, for callers with privileges, as root above.)
    chown 54321 "$T/pw-nobody"
    as_nobody --password-file "$T/pw-nobody" try-lock x
    [ "$status" -eq 78 ] || fail "another user's file: expected 78, got $status"
    expect_one_error_line "password file $T/pw-nobody: Permission denied"
    chown 0 "$T/pw-nobody"
    as_nobody --password-file "$T/pw-nobody" try-lock x
    [ "$status" -eq 78 ] || fail "root's file: expected 78, got $status"
    expect_one_error_line "password file $T/pw-nobody: Permission denied"
else
    # Not root: a file we own is accepted (checked above); root's
    # unreadable one is refused with the reason.
    refused "password file /etc/shadow: " --password-file /etc/shadow try-lock x
fi
exit 0
