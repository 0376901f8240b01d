/* SPDX-License-Identifier: MIT */
/* libldlm behaviour that needs no server: argument checks, configuration
 * and TLS file errors, retries and bounds against a closed loopback port,
 * cancellation, fork detection, and clean teardown. */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "ldlm.h"

static char closed_address[64];

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A loopback port with nothing listening: bind, read the port, close. */
static int setup_closed_port(void **state)
{
    (void)state;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
        return -1;
    snprintf(closed_address, sizeof closed_address, "127.0.0.1:%d",
             ntohs(sa.sin_port));
    close(fd);
    return 0;
}

static ldlm_client *offline_client(int max_retries, int retry_delay_ms,
                                   int call_timeout_ms)
{
    ldlm_config c;
    ldlm_config_init(&c);
    c.address = closed_address;
    c.max_retries = max_retries;
    c.retry_delay_ms = retry_delay_ms;
    c.call_timeout_ms = call_timeout_ms;
    ldlm_client *client = NULL;
    assert_int_equal(ldlm_client_new(&c, &client), LDLM_OK);
    assert_non_null(client);
    return client;
}

static int count_threads(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static void version_matches_header(void **state)
{
    (void)state;
    assert_string_equal(ldlm_version(), LDLM_VERSION_STRING);
    assert_true(LDLM_VERSION_NUMBER >= 0x000100);
}

static void invalid_arguments_are_refused_before_any_call(void **state)
{
    (void)state;
    ldlm_client *client = offline_client(0, 0, 0);
    ldlm_handle *lock = (ldlm_handle *)1;
    assert_int_equal(ldlm_lock(client, "", NULL, &lock),
                     LDLM_ERR_INVALID_ARGUMENT);
    assert_null(lock);
    assert_int_equal(ldlm_lock(client, NULL, NULL, &lock),
                     LDLM_ERR_INVALID_ARGUMENT);
    assert_int_equal(ldlm_lock(client, "bad\xff", NULL, &lock),
                     LDLM_ERR_INVALID_ARGUMENT);
    assert_true(strstr(ldlm_last_error_message(), "UTF-8") != NULL);
    ldlm_lock_options neg = LDLM_LOCK_OPTIONS(.size = -1);
    assert_int_equal(ldlm_lock(client, "x", &neg, &lock),
                     LDLM_ERR_INVALID_LOCK_SIZE);
    ldlm_lock_options negt = LDLM_LOCK_OPTIONS(.lock_timeout_seconds = -1);
    assert_int_equal(ldlm_try_lock(client, "x", &negt, &lock),
                     LDLM_ERR_INVALID_ARGUMENT);
    ldlm_lock_options wait = LDLM_LOCK_OPTIONS(.wait_timeout_seconds = 3);
    assert_int_equal(ldlm_try_lock(client, "x", &wait, &lock),
                     LDLM_ERR_INVALID_ARGUMENT);
    assert_true(strstr(ldlm_last_error_message(), "try-lock") != NULL);
    assert_int_equal(ldlm_lock(client, "x", NULL, NULL),
                     LDLM_ERR_INVALID_ARGUMENT);
    assert_int_equal(ldlm_renew(client, "x", "k", 0, NULL),
                     LDLM_ERR_INVALID_ARGUMENT);
    assert_int_equal(ldlm_unlock(client, "x", "", NULL),
                     LDLM_ERR_INVALID_ARGUMENT);
    assert_int_equal(ldlm_lock(NULL, "x", NULL, &lock),
                     LDLM_ERR_INVALID_ARGUMENT);
    assert_int_equal(ldlm_handle_unlock(NULL), LDLM_ERR_INVALID_ARGUMENT);
    assert_null(ldlm_handle_key(NULL));
    assert_false(ldlm_handle_locked(NULL));
    ldlm_handle_free(NULL);
    ldlm_client_free(client);
    ldlm_client_free(NULL);
}

/* The ABI policy of ldlm.h: versioned structures carry their size. */
static void versioned_structures_are_checked(void **state)
{
    (void)state;
    ldlm_client *client = NULL;

    /* Not initialised: refused, not guessed. */
    ldlm_config zeroed;
    memset(&zeroed, 0, sizeof zeroed);
    assert_int_equal(ldlm_client_new(&zeroed, &client),
                     LDLM_ERR_INVALID_ARGUMENT);
    assert_null(client);
    assert_non_null(strstr(ldlm_last_error_message(), "not initialised"));

    /* Smaller than the first release's layout: refused. */
    ldlm_config tiny = LDLM_CONFIG(.address = closed_address);
    tiny.struct_size = sizeof(size_t) + sizeof(const char *);
    assert_int_equal(ldlm_client_new(&tiny, &client),
                     LDLM_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(ldlm_last_error_message(), "struct_size"));

    /* The initialiser and the init function agree. */
    ldlm_config by_macro = LDLM_CONFIG();
    ldlm_config by_function;
    ldlm_config_init(&by_function);
    assert_int_equal(by_macro.struct_size, sizeof(ldlm_config));
    assert_int_equal(by_function.struct_size, sizeof(ldlm_config));

    /* A caller built with a newer, larger layout: what we know is read,
     * the rest ignored. */
    struct {
        ldlm_config known;
        int newer_member;
    } newer;
    memset(&newer, 0, sizeof newer);
    ldlm_config_init(&newer.known);
    newer.known.struct_size = sizeof newer;
    newer.known.address = closed_address;
    newer.newer_member = 42;
    assert_int_equal(ldlm_client_new(&newer.known, &client), LDLM_OK);

    ldlm_handle *lock = NULL;
    ldlm_lock_options unset;
    memset(&unset, 0, sizeof unset);
    unset.size = 2;
    assert_int_equal(ldlm_try_lock(client, "x", &unset, &lock),
                     LDLM_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(ldlm_last_error_message(), "ldlm_lock_options"));
    assert_null(lock);
    ldlm_lock_options set;
    ldlm_lock_options_init(&set);
    assert_int_equal(set.struct_size, sizeof(ldlm_lock_options));
    assert_int_equal(set.size, 0);
    /* Initialised: it gets past the checks to the (closed) server. */
    assert_int_equal(ldlm_try_lock(client, "x", &set, &lock),
                     LDLM_ERR_UNAVAILABLE);
    ldlm_client_free(client);
}

static void bad_configurations_are_refused(void **state)
{
    (void)state;
    ldlm_client *client = NULL;
    ldlm_config c;
    ldlm_config_init(&c);
    c.max_retries = -1;
    assert_int_equal(ldlm_client_new(&c, &client), LDLM_ERR_INVALID_ARGUMENT);
    ldlm_config_init(&c);
    c.address = "::1:3144";
    assert_int_equal(ldlm_client_new(&c, &client), LDLM_ERR_INVALID_ARGUMENT);
    ldlm_config_init(&c);
    c.password = "two\nlines";
    assert_int_equal(ldlm_client_new(&c, &client), LDLM_ERR_INVALID_ARGUMENT);
    ldlm_config_init(&c);
    c.ca_file = "/etc/hostname"; /* TLS setting without use_tls */
    assert_int_equal(ldlm_client_new(&c, &client), LDLM_ERR_INVALID_ARGUMENT);
    ldlm_config_init(&c);
    c.use_tls = true;
    c.tls_cert = "/x.pem"; /* cert without key */
    assert_int_equal(ldlm_client_new(&c, &client), LDLM_ERR_INVALID_ARGUMENT);
    ldlm_channel_arg bad = {.name = NULL};
    ldlm_config_init(&c);
    c.channel_args = &bad;
    c.channel_args_count = 1;
    assert_int_equal(ldlm_client_new(&c, &client), LDLM_ERR_INVALID_ARGUMENT);
    assert_null(client);
    assert_int_equal(ldlm_client_new(&c, NULL), LDLM_ERR_INVALID_ARGUMENT);
}

/* Writes a fresh self-signed certificate and its key (and an unrelated
 * second key) into dir. */
static void write_test_pki(const char *dir)
{
    EVP_PKEY *key = EVP_RSA_gen(2048), *other = EVP_RSA_gen(2048);
    assert_non_null(key);
    assert_non_null(other);
    X509 *cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                               (const unsigned char *)"test", -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(cert));
    assert_true(X509_sign(cert, key, EVP_sha256()) > 0);
    char path[512];
    FILE *f;
    snprintf(path, sizeof path, "%s/cert.pem", dir);
    assert_non_null(f = fopen(path, "w"));
    PEM_write_X509(f, cert);
    fclose(f);
    snprintf(path, sizeof path, "%s/key.pem", dir);
    assert_non_null(f = fopen(path, "w"));
    PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
    fclose(f);
    snprintf(path, sizeof path, "%s/other-key.pem", dir);
    assert_non_null(f = fopen(path, "w"));
    PEM_write_PrivateKey(f, other, NULL, NULL, 0, NULL, NULL);
    fclose(f);
    snprintf(path, sizeof path, "%s/garbage.pem", dir);
    assert_non_null(f = fopen(path, "w"));
    fputs("not a certificate\n", f);
    fclose(f);
    X509_free(cert);
    EVP_PKEY_free(key);
    EVP_PKEY_free(other);
}

static ldlm_err tls_client(const char *ca, const char *cert, const char *key,
                           bool skip_verify)
{
    ldlm_config c;
    ldlm_config_init(&c);
    c.address = closed_address;
    c.use_tls = true;
    c.ca_file = ca;
    c.tls_cert = cert;
    c.tls_key = key;
    c.skip_verify = skip_verify;
    ldlm_client *client = NULL;
    ldlm_err err = ldlm_client_new(&c, &client);
    ldlm_client_free(client);
    return err;
}

static void tls_files_are_checked_at_creation(void **state)
{
    (void)state;
    char dir[] = "/tmp/ldlm-unit-tls-XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_test_pki(dir);
    char cert[600], key[600], other[600], garbage[600], missing[600];
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    snprintf(other, sizeof other, "%s/other-key.pem", dir);
    snprintf(garbage, sizeof garbage, "%s/garbage.pem", dir);
    snprintf(missing, sizeof missing, "%s/missing.pem", dir);

    assert_int_equal(tls_client(cert, NULL, NULL, false), LDLM_OK);
    assert_int_equal(tls_client(cert, cert, key, false), LDLM_OK);
    assert_int_equal(tls_client(NULL, cert, key, true), LDLM_OK);
    assert_int_equal(tls_client(NULL, NULL, NULL, true), LDLM_OK);

    assert_int_equal(tls_client(missing, NULL, NULL, false), LDLM_ERR_TLS_FILE);
    assert_true(strstr(ldlm_last_error_message(), missing) != NULL);
    assert_int_equal(tls_client(garbage, NULL, NULL, false), LDLM_ERR_TLS_FILE);
    assert_true(strstr(ldlm_last_error_message(), "not a PEM certificate") !=
                NULL);
    assert_int_equal(tls_client(cert, garbage, key, false), LDLM_ERR_TLS_FILE);
    assert_int_equal(tls_client(cert, cert, garbage, false), LDLM_ERR_TLS_FILE);
    assert_true(strstr(ldlm_last_error_message(), "private key") != NULL);
    assert_int_equal(tls_client(cert, cert, other, false), LDLM_ERR_TLS_FILE);
    assert_true(strstr(ldlm_last_error_message(), "does not match") != NULL);
    assert_int_equal(tls_client(NULL, cert, missing, true), LDLM_ERR_TLS_FILE);

    const char *names[] = {"cert.pem", "key.pem", "other-key.pem",
                           "garbage.pem"};
    for (size_t i = 0; i < 4; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
}

static void unreachable_server_fails_fast_without_retries(void **state)
{
    (void)state;
    ldlm_client *client = offline_client(0, 0, 0);
    ldlm_handle *lock = NULL;
    double t0 = now_s();
    assert_int_equal(ldlm_try_lock(client, "x", NULL, &lock),
                     LDLM_ERR_UNAVAILABLE);
    assert_true(now_s() - t0 < 5.0);
    assert_null(lock);
    assert_true(strlen(ldlm_last_error_message()) > 0);
    bool unlocked = true;
    assert_int_equal(ldlm_unlock(client, "x", "k", &unlocked),
                     LDLM_ERR_UNAVAILABLE);
    assert_false(unlocked);
    ldlm_client_free(client);
}

static void retries_wait_between_attempts(void **state)
{
    (void)state;
    /* 3 retries 300 ms apart: at least 0.9 s spent, and bounded. */
    ldlm_client *client = offline_client(3, 300, 0);
    ldlm_handle *lock = NULL;
    double t0 = now_s();
    assert_int_equal(ldlm_lock(client, "x", NULL, &lock), LDLM_ERR_UNAVAILABLE);
    double took = now_s() - t0;
    assert_true(took >= 0.85); /* 3 pauses of 300 ms, ms-rounded */
    assert_true(took < 10.0);
    ldlm_client_free(client);
}

static void call_timeout_bounds_retries(void **state)
{
    (void)state;
    /* Ten retries 1 s apart would take 10 s; the 1.5 s bound wins. */
    ldlm_client *client = offline_client(10, 1000, 1500);
    ldlm_handle *lock = NULL;
    double t0 = now_s();
    ldlm_err err = ldlm_lock(client, "x", NULL, &lock);
    double took = now_s() - t0;
    assert_true(err == LDLM_ERR_UNAVAILABLE || err == LDLM_ERR_DEADLINE);
    assert_true(took < 3.0);
    ldlm_client_free(client);
}

typedef struct {
    ldlm_client *client;
    ldlm_err result;
    double took;
} blocked_call;

static void *lock_in_thread(void *arg)
{
    blocked_call *b = arg;
    ldlm_handle *lock = NULL;
    double t0 = now_s();
    b->result = ldlm_lock(b->client, "x", NULL, &lock);
    b->took = now_s() - t0;
    ldlm_handle_free(lock);
    return NULL;
}

static void cancel_interrupts_a_retrying_call(void **state)
{
    (void)state;
    /* A call retrying every 5 s for a minute; cancel must end it at once. */
    blocked_call b = {offline_client(12, 5000, 0), LDLM_OK, 0};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, lock_in_thread, &b), 0);
    /* Let the first attempt fail so the thread is in its retry pause; the
     * outcome does not depend on it (a cancel before the call also ends it). */
    struct timespec pause = {0, 300 * 1000000L};
    nanosleep(&pause, NULL);
    double t0 = now_s();
    ldlm_client_cancel(b.client);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_true(now_s() - t0 < 2.0);
    assert_int_equal(b.result, LDLM_ERR_CANCELLED);
    ldlm_handle *lock = NULL;
    assert_int_equal(ldlm_try_lock(b.client, "y", NULL, &lock),
                     LDLM_ERR_CANCELLED);
    ldlm_client_free(b.client);
}

static void forked_child_is_refused_and_parent_unharmed(void **state)
{
    (void)state;
    ldlm_client *client = offline_client(0, 0, 0);
    ldlm_handle *lock = NULL;
    assert_int_equal(ldlm_try_lock(client, "x", NULL, &lock),
                     LDLM_ERR_UNAVAILABLE);
    /* The child reports through a pipe, not its exit status: memory
     * checkers count the parent state it deliberately abandons as leaks. */
    int report[2];
    assert_int_equal(pipe(report), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(report[0]);
        ldlm_handle *l = NULL;
        char ok = ldlm_try_lock(client, "x", NULL, &l) == LDLM_ERR_FORKED &&
                  strstr(ldlm_last_error_message(), "fork") != NULL &&
                  ldlm_unlock(client, "x", "k", NULL) == LDLM_ERR_FORKED;
        ldlm_client_free(client); /* memory only: must not touch gRPC */
        ok = ok ? 'Y' : 'N';
        if (write(report[1], &ok, 1) != 1)
            _exit(2);
        _exit(0);
    }
    close(report[1]);
    char verdict = 0;
    assert_int_equal(read(report[0], &verdict, 1), 1);
    close(report[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(verdict, 'Y');
    /* The parent's client still works (fails the same honest way). */
    assert_int_equal(ldlm_try_lock(client, "x", NULL, &lock),
                     LDLM_ERR_UNAVAILABLE);
    ldlm_client_free(client);
}

static void freeing_clients_leaves_no_threads(void **state)
{
    (void)state;
    /* Warm gRPC up once: its first init starts process-wide threads. */
    ldlm_client_free(offline_client(0, 0, 0));
    int before = count_threads();
    for (int i = 0; i < 20; i++) {
        ldlm_client *client = offline_client(0, 0, 0);
        ldlm_handle *lock = NULL;
        assert_int_equal(ldlm_try_lock(client, "x", NULL, &lock),
                         LDLM_ERR_UNAVAILABLE);
        ldlm_client_free(client);
    }
    /* gRPC shuts its executor threads down asynchronously; give it a
     * bounded moment by polling the count. */
    int after = count_threads();
    for (int i = 0; i < 50 && after > before; i++) {
        struct timespec pause = {0, 100 * 1000000L};
        nanosleep(&pause, NULL);
        after = count_threads();
    }
    assert_true(after <= before);
}

typedef struct {
    pthread_mutex_t mutex;
    int retry_lines;
} log_capture;

static void capture_log(ldlm_log_level level, const char *message, void *ud)
{
    log_capture *cap = ud;
    pthread_mutex_lock(&cap->mutex);
    if (level == LDLM_LOG_INFO && strstr(message, "unavailable, retry 1 of 1"))
        cap->retry_lines++;
    pthread_mutex_unlock(&cap->mutex);
}

static void log_handler_receives_library_diagnostics(void **state)
{
    (void)state;
    log_capture cap = {PTHREAD_MUTEX_INITIALIZER, 0};
    ldlm_set_log_handler(capture_log, LDLM_LOG_INFO, &cap);
    ldlm_client *client = offline_client(1, 50, 0);
    ldlm_handle *lock = NULL;
    assert_int_equal(ldlm_try_lock(client, "x", NULL, &lock),
                     LDLM_ERR_UNAVAILABLE);
    ldlm_client_free(client);
    ldlm_set_log_handler(NULL, LDLM_LOG_ERROR, NULL);
    assert_int_equal(cap.retry_lines, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_matches_header),
        cmocka_unit_test(invalid_arguments_are_refused_before_any_call),
        cmocka_unit_test(versioned_structures_are_checked),
        cmocka_unit_test(bad_configurations_are_refused),
        cmocka_unit_test(tls_files_are_checked_at_creation),
        cmocka_unit_test(unreachable_server_fails_fast_without_retries),
        cmocka_unit_test(retries_wait_between_attempts),
        cmocka_unit_test(call_timeout_bounds_retries),
        cmocka_unit_test(cancel_interrupts_a_retrying_call),
        cmocka_unit_test(forked_child_is_refused_and_parent_unharmed),
        cmocka_unit_test(freeing_clients_leaves_no_threads),
        cmocka_unit_test(log_handler_receives_library_diagnostics),
    };
    return cmocka_run_group_tests_name("libldlm without a server", tests,
                                       setup_closed_port, NULL);
}
