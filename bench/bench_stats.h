/* SPDX-License-Identifier: MIT */
/*
 * bench_stats.h - timing and the one result line format shared by the C
 * benchmark programs (ldlm_bench, pam_bench).
 *
 * Every benchmark program of bench/ (C, Go, Python) prints one line per
 * measured repetition, tab-separated, and run.sh turns them into the table:
 *
 *   rep CLIENT WORKLOAD REP OPS SECONDS P50_US P99_US [CPU_SECONDS]
 *
 * OPS operations took SECONDS of wall time; P50_US and P99_US are
 * nearest-rank percentiles of the per-operation latencies in microseconds.
 * CPU_SECONDS, when present, is the user + system time the whole client
 * process (every thread) used during the repetition, read with getrusage
 * (RUSAGE_SELF) before and after it. The Go and Python programs compute the
 * same figures the same way (syscall.Getrusage, resource.getrusage).
 */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic clock in nanoseconds. */
uint64_t bench_now_ns(void);

/*
 * Nearest-rank percentile (0 < p <= 100) of n latencies, in nanoseconds.
 * Sorts `values` in place. 0 when n is 0.
 */
uint64_t bench_percentile_ns(uint64_t *values, size_t n, double p);

/* Prints one "rep" line (see above) on stdout and flushes it. */
void bench_print_rep(const char *client, const char *workload, int rep,
                     size_t ops, uint64_t wall_ns, uint64_t *latencies_ns);

/* The same line with CPU_SECONDS (see above). */
void bench_print_rep_cpu(const char *client, const char *workload, int rep,
                         size_t ops, uint64_t wall_ns, uint64_t *latencies_ns,
                         double cpu_seconds);

/* User + system CPU time of the whole process so far, in seconds. */
double bench_cpu_seconds(void);

/* Prints "error CLIENT WORKLOAD MESSAGE" on stdout and flushes it. */
void bench_print_error(const char *client, const char *workload,
                       const char *message);

/* Parses a positive int option value; exits with a usage error otherwise. */
int bench_positive_int(const char *option, const char *value);

#endif /* BENCH_STATS_H */
