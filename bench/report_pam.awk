# SPDX-License-Identifier: MIT
# report_pam.awk - issue 11's tables from the result lines of one
# bench/run.sh run: pam_ldlm in-process (mode=direct) next to pam_ldlm
# through ldlmd (mode=agent), against the goals, and the ldlmd scale run.
# Loaded after bench/stats.awk, whose stats() it uses:
#   awk -f bench/stats.awk -f bench/report_pam.awk
#
# Input (tab-separated; formats in bench_stats.h, pam_bench.c and
# ldlmd_scale.c; other lines are ignored):
#   rep LABEL WORKLOAD REP OPS SECONDS P50_US P99_US
#   status LABEL WORKLOAD TEXT / fstatus LABEL TEXT
#   footprint LABEL HELD THREADS USS_KB CONNECTIONS
#   load PHASE LOAD1
#   scale_how TEXT / scale_status TEXT
#   scale_daemon HELD RSS_KB THREADS FDS
#   scale_fill N SECONDS P50_US P99_US
#   scale_fill_window FROM TO P50_US P99_US
#   scale_release SLOTS FIRST_MS ALL_MS
# Variables: reps, held (sessions of the footprint).
#
# Figures are medians of the repetitions with their spread (min-max).

BEGIN {
    FS = "\t"
    ncol = split("pam_ldlm_plain pam_ldlm_tls pam_ldlm_agent_plain pam_ldlm_agent_tls", cols, " ")
    head["pam_ldlm_plain"] = "direct, plain"
    head["pam_ldlm_tls"] = "direct, TLS"
    head["pam_ldlm_agent_plain"] = "agent, plain"
    head["pam_ldlm_agent_tls"] = "agent, TLS"
}

$1 == "rep" && NF >= 8 {
    k = $2 SUBSEP $3
    i = ++n[k]
    p50[k, i] = $7 + 0
    p99[k, i] = $8 + 0
    if ($2 == "ldlmd_scale" && !($3 in level_seen)) {
        level_seen[$3] = 1
        levels[++nlevels] = substr($3, 10) + 0
    }
    next
}
$1 == "error" { k = $2 SUBSEP $3; if (!(k in why)) why[k] = "failed: " $4; next }
$1 == "status" { why[$2 SUBSEP $3] = $4; next }
$1 == "fstatus" { fwhy[$2] = $3; next }
$1 == "footprint" {
    thr[$2, $3] = $4; uss[$2, $3] = $5
    conns[$2, $3] = (NF >= 6) ? $6 : -1
    if ($3 > 0) fp_max[$2] = $3
    next
}
$1 == "load" { load[$2] = $3; next }
$1 == "scale_how" { scale_how = $2; next }
$1 == "scale_status" { scale_why = scale_why (scale_why == "" ? "" : "; ") $2; next }
$1 == "scale_daemon" {
    d_rss[$2] = $3; d_thr[$2] = $4; d_fds[$2] = $5
    if ($2 + 0 > scale_max) scale_max = $2 + 0
    next
}
$1 == "scale_fill" { fill_n = $2; fill_s = $3; fill_p50 = $4; fill_p99 = $5; next }
$1 == "scale_fill_window" { win_p50[$3] = $4; win_p99[$3] = $5; win_from[$3] = $2; next }
$1 == "scale_release" { rel_slots = $2; rel_first = $3; rel_all = $4; next }

function num(v) {
    if (v < 0) return "-" num(-v)
    if (v >= 100) return sprintf("%.0f", v)
    if (v >= 10) return sprintf("%.1f", v)
    return sprintf("%.2f", v)
}

function ms(us) { return num(us / 1000) }
function signed(v) { return (v < 0 ? "" : "+") num(v) }

# Why a cell is empty: the row's status, shortened.
function missing(label, workload,    t) {
    t = why[label SUBSEP workload]
    if (t == "") t = "no result"
    return (length(t) > 15) ? substr(t, 1, 14) "~" : t
}

function fmissing(label,    t) {
    t = fwhy[label]
    if (t == "") t = "no result"
    return (length(t) > 15) ? substr(t, 1, 14) "~" : t
}

function row(title, goal,    c) {
    printf "%-40s", title
    for (c = 1; c <= ncol; c++) printf "  %-16s", cell[cols[c]]
    printf "  %s\n", goal
}

# pam_permit's p50 measured right before LABEL (run.sh's pam_baseline),
# else the one of the start of the run; -1 if none.
function baseline(l) {
    if (stats(p50, "pam_permit@" l SUBSEP "fresh_login")) return stat_med
    return stats(p50, "pam_permit" SUBSEP "fresh_login") ? stat_med : -1
}

function fresh_rows(    c, l, base) {
    for (c = 1; c <= ncol; c++) {
        l = cols[c]
        cell[l] = stats(p50, l SUBSEP "fresh_login") ? ms(stat_med) " ms" : missing(l, "fresh_login")
    }
    row("whole login, fresh process: p50", "")
    for (c = 1; c <= ncol; c++) {
        l = cols[c]
        base = baseline(l)
        cell[l] = base >= 0 ? ms(base) " ms" : "-"
    }
    row("  pam_permit, measured just before", "")
    for (c = 1; c <= ncol; c++) {
        l = cols[c]
        base = baseline(l)
        cell[l] = (stats(p50, l SUBSEP "fresh_login") && base >= 0) ? signed(ms(stat_med - base)) " ms" : "-"
    }
    row("  over pam_permit (p50 - p50)", "<= +1 ms")
    for (c = 1; c <= ncol; c++) {
        l = cols[c]
        cell[l] = stats(p50, l SUBSEP "open_close") ? ms(stat_med) " ms" : missing(l, "open_close")
    }
    row("open+close in a long-lived process: p50", "")
}

function footprint_rows(    c, l, m) {
    for (c = 1; c <= ncol; c++) {
        l = cols[c]
        cell[l] = ((l, 1) in thr) ? sprintf("%+d", thr[l, 1] - thr[l, 0]) : fmissing(l)
    }
    row("threads added, 1 session held", "0")
    for (c = 1; c <= ncol; c++) {
        l = cols[c]; m = fp_max[l]
        cell[l] = (m > 1) ? sprintf("%+d", thr[l, m] - thr[l, 0]) : fmissing(l)
    }
    row("threads added, " held " sessions held", "0")
    for (c = 1; c <= ncol; c++) {
        l = cols[c]
        cell[l] = ((l, 1) in uss) ? sprintf("%+d kB", uss[l, 1] - uss[l, 0]) : fmissing(l)
    }
    row("USS added, 1 session held", "<= 64 kB")
    for (c = 1; c <= ncol; c++) {
        l = cols[c]; m = fp_max[l]
        cell[l] = (m > 1) ? signed((uss[l, m] - uss[l, 0]) / m) " kB" : fmissing(l)
    }
    row("USS added per session, " held " held", "<= 64 kB")
    for (c = 1; c <= ncol; c++) {
        l = cols[c]; m = fp_max[l]
        cell[l] = (m > 1 && conns[l, 0] >= 0) ? conns[l, 0] " / " conns[l, 1] " / " conns[l, m] : fmissing(l)
    }
    row("server connections, 0 / 1 / " held " held", "one per host")
    for (c = 1; c <= ncol; c++) {
        l = cols[c]
        cell[l] = (l in load) ? load[l] : "-"
    }
    row("1-minute load average at the start", "")
}

function scale_table(    i, L, w) {
    printf "ldlmd scale run: %s held sessions on one host through one ldlmd, each a process of its own\n", fill_n == "" ? "(incomplete) " scale_max : fill_n
    if (scale_how != "") print "logins through " scale_how
    if ("scale" in load) print "1-minute load average at the start: " load["scale"]
    if (scale_why != "") print "not complete: " scale_why
    if (fill_n == "" && nlevels == 0) return
    printf "%-10s  %-24s  %-24s  %-20s  %-10s  %-8s  %s\n", "held", "login p50 us (min-max)",
        "login p99 us (min-max)", "filling p50/p99 us", "ldlmd RSS", "threads", "fds"
    print "--------------------------------------------------------------------------------------------------------------"
    printf "%-10s  %-24s  %-24s  %-20s  %-10s  %-8s  %s\n", 0, "", "", "", d_rss[0] " kB", d_thr[0], d_fds[0]
    for (i = 1; i <= nlevels; i++) {
        L = levels[i]
        w = "ldlmd_scale" SUBSEP "login_at_" L
        a = stats(p50, w) ? sprintf("%s (%s-%s)", num(stat_med), num(stat_min), num(stat_max)) : "-"
        b = stats(p99, w) ? sprintf("%s (%s-%s)", num(stat_med), num(stat_min), num(stat_max)) : "-"
        f = (L in win_p50) ? sprintf("%s / %s (%s..%s)", num(win_p50[L]), num(win_p99[L]), win_from[L], L) : "-"
        printf "%-10s  %-24s  %-24s  %-20s  %-10s  %-8s  %s\n", L, a, b, f, d_rss[L] " kB", d_thr[L], d_fds[L]
    }
    if (fill_n != "" && (fill_n in d_rss) && (0 in d_rss))
        printf "ldlmd's RSS per held session: %.2f kB ((%d - %d) / %d); filling took %s s (%s logins/s)\n",
            (d_rss[fill_n] - d_rss[0]) / fill_n, d_rss[fill_n], d_rss[0], fill_n, fill_s,
            (fill_s > 0 ? sprintf("%.0f", fill_n / fill_s) : "?")
    if (rel_slots != "")
        printf "kill -9 of ldlmd: the server freed the first slot %s ms after it, all %s after %s ms (a client taking every slot as it came free)\n",
            rel_first, rel_slots, rel_all
}

END {
    printf "issue 11: pam_ldlm per login / held session, in-process (mode=direct) and through ldlmd (mode=agent), one run\n"
    printf "%-40s", "per login / held session"
    for (c = 1; c <= ncol; c++) printf "  %-16s", head[cols[c]]
    printf "  goal\n"
    print "------------------------------------------------------------------------------------------------------------------------"
    fresh_rows()
    footprint_rows()
    print ""
    scale_table()
}
