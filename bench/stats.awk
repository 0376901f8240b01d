# SPDX-License-Identifier: MIT
# The median, min and max of a series, shared by bench/report.awk and
# bench/report_pam.awk (bench/run.sh loads it with a first -f before either).
# A series is series[k, 1..n[k]], n being the caller's count per key.

# Sorts vals[1..m] (insertion sort: m is small).
function sort_values(vals, m,    i, j, v) {
    for (i = 2; i <= m; i++) {
        v = vals[i]
        for (j = i - 1; j >= 1 && vals[j] > v; j--)
            vals[j + 1] = vals[j]
        vals[j + 1] = v
    }
}

# Median, min and max of series[k, 1..n[k]] into stat_med, stat_min and
# stat_max; returns 1, or 0 (and leaves them as they were) if it is empty.
function stats(series, k,    m, i, vals) {
    m = n[k]
    if (m == 0) return 0
    for (i = 1; i <= m; i++)
        vals[i] = series[k, i]
    sort_values(vals, m)
    stat_min = vals[1]
    stat_max = vals[m]
    stat_med = (m % 2) ? vals[(m + 1) / 2] : (vals[m / 2] + vals[m / 2 + 1]) / 2
    return 1
}
