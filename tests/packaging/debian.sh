#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# debian.sh - the Debian packages, end to end, as an administrator meets
# them (a stage of scripts/test.sh; needs root):
#
#   1. build them from a clean clone of the repository's HEAD with
#      `dpkg-buildpackage -us -uc -b`, and run lintian (no error allowed);
#   2. in a scratch root (an overlay of / in a private mount namespace, so
#      that nothing on the machine changes), install them with
#      `apt-get install ./*.deb`, check that the pam-auth-update profile is
#      registered but off, enable it with `pam-auth-update --enable ldlm`,
#      and check that common-account and common-session now call pam_ldlm;
#   3. check that ldlmd.service is enabled (the scratch root has no
#      systemd: nothing is started there), start the real LDLM server, then
#      ldlmd by hand as the unit would (it reads
#      /etc/security/pam_ldlm.conf), and a real sshd using the system's own
#      PAM stack, and see a limit of one session enforced on real logins
#      through ldlmd (pam_ldlm's default mode=agent): `ldlm sessions` shows
#      the held login; run ldlm(1) from ldlm-tools against the same server;
#   4. `apt-get purge` the packages and check that the PAM stacks are back
#      to what they were, no file of the packages is left and the unit is
#      no longer enabled.
#
# Without overlayfs or mount namespaces, steps 2-4 run on the machine
# itself, and everything they change (PAM stacks, pam-auth-update state, a
# test user, installed packages) is put back at the end.
#
# Usage: tests/packaging/debian.sh            (the whole test)
# Prints PASS/FAIL lines and ends with "debian: PASS" or "debian: FAIL".
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
self="$top/tests/packaging/debian.sh"
TEST_USER=ldlmpkg

say() { printf '%s\n' "$*"; }
fail() {
    say "FAIL: $*"
    say "debian: FAIL"
    exit 1
}

# A free TCP port on 127.0.0.1 (bound and released: the kernel's choice).
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_for_port PORT PID: until 127.0.0.1:PORT accepts connections (<= 15 s),
# failing early if PID exits.
wait_for_port() {
    local i
    for i in $(seq 1 150); do
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2)" 2> /dev/null &&
            return 0
        kill -0 "$2" 2> /dev/null || return 1
        sleep 0.1
    done
    return 1
}

# ---------------------------------------------------------------------------
# Steps 2-4, run inside the scratch root (or on the machine, with restoring).
# $1: directory holding the .deb files; $2: the source tree (for the server
# harness); both are visible at these paths.
# ---------------------------------------------------------------------------
run_steps() {
    local debs=$1 src=$2
    local scratch
    scratch=$(mktemp -d /tmp/ldlm-deb-steps.XXXXXX) || fail "mktemp"
    local sshd_pid= holder_pid= holder_in= server_pid= ldlmd_pid=
    steps_cleanup() {
        [ -n "$holder_in" ] && exec {holder_in}>&-
        for pid in $holder_pid $sshd_pid $ldlmd_pid $server_pid; do
            kill "$pid" 2> /dev/null && wait "$pid" 2> /dev/null
        done
        rm -rf "$scratch"
    }
    trap steps_cleanup EXIT

    # What the PAM stacks are before we come, to compare after the purge.
    local stacks="common-account common-session common-auth common-password common-session-noninteractive"
    mkdir "$scratch/before"
    for f in $stacks; do
        cp -p "/etc/pam.d/$f" "$scratch/before/$f" 2> /dev/null || : > "$scratch/before/$f.absent"
    done

    # -- install ----------------------------------------------------------
    local -a pkgs
    mapfile -t pkgs < <(find "$debs" -maxdepth 1 -name '*.deb' ! -name '*-dbgsym_*' | sort)
    [ "${#pkgs[@]}" -eq 4 ] || fail "expected 4 packages in $debs, found ${#pkgs[@]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        "${pkgs[@]}" > "$scratch/install.log" 2>&1 ||
        { tail -20 "$scratch/install.log"; fail "apt-get install ./*.deb"; }
    say "PASS: apt-get install of ${pkgs[*]##*/}"

    for f in /usr/lib/x86_64-linux-gnu/libldlm.so.0 /usr/include/ldlm.h \
        /usr/bin/ldlm /usr/share/pam-configs/ldlm /etc/security/pam_ldlm.conf; do
        [ -e "$f" ] || fail "$f is not installed"
    done
    local module
    module=$(dpkg -L libpam-ldlm | grep '/security/pam_ldlm\.so$') ||
        fail "libpam-ldlm ships no pam_ldlm.so"
    [ -f "$module" ] || fail "$module missing"
    dpkg-query -W -f='${Conffiles}\n' libpam-ldlm | grep -q '/etc/security/pam_ldlm.conf' ||
        fail "/etc/security/pam_ldlm.conf is not a conffile"
    # Every package's files, to check that the purge leaves none.
    dpkg -L libldlm0 libldlm-dev libpam-ldlm ldlm-tools 2> /dev/null | sort -u |
        while read -r p; do
            # Files and links; not directories, nor links to them (/lib).
            [ ! -d "$p" ] && { [ -f "$p" ] || [ -L "$p" ]; } && printf '%s\n' "$p"
        done > "$scratch/files"
    # Directories of our own (shared ones such as /usr/lib stay).
    printf '%s\n' /usr/lib/x86_64-linux-gnu/libldlm /usr/share/doc/libldlm0 \
        /usr/share/doc/libldlm-dev /usr/share/doc/libpam-ldlm /usr/share/doc/ldlm-tools \
        > "$scratch/dirs"
    while read -r d; do [ -d "$d" ] || fail "$d was not created"; done < "$scratch/dirs"
    say "PASS: $(wc -l < "$scratch/files") files installed, conffile registered"

    # Installed, the profile is known but off: no stack changed.
    grep -l pam_ldlm /etc/pam.d/common-* > /dev/null 2>&1 &&
        fail "pam_ldlm is in a common-* stack before the administrator enabled it"
    for f in $stacks; do
        [ -f "$scratch/before/$f" ] || continue
        cmp -s "/etc/pam.d/$f" "$scratch/before/$f" ||
            fail "installing changed /etc/pam.d/$f"
    done
    say "PASS: installed disabled (no PAM stack changed)"

    # ldlmd.service is enabled (deb-systemd-helper, which works without a
    # running systemd); the maintainer scripts start it only under systemd.
    local wants=/etc/systemd/system/multi-user.target.wants/ldlmd.service
    [ -L "$wants" ] || fail "ldlmd.service is not enabled ($wants missing)"
    [ -f "$(dpkg -L libpam-ldlm | grep '/ldlmd\.service$')" ] ||
        fail "libpam-ldlm ships no ldlmd.service"
    say "PASS: ldlmd.service installed and enabled"

    # -- enable -----------------------------------------------------------
    DEBIAN_FRONTEND=noninteractive pam-auth-update --enable ldlm > "$scratch/pau.log" 2>&1 ||
        { cat "$scratch/pau.log"; fail "pam-auth-update --enable ldlm"; }
    grep -Eq '^account[[:space:]]+required[[:space:]]+pam_ldlm\.so' /etc/pam.d/common-account ||
        { cat /etc/pam.d/common-account; fail "common-account does not call pam_ldlm"; }
    grep -Eq '^session[[:space:]]+required[[:space:]]+pam_ldlm\.so' /etc/pam.d/common-session ||
        { cat /etc/pam.d/common-session; fail "common-session does not call pam_ldlm"; }
    say "PASS: pam-auth-update --enable ldlm puts pam_ldlm in common-account and common-session"

    # -- a real server, a real sshd, the system's PAM stack -------------------
    # The real server, installed by tests/harness/install-server.sh.
    local server_bin=${LDLM_TEST_CACHE:-$HOME/.cache/libldlm-test}/server/bin/server
    [ -x "$server_bin" ] || fail "no LDLM server at $server_bin (tests/harness/install-server.sh)"
    local server_port server_addr
    server_port=$(free_port) || fail "no free port"
    server_addr=127.0.0.1:$server_port
    "$server_bin" --listen_address "$server_addr" --ipc_socket_file "$scratch/ipc.sock" \
        --password pkg-s3cret < /dev/null > "$scratch/server.log" 2>&1 &
    server_pid=$!
    wait_for_port "$server_port" "$server_pid" || { cat "$scratch/server.log"; fail "LDLM server did not start"; }
    install -d -m 0700 /etc/ldlm
    printf 'pkg-s3cret\n' > /etc/ldlm/password
    chmod 0600 /etc/ldlm/password
    cat > /etc/security/pam_ldlm.conf << EOF
server = $server_addr
password_file = /etc/ldlm/password
timeout = 10
on_error = deny
max_sessions = 1
EOF
    chmod 0644 /etc/security/pam_ldlm.conf

    # ldlmd as ldlmd.service runs it (no systemd here): its run directory
    # (the unit's RuntimeDirectory), then the daemon in the foreground,
    # reading the file above. Ready once `ldlm status` gets an answer.
    install -d -m 0755 /run/ldlm
    /usr/sbin/ldlmd < /dev/null > "$scratch/ldlmd.log" 2>&1 &
    ldlmd_pid=$!
    local i up=
    for i in $(seq 1 150); do
        ldlm status --json > "$scratch/status.json" 2> /dev/null && { up=1; break; }
        kill -0 "$ldlmd_pid" 2> /dev/null || break
        sleep 0.1 # ldlmd's readiness goes to systemd, absent here
    done
    [ -n "$up" ] || { cat "$scratch/ldlmd.log"; fail "ldlmd did not answer within 15 s"; }
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["connected"] and d["server"]==sys.argv[2] else 1)' \
        "$scratch/status.json" "$server_addr" ||
        { cat "$scratch/status.json" "$scratch/ldlmd.log"; fail "ldlmd is not connected to $server_addr"; }
    say "PASS: ldlmd started by hand, connected to the server of /etc/security/pam_ldlm.conf"

    id "$TEST_USER" > /dev/null 2>&1 ||
        useradd --create-home --shell /bin/sh "$TEST_USER" || fail "useradd $TEST_USER"
    ssh-keygen -q -t ed25519 -N '' -f "$scratch/host_key" || fail "ssh-keygen host"
    ssh-keygen -q -t ed25519 -N '' -f "$scratch/client_key" || fail "ssh-keygen client"
    cp "$scratch/client_key.pub" "$scratch/authorized_keys"
    chmod 0644 "$scratch/authorized_keys"
    chmod 0755 "$scratch"
    local port
    port=$(free_port) || fail "no free port"
    cat > "$scratch/sshd_config" << EOF
Port $port
ListenAddress 127.0.0.1
HostKey $scratch/host_key
PidFile none
UsePAM yes
AuthorizedKeysFile $scratch/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowUsers $TEST_USER
PrintMotd no
LogLevel VERBOSE
EOF
    [ -d /run/sshd ] || mkdir -m 0755 /run/sshd
    /usr/sbin/sshd -D -e -f "$scratch/sshd_config" < /dev/null > "$scratch/sshd.log" 2>&1 &
    sshd_pid=$!
    wait_for_port "$port" "$sshd_pid" || { cat "$scratch/sshd.log"; fail "sshd did not start"; }
    local -a ssh=(ssh -F /dev/null -p "$port" -i "$scratch/client_key" -o IdentitiesOnly=yes
        -o BatchMode=yes -o StrictHostKeyChecking=no -o "UserKnownHostsFile=$scratch/known_hosts"
        -o LogLevel=ERROR -o ConnectTimeout=20 "$TEST_USER@127.0.0.1")

    # The first login holds its session open (it prints READY, then waits).
    mkfifo "$scratch/hold.in" "$scratch/hold.out"
    "${ssh[@]}" 'echo READY; exec cat' < "$scratch/hold.in" > "$scratch/hold.out" 2> "$scratch/hold.err" &
    holder_pid=$!
    exec {holder_in}> "$scratch/hold.in"
    local line= out_fd
    exec {out_fd}< "$scratch/hold.out"
    IFS= read -r -t 60 -u "$out_fd" line
    [ "$line" = READY ] ||
        { cat "$scratch/hold.err" "$scratch/sshd.log"; fail "the first login did not get in"; }
    say "PASS: first sshd login admitted (holds the one slot)"
    ldlm sessions --json > "$scratch/sessions.json" ||
        { cat "$scratch/ldlmd.log"; fail "ldlm sessions"; }
    python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["sessions"]; sys.exit(0 if [(x["user"], x["service"]) for x in s]==[(sys.argv[2], "sshd")] else 1)' \
        "$scratch/sessions.json" "$TEST_USER" ||
        { cat "$scratch/sessions.json"; fail "the login's slot is not held by ldlmd"; }
    say "PASS: the login went through ldlmd (ldlm sessions shows it)"

    # A second login of the same user is refused while the first is open.
    local status=0
    timeout -k 5 60 "${ssh[@]}" true < /dev/null > "$scratch/second.out" 2> "$scratch/second.err" || status=$?
    [ "$status" = 255 ] ||
        { cat "$scratch/second.err" "$scratch/sshd.log"; fail "a second login got in (status $status)"; }
    # The refusal comes from the account stack, where only pam_ldlm was
    # added (pam_ldlm's own reason goes to syslog, absent in a scratch root).
    grep -q "Access denied for user $TEST_USER by PAM account configuration" "$scratch/sshd.log" ||
        { cat "$scratch/sshd.log"; fail "sshd's log shows no refusal by the PAM account stack"; }
    say "PASS: second sshd login refused by the limit (ssh status 255)"

    # The first session ends: its slot comes back and a new login gets in.
    exec {holder_in}>&-
    holder_in=
    wait "$holder_pid"
    holder_pid=
    exec {out_fd}<&-
    status=1
    for i in $(seq 1 20); do
        status=0
        timeout -k 5 60 "${ssh[@]}" true < /dev/null > /dev/null 2> "$scratch/third.err" || status=$?
        [ "$status" = 0 ] && break
        sleep 0.5 # the closing sshd may still be releasing the slot
    done
    [ "$status" = 0 ] ||
        { cat "$scratch/third.err" "$scratch/sshd.log"; fail "no login after the first session ended"; }
    say "PASS: after logout the slot is free again"

    # ldlm-tools against the same server.
    LDLM_PASSWORD_FILE=/etc/ldlm/password ldlm --server "$server_addr" run pkg-test -- true ||
        fail "ldlm run from ldlm-tools"
    say "PASS: ldlm(1) from ldlm-tools runs a command under a lock"

    kill "$sshd_pid" && wait "$sshd_pid" 2> /dev/null
    sshd_pid=
    ldlm sessions --json > "$scratch/sessions.json" || fail "ldlm sessions"
    python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["sessions"]==[] else 1)' \
        "$scratch/sessions.json" || { cat "$scratch/sessions.json"; fail "sessions left in ldlmd after the logouts"; }
    kill "$ldlmd_pid" && wait "$ldlmd_pid"
    status=$?
    ldlmd_pid=
    [ "$status" = 0 ] || { cat "$scratch/ldlmd.log"; fail "ldlmd exited with $status on SIGTERM"; }
    # What systemd does with the RuntimeDirectory once the unit stops.
    rm -rf /run/ldlm
    kill "$server_pid" && wait "$server_pid" 2> /dev/null
    server_pid=
    userdel --remove "$TEST_USER" > /dev/null 2>&1
    rm -rf /etc/ldlm

    # -- purge --------------------------------------------------------------
    DEBIAN_FRONTEND=noninteractive apt-get purge -y libpam-ldlm ldlm-tools libldlm-dev libldlm0 \
        > "$scratch/purge.log" 2>&1 || { tail -20 "$scratch/purge.log"; fail "apt-get purge"; }
    for f in $stacks; do
        if [ -f "$scratch/before/$f" ]; then
            cmp -s "/etc/pam.d/$f" "$scratch/before/$f" ||
                { diff -u "$scratch/before/$f" "/etc/pam.d/$f"; fail "/etc/pam.d/$f differs after the purge"; }
        fi
    done
    local left
    left=$(while read -r p; do [ -e "$p" ] || [ -L "$p" ] && printf '%s\n' "$p"; done < "$scratch/files")
    [ -z "$left" ] || fail "files left after the purge: $left"
    left=$(while read -r d; do [ -e "$d" ] && printf '%s\n' "$d"; done < "$scratch/dirs")
    [ -z "$left" ] || fail "directories left after the purge: $left"
    [ ! -e /etc/security/pam_ldlm.conf ] || fail "/etc/security/pam_ldlm.conf left after the purge"
    [ ! -e "$wants" ] && [ ! -L "$wants" ] || fail "ldlmd.service is still enabled after the purge"
    if ls /var/lib/systemd/deb-systemd-helper-enabled 2> /dev/null | grep -q ldlmd; then
        fail "deb-systemd-helper still remembers ldlmd.service after the purge"
    fi
    if grep -qx ldlm /var/lib/pam/seen 2> /dev/null; then
        fail "pam-auth-update still remembers the ldlm profile"
    fi
    say "PASS: apt-get purge restores the PAM stacks and leaves none of the $(wc -l < "$scratch/files") files"
    trap - EXIT
    steps_cleanup
    return 0
}

# ---------------------------------------------------------------------------
# Inside a private mount namespace: build the scratch root and chroot there.
# ---------------------------------------------------------------------------
in_namespace() {
    local work=$1 debs=$2
    local root=$work/root
    mount -t tmpfs -o mode=0755 ldlm-deb "$work/ovl" || return 3
    mkdir -p "$work/ovl/upper" "$work/ovl/work" "$root"
    mount -t overlay overlay \
        -o "lowerdir=/,upperdir=$work/ovl/upper,workdir=$work/ovl/work" "$root" || return 3
    # The kernel's views and the devices, fresh /run and /tmp, and the
    # paths the steps read (packages, source tree, cached server binary).
    mount --rbind /proc "$root/proc" && mount --rbind /sys "$root/sys" &&
        mount --rbind /dev "$root/dev" &&
        mount -t tmpfs -o mode=0755 run "$root/run" &&
        mount -t tmpfs -o mode=1777 tmp "$root/tmp" || return 3
    local p
    for p in "$debs" "$top" "${LDLM_TEST_CACHE:-$HOME/.cache/libldlm-test}"; do
        [ -d "$p" ] || continue
        mkdir -p "$root$p" && mount --bind "$p" "$root$p" || return 3
    done
    chroot "$root" /usr/bin/env LDLM_TEST_CACHE="${LDLM_TEST_CACHE:-$HOME/.cache/libldlm-test}" \
        CI="${CI:-}" bash "$self" --steps "$debs" "$top"
}

# ---------------------------------------------------------------------------
# On the machine itself (no overlay): run the steps, then put back what they
# change even if they fail.
# ---------------------------------------------------------------------------
on_the_machine() {
    local debs=$1 backup
    backup=$(mktemp -d /tmp/ldlm-deb-backup.XXXXXX) || fail "mktemp"
    cp -a /etc/pam.d "$backup/pam.d"
    [ -d /var/lib/pam ] && cp -a /var/lib/pam "$backup/var-lib-pam"
    local had_conf=no
    [ -e /etc/security/pam_ldlm.conf ] && had_conf=yes
    bash "$self" --steps "$debs" "$top"
    local rc=$?
    DEBIAN_FRONTEND=noninteractive apt-get purge -y libpam-ldlm ldlm-tools libldlm-dev libldlm0 > /dev/null 2>&1
    rm -rf /etc/pam.d && cp -a "$backup/pam.d" /etc/pam.d
    [ -d "$backup/var-lib-pam" ] && rm -rf /var/lib/pam && cp -a "$backup/var-lib-pam" /var/lib/pam
    [ "$had_conf" = no ] && rm -f /etc/security/pam_ldlm.conf
    userdel --remove "$TEST_USER" > /dev/null 2>&1
    rm -rf "$backup"
    return $rc
}

if [ "${1:-}" = --steps ]; then
    run_steps "$2" "$3"
    exit $?
fi
if [ "${1:-}" = --namespace ]; then
    in_namespace "$2" "$3"
    exit $?
fi

[ "$(id -u)" = 0 ] || fail "needs root (it installs packages in a scratch root)"
for tool in dpkg-buildpackage dh lintian git unshare chroot pam-auth-update /usr/sbin/sshd ssh; do
    command -v "$tool" > /dev/null 2>&1 ||
        fail "$tool is missing (scripts/install-deps.sh installs debhelper, lintian, openssh)"
done
git -C "$top" rev-parse --git-dir > /dev/null 2>&1 || fail "$top is not a git checkout"

work=$(mktemp -d /tmp/ldlm-deb.XXXXXX) || fail "mktemp"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ovl" "$work/debs"

# -- 1. build from a clean clone, lintian --------------------------------------
# The package is built from what is committed: a clean clone of HEAD.
git clone -q --no-hardlinks "$top" "$work/debs/libldlm" || fail "git clone"
say "building the packages from a clean clone of $(git -C "$top" rev-parse --short HEAD)"
start=$(date +%s)
(cd "$work/debs/libldlm" && dpkg-buildpackage -us -uc -b -j2) > "$work/build.log" 2>&1 ||
    { tail -40 "$work/build.log"; fail "dpkg-buildpackage -us -uc -b"; }
rm -rf "$work/debs/libldlm"
say "PASS: dpkg-buildpackage -us -uc -b ($(($(date +%s) - start)) s):" \
    "$(cd "$work/debs" && ls ./*.deb | grep -v dbgsym | sed 's|^\./||' | tr '\n' ' ')"
ls "$work"/debs/*.changes > /dev/null 2>&1 || fail "no .changes file"
lintian --pedantic --display-info "$work"/debs/*.changes \
    > "$work/lintian.txt" 2>&1
lintian_rc=$?
grep -E '^[EWIP]: ' "$work/lintian.txt" | sort | uniq -c | sed 's/^/    lintian: /'
errors=$(grep -c '^E: ' "$work/lintian.txt")
warnings=$(grep -c '^W: ' "$work/lintian.txt")
[ "$errors" = 0 ] && [ "$lintian_rc" -lt 2 ] ||
    { cat "$work/lintian.txt"; fail "lintian reports $errors error(s)"; }
say "PASS: lintian --pedantic: 0 errors, $warnings warnings"

# -- 2..4 in a scratch root ----------------------------------------------------
unshare --mount --propagation private -- bash "$self" --namespace "$work" "$work/debs"
rc=$?
if [ "$rc" = 3 ]; then
    say "NOTE: no overlayfs / mount namespace here: running on the machine, restoring it afterwards"
    on_the_machine "$work/debs"
    rc=$?
fi
[ "$rc" = 0 ] || fail "the installed packages did not behave (see above)"
say "debian: PASS"
