/* SPDX-License-Identifier: MIT */
/*
 * ldlmd_scale - many concurrent held sessions on one host through one
 * ldlmd: what a login costs as the table grows, what each session costs
 * ldlmd, and how long the server takes to free every slot when ldlmd dies.
 * bench/run.sh starts the server and ldlmd and runs this program;
 * tests/ldlmd/scale_smoke.sh runs a small version in make check.
 *
 *   ldlmd_scale --socket SOCK --daemon-pid PID --sessions N
 *               [--levels L1,L2,...] [--probes K] [--reps R]
 *               [--kill SERVER] (--pam SERVICE HOLD_USER PROBE_USER |
 *                                --agent HOLD_LOCK PROBE_LOCK)
 *
 * Every session is a process of its own, forked from this one, like the
 * process per connection of a login program (sshd's monitor): it logs in,
 * tells this process how long the login took, and holds the session until
 * this process says otherwise. ldlmd watches each of them (pidfd), so N
 * sessions are N live processes (each blocked in read(2); they die with
 * this process, PR_SET_PDEATHSIG).
 *
 * A login is, with --pam, pam_open_session of HOLD_USER through SERVICE
 * (pam_ldlm mode=agent, under pam_wrapper), on a handle this process
 * started with pam_start just before the fork (pam_wrapper allows only 62
 * live processes that called pam_start); with --agent,
 * an acquisition of one slot of HOLD_LOCK (NAME:SIZE) through the agent
 * client, pid of the session = the holding process.
 *
 * Sessions are opened one after another. When the number held reaches a
 * level (and at N), R repetitions of K probe logins run, each in a fresh
 * process, whole login and logout (PROBE_USER, or PROBE_LOCK, a lock of
 * its own, so probes never find it full), and ldlmd's resident memory is
 * read from /proc/PID/status. Then either every holder closes its session
 * at once (without --kill) and the time until ldlmd has none left is
 * measured; or (--kill SERVER) a client of SERVER, connected beforehand,
 * checks that the held lock is full, sends SIGKILL to ldlmd and takes
 * every slot of that lock as soon as the server frees them (8 threads,
 * each blocked in a lock call: event-driven); the holders are killed after.
 *
 * Output, tab-separated lines (format of "rep" in bench_stats.h):
 *   rep ldlmd_scale login_at_HELD REP K SECONDS P50_US P99_US
 *   daemon HELD RSS_KB THREADS FDS        ldlmd at 0 held and each level
 *   fill N SECONDS P50_US P99_US          opening the N sessions
 *   fill_window FROM TO P50_US P99_US     the logins that opened sessions
 *                                         FROM..TO (between two levels)
 *   close N SECONDS FAILED                every holder closed (no --kill)
 *   release SLOTS FIRST_MS ALL_MS         --kill: from SIGKILL to the first
 *                                         and to the last slot taken
 *   error ldlmd_scale WHAT MESSAGE
 * Exit status: 0 when everything worked, 1 otherwise, 2 on usage errors.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include <ldlm.h>

#include "agent_client.h"
#include "bench_stats.h"
#include "pam_host.h"

#define LABEL "ldlmd_scale"
#define CALL_TIMEOUT_MS 30000
#define CHILD_TIMEOUT_MS 60000 /* a login's process reports within this */
#define KILL_THREADS 8
#define MAX_LEVELS 16

typedef struct settings {
    const char *socket;
    pid_t daemon_pid;
    int sessions, probes, reps;
    int levels[MAX_LEVELS];
    int level_count;
    const char *kill_server;
    bool pam;
    const char *service, *hold_user, *probe_user; /* --pam */
    ldlm_agent_lock hold_lock, probe_lock;        /* --agent */
} settings;

/* What a login process tells this one. */
typedef struct login_record {
    int32_t ok;
    int32_t code; /* PAM or agent status of the failure */
    uint64_t ns;
} login_record;

static settings S;

/* ---- logins (in the child processes) -------------------------------------
 */

/* Answers every prompt with an empty string and shows nothing. */
static const struct pam_conv conversation = {pam_host_quiet_conv, NULL};

/* A session of this process: the PAM handle or the agent token. */
typedef struct held {
    pam_handle_t *pamh;
    char token[LDLM_AGENT_TOKEN_LEN + 1];
} held;

static int open_session(const char *user, const ldlm_agent_lock *lock, held *h,
                        int32_t *code)
{
    if (S.pam) {
        int rc = PAM_SUCCESS;
        if (h->pamh == NULL)
            rc = pam_start(S.service, user, &conversation, &h->pamh);
        if (rc == PAM_SUCCESS)
            rc = pam_open_session(h->pamh, 0);
        *code = rc;
        return rc == PAM_SUCCESS ? 0 : -1;
    }
    ldlm_agent *a =
        ldlm_agent_new(S.socket, ldlm_agent_deadline_after(CALL_TIMEOUT_MS));
    if (a == NULL) {
        *code = LDLM_AGENT_NO_MEMORY;
        return -1;
    }
    ldlm_agent_identity who = {.user = "scale", .service = "ldlmd_scale"};
    ldlm_agent_acquire_result res;
    ldlm_agent_status st =
        ldlm_agent_acquire(a, lock, 1, &who, 0, NULL, NULL, &res);
    if (st == LDLM_AGENT_OK)
        memcpy(h->token, res.token, sizeof h->token);
    ldlm_agent_free(a);
    *code = (int32_t)st;
    return st == LDLM_AGENT_OK ? 0 : -1;
}

static int close_session(held *h)
{
    if (S.pam) {
        int rc = pam_close_session(h->pamh, 0);
        pam_end(h->pamh, rc);
        return rc == PAM_SUCCESS ? 0 : -1;
    }
    ldlm_agent *a =
        ldlm_agent_new(S.socket, ldlm_agent_deadline_after(CALL_TIMEOUT_MS));
    if (a == NULL)
        return -1;
    ldlm_agent_status st = ldlm_agent_release(a, h->token, NULL);
    ldlm_agent_free(a);
    return st == LDLM_AGENT_OK ? 0 : -1;
}

static void send_record(int fd, const login_record *r)
{
    /* One write of less than PIPE_BUF bytes: whole or not at all. */
    if (write(fd, r, sizeof *r) != (ssize_t)sizeof *r)
        _exit(3);
}

/* A holder: logs in, reports, waits for the end of `release_fd`, logs out.
 * _exit: pam_wrapper's exit handler would remove the directory it shares
 * with this program. */
static void holder_main(int result_fd, int release_fd, pam_handle_t *pamh)
{
    held h = {.pamh = pamh};
    login_record r = {0};
    uint64_t t0 = bench_now_ns();
    r.ok = open_session(S.hold_user, &S.hold_lock, &h, &r.code) == 0;
    r.ns = bench_now_ns() - t0;
    send_record(result_fd, &r);
    if (!r.ok)
        _exit(1);
    char c;
    ssize_t n;
    do {
        n = read(release_fd, &c, 1);
    } while (n < 0 && errno == EINTR);
    _exit(close_session(&h) == 0 ? 0 : 1);
}

/* A probe: a whole login and logout. */
static void probe_main(int result_fd)
{
    held h = {0};
    login_record r = {0};
    uint64_t t0 = bench_now_ns();
    if (open_session(S.probe_user, &S.probe_lock, &h, &r.code) == 0)
        r.ok = close_session(&h) == 0;
    r.ns = bench_now_ns() - t0;
    send_record(result_fd, &r);
    /* exit, not _exit: this process called pam_start, so pam_wrapper set
     * up a directory of its own, which its exit handler removes. */
    exit(r.ok ? 0 : 1);
}

/* ---- this process -------------------------------------------------------- */

static pid_t *holders;
static int holder_count;
static int result_pipe[2] = {-1, -1}, release_pipe[2] = {-1, -1};

/* Forks a login process; its record in *r. */
static int run_child(bool holder, pid_t *pid, login_record *r)
{
    /* A holder's pam_start is made here, its pam_open_session in its own
     * process (as a login program may fork between the two): pam_wrapper
     * sets itself up in every process that calls pam_start, in one of 62
     * directories /tmp/pam.X, which would allow only that many live
     * holders. */
    pam_handle_t *pamh = NULL;
    if (holder && S.pam) {
        int rc = pam_start(S.service, S.hold_user, &conversation, &pamh);
        if (rc != PAM_SUCCESS) {
            *pid = -1;
            r->ok = 0;
            r->code = rc;
            return 0;
        }
    }
    fflush(NULL);
    pid_t child = fork();
    if (pamh != NULL && child != 0)
        pam_end(pamh, PAM_SUCCESS); /* this process's copy only */
    if (child < 0)
        return -1;
    if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() == 1)
            _exit(4);
        close(result_pipe[0]);
        close(release_pipe[1]);
        if (holder)
            holder_main(result_pipe[1], release_pipe[0], pamh);
        probe_main(result_pipe[1]);
    }
    *pid = child;
    r->ok = 0;
    r->code = -1;
    /* Its record, or its end without one (a library that exits, a crash):
     * the other holders keep the pipe open, so no end of file tells. */
    int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
    struct pollfd p[2] = {{.fd = result_pipe[0], .events = POLLIN},
                          {.fd = pidfd, .events = POLLIN}};
    int64_t deadline = (int64_t)(bench_now_ns() / 1000000) + CHILD_TIMEOUT_MS;
    for (;;) {
        int left = (int)(deadline - (int64_t)(bench_now_ns() / 1000000));
        if (left <= 0)
            break;
        int ready = poll(p, pidfd >= 0 ? 2 : 1, left);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            break;
        if (p[0].revents & POLLIN) {
            if (read(result_pipe[0], r, sizeof *r) != (ssize_t)sizeof *r) {
                r->ok = 0;
                r->code = -1;
            }
            break;
        }
        if (p[1].revents & POLLIN)
            break; /* ended without a word */
    }
    if (pidfd >= 0)
        close(pidfd);
    return 0;
}

static void login_error(const char *what, const login_record *r)
{
    char msg[256];
    if (r->code == -1)
        snprintf(msg, sizeof msg, "the login process ended without a word");
    else if (S.pam)
        snprintf(msg, sizeof msg, "PAM error %d (%s)", r->code,
                 pam_strerror(NULL, r->code));
    else
        snprintf(msg, sizeof msg, "agent: %s",
                 ldlm_agent_strerror((ldlm_agent_status)r->code));
    bench_print_error(LABEL, what, msg);
}

static long status_field(const char *path, const char *field)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    char line[256];
    long v = -1;
    size_t len = strlen(field);
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, field, len) == 0 && line[len] == ':')
            v = strtol(line + len + 1, NULL, 10);
    fclose(f);
    return v;
}

static void print_daemon(int held_now)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/status", (long)S.daemon_pid);
    long rss = status_field(path, "VmRSS");
    long threads = status_field(path, "Threads");
    snprintf(path, sizeof path, "/proc/%ld/fd", (long)S.daemon_pid);
    long fds = 0;
    DIR *d = opendir(path);
    if (d != NULL) {
        for (struct dirent *e; (e = readdir(d)) != NULL;)
            fds += e->d_name[0] != '.';
        closedir(d);
    } else {
        fds = -1;
    }
    printf("daemon\t%d\t%ld\t%ld\t%ld\n", held_now, rss, threads, fds);
    fflush(stdout);
}

static int reap(pid_t pid)
{
    if (pid <= 0)
        return -1;
    int status = pam_host_wait(pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int probe_level(int held_now)
{
    char workload[32];
    snprintf(workload, sizeof workload, "login_at_%d", held_now);
    uint64_t *lat = calloc((size_t)S.probes, sizeof *lat);
    if (lat == NULL)
        return -1;
    int rc = 0;
    for (int rep = 0; rc == 0 && rep < S.reps; rep++) {
        uint64_t wall = 0;
        for (int i = 0; i < S.probes; i++) {
            pid_t pid;
            login_record r;
            if (run_child(false, &pid, &r) != 0) {
                bench_print_error(LABEL, workload, "fork failed");
                rc = -1;
                break;
            }
            reap(pid);
            if (!r.ok) {
                login_error(workload, &r);
                rc = -1;
                break;
            }
            lat[i] = r.ns;
            wall += r.ns;
        }
        if (rc == 0)
            bench_print_rep(LABEL, workload, rep, (size_t)S.probes, wall, lat);
    }
    free(lat);
    print_daemon(held_now);
    return rc;
}

static bool is_level(int held_now)
{
    for (int i = 0; i < S.level_count; i++)
        if (S.levels[i] == held_now)
            return true;
    return held_now == S.sessions;
}

/* The logins that opened sessions FROM+1 .. TO (a copy: sorting would
 * mix the windows). */
static void print_window(const uint64_t *lat, int from, int to)
{
    size_t n = (size_t)(to - from);
    uint64_t *w = malloc(n * sizeof *w);
    if (w == NULL)
        return;
    memcpy(w, lat + from, n * sizeof *w);
    printf("fill_window\t%d\t%d\t%.1f\t%.1f\n", from + 1, to,
           bench_percentile_ns(w, n, 50) / 1e3,
           bench_percentile_ns(w, n, 99) / 1e3);
    fflush(stdout);
    free(w);
}

static int fill(void)
{
    uint64_t *lat = calloc((size_t)S.sessions, sizeof *lat);
    if (lat == NULL)
        return -1;
    uint64_t t0 = bench_now_ns();
    uint64_t probing = 0;
    int rc = 0, window_start = 0;
    while (holder_count < S.sessions) {
        login_record r;
        pid_t pid;
        if (run_child(true, &pid, &r) != 0) {
            bench_print_error(LABEL, "fill", "fork failed");
            rc = -1;
            break;
        }
        if (!r.ok) {
            reap(pid);
            char what[48];
            snprintf(what, sizeof what, "fill_session_%d", holder_count + 1);
            login_error(what, &r);
            rc = -1;
            break;
        }
        holders[holder_count] = pid;
        lat[holder_count++] = r.ns;
        if (is_level(holder_count)) {
            print_window(lat, window_start, holder_count);
            window_start = holder_count;
            uint64_t p0 = bench_now_ns();
            if (probe_level(holder_count) != 0) {
                rc = -1;
                break;
            }
            probing += bench_now_ns() - p0;
        }
    }
    if (rc == 0) {
        double secs = (double)(bench_now_ns() - t0 - probing) / 1e9;
        uint64_t p50 = bench_percentile_ns(lat, (size_t)S.sessions, 50);
        uint64_t p99 = bench_percentile_ns(lat, (size_t)S.sessions, 99);
        printf("fill\t%d\t%.3f\t%.1f\t%.1f\n", S.sessions, secs, p50 / 1e3,
               p99 / 1e3);
        fflush(stdout);
    }
    free(lat);
    return rc;
}

/* Every holder closes its session at once; then ldlmd must have none. */
static int close_all(void)
{
    uint64_t t0 = bench_now_ns();
    close(release_pipe[1]);
    release_pipe[1] = -1;
    int failed = 0;
    for (int i = 0; i < holder_count; i++)
        failed += reap(holders[i]) != 0;
    double secs = (double)(bench_now_ns() - t0) / 1e9;
    holder_count = 0;
    ldlm_agent *a =
        ldlm_agent_new(S.socket, ldlm_agent_deadline_after(CALL_TIMEOUT_MS));
    ldlm_agent_daemon_info *info = NULL;
    ldlm_agent_status st =
        a == NULL ? LDLM_AGENT_NO_MEMORY : ldlm_agent_daemon_status(a, &info);
    int rc = 0;
    if (st != LDLM_AGENT_OK) {
        bench_print_error(LABEL, "close", ldlm_agent_strerror(st));
        rc = -1;
    } else if (info->sessions != 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "ldlmd still has %u sessions",
                 info->sessions);
        bench_print_error(LABEL, "close", msg);
        rc = -1;
    }
    ldlm_agent_daemon_info_free(info);
    ldlm_agent_free(a);
    printf("close\t%d\t%.3f\t%d\n", S.sessions, secs, failed);
    fflush(stdout);
    return failed == 0 ? rc : -1;
}

/* ---- kill -9 of ldlmd, seen from the server ------------------------------ */

typedef struct taker {
    ldlm_client *client;
    const char *name;
    int size;
    pthread_mutex_t mu;
    int taken;
    uint64_t t_kill, t_first, t_last;
    ldlm_err failure;
    ldlm_handle **handles;
} taker;

static void *take_slots(void *arg)
{
    taker *t = arg;
    ldlm_lock_options lo =
        LDLM_LOCK_OPTIONS(.size = t->size, .wait_timeout_seconds = 30);
    for (;;) {
        pthread_mutex_lock(&t->mu);
        /* Claim one of the slots still to take before blocking for it. */
        bool done = t->taken >= t->size || t->failure != LDLM_OK;
        int mine = done ? -1 : t->taken++;
        pthread_mutex_unlock(&t->mu);
        if (done)
            return NULL;
        ldlm_handle *h = NULL;
        ldlm_err err = ldlm_lock(t->client, t->name, &lo, &h);
        uint64_t now = bench_now_ns();
        pthread_mutex_lock(&t->mu);
        if (err != LDLM_OK || !ldlm_handle_locked(h)) {
            if (t->failure == LDLM_OK)
                t->failure = err != LDLM_OK ? err : LDLM_ERR_LOCK_WAIT_TIMEOUT;
        } else {
            if (t->t_first == 0)
                t->t_first = now;
            t->t_last = now;
        }
        t->handles[mine] = h;
        pthread_mutex_unlock(&t->mu);
    }
}

/* The held lock's name and size, as ldlmd shows them. */
static int held_lock(char *name, size_t len, int *size)
{
    ldlm_agent *a =
        ldlm_agent_new(S.socket, ldlm_agent_deadline_after(CALL_TIMEOUT_MS));
    ldlm_agent_sessions *list = NULL;
    ldlm_agent_status st =
        a == NULL ? LDLM_AGENT_NO_MEMORY : ldlm_agent_list(a, &list);
    int rc = -1;
    if (st == LDLM_AGENT_OK && list->count > 0 &&
        list->sessions[0].slot_count == 1) {
        snprintf(name, len, "%s", list->sessions[0].slots[0].name);
        *size = list->sessions[0].slots[0].size;
        rc = 0;
    } else {
        bench_print_error(LABEL, "release",
                          st != LDLM_AGENT_OK
                              ? ldlm_agent_strerror(st)
                              : "ldlmd lists no session of one slot");
    }
    ldlm_agent_sessions_free(list);
    ldlm_agent_free(a);
    return rc;
}

static int kill_and_measure(void)
{
    char name[LDLM_AGENT_MAX_LOCK_NAME + 1];
    taker t = {.failure = LDLM_OK};
    if (held_lock(name, sizeof name, &t.size) != 0)
        return -1;
    t.name = name;
    ldlm_config cfg =
        LDLM_CONFIG(.address = S.kill_server,
                    .call_timeout_ms = CALL_TIMEOUT_MS, .no_auto_renew = true);
    if (ldlm_client_new(&cfg, &t.client) != LDLM_OK) {
        bench_print_error(LABEL, "release", ldlm_last_error_message());
        return -1;
    }
    int rc = -1;
    t.handles = calloc((size_t)t.size, sizeof *t.handles);
    pthread_mutex_init(&t.mu, NULL);
    ldlm_lock_options lo = LDLM_LOCK_OPTIONS(.size = t.size);
    ldlm_handle *probe = NULL;
    ldlm_err err = ldlm_try_lock(t.client, name, &lo, &probe);
    if (t.handles == NULL || err != LDLM_OK || ldlm_handle_locked(probe)) {
        char msg[LDLM_AGENT_MAX_LOCK_NAME + 128];
        snprintf(msg, sizeof msg, "%s was not full before the kill (%s)", name,
                 ldlm_strerror(err));
        bench_print_error(LABEL, "release", msg);
        ldlm_handle_free(probe);
        goto out;
    }
    ldlm_handle_free(probe);
    t.t_kill = bench_now_ns();
    if (kill(S.daemon_pid, SIGKILL) != 0) {
        bench_print_error(LABEL, "release", strerror(errno));
        goto out;
    }
    pthread_t th[KILL_THREADS];
    int started = 0;
    for (; started < KILL_THREADS; started++)
        if (pthread_create(&th[started], NULL, take_slots, &t) != 0)
            break;
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    if (started == 0 || t.failure != LDLM_OK) {
        char msg[160];
        snprintf(msg, sizeof msg, "took %d of %d slots: %s", t.taken, t.size,
                 started == 0 ? "no thread" : ldlm_strerror(t.failure));
        bench_print_error(LABEL, "release", msg);
        goto out;
    }
    printf("release\t%d\t%.1f\t%.1f\n", t.size,
           (double)(t.t_first - t.t_kill) / 1e6,
           (double)(t.t_last - t.t_kill) / 1e6);
    fflush(stdout);
    rc = 0;
out:
    /* The client's end frees the slots on the server: no unlock each. */
    for (int i = 0; t.handles != NULL && i < t.size; i++)
        ldlm_handle_free(t.handles[i]);
    free(t.handles);
    ldlm_client_free(t.client);
    pthread_mutex_destroy(&t.mu);
    return rc;
}

static void kill_holders(void)
{
    for (int i = 0; i < holder_count; i++)
        kill(holders[i], SIGKILL);
    for (int i = 0; i < holder_count; i++)
        reap(holders[i]);
    holder_count = 0;
}

/* ---- arguments ----------------------------------------------------------- */

static int usage(void)
{
    fprintf(stderr,
            "usage: ldlmd_scale --socket SOCK --daemon-pid PID --sessions N\n"
            "         [--levels L1,L2,...] [--probes K] [--reps R] "
            "[--kill SERVER]\n"
            "         (--pam SERVICE HOLD_USER PROBE_USER | "
            "--agent HOLD_LOCK:SIZE PROBE_LOCK:SIZE)\n");
    return 2;
}

static int parse_lock(char *arg, ldlm_agent_lock *lock)
{
    char *colon = strrchr(arg, ':');
    if (colon == NULL)
        return -1;
    *colon = '\0';
    lock->name = arg;
    lock->size = bench_positive_int("lock size", colon + 1);
    return 0;
}

static int parse_levels(char *arg)
{
    for (char *tok = strtok(arg, ","); tok != NULL; tok = strtok(NULL, ",")) {
        if (S.level_count == MAX_LEVELS)
            return -1;
        S.levels[S.level_count++] = bench_positive_int("--levels", tok);
    }
    return 0;
}

int main(int argc, char **argv)
{
    S.probes = 20;
    S.reps = 3;
    bool mode_given = false;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int left = argc - i - 1;
        if (strcmp(o, "--socket") == 0 && left >= 1)
            S.socket = argv[++i];
        else if (strcmp(o, "--daemon-pid") == 0 && left >= 1)
            S.daemon_pid = bench_positive_int(o, argv[++i]);
        else if (strcmp(o, "--sessions") == 0 && left >= 1)
            S.sessions = bench_positive_int(o, argv[++i]);
        else if (strcmp(o, "--levels") == 0 && left >= 1) {
            if (parse_levels(argv[++i]) != 0)
                return usage();
        } else if (strcmp(o, "--probes") == 0 && left >= 1)
            S.probes = bench_positive_int(o, argv[++i]);
        else if (strcmp(o, "--reps") == 0 && left >= 1)
            S.reps = bench_positive_int(o, argv[++i]);
        else if (strcmp(o, "--kill") == 0 && left >= 1)
            S.kill_server = argv[++i];
        else if (strcmp(o, "--pam") == 0 && left >= 3) {
            S.pam = mode_given = true;
            S.service = argv[++i];
            S.hold_user = argv[++i];
            S.probe_user = argv[++i];
        } else if (strcmp(o, "--agent") == 0 && left >= 2) {
            mode_given = true;
            if (parse_lock(argv[++i], &S.hold_lock) != 0 ||
                parse_lock(argv[++i], &S.probe_lock) != 0)
                return usage();
        } else
            return usage();
    }
    if (S.socket == NULL || S.daemon_pid == 0 || S.sessions == 0 || !mode_given)
        return usage();
    holders = calloc((size_t)S.sessions, sizeof *holders);
    if (holders == NULL || pipe2(result_pipe, O_CLOEXEC) != 0 ||
        pipe2(release_pipe, O_CLOEXEC) != 0) {
        perror("ldlmd_scale");
        return 1;
    }
    print_daemon(0);
    int rc = fill();
    if (rc == 0)
        rc = S.kill_server != NULL ? kill_and_measure() : close_all();
    kill_holders();
    free(holders);
    return rc == 0 ? 0 : 1;
}
