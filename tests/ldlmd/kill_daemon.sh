#!/bin/sh
# SPDX-License-Identifier: MIT
# kill -9 of ldlmd: the server releases the host's slots (its connection
# ended), and a restarted ldlmd takes back the slots of the sessions whose
# processes still live, drops those whose process ended meanwhile, and
# logs (and shows as lost) a slot someone else took while it was down.
. "$LDLM_TEST_SRCDIR/tests/ldlmd/lib.sh"
start_server
host_start a
host_start b

session_proc
live=$proc
acquire a "$live" --user dave "u/dave:1" "pool/staff:10"
[ "$acq_status" -eq 0 ] || fail "acquire: $(cat "$T/acq.err")"
t_live=$token
session_proc
dies=$proc
acquire a "$dies" --user erin "u/erin:1"
[ "$acq_status" -eq 0 ] || fail "acquire: $(cat "$T/acq.err")"
session_proc
robbed=$proc
acquire a "$robbed" --user frank "u/frank:1"
[ "$acq_status" -eq 0 ] || fail "acquire: $(cat "$T/acq.err")"
t_robbed=$token
slot_free u/dave 1 && fail "u/dave is free while held"

t0=$(now_ms)
host_kill a
wait_slot_free u/dave 1 5000
wait_slot_free u/erin 1 5000
echo "kill -9 of ldlmd to the server's release: $(($(now_ms) - t0)) ms (polled)"

# While host a is down: one session ends, another's slot is taken.
kill -KILL "$dies"
wait "$dies" 2> /dev/null || :
session_proc
acquire b "$proc" --user frank "u/frank:1"
[ "$acq_status" -eq 0 ] || fail "host b: $(cat "$T/acq.err")"

host_start a
grep -q 'sessions of the last run: 2 live, 1 ended; slots taken back: 2, not had back: 1' \
    "$T/a/log" || fail "no summary of the take-back: $(tail -5 "$T/a/log")"
grep -q "could not take back its slot of lock u/frank (all 1 slots are in use)" \
    "$T/a/log" || fail "the lost slot is not logged"
slot_free u/dave 1 && fail "u/dave was not taken back"
slot_free pool/staff 10 || fail "pool/staff should have free slots"
slot_free u/erin 1 || fail "the ended session's slot was taken back"

run_ldlm sessions --json --socket "$(host_sock a)"
expect_status 0
python3 - "$T/out" "$t_live" "$t_robbed" << 'PY' || fail "sessions after restart: $(cat "$T/out")"
import json, sys
s = {x["token"]: x for x in json.load(open(sys.argv[1]))["sessions"]}
assert set(s) == {sys.argv[2], sys.argv[3]}, s
assert [(x["lock"], x["state"], x["reacquired"]) for x in s[sys.argv[2]]["slots"]] == \
    [("u/dave", "held", 1), ("pool/staff", "held", 1)]
assert [(x["lock"], x["state"]) for x in s[sys.argv[3]]["slots"]] == [("u/frank", "lost")]
PY
run_ldlm status --json --socket "$(host_sock a)"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["reacquisitions"]==2 and d["lost"]==1 and d["slots_not_held"]==1, d' \
    "$T/out" || fail "status: $(cat "$T/out")"

# The restored sessions are watched and released like new ones.
kill -KILL "$live"
wait_slot_free u/dave 1 5000
"$AGENT" release "$(host_sock a)" "$t_robbed" > /dev/null || fail "release"
for h in a b; do
    host_stop "$h"
    [ "$host_status" -eq 0 ] || fail "ldlmd $h exited with $host_status"
done
echo "ok: kill -9 of ldlmd frees the host's slots; a restart takes back the live sessions'"
