# SPDX-License-Identifier: MIT
# sshd_lib.sh - a real OpenSSH server with pam_ldlm, for end-to-end tests
# (bash; source after tests/pam/pam_lib.sh and pamt_init).
#
# Debian's /usr/sbin/sshd runs on a free loopback port with its own config,
# host key and authorized keys in the test's temp dir. It runs under
# pam_wrapper and nss_wrapper, so nothing on the machine changes:
#   - sshd names its PAM service "sshd" (the name it was run under); with
#     pam_wrapper, libpam reads that service from the test's own service dir
#     (PAM_WRAPPER_SERVICE_DIR), never /etc/pam.d;
#   - the login user (ldlmuser, uid 4242) and sshd's privilege separation
#     user exist only in the test's passwd and group files (nss_wrapper).
# The only shared path sshd insists on is its privilege separation
# directory /run/sshd: created if missing, and then removed at the end.
# Processes are controlled by pid; pam_wrapper's per-process copies in
# /tmp of processes that could not clean up are removed at the end.
#
# Logins use the real ssh client with a key pair made for the test.

SSHDT_USER=ldlmuser
SSHDT_UID=4242
SSHDT_PID=
SSHDT_PORT=
declare -A SSHDT_CLIENT_PID=() SSHDT_CLIENT_OUTFD=() SSHDT_CLIENT_INFD=()
declare -a SSHDT_EXTRA_PIDS=()

# Skips (77) when the machine cannot run a test sshd at all.
sshdt_require() {
    local missing=
    for tool in /usr/sbin/sshd ssh ssh-keygen; do
        command -v "$tool" > /dev/null 2>&1 || missing+=" $tool"
    done
    if [ -n "$missing" ]; then
        echo "SKIP: OpenSSH not installed (missing:$missing; Debian: openssh-server openssh-client)"
        exit 77
    fi
    if [ "$(id -u)" != 0 ]; then
        echo "SKIP: a test sshd needs root (privilege separation and user switching)"
        exit 77
    fi
}

# sshdt_setup MODULE-ARG... : keys, users, sshd_config and the PAM service
# "sshd" with pam_ldlm (and MODULE-ARGs) in its account and session stacks.
sshdt_setup() {
    local d=$PAMT_DIR
    ssh-keygen -q -t ed25519 -N '' -C pam-ldlm-test-host -f "$d/host_key" ||
        pamt_fail "ssh-keygen (host key) failed"
    ssh-keygen -q -t ed25519 -N '' -C pam-ldlm-test-client -f "$d/client_key" ||
        pamt_fail "ssh-keygen (client key) failed"
    cp "$d/client_key.pub" "$d/authorized_keys"
    chmod 644 "$d/authorized_keys"
    mkdir "$d/home"
    chown "$SSHDT_UID:$SSHDT_UID" "$d/home"

    local privsep_uid
    privsep_uid=$(id -u sshd 2> /dev/null) || privsep_uid=65534
    cat > "$d/passwd" << EOF
root:x:0:0:root:/root:/bin/sh
sshd:x:$privsep_uid:65534::/run/sshd:/usr/sbin/nologin
$SSHDT_USER:x:$SSHDT_UID:$SSHDT_UID:pam_ldlm test user:$d/home:/bin/sh
EOF
    cat > "$d/group" << EOF
root:x:0:
nogroup:x:65534:
$SSHDT_USER:x:$SSHDT_UID:
EOF

    SSHDT_PORT=$(pamt_closed_port) || pamt_fail "no free port for sshd"
    cat > "$d/sshd_config" << EOF
Port $SSHDT_PORT
ListenAddress 127.0.0.1
HostKey $d/host_key
PidFile none
UsePAM yes
AuthorizedKeysFile $d/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowUsers $SSHDT_USER
PermitRootLogin no
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowTcpForwarding no
LogLevel VERBOSE
EOF
    sshdt_service "$@"

    pamt_on_cleanup sshdt_cleanup
    # Test runs from other build trees may use /run/sshd at the same time,
    # and whoever created it removes it at the end: serialise those runs on
    # an exclusive flock of /run itself (nothing is created; released when
    # this test exits).
    exec {SSHDT_RUN_LOCK}< /run
    flock -w 900 "$SSHDT_RUN_LOCK" || pamt_fail "another sshd test holds /run for 900 s"
    if [ ! -d /run/sshd ]; then
        mkdir -m 755 /run/sshd || pamt_fail "cannot create /run/sshd"
        pamt_on_cleanup 'rmdir /run/sshd 2> /dev/null'
    fi
}

# sshdt_service MODULE-ARG... : (re)writes the PAM service of sshd. Each
# connection is handled by a freshly executed sshd, which reads it anew.
sshdt_service() {
    local args
    args=$(_pamt_args "$@")
    cat > "$PAMT_DIR/services/sshd" << EOF
auth     required pam_permit.so
account  required $PAMT_MODULE$args
session  required $PAMT_MODULE$args
password required pam_deny.so
EOF
}

# Starts sshd in the foreground of a background job (its pid is sshd's) and
# waits until it accepts connections.
sshdt_start() {
    # pam_wrapper logs the module's syslog lines on stderr up to this level
    # (1 = warnings; 2 adds notices, where refusals are logged).
    # Sanitizer builds: LeakSanitizer's exit-time scan makes system calls
    # that sshd's seccomp sandbox kills its pre-authentication child for.
    "${PAMT_ENV[@]}" PAM_WRAPPER_USE_SYSLOG=0 PAM_WRAPPER_DEBUGLEVEL=2 \
        "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=0" \
        /usr/sbin/sshd -D -e -f "$PAMT_DIR/sshd_config" \
        < /dev/null >> "$PAMT_DIR/sshd.log" 2>&1 &
    SSHDT_PID=$!
    "$PAMT_TOOL" wait-ready 127.0.0.1 "$SSHDT_PORT" "$SSHDT_PID" 15000 || {
        cat "$PAMT_DIR/sshd.log" >&2
        pamt_fail "sshd did not accept connections on port $SSHDT_PORT"
    }
}

sshdt_stop() {
    [ -n "$SSHDT_PID" ] || return 0
    pamt_stop_pid "$SSHDT_PID"
    SSHDT_PID=
}

# The ssh client's options: the test's key and known hosts only, no prompts.
_sshdt_ssh_opts() {
    SSHDT_SSH=(ssh -F /dev/null -p "$SSHDT_PORT" -i "$PAMT_DIR/client_key"
        -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no
        -o "UserKnownHostsFile=$PAMT_DIR/known_hosts" -o LogLevel=ERROR
        -o ConnectTimeout=20 -o ServerAliveInterval=5)
}

# sshdt_run COMMAND : one login running COMMAND. Sets SSHDT_OUT, SSHDT_ERR,
# SSHDT_STATUS (255: the login was refused).
sshdt_run() {
    _sshdt_ssh_opts
    SSHDT_STATUS=0
    timeout -k 5 60 "${SSHDT_SSH[@]}" "$SSHDT_USER@127.0.0.1" "$@" \
        < /dev/null > "$PAMT_DIR/ssh.out" 2> "$PAMT_DIR/ssh.err" || SSHDT_STATUS=$?
    SSHDT_OUT=$(cat "$PAMT_DIR/ssh.out")
    SSHDT_ERR=$(cat "$PAMT_DIR/ssh.err")
}

# sshdt_hold ID -N|shell : a connection that stays open. With -N (no
# session, as for tunnels) success shows through a LocalCommand, which ssh
# runs once the server has let it in; a shell session shows it by printing
# READY, then waits on its stdin. Returns 0 when in, 1 when refused.
sshdt_hold() {
    local id=$1
    shift
    _sshdt_ssh_opts
    local in=$PAMT_DIR/ssh-$id.in out=$PAMT_DIR/ssh-$id.out
    rm -f "$in" "$out"
    mkfifo "$in" "$out"
    local -a what
    if [ "$1" = -N ]; then
        what=(-N -o PermitLocalCommand=yes -o "LocalCommand=echo READY" "$SSHDT_USER@127.0.0.1")
    else
        what=("$SSHDT_USER@127.0.0.1" 'echo READY; exec cat')
    fi
    "${SSHDT_SSH[@]}" "${what[@]}" < "$in" > "$out" 2> "$PAMT_DIR/ssh-$id.err" &
    SSHDT_CLIENT_PID[$id]=$!
    local infd outfd line
    exec {infd}> "$in"
    exec {outfd}< "$out"
    SSHDT_CLIENT_INFD[$id]=$infd
    SSHDT_CLIENT_OUTFD[$id]=$outfd
    if IFS= read -r -t 60 -u "$outfd" line && [ "$line" = READY ]; then
        return 0
    fi
    sshdt_end "$id"
    return 1
}

# sshdt_hold_eventually ID SECONDS -N|shell : sshdt_hold retried until
# admitted, failing the test after SECONDS (slots are freed asynchronously:
# sshd ends sessions after the client has gone).
sshdt_hold_eventually() {
    local id=$1 deadline=$((SECONDS + $2))
    shift 2
    until sshdt_hold "$id" "$@"; do
        [ "$SECONDS" -lt "$deadline" ] || pamt_fail "connection $id still refused after $2 s"
        sleep 0.2
    done
}

# sshdt_expect_limit_of_two LOCK : with max_sessions=2, two connections
# are admitted and held ("tunnel", an ssh -N, which has no session, and
# "shell"), and a third is refused, both as a command (the module logging
# the refusal with LOCK) and as an ssh -N ("tunnel2").
sshdt_expect_limit_of_two() {
    sshdt_hold tunnel -N || pamt_fail "the ssh -N connection was refused"
    sshdt_hold shell shell || pamt_fail "the second connection was refused"
    sshdt_run 'echo third'
    [ "$SSHDT_STATUS" = 255 ] || pamt_fail "a third connection got in ($SSHDT_STATUS): $SSHDT_OUT"
    sshdt_expect_log "denied user=$SSHDT_USER limit=2 lock=$1 service=sshd rhost=127\\.0\\.0\\.1: all slots are in use"
    sshdt_hold tunnel2 -N && pamt_fail "a third connection (ssh -N) got in"
}

# sshdt_end ID : the client goes away (stdin closed, then SIGTERM).
sshdt_end() {
    local id=$1 pid=${SSHDT_CLIENT_PID[$1]}
    local infd=${SSHDT_CLIENT_INFD[$id]} outfd=${SSHDT_CLIENT_OUTFD[$id]}
    exec {infd}>&-
    pamt_stop_pid "$pid"
    exec {outfd}<&-
    unset "SSHDT_CLIENT_PID[$id]" "SSHDT_CLIENT_INFD[$id]" "SSHDT_CLIENT_OUTFD[$id]"
}

# Children of a process, from /proc.
_sshdt_children() {
    local p
    for p in /proc/[0-9]*; do
        [ "$(awk '/^PPid:/ { print $2 }' "$p/status" 2> /dev/null)" = "$1" ] &&
            printf '%s\n' "${p#/proc/}"
    done
}

# The per-connection sshd processes (children of the listener).
sshdt_connection_pids() {
    _sshdt_children "$SSHDT_PID" | sort -n
}

# The per-connection sshd processes that run an admitted login: those with
# a child running as the login user (sshd's post-authentication process).
sshdt_session_monitor_pids() {
    local m c
    for m in $(sshdt_connection_pids); do
        for c in $(_sshdt_children "$m"); do
            if [ "$(awk '/^Uid:/ { print $2 }' "/proc/$c/status" 2> /dev/null)" = "$SSHDT_UID" ]; then
                printf '%s\n' "$m"
                break
            fi
        done
    done
}

# sshdt_hold_session ID SECONDS : a shell connection held as with
# sshdt_hold_eventually; SSHDT_SESSION_PID is then the per-connection sshd
# process that runs its session (the one a test may kill), the test failing
# when there is not exactly one new such process.
sshdt_hold_session() {
    local before pid
    before=$(sshdt_session_monitor_pids)
    sshdt_hold_eventually "$1" "$2" shell
    SSHDT_SESSION_PID=
    for pid in $(sshdt_session_monitor_pids); do
        grep -qx "$pid" <<< "$before" || SSHDT_SESSION_PID+=" $pid"
    done
    SSHDT_SESSION_PID=${SSHDT_SESSION_PID# }
    case $SSHDT_SESSION_PID in
    '' | *' '*) pamt_fail "cannot tell the sshd process of the new connection ('$SSHDT_SESSION_PID')" ;;
    esac
}

# sshdt_kill9 PID : SIGKILL to one sshd process; its own children are
# remembered and ended at cleanup (they are reparented, no longer ours).
sshdt_kill9() {
    local c
    for c in $(_sshdt_children "$1"); do SSHDT_EXTRA_PIDS+=("$c"); done
    kill -KILL "$1" 2> /dev/null || :
}

# Ends every client, then sshd once its connections have ended (bounded).
_sshdt_shutdown() {
    local id pid i
    for id in "${!SSHDT_CLIENT_PID[@]}"; do sshdt_end "$id"; done
    # The connections end once their clients are gone; let the listener
    # reap them (bounded), so that none is orphaned, then stop it.
    if [ -n "$SSHDT_PID" ]; then
        for ((i = 0; i < 100; i++)); do
            [ -z "$(sshdt_connection_pids)" ] && break
            sleep 0.1
        done
        for pid in $(sshdt_connection_pids); do kill -TERM "$pid" 2> /dev/null; done
        for ((i = 0; i < 50; i++)); do
            [ -z "$(sshdt_connection_pids)" ] && break
            sleep 0.1
        done
    fi
    sshdt_stop
    for pid in "${SSHDT_EXTRA_PIDS[@]}"; do
        # still that sshd process (pids are reused)?
        grep -q sshd "/proc/$pid/cmdline" 2> /dev/null && kill -KILL "$pid" 2> /dev/null
    done
    SSHDT_EXTRA_PIDS=()
}

sshdt_cleanup() {
    _sshdt_shutdown
    pamt_remove_stale_wrapper_dirs
}

# sshdt_finish : the end of a test. Stops sshd after its connections, which
# run the module's session close and pam_end as they go, then fails the
# test if any sshd process (all share sshd's stderr, the log) reported a
# sanitizer error on the way.
sshdt_finish() {
    _sshdt_shutdown
    if grep -q -E -- 'ERROR: (Address|Leak)Sanitizer|: runtime error: |SUMMARY: [A-Za-z]+Sanitizer' "$PAMT_DIR/sshd.log"; then
        grep -E -B 2 -A 30 -- 'ERROR: (Address|Leak)Sanitizer|: runtime error: ' "$PAMT_DIR/sshd.log" | head -n 80 >&2
        pamt_fail "sshd's log has a sanitizer report"
    fi
}

# sshdt_expect_log REGEX : sshd's log (with the module's lines) matches.
sshdt_expect_log() {
    grep -q -E -- "$1" "$PAMT_DIR/sshd.log" || {
        tail -n 40 "$PAMT_DIR/sshd.log" >&2
        pamt_fail "sshd's log has no line matching /$1/"
    }
}
