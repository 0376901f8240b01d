/* SPDX-License-Identifier: MIT */
/*
 * fuzz_replay.c - runs the libFuzzer target of ldlmd's request decoder
 * (ldlmd/fuzz_request.c) without libFuzzer, so that every build's make
 * check exercises it (under ASan and UBSan in the sanitizer build): each
 * file of the corpus as it is, then a fixed number of deterministic
 * mutations of them (bytes flipped, inserted, removed, cut, repeated) and
 * random buffers. A crash or abort() is the failure.
 *
 *   fuzz_replay CORPUS-DIR [ITERATIONS]
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT 4096
#define REPLAY_MAX_FILES 64

static uint64_t state = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: the same sequence on every run. */
static uint64_t next(void)
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545f4914f6cdd1dULL;
}

typedef struct input {
    uint8_t data[REPLAY_MAX_INPUT];
    size_t len;
} input;

static void mutate(input *in)
{
    int rounds = 1 + (int)(next() % 4);
    for (int r = 0; r < rounds; r++) {
        size_t pos = in->len > 0 ? (size_t)(next() % in->len) : 0;
        switch (next() % 6) {
        case 0: /* flip bits of a byte */
            if (in->len > 0)
                in->data[pos] ^= (uint8_t)(1u << (next() % 8));
            break;
        case 1: /* an interesting byte */
            if (in->len > 0) {
                static const uint8_t v[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
                in->data[pos] = v[next() % sizeof v];
            }
            break;
        case 2: /* insert a random byte */
            if (in->len < REPLAY_MAX_INPUT) {
                memmove(in->data + pos + 1, in->data + pos, in->len - pos);
                in->data[pos] = (uint8_t)next();
                in->len++;
            }
            break;
        case 3: /* remove a byte */
            if (in->len > 0) {
                memmove(in->data + pos, in->data + pos + 1, in->len - pos - 1);
                in->len--;
            }
            break;
        case 4: /* cut */
            in->len = pos;
            break;
        default: { /* repeat a chunk */
            size_t n = in->len - pos;
            if (n > 16)
                n = 16;
            if (in->len + n <= REPLAY_MAX_INPUT) {
                memcpy(in->data + in->len, in->data + pos, n);
                in->len += n;
            }
            break;
        }
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: fuzz_replay CORPUS-DIR [ITERATIONS]\n");
        return 2;
    }
    long iterations = argc > 2 ? atol(argv[2]) : 50000;
    static input corpus[REPLAY_MAX_FILES];
    size_t files = 0;
    DIR *dir = opendir(argv[1]);
    if (dir == NULL) {
        perror(argv[1]);
        return 1;
    }
    struct dirent *e;
    while ((e = readdir(dir)) != NULL && files < REPLAY_MAX_FILES) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[1], e->d_name);
        FILE *f = fopen(path, "rb");
        if (f == NULL)
            continue;
        corpus[files].len = fread(corpus[files].data, 1, REPLAY_MAX_INPUT, f);
        fclose(f);
        LLVMFuzzerTestOneInput(corpus[files].data, corpus[files].len);
        files++;
    }
    closedir(dir);
    if (files == 0) {
        fprintf(stderr, "no corpus in %s\n", argv[1]);
        return 1;
    }
    static input in;
    for (long i = 0; i < iterations; i++) {
        if (i % 10 == 9) { /* now and then, noise */
            in.len = (size_t)(next() % 256);
            for (size_t k = 0; k < in.len; k++)
                in.data[k] = (uint8_t)next();
        } else {
            in = corpus[next() % files];
            mutate(&in);
        }
        LLVMFuzzerTestOneInput(in.data, in.len);
    }
    printf("ok: %zu corpus files and %ld mutated inputs decoded without a "
           "fault\n",
           files, iterations);
    return 0;
}
