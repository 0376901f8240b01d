/* SPDX-License-Identifier: MIT */
/*
 * pam_bench - what a PAM session stack costs a login, measured by a login
 * program of our own (bench/run.sh runs it under pam_wrapper + nss_wrapper).
 *
 *   pam_bench [--reps R] [--warmup N] [--logins N] [--fresh-process]
 *             LABEL SERVICE USER
 *   pam_bench --footprint N [--server-port PORT] LABEL SERVICE USER
 *
 * Timing mode: R repetitions of N logins of USER through SERVICE, each
 * login a pam_start .. pam_end of its own, and prints one "rep" line per
 * repetition (format in bench_stats.h; client = LABEL):
 *   - by default all logins run in this one process and the latency is
 *     pam_open_session + pam_close_session (workload "open_close");
 *   - with --fresh-process each login runs in a child forked from this
 *     process, which never touched PAM, like a login program's process per
 *     connection; the latency is then the whole pam_start .. pam_end
 *     (workload "fresh_login"): module loading and first-use set-up count.
 *
 * Footprint mode: starts N PAM handles, then opens their sessions and keeps
 * them open, printing what this process has with 0, 1 and N sessions held:
 *   footprint LABEL HELD THREADS USS_KB CONNECTIONS
 * THREADS from /proc/self/status, USS_KB = Private_Clean + Private_Dirty of
 * /proc/self/smaps_rollup, CONNECTIONS = the established TCP connections of
 * the whole host (this network namespace, /proc/net/tcp and tcp6) whose far
 * end is port PORT: what the LDLM server sees from this host, whichever
 * process holds them (this one, or ldlmd); -1 without --server-port. The "0 held" figure is taken after pam_start of
 * every handle (modules loaded), so the differences are what held sessions
 * add. Each figure is read after a 300 ms pause that lets background
 * threads started by a session come up (a measurement, not a sync).
 *
 * Exit status: 0 if every PAM call succeeded, 1 if one did not (an "error"
 * line says which), 2 on usage errors.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "bench_stats.h"
#include "pam_host.h"

/* Answers every prompt with an empty string and shows nothing. */
static const struct pam_conv conversation = {pam_host_quiet_conv, NULL};

typedef struct login_result {
    int failed_step; /* 0 = none, else which step failed */
    int pam_code;
    uint64_t ns; /* the measured span */
} login_result;

enum { STEP_START = 1, STEP_OPEN = 2, STEP_CLOSE = 3, STEP_END = 4 };

static const char *step_name(int step)
{
    switch (step) {
    case STEP_START:
        return "pam_start";
    case STEP_OPEN:
        return "pam_open_session";
    case STEP_CLOSE:
        return "pam_close_session";
    case STEP_END:
        return "pam_end";
    default:
        return "?";
    }
}

/*
 * One login: pam_start, open, close, pam_end. `whole` selects the span
 * measured: pam_start .. pam_end, or open + close only.
 */
static login_result one_login(const char *service, const char *user, bool whole)
{
    login_result r = {0};
    pam_handle_t *pamh = NULL;
    uint64_t t_start = bench_now_ns();
    int rc = pam_start(service, user, &conversation, &pamh);
    if (rc != PAM_SUCCESS) {
        r.failed_step = STEP_START;
        r.pam_code = rc;
        return r;
    }
    uint64_t t_open = bench_now_ns();
    rc = pam_open_session(pamh, 0);
    if (rc != PAM_SUCCESS) {
        r.failed_step = STEP_OPEN;
    } else {
        rc = pam_close_session(pamh, 0);
        if (rc != PAM_SUCCESS)
            r.failed_step = STEP_CLOSE;
    }
    uint64_t t_closed = bench_now_ns();
    r.pam_code = rc;
    int end_rc = pam_end(pamh, rc);
    uint64_t t_end = bench_now_ns();
    if (r.failed_step == 0 && end_rc != PAM_SUCCESS) {
        r.failed_step = STEP_END;
        r.pam_code = end_rc;
    }
    r.ns = whole ? t_end - t_start : t_closed - t_open;
    return r;
}

/* The same login in a child forked from this PAM-free process. */
static login_result fresh_process_login(const char *service, const char *user)
{
    login_result r = {.failed_step = STEP_START, .pam_code = PAM_SYSTEM_ERR};
    int fds[2];
    if (pipe(fds) != 0)
        return r;
    fflush(NULL);
    pid_t child = fork();
    if (child < 0) {
        close(fds[0]);
        close(fds[1]);
        return r;
    }
    if (child == 0) {
        close(fds[0]);
        login_result mine = one_login(service, user, true);
        ssize_t w = write(fds[1], &mine, sizeof mine);
        /* _exit: no atexit handlers of libraries the parent shares. */
        _exit(w == (ssize_t)sizeof mine ? 0 : 1);
    }
    close(fds[1]);
    login_result got;
    ssize_t n;
    do {
        n = read(fds[0], &got, sizeof got);
    } while (n < 0 && errno == EINTR);
    close(fds[0]);
    pam_host_wait(child);
    if (n == (ssize_t)sizeof got)
        r = got;
    return r;
}

static int run_timing(const char *label, const char *service, const char *user,
                      int reps, int warmup, int logins, bool fresh)
{
    const char *workload = fresh ? "fresh_login" : "open_close";
    uint64_t *lat = calloc((size_t)logins, sizeof(*lat));
    if (lat == NULL) {
        bench_print_error(label, workload, "out of memory");
        return 1;
    }
    int rc = 0;
    for (int rep = -1; rc == 0 && rep < reps; rep++) {
        int count = rep < 0 ? warmup : logins; /* rep -1: warm-up */
        uint64_t wall = 0;
        for (int i = 0; i < count; i++) {
            login_result r = fresh ? fresh_process_login(service, user)
                                   : one_login(service, user, false);
            if (r.failed_step != 0) {
                char msg[256];
                snprintf(msg, sizeof msg, "%s returned %d (%s)",
                         step_name(r.failed_step), r.pam_code,
                         pam_strerror(NULL, r.pam_code));
                bench_print_error(label, workload, msg);
                rc = 1;
                break;
            }
            if (rep >= 0)
                lat[i] = r.ns;
            wall += r.ns;
        }
        /* Wall time = the measured spans only, so logins/s is about them. */
        if (rc == 0 && rep >= 0)
            bench_print_rep(label, workload, rep, (size_t)logins, wall, lat);
    }
    free(lat);
    return rc;
}

/* ---- footprint --------------------------------------------------------- */

static long proc_field_kb(const char *path, const char *field)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    char line[256];
    long total = -1;
    size_t len = strlen(field);
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, field, len) == 0 && line[len] == ':') {
            total = (total < 0 ? 0 : total) + strtol(line + len + 1, NULL, 10);
        }
    }
    fclose(f);
    return total;
}

static int server_port;

/* Established connections to server_port in one /proc/net/tcp* table. */
static long count_connections(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0; /* no IPv6: no table */
    char line[512];
    long n = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        char remote[64];
        unsigned port, state;
        /* "sl: local_address rem_address st ...", addresses as HEX:PORT */
        if (sscanf(line, " %*s %*s %63s %x", remote, &state) != 2)
            continue; /* the header */
        char *colon = strrchr(remote, ':');
        if (colon != NULL && sscanf(colon + 1, "%x", &port) == 1 &&
            (int)port == server_port && state == 0x01 /* ESTABLISHED */)
            n++;
    }
    fclose(f);
    return n;
}

static void print_footprint(const char *label, int held)
{
    /* Let threads that a session starts in the background come up. */
    struct timespec pause = {0, 300 * 1000 * 1000};
    nanosleep(&pause, NULL);
    long threads = proc_field_kb("/proc/self/status", "Threads");
    long clean = proc_field_kb("/proc/self/smaps_rollup", "Private_Clean");
    long dirty = proc_field_kb("/proc/self/smaps_rollup", "Private_Dirty");
    long uss = clean < 0 || dirty < 0 ? -1 : clean + dirty;
    long conns = server_port == 0 ? -1
                                  : count_connections("/proc/net/tcp") +
                                        count_connections("/proc/net/tcp6");
    printf("footprint\t%s\t%d\t%ld\t%ld\t%ld\n", label, held, threads, uss,
           conns);
    fflush(stdout);
}

static int run_footprint(const char *label, const char *service,
                         const char *user, int sessions)
{
    pam_handle_t **handles = calloc((size_t)sessions, sizeof(*handles));
    bool *opened = calloc((size_t)sessions, sizeof(*opened));
    int rc = 0;
    char msg[256];
    if (handles == NULL || opened == NULL) {
        bench_print_error(label, "footprint", "out of memory");
        free(handles);
        free(opened);
        return 1;
    }
    int started = 0;
    for (; started < sessions; started++) {
        int prc = pam_start(service, user, &conversation, &handles[started]);
        if (prc != PAM_SUCCESS) {
            snprintf(msg, sizeof msg, "pam_start returned %d (%s)", prc,
                     pam_strerror(NULL, prc));
            bench_print_error(label, "footprint", msg);
            rc = 1;
            break;
        }
    }
    if (rc == 0)
        print_footprint(label, 0);
    for (int i = 0; rc == 0 && i < sessions; i++) {
        int prc = pam_open_session(handles[i], 0);
        if (prc != PAM_SUCCESS) {
            snprintf(msg, sizeof msg,
                     "pam_open_session of session %d returned %d (%s)", i + 1,
                     prc, pam_strerror(handles[i], prc));
            bench_print_error(label, "footprint", msg);
            rc = 1;
            break;
        }
        opened[i] = true;
        if (i == 0 || i == sessions - 1)
            print_footprint(label, i + 1);
    }
    for (int i = 0; i < started; i++) {
        int last = PAM_SUCCESS;
        if (opened[i])
            last = pam_close_session(handles[i], 0);
        pam_end(handles[i], last);
    }
    free(handles);
    free(opened);
    return rc;
}

static void usage(void)
{
    fprintf(stderr, "usage: pam_bench [--reps R] [--warmup N] [--logins N] "
                    "[--fresh-process] LABEL SERVICE USER\n"
                    "       pam_bench --footprint N [--server-port PORT] "
                    "LABEL SERVICE USER\n");
}

int main(int argc, char **argv)
{
    int reps = 5, warmup = 20, logins = 200, footprint = 0;
    bool fresh = false;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--fresh-process") == 0) {
            fresh = true;
            continue;
        }
        if (i + 1 >= argc) {
            usage();
            return 2;
        }
        const char *val = argv[++i];
        if (strcmp(opt, "--reps") == 0)
            reps = bench_positive_int(opt, val);
        else if (strcmp(opt, "--warmup") == 0)
            warmup = bench_positive_int(opt, val);
        else if (strcmp(opt, "--logins") == 0)
            logins = bench_positive_int(opt, val);
        else if (strcmp(opt, "--footprint") == 0)
            footprint = bench_positive_int(opt, val);
        else if (strcmp(opt, "--server-port") == 0)
            server_port = bench_positive_int(opt, val);
        else {
            usage();
            return 2;
        }
    }
    if (argc - i != 3) {
        usage();
        return 2;
    }
    const char *label = argv[i], *service = argv[i + 1], *user = argv[i + 2];
    if (footprint > 0)
        return run_footprint(label, service, user, footprint);
    return run_timing(label, service, user, reps, warmup, logins, fresh);
}
