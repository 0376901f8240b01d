#!/bin/sh
# SPDX-License-Identifier: MIT
# resource_limit.sh - examples/resource_limit against the real server. Six
# processes each use the resource three times for 300 ms behind a lock of
# size 2. Their enter/leave lines carry CLOCK_MONOTONIC stamps; merged and
# sorted they must show:
#   - never more than 2 users at once, and 2 at some point (the slots are
#     shared, not serialised);
#   - 18 uses, each entered and left, every process exiting 0.
# Then, with both slots held by two long users:
#   - a third user with -w 1 gives up (exit 1, a message) after ~1 s;
#   - a user asking for size 3 is refused (exit 1, size mismatch);
#   - once one holder is killed (SIGKILL), a waiting user gets its slot.
. "$LDLM_TEST_SRCDIR/examples/lib.sh"
start_server

t0=$(now_ms)
for i in 1 2 3 4 5 6; do
    spawn "pid_$i" "$T/R$i.out" "$T/R$i.err" \
        "$EX/resource_limit" -l gpu -n 2 -u 300 -c 3 "$LDLM_SRV_ADDR" "R$i"
done
for i in 1 2 3 4 5 6; do
    eval "pid=\$pid_$i"
    wait_exit "$pid" 60
    [ "$status" -eq 0 ] || fail "R$i exited with status $status"
    [ ! -s "$T/R$i.err" ] || fail "unexpected stderr from R$i"
    [ "$(grep -c "^R$i enter [0-9]*\$" "$T/R$i.out")" -eq 3 ] &&
        [ "$(grep -c "^R$i leave [0-9]*\$" "$T/R$i.out")" -eq 3 ] ||
        fail "R$i: not 3 enter and 3 leave lines"
done
elapsed=$(($(now_ms) - t0))

# Sort every event by time (enter before leave on a tie, which can only
# make the count look higher) and count the users inside.
for i in 1 2 3 4 5 6; do
    awk '{ print $3, ($2 == "enter" ? 0 : 1), $1 }' "$T/R$i.out"
done | sort -k1,1n -k2,2n > "$T/events.txt"
max=$(awk '
$2 == 0 { inside++; if (inside > max) max = inside }
$2 == 1 { inside--; if (inside < 0) { print "negative"; exit } }
END { print max + 0 }' "$T/events.txt")
[ "$max" = 2 ] || fail "at most $max users inside at once, expected 2 (size 2)"

# Both slots taken for a long time.
spawn pid_H1 "$T/H1.out" "$T/H1.err" \
    "$EX/resource_limit" -l gpu -n 2 -u 600000 "$LDLM_SRV_ADDR" H1
spawn pid_H2 "$T/H2.out" "$T/H2.err" \
    "$EX/resource_limit" -l gpu -n 2 -u 600000 "$LDLM_SRV_ADDR" H2
wait_lines "$T/H1.out" '^H1 enter ' 1 30
wait_lines "$T/H2.out" '^H2 enter ' 1 30

spawn pid_X "$T/X.out" "$T/X.err" \
    "$EX/resource_limit" -l gpu -n 2 -w 1 "$LDLM_SRV_ADDR" X
wait_exit "$pid_X" 20
[ "$status" -eq 1 ] || fail "X (-w 1, no free slot) exited with status $status"
grep -q 'no slot of gpu free within 1 s' "$T/X.err" || fail "X: no timeout message"
[ ! -s "$T/X.out" ] || fail "X entered though both slots were held"

spawn pid_Y "$T/Y.out" "$T/Y.err" \
    "$EX/resource_limit" -l gpu -n 3 "$LDLM_SRV_ADDR" Y
wait_exit "$pid_Y" 20
[ "$status" -eq 1 ] || fail "Y (size 3 against size 2) exited with status $status"
grep -qi 'size' "$T/Y.err" || fail "Y: no size mismatch message"

spawn pid_Z "$T/Z.out" "$T/Z.err" \
    "$EX/resource_limit" -l gpu -n 2 -u 0 -w 20 "$LDLM_SRV_ADDR" Z
kill -KILL "$pid_H1"
wait_exit "$pid_H1" 10
wait_exit "$pid_Z" 30
[ "$status" -eq 0 ] || fail "Z did not get the slot of the killed H1 (status $status)"
wait_lines "$T/Z.out" '^Z leave ' 1 1
kill -KILL "$pid_H2"
wait_exit "$pid_H2" 10

echo "18 uses of 300 ms by 6 processes, at most $max at once, in $elapsed ms;" \
    "$(cat "$T/X.err")"
echo "Y: $(cat "$T/Y.err")"
exit 0
