/* SPDX-License-Identifier: MIT */
/* text.c - UTF-8 validation and escaping (see ldlm_util.h). */
#include "ldlm_util.h"

#include <stdlib.h>
#include <string.h>

/*
 * Length of the well-formed UTF-8 sequence starting at s (at most `avail`
 * bytes available), or 0 if the bytes there are not one.
 */
static size_t sequence_length(const unsigned char *s, size_t avail)
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

bool ldlmu_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t n = sequence_length(p + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/*
 * True if the well-formed sequence of n bytes at p is a character a line of
 * text must not carry raw: C0 controls and DEL, C1 controls (U+0080..U+009F,
 * encoded c2 80..c2 9f), the line and paragraph separators U+2028/U+2029
 * (which some terminals and log viewers treat as line breaks) and the
 * bidirectional formatting characters (U+061C, U+200E/U+200F,
 * U+202A..U+202E, U+2066..U+2069), which can make a log line read backwards.
 */
static bool unsafe_character(const unsigned char *p, size_t n)
{
    if (n == 1)
        return p[0] < 0x20 || p[0] == 0x7f;
    if (n == 2)
        return (p[0] == 0xc2 && p[1] < 0xa0) || (p[0] == 0xd8 && p[1] == 0x9c);
    if (n == 3 && p[0] == 0xe2 && p[1] == 0x80)
        return p[2] == 0x8e || p[2] == 0x8f || p[2] == 0xa8 || p[2] == 0xa9 ||
               (p[2] >= 0xaa && p[2] <= 0xae);
    if (n == 3 && p[0] == 0xe2 && p[1] == 0x81)
        return p[2] >= 0xa6 && p[2] <= 0xa9;
    return false;
}

/*
 * The escaped form of the character at p[0..avail): writes it to out (at
 * most 16 bytes) and returns its length; *consumed gets the input bytes it
 * stands for.
 */
static size_t escape_one(const unsigned char *p, size_t avail, char *out,
                         size_t *consumed)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = sequence_length(p, avail);
    if (n == 1 && p[0] == '\\') {
        out[0] = out[1] = '\\';
        *consumed = 1;
        return 2;
    }
    if (n == 0 || unsafe_character(p, n)) {
        size_t bad = n == 0 ? 1 : n;
        for (size_t k = 0; k < bad; k++) {
            out[4 * k] = '\\';
            out[4 * k + 1] = 'x';
            out[4 * k + 2] = hex[p[k] >> 4];
            out[4 * k + 3] = hex[p[k] & 0x0f];
        }
        *consumed = bad;
        return 4 * bad;
    }
    memcpy(out, p, n);
    *consumed = n;
    return n;
}

char *ldlmu_printable(const char *s)
{
    if (s == NULL)
        return strdup("(null)");
    size_t len = strlen(s);
    if (len > (((size_t)-1) - 1) / 4)
        return NULL;
    char *out = malloc(len * 4 + 1);
    if (out == NULL)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t used;
        o += escape_one(p + i, len - i, out + o, &used);
        i += used;
    }
    out[o] = '\0';
    return out;
}

void ldlmu_printable_into(const char *s, char *buf, size_t size)
{
    static const char ellipsis[] = "...";
    if (size == 0)
        return;
    if (s == NULL)
        s = "";
    /* Room kept for the ellipsis and the terminating NUL. */
    size_t limit = size > sizeof ellipsis ? size - sizeof ellipsis : 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        char one[16];
        size_t used;
        size_t n = escape_one(p + i, len - i, one, &used);
        if (o + n > limit) {
            if (size > sizeof ellipsis)
                memcpy(buf + o, ellipsis, sizeof ellipsis);
            else
                buf[o] = '\0';
            return;
        }
        memcpy(buf + o, one, n);
        o += n;
        i += used;
    }
    buf[o] = '\0';
}

void ldlmu_tidy_line(char *s)
{
    if (s == NULL)
        return;
    unsigned char *p = (unsigned char *)s;
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        size_t n = sequence_length(p + i, len - i);
        size_t bad = n == 0 ? 1 : unsafe_character(p + i, n) ? n : 0;
        if (bad > 0)
            memset(p + i, '?', bad);
        i += n == 0 ? 1 : n;
    }
}
