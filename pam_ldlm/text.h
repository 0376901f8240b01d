/* SPDX-License-Identifier: MIT */
/*
 * text.h - byte-string helpers for names that come from users and NSS.
 *
 * User and group names are arbitrary bytes as far as PAM is concerned. They
 * must not be able to forge log lines or confuse a terminal, so before they
 * are printed they are made printable here.
 */
#ifndef PAM_LDLM_TEXT_H
#define PAM_LDLM_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True if the `len` bytes at s are well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
bool pldlm_utf8_valid(const char *s, size_t len);

/*
 * A copy of s safe for a log line or a terminal: valid UTF-8 sequences of
 * printable characters are kept, a backslash becomes "\\", and every other
 * byte (control characters, DEL, bytes of invalid UTF-8) becomes "\xNN".
 * NULL gives "(null)". Returns a string to free(), NULL if out of memory.
 */
char *pldlm_printable(const char *s);

#endif /* PAM_LDLM_TEXT_H */
