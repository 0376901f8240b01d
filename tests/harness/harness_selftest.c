/* SPDX-License-Identifier: MIT */
/*
 * harness_selftest.c - checks of the test harness itself that need no LDLM
 * server: port picking, the SKIP rule, start failures, process states,
 * TLS material (verified with openssl verify) and the bounded waits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ldlm_test_server.h"

/* ---- helpers ----------------------------------------------------------------- */

/* Runs argv (stdout+stderr to /dev/null); returns its exit status or -1. */
static int run_quietly(const char *const argv[])
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        FILE *null = freopen("/dev/null", "w", stdout);
        (void)null;
        if (dup2(STDOUT_FILENO, STDERR_FILENO) < 0)
            _exit(126);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A private scratch dir for one test. */
static char *scratch_dir(void)
{
    char *dir = strdup("/tmp/ldlm-harness-selftest.XXXXXX");
    assert_non_null(dir);
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void remove_tree(const char *dir)
{
    const char *argv[] = {"rm", "-rf", dir, NULL};
    assert_int_equal(run_quietly(argv), 0);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/*
 * Runs ldlm_test_require_server() in a child with the given environment and
 * returns its exit status; its stdout goes to `out` (NUL-terminated).
 */
static int require_in_child(const char *server_bin, const char *cache,
                            const char *ci, char *out, size_t out_size)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        if (dup2(fds[1], STDOUT_FILENO) < 0)
            _exit(126);
        setenv("LDLM_SERVER_BIN", server_bin, 1);
        setenv("LDLM_TEST_CACHE", cache, 1);
        if (ci)
            setenv("CI", ci, 1);
        else
            unsetenv("CI");
        ldlm_test_require_server();
        fflush(stdout);
        _exit(0);
    }
    close(fds[1]);
    size_t got = 0;
    for (;;) {
        ssize_t n = read(fds[0], out + got, out_size - 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
        if (got == out_size - 1)
            break;
    }
    out[got] = '\0';
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* ---- ports ------------------------------------------------------------------------ */

static void test_free_port_is_bindable(void **state)
{
    (void)state;
    int port = ldlm_test_free_port("127.0.0.1");
    assert_in_range(port, 1, 65535);

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    assert_int_equal(listen(fd, 4), 0);
    /* Listening: accepts; the harness's readiness probe sees it. */
    assert_true(ldlm_test_port_accepts("127.0.0.1", port));
    /* ...and knows which process listens: this one, not our parent. */
    assert_true(ldlm_test_pid_listens_on(getpid(), port));
    assert_false(ldlm_test_pid_listens_on(getppid(), port));
    close(fd);
    /* Closed: refused, and nobody listens. */
    assert_false(ldlm_test_port_accepts("127.0.0.1", port));
    assert_false(ldlm_test_pid_listens_on(getpid(), port));

    assert_int_equal(ldlm_test_free_port("not-an-address"), -1);
}

static void test_free_port_ipv6_when_available(void **state)
{
    (void)state;
    if (!ldlm_test_have_ipv6_loopback())
        skip();
    int port = ldlm_test_free_port("::1");
    assert_in_range(port, 1, 65535);

    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in6 addr = {.sin6_family = AF_INET6,
                                .sin6_port = htons((uint16_t)port),
                                .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_true(ldlm_test_port_accepts("::1", port));
    assert_true(ldlm_test_pid_listens_on(getpid(), port));
    close(fd);
    assert_false(ldlm_test_port_accepts("::1", port));
}

/* ---- the SKIP rule ------------------------------------------------------------------ */

static void test_require_skips_with_install_error(void **state)
{
    (void)state;
    char *cache = scratch_dir();
    char path[512], out[4096];
    snprintf(path, sizeof path, "%s/server", cache);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/server/install-error.txt", cache);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("go: example/server@v9: 403 Forbidden\n\tserver response: nope\n", f);
    fclose(f);

    int rc = require_in_child("/nonexistent", cache, NULL, out, sizeof out);
    assert_int_equal(rc, LDLM_TEST_EXIT_SKIP);
    assert_string_equal(out, "SKIP: LDLM server unavailable (a developer's "
                             "machine only; under CI=true this fails): go: "
                             "example/server@v9: 403 Forbidden\n"
                             "\tserver response: nope\n");

    /* CI must never pass for want of a server: the same case fails. */
    rc = require_in_child("/nonexistent", cache, "true", out, sizeof out);
    assert_int_equal(rc, 1);
    assert_string_equal(out, "FAIL: LDLM server unavailable (CI=true, so "
                             "this fails rather than skips): go: "
                             "example/server@v9: 403 Forbidden\n"
                             "\tserver response: nope\n");
    remove_tree(cache);
    free(cache);
}

static void test_require_skips_without_install_error(void **state)
{
    (void)state;
    char *cache = scratch_dir();
    char out[4096];
    int rc = require_in_child("/nonexistent", cache, NULL, out, sizeof out);
    assert_int_equal(rc, LDLM_TEST_EXIT_SKIP);
    assert_non_null(strstr(out, "SKIP: LDLM server unavailable "));
    assert_non_null(strstr(out, "/nonexistent"));
    remove_tree(cache);
    free(cache);
}

static void test_require_passes_with_executable(void **state)
{
    (void)state;
    char out[4096];
    /* Any executable passes the check; nothing is run. */
    int rc = require_in_child("/bin/sh", "/nonexistent-cache", NULL, out,
                              sizeof out);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "");
}

static void test_server_bin_defaults_to_cache(void **state)
{
    (void)state;
    char *saved_bin =
        getenv("LDLM_SERVER_BIN") ? strdup(getenv("LDLM_SERVER_BIN")) : NULL;
    char *saved_cache =
        getenv("LDLM_TEST_CACHE") ? strdup(getenv("LDLM_TEST_CACHE")) : NULL;

    unsetenv("LDLM_SERVER_BIN");
    setenv("LDLM_TEST_CACHE", "/some/cache", 1);
    assert_string_equal(ldlm_test_server_bin(),
                        "/some/cache/server/bin/server");
    setenv("LDLM_SERVER_BIN", "/opt/ldlm/server", 1);
    assert_string_equal(ldlm_test_server_bin(), "/opt/ldlm/server");

    if (saved_bin)
        setenv("LDLM_SERVER_BIN", saved_bin, 1);
    else
        unsetenv("LDLM_SERVER_BIN");
    if (saved_cache)
        setenv("LDLM_TEST_CACHE", saved_cache, 1);
    else
        unsetenv("LDLM_TEST_CACHE");
    free(saved_bin);
    free(saved_cache);
}

/* ---- start failures and cleanup --------------------------------------------------- */

/* A "server" that exits at once must make start fail fast, not hang. */
static void check_start_fails_with(const char *bin)
{
    char *saved =
        getenv("LDLM_SERVER_BIN") ? strdup(getenv("LDLM_SERVER_BIN")) : NULL;
    setenv("LDLM_SERVER_BIN", bin, 1);

    ldlm_test_server srv;
    assert_int_equal(ldlm_test_server_init(&srv), 0);
    assert_true(exists(srv.dir));
    assert_true(strlen(srv.ipc_socket) < 108); /* fits in sun_path */
    const char *flags[] = {"--password", "x", NULL};
    int64_t start = ldlm_test_now_ms();
    assert_int_equal(ldlm_test_server_start(&srv, flags), -1);
    assert_true(ldlm_test_now_ms() - start < LDLM_TEST_START_TIMEOUT_MS);
    assert_int_equal(srv.pid, 0);
    assert_false(ldlm_test_server_running(&srv));
    /* It tried a port and logged the command line. */
    assert_in_range(srv.port, 1, 65535);
    assert_true(exists(srv.log_file));
    assert_int_equal(ldlm_test_server_stop(&srv), -1);

    char dir[LDLM_TEST_PATH_LEN];
    snprintf(dir, sizeof dir, "%s", srv.dir);
    ldlm_test_server_cleanup(&srv);
    assert_false(exists(dir));

    if (saved)
        setenv("LDLM_SERVER_BIN", saved, 1);
    else
        unsetenv("LDLM_SERVER_BIN");
    free(saved);
}

static void test_start_fails_when_server_exits(void **state)
{
    (void)state;
    check_start_fails_with("/bin/false");
}

static void test_start_fails_when_exec_fails(void **state)
{
    (void)state;
    check_start_fails_with("/nonexistent/server");
}

static void test_init_host_formats_ipv6_address(void **state)
{
    (void)state;
    ldlm_test_server srv;
    assert_int_equal(ldlm_test_server_init_host(&srv, "::1"), 0);
    assert_string_equal(srv.host, "::1");
    ldlm_test_server_cleanup(&srv);
    assert_int_equal(ldlm_test_server_init_host(&srv, ""), -1);
}

/* ---- process states ----------------------------------------------------------------- */

static void test_process_states(void **state)
{
    (void)state;
    assert_true(ldlm_test_process_state(getpid()) == 'R');

    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* Block until the parent closes the pipe. */
        char c;
        close(fds[1]);
        ssize_t n = read(fds[0], &c, 1);
        _exit(n == 0 ? 0 : 1);
    }
    close(fds[0]);

    assert_int_equal(kill(pid, SIGSTOP), 0);
    int64_t deadline = ldlm_test_now_ms() + 10000;
    while (ldlm_test_process_state(pid) != 'T' && ldlm_test_now_ms() < deadline)
        ldlm_test_sleep_ms(2);
    assert_int_equal(ldlm_test_process_state(pid), 'T');
    assert_int_equal(kill(pid, SIGCONT), 0);

    close(fds[1]); /* the child reads EOF and exits */
    deadline = ldlm_test_now_ms() + 10000;
    while (ldlm_test_process_state(pid) != 'Z' && ldlm_test_now_ms() < deadline)
        ldlm_test_sleep_ms(2);
    assert_int_equal(ldlm_test_process_state(pid), 'Z');

    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(ldlm_test_process_state(pid), '?');
}

/* ---- TLS material ------------------------------------------------------------------- */

/*
 * `openssl verify -CAfile ca OPTIONS... cert`, quietly: the options follow
 * cert in the call, ended by NULL. Returns its exit status.
 */
static int verify_cert(const char *ca, const char *cert, ...)
{
    const char *argv[16] = {"openssl", "verify", "-CAfile", ca};
    size_t n = 4;
    va_list ap;
    va_start(ap, cert);
    for (const char *o; (o = va_arg(ap, const char *)) != NULL;) {
        assert_true(n < 14); /* room for cert and the NULL */
        argv[n++] = o;
    }
    va_end(ap);
    argv[n++] = cert;
    argv[n] = NULL;
    return run_quietly(argv);
}

static void test_certs_verify(void **state)
{
    (void)state;
    char *dir = scratch_dir();
    char certdir[512];
    snprintf(certdir, sizeof certdir, "%s/certs", dir);
    ldlm_test_certs c;
    assert_int_equal(ldlm_test_make_certs(certdir, &c), 0);
    assert_string_equal(c.dir, certdir);

    /* The server certificate: right CA, right IP and host names. */
    assert_int_equal(verify_cert(c.ca_cert, c.server_cert, "-purpose",
                                 "sslserver", "-verify_ip", "127.0.0.1", NULL),
                     0);
    assert_int_equal(
        verify_cert(c.ca_cert, c.server_cert, "-verify_ip", "::1", NULL), 0);
    assert_int_equal(verify_cert(c.ca_cert, c.server_cert, "-verify_hostname",
                                 "localhost", NULL),
                     0);

    /* The wrong-name certificate: good chain, wrong name. */
    assert_int_equal(verify_cert(c.ca_cert, c.wrong_name_cert, NULL), 0);
    assert_int_not_equal(verify_cert(c.ca_cert, c.wrong_name_cert, "-verify_ip",
                                     "127.0.0.1", NULL),
                         0);
    assert_int_equal(verify_cert(c.ca_cert, c.wrong_name_cert,
                                 "-verify_hostname", "wrong.example", NULL),
                     0);

    /* The other CA vouches for none of ours. */
    assert_int_not_equal(verify_cert(c.other_ca_cert, c.server_cert, NULL), 0);

    /* The client certificate: our CA, for client use only. */
    assert_int_equal(
        verify_cert(c.ca_cert, c.client_cert, "-purpose", "sslclient", NULL),
        0);
    assert_int_not_equal(
        verify_cert(c.ca_cert, c.client_cert, "-purpose", "sslserver", NULL),
        0);

    /* Each key matches its certificate. */
    const char *pairs[][2] = {{c.server_cert, c.server_key},
                              {c.wrong_name_cert, c.wrong_name_key},
                              {c.client_cert, c.client_key}};
    for (size_t i = 0; i < 3; i++) {
        char cmd[2048];
        snprintf(cmd, sizeof cmd,
                 "test \"$(openssl x509 -in '%s' -noout -pubkey)\" = "
                 "\"$(openssl pkey -in '%s' -pubout)\"",
                 pairs[i][0], pairs[i][1]);
        const char *sh[] = {"/bin/sh", "-c", cmd, NULL};
        assert_int_equal(run_quietly(sh), 0);
    }

    remove_tree(dir);
    free(dir);
}

/* ---- waits -------------------------------------------------------------------------- */

static void *signal_twice(void *arg)
{
    ldlm_test_event *ev = arg;
    ldlm_test_event_signal(ev);
    ldlm_test_event_signal(ev);
    return (void *)0x1;
}

static void test_event_and_join(void **state)
{
    (void)state;
    ldlm_test_event ev;
    ldlm_test_event_init(&ev);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, signal_twice, &ev), 0);
    assert_true(ldlm_test_event_wait(&ev, 2, 10000));
    void *ret = NULL;
    assert_true(ldlm_test_join(t, 10000, &ret));
    assert_ptr_equal(ret, (void *)0x1);
    assert_int_equal(ldlm_test_event_count(&ev), 2);

    /* A count never reached: false after about the timeout. */
    int64_t start = ldlm_test_now_ms();
    assert_false(ldlm_test_event_wait(&ev, 3, 200));
    int64_t waited = ldlm_test_now_ms() - start;
    assert_in_range(waited, 190, 5000);
    ldlm_test_event_destroy(&ev);
}

static void *wait_for_release(void *arg)
{
    ldlm_test_event *ev = arg;
    ldlm_test_event_wait(ev, 1, 30000);
    return NULL;
}

static void test_join_times_out(void **state)
{
    (void)state;
    ldlm_test_event ev;
    ldlm_test_event_init(&ev);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, wait_for_release, &ev), 0);
    int64_t start = ldlm_test_now_ms();
    assert_false(ldlm_test_join(t, 150, NULL));
    assert_in_range(ldlm_test_now_ms() - start, 140, 5000);
    ldlm_test_event_signal(&ev);
    assert_true(ldlm_test_join(t, 10000, NULL));
    ldlm_test_event_destroy(&ev);
}

static bool counter_reaches_three(void *arg)
{
    int *n = arg;
    return ++*n >= 3;
}

static bool never(void *arg)
{
    (void)arg;
    return false;
}

static void test_wait_until(void **state)
{
    (void)state;
    int n = 0;
    assert_true(ldlm_test_wait_until(counter_reaches_three, &n, 5000, 1));
    assert_int_equal(n, 3);

    int64_t start = ldlm_test_now_ms();
    assert_false(ldlm_test_wait_until(never, NULL, 120, 10));
    assert_in_range(ldlm_test_now_ms() - start, 115, 5000);

    /* The monotonic clock moves forward with sleeps. */
    int64_t t0 = ldlm_test_now_ms();
    ldlm_test_sleep_ms(30);
    assert_true(ldlm_test_now_ms() - t0 >= 29);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_port_is_bindable),
        cmocka_unit_test(test_free_port_ipv6_when_available),
        cmocka_unit_test(test_require_skips_with_install_error),
        cmocka_unit_test(test_require_skips_without_install_error),
        cmocka_unit_test(test_require_passes_with_executable),
        cmocka_unit_test(test_server_bin_defaults_to_cache),
        cmocka_unit_test(test_start_fails_when_server_exits),
        cmocka_unit_test(test_start_fails_when_exec_fails),
        cmocka_unit_test(test_init_host_formats_ipv6_address),
        cmocka_unit_test(test_process_states),
        cmocka_unit_test(test_certs_verify),
        cmocka_unit_test(test_event_and_join),
        cmocka_unit_test(test_join_times_out),
        cmocka_unit_test(test_wait_until),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
