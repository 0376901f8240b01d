/* SPDX-License-Identifier: MIT */
/*
 * values.c - strict interpretation of setting values: integers in a range
 * and yes/no flags. Anything not exactly a valid value is an error that
 * names where the setting comes from; nothing is silently clamped.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_internal.h"

#include <ldlm_util.h>

int ldlm_conf_int(ldlm_conf *conf, const ldlm_conf_entry *e, long min, long max,
                  long *out)
{
    if (e == NULL || out == NULL) {
        ldlm_conf_fail(conf, NULL, "no setting given");
        return -1;
    }
    char name[CONF_QUOTED_MAX];
    ldlmu_printable_into(e->name, name, sizeof name);
    if (e->value == NULL || e->value[0] == '\0') {
        ldlm_conf_fail(conf, e, "%s needs a number (%s=N)", name, name);
        return -1;
    }
    char shown[CONF_QUOTED_MAX];
    ldlmu_printable_into(e->value, shown, sizeof shown);

    switch (ldlmu_parse_long(e->value, min, max, out)) {
    case LDLMU_NUMBER_OK:
        return 0;
    case LDLMU_NUMBER_RANGE:
        ldlm_conf_fail(conf, e, "%s=%s is out of range (%ld to %ld)", name,
                       shown, min, max);
        return -1;
    case LDLMU_NUMBER_INVALID:
    default:
        ldlm_conf_fail(conf, e, "%s=%s is not a whole number", name, shown);
        return -1;
    }
}

int ldlm_conf_bool(ldlm_conf *conf, const ldlm_conf_entry *e, bool *out)
{
    static const char *const yes[] = {"yes", "true", "1", "on"};
    static const char *const no[] = {"no", "false", "0", "off"};

    if (e == NULL || out == NULL) {
        ldlm_conf_fail(conf, NULL, "no setting given");
        return -1;
    }
    if (e->value == NULL) { /* a bare flag */
        *out = true;
        return 0;
    }
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(e->value, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(e->value, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    char name[CONF_QUOTED_MAX];
    char shown[CONF_QUOTED_MAX];
    ldlmu_printable_into(e->name, name, sizeof name);
    ldlmu_printable_into(e->value, shown, sizeof shown);
    ldlm_conf_fail(conf, e, "%s=%s: expected yes/no, true/false, on/off or 1/0",
                   name, shown);
    return -1;
}
