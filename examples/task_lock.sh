#!/bin/sh
# SPDX-License-Identifier: MIT
# task_lock.sh - examples/task_lock against the real server: three workers
# go through items 1..30 at once (ascending, descending, from the middle),
# 200 ms per item, while a fourth worker H sits on item 7. It checks that:
#   - every worker skips item 7 as "in progress elsewhere" (H holds it);
#   - items 1..30 but 7 are done exactly once, by the three together (each
#     "did" line matches the record in DONE_DIR), and by at least two of
#     them (they did run concurrently);
#   - once H is killed (a crashed worker: no record, its lock freed with
#     its connection), a last sweep over 1..30 does item 7 and only it.
. "$LDLM_TEST_SRCDIR/examples/lib.sh"
start_server

done_dir=$T/done
mkdir "$done_dir" || fail "mkdir $done_dir"

# H: item 7 takes ten minutes; it is killed long before.
spawn pid_H "$T/H.out" "$T/H.err" \
    "$EX/task_lock" -w 600000 "$LDLM_SRV_ADDR" H "$done_dir" 7
wait_lines "$T/H.out" '^H doing 7$' 1 30

t0=$(now_ms)
# shellcheck disable=SC2046 # the items are meant to be split
spawn pid_W1 "$T/W1.out" "$T/W1.err" \
    "$EX/task_lock" -w 200 "$LDLM_SRV_ADDR" W1 "$done_dir" $(seq 1 30)
# shellcheck disable=SC2046
spawn pid_W2 "$T/W2.out" "$T/W2.err" \
    "$EX/task_lock" -w 200 "$LDLM_SRV_ADDR" W2 "$done_dir" $(seq 30 -1 1)
# shellcheck disable=SC2046
spawn pid_W3 "$T/W3.out" "$T/W3.err" \
    "$EX/task_lock" -w 200 "$LDLM_SRV_ADDR" W3 "$done_dir" \
    $(seq 16 30) $(seq 1 15)
workers_with_items=0
for w in W1 W2 W3; do
    eval "pid=\$pid_$w"
    wait_exit "$pid" 60
    [ "$status" -eq 0 ] || fail "$w exited with status $status"
    grep -qx "$w skipped 7 (in progress elsewhere)" "$T/$w.out" ||
        fail "$w did not skip item 7, which H holds"
    if grep -q "^$w did " "$T/$w.out"; then
        workers_with_items=$((workers_with_items + 1))
    fi
done
elapsed=$(($(now_ms) - t0))

cat "$T/W1.out" "$T/W2.out" "$T/W3.out" > "$T/all.txt"
awk '$2 == "did" { print $3 }' "$T/all.txt" | sort -n > "$T/did.txt"
seq 1 30 | grep -vx 7 > "$T/expected.txt"
cmp -s "$T/did.txt" "$T/expected.txt" ||
    fail "items done by W1-W3 (each once, all but 7 expected): $(tr '\n' ' ' < "$T/did.txt")"
# The record of each item names the worker that said it did it.
awk '$2 == "did" { print $3, $1 }' "$T/all.txt" | while read -r item w; do
    [ "$(cat "$done_dir/$item")" = "$w" ] ||
        { echo "item $item: $w did it, the record says $(cat "$done_dir/$item")"; exit 1; }
done > "$T/records.txt" || fail "$(cat "$T/records.txt")"
[ "$workers_with_items" -ge 2 ] ||
    fail "only one worker did items: the workers did not run concurrently"
[ ! -e "$done_dir/7" ] || fail "item 7 recorded as done while H holds it"

# H crashes: no record of item 7, and its lock goes with its connection.
kill -KILL "$pid_H"
wait_exit "$pid_H" 10
[ "$status" -eq 137 ] || fail "H exited with status $status after SIGKILL"

# shellcheck disable=SC2046
spawn pid_W4 "$T/W4.out" "$T/W4.err" \
    "$EX/task_lock" -w 0 "$LDLM_SRV_ADDR" W4 "$done_dir" $(seq 1 30)
wait_exit "$pid_W4" 60
[ "$status" -eq 0 ] || fail "W4 exited with status $status"
[ "$(grep -c '^W4 did ' "$T/W4.out")" -eq 1 ] && grep -qx 'W4 did 7' "$T/W4.out" ||
    fail "W4 should have done item 7 only"
[ "$(grep -c '^W4 skipped [0-9]* (already done)$' "$T/W4.out")" -eq 29 ] ||
    fail "W4 should have found 29 items already done"
[ "$(find "$done_dir" -type f | wc -l)" -eq 30 ] || fail "not 30 records"

for w in H W1 W2 W3 W4; do
    [ ! -s "$T/$w.err" ] || fail "unexpected stderr from $w: $(cat "$T/$w.err")"
done
busy=$(grep -c 'in progress elsewhere' "$T/all.txt")
echo "W1-W3: $(grep -c '^W1 did' "$T/W1.out")/$(grep -c '^W2 did' "$T/W2.out")/$(grep -c '^W3 did' "$T/W3.out")" \
    "items done, $busy skips of items in progress, in $elapsed ms; W4 did item 7"
exit 0
