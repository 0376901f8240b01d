/* SPDX-License-Identifier: MIT */
/*
 * json.c - JSON strings (see json.h).
 */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include <ldlm_util.h>

static void escaped(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
}

void cli_json_string(FILE *out, const char *s)
{
    if (s == NULL)
        s = "";
    fputc('"', out);
    if (ldlmu_utf8_valid(s, strlen(s))) {
        escaped(out, s);
    } else {
        char *shown = ldlmu_printable(s);
        escaped(out, shown != NULL ? shown : "");
        free(shown);
    }
    fputc('"', out);
}
