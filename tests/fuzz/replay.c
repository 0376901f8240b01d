/* SPDX-License-Identifier: MIT */
/*
 * replay.c - runs a fuzz target of tests/fuzz/ without libFuzzer, in every
 * build (plain and sanitizers) as part of make check: each file of its seed
 * corpus and of its regression inputs (inputs that once found a bug) goes
 * through LLVMFuzzerTestOneInput once. A property that fails aborts.
 *
 *   replay_TARGET [FILE-OR-DIRECTORY...]
 *
 * Without arguments: $LDLM_TEST_SRCDIR/tests/fuzz/corpus/TARGET and
 * .../regressions/TARGET (FUZZ_TARGET is set at build time).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name the target"
#endif

static long replayed;

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    size_t n;
    while (buf != NULL && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            uint8_t *grown = realloc(buf, cap * 2);
            if (grown == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf == NULL) {
        fprintf(stderr, "%s: out of memory\n", path);
        return -1;
    }
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    replayed++;
    return 0;
}

/* A file, or every file of a directory (not recursive). A directory that
 * does not exist counts as empty: a target may have no regressions yet. */
static int replay_path(const char *path, bool must_exist)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (!must_exist)
            return 0;
        perror(path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return replay_file(path);
    DIR *d = opendir(path);
    if (d == NULL) {
        perror(path);
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char file[4096];
        snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
        rc = replay_file(file);
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0;
    if (argc > 1) {
        for (int i = 1; i < argc && rc == 0; i++)
            rc = replay_path(argv[i], true);
    } else {
        const char *src = getenv("LDLM_TEST_SRCDIR");
        if (src == NULL)
            src = ".";
        char corpus[4096], regressions[4096];
        snprintf(corpus, sizeof(corpus), "%s/tests/fuzz/corpus/%s", src,
                 FUZZ_TARGET);
        snprintf(regressions, sizeof(regressions),
                 "%s/tests/fuzz/regressions/%s", src, FUZZ_TARGET);
        rc = replay_path(corpus, true);
        if (rc == 0)
            rc = replay_path(regressions, false);
    }
    if (rc == 0 && replayed == 0) {
        fprintf(stderr, "replay %s: no input found\n", FUZZ_TARGET);
        rc = -1;
    }
    if (rc == 0)
        printf("replay %s: %ld inputs, every property held\n", FUZZ_TARGET,
               replayed);
    return rc == 0 ? 0 : 1;
}
