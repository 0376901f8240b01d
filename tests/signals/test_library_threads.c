/* SPDX-License-Identifier: MIT */
/*
 * test_library_threads - the threads a libldlm client starts (its own
 * watcher and keeper, gRPC's executors, timers and resolver) block the
 * application's signals, whatever the mask of the thread that created the
 * client: a signal sent to the process runs its handler on the
 * application's thread only. No server needed: the client is pointed at a
 * closed port and its calls fail, which is when gRPC starts the most
 * threads.
 */
#include <dirent.h>
#include <inttypes.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldlm.h>

static pid_t main_tid;
static atomic_int on_main, elsewhere;

static void on_signal(int sig)
{
    (void)sig;
    if (gettid() == main_tid)
        atomic_fetch_add(&on_main, 1);
    else
        atomic_fetch_add(&elsewhere, 1);
}

/* What a library thread must block: everything but the signals that
 * cannot be blocked, glibc's two internal ones and the synchronous faults
 * (ldlmu_signals_block). */
static uint64_t required(void)
{
    uint64_t mask = UINT64_MAX;
    const int allowed[] = {SIGKILL, SIGSTOP, 32,     33,      SIGSEGV,
                           SIGBUS,  SIGFPE,  SIGILL, SIGTRAP, SIGSYS};
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
        mask &= ~((uint64_t)1 << (allowed[i] - 1));
    return mask;
}

/* Checks every thread but the main one; returns how many were seen. */
static int check_threads(int *bad)
{
    DIR *d = opendir("/proc/self/task");
    if (d == NULL)
        return -1;
    int seen = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int tid = atoi(e->d_name);
        if (tid <= 0 || tid == main_tid)
            continue;
        char path[64], line[256], name[32] = "?";
        snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
        FILE *f = fopen(path, "re");
        if (f == NULL)
            continue;
        uint64_t blk = 0;
        bool have = false, gone = false;
        while (fgets(line, sizeof(line), f) != NULL) {
            if (strncmp(line, "Name:", 5) == 0)
                sscanf(line + 5, "%31s", name);
            else if (strncmp(line, "State:", 6) == 0)
                gone = strpbrk(line + 6, "ZX") != NULL;
            else if (strncmp(line, "SigBlk:", 7) == 0) {
                blk = strtoull(line + 7, NULL, 16);
                have = true;
            }
        }
        fclose(f);
        if (!have || gone)
            continue;
        seen++;
        if ((blk & required()) != required()) {
            printf("FAIL: thread %d \"%s\" blocks %016" PRIx64
                   ", not every signal (%016" PRIx64 ")\n",
                   tid, name, blk, required());
            (*bad)++;
        }
    }
    closedir(d);
    return seen;
}

int main(void)
{
    main_tid = gettid();
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);

    int bad = 0, seen = 0;
    for (int round = 0; round < 3; round++) {
        /* Port 1 on loopback: nothing listens there. */
        ldlm_config config =
            LDLM_CONFIG(.address = "127.0.0.1:1", .call_timeout_ms = 300,
                        .max_retries = 2);
        ldlm_client *client = NULL;
        if (ldlm_client_new(&config, &client) != LDLM_OK) {
            printf("FAIL: ldlm_client_new: %s\n", ldlm_last_error_message());
            return 1;
        }
        ldlm_lock_options opts = LDLM_LOCK_OPTIONS(.size = 1);
        ldlm_handle *h = NULL;
        (void)ldlm_try_lock(client, "signals", &opts, &h);
        ldlm_handle_free(h);
        for (int i = 0; i < 20; i++) {
            /* Back to back: the main thread then has one pending, and the
             * kernel offers the next to any thread that does not block
             * it. */
            kill(getpid(), SIGUSR1);
            kill(getpid(), SIGUSR2);
            kill(getpid(), SIGHUP);
        }
        int n = check_threads(&bad);
        if (n > seen)
            seen = n;
        ldlm_client_free(client);
    }
    printf("%d library threads at most, %d signals handled on the main "
           "thread, %d on another\n",
           seen, atomic_load(&on_main), atomic_load(&elsewhere));
    if (seen == 0) {
        printf("FAIL: no library thread to check\n");
        return 1;
    }
    if (atomic_load(&elsewhere) > 0) {
        printf("FAIL: a handler ran on a library thread\n");
        return 1;
    }
    return bad == 0 ? 0 : 1;
}
