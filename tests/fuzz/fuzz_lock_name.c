/* SPDX-License-Identifier: MIT */
/*
 * fuzz_lock_name.c - fuzz target of the lock-name encoder
 * (pam_ldlm/lock_name.c): the input is a name, or a prefix, a name and a
 * limit separated by NULs.
 *
 * Properties (lock_name.h): the encoding uses only A-Z a-z 0-9 . _ - and
 * %XX, hence plain ASCII and never '/'; it decodes back to exactly the
 * input bytes (so two names never share a lock); a lock name is the prefix,
 * "user/" or "group/", the encoding, '/' and the limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "lock_name.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes an encoding; checks its alphabet on the way. Returns the decoded
 * length, the bytes in out (at least strlen(enc) bytes). */
static size_t decode(const char *enc, unsigned char *out)
{
    size_t n = 0;
    for (const char *p = enc; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '%') {
            int hi = hex_value(p[1]);
            int lo = hi < 0 ? -1 : hex_value(p[2]);
            fuzz_check(hi >= 0 && lo >= 0, "encoding", "bad %XX");
            unsigned char b = (unsigned char)(hi * 16 + lo);
            /* A byte kept as is must never be written as %XX: the
             * encoding is then the only one of its input. */
            bool plain = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') ||
                         (b >= '0' && b <= '9') || b == '.' || b == '_' ||
                         b == '-';
            fuzz_check(!plain, "encoding", "a plain byte escaped");
            out[n++] = b;
            p += 2;
        } else {
            bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                         c == '-';
            fuzz_check(plain, "encoding", "a byte outside the alphabet");
            out[n++] = c;
        }
    }
    return n;
}

static void check_encoding(const char *raw, size_t len, const char *enc)
{
    fuzz_check(enc != NULL, "pldlm_encode_bytes", "NULL");
    size_t enc_len = strlen(enc);
    fuzz_check(enc_len >= len && enc_len <= 3 * len, "encoding", "length");
    unsigned char *back = malloc(enc_len + 1);
    if (back == NULL)
        return;
    size_t n = decode(enc, back);
    fuzz_check(n == len && memcmp(back, raw, len) == 0, "encoding",
               "does not decode to its input");
    free(back);
}

static void check_lock_name(const char *name, const char *prefix,
                            const char *kind, const char *raw, long limit)
{
    fuzz_check(name != NULL, "lock name", "NULL");
    char *enc = pldlm_encode_name(raw);
    if (enc == NULL)
        return;
    char *want = NULL;
    if (asprintf(&want, "%s%s/%s/%ld", prefix, kind, enc, limit) >= 0) {
        fuzz_check(strcmp(name, want) == 0, "lock name", want);
        free(want);
    }
    free(enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The whole input, NULs included, as one name. */
    char *enc = pldlm_encode_bytes((const char *)data, size);
    check_encoding((const char *)data, size, enc);
    free(enc);

    const uint8_t *p = data;
    size_t left = size;
    char *prefix = fuzz_next_string(&p, &left);
    char *raw = fuzz_next_string(&p, &left);
    long limit = 0;
    memcpy(&limit, p, left < sizeof(limit) ? left : sizeof(limit));
    if (prefix != NULL && raw != NULL) {
        enc = pldlm_encode_name(raw);
        check_encoding(raw, strlen(raw), enc);
        free(enc);
        char *user = pldlm_user_lock_name(prefix, raw, limit);
        check_lock_name(user, prefix, "user", raw, limit);
        char *group = pldlm_group_lock_name(prefix, raw, limit);
        check_lock_name(group, prefix, "group", raw, limit);
        /* A user and a group of the same name never share a lock. */
        if (user != NULL && group != NULL)
            fuzz_check(strcmp(user, group) != 0, "lock names", "collide");
        free(user);
        free(group);
    }
    free(prefix);
    free(raw);
    return 0;
}
