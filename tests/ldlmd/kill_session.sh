#!/bin/sh
# SPDX-License-Identifier: MIT
# A session's process killed with SIGKILL frees its slot within 1 s: ldlmd
# watches it through a pidfd. Measured from the kill to the moment another
# client of the server gets the slot (agent_tool kill-measure waits on the
# server, no polling), five times.
. "$LDLM_TEST_SRCDIR/tests/ldlmd/lib.sh"
start_server
host_start a
L=ldlmd-test/kill9
BOUND_MS=1000

figures=
for i in 1 2 3 4 5; do
    session_proc
    acquire a "$proc" --user carol "$L:1"
    [ "$acq_status" -eq 0 ] || fail "acquire: $(cat "$T/acq.err")"
    ms=$("$AGENT" kill-measure "$proc" "$LDLM_SRV_ADDR" "$L" 1) ||
        fail "measuring round $i"
    wait "$proc" 2> /dev/null || :
    figures="$figures $ms"
    [ "$ms" -le "$BOUND_MS" ] ||
        fail "round $i: the slot was freed $ms ms after kill -9 (bound $BOUND_MS ms)"
done
echo "kill -9 to slot free (ms):$figures"

run_ldlm sessions --socket "$(host_sock a)"
grep -qx 'no sessions' "$T/out" || fail "sessions left: $(cat "$T/out")"
host_stop a
[ "$host_status" -eq 0 ] || fail "ldlmd exited with $host_status"
echo "ok: slots freed within $BOUND_MS ms of kill -9:$figures ms"
