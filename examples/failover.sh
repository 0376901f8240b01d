#!/bin/sh
# SPDX-License-Identifier: MIT
# failover.sh - examples/failover against the real server. Four instances
# A-D compete for "application-primary"; they all append to one events
# file (O_APPEND keeps lines whole and in order), and so does this test,
# with a "test: ..." line just before each thing it does to the primary.
# It checks that:
#   - exactly one instance is primary at any time (an audit of the whole
#     events file: no "is primary" while another holds the lock, "working"
#     only from the holder);
#   - SIGTERM makes the primary step down (exit 0) and a standby takes
#     over within 10 s;
#   - SIGKILL of the primary (a crash) lets a standby take over within
#     10 s, the server freeing the lock of the closed connection;
#   - a lock freed by its key (`ldlm unlock`, when ldlm(1) is built) makes
#     the holder report "lost primary" within 10 s (its next renewal with
#     -t 4 is due after 2 s) while a standby takes over; it then queues up
#     again;
#   - SIGTERM ends a standby that is blocked waiting (exit 0);
#   - an instance with 2 s of work steps down and exits 0 by itself.
. "$LDLM_TEST_SRCDIR/examples/lib.sh"
start_server

lock=application-primary
ev=$T/events.out
: > "$ev"
# Lock timeout 4 s: renewal (and so loss detection) every 2 s.
for i in A B C D; do
    spawn "pid_$i" "$ev" "$T/$i.err" \
        "$EX/failover" -t 4 "$LDLM_SRV_ADDR" "$i" 0
done
pid_of() {
    eval "printf '%s\n' \"\$pid_$1\""
}

# The Nth instance that became primary.
nth_primary() {
    awk -v n="$1" '$2 == "is" && $3 == "primary" && ++k == n { print $1 }' "$ev"
}
primaries() {
    grep -c ' is primary ' "$ev" || :
}
# The instances that were still running at the start.
alive="A B C D"
drop() {
    _new=
    for _i in $alive; do
        [ "$_i" = "$1" ] || _new="$_new $_i"
    done
    alive=$_new
}

wait_lines "$ev" ' waiting for primary$' 4 30
wait_lines "$ev" ' is primary \(key ' 1 30
p1=$(nth_primary 1)
# Three seconds of work with three standbys queued: still the only primary.
wait_lines "$ev" "^$p1 working 3\$" 1 15
[ "$(primaries)" -eq 1 ] || fail "more than one primary: $(grep primary "$ev")"

# 1. SIGTERM: the primary steps down, a standby takes over.
echo "test: stopping $p1" >> "$ev"
t0=$(now_ms)
kill -TERM "$(pid_of "$p1")"
wait_lines "$ev" ' is primary \(key ' 2 10
t_term=$(($(now_ms) - t0))
p2=$(nth_primary 2)
wait_exit "$(pid_of "$p1")" 10
[ "$status" -eq 0 ] || fail "$p1 exited with status $status after SIGTERM"
grep -q "^$p1 stepping down\$" "$ev" || fail "$p1 did not step down"
drop "$p1"

# 2. SIGKILL: a crashed primary's lock goes with its connection.
wait_lines "$ev" "^$p2 working 1\$" 1 15
echo "test: killing $p2" >> "$ev"
t0=$(now_ms)
kill -KILL "$(pid_of "$p2")"
wait_lines "$ev" ' is primary \(key ' 3 10
t_kill=$(($(now_ms) - t0))
p3=$(nth_primary 3)
wait_exit "$(pid_of "$p2")" 10
[ "$status" -eq 137 ] || fail "$p2 exited with status $status after SIGKILL"
drop "$p2"

# 3. The lock freed by its key behind the primary's back.
ldlm_tool=$LDLM_TEST_BUILDDIR/cli/ldlm
t_revoke=
if [ -x "$ldlm_tool" ]; then
    wait_lines "$ev" "^$p3 working 1\$" 1 15
    key=$(sed -n "s/^$p3 is primary (key \\(.*\\))\$/\\1/p" "$ev" | tail -n 1)
    [ -n "$key" ] || fail "no key in $p3's 'is primary' line"
    : > "$T/empty.conf"
    echo "test: revoking $p3" >> "$ev"
    t0=$(now_ms)
    LDLM_CONFIG=$T/empty.conf timeout -k 5 30 "$ldlm_tool" unlock "$lock" \
        "$key" --server "$LDLM_SRV_ADDR" < /dev/null > /dev/null \
        2> "$T/unlock.err" || fail "ldlm unlock failed: $(cat "$T/unlock.err")"
    wait_lines "$ev" ' is primary \(key ' 4 10
    wait_lines "$ev" "^$p3 lost primary\$" 1 10
    t_revoke=$(($(now_ms) - t0))
    wait_lines "$ev" "^$p3 waiting for primary\$" 2 10
    p4=$(nth_primary 4)
    primary=$p4
else
    echo "note: $ldlm_tool is not built: lost-lock step skipped"
    primary=$p3
fi

# 4. SIGTERM to the standbys (blocked in ldlm_lock), then to the primary.
for i in $alive; do
    [ "$i" = "$primary" ] && continue
    echo "test: stopping standby $i" >> "$ev"
    kill -TERM "$(pid_of "$i")"
    wait_exit "$(pid_of "$i")" 10
    [ "$status" -eq 0 ] || fail "standby $i exited with status $status"
    wait_lines "$ev" "^$i exiting\$" 1 1
done
echo "test: stopping $primary" >> "$ev"
kill -TERM "$(pid_of "$primary")"
wait_exit "$(pid_of "$primary")" 10
[ "$status" -eq 0 ] || fail "$primary exited with status $status"
n=$(primaries)

# 5. Work that ends: two seconds as primary, then step down by itself.
spawn pid_E "$ev" "$T/E.err" "$EX/failover" -t 4 "$LDLM_SRV_ADDR" E 2
wait_exit "$pid_E" 20
[ "$status" -eq 0 ] || fail "E exited with status $status"
wait_lines "$ev" '^E working 1$' 1 1
wait_lines "$ev" '^E stepping down$' 1 1
[ "$(primaries)" -eq $((n + 1)) ] || fail "E was not primary exactly once"

# The audit. `holder` is who holds the lock as far as the server knows;
# `stale[X]` is set between "test: revoking X" and "X lost primary", the
# only time a non-holder may still be working.
awk '
function bad(msg) { print "line " NR ": " msg; errors++ }
$1 == "test:" {
    if ($2 == "killing" || $2 == "revoking") {
        if (holder != $3) bad($3 " is not the primary")
        holder = ""
        if ($2 == "revoking") stale[$3] = 1
    }
    next
}
$2 == "is" && $3 == "primary" {
    if (holder != "") bad("two primaries: " holder " and " $1)
    holder = $1
    next
}
$2 == "working" {
    if ($1 != holder && !stale[$1]) bad($1 " works but is not primary")
    next
}
$2 == "stepping" {
    if ($1 != holder) bad($1 " steps down but is not primary")
    holder = ""
    next
}
$2 == "lost" {
    if (!stale[$1]) bad($1 " lost primary though nobody took it")
    stale[$1] = 0
    next
}
END { exit errors > 0 }
' "$ev" > "$T/audit.out" 2>&1 || fail "audit: $(cat "$T/audit.out")"

for i in A B C D E; do
    if [ "$i" = "$p3" ] && [ -n "$t_revoke" ]; then
        # Exactly the callback's report of the loss.
        [ "$(grep -cv "failover: $i: lost the lock $lock: " "$T/$i.err")" -eq 0 ] &&
            [ "$(wc -l < "$T/$i.err")" -eq 1 ] ||
            fail "stderr of $i: $(cat "$T/$i.err")"
    elif [ -s "$T/$i.err" ]; then
        fail "unexpected stderr from $i: $(cat "$T/$i.err")"
    fi
done
echo "primaries in turn: $p1 $p2 $p3 ${p4:+$p4 }E; takeover after SIGTERM" \
    "${t_term} ms, after SIGKILL ${t_kill} ms${t_revoke:+, loss noticed ${t_revoke} ms after ldlm unlock}"
exit 0
