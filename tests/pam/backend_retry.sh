#!/bin/sh
# SPDX-License-Identifier: MIT
# A failure to load the slots backend (pam_ldlm_slots.so) is not remembered
# for the life of a host process: in ONE process (tests/pam/host_logins),
# logins that need a slot fail while the backend is missing, corrupt or
# unreadable, and the first login after it is repaired takes its slot on
# the real server. Once loaded, the backend stays loaded.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_require_server
pamt_init
pamt_empty_conf
program=$LDLM_TEST_BUILDDIR/tests/pam/host_logins
backend=$LDLM_TEST_BUILDDIR/pam_ldlm/.libs/pam_ldlm_slots.so
[ -x "$program" ] || pamt_fail "$program is missing (make check builds it)"

# The module looks for its backend beside itself, then at the installed
# path: with an installed backend the failures cannot be made.
installed=$(strings "$PAMT_MODULE" | grep -m1 -E '/pam_ldlm_slots\.so$' || true)
if [ -n "$installed" ] && [ -e "$installed" ]; then
    pamt_log "SKIP: an installed backend exists at $installed"
    exit 77
fi

ldlm_srv_start || pamt_fail "the LDLM server did not start"
mod=$PAMT_DIR/mod
mkdir "$mod"
cp "$PAMT_MODULE" "$mod/pam_ldlm.so"
args=(mode=direct "conf=$PAMT_EMPTY_CONF" "server=$LDLM_SRV_ADDR" timeout=5 on_error=deny
    insecure_no_password max_sessions=1)
printf 'account required %s %s\nsession required %s %s\n' \
    "$mod/pam_ldlm.so" "${args[*]}" "$mod/pam_ldlm.so" "${args[*]}" \
    > "$PAMT_DIR/services/retry"

# The host, fed one login at a time through a FIFO.
to=$PAMT_DIR/host.to from=$PAMT_DIR/host.from err=$PAMT_DIR/host.err
mkfifo "$to" "$from"
"${PAMT_ENV[@]}" "$program" < "$to" > "$from" 2> "$err" &
host=$!
pamt_on_cleanup "pamt_stop_pid $host"
exec {infd}> "$to" {outfd}< "$from"

# login USER EXPECTED-RESULT WHAT : one login of the host; fails the test
# unless its line ends with EXPECTED-RESULT.
login() {
    local line
    printf 'retry %s\n' "$1" >&"$infd"
    IFS= read -r -t 60 -u "$outfd" line ||
        pamt_fail "the host did not answer (a crash?): $(cat "$err")"
    PAMT_ERR=$(cat "$err")
    pamt_expect_no_sanitizer_report "$err" "host_logins"
    case $line in
    *" $2") pamt_log "ok: $3: $line" ;;
    *) pamt_fail "$3: $line (expected ... $2)" ;;
    esac
}

slot_taken='ACCOUNT PAM_SUCCESS SESSION PAM_SUCCESS CLOSE PAM_SUCCESS'
refused='ACCOUNT PAM_PERM_DENIED'

login alice "$refused" "no backend"
# (A backend missing beside the module is not worth a word: only the
# installed path is named.)
pamt_expect_log 'configuration error: cannot load the slots backend: .*pam_ldlm_slots\.so: .*No such file'
login root "$slot_taken" "root needs no backend"

# Not a shared object at all.
printf 'not an ELF file\n' > "$mod/pam_ldlm_slots.so"
login alice "$refused" "corrupt backend"
pamt_expect_log 'cannot load the slots backend: .*/mod/pam_ldlm_slots\.so: .*(invalid ELF header|file too short)'

# Unreadable: root reads anything, so only when not root.
if [ "$(id -u)" != 0 ]; then
    cp "$backend" "$mod/pam_ldlm_slots.so"
    chmod 000 "$mod/pam_ldlm_slots.so"
    login alice "$refused" "unreadable backend"
    chmod 644 "$mod/pam_ldlm_slots.so"
else
    pamt_log "note: as root every file is readable: the unreadable case is not checked"
fi

# Repaired, as a package upgrade would (a new file renamed into place):
# the next login loads it and takes its slot on the server.
cp "$backend" "$mod/pam_ldlm_slots.so.new"
mv -f "$mod/pam_ldlm_slots.so.new" "$mod/pam_ldlm_slots.so"
login alice "$slot_taken" "repaired backend, same process"
login alice "$slot_taken" "next login"

# Once loaded, it stays: removing the file changes nothing for this host.
rm -f "$mod/pam_ldlm_slots.so"
login alice "$slot_taken" "backend removed after loading"

exec {infd}>&-
status=0
wait "$host" || status=$?
exec {outfd}<&-
[ "$status" = 0 ] || pamt_fail "host_logins exited with status $status"
pamt_log "PASS"
