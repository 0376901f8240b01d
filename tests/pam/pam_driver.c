/* SPDX-License-Identifier: MIT */
/*
 * pam_driver - plays the part of a login program (sshd, login, cron...) for
 * the pam_ldlm tests. One process is one login, like one host would have.
 *
 *   pam_driver [options] SERVICE USER
 *
 * It runs pam_start(SERVICE, USER), pam_acct_mgmt, pam_open_session, and
 * reports on stdout, one line each (flushed at once, so a test can wait for
 * them):
 *   CONV <ERROR_MSG|TEXT_INFO|...> <text>   a message of the conversation
 *   ACCOUNT <PAM_CODE> <milliseconds>
 *   OPEN_SESSION <PAM_CODE> <milliseconds>
 *   HOLDING <pid>                            with --hold, session is open
 *   CHILD_END <PAM_CODE>                     with --fork-end
 *   CLOSE_SESSION <PAM_CODE> <milliseconds>
 *   END <PAM_CODE>
 * With --hold it then waits for a line on stdin, end of file, or SIGTERM /
 * SIGINT / SIGHUP before closing the session.
 *
 * The system log is opened with LOG_PERROR: every syslog line of the module
 * (and of libpam) is copied to stderr, where tests look for them.
 *
 * Options:
 *   --rhost HOST       set PAM_RHOST
 *   --no-account       skip pam_acct_mgmt
 *   --no-session       skip pam_open_session / pam_close_session
 *   --silent           pass PAM_SILENT to every call
 *   --hold             keep the session open until told (see above)
 *   --fork-end MODE    after opening, fork a child that calls pam_end() and
 *                      exits, as login programs do before exec: MODE
 *                      "silent" passes PAM_DATA_SILENT, "plain" does not
 *   --session-user U   set PAM_USER to U after the account phase, before
 *                      the session opens (as sudo does: account of the
 *                      invoking user, session of the target user)
 *   --no-user          pam_start with no user (USER is then "-"): a
 *                      module that prompted for one would show up as a
 *                      CONV PROMPT_* line
 *   --report-env NAME  after opening, report the PAM environment variable
 *                      NAME: "ENV NAME VALUE" ("ENV NAME -" when unset)
 *   --exec-close NAME  after opening, fork a child that executes this
 *                      program with --close-with-env NAME=VALUE (VALUE from
 *                      the PAM environment), as a process that closes a
 *                      session it did not open; reports CHILD_CLOSE
 *                      <PAM_SUCCESS|PAM_OTHER> (its exit status); the
 *                      child's own report lines go to stderr
 *   --end-silent       after opening, pam_end(PAM_DATA_SILENT) without a
 *                      close, as a daemon handing its session over;
 *                      reports END_SILENT <PAM_CODE>, then holds (with
 *                      --hold) and exits without any other PAM call
 *   --account-in-child the account phase runs in a forked child, as
 *                      OpenSSH runs it for keyboard-interactive logins: the
 *                      child reports ACCOUNT, sends its PAM environment
 *                      back (the parent pam_putenv()s it, as sshd does),
 *                      and stays alive until the session has opened; then
 *                      it exits without pam_end and CHILD_EXIT <status> is
 *                      reported
 *   --close-with-env NAME=VALUE
 *                      only pam_start, pam_putenv(NAME=VALUE),
 *                      pam_close_session and pam_end: a fresh transaction
 *                      that closes a session by what the environment says
 *
 * Exit status: 0 if every PAM call returned PAM_SUCCESS, 1 if one did not,
 * 2 on usage errors or when pam_start fails.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "pam_host.h"

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static const char *style_name(int style)
{
    switch (style) {
    case PAM_ERROR_MSG:
        return "ERROR_MSG";
    case PAM_TEXT_INFO:
        return "TEXT_INFO";
    case PAM_PROMPT_ECHO_ON:
        return "PROMPT_ECHO_ON";
    case PAM_PROMPT_ECHO_OFF:
        return "PROMPT_ECHO_OFF";
    default:
        return "OTHER";
    }
}

/* Prints one CONV line for a message: newlines inside become spaces. */
static void print_message(const struct pam_message *m, void *arg)
{
    (void)arg;
    const char *text = m->msg != NULL ? m->msg : "";
    printf("CONV %s ", style_name(m->msg_style));
    for (const char *p = text; *p != '\0'; p++)
        putchar(*p == '\n' ? ' ' : *p);
    putchar('\n');
}

/* Prints each message; answers prompts with an empty string. */
static int conversation(int n, const struct pam_message **msg,
                        struct pam_response **resp, void *appdata)
{
    (void)appdata;
    int rc = pam_host_answer(n, msg, resp, print_message, NULL);
    fflush(stdout);
    return rc;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void report(const char *what, int rc, long started)
{
    printf("%s %s %ld\n", what, pam_host_code_name(rc), now_ms() - started);
    fflush(stdout);
}

/* Waits for a line or end of file on stdin, or a stop signal. */
static void hold_until_told(void)
{
    char c;
    while (!stop_requested) {
        ssize_t n = read(STDIN_FILENO, &c, 1);
        if (n == 0 || (n == 1 && c == '\n'))
            return;
        if (n < 0 && errno != EINTR)
            return;
    }
}

/*
 * fork() with stdout flushed first, so that the child does not print the
 * parent's buffered lines again; says why on stderr when it fails.
 */
static pid_t fork_flushed(void)
{
    fflush(stdout);
    pid_t child = fork();
    if (child < 0)
        perror("pam_driver: fork");
    return child;
}

/* Waits for a child: PAM_SUCCESS if it exited with status 0. */
static int child_result(pid_t child)
{
    int status = pam_host_wait(child);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? PAM_SUCCESS
                                                         : PAM_SYSTEM_ERR;
}

/* Forks a child that ends its copy of the PAM handle, then waits for it. */
static int fork_and_end(pam_handle_t *pamh, bool silent)
{
    pid_t child = fork_flushed();
    if (child < 0)
        return PAM_SYSTEM_ERR;
    if (child == 0) {
        int rc = pam_end(pamh, PAM_SUCCESS | (silent ? PAM_DATA_SILENT : 0));
        printf("CHILD_END %s\n", pam_host_code_name(rc));
        fflush(stdout);
        _exit(rc == PAM_SUCCESS ? 0 : 1);
    }
    return child_result(child);
}

/* The child of --account-in-child. */
typedef struct account_child {
    pid_t pid;
    int release_fd; /* closed by the parent: the child may exit */
} account_child;

/*
 * --account-in-child: pam_acct_mgmt in a forked child that passes its PAM
 * environment back through a pipe, one "NAME=VALUE" line each after a line
 * with its result, and waits for the parent to close release_fd before it
 * exits (without pam_end, as OpenSSH's child does). Returns the child's
 * account result; *c is filled when the child started.
 */
static int account_in_child(pam_handle_t *pamh, int flags, account_child *c)
{
    int env_pipe[2], release_pipe[2];
    c->pid = -1;
    c->release_fd = -1;
    if (pipe(env_pipe) != 0 || pipe(release_pipe) != 0) {
        perror("pam_driver: pipe");
        return PAM_SYSTEM_ERR;
    }
    pid_t child = fork_flushed();
    if (child < 0)
        return PAM_SYSTEM_ERR;
    if (child == 0) {
        close(env_pipe[0]);
        close(release_pipe[1]);
        long started = now_ms();
        int rc = pam_acct_mgmt(pamh, flags);
        report("ACCOUNT", rc, started);
        FILE *out = fdopen(env_pipe[1], "w");
        if (out == NULL)
            _exit(1);
        fprintf(out, "%d\n", rc);
        char **env = pam_getenvlist(pamh);
        for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
            fprintf(out, "%s\n", env[i]);
            free(env[i]);
        }
        free(env);
        fclose(out);
        char byte;
        ssize_t n;
        do
            n = read(release_pipe[0], &byte, 1);
        while (n > 0 || (n < 0 && errno == EINTR));
        _exit(rc == PAM_SUCCESS ? 0 : 1);
    }
    close(env_pipe[1]);
    close(release_pipe[0]);
    c->pid = child;
    c->release_fd = release_pipe[1];
    FILE *in = fdopen(env_pipe[0], "r");
    if (in == NULL) {
        close(env_pipe[0]);
        return PAM_SYSTEM_ERR;
    }
    char line[2048];
    int rc = PAM_SYSTEM_ERR;
    if (fgets(line, sizeof(line), in) != NULL)
        rc = atoi(line);
    while (fgets(line, sizeof(line), in) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        int put = pam_putenv(pamh, line);
        if (put != PAM_SUCCESS)
            fprintf(stderr, "pam_driver: pam_putenv: %s\n",
                    pam_host_code_name(put));
    }
    fclose(in);
    return rc;
}

/* Lets the --account-in-child child exit and reports how it did. */
static void end_account_child(account_child *c)
{
    if (c->pid <= 0)
        return;
    close(c->release_fd);
    int status = pam_host_wait(c->pid);
    printf("CHILD_EXIT %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    fflush(stdout);
    c->pid = -1;
}

/* Forks a child that executes this program to close the session by the
 * PAM environment variable `name`; waits for it. */
static int exec_close(pam_handle_t *pamh, const char *name, const char *service,
                      const char *user)
{
    const char *value = pam_getenv(pamh, name);
    char assignment[1024];
    snprintf(assignment, sizeof(assignment), "%s=%s", name,
             value != NULL ? value : "");
    pid_t child = fork_flushed();
    if (child < 0)
        return PAM_SYSTEM_ERR;
    if (child == 0) {
        /* Its reports must not mix with the parent's on stdout. */
        dup2(STDERR_FILENO, STDOUT_FILENO);
        char *args[] = {"pam_driver",    "--close-with-env", assignment,
                        (char *)service, (char *)user,       NULL};
        execv("/proc/self/exe", args);
        perror("pam_driver: exec");
        _exit(2);
    }
    return child_result(child);
}

/* --close-with-env: a transaction that only closes. */
static int close_only(const char *assignment, const char *service,
                      const char *user, int flags, struct pam_conv *conv)
{
    pam_handle_t *pamh = NULL;
    int rc = pam_start(service, user, conv, &pamh);
    if (rc != PAM_SUCCESS) {
        fprintf(stderr, "pam_driver: pam_start: %s\n", pam_host_code_name(rc));
        return 2;
    }
    rc = pam_putenv(pamh, assignment);
    if (rc != PAM_SUCCESS)
        fprintf(stderr, "pam_driver: pam_putenv: %s\n", pam_host_code_name(rc));
    long started = now_ms();
    rc = pam_close_session(pamh, flags);
    report("CLOSE_SESSION", rc, started);
    bool ok = rc == PAM_SUCCESS;
    rc = pam_end(pamh, ok ? PAM_SUCCESS : PAM_ABORT);
    printf("END %s\n", pam_host_code_name(rc));
    fflush(stdout);
    return ok ? 0 : 1;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: pam_driver [--rhost HOST] [--no-account] [--no-session] "
            "[--silent] [--hold] [--fork-end silent|plain] "
            "[--session-user USER] [--no-user] [--report-env NAME] "
            "[--exec-close NAME] [--end-silent] [--account-in-child] "
            "[--close-with-env NAME=VALUE] "
            "SERVICE "
            "USER\n");
}

/* Threads of this process, from /proc/self/status; -1 if unknown. */
static long thread_count(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL)
        return -1;
    char line[256];
    long n = -1;
    while (fgets(line, sizeof(line), f) != NULL)
        if (sscanf(line, "Threads: %ld", &n) == 1)
            break;
    fclose(f);
    return n;
}

/*
 * After pam_end, gRPC winds its threads down in the background (within
 * about a second). A process that exits while they are exiting makes
 * LeakSanitizer's exit-time scan race them ("Tracer caught signal 11"), so
 * the driver, like a long-lived host would, lets them finish first:
 * bounded to 5 s, polled every 10 ms.
 */
static void wait_for_library_threads(void)
{
    for (int i = 0; i < 500 && thread_count() > 1; i++)
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
}

int main(int argc, char **argv)
{
    const char *rhost = NULL;
    const char *fork_end = NULL;
    const char *session_user = NULL;
    const char *report_env = NULL, *exec_close_name = NULL;
    const char *close_env = NULL;
    bool no_user = false, end_silent = false, child_account = false;
    bool account = true, session = true, hold = false;
    int flags = 0;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--rhost") == 0 && i + 1 < argc)
            rhost = argv[++i];
        else if (strcmp(argv[i], "--fork-end") == 0 && i + 1 < argc)
            fork_end = argv[++i];
        else if (strcmp(argv[i], "--session-user") == 0 && i + 1 < argc)
            session_user = argv[++i];
        else if (strcmp(argv[i], "--report-env") == 0 && i + 1 < argc)
            report_env = argv[++i];
        else if (strcmp(argv[i], "--exec-close") == 0 && i + 1 < argc)
            exec_close_name = argv[++i];
        else if (strcmp(argv[i], "--close-with-env") == 0 && i + 1 < argc)
            close_env = argv[++i];
        else if (strcmp(argv[i], "--end-silent") == 0)
            end_silent = true;
        else if (strcmp(argv[i], "--account-in-child") == 0)
            child_account = true;
        else if (strcmp(argv[i], "--no-user") == 0)
            no_user = true;
        else if (strcmp(argv[i], "--no-account") == 0)
            account = false;
        else if (strcmp(argv[i], "--no-session") == 0)
            session = false;
        else if (strcmp(argv[i], "--silent") == 0)
            flags |= PAM_SILENT;
        else if (strcmp(argv[i], "--hold") == 0)
            hold = true;
        else {
            usage();
            return 2;
        }
    }
    if (argc - i != 2 || (fork_end != NULL && strcmp(fork_end, "silent") != 0 &&
                          strcmp(fork_end, "plain") != 0)) {
        usage();
        return 2;
    }
    const char *service = argv[i], *user = argv[i + 1];

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal; /* no SA_RESTART: read() returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    openlog("pam_driver", LOG_PERROR | LOG_PID, LOG_AUTHPRIV);

    struct pam_conv conv = {.conv = conversation, .appdata_ptr = NULL};
    if (close_env != NULL) {
        int status = close_only(close_env, service, user, flags, &conv);
        closelog();
        return status;
    }
    pam_handle_t *pamh = NULL;
    int rc = pam_start(service, no_user ? NULL : user, &conv, &pamh);
    if (rc != PAM_SUCCESS) {
        fprintf(stderr, "pam_driver: pam_start: %s\n", pam_host_code_name(rc));
        return 2;
    }
    if (rhost != NULL)
        pam_set_item(pamh, PAM_RHOST, rhost);

    bool all_ok = true;
    long started;
    account_child child = {.pid = -1, .release_fd = -1};
    if (account && child_account) {
        rc = account_in_child(pamh, flags, &child);
        all_ok = rc == PAM_SUCCESS;
    } else if (account) {
        started = now_ms();
        rc = pam_acct_mgmt(pamh, flags);
        report("ACCOUNT", rc, started);
        all_ok = rc == PAM_SUCCESS;
    }
    bool opened = false;
    if (all_ok && session && session_user != NULL) {
        rc = pam_set_item(pamh, PAM_USER, session_user);
        all_ok = rc == PAM_SUCCESS;
        if (!all_ok)
            fprintf(stderr, "pam_driver: pam_set_item(PAM_USER): %s\n",
                    pam_host_code_name(rc));
    }
    if (all_ok && session) {
        started = now_ms();
        rc = pam_open_session(pamh, flags);
        report("OPEN_SESSION", rc, started);
        opened = rc == PAM_SUCCESS;
        all_ok = opened;
    }
    end_account_child(&child);
    if (opened && report_env != NULL) {
        const char *value = pam_getenv(pamh, report_env);
        printf("ENV %s %s\n", report_env, value != NULL ? value : "-");
        fflush(stdout);
    }
    if (all_ok && exec_close_name != NULL) {
        rc = exec_close(pamh, exec_close_name, service, user);
        printf("CHILD_CLOSE %s\n",
               pam_host_code_name(rc == PAM_SUCCESS ? rc : -1));
        fflush(stdout);
        all_ok = rc == PAM_SUCCESS;
    }
    if (all_ok && fork_end != NULL)
        all_ok =
            fork_and_end(pamh, strcmp(fork_end, "silent") == 0) == PAM_SUCCESS;
    if (all_ok && end_silent) {
        rc = pam_end(pamh, PAM_SUCCESS | PAM_DATA_SILENT);
        printf("END_SILENT %s\n", pam_host_code_name(rc));
        fflush(stdout);
        pamh = NULL;
        opened = false;
        all_ok = rc == PAM_SUCCESS;
    }
    if (all_ok && hold) {
        printf("HOLDING %ld\n", (long)getpid());
        fflush(stdout);
        hold_until_told();
    }
    if (opened) {
        started = now_ms();
        rc = pam_close_session(pamh, flags);
        report("CLOSE_SESSION", rc, started);
        all_ok = all_ok && rc == PAM_SUCCESS;
    }
    if (pamh != NULL) {
        rc = pam_end(pamh, all_ok ? PAM_SUCCESS : PAM_ABORT);
        printf("END %s\n", pam_host_code_name(rc));
        fflush(stdout);
    }
    closelog();
    wait_for_library_threads();
    return all_ok ? 0 : 1;
}
