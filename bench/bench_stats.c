/* SPDX-License-Identifier: MIT */
/*
 * bench_stats.c - see bench_stats.h.
 */
#include "bench_stats.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

uint64_t bench_percentile_ns(uint64_t *values, size_t n, double p)
{
    if (n == 0)
        return 0;
    qsort(values, n, sizeof(*values), compare_u64);
    /* Nearest rank: the smallest value with at least p% of values <= it. */
    size_t rank = (size_t)ceil(p / 100.0 * (double)n);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return values[rank - 1];
}

void bench_print_rep(const char *client, const char *workload, int rep,
                     size_t ops, uint64_t wall_ns, uint64_t *latencies_ns)
{
    uint64_t p50 = bench_percentile_ns(latencies_ns, ops, 50.0);
    uint64_t p99 = bench_percentile_ns(latencies_ns, ops, 99.0);
    printf("rep\t%s\t%s\t%d\t%zu\t%.6f\t%.1f\t%.1f\n", client, workload, rep,
           ops, (double)wall_ns / 1e9, (double)p50 / 1e3, (double)p99 / 1e3);
    fflush(stdout);
}

void bench_print_rep_cpu(const char *client, const char *workload, int rep,
                         size_t ops, uint64_t wall_ns, uint64_t *latencies_ns,
                         double cpu_seconds)
{
    uint64_t p50 = bench_percentile_ns(latencies_ns, ops, 50.0);
    uint64_t p99 = bench_percentile_ns(latencies_ns, ops, 99.0);
    printf("rep\t%s\t%s\t%d\t%zu\t%.6f\t%.1f\t%.1f\t%.6f\n", client, workload,
           rep, ops, (double)wall_ns / 1e9, (double)p50 / 1e3,
           (double)p99 / 1e3, cpu_seconds);
    fflush(stdout);
}

double bench_cpu_seconds(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

void bench_print_error(const char *client, const char *workload,
                       const char *message)
{
    /* One line: tabs and newlines of the message become spaces. */
    printf("error\t%s\t%s\t", client, workload);
    for (const char *c = message; *c != '\0'; c++)
        putchar(*c == '\t' || *c == '\n' ? ' ' : *c);
    putchar('\n');
    fflush(stdout);
}

int bench_positive_int(const char *option, const char *value)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || v <= 0 || v > INT_MAX) {
        fprintf(stderr, "%s: expected a positive integer, got '%s'\n", option,
                value);
        exit(2);
    }
    return (int)v;
}
