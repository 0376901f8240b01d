#!/bin/sh
# SPDX-License-Identifier: MIT
# The LDLM server restarts (and forgets every lock): ldlmd re-acquires
# every slot once it is back, counts the re-acquisitions, and the sessions
# keep their tokens.
. "$LDLM_TEST_SRCDIR/tests/ldlmd/lib.sh"
start_server
host_start a
host_start b

tokens=
for h in a b; do
    session_proc
    acquire "$h" "$proc" --user hank "u/hank:2" "pool/ops:3"
    [ "$acq_status" -eq 0 ] || fail "acquire on $h: $(cat "$T/acq.err")"
    tokens="$tokens $token"
done
slot_free u/hank 2 && fail "u/hank has a free slot"

ldlm_srv_restart || fail "cannot restart the server"
t0=$(now_ms)
# Bounded: libldlm reconnects within about a second and re-acquires.
deadline=$(($(now_ms) + 20000))
while :; do
    ok=1
    for h in a b; do
        "$LDLM" status --json --socket "$(host_sock "$h")" > "$T/st.$h" 2> /dev/null || ok=0
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["reacquisitions"]==2 and d["slots_held"]==2 else 1)' \
            "$T/st.$h" 2> /dev/null || ok=0
    done
    [ "$ok" -eq 1 ] && break
    [ "$(now_ms)" -lt "$deadline" ] ||
        fail "slots not re-acquired within 20 s: $(cat "$T/st.a" "$T/st.b")"
    sleep 0.1 # ldlmd has no event to wait on from here
done
echo "server restart to every slot re-acquired: $(($(now_ms) - t0)) ms (polled)"
slot_free u/hank 2 && fail "u/hank has a free slot after the re-acquisition"
slot_free pool/ops 3 || fail "pool/ops should have a free slot"
for h in a b; do
    run_ldlm sessions --socket "$(host_sock "$h")"
    grep -q 'u/hank (size 2, held, re-acquired 1), pool/ops (size 3, held, re-acquired 1)' \
        "$T/out" || fail "sessions of $h: $(cat "$T/out")"
done
grep -q 're-acquired' "$T/a/log" || fail "no log line of the re-acquisition"
for t in $tokens; do
    for h in a b; do
        "$AGENT" release "$(host_sock "$h")" "$t" > /dev/null 2>&1 || :
    done
done
slot_free u/hank 2 || fail "u/hank not free after the releases"
for h in a b; do
    host_stop "$h"
    [ "$host_status" -eq 0 ] || fail "ldlmd $h exited with $host_status"
done
echo "ok: a server restart costs no slot"
