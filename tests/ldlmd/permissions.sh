#!/bin/sh
# SPDX-License-Identifier: MIT
# Only root (and the one uid of --allow-uid) may talk to ldlmd. A child
# that drops to nobody before connecting is kept out by the socket's mode
# (0600) and, when the mode lets it in, refused by the SO_PEERCRED check
# ("permission denied", logged). Needs root to change uid; as another user
# only the socket's mode is checked.
. "$LDLM_TEST_SRCDIR/tests/ldlmd/lib.sh"
start_server
# The peer below must be able to reach the sockets at all.
chmod 0755 "$T"
host_start a
sock=$(host_sock a)
mode=$(stat -c %a "$sock")
[ "$mode" = 600 ] || fail "the socket's mode is $mode, not 600"
[ "$(stat -c %u "$sock")" = "$(id -u)" ] || fail "the socket is not ours"

if [ "$(id -u)" -ne 0 ]; then
    host_stop a
    echo "SKIP: changing uid needs root (the socket's mode was checked)"
    exit 77
fi
nobody=$(id -u nobody 2> /dev/null || echo 65534)

# The run directory of a host is 0700: open it to reach the socket.
chmod 0755 "$T/a"
"$AGENT" as-uid "$nobody" "$sock" 2> "$T/err" && fail "nobody got in"
st=$?
[ "$st" -eq 9 ] || fail "expected UNREACHABLE (9) for mode 0600, got $st: $(cat "$T/err")"
grep -q 'Permission denied' "$T/err" || fail "not refused by the mode: $(cat "$T/err")"
host_stop a

# A socket everyone may open: ldlmd itself refuses the peer.
host_start b --socket-mode 0666
chmod 0755 "$T/b"
"$AGENT" as-uid "$nobody" "$(host_sock b)" 2> "$T/err" && fail "nobody got in"
st=$?
[ "$st" -eq 8 ] || fail "expected PERMISSION (8), got $st: $(cat "$T/err")"
grep -q "uid $nobody may not use ldlmd" "$T/err" || fail "no reason: $(cat "$T/err")"
grep -q "refused pid [0-9]*: uid $nobody may not use ldlmd" "$T/b/log" ||
    fail "the refusal is not logged"
# Root still gets in, and ldlmd still serves.
run_ldlm status --socket "$(host_sock b)"
expect_status 0
host_stop b

# --allow-uid lets that one uid in (the socket becomes its own).
host_start c --allow-uid "$nobody"
chmod 0755 "$T/c"
[ "$(stat -c %u "$(host_sock c)")" = "$nobody" ] || fail "socket not given to $nobody"
"$AGENT" as-uid "$nobody" "$(host_sock c)" 2> "$T/err" ||
    fail "the allowed uid was refused: $(cat "$T/err")"
host_stop c
for h in b c; do
    [ "$host_status" -eq 0 ] || fail "ldlmd $h exited with $host_status"
done
echo "ok: non-root peers refused by the socket's mode and by SO_PEERCRED"
