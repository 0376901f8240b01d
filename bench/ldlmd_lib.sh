# SPDX-License-Identifier: MIT
# bench/ldlmd_lib.sh - the ldlmd part of bench/run.sh (bash; sourced by it
# after pam_setup, which sets $pamdir, $pam_env and $pam_module; uses its
# $builddir, $logs, $results and say).
#
#   bench_ldlmd_start NAME SERVER [tls CA]
#       starts an ldlmd of its own against SERVER (run directory and socket
#       $pamdir/NAME, log $logs/ldlmd-NAME.log), returns once it reported
#       ready (READY=1 on its NOTIFY_SOCKET, <= 30 s); sets ldlmd_pid and
#       ldlmd_sock. 1 (and the reason in $ldlmd_reason) if it did not start.
#   bench_ldlmd_stop            SIGTERM to that ldlmd, waits (<= 20 s)
#   bench_ldlmd_scale SESSIONS LEVELS PROBES REPS SERVER
#       the scale run: a fresh ldlmd against SERVER, SESSIONS concurrent
#       held sessions through it, each a process of its own, logging in
#       through pam_ldlm mode=agent (bench/ldlmd_scale --pam), probe logins
#       at each of LEVELS (comma-separated) and at SESSIONS, PROBES logins x
#       REPS each; then kill -9 of ldlmd, and a client of SERVER takes every
#       slot as the server frees them. Lines into $results (format in
#       bench/ldlmd_scale.c), prefixed "scale_" but for "rep" and "error".
#   bench_load PHASE            records the 1-minute load average
#
# pam_ldlm builds without mode=agent (before issue 11's second step) make
# the scale run go through the agent client instead (--agent), and say so.

ldlmd_pid=
ldlmd_sock=
ldlmd_reason=

bench_load() {
    printf 'load\t%s\t%s\n' "$1" "$(cut -d' ' -f1 /proc/loadavg)" >> "$results"
}

# True when this pam_ldlm knows mode= and agent_socket=.
pam_has_agent_mode() {
    grep -q 'agent_socket' "$pam_module" 2> /dev/null
}

bench_ldlmd_start() {
    local name=$1 server=$2 dir=$pamdir/$1 conf line npid want
    ldlmd_reason=
    mkdir -p "$dir" && chmod 0700 "$dir" || return 1
    conf=$dir/ldlmd.conf
    printf 'server=%s\ninsecure_no_password\ntimeout=5\n' "$server" > "$conf"
    [ "${3:-}" = tls ] && printf 'tls\nca_file=%s\n' "$4" >> "$conf"
    chmod 0600 "$conf"
    # Readiness: a datagram listener bound before ldlmd starts (the tests'
    # agent_tool), which prints "bound" and then READY=1 when it comes.
    rm -f "$dir/notify.sock" "$dir/notify.out"
    mkfifo "$dir/notify.out" || return 1
    "$builddir/tests/ldlmd/agent_tool" notify-wait "$dir/notify.sock" 30000 \
        > "$dir/notify.out" &
    npid=$!
    exec 8< "$dir/notify.out"
    read -r line <&8 || :
    if [ "$line" != bound ]; then
        exec 8<&-
        kill "$npid" 2> /dev/null
        wait "$npid" 2> /dev/null
        ldlmd_reason="the readiness listener did not start"
        return 1
    fi
    # One descriptor per session's pidfd: room for the scale run.
    want=$((${scale_sessions:-0} + 1024))
    (
        [ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt "$want" ] &&
            ulimit -Sn "$want" 2> /dev/null
        NOTIFY_SOCKET=$dir/notify.sock exec "$builddir/ldlmd/ldlmd" \
            --config "$conf" --run-dir "$dir" --stderr < /dev/null
    ) >> "$logs/ldlmd-$name.log" 2>&1 &
    ldlmd_pid=$!
    ldlmd_sock=$dir/ldlmd.sock
    line=
    read -r line <&8 || :
    exec 8<&-
    wait "$npid" 2> /dev/null
    case $line in
    READY=1*) return 0 ;;
    esac
    ldlmd_reason="ldlmd did not report ready (log: $logs/ldlmd-$name.log)"
    bench_ldlmd_stop
    return 1
}

bench_ldlmd_stop() {
    [ -n "$ldlmd_pid" ] || return 0
    kill -TERM "$ldlmd_pid" 2> /dev/null
    "$builddir/tests/harness/ldlm_test_tool" wait-exit "$ldlmd_pid" 20000 \
        > /dev/null 2>&1 || kill -KILL "$ldlmd_pid" 2> /dev/null
    wait "$ldlmd_pid" 2> /dev/null
    ldlmd_pid=
}

bench_ldlmd_scale() {
    local sessions=$1 levels=$2 probes=$3 reps=$4 server=$5 how rc=0
    if ! bench_ldlmd_start scale "$server"; then
        printf 'scale_status\tldlmd: %s\n' "$ldlmd_reason" >> "$results"
        return 1
    fi
    if pam_has_agent_mode; then
        # alice holds the sessions, bob logs in and out (his own lock).
        printf 'session required %s conf=%s mode=agent agent_socket=%s max_sessions=%d timeout=5 on_error=deny\n' \
            "$pam_module" "$pamdir/pam_ldlm.conf" "$ldlmd_sock" "$sessions" \
            > "$pamdir/services/ldlm_scale"
        how=(--pam ldlm_scale alice bob)
        printf 'scale_how\tpam_ldlm mode=agent (pam_open_session of alice held, bob logs in and out)\n' >> "$results"
    else
        how=(--agent "bench/scale:$sessions" "bench/scale-probe:1")
        printf 'scale_how\tthe agent client (this pam_ldlm has no mode=agent)\n' >> "$results"
    fi
    bench_load scale
    say "ldlmd scale run: $sessions held sessions" 2>&1
    timeout -k 10 1800 "${pam_env[@]}" "$builddir/bench/ldlmd_scale" \
        --socket "$ldlmd_sock" --daemon-pid "$ldlmd_pid" --sessions "$sessions" \
        --levels "$levels" --probes "$probes" --reps "$reps" --kill "$server" \
        "${how[@]}" > "$logs/ldlmd-scale.tsv" 2> "$logs/ldlmd-scale.err" || rc=$?
    # ldlmd was killed by the program (kill -9); reap it, or stop it if the
    # run ended before.
    bench_ldlmd_stop
    sed -e '/^rep\t/b' -e '/^error\t/b' -e 's/^/scale_/' "$logs/ldlmd-scale.tsv" >> "$results"
    if [ "$rc" != 0 ]; then
        printf 'scale_status\tldlmd_scale exited with status %s (log: %s)\n' "$rc" \
            "$logs/ldlmd-scale.err" >> "$results"
    fi
}
