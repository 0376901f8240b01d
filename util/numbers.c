/* SPDX-License-Identifier: MIT */
/* numbers.c - the one strict integer parser (see ldlm_util.h). */
#include "ldlm_util.h"

#include <errno.h>
#include <stdlib.h>

ldlmu_number_status ldlmu_parse_long(const char *text, long min, long max,
                                     long *out)
{
    if (text == NULL)
        return LDLMU_NUMBER_INVALID;
    const char *p = text;
    if (*p == '-')
        p++;
    if (*p == '\0')
        return LDLMU_NUMBER_INVALID;
    for (; *p; p++)
        if (*p < '0' || *p > '9')
            return LDLMU_NUMBER_INVALID;
    errno = 0;
    long v = strtol(text, NULL, 10);
    if (errno == ERANGE || v < min || v > max)
        return LDLMU_NUMBER_RANGE;
    *out = v;
    return LDLMU_NUMBER_OK;
}
