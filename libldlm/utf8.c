/* SPDX-License-Identifier: MIT */
/* utf8.c - UTF-8 well-formedness check.
 *
 * Lock names travel as protobuf `string`s and the server rejects bytes that
 * are not valid UTF-8 with an obscure transport error; checking first gives
 * the caller LDLM_ERR_INVALID_ARGUMENT and a clear message instead. */
#include "internal.h"

bool ldlmi_utf8_valid(const char *str) {
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        unsigned char c = *s;
        int extra;
        unsigned min;
        unsigned value;
        if (c < 0x80) {
            s++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            extra = 1, min = 0x80, value = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2, min = 0x800, value = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3, min = 0x10000, value = c & 0x07;
        } else {
            return false; /* continuation byte, overlong lead, or > U+10FFFF */
        }
        s++;
        for (int i = 0; i < extra; i++, s++) {
            if ((*s & 0xC0) != 0x80)
                return false;
            value = (value << 6) | (*s & 0x3F);
        }
        if (value < min || value > 0x10FFFF ||
            (value >= 0xD800 && value <= 0xDFFF))
            return false; /* overlong, out of range, or a surrogate */
    }
    return true;
}
