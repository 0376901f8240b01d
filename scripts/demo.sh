#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job, narrated: builds everything, starts a local LDLM server and
# three simulated hosts, each with its own ldlmd (own socket and run
# directory, one connection to the server), and shows pam_ldlm
# (mode=agent, its default) enforcing "alice may have at most 2 sessions"
# across them: ldlm sessions / ldlm status on a host, a refused login, a
# logout that lets it in, and kill -9 of one host's ldlmd freeing every
# slot of that host on the server. Then the ldlm(1) tool. Each login is a
# process of its own, as sshd's would be. Run as root on Debian 12.
# Leaves nothing behind: every process is stopped by pid, every file lives
# in one temporary directory (nothing in /run).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${LDLM_DEMO_BUILD:-$top/build-demo}

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { # show COMMAND...: prints the command as typed, then runs it
  printf '$ %s\n' "$*" | sed "s|$build/cli/||; s|$PAMT_DIR|\$DEMO|g"
  "$@" 2>&1 | sed "s|$PAMT_DIR|\$DEMO|g"
}

say "Installing build dependencies (Debian packages)"
"$top/scripts/install-deps.sh" >/dev/null
say "Building libldlm, pam_ldlm, ldlmd and ldlm(1) in $build"
"$top/scripts/build.sh" "$build" >/dev/null
# the login driver, and the readiness listener of ldlmd's sd_notify
make -C "$build" -j2 tests/pam/pam_driver tests/harness/ldlm_test_tool tests/ldlmd/agent_tool >/dev/null

export LDLM_TEST_SRCDIR=$top LDLM_TEST_BUILDDIR=$build
export LDLM_TEST_CACHE=${LDLM_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libldlm-test}
export LDLM_SERVER_BIN=${LDLM_SERVER_BIN:-$LDLM_TEST_CACHE/server/bin/server}
# Where `go install` is refused, the same release is built from its
# upstream source beside the clone.
[ -d "$top/../shared/vendor" ] && export LDLM_VENDOR_DIR=${LDLM_VENDOR_DIR:-$(cd "$top/../shared/vendor" && pwd)}
say "Installing the real LDLM server v1.2.2 (go install, else from source; cached)"
if ! "$top/tests/harness/install-server.sh"; then
  echo
  echo "The demo needs the real LDLM server and it could not be installed"
  echo "(the errors above say why). Nothing was changed."
  exit 1
fi

cd "$build"
. "$top/tests/harness/server.sh"
. "$top/tests/pam/pam_lib.sh"
pamt_init                       # private users, PAM services; cleanup on exit
pamt_on_cleanup ldlm_srv_cleanup
ldlm=$build/cli/ldlm
ldlm_srv_start
echo "LDLM server pid $LDLM_SRV_PID listening on $LDLM_SRV_ADDR"
pamt_empty_conf

declare -A ldlmd_pid=()
stop_hosts() { # SIGTERM to every ldlmd still running: it releases its slots
  local h
  for h in "${!ldlmd_pid[@]}"; do pamt_stop_pid "${ldlmd_pid[$h]}"; done
}
pamt_on_cleanup stop_hosts

# host_start NAME: the host's ldlmd (run directory and socket in $DEMO/NAME,
# connection settings in its own pam_ldlm.conf); returns once ldlmd said
# READY=1 on its NOTIFY_SOCKET, as systemd would hear it. Then the host's
# sshd PAM service: pam_ldlm through that ldlmd, at most 2 sessions a user.
host_start() {
  local h=$1 dir=$PAMT_DIR/$1 line npid
  mkdir -m 0700 "$dir"
  printf 'server=%s\ninsecure_no_password\ntimeout=5\n' "$LDLM_SRV_ADDR" > "$dir/pam_ldlm.conf"
  chmod 0600 "$dir/pam_ldlm.conf"
  mkfifo "$dir/notify.out"
  "$build/tests/ldlmd/agent_tool" notify-wait "$dir/notify.sock" 30000 > "$dir/notify.out" &
  npid=$!
  exec 9< "$dir/notify.out"
  read -r line <&9
  NOTIFY_SOCKET=$dir/notify.sock "$build/ldlmd/ldlmd" --config "$dir/pam_ldlm.conf" \
    --run-dir "$dir" --stderr < /dev/null >> "$dir/ldlmd.log" 2>&1 &
  ldlmd_pid[$h]=$!
  line=
  read -r line <&9 || :
  exec 9<&-
  wait "$npid" || :
  case $line in
  READY=1*) ;;
  *) cat "$dir/ldlmd.log"; echo "ldlmd of $h did not start"; exit 1 ;;
  esac
  pamt_service "sshd-$h" "conf=$PAMT_EMPTY_CONF" mode=agent "agent_socket=$dir/ldlmd.sock" max_sessions=2
  echo "$h: ldlmd pid ${ldlmd_pid[$h]}, socket \$DEMO/$h/ldlmd.sock, one connection to $LDLM_SRV_ADDR"
}

say "Three hosts, each with its own ldlmd"
for h in host-a host-b host-c; do host_start "$h"; done
echo "(\$DEMO is $PAMT_DIR)"
command -v ss >/dev/null && echo "connections to the server port: $(ss -Htn state established "( dport = :$LDLM_SRV_PORT )" | wc -l) (one per host)"

say "host-a: alice logs in"
pamt_hold a1 --rhost 10.0.0.7 sshd-host-a alice && echo "admitted (slot 1 of 2)"
say "host-b: alice logs in"
pamt_hold b1 --rhost 10.0.0.7 sshd-host-b alice && echo "admitted (slot 2 of 2)"
say "host-c: alice logs in a third time"
if pamt_hold c1 --rhost 10.0.0.7 sshd-host-c alice; then
  echo "UNEXPECTED: admitted"; exit 1
fi
printf '%s\n' "$PAMT_OUT" | sed -n 's/^CONV [A-Z_]* /refused, alice sees: /p'
printf '%s\n' "$PAMT_ERR" | grep -m1 'pam_ldlm' | sed 's/^/syslog: /' || :

say "What each host's ldlmd holds"
show "$ldlm" sessions --socket "$PAMT_DIR/host-a/ldlmd.sock"
show "$ldlm" sessions --socket "$PAMT_DIR/host-b/ldlmd.sock"
show "$ldlm" status --socket "$PAMT_DIR/host-a/ldlmd.sock"

say "host-a: alice logs out; host-c tries again"
pamt_release a1
pamt_hold c1 --rhost 10.0.0.7 sshd-host-c alice && echo "admitted"

say "host-b's ldlmd is killed (kill -9): the server sees its connection end and frees every slot of host-b"
t0=$(date +%s%N)
kill -KILL "${ldlmd_pid[host-b]}"
wait "${ldlmd_pid[host-b]}" 2>/dev/null || :
unset 'ldlmd_pid[host-b]'
pamt_hold_eventually a2 30 --rhost 10.0.0.7 sshd-host-a alice
echo "host-a: alice admitted again, $(( ($(date +%s%N) - t0) / 1000000 )) ms after the kill"
show "$ldlm" sessions --socket "$PAMT_DIR/host-a/ldlmd.sock"
echo "(alice's process on host-b still runs; with its ldlmd gone it holds no slot, as after a host crash)"
pamt_kill9 b1

say "Everyone logs out; each ldlmd stops on SIGTERM, releasing what it still holds"
pamt_release a2
pamt_release c1
show "$ldlm" status --json --socket "$PAMT_DIR/host-c/ldlmd.sock"
stop_hosts
ldlmd_pid=()

say "ldlm(1): a cluster-wide flock"
echo "\$ ldlm run nightly-backup --wait 0 -- sh -c 'echo backing up with key \$LDLM_LOCK_KEY; sleep 1'"
"$ldlm" --server "$LDLM_SRV_ADDR" run nightly-backup --wait 0 -- sh -c 'echo "backing up with key $LDLM_LOCK_KEY"; sleep 1'
echo "exit status $?"
say "Done: ldlmd instances and server stopped, temporary files removed."
