/* SPDX-License-Identifier: MIT */
/*
 * conf_internal.h - helpers shared by the files of the configuration
 * library (not part of its API).
 */
#ifndef LDLM_CONF_INTERNAL_H
#define LDLM_CONF_INTERNAL_H

#include <stddef.h>

#include "ldlm_conf.h"

/* Size of a buffer for a value quoted in a message (ldlmu_printable_into
 * escapes it and cuts it with "..." so that a message stays one readable
 * line whatever the input holds). */
#define CONF_QUOTED_MAX 96

/* Size of a buffer holding ldlm_conf_entry_location output. */
#define CONF_LOCATION_MAX 512

#endif /* LDLM_CONF_INTERNAL_H */
