/* SPDX-License-Identifier: MIT */
/*
 * sessions.c - `ldlm sessions`: this host's sessions as ldlmd holds them,
 * a table for people or JSON for scripts; `--release TOKEN` ends one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldlm_util.h>

#include "agent.h"
#include "commands.h"
#include "exit_codes.h"
#include "json.h"
#include "report.h"

enum {
    COL_TOKEN,
    COL_USER,
    COL_SERVICE,
    COL_TTY,
    COL_RHOST,
    COL_PID,
    COL_SINCE,
    COL_LOCKS,
    COLS
};

static const char *const headers[COLS] = {"TOKEN", "USER", "SERVICE", "TTY",
                                          "RHOST", "PID",  "SINCE",   "LOCKS"};

/* A cell: escaped for the terminal, "-" when empty. */
static char *cell(const char *s)
{
    if (s == NULL || s[0] == '\0')
        return strdup("-");
    return ldlmu_printable(s);
}

/* "name (size N, state)" for every slot, comma-separated. */
static char *locks_cell(const ldlm_agent_session *s)
{
    size_t cap = 64, len = 0;
    char *out = malloc(cap);
    if (out == NULL)
        return NULL;
    out[0] = '\0';
    for (size_t i = 0; i < s->slot_count; i++) {
        const ldlm_agent_slot *slot = &s->slots[i];
        char *name = ldlmu_printable(slot->name);
        if (name == NULL) {
            free(out);
            return NULL;
        }
        char extra[64] = "";
        if (slot->reacquired > 0)
            snprintf(extra, sizeof extra, ", re-acquired %u", slot->reacquired);
        size_t need = strlen(name) + 96;
        if (len + need > cap) {
            cap = 2 * (len + need);
            char *grown = realloc(out, cap);
            if (grown == NULL) {
                free(name);
                free(out);
                return NULL;
            }
            out = grown;
        }
        len += (size_t)snprintf(out + len, cap - len, "%s%s (size %d, %s%s)",
                                i > 0 ? ", " : "", name, slot->size,
                                ldlm_agent_slot_state_name(slot->state), extra);
        free(name);
    }
    return out;
}

static int print_table(const ldlm_agent_sessions *list)
{
    if (list->count == 0) {
        puts("no sessions");
        return 0;
    }
    char **cells = calloc(list->count * COLS, sizeof *cells);
    if (cells == NULL)
        return -1;
    size_t width[COLS];
    for (int c = 0; c < COLS; c++)
        width[c] = strlen(headers[c]);
    int rc = 0;
    for (size_t r = 0; r < list->count && rc == 0; r++) {
        const ldlm_agent_session *s = &list->sessions[r];
        char pid[24], since[32];
        snprintf(pid, sizeof pid, "%ld", (long)s->pid);
        cli_format_time((long long)s->since, since, sizeof since);
        char **row = &cells[r * COLS];
        row[COL_TOKEN] = cell(s->token);
        row[COL_USER] = cell(s->user);
        row[COL_SERVICE] = cell(s->service);
        row[COL_TTY] = cell(s->tty);
        row[COL_RHOST] = cell(s->rhost);
        row[COL_PID] = strdup(pid);
        row[COL_SINCE] = strdup(since);
        row[COL_LOCKS] = locks_cell(s);
        for (int c = 0; c < COLS; c++) {
            if (row[c] == NULL) {
                rc = -1;
                break;
            }
            if (strlen(row[c]) > width[c])
                width[c] = strlen(row[c]);
        }
    }
    if (rc == 0) {
        /* The last column is not padded: no trailing blanks. */
        for (int c = 0; c < COLS; c++)
            printf("%-*s%s", c < COLS - 1 ? (int)width[c] : 0, headers[c],
                   c < COLS - 1 ? "  " : "\n");
        for (size_t r = 0; r < list->count; r++) {
            for (int c = 0; c < COLS; c++)
                printf("%-*s%s", c < COLS - 1 ? (int)width[c] : 0,
                       cells[r * COLS + c], c < COLS - 1 ? "  " : "\n");
        }
    }
    for (size_t i = 0; i < list->count * COLS; i++)
        free(cells[i]);
    free(cells);
    return rc;
}

static void print_json(const ldlm_agent_sessions *list)
{
    fputs("{\"sessions\":[", stdout);
    for (size_t r = 0; r < list->count; r++) {
        const ldlm_agent_session *s = &list->sessions[r];
        fputs(r > 0 ? ",{\"token\":" : "{\"token\":", stdout);
        cli_json_string(stdout, s->token);
        fputs(",\"user\":", stdout);
        cli_json_string(stdout, s->user);
        fputs(",\"service\":", stdout);
        cli_json_string(stdout, s->service);
        fputs(",\"tty\":", stdout);
        cli_json_string(stdout, s->tty);
        fputs(",\"rhost\":", stdout);
        cli_json_string(stdout, s->rhost);
        printf(",\"pid\":%ld,\"since\":%lld,\"slots\":[", (long)s->pid,
               (long long)s->since);
        for (size_t i = 0; i < s->slot_count; i++) {
            const ldlm_agent_slot *slot = &s->slots[i];
            fputs(i > 0 ? ",{\"lock\":" : "{\"lock\":", stdout);
            cli_json_string(stdout, slot->name);
            printf(",\"size\":%d,\"state\":\"%s\",\"reacquired\":%u}",
                   slot->size, ldlm_agent_slot_state_name(slot->state),
                   slot->reacquired);
        }
        fputs("]}", stdout);
    }
    fputs("]}\n", stdout);
}

static int list_sessions(ldlm_agent *a, const cli_options *o)
{
    ldlm_agent_sessions *list = NULL;
    ldlm_agent_status st = ldlm_agent_list(a, &list);
    if (st != LDLM_AGENT_OK) {
        char what[600];
        snprintf(what, sizeof what, "sessions from ldlmd at %s",
                 cli_agent_socket(o));
        return cli_agent_report(a, st, what);
    }
    int rc = CLI_EXIT_OK;
    if (o->json)
        print_json(list);
    else if (print_table(list) < 0) {
        cli_say("out of memory");
        rc = CLI_EXIT_INTERNAL;
    }
    ldlm_agent_sessions_free(list);
    return rc;
}

static int release_session(ldlm_agent *a, const cli_options *o)
{
    unsigned released = 0;
    ldlm_agent_status st = ldlm_agent_release(a, o->release_token, &released);
    if (st != LDLM_AGENT_OK) {
        char token[80], what[700];
        ldlmu_printable_into(o->release_token, token, sizeof token);
        snprintf(what, sizeof what, "release %s through ldlmd at %s", token,
                 cli_agent_socket(o));
        return cli_agent_report(a, st, what);
    }
    if (o->json) {
        fputs("{\"token\":", stdout);
        cli_json_string(stdout, o->release_token);
        printf(",\"released\":%u}\n", released);
    } else {
        printf("session %s ended: %u slot(s) released\n", o->release_token,
               released);
    }
    return CLI_EXIT_OK;
}

int cli_cmd_sessions(const cli_options *o)
{
    ldlm_agent *a = cli_agent_open(o);
    if (a == NULL)
        return CLI_EXIT_INTERNAL;
    int rc =
        o->release_token != NULL ? release_session(a, o) : list_sessions(a, o);
    ldlm_agent_free(a);
    if (rc == CLI_EXIT_OK && fflush(stdout) != 0)
        rc = CLI_EXIT_IOERR;
    return rc;
}
