#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job, narrated: builds everything, starts a local LDLM server and
# shows pam_ldlm enforcing "alice may have at most 2 sessions" across three
# simulated hosts (each login is its own process, as on separate machines),
# then the ldlm(1) tool. Run as root on Debian 12. Leaves nothing behind.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${LDLM_DEMO_BUILD:-$top/build-demo}

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Installing build dependencies (Debian packages)"
"$top/scripts/install-deps.sh" >/dev/null
say "Building libldlm, pam_ldlm and ldlm(1) in $build"
"$top/scripts/build.sh" "$build" >/dev/null
make -C "$build" -j2 tests/pam/pam_driver tests/harness/ldlm_test_tool >/dev/null  # the login driver

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
# Short keepalive so that a crashed host's slot is freed within seconds.
ldlm_srv_start --keepalive_interval 2s --keepalive_timeout 1s
echo "LDLM server pid $LDLM_SRV_PID listening on $LDLM_SRV_ADDR"
pamt_empty_conf
pamt_service sshd "conf=$PAMT_EMPTY_CONF" "server=$LDLM_SRV_ADDR" max_sessions=2

say "host-a: alice logs in"
pamt_hold host-a --rhost host-a sshd alice && echo "admitted (slot 1 of 2)"
say "host-b: alice logs in"
pamt_hold host-b --rhost host-b sshd alice && echo "admitted (slot 2 of 2)"
say "host-c: alice logs in a third time"
if pamt_hold host-c --rhost host-c sshd alice; then
  echo "UNEXPECTED: admitted"; exit 1
fi
printf '%s\n' "$PAMT_OUT" | sed -n 's/^CONV [A-Z_]* /refused, alice sees: /p'
printf '%s\n' "$PAMT_ERR" | grep -m1 'pam_ldlm' | sed 's/^/syslog: /' || :
say "host-a: alice logs out; host-c tries again"
pamt_release host-a
pamt_hold host-c --rhost host-c sshd alice && echo "admitted"
say "host-b crashes (kill -9): the server drops its connection and its slot"
pamt_kill9 host-b
pamt_hold_eventually host-d 30 --rhost host-d sshd alice && echo "host-d: admitted once the server noticed the crash"
pamt_release host-c
pamt_release host-d

say "ldlm(1): a cluster-wide flock"
ldlm=$build/cli/ldlm
echo "\$ ldlm run nightly-backup --wait 0 -- sh -c 'echo backing up with key \$LDLM_LOCK_KEY; sleep 1'"
"$ldlm" --server "$LDLM_SRV_ADDR" run nightly-backup --wait 0 -- sh -c 'echo "backing up with key $LDLM_LOCK_KEY"; sleep 1'
echo "exit status $?"
say "Done: server stopped, temporary files removed."
