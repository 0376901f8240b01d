/* SPDX-License-Identifier: MIT */
/*
 * json.h - the little JSON ldlm(1) writes for scripts (`--json`): string
 * escaping, so that any text from ldlmd comes out as valid JSON.
 */
#ifndef LDLM_CLI_JSON_H
#define LDLM_CLI_JSON_H

#include <stdio.h>

/* Writes s as a JSON string, quotes included. Bytes that are not UTF-8
 * are written as their escaped form (\xNN, itself escaped). */
void cli_json_string(FILE *out, const char *s);

#endif /* LDLM_CLI_JSON_H */
