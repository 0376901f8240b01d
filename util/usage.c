/* SPDX-License-Identifier: MIT */
/* usage.c - the one form of a command-line mistake (see ldlm_util.h). */
#include "ldlm_util.h"

#include <stdarg.h>
#include <stdio.h>

int ldlmu_usage_error(const char *program, int status, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", program);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see '%s --help')\n", program);
    return status;
}
