#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/run.sh - libldlm side by side with the official Go and Python LDLM
# clients, and what pam_ldlm costs a login. One command, one table.
#
# Usage:
#   bench/run.sh [--quick|--full] [--build-dir DIR]
#
#   --full           real numbers (the default): 7 repetitions of each
#                    workload, thousands of operations each; a few minutes
#   --quick          a few iterations of everything, to keep the benchmark
#                    working (CI); well under a minute once built
#   --build-dir DIR  build tree to use; configured and built here if it has
#                    no Makefile (default: build-bench in the source tree)
#
# What it does, in order:
#   1. builds libldlm, pam_ldlm, bench/ldlm_bench, bench/pam_bench and the
#      test harness tool in the build tree; builds the Go client program
#      (bench/go, a copy in DIR/bench-go, `go mod tidy` + `go build`); makes
#      a virtualenv with py-ldlm (DIR/bench-venv). A client that cannot be
#      had is reported ("unavailable: <why>") and its rows skipped.
#   2. installs the real LDLM server (tests/harness/install-server.sh,
#      cached) and starts it on 127.0.0.1 (tests/harness/server.sh); the
#      same server serves every client, one client after the other: first
#      plaintext, then restarted with TLS for the TLS rows.
#   3. runs the same workloads with each client (same counts, same lock
#      names but for a one-letter client tag, same sizes), unmeasured
#      warm-up first: lock+unlock of a fresh name; try-lock+unlock of a lock
#      of size 8; 16, 64 and 256 threads (goroutines, asyncio tasks) doing
#      the first (the same total of operations); new client + first
#      try-lock + close, plaintext and TLS. Every repetition also gives the
#      client's CPU per operation: user + system time of the whole client
#      process during it (getrusage RUSAGE_SELF in all three programs)
#      divided by its operations. Then, on a server logging at info level,
#      each client holds 1,000 locks with a 20 s lock timeout for 60 s
#      (100 for 3 s in quick mode): its CPU per held lock per minute, and
#      the Renew calls per lock per minute that the server logged during
#      the client's run (all three renew such a lock every 10 s; libldlm's
#      liveness probes are Renew calls too). The 1-minute load average at
#      the start of each client program goes to DIR/bench-out/logs/load.tsv.
#   4. measures PAM session stacks under pam_wrapper + nss_wrapper with
#      bench/pam_bench: pam_open_session + pam_close_session through
#      pam_ldlm (plaintext, TLS), pam_permit alone, pam_limits maxlogins and
#      pam_ldlm for an exempt user (module loaded, no server contact); the
#      same logins each in a fresh process (whole pam_start .. pam_end);
#      and the threads and private memory (USS) that 1 and 50 held
#      sessions add to their process, with the established connections
#      to the server port on the host. pam_ldlm runs in-process
#      (mode=direct) and through an ldlmd started by this run against the
#      same server (mode=agent), plaintext and TLS: bench/ldlmd_lib.sh.
#      Then the ldlmd scale run (bench/ldlmd_scale): 2,000 (quick: 200)
#      concurrent held sessions through one ldlmd, each a live process of
#      its own, login p50 at 1, 100 and all held, ldlmd's RSS per session,
#      and the time until the server freed every slot after kill -9 of
#      ldlmd (a client taking every slot as it comes free). The 1-minute
#      load average is recorded before each of these, and pam_permit's
#      fresh-process login is measured again right before each pam_ldlm
#      row, the baseline of that row's "over pam_permit".
#      The same lock+unlock workloads (1 and the 16 threads) are also run
#      on gRPC C core alone, without libldlm (bench/grpc_floor): a blocked
#      caller per call as libldlm does, and one thread keeping the calls in
#      flight: the floor under libldlm's cost per call.
#   5. prints the table: each figure is the median of the repetitions with
#      the spread (min-max), then the ratios libldlm/Go and libldlm/Python.
#
# When the server cannot be installed or started, the reason is printed,
# every row that needs it says "server unavailable", and what needs no
# server (the PAM baselines) still runs. The benchmark is never a pass/fail
# test: it exits 0 whenever it could run, 1 only when our own programs do
# not build, 2 on usage errors.
#
# Raw results (one line per repetition) and every log stay in
# DIR/bench-out/. Environment: LDLM_SERVER_BIN (a server binary to use
# instead of installing one), LDLM_TEST_CACHE (the harness's cache),
# LDLM_VENDOR_DIR (where ldlm-v1.2.2, the official Go client's source, is;
# default ../shared/vendor beside the source tree).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
mode=full
builddir=$top/build-bench

usage() {
    sed -n '5,14p' "$0" | sed 's/^# \{0,1\}//' >&2
}

while [ $# -gt 0 ]; do
    case $1 in
    --quick) mode=quick ;;
    --full) mode=full ;;
    --build-dir)
        [ $# -ge 2 ] || { usage; exit 2; }
        builddir=$2
        shift
        ;;
    --build-dir=*) builddir=${1#--build-dir=} ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench/run.sh: unknown argument '$1'" >&2; usage; exit 2 ;;
    esac
    shift
done
mkdir -p "$builddir" || exit 1
builddir=$(cd "$builddir" && pwd)

# ---- sizes of each mode ---------------------------------------------------
threads=16
footprint_sessions=50
if [ "$mode" = quick ]; then
    reps=3 warmup=20 ops=200 mt_ops=10 connect_ops=5
    held=100 hold_seconds=3
    pam_logins=100 pam_fresh_logins=10 pam_warmup=5
    scale_sessions=200 scale_levels=1,100 scale_probes=10
    client_timeout=120
    : "${LDLM_SERVER_INSTALL_TIMEOUT:=120}"
else
    reps=7 warmup=500 ops=5000 mt_ops=300 connect_ops=50
    held=1000 hold_seconds=60
    pam_logins=1000 pam_fresh_logins=100 pam_warmup=50
    scale_sessions=2000 scale_levels=1,100 scale_probes=30
    client_timeout=1800
fi
export LDLM_SERVER_INSTALL_TIMEOUT

out=$builddir/bench-out
logs=$out/logs
results=$out/results.tsv
run_id=$(date +%s)-$$
started_at=$(date +%s)

say() { printf 'bench: %s\n' "$*" >&2; }

# What the report header says about each client and the server.
declare -A client_note=()
server_note=""
notes=()

rm -rf "$out"
mkdir -p "$logs" || exit 1
: > "$results"

pamdir=
started_marker=$out/.started
: > "$started_marker"
# pam_wrapper, nss_wrapper and what forked logins leave in /tmp (pam.?).
. "$top/tests/harness/cwrap.sh"
cleanup() {
    declare -F bench_ldlmd_stop > /dev/null && bench_ldlmd_stop
    if declare -F ldlm_srv_cleanup > /dev/null; then
        [ -n "${LDLM_SRV_LOG:-}" ] && [ -f "$LDLM_SRV_LOG" ] &&
            cp "$LDLM_SRV_LOG" "$logs/server.log" 2> /dev/null
        ldlm_srv_cleanup
    fi
    [ -n "$pamdir" ] && rm -rf "$pamdir"
    # (forked logins end with _exit, which leaves pam_wrapper's copies)
    ldlm_remove_stale_pam_wrapper_dirs "$started_marker"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# status CLIENT WORKLOAD TEXT: a row that did not run, and why.
status() { printf 'status\t%s\t%s\t%s\n' "$1" "$2" "$3" >> "$results"; }

# ---- 1. our programs ------------------------------------------------------
build_ours() {
    if [ ! -f "$builddir/Makefile" ]; then
        if [ ! -x "$top/configure" ]; then
            say "autoreconf -fi in $top"
            (cd "$top" && autoreconf -fi) > "$logs/autoreconf.log" 2>&1 || return 1
        fi
        say "configuring $builddir"
        (cd "$builddir" && "$top/configure") > "$logs/configure.log" 2>&1 || {
            tail -n 30 "$logs/configure.log" >&2
            return 1
        }
    fi
    say "building in $builddir"
    # pam_ldlm_slots.la: the backend that pam_ldlm.so dlopen()s (from beside
    # itself in a build tree) when a login needs a slot.
    make -C "$builddir" -j"$(nproc)" libldlm/libldlm.la pam_ldlm/pam_ldlm.la \
        pam_ldlm/pam_ldlm_slots.la \
        bench/ldlm_bench bench/grpc_floor bench/pam_bench tests/harness/ldlm_test_tool \
        ldlmd/ldlmd bench/ldlmd_scale tests/ldlmd/agent_tool \
        > "$logs/build.log" 2>&1 || {
        tail -n 40 "$logs/build.log" >&2
        return 1
    }
}
if ! build_ours; then
    echo "bench/run.sh: the build failed (logs in $logs)" >&2
    exit 1
fi
# pkg-config gives gRPC core's own version (29.0.0 for gRPC 1.51); the
# package version names the release. OpenSSL matters for the TLS rows.
grpc_release=$(dpkg-query -W -f='${Version}' libgrpc-dev 2> /dev/null | sed 's/-[^-]*$//')
client_note[libldlm]="libldlm $(sed -n 's/^#define LDLM_VERSION_STRING "\(.*\)"/\1/p' "$top/libldlm/ldlm.h"), gRPC C core $(pkg-config --modversion grpc 2> /dev/null || echo '?')${grpc_release:+ (gRPC $grpc_release)}, OpenSSL $(pkg-config --modversion openssl 2> /dev/null || echo '?')"
if grep -q -- '-fsanitize' "$builddir/Makefile" 2> /dev/null &&
    [ -n "$(sed -n 's/^SANITIZER_FLAGS = //p' "$builddir/Makefile")" ]; then
    notes+=("$builddir is a sanitizer build: libldlm and pam_ldlm figures are slowed down by it")
fi

# ---- 1b. the Go client ----------------------------------------------------
go_ok=0
go_bin=$builddir/bench-go/goclient
# The first line of go's error, without "go: downloading" chatter, with the
# proxy's "server response" line that explains it.
go_error_line() {
    grep -v '^go: downloading ' "$1" | awk '
        NR == 1 { line = $0; next }
        NR == 2 && /^[[:space:]]+server response:/ {
            sub(/^[[:space:]]+/, ""); line = line " (" $0 ")" }
        END { print line }'
}
build_go() {
    if ! command -v go > /dev/null 2>&1; then
        client_note[go]="unavailable: go toolchain not found in PATH"
        return 1
    fi
    local dir=$builddir/bench-go
    mkdir -p "$dir" && cp "$top/bench/go/go.mod" "$top/bench/go/main.go" "$dir/" || return 1
    chmod u+w "$dir/go.mod" "$dir/main.go"
    # The official Go client v1.2.2 from its unchanged upstream source (the
    # Go module proxy refuses the module): $LDLM_VENDOR_DIR, else
    # ../shared/vendor beside the source tree.
    local vendor=${LDLM_VENDOR_DIR:-$top/../shared/vendor}
    local source=$vendor/ldlm-v1.2.2
    if [ ! -f "$source/go.mod" ]; then
        client_note[go]="unavailable: no official Go client source at $source (set LDLM_VENDOR_DIR)"
        return 1
    fi
    source=$(cd "$source" && pwd)
    cp "$source/go.sum" "$dir/go.sum" && chmod u+w "$dir/go.sum" || return 1
    (cd "$dir" && go mod edit -replace "github.com/imoore76/ldlm=$source") || return 1
    rm -f "$go_bin"
    say "building the Go client program (go mod tidy, go build)"
    # -mod=mod: go may complete go.mod and write go.sum (in the copy only).
    (cd "$dir" && GOFLAGS="${GOFLAGS:-} -mod=mod" timeout -k 10 300 go mod tidy) \
        > "$logs/go-tidy.log" 2>&1
    if (cd "$dir" && GOFLAGS="${GOFLAGS:-} -mod=mod" timeout -k 10 300 go build -o goclient .) \
        > "$logs/go-build.log" 2>&1 && [ -x "$go_bin" ]; then
        client_note[go]="official Go client: github.com/imoore76/ldlm/client v1.2.2 (upstream source), $(go version | cut -d' ' -f3)"
        return 0
    fi
    client_note[go]="unavailable: $(go_error_line "$logs/go-build.log")"
    return 1
}
build_go && go_ok=1

# ---- 1c. the Python client ------------------------------------------------
py_ok=0
venv=$builddir/bench-venv
build_python() {
    if ! command -v python3 > /dev/null 2>&1; then
        client_note[python]="unavailable: python3 not found in PATH"
        return 1
    fi
    if [ ! -x "$venv/bin/python" ]; then
        say "creating the virtualenv $venv"
        if ! timeout -k 10 300 python3 -m venv "$venv" > "$logs/venv.log" 2>&1; then
            client_note[python]="unavailable: python3 -m venv failed: $(grep -m1 . "$logs/venv.log")"
            rm -rf "$venv"
            return 1
        fi
    fi
    local want
    want=$(sed -n 's/^py-ldlm==//p' "$top/bench/python/requirements.txt")
    if [ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("py-ldlm"))' 2> /dev/null)" != "$want" ]; then
        say "installing py-ldlm==$want in $venv"
        if ! timeout -k 10 600 "$venv/bin/python" -m pip install -q \
            -r "$top/bench/python/requirements.txt" > "$logs/pip.log" 2>&1; then
            client_note[python]="unavailable: pip install py-ldlm==$want failed: $(grep -m1 -i error "$logs/pip.log" || tail -n 1 "$logs/pip.log")"
            return 1
        fi
    fi
    local check
    if ! check=$("$venv/bin/python" "$top/bench/python/bench.py" --check 2> "$logs/python-check.log"); then
        client_note[python]="unavailable: bench.py --check failed: $(tail -n 1 "$logs/python-check.log")"
        return 1
    fi
    check=${check#py-ldlm usable (}
    client_note[python]="official Python client: py-ldlm $want, ${check%)}"
}
build_python && py_ok=1

# ---- 2. the server --------------------------------------------------------
export LDLM_TEST_SRCDIR=$top
export LDLM_TEST_BUILDDIR=$builddir
export LDLM_TEST_CACHE=${LDLM_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libldlm-test}
server_ok=0
server_reason=
if [ -n "${LDLM_SERVER_BIN:-}" ] && [ -x "$LDLM_SERVER_BIN" ]; then
    server_note="$LDLM_SERVER_BIN (LDLM_SERVER_BIN)"
    server_ok=1
else
    say "installing the LDLM server (tests/harness/install-server.sh)"
    if "$top/tests/harness/install-server.sh" > "$logs/install-server.log" 2>&1; then
        export LDLM_SERVER_BIN=$LDLM_TEST_CACHE/server/bin/server
        server_note="$(cat "$LDLM_TEST_CACHE/server/installed" 2> /dev/null) ($LDLM_SERVER_BIN)"
        server_ok=1
    else
        server_reason=$(cat "$LDLM_TEST_CACHE/server/install-error.txt" 2> /dev/null ||
            tail -n 5 "$logs/install-server.log")
    fi
fi
if [ "$server_ok" = 1 ]; then
    # shellcheck source=../tests/harness/server.sh
    . "$top/tests/harness/server.sh"
fi

# start_server [FLAG...]: quieter logging if the server takes the flag
# twice (the harness passes --log_level info), else as the harness does.
start_server() {
    ldlm_srv_start "$@" --log_level warn 2>> "$logs/server-start.log" && return 0
    ldlm_srv_start "$@" 2>> "$logs/server-start.log"
}

# ---- 3. client workloads --------------------------------------------------
common_args=(--run "$run_id" --reps "$reps" --warmup "$warmup" --ops "$ops"
    --threads "$threads" --mt-ops "$mt_ops" --connect-ops "$connect_ops")

# run_program CLIENT LOGNAME WORKLOADS COMMAND... : runs one benchmark
# program (bounded), keeps its lines, and explains workloads it left
# without result.
run_program() {
    local client=$1 name=$2 workloads=$3 rc=0 w
    shift 3
    printf '%s\t%s\t%s\n' "$client" "$name" "$(cut -d' ' -f1 /proc/loadavg)" >> "$logs/load.tsv"
    timeout -k 10 "$client_timeout" "$@" > "$logs/$name.tsv" 2> "$logs/$name.err" || rc=$?
    cat "$logs/$name.tsv" >> "$results"
    for w in $workloads; do
        if ! awk -F '\t' -v c="$client" -v w="$w" \
            '($1 == "rep" || $1 == "error") && $2 == c && $3 == w { found = 1 }
             $1 == "held" && $2 == c && w == "held" { found = 1 }
             END { exit !found }' "$logs/$name.tsv"; then
            if [ "$rc" = 124 ]; then
                status "$client" "$w" "timed out after ${client_timeout}s (log: $logs/$name.err)"
            else
                status "$client" "$w" "exited with status $rc, no result (log: $logs/$name.err)"
            fi
        fi
    done
}

# clients_run ADDRESS CA_FILE WORKLOAD... : every client, one after the other.
clients_run() {
    local address=$1 ca=$2
    shift 2
    local ca_args=()
    [ -n "$ca" ] && ca_args=(--ca "$ca")
    local w
    say "libldlm: $*"
    run_program libldlm "libldlm-$1" "$*" "$builddir/bench/ldlm_bench" \
        --address "$address" "${ca_args[@]}" --tag L "${common_args[@]}" "$@"
    if [ "$go_ok" = 1 ]; then
        say "go: $*"
        run_program go "go-$1" "$*" "$go_bin" \
            --address "$address" "${ca_args[@]}" --tag G "${common_args[@]}" "$@"
    else
        for w in "$@"; do status go "$w" "${client_note[go]}"; done
    fi
    if [ "$py_ok" = 1 ]; then
        say "python: $*"
        run_program python "python-$1" "$*" "$venv/bin/python" "$top/bench/python/bench.py" \
            --address "$address" "${ca_args[@]}" --tag P "${common_args[@]}" "$@"
    else
        for w in "$@"; do status python "$w" "${client_note[python]}"; done
    fi
}

# floor_run ADDRESS: the lock+unlock workloads on gRPC C core alone
# (bench/grpc_floor, no libldlm), with a blocked caller per call as libldlm
# does ("pluck") and with one thread keeping the calls in flight ("async").
floor_run() {
    local models=(pluck async) floor_common=(--address "$1" --run "$run_id-f" --reps "$reps" --warmup "$warmup")
    say "gRPC C core alone: lock_unlock lock_unlock_mt"
    run_program grpc-pluck floor-1 lock_unlock "$builddir/bench/grpc_floor" \
        "${floor_common[@]}" --tag F1 --ops "$ops" --threads 1 "${models[@]}"
    run_program grpc-pluck floor-mt lock_unlock_mt "$builddir/bench/grpc_floor" \
        "${floor_common[@]}" --tag FM --ops "$((threads * mt_ops))" --threads "$threads" "${models[@]}"
}

# clients_held_run: each client holds $held locks for $hold_seconds on a
# server of its own at info level, whose log counts the Renew calls that
# client made ("renewals" lines).
clients_held_run() {
    local c bin before after
    say "starting the LDLM server (plaintext, info log) for the held locks"
    if ! ldlm_srv_start 2>> "$logs/server-start.log"; then
        clients_unavailable "server unavailable (log: $logs/server-start.log)" held
        return
    fi
    for c in libldlm go python; do
        case $c in
        libldlm) bin=("$builddir/bench/ldlm_bench" --tag L) ;;
        go)
            [ "$go_ok" = 1 ] || { status go held "${client_note[go]}"; continue; }
            bin=("$go_bin" --tag G)
            ;;
        python)
            [ "$py_ok" = 1 ] || { status python held "${client_note[python]}"; continue; }
            bin=("$venv/bin/python" "$top/bench/python/bench.py" --tag P)
            ;;
        esac
        say "$c: held ($held locks, ${hold_seconds} s)"
        before=$(grep -c '"Renew request"\|msg=.Renew request' "$LDLM_SRV_LOG")
        run_program "$c" "$c-held" held "${bin[@]}" --address "$LDLM_SRV_ADDR" \
            "${common_args[@]}" --held "$held" --hold-seconds "$hold_seconds" held
        after=$(grep -c '"Renew request"\|msg=.Renew request' "$LDLM_SRV_LOG")
        printf 'renewals\t%s\t%s\n' "$c" "$((after - before))" >> "$results"
    done
    cp "$LDLM_SRV_LOG" "$logs/server-held.log" 2> /dev/null
    ldlm_srv_stop
}

clients_unavailable() { # clients_unavailable TEXT WORKLOAD...
    local text=$1 c w
    shift
    for c in libldlm go python; do
        for w in "$@"; do status "$c" "$w" "$text"; done
    done
}

# ---- 4. PAM ---------------------------------------------------------------
pam_ok=0
pam_setup() {
    local pw nw asan
    pw=$(ldlm_cwrap_lib LDLM_TEST_PAM_WRAPPER pam_wrapper) || { pam_reason="unavailable: pam_wrapper not found (libpam-wrapper)"; return 1; }
    nw=$(ldlm_cwrap_lib LDLM_TEST_NSS_WRAPPER nss_wrapper) || { pam_reason="unavailable: nss_wrapper not found (libnss-wrapper)"; return 1; }
    pam_module=$builddir/pam_ldlm/.libs/pam_ldlm.so
    [ -f "$pam_module" ] || { pam_reason="unavailable: $pam_module not built"; return 1; }
    # Sanitizer builds: the ASan runtime must be preloaded first.
    asan=$(ldlm_asan_runtime "$pam_module")
    pamdir=$(mktemp -d "${TMPDIR:-/tmp}/ldlm-bench-pam.XXXXXX") || return 1
    chmod 755 "$pamdir"
    mkdir "$pamdir/services"
    printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:1001:1001::/home/alice:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\n' > "$pamdir/passwd"
    printf 'root:x:0:\nalice:x:1001:\nbob:x:1002:\n' > "$pamdir/group"
    # The bench servers have no password.
    printf 'insecure_no_password\n' > "$pamdir/pam_ldlm.conf"
    printf 'alice - maxlogins %d\n' 1000 > "$pamdir/limits.conf"
    # libpam falls back to "other" for unknown services.
    printf 'account required pam_deny.so\nsession required pam_deny.so\n' > "$pamdir/services/other"
    printf 'session required pam_permit.so\n' > "$pamdir/services/permit"
    printf 'session required pam_limits.so conf=%s\n' "$pamdir/limits.conf" > "$pamdir/services/limits"
    pam_env=(env PAM_WRAPPER=1 "PAM_WRAPPER_SERVICE_DIR=$pamdir/services"
        "NSS_WRAPPER_PASSWD=$pamdir/passwd" "NSS_WRAPPER_GROUP=$pamdir/group"
        "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=0"
        "LD_PRELOAD=${asan:+$asan }$pw $nw")
}
pam_reason=
pam_setup && pam_ok=1
# ldlmd for pam_ldlm's mode=agent rows and the scale run.
. "$top/bench/ldlmd_lib.sh"

# pam_ldlm_service NAME ADDRESS [ARG...]: pam_ldlm alone in the session
# stack, so that pam_open_session takes the slot and close gives it back.
# on_error=deny: a server failure must show as a failure, not a fast login.
# In-process (mode=direct) where pam_ldlm also has mode=agent, its default.
pam_ldlm_service() {
    local name=$1 address=$2 direct=
    shift 2
    pam_has_agent_mode && direct=" mode=direct"
    printf 'session required %s conf=%s server=%s max_sessions=1000 timeout=5 on_error=deny%s%s\n' \
        "$pam_module" "$pamdir/pam_ldlm.conf" "$address" "$direct" "${*:+ $*}" > "$pamdir/services/$name"
}

# pam_agent_rows LABEL SERVER [tls CA]: pam_ldlm mode=agent through an
# ldlmd of this run against SERVER (the server the direct rows used).
pam_agent_rows() {
    local label=$1 server=$2
    shift 2
    if ! pam_has_agent_mode; then
        pam_unavailable "unavailable: this pam_ldlm has no mode=agent" "$label"
        return
    fi
    if ! bench_ldlmd_start "$label" "$server" "$@"; then
        pam_unavailable "unavailable: $ldlmd_reason" "$label"
        return
    fi
    printf 'session required %s conf=%s mode=agent agent_socket=%s max_sessions=1000 timeout=5 on_error=deny\n' \
        "$pam_module" "$pamdir/pam_ldlm.conf" "$ldlmd_sock" > "$pamdir/services/$label"
    pam_baseline "$label"
    pam_measure "$label" "$label" footprint
    bench_ldlmd_stop
}

# pam_measure LABEL SERVICE [footprint]: the timings (and the footprint).
pam_measure() {
    local label=$1 service=$2 footprint=${3:-}
    say "PAM: $label"
    bench_load "$label"
    run_program "$label" "pam-$label" open_close "${pam_env[@]}" "$builddir/bench/pam_bench" \
        --reps "$reps" --warmup "$pam_warmup" --logins "$pam_logins" "$label" "$service" alice
    run_program "$label" "pam-$label-fresh" fresh_login "${pam_env[@]}" "$builddir/bench/pam_bench" \
        --reps "$reps" --warmup "$pam_warmup" --logins "$pam_fresh_logins" --fresh-process \
        "$label" "$service" alice
    if [ -n "$footprint" ]; then
        local rc=0
        local port=()
        [ -n "${pam_server_port:-}" ] && port=(--server-port "$pam_server_port")
        timeout -k 10 "$client_timeout" "${pam_env[@]}" "$builddir/bench/pam_bench" \
            --footprint "$footprint_sessions" "${port[@]}" "$label" "$service" alice \
            > "$logs/pam-$label-footprint.tsv" 2> "$logs/pam-$label-footprint.err" || rc=$?
        cat "$logs/pam-$label-footprint.tsv" >> "$results"
        if [ "$rc" != 0 ]; then
            printf 'fstatus\t%s\tfailed (status %s): %s\n' "$label" "$rc" \
                "$(sed -n 's/^error\t[^\t]*\t[^\t]*\t//p' "$logs/pam-$label-footprint.tsv" | head -n 1)" >> "$results"
        fi
    fi
}

# pam_baseline LABEL: pam_permit's whole login in a fresh process, measured
# right before LABEL's rows ("pam_permit@LABEL"): the machine is shared, and
# its load moves during a run, so LABEL's figure over pam_permit is taken
# against a neighbour rather than against the first rows of the run.
pam_baseline() {
    run_program "pam_permit@$1" "pam-permit-at-$1-fresh" fresh_login "${pam_env[@]}" \
        "$builddir/bench/pam_bench" --reps "$reps" --warmup "$pam_warmup" \
        --logins "$pam_fresh_logins" --fresh-process "pam_permit@$1" permit alice
}

pam_unavailable() { # pam_unavailable TEXT LABEL...
    local text=$1 l
    shift
    for l in "$@"; do
        status "$l" open_close "$text"
        status "$l" fresh_login "$text"
        printf 'fstatus\t%s\t%s\n' "$l" "$text" >> "$results"
    done
}

# ---- run ------------------------------------------------------------------
if [ "$pam_ok" = 1 ]; then
    pam_measure pam_permit permit footprint
    pam_measure pam_limits limits
    # pam_ldlm loaded but never contacting a server (alice is exempt): what
    # the module costs a login by itself. The port is a closed one, so a
    # login that did contact it would fail (on_error=deny) and show.
    closed_port=$("$builddir/tests/harness/ldlm_test_tool" free-port 127.0.0.1)
    pam_ldlm_service ldlm_exempt "127.0.0.1:$closed_port" exempt=alice
    pam_measure pam_ldlm_exempt ldlm_exempt
else
    pam_unavailable "$pam_reason" pam_permit pam_limits pam_ldlm_exempt
fi

plain_workloads=(lock_unlock trylock_size8 lock_unlock_mt lock_unlock_mt64 lock_unlock_mt256 connect_plain)
if [ "$server_ok" = 1 ]; then
    say "starting the LDLM server (plaintext)"
    if start_server; then
        clients_run "$LDLM_SRV_ADDR" "" "${plain_workloads[@]}"
        floor_run "$LDLM_SRV_ADDR"
        if [ "$pam_ok" = 1 ]; then
            pam_server_port=$LDLM_SRV_PORT
            pam_ldlm_service ldlm_plain "$LDLM_SRV_ADDR"
            pam_baseline pam_ldlm_plain
            pam_measure pam_ldlm_plain ldlm_plain footprint
            pam_agent_rows pam_ldlm_agent_plain "$LDLM_SRV_ADDR"
            # (stderr: bash's notice of the kill -9 of ldlmd goes there)
            bench_ldlmd_scale "$scale_sessions" "$scale_levels" "$scale_probes" "$reps" \
                "$LDLM_SRV_ADDR" 2>> "$logs/ldlmd-scale-shell.err"
            pam_server_port=
        else
            pam_unavailable "$pam_reason" pam_ldlm_plain pam_ldlm_agent_plain
            printf 'scale_status\t%s\n' "$pam_reason" >> "$results"
        fi
    else
        server_reason="the server did not start (log: $logs/server.log, $logs/server-start.log)"
        clients_unavailable "server unavailable" "${plain_workloads[@]}"
        pam_unavailable "server unavailable" pam_ldlm_plain pam_ldlm_agent_plain
        printf 'scale_status\tserver unavailable\n' >> "$results"
    fi
    ldlm_srv_stop
    clients_held_run
    say "starting the LDLM server (TLS)"
    if ldlm_srv_certs 2>> "$logs/server-start.log" &&
        start_server --tls_cert "$LDLM_SRV_SERVER_CERT" --tls_key "$LDLM_SRV_SERVER_KEY"; then
        clients_run "$LDLM_SRV_ADDR" "$LDLM_SRV_CA" connect_tls
        if [ "$pam_ok" = 1 ]; then
            pam_server_port=$LDLM_SRV_PORT
            pam_ldlm_service ldlm_tls "$LDLM_SRV_ADDR" tls "ca_file=$LDLM_SRV_CA"
            pam_baseline pam_ldlm_tls
            pam_measure pam_ldlm_tls ldlm_tls footprint
            pam_agent_rows pam_ldlm_agent_tls "$LDLM_SRV_ADDR" tls "$LDLM_SRV_CA"
            pam_server_port=
        else
            pam_unavailable "$pam_reason" pam_ldlm_tls pam_ldlm_agent_tls
        fi
    else
        clients_unavailable "TLS server unavailable (log: $logs/server-start.log)" connect_tls
        pam_unavailable "TLS server unavailable" pam_ldlm_tls pam_ldlm_agent_tls
    fi
    ldlm_srv_stop
else
    clients_unavailable "server unavailable" "${plain_workloads[@]}" connect_tls held
    pam_unavailable "server unavailable" pam_ldlm_plain pam_ldlm_tls pam_ldlm_agent_plain pam_ldlm_agent_tls
    printf 'scale_status\tserver unavailable\n' >> "$results"
fi

# ---- 5. the table ---------------------------------------------------------
{
    echo "LDLM client benchmark, $mode mode: each figure is the median of $reps repetitions (min-max), warm-up excluded"
    printf 'machine: %s; %s CPUs; %s RAM; Linux %s; host %s\n' \
        "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" "$(nproc)" \
        "$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)" \
        "$(uname -r)" "$(uname -n)"
    if [ "$server_ok" = 1 ] && [ -z "$server_reason" ]; then
        echo "server: $server_note, on 127.0.0.1"
    else
        echo "server: unavailable:"
        printf '%s\n' "${server_reason:-unknown reason}" | sed 's/^/    /'
    fi
    for c in libldlm go python; do
        printf '%-8s %s\n' "$c:" "${client_note[$c]:-unavailable}"
    done
    echo "work: lock_unlock and trylock_size8 $ops ops x $reps; $threads threads x $mt_ops ops x $reps;" \
        "connect $connect_ops x $reps; PAM $pam_logins logins x $reps in one process," \
        "$pam_fresh_logins x $reps in fresh processes; $footprint_sessions held sessions"
    for n in "${notes[@]}"; do echo "note: $n"; done
    echo
    awk -v threads="$threads" -v reps="$reps" -f "$top/bench/stats.awk" -f "$top/bench/report.awk" "$results"
    echo
    awk -v reps="$reps" -v held="$footprint_sessions" -f "$top/bench/stats.awk" -f "$top/bench/report_pam.awk" "$results"
    echo
    echo "raw results: $results; logs: $logs; took $(($(date +%s) - started_at)) s"
} | tee "$out/report.txt"
exit 0
