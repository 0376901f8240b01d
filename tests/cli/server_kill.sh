# SPDX-License-Identifier: MIT
# Killing ldlm (SIGKILL: no chance to unlock) releases its lock, because the
# server drops a closed connection's locks; and `run`'s command is told to
# stop (SIGTERM), since it no longer holds the lock.
. "$LDLM_TEST_SRCDIR/tests/cli/server_lib.sh"
start_server

name=kill-$$
mkfifo "$T/ready"
"$LDLM" run "$name" -- sh -c 'echo $$ > "$0/cmd.pid"; echo ready > "$0/ready"
                             exec sleep 60' "$T" \
    < /dev/null > /dev/null 2> "$T/run.err" &
pid=$!
track_pid "$pid"
wait_line "$T/ready" > /dev/null
cmd_pid=$(cat "$T/cmd.pid")
track_pid "$cmd_pid"
run_ldlm try-lock "$name"
expect_status 1

kill -KILL "$pid"
bg_wait "$pid" 10000
run_ldlm run "$name" --wait 10 -- true
expect_status 0
wait_pid "$cmd_pid" 10000 || fail "the command kept running after ldlm died"

# The same for a holder.
hold 3 "$name" --wait 10 || fail "holder: $(cat "$T/h3.err")"
run_ldlm try-lock "$name"
expect_status 1
kill -KILL "$(holder_pid 3)"
bg_wait "$(holder_pid 3)" 10000
exec 3>&-
run_ldlm lock "$name" --wait 10
expect_status 0
exit 0
