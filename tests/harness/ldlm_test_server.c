/* SPDX-License-Identifier: MIT */
/*
 * ldlm_test_server.c - start, stop, pause and restart the real LDLM server
 * for one test, by pid, in a private temp dir.
 */
#include "ldlm_test_server.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* How long a restart keeps retrying while its fixed port is still busy. */
#define BUSY_PORT_RETRY_MS 5000
/* How many fresh ports a first start tries when one is taken meanwhile. */
#define FRESH_PORT_ATTEMPTS 5
/* Lines of server log shown when something goes wrong. */
#define LOG_TAIL_LINES 30

static void harness_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void harness_error(const char *fmt, ...)
{
    va_list ap;
    fputs("ldlm_test_server: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

/* snprintf into a fixed buffer; false (and an error) if it does not fit. */
static bool format_path(char *dst, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool format_path(char *dst, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, size, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= size) {
        harness_error("path too long (%d bytes)", n);
        return false;
    }
    return true;
}

/* ---- The binary and the skip rule ------------------------------------------ */

const char *ldlm_test_cache_dir(void)
{
    static char dir[LDLM_TEST_PATH_LEN];
    const char *cache = getenv("LDLM_TEST_CACHE");
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");

    if (cache && *cache)
        snprintf(dir, sizeof dir, "%s", cache);
    else if (xdg && *xdg)
        snprintf(dir, sizeof dir, "%s/libldlm-test", xdg);
    else
        snprintf(dir, sizeof dir, "%s/.cache/libldlm-test",
                 home && *home ? home : "/tmp");
    return dir;
}

const char *ldlm_test_server_bin(void)
{
    static char bin[LDLM_TEST_PATH_LEN];
    const char *env = getenv("LDLM_SERVER_BIN");

    if (env && *env)
        snprintf(bin, sizeof bin, "%s", env);
    else
        snprintf(bin, sizeof bin, "%s/server/bin/server",
                 ldlm_test_cache_dir());
    return bin;
}

void ldlm_test_require_server(void)
{
    const char *bin = ldlm_test_server_bin();
    if (access(bin, X_OK) == 0)
        return;

    char errfile[LDLM_TEST_PATH_LEN];
    snprintf(errfile, sizeof errfile, "%s/server/install-error.txt",
             ldlm_test_cache_dir());

    /* In CI a missing server is a failure: a skip there would hide that
       nothing ran. Skipping is for a developer's machine only. */
    const char *ci = getenv("CI");
    bool in_ci = ci && strcmp(ci, "true") == 0;
    fputs(in_ci ? "FAIL: LDLM server unavailable (CI=true, so this fails "
                  "rather than skips): "
                : "SKIP: LDLM server unavailable (a developer's machine "
                  "only; under CI=true this fails): ",
          stdout);
    FILE *f = fopen(errfile, "r");
    if (f) {
        /* The go error is a few lines; keep the SKIP line readable. */
        char line[1024];
        int lines = 0;
        while (lines < 10 && fgets(line, sizeof line, f)) {
            fputs(line, stdout);
            lines++;
        }
        if (lines > 0 && line[strlen(line) - 1] != '\n')
            fputc('\n', stdout);
        if (lines == 0)
            fprintf(stdout, "%s is empty\n", errfile);
        fclose(f);
    } else {
        fprintf(stdout,
                "%s is not an executable file (%s) and %s does not exist; "
                "run tests/harness/install-server.sh\n",
                bin, strerror(errno), errfile);
    }
    fflush(stdout);
    exit(in_ci ? 1 : LDLM_TEST_EXIT_SKIP);
}

/* ---- Setup --------------------------------------------------------------- */

/* Temp dirs must stay short: the IPC socket path must fit in sun_path. */
static const char *temp_root(void)
{
    const char *tmp = getenv("TMPDIR");
    if (tmp && tmp[0] == '/' && strlen(tmp) < 64)
        return tmp;
    return "/tmp";
}

static void format_address(ldlm_test_server *srv)
{
    if (strchr(srv->host, ':'))
        snprintf(srv->address, sizeof srv->address, "[%s]:%d", srv->host,
                 srv->port);
    else
        snprintf(srv->address, sizeof srv->address, "%s:%d", srv->host,
                 srv->port);
}

int ldlm_test_server_init_host(ldlm_test_server *srv, const char *host)
{
    memset(srv, 0, sizeof *srv);
    if (!host || !*host || strlen(host) >= sizeof srv->host) {
        harness_error("bad listen host");
        return -1;
    }
    snprintf(srv->host, sizeof srv->host, "%s", host);

    if (!format_path(srv->dir, sizeof srv->dir, "%s/ldlm-test.XXXXXX",
                     temp_root()))
        return -1;
    if (!mkdtemp(srv->dir)) {
        harness_error("mkdtemp %s: %s", srv->dir, strerror(errno));
        srv->dir[0] = '\0';
        return -1;
    }
    if (!format_path(srv->ipc_socket, sizeof srv->ipc_socket, "%s/ipc.sock",
                     srv->dir) ||
        !format_path(srv->log_file, sizeof srv->log_file, "%s/server.log",
                     srv->dir) ||
        !format_path(srv->state_file, sizeof srv->state_file, "%s/state.json",
                     srv->dir))
        return -1;
    return 0;
}

int ldlm_test_server_init(ldlm_test_server *srv)
{
    return ldlm_test_server_init_host(srv, "127.0.0.1");
}

static void free_flags(ldlm_test_server *srv)
{
    if (!srv->flags)
        return;
    for (char **f = srv->flags; *f; f++)
        free(*f);
    free(srv->flags);
    srv->flags = NULL;
}

static int copy_flags(ldlm_test_server *srv, const char *const *flags)
{
    size_t n = 0;
    while (flags && flags[n])
        n++;
    char **copy = calloc(n + 1, sizeof *copy);
    if (!copy)
        return -1;
    for (size_t i = 0; i < n; i++) {
        copy[i] = strdup(flags[i]);
        if (!copy[i]) {
            for (size_t j = 0; j < i; j++)
                free(copy[j]);
            free(copy);
            return -1;
        }
    }
    free_flags(srv);
    srv->flags = copy;
    return 0;
}

/* ---- Process state -------------------------------------------------------- */

static void describe_status(pid_t pid, int status)
{
    if (WIFEXITED(status))
        harness_error("server pid %ld exited with status %d", (long)pid,
                      WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        harness_error("server pid %ld was killed by signal %d", (long)pid,
                      WTERMSIG(status));
}

/*
 * Reaps the server if it has ended. Returns true if it is gone (srv->pid is
 * then 0), false if it still runs. `report` prints how it ended.
 */
static bool reap_if_ended(ldlm_test_server *srv, bool report)
{
    int status = 0;
    pid_t r;
    do {
        r = waitpid(srv->pid, &status, WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == 0)
        return false;
    if (r == srv->pid && report)
        describe_status(srv->pid, status);
    /* r < 0 (ECHILD): someone else reaped it; it is gone either way. */
    srv->pid = 0;
    return true;
}

static bool reap_within(ldlm_test_server *srv, int timeout_ms)
{
    int64_t deadline = ldlm_test_now_ms() + timeout_ms;
    while (!reap_if_ended(srv, false)) {
        if (ldlm_test_now_ms() >= deadline)
            return false;
        ldlm_test_sleep_ms(5);
    }
    return true;
}

bool ldlm_test_server_running(ldlm_test_server *srv)
{
    if (srv->pid <= 0)
        return false;
    return !reap_if_ended(srv, true);
}

char ldlm_test_process_state(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return '?';
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return '?';
    buf[n] = '\0';
    /* "pid (comm) S ...": comm may contain spaces or ')', take the last. */
    char *paren = strrchr(buf, ')');
    if (!paren || paren[1] != ' ' || paren[2] == '\0')
        return '?';
    return paren[2];
}

/* ---- Log -------------------------------------------------------------------- */

static char *read_file_from(const char *path, off_t offset)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < offset) {
        close(fd);
        return NULL;
    }
    size_t size = (size_t)(st.st_size - offset);
    char *buf = malloc(size + 1);
    size_t got = 0;
    if (buf) {
        while (got < size) {
            ssize_t n = pread(fd, buf + got, size - got, offset + (off_t)got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        buf[got] = '\0';
    }
    close(fd);
    return buf;
}

static off_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : 0;
}

void ldlm_test_server_print_log_tail(const ldlm_test_server *srv, int lines)
{
    char *text = read_file_from(srv->log_file, 0);
    if (!text) {
        harness_error("no server log at %s", srv->log_file);
        return;
    }
    size_t len = strlen(text);
    size_t start = len;
    int seen = 0;
    /* Walk back over `lines` newlines (ignoring a final one). */
    while (start > 0) {
        if (text[start - 1] == '\n' && start != len && ++seen >= lines)
            break;
        start--;
    }
    fprintf(stderr, "---- last %d lines of %s ----\n%s%s---- end of log ----\n",
            lines, srv->log_file, text + start,
            (len && text[len - 1] != '\n') ? "\n" : "");
    fflush(stderr);
    free(text);
}

/* ---- Start ------------------------------------------------------------------ */

/* Forks and execs the server; returns its pid or -1. */
static pid_t spawn_server(ldlm_test_server *srv)
{
    const char *bin = ldlm_test_server_bin();
    char listen[sizeof srv->address];
    snprintf(listen, sizeof listen, "%s", srv->address);

    size_t nflags = 0;
    while (srv->flags && srv->flags[nflags])
        nflags++;
    const char **argv = calloc(nflags + 8, sizeof *argv);
    if (!argv)
        return -1;
    size_t argc = 0;
    argv[argc++] = bin;
    argv[argc++] = "--listen_address";
    argv[argc++] = listen;
    argv[argc++] = "--ipc_socket_file";
    argv[argc++] = srv->ipc_socket;
    argv[argc++] = "--log_level";
    argv[argc++] = "info";
    for (size_t i = 0; i < nflags; i++)
        argv[argc++] = srv->flags[i];
    argv[argc] = NULL;

    /* A socket left by a killed server would make the new one fail. */
    if (unlink(srv->ipc_socket) != 0 && errno != ENOENT)
        harness_error("unlink %s: %s", srv->ipc_socket, strerror(errno));

    int logfd =
        open(srv->log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    int nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (logfd < 0 || nullfd < 0) {
        harness_error("open %s or /dev/null: %s", srv->log_file,
                      strerror(errno));
        if (logfd >= 0)
            close(logfd);
        if (nullfd >= 0)
            close(nullfd);
        free(argv);
        return -1;
    }
    dprintf(logfd, "==== harness: starting");
    for (size_t i = 0; i < argc; i++)
        dprintf(logfd, " %s", argv[i]);
    dprintf(logfd, "\n");

    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* Child of a possibly multi-threaded test: async-signal-safe only. */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigaction(SIGPIPE, &dfl, NULL);
        /* Never outlive the test, even if it crashes. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        if (dup2(nullfd, STDIN_FILENO) < 0 || dup2(logfd, STDOUT_FILENO) < 0 ||
            dup2(logfd, STDERR_FILENO) < 0)
            _exit(127);
        execv(bin, (char *const *)argv);
        static const char msg[] = "==== harness: exec of the server failed\n";
        ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        _exit(127);
    }
    int fork_errno = errno;
    close(logfd);
    close(nullfd);
    free(argv);
    if (pid < 0) {
        harness_error("fork: %s", strerror(fork_errno));
        return -1;
    }
    return pid;
}

enum ready_result { READY = 0, FAILED = -1, PORT_BUSY = 1 };

/*
 * Waits for the just-spawned server to accept TCP connections. The log
 * from `log_offset` on is what this start wrote.
 */
static enum ready_result wait_ready(ldlm_test_server *srv, off_t log_offset)
{
    int64_t deadline = ldlm_test_now_ms() + LDLM_TEST_START_TIMEOUT_MS;
    for (;;) {
        if (reap_if_ended(srv, true)) {
            char *text = read_file_from(srv->log_file, log_offset);
            bool busy = text && strstr(text, "address already in use");
            free(text);
            if (busy)
                return PORT_BUSY;
            harness_error("the server exited before accepting connections "
                          "on %s",
                          srv->address);
            ldlm_test_server_print_log_tail(srv, LOG_TAIL_LINES);
            return FAILED;
        }
        /* Our process must own the listener: the port may have a squatter. */
        if (ldlm_test_pid_listens_on(srv->pid, srv->port) &&
            ldlm_test_port_accepts(srv->host, srv->port))
            return READY;
        if (ldlm_test_now_ms() >= deadline) {
            harness_error("the server did not accept connections on %s "
                          "within %d ms",
                          srv->address, LDLM_TEST_START_TIMEOUT_MS);
            ldlm_test_server_print_log_tail(srv, LOG_TAIL_LINES);
            ldlm_test_server_kill9(srv);
            return FAILED;
        }
        ldlm_test_sleep_ms(20);
    }
}

/* Starts with the saved flags; picks a port unless one is already set. */
static int launch(ldlm_test_server *srv)
{
    bool fixed_port = srv->port > 0;
    int64_t busy_deadline = ldlm_test_now_ms() + BUSY_PORT_RETRY_MS;

    for (int attempt = 1;; attempt++) {
        if (!fixed_port) {
            int port = ldlm_test_free_port(srv->host);
            if (port < 0)
                return -1;
            srv->port = port;
        }
        format_address(srv);

        off_t log_offset = file_size(srv->log_file);
        pid_t pid = spawn_server(srv);
        if (pid < 0)
            return -1;
        srv->pid = pid;

        enum ready_result r = wait_ready(srv, log_offset);
        if (r == READY)
            return 0;
        if (r == FAILED)
            return -1;
        /* PORT_BUSY */
        if (!fixed_port && attempt < FRESH_PORT_ATTEMPTS) {
            harness_error("port %d was taken meanwhile, trying another",
                          srv->port);
            continue;
        }
        if (fixed_port && ldlm_test_now_ms() < busy_deadline) {
            ldlm_test_sleep_ms(200);
            continue;
        }
        harness_error("port %d stays busy, giving up", srv->port);
        ldlm_test_server_print_log_tail(srv, LOG_TAIL_LINES);
        return -1;
    }
}

int ldlm_test_server_start(ldlm_test_server *srv,
                           const char *const *extra_flags)
{
    if (!srv->dir[0] && ldlm_test_server_init(srv) != 0)
        return -1;
    if (srv->pid > 0 && ldlm_test_server_running(srv)) {
        harness_error("server pid %ld is already running", (long)srv->pid);
        return -1;
    }
    if (copy_flags(srv, extra_flags) != 0) {
        harness_error("out of memory");
        return -1;
    }
    return launch(srv);
}

int ldlm_test_server_restart(ldlm_test_server *srv)
{
    if (!srv->dir[0]) {
        harness_error("restart of a server that was never started");
        return -1;
    }
    if (srv->pid > 0)
        ldlm_test_server_stop(srv);
    return launch(srv);
}

/* ---- Stop, kill, pause --------------------------------------------------- */

int ldlm_test_server_stop(ldlm_test_server *srv)
{
    if (srv->pid <= 0)
        return -1;
    if (!ldlm_test_server_running(srv))
        return 0; /* it had ended on its own; how was printed */

    pid_t pid = srv->pid;
    kill(pid, SIGTERM);
    kill(pid, SIGCONT); /* a paused server handles SIGTERM only once resumed */
    if (reap_within(srv, LDLM_TEST_STOP_TIMEOUT_MS))
        return 0;
    harness_error("server pid %ld ignored SIGTERM for %d ms, sending SIGKILL",
                  (long)pid, LDLM_TEST_STOP_TIMEOUT_MS);
    return ldlm_test_server_kill9(srv);
}

int ldlm_test_server_kill9(ldlm_test_server *srv)
{
    if (srv->pid <= 0)
        return -1;
    pid_t pid = srv->pid;
    kill(pid, SIGKILL);
    if (reap_within(srv, LDLM_TEST_STOP_TIMEOUT_MS))
        return 0;
    harness_error("server pid %ld survived SIGKILL for %d ms", (long)pid,
                  LDLM_TEST_STOP_TIMEOUT_MS);
    return -1;
}

int ldlm_test_server_pause(ldlm_test_server *srv)
{
    if (!ldlm_test_server_running(srv)) {
        harness_error("pause: no running server");
        return -1;
    }
    if (kill(srv->pid, SIGSTOP) != 0) {
        harness_error("SIGSTOP %ld: %s", (long)srv->pid, strerror(errno));
        return -1;
    }
    int64_t deadline = ldlm_test_now_ms() + LDLM_TEST_STOP_TIMEOUT_MS;
    for (;;) {
        char state = ldlm_test_process_state(srv->pid);
        if (state == 'T' || state == 't')
            return 0;
        if (ldlm_test_now_ms() >= deadline) {
            harness_error("server pid %ld not stopped after SIGSTOP (state %c)",
                          (long)srv->pid, state);
            return -1;
        }
        ldlm_test_sleep_ms(2);
    }
}

int ldlm_test_server_resume(ldlm_test_server *srv)
{
    if (srv->pid <= 0) {
        harness_error("resume: no server");
        return -1;
    }
    if (kill(srv->pid, SIGCONT) != 0) {
        harness_error("SIGCONT %ld: %s", (long)srv->pid, strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- Cleanup ---------------------------------------------------------------- */

static int remove_entry(const char *path, const struct stat *st, int type,
                        struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    if (remove(path) != 0)
        harness_error("remove %s: %s", path, strerror(errno));
    return 0;
}

void ldlm_test_server_cleanup(ldlm_test_server *srv)
{
    if (srv->pid > 0)
        ldlm_test_server_stop(srv);
    if (srv->dir[0]) {
        nftw(srv->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        srv->dir[0] = '\0';
    }
    free_flags(srv);
}
