/* SPDX-License-Identifier: MIT */
/*
 * fuzz_options.c - fuzz target of pam_ldlm's settings (pldlm_options_load
 * and the fallback read after a failure): the input is the configuration
 * file up to its first NUL byte, then module arguments separated by NULs.
 *
 * Properties: no crash or leak; a refusal has a one-line, printable
 * message; what is accepted is consistent (timeout= bounds wait=, limits
 * in range, templates that pass their check and expand).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "messages.h"
#include "options.h"

static void check_target(const pldlm_target *t)
{
    fuzz_check(t->name != NULL && t->name[0] != '\0', "target", "no name");
}

static void check_template(const char *tmpl, const char *what)
{
    fuzz_check(tmpl != NULL, what, "no template");
    fuzz_check(pldlm_template_problem(tmpl) == NULL, what,
               "a template with a bad placeholder was accepted");
    char *text = pldlm_template_expand(tmpl, "us\ner", 3, "gr\x1bp");
    fuzz_check(text != NULL, what, "expansion failed");
    free(text);
}

static void check_accepted(const pldlm_options *o)
{
    fuzz_check(o->timeout_seconds >= 1, "timeout", "below 1 s");
    fuzz_check(o->wait_seconds >= 0 && o->wait_seconds < o->timeout_seconds,
               "wait", "not within timeout");
    fuzz_check(o->max_sessions == PLDLM_UNLIMITED ||
                   (o->max_sessions >= 0 && o->max_sessions <= PLDLM_MAX_LIMIT),
               "max_sessions", "out of range");
    for (size_t i = 0; i < o->limit_count; i++) {
        check_target(&o->limits[i].target);
        long l = o->limits[i].limit;
        fuzz_check(l == PLDLM_UNLIMITED || (l >= 0 && l <= PLDLM_MAX_LIMIT),
                   "limit", "out of range");
    }
    for (size_t i = 0; i < o->pool_count; i++) {
        fuzz_check(o->pools[i].group != NULL && o->pools[i].group[0] != '\0',
                   "pool", "no group");
        fuzz_check(o->pools[i].size >= 0 && o->pools[i].size <= PLDLM_MAX_LIMIT,
                   "pool", "size out of range");
    }
    for (size_t i = 0; i < o->exempt_count; i++)
        check_target(&o->exempt[i]);
    fuzz_check(o->lock_prefix != NULL, "lock_prefix", "missing");
    check_template(o->deny_message, "deny_message");
    check_template(o->pool_deny_message, "pool_deny_message");
    check_template(o->error_message, "error_message");
    fuzz_check(o->conn.password_file != NULL || o->insecure_no_password,
               "security", "no password and no insecure_no_password");
    (void)pldlm_service_counted(o, "sshd");
    (void)pldlm_service_counted(o, "");
    (void)pldlm_service_counted(o, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t file_size = nul != NULL ? (size_t)(nul - data) : size;
    const char *path = fuzz_file_with(data, file_size);
    if (path == NULL)
        return 0;
    const uint8_t *rest = data + file_size;
    size_t rest_size = size - file_size;
    if (rest_size > 0) {
        rest++;
        rest_size--;
    }
    int argc = 0;
    char **argv = fuzz_strings(&rest, &rest_size, 64, &argc);
    if (argv == NULL)
        return 0;

    pldlm_options o;
    if (pldlm_options_load(&o, path, argc, (const char **)argv) == 0) {
        check_accepted(&o);
        pldlm_options_free(&o);
    } else {
        fuzz_check_message(o.error, "pldlm_options_load");
    }
    pldlm_fallback f;
    pldlm_options_fallback(&f, path, argc, (const char **)argv);
    fuzz_check(f.on_error == PLDLM_ON_ERROR_ALLOW ||
                   f.on_error == PLDLM_ON_ERROR_DENY,
               "fallback", "on_error");
    fuzz_free_strings(argv);
    return 0;
}
