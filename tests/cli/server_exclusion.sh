# SPDX-License-Identifier: MIT
# Two or more `ldlm run` of the same name never overlap. The commands prove
# it themselves: each enters a critical section with an atomic mkdir that
# fails if another command is inside.
. "$LDLM_TEST_SRCDIR/tests/cli/server_lib.sh"
start_server

name=exclusion-$$
cat > "$T/critical.sh" << 'EOS'
# $1: shared directory. Fails (and records it) if someone else is inside.
mkdir "$1/inside" 2> /dev/null || {
    echo "overlap" >> "$1/overlaps"
    exit 99
}
printf '%s\n' "$LDLM_LOCK_KEY" >> "$1/entries"
sleep 0.05 # stay inside long enough for an overlap to show
rmdir "$1/inside"
EOS

worker() {
    i=0
    while [ "$i" -lt 10 ]; do
        rc=0
        "$LDLM" run "$name" --wait 60 -- sh "$T/critical.sh" "$T" \
            2>> "$T/worker.err" || rc=$?
        [ "$rc" -eq 0 ] || echo "worker $1, round $i: status $rc" >> "$T/failures"
        i=$((i + 1))
    done
}

pids=
for w in 1 2 3 4; do
    worker "$w" &
    pids="$pids $!"
    track_pid "$!"
done
for p in $pids; do
    bg_wait "$p" 150000
done
[ ! -e "$T/overlaps" ] || fail "two commands held the lock at once"
[ ! -e "$T/failures" ] || fail "$(cat "$T/failures" "$T/worker.err")"
[ "$(wc -l < "$T/entries")" -eq 40 ] || fail "expected 40 entries"
[ "$(sort -u "$T/entries" | wc -l)" -eq 40 ] ||
    fail "keys were reused across acquisitions"
exit 0
