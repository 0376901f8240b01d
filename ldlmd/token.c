/* SPDX-License-Identifier: MIT */
/*
 * token.c - random session tokens (see token.h).
 */
#include "token.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

int ldlmd_token_new(char out[LDLM_AGENT_TOKEN_LEN + 1])
{
    unsigned char raw[LDLM_AGENT_TOKEN_BYTES];
    size_t got = 0;
    while (got < sizeof raw) {
        /* Blocks only before the pool is initialised at boot. */
        ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)n;
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof raw; i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 0xf];
    }
    out[LDLM_AGENT_TOKEN_LEN] = '\0';
    explicit_bzero(raw, sizeof raw);
    return 0;
}

bool ldlmd_token_valid(const char *s)
{
    size_t i = 0;
    for (; s[i] != '\0'; i++) {
        if (i >= LDLM_AGENT_TOKEN_LEN ||
            !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return i == LDLM_AGENT_TOKEN_LEN;
}
