/* SPDX-License-Identifier: MIT */
/*
 * fuzz_conf.c - fuzz target of the configuration parser (conf/): the input
 * is a pam_ldlm.conf, read as a plain, a protected and a salvaged file, and
 * its lines are also given as module arguments.
 *
 * Properties: no crash or leak; a failure leaves a one-line, printable
 * message; what parses is what the settings table and the number and flag
 * readers then accept or refuse with such a message.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldlm_conf.h>

#include "fuzz_common.h"

/* Reads every entry the ways the consumers do. */
static void use_entries(ldlm_conf *conf)
{
    for (size_t i = 0; i < conf->count; i++) {
        const ldlm_conf_entry *e = &conf->entries[i];
        fuzz_check(e->name != NULL && e->name[0] != '\0', "entry name",
                   "empty");
        fuzz_check(ldlm_conf_get(conf, e->name) != NULL, "ldlm_conf_get",
                   e->name);
        char where[512];
        ldlm_conf_entry_location(e, where, sizeof(where));
        fuzz_check_message(where, "ldlm_conf_entry_location");
        long n;
        if (ldlm_conf_int(conf, e, -1000, 1000, &n) == 0)
            fuzz_check(n >= -1000 && n <= 1000, "ldlm_conf_int", "range");
        else
            fuzz_check_message(ldlm_conf_error(conf), "ldlm_conf_int");
        bool flag;
        if (ldlm_conf_bool(conf, e, &flag) != 0)
            fuzz_check_message(ldlm_conf_error(conf), "ldlm_conf_bool");
    }
    ldlm_conn_settings s;
    ldlm_conn_settings_init(&s);
    if (ldlm_conn_settings_from_conf(&s, conf) != 0)
        fuzz_check_message(ldlm_conf_error(conf), "connection settings");
    ldlm_conn_settings_free(&s);
}

typedef int (*parse_fn)(ldlm_conf *conf, const char *path);

static int plain(ldlm_conf *conf, const char *path)
{
    return ldlm_conf_parse_file(conf, path, false);
}

static int protected(ldlm_conf *conf, const char *path)
{
    return ldlm_conf_parse_protected_file(conf, path, false, geteuid());
}

static int salvaged(ldlm_conf *conf, const char *path)
{
    return ldlm_conf_salvage_protected_file(conf, path, geteuid());
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file_with(data, size);
    if (path == NULL)
        return 0;
    const parse_fn ways[] = {plain, protected, salvaged};
    size_t first_count = 0;
    for (size_t w = 0; w < sizeof(ways) / sizeof(ways[0]); w++) {
        ldlm_conf conf;
        ldlm_conf_init(&conf);
        if (ways[w](&conf, path) == 0) {
            use_entries(&conf);
            if (w == 0)
                first_count = conf.count;
            /* A file that parses whole has nothing to salvage away. */
            if (w == 2 && first_count > 0)
                fuzz_check(conf.count == first_count, "salvage",
                           "lost lines of a file that parses");
        } else {
            fuzz_check(conf.count == 0, "failed parse", "entries kept");
            fuzz_check_message(ldlm_conf_error(&conf), "parse error");
        }
        ldlm_conf_free(&conf);
    }

    /* The same bytes as module arguments: one per line. */
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    const char *argv[64];
    int argc = 0;
    for (char *line = text; line != NULL && argc < 64;) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        argv[argc++] = line;
        line = nl != NULL ? nl + 1 : NULL;
    }
    ldlm_conf conf;
    ldlm_conf_init(&conf);
    if (ldlm_conf_parse_args(&conf, argc, argv) == 0)
        use_entries(&conf);
    else
        fuzz_check_message(ldlm_conf_error(&conf), "argument error");
    ldlm_conf_free(&conf);
    free(text);
    return 0;
}
