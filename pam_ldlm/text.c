/* SPDX-License-Identifier: MIT */
/*
 * text.c - UTF-8 validation and escaping of untrusted names (see text.h).
 */
#include "text.h"

#include <stdlib.h>
#include <string.h>

/*
 * Length of the well-formed UTF-8 sequence starting at s (at most `avail`
 * bytes available), or 0 if the bytes there are not one.
 */
static size_t utf8_sequence_length(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    size_t len;
    unsigned long cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0; /* continuation byte, overlong lead (c0, c1) or > f4 */
    }
    if (avail < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
        return 0; /* overlong */
    if (cp >= 0xd800 && cp <= 0xdfff)
        return 0; /* UTF-16 surrogate */
    if (cp > 0x10ffff)
        return 0;
    return len;
}

bool pldlm_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t n = utf8_sequence_length(p + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

char *pldlm_printable(const char *s)
{
    static const char hex[] = "0123456789abcdef";
    if (s == NULL)
        return strdup("(null)");
    size_t len = strlen(s);
    if (len > (((size_t)-1) - 1) / 4)
        return NULL;
    char *out = malloc(len * 4 + 1);
    if (out == NULL)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    char *o = out;
    size_t i = 0;
    while (i < len) {
        size_t n = utf8_sequence_length(p + i, len - i);
        bool control = n == 1 && (p[i] < 0x20 || p[i] == 0x7f);
        /* C1 controls U+0080..U+009F are encoded as c2 80..c2 9f. */
        bool c1_control = n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0;
        if (n == 1 && p[i] == '\\') {
            *o++ = '\\';
            *o++ = '\\';
            i++;
        } else if (n == 0 || control || c1_control) {
            size_t bad = n == 0 ? 1 : n;
            for (size_t k = 0; k < bad; k++) {
                *o++ = '\\';
                *o++ = 'x';
                *o++ = hex[p[i + k] >> 4];
                *o++ = hex[p[i + k] & 0x0f];
            }
            i += bad;
        } else {
            memcpy(o, p + i, n);
            o += n;
            i += n;
        }
    }
    *o = '\0';
    return out;
}
