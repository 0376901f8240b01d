#!/bin/sh
# SPDX-License-Identifier: MIT
# A small version of the scale run (bench/run.sh --full does 2,000):
# 200 concurrent held sessions through one ldlmd, each a live process of
# its own (bench/ldlmd_scale forks them), with probe logins at 1, 100 and
# 200 held; then
#   host a: every holder closes its session at once; ldlmd must end with
#           no session and the server with every slot free;
#   host b: the same 200 sessions, then kill -9 of ldlmd: a client of the
#           server, connected beforehand, must get all 200 slots (bounded:
#           the program's lock calls wait at most 30 s).
. "$LDLM_TEST_SRCDIR/tests/ldlmd/lib.sh"
SCALE=$LDLM_TEST_BUILDDIR/bench/ldlmd_scale
[ -x "$SCALE" ] || fail "$SCALE is not built"
N=${LDLM_SCALE_SMOKE_SESSIONS:-200}
start_server

# scale NAME [ARGS]: runs the program against host NAME; output in $T/NAME.out
scale() {
    _h=$1
    shift
    _rc=0
    timeout -k 5 300 "$SCALE" --socket "$(host_sock "$_h")" \
        --daemon-pid "$(host_pid "$_h")" --sessions "$N" \
        --levels "1,$((N / 2))" --probes 5 --reps 1 "$@" \
        --agent "smoke/held:$N" "smoke/probe-$_h:1" \
        > "$T/$_h.out" 2> "$T/$_h.err" || _rc=$?
    cat "$T/$_h.out"
    [ "$_rc" -eq 0 ] || fail "ldlmd_scale on host $_h exited with $_rc: $(cat "$T/$_h.err")"
    ! grep -q '^error' "$T/$_h.out" || fail "ldlmd_scale reported an error"
}

host_start a
scale a
for level in 1 $((N / 2)) "$N"; do
    grep -q "^rep	ldlmd_scale	login_at_$level	0	5	" "$T/a.out" ||
        fail "no probe logins at $level held sessions"
done
# ldlmd's memory at N held sessions was read (not -1).
awk -F '\t' -v n="$N" '$1 == "daemon" && $2 == n && $3 > 0 { ok = 1 }
    END { exit !ok }' "$T/a.out" || fail "no reading of ldlmd at $N sessions"
grep -q "^close	$N	[0-9.]*	0\$" "$T/a.out" || fail "not every session closed"
slot_free smoke/held "$N" || fail "slots still held after every close"
run_ldlm status --socket "$(host_sock a)" --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["sessions"]==0 and d["sessions_opened"]==d["sessions_closed"], d' \
    "$T/out" || fail "status after the close: $(cat "$T/out")"
host_stop a
[ "$host_status" -eq 0 ] || fail "ldlmd a exited with $host_status"

host_start b
scale b --kill "$LDLM_SRV_ADDR"
grep -q "^release	$N	" "$T/b.out" || fail "the server did not give back all $N slots"
host_kill b
check_host_log b
echo "ok: $N held sessions through one ldlmd; closed at once, and freed by the server after kill -9 of ldlmd"
