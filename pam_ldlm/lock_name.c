/* SPDX-License-Identifier: MIT */
/*
 * lock_name.c - collision-free, UTF-8-safe lock names (see lock_name.h).
 */
#include "lock_name.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool kept_as_is(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

char *pldlm_encode_bytes(const char *raw, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    /* Worst case: every byte becomes three. */
    if (len > (((size_t)-1) - 1) / 3)
        return NULL;
    char *out = malloc(len * 3 + 1);
    if (out == NULL)
        return NULL;
    char *p = out;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)raw[i];
        if (kept_as_is(c)) {
            *p++ = (char)c;
        } else {
            *p++ = '%';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 0x0f];
        }
    }
    *p = '\0';
    return out;
}

char *pldlm_encode_name(const char *raw)
{
    return pldlm_encode_bytes(raw, strlen(raw));
}

static char *join(const char *prefix, const char *kind, const char *raw,
                  long size)
{
    char *encoded = pldlm_encode_name(raw);
    if (encoded == NULL)
        return NULL;
    char *name = NULL;
    if (asprintf(&name, "%s%s/%s/%ld", prefix, kind, encoded, size) < 0)
        name = NULL;
    free(encoded);
    return name;
}

char *pldlm_user_lock_name(const char *prefix, const char *user, long limit)
{
    return join(prefix, "user", user, limit);
}

char *pldlm_group_lock_name(const char *prefix, const char *group, long size)
{
    return join(prefix, "group", group, size);
}
