# SPDX-License-Identifier: MIT
# report.awk - turns the result lines of one bench/run.sh run into its table.
# Loaded after bench/stats.awk, whose stats() it uses:
#   awk -f bench/stats.awk -f bench/report.awk
#
# Input (tab-separated, any order):
#   rep CLIENT WORKLOAD REP OPS SECONDS P50_US P99_US [CPU_SECONDS]
#                          a measured repetition (CPU: user + system time of
#                          the whole client process during it)
#   held CLIENT LOCKS HOLD_SECONDS CPU_SECONDS ACQUIRE_SECONDS
#                          locks held and renewed by one client
#   renewals CLIENT COUNT  Renew calls the server logged during that run
#   error CLIENT WORKLOAD MESSAGE                       a workload failed
#   status CLIENT WORKLOAD TEXT                         why a row did not run
#   footprint LABEL HELD THREADS USS_KB                 pam_bench --footprint
#   fstatus LABEL TEXT                                  why a footprint did not run
# Variables: threads (of lock_unlock_mt), reps.
#
# Each figure is the median of the repetitions, followed by the spread
# (min-max) in parentheses.

BEGIN {
    FS = "\t"
    nclients = split("libldlm go python", clients, " ")
    nwork = split("lock_unlock trylock_size8 lock_unlock_mt lock_unlock_mt64 lock_unlock_mt256 connect_plain connect_tls", works, " ")
    title["lock_unlock"] = "lock+unlock, fresh name, 1 thread"
    title["trylock_size8"] = "try-lock+unlock, size 8, 1 thread"
    title["lock_unlock_mt"] = "lock+unlock, " threads " threads/tasks"
    title["lock_unlock_mt64"] = "lock+unlock, 64 threads/tasks"
    title["lock_unlock_mt256"] = "lock+unlock, 256 threads/tasks"
    title["connect_plain"] = "new client+try-lock+close, plain"
    title["connect_tls"] = "new client+try-lock+close, TLS"
    nstacks = split("pam_permit pam_limits pam_ldlm_exempt pam_ldlm_plain pam_ldlm_tls", stacks, " ")
    stack_title["pam_permit"] = "pam_permit (no pam_ldlm)"
    stack_title["pam_limits"] = "pam_limits maxlogins"
    stack_title["pam_ldlm_exempt"] = "pam_ldlm, exempt user (no server)"
    stack_title["pam_ldlm_plain"] = "pam_ldlm, plaintext"
    stack_title["pam_ldlm_tls"] = "pam_ldlm, TLS"
    nfp = split("pam_permit pam_ldlm_plain pam_ldlm_tls", fpstacks, " ")
}

$1 == "rep" && NF >= 8 {
    k = $2 SUBSEP $3
    i = ++n[k]
    opsps[k, i] = ($6 > 0) ? $5 / $6 : 0
    p50[k, i] = $7 + 0
    p99[k, i] = $8 + 0
    if (NF >= 9 && $5 > 0) {
        cpu[k, i] = $9 / $5 * 1e6
        ncpu[k]++
    }
    next
}
$1 == "held" && NF >= 6 {
    held_locks[$2] = $3; held_secs[$2] = $4; held_cpu[$2] = $5; held_acq[$2] = $6
    next
}
$1 == "renewals" { held_renewals[$2] = $3; next }
$1 == "error" { k = $2 SUBSEP $3; if (!(k in err)) err[k] = "failed: " $4; next }
$1 == "status" { st[$2 SUBSEP $3] = $4; next }
$1 == "footprint" { fp_threads[$2, $3] = $4; fp_uss[$2, $3] = $5; fp_seen[$2] = 1; next }
$1 == "fstatus" { fst[$2] = $3; next }

function num(v) {
    if (v >= 100) return sprintf("%.0f", v)
    if (v >= 10) return sprintf("%.1f", v)
    return sprintf("%.2f", v)
}

function signed_us(d) {
    return (d < 0 ? "-" : "+") num(d < 0 ? -d : d) " us"
}

function cell(series, k) {
    stats(series, k)
    return sprintf("%s (%s-%s)", num(stat_med), num(stat_min), num(stat_max))
}

function median_of(series, k) {
    stats(series, k)
    return stat_med
}

# Why a row has no figures.
function missing(k) {
    if (k in err) return err[k]
    if (k in st) return st[k]
    return "no result (see the logs)"
}

function has(k) {
    return (k in n) && n[k] > 0 && !(k in err)
}

# Every repetition of the row has its CPU time.
function has_cpu(k) {
    return has(k) && ncpu[k] == n[k]
}

# One row of a client table: its figures, or why it has none. `width` is
# that of the client column.
function print_row(label, client, width, k) {
    if (has(k))
        printf "%-34s %-*s %-20s %-20s %-22s %s\n", label, width, client, cell(opsps, k), cell(p50, k), \
            cell(p99, k), has_cpu(k) ? cell(cpu, k) : "n/a"
    else
        printf "%-34s %-*s %s\n", label, width, client, missing(k)
}

function ratio(a, b) {
    if (b <= 0) return "n/a"
    return sprintf("%.2f", a / b)
}

function rule(w,    s, ri) {
    s = ""
    for (ri = 0; ri < w; ri++) s = s "-"
    print s
}

END {
    printf "%-34s %-8s %-20s %-20s %-22s %s\n", "workload", "client", "ops/s", "p50 us", "p99 us", "CPU us/op"
    rule(122)
    for (wi = 1; wi <= nwork; wi++) {
        w = works[wi]
        for (ci = 1; ci <= nclients; ci++) {
            c = clients[ci]
            k = c SUBSEP w
            print_row((ci == 1) ? title[w] : "", c, 8, k)
        }
    }
    print ""
    print "Ratios (medians): ops/s ratio > 1 and latency or CPU ratio < 1 mean libldlm is better"
    printf "%-34s %-11s %-11s %-11s %-11s %-11s %-11s %-11s %s\n", "workload", "ops/s L/Go", "ops/s L/Py", \
        "p50 L/Go", "p50 L/Py", "p99 L/Go", "p99 L/Py", "CPU L/Go", "CPU L/Py"
    rule(122)
    for (wi = 1; wi <= nwork; wi++) {
        w = works[wi]
        kl = "libldlm" SUBSEP w
        line = sprintf("%-34s", title[w])
        for (pi = 1; pi <= 4; pi++) {
            for (ci = 2; ci <= 3; ci++) {
                ko = clients[ci] SUBSEP w
                r = "n/a"
                if (has(kl) && has(ko)) {
                    if (pi == 1) r = ratio(median_of(opsps, kl), median_of(opsps, ko))
                    else if (pi == 2) r = ratio(median_of(p50, kl), median_of(p50, ko))
                    else if (pi == 3) r = ratio(median_of(p99, kl), median_of(p99, ko))
                    else if (has_cpu(kl) && has_cpu(ko)) r = ratio(median_of(cpu, kl), median_of(cpu, ko))
                }
                line = line sprintf(" %-11s", r)
            }
        }
        sub(/ +$/, "", line)
        print line
    }

    floor_table()

    held_table()

    print ""
    pam_timing_table("open_close", "PAM: pam_open_session + pam_close_session, logins in one process")
    print ""
    pam_timing_table("fresh_login", "PAM: whole login (pam_start .. pam_end) in a fresh process forked per login")
    print ""
    print "PAM: what held sessions add to their host process (one measurement each)"
    printf "%-34s %-10s %-22s %s\n", "session stack", "held", "threads (added)", "USS kB (added)"
    rule(110)
    for (fi = 1; fi <= nfp; fi++) {
        s = fpstacks[fi]
        if (!(s in fp_seen)) {
            printf "%-34s %s\n", stack_title[s], (s in fst) ? fst[s] : "no result (see the logs)"
            continue
        }
        if (s in fst)
            printf "%-34s %s\n", stack_title[s], fst[s]
        first = 1
        for (h in held_order) delete held_order[h]
        # Held counts printed in increasing order, 0 being the baseline.
        nh = 0
        for (key in fp_threads) {
            split(key, parts, SUBSEP)
            if (parts[1] == s && parts[2] + 0 > 0) held_order[++nh] = parts[2] + 0
        }
        sort_values(held_order, nh)
        for (hi = 1; hi <= nh; hi++) {
            h = held_order[hi]
            t0 = fp_threads[s, 0]; t = fp_threads[s, h]
            u0 = fp_uss[s, 0]; u = fp_uss[s, h]
            printf "%-34s %-10s %-22s %s\n", first ? stack_title[s] : "", h, \
                sprintf("%d (%+d)", t, t - t0), sprintf("%d (%+d, %+.1f per session)", u, u - u0, (u - u0) / h)
            first = 0
        }
    }
}

# One table of PAM timings (workload open_close or fresh_login): each stack's
# p50 and p99, and its p50 over pam_permit's.
function pam_timing_table(workload, title,    base, si, s, k, extra, line) {
    print title
    printf "%-34s %-22s %-22s %s\n", "session stack", "p50 us", "p99 us", "p50 over pam_permit"
    rule(110)
    base = "pam_permit" SUBSEP workload
    for (si = 1; si <= nstacks; si++) {
        s = stacks[si]
        k = s SUBSEP workload
        if (has(k)) {
            extra = (has(base) && s != "pam_permit") ? signed_us(median_of(p50, k) - median_of(p50, base)) : ""
            line = sprintf("%-34s %-22s %-22s %s", stack_title[s], cell(p50, k), cell(p99, k), extra)
            sub(/ +$/, "", line)
            print line
        } else
            printf "%-34s %s\n", stack_title[s], missing(k)
    }
}

# Locks held by one client (one measurement each): how long taking them
# took, the client's CPU while it held them, and the Renew calls the server
# logged during the client's run (renewals, and libldlm's probes).
function held_table(    ci, c, k, m, cpu_l, ren, locks) {
    print ""
    print "Locks held and renewed by one client (lock timeout 20 s; one measurement each)"
    printf "%-8s %-7s %-8s %-12s %-26s %s\n", "client", "locks", "held s", "acquire s", \
        "CPU ms per lock per min", "Renew calls per lock per min"
    rule(122)
    for (ci = 1; ci <= nclients; ci++) {
        c = clients[ci]
        k = c SUBSEP "held"
        if (!(c in held_locks)) {
            printf "%-8s %s\n", c, missing(k)
            continue
        }
        locks = held_locks[c]
        m = held_secs[c] / 60
        cpu_l = held_cpu[c] * 1000 / locks / m
        ren = (c in held_renewals) ? sprintf("%.2f", held_renewals[c] / locks / m) : "n/a"
        printf "%-8s %-7s %-8s %-12s %-26s %s\n", c, locks, held_secs[c], sprintf("%.2f", held_acq[c]), \
            sprintf("%.3f", cpu_l), ren
    }
}

# gRPC C core alone (bench/grpc_floor) next to libldlm and Go: printed when
# the run has its rows.
function floor_table(    wi, w, di, d, k, any, ndrivers, drivers) {
    any = 0
    for (k in n) if (index(k, "grpc-") == 1) any = 1
    if (!any) return
    print ""
    print "gRPC C core alone: the same Lock + Unlock calls without libldlm (bench/grpc_floor); grpc-pluck: a blocked"
    print "caller per call, as libldlm; grpc-async: one thread keeps the calls in flight on one queue (an event loop)"
    printf "%-34s %-11s %-20s %-20s %-22s %s\n", "workload", "driver", "ops/s", "p50 us", "p99 us", "CPU us/op"
    rule(122)
    ndrivers = split("libldlm grpc-pluck grpc-async go", drivers, " ")
    for (wi = 1; wi <= 2; wi++) {
        w = (wi == 1) ? "lock_unlock" : "lock_unlock_mt"
        for (di = 1; di <= ndrivers; di++) {
            d = drivers[di]
            k = d SUBSEP w
            print_row((di == 1) ? title[w] : "", d, 11, k)
        }
    }
}
