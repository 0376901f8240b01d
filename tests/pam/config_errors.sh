#!/bin/sh
# SPDX-License-Identifier: MIT
# A configuration that cannot be used (unknown or malformed settings, a
# named file that is missing, unreadable, unsafe or malformed): the log line
# names the problem and where it is (FILE:LINE), root is still admitted
# (unless the module's own arguments say even_deny_root), everyone else
# gets the on_error decision (from the arguments, else from the file when it
# is safe, else allow), in both phases, with only the codes each phase may
# return. Never a crash. No LDLM server needed.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
. "${LDLM_TEST_SRCDIR:-.}/tests/pam/pam_lib.sh"
pamt_init
pamt_empty_conf
port=$(pamt_closed_port) || pamt_fail "no free port"
c="conf=$PAMT_EMPTY_CONF"
base=(server=127.0.0.1:$port timeout=2 on_error=deny max_sessions=2)

# broken NAME LOG-REGEX ARG... : a configuration error; on_error=deny (in
# the arguments) refuses alice with the message, root is admitted.
broken() {
    local name=$1 pattern=$2
    shift 2
    pamt_service "$name" mode=direct "$@"
    pamt_run --rhost 192.0.2.11 "$name" alice
    pamt_expect_code ACCOUNT PAM_PERM_DENIED
    pamt_expect_no_step OPEN_SESSION
    pamt_expect_log "pam_ldlm\\($name:account\\): configuration error: .*$pattern"
    pamt_expect_log "pam_ldlm\\($name:account\\): configuration error; on_error=deny: refusing user=alice service=$name rhost=192\\.0\\.2\\.11"
    pamt_expect_out '^CONV ERROR_MSG Session limits cannot be checked right now: login refused\.$'
    pamt_run "$name" root
    pamt_expect_code ACCOUNT PAM_SUCCESS
    pamt_expect_code OPEN_SESSION PAM_SUCCESS
    pamt_expect_code CLOSE_SESSION PAM_SUCCESS
    pamt_expect_log "pam_ldlm\\($name:account\\): configuration error: .*$pattern"
    pamt_expect_log "pam_ldlm\\($name:account\\): admitting user=root \\(uid 0\\) service=$name rhost=\\(local\\) despite the configuration error"
    pamt_expect_no_out '^CONV'
    pamt_log "ok: $name"
}

# The base configuration itself is fine (and refuses: server down, deny).
pamt_service good mode=direct "$c" "${base[@]}"
pamt_run good alice
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_log 'the LDLM server did not grant a slot'
pamt_expect_no_log 'configuration error'

broken unknown_arg 'argument 7: frobnicate: unknown option' "$c" "${base[@]}" frobnicate=1
broken typo_flag 'even_deny_roots: unknown option' "$c" "${base[@]}" even_deny_roots
broken password_on_line 'password: unknown option' "$c" "${base[@]}" password=s3cret
broken bad_number 'max_sessions: "lots" is not a limit' "$c" "${base[@]}" max_sessions=lots
broken negative 'max_sessions: "-3" is not a limit' "$c" "${base[@]}" max_sessions=-3
broken limit_syntax 'limit: "alice" should be USER:N' "$c" "${base[@]}" limit=alice
broken limit_value 'limit: "many" is not a limit' "$c" "${base[@]}" limit=alice:many
broken pool_syntax 'pool: "alice:3" should be @GROUP:N' "$c" "${base[@]}" pool=alice:3
broken no_value 'exempt: needs a value' "$c" "${base[@]}" exempt
broken zero_timeout 'timeout: must be from 1' "$c" "${base[@]}" timeout=0
broken wait_vs_timeout 'leaves no time beyond wait=10' "$c" "${base[@]}" wait=10 timeout=3
broken placeholder "deny_message: unknown placeholder '%x'" "$c" "${base[@]}" "deny_message=Sorry %x"
broken half_tls 'cert= and key= must be given together' "$c" "${base[@]}" cert=/nonexistent.pem
broken unix_server 'server=unix:/tmp/ldlm.sock: gRPC target URIs \(here "unix:"\) are not accepted' \
    "$c" "${base[@]}" server=unix:/tmp/ldlm.sock
broken no_port 'server=locks.example: the port is missing' "$c" "${base[@]}" server=locks.example

# on_error=sometimes cannot be read: the default, allow, decides.
pamt_service on_error_value mode=direct "$c" server=127.0.0.1:$port on_error=sometimes
pamt_run on_error_value alice
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_expect_log 'configuration error: argument 4: on_error: "sometimes" is neither'
pamt_expect_log 'configuration error; on_error=allow: admitting user=alice service=on_error_value rhost=\(local\) without a session slot'
pamt_log "ok: unreadable on_error: allow"

# ---- files: FILE:LINE and the reason ----
conf=$(pamt_file typo.conf 644 << 'CONF'
# a comment
max_sessions = 2

max_sesions = 3
CONF
)
broken file_unknown "$conf:4: max_sesions: unknown option" "conf=$conf" "${base[@]}"

conf=$(pamt_file syntax.conf 644 << 'CONF'
insecure_no_password
server = "127.0.0.1:1
CONF
)
broken file_syntax "$conf:2: missing closing" "conf=$conf" "${base[@]}"

conf=$(printf 'insecure_no_password\nlock_prefix = bad\377prefix/\n' | pamt_file utf8.conf 644)
broken file_utf8 "$conf:2: lock_prefix: not valid UTF-8" "conf=$conf" "${base[@]}"

conf=$(pamt_file nested.conf 644 <<< "conf = /etc/other.conf")
broken file_conf "$conf:1: conf: only valid as a module argument" "conf=$conf" "${base[@]}"

conf=$(pamt_file writable.conf 666 <<< "max_sessions = 2")
broken file_writable "$conf: refused: writable by group or others \\(mode 0666\\)" "conf=$conf" "${base[@]}"

# Owned by someone else than root: that user could exempt themselves.
conf=$(pamt_file foreign.conf 644 <<< "max_sessions = 2")
if chown 1001 "$conf" 2> /dev/null; then
    broken file_foreign_owner "$conf: refused: owned by uid 1001, not by root" "conf=$conf" "${base[@]}"
else
    pamt_log "not root: the foreign-owner case is not checked"
fi

broken file_missing "$PAMT_DIR/no-such.conf: No such file or directory" \
    "conf=$PAMT_DIR/no-such.conf" "${base[@]}"
mkdir "$PAMT_DIR/a-directory.conf"
broken file_unreadable "$PAMT_DIR/a-directory.conf: not a regular file" \
    "conf=$PAMT_DIR/a-directory.conf" "${base[@]}"

# Without a password and without insecure_no_password: refused to run.
conf=$(pamt_file nopw.conf 644 <<< "max_sessions = 2")
broken file_no_password "$conf: no password_file= is set: refused, .*insecure_no_password" \
    "conf=$conf" "${base[@]}"

# ---- where on_error comes from after an error ----
# A broken but safe file still says on_error=deny, and its even_deny_root
# does not lock root out.
conf=$(pamt_file deny-in-file.conf 644 << 'CONF'
insecure_no_password
on_error = deny
even_deny_root
max_sesions = 3
CONF
)
pamt_service deny_in_file mode=direct "conf=$conf" server=127.0.0.1:$port max_sessions=2
pamt_run deny_in_file alice
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_log "configuration error: $conf:4: max_sesions: unknown option"
pamt_expect_log 'on_error=deny: refusing user=alice'
pamt_run deny_in_file root
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_expect_log 'admitting user=root \(uid 0\)'
# A file that is not safe is not believed, whatever it says.
conf=$(pamt_file deny-unsafe.conf 666 <<< "on_error = deny")
pamt_service deny_unsafe mode=direct "conf=$conf" server=127.0.0.1:$port max_sessions=2
pamt_run deny_unsafe alice
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_expect_log 'configuration error; on_error=allow: admitting user=alice'
pamt_log "ok: on_error from a safe broken file, not from an unsafe one"

# ---- even_deny_root among the module arguments ----
pamt_service broken_strict mode=direct "$c" "${base[@]}" even_deny_root max_sessions=x
pamt_run broken_strict root
pamt_expect_code ACCOUNT PAM_PERM_DENIED
pamt_expect_log 'configuration error; on_error=deny: refusing user=root'
pamt_service broken_strict_allow mode=direct "$c" server=127.0.0.1:$port even_deny_root max_sessions=x
pamt_run broken_strict_allow root
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_expect_log 'configuration error; on_error=allow: admitting user=root'
pamt_log "ok: even_deny_root in the arguments"

# ---- the session phase (stack without account): only its own codes ----
pamt_service_session_only session_broken mode=direct "$c" "${base[@]}" bogus
pamt_run session_broken alice
pamt_expect_code ACCOUNT PAM_SUCCESS
pamt_expect_code OPEN_SESSION PAM_SESSION_ERR
pamt_expect_log 'pam_ldlm\(session_broken:session\): configuration error: .*bogus: unknown option'
pamt_run session_broken root
pamt_expect_code OPEN_SESSION PAM_SUCCESS
pamt_expect_code CLOSE_SESSION PAM_SUCCESS
pamt_log "ok: session phase"

# ---- the file is opened once per phase and checked on the descriptor ----
# Traced: every access to the file by its name is one open (then fstat on
# what was opened); never a stat, access or readlink by name that an
# attacker could answer with another file than the one then read.
if command -v strace > /dev/null 2>&1; then
    conf=$(pamt_file traced.conf 644 << 'CONF'
insecure_no_password
limit = alice:0
CONF
)
    pamt_service traced mode=direct "conf=$conf" server=127.0.0.1:$port
    trace=$PAMT_DIR/strace.out
    PAMT_STATUS=0
    timeout -k 5 120 strace -f -qq -o "$trace" "${PAMT_ENV[@]}" "$PAMT_DRIVER" \
        traced root > "$PAMT_DIR/run.out" 2> "$PAMT_DIR/run.err" || PAMT_STATUS=$?
    PAMT_OUT=$(cat "$PAMT_DIR/run.out")
    PAMT_ERR=$(cat "$PAMT_DIR/run.err")
    pamt_expect_code ACCOUNT PAM_SUCCESS
    pamt_expect_code CLOSE_SESSION PAM_SUCCESS
    by_name=$(grep -F "\"$conf\"" "$trace")
    opens=$(grep -c -E '(^|[^a-z])(open|openat|openat2)\(' <<< "$by_name" || true)
    [ "$opens" = 3 ] || pamt_fail "$conf opened $opens times, not once in each of account, open and close session: $by_name"
    if grep -v -E '(^|[^a-z])(open|openat|openat2)\(' <<< "$by_name" | grep -q .; then
        pamt_fail "$conf used by name other than by opening it: $(grep -v -E 'open(at2?)?\(' <<< "$by_name")"
    fi
    pamt_log "ok: the file is opened once per phase, never checked by name"
else
    pamt_log "note: strace is not installed: the open-once check is not made"
fi

# Users NSS does not know are unknown, also after a configuration error.
pamt_run unknown_arg nobody_here
pamt_expect_code ACCOUNT PAM_USER_UNKNOWN
pamt_expect_log 'user=nobody_here is unknown to NSS'

pamt_log "PASS"
