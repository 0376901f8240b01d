/* SPDX-License-Identifier: MIT */
/*
 * conf_internal.h - helpers shared by the files of the configuration
 * library (not part of its API).
 */
#ifndef LDLM_CONF_INTERNAL_H
#define LDLM_CONF_INTERNAL_H

#include <stddef.h>

#include "ldlm_conf.h"

/* snprintf into err when the caller gave a buffer (err may be NULL). */
void conf_set_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Like conf_set_error, prefixed with the entry's location:
 * "FILE:LINE: <message>".
 */
void conf_entry_error(const ldlm_conf_entry *e, char *err, size_t errlen,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Size of a buffer for a value quoted in a message (ldlmu_printable_into
 * escapes it and cuts it with "..." so that a message stays one readable
 * line whatever the input holds). */
#define CONF_QUOTED_MAX 96

/* Size of a buffer holding ldlm_conf_entry_location output. */
#define CONF_LOCATION_MAX 512

#endif /* LDLM_CONF_INTERNAL_H */
