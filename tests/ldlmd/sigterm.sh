#!/bin/sh
# SPDX-License-Identifier: MIT
# SIGTERM: ldlmd releases every slot before it exits 0 (explicitly: the
# server has them free by the time the process is gone), keeps the session
# table, and the next start takes the live sessions' slots back. Readiness
# reaches the NOTIFY_SOCKET (host_start waits for it).
. "$LDLM_TEST_SRCDIR/tests/ldlmd/lib.sh"
start_server
host_start a

session_proc
p1=$proc
session_proc
p2=$proc
for p in "$p1" "$p2"; do
    acquire a "$p" --user gina "u/gina:2"
    [ "$acq_status" -eq 0 ] || fail "acquire: $(cat "$T/acq.err")"
done
slot_free u/gina 2 && fail "u/gina has a free slot"

host_stop a
[ "$host_status" -eq 0 ] || fail "ldlmd exited with $host_status on SIGTERM"
# No waiting: the slots are free by the time ldlmd is gone.
slot_free u/gina 2 || fail "a slot is still held after SIGTERM"
grep -q 'released 2 slot(s) of 2 session(s)' "$T/a/log" || fail "no release logged"
[ ! -e "$(host_sock a)" ] || fail "the socket is left behind"
[ "$(ls "$T/a/sessions" | wc -l)" -eq 2 ] || fail "the session files are gone"

host_start a
slot_free u/gina 2 && fail "the slots were not taken back"
run_ldlm status --socket "$(host_sock a)"
grep -Eq '^sessions: +2 \(slots: 2 held' "$T/out" || fail "status: $(cat "$T/out")"

# A second ldlmd on the same run directory is refused.
"$LDLMD" --config "$T/ldlmd.conf" --run-dir "$T/a" --stderr \
    > "$T/second.out" 2>&1 < /dev/null && fail "a second ldlmd started"
grep -q "another ldlmd runs with $T/a" "$T/second.out" ||
    fail "second ldlmd: $(cat "$T/second.out")"
host_stop a
[ "$host_status" -eq 0 ] || fail "ldlmd exited with $host_status"
echo "ok: SIGTERM releases every slot; a restart takes them back"
