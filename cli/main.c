/* SPDX-License-Identifier: MIT */
/*
 * main.c - ldlm(1): parses the command line, resolves the connection
 * settings, connects, and hands over to the command.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ldlm.h>

#include "commands.h"
#include "events.h"
#include "exit_codes.h"
#include "options.h"
#include "report.h"
#include "settings.h"

/* With 0, 1 or 2 closed, pipes and sockets would take those numbers and
 * "stdin" or "stdout" would silently be something else. */
static int ensure_standard_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        int nfd = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (nfd < 0)
            return -1;
        if (nfd != fd) { /* cannot happen: lowest free number */
            close(nfd);
            return -1;
        }
    }
    return 0;
}

static int run_command(const cli_options *o, const cli_settings *st)
{
    if (cli_events_open() < 0) {
        cli_say("pipe: %s", strerror(errno));
        return CLI_EXIT_INTERNAL;
    }
    /* Before any client exists, as the library requires. */
    cli_setup_logging(o->verbose);

    ldlm_client *client = NULL;
    int rc = cli_settings_connect(st, cli_events_lost_lock, NULL, &client);
    if (rc != 0)
        return rc;
    switch (o->command) {
    case CLI_CMD_RUN:
        rc = cli_cmd_run(client, o, st);
        break;
    case CLI_CMD_LOCK:
    case CLI_CMD_TRY_LOCK:
        rc = cli_cmd_hold(client, o, st);
        break;
    case CLI_CMD_UNLOCK:
        rc = cli_cmd_unlock(client, o, st);
        break;
    case CLI_CMD_RENEW:
        rc = cli_cmd_renew(client, o, st);
        break;
    case CLI_CMD_SESSIONS:
    case CLI_CMD_STATUS:
    case CLI_CMD_NONE:
        rc = CLI_EXIT_INTERNAL;
        break;
    }
    ldlm_client_free(client);
    return rc;
}

int main(int argc, char **argv)
{
    if (ensure_standard_fds() < 0)
        return CLI_EXIT_INTERNAL;
    /* A closed stdout must give an error from write, not kill us (run
     * restores the default for the command). */
    cli_events_ignore_sigpipe();

    cli_options o;
    int rc = cli_parse_options(argc, argv, &o);
    if (rc != 0)
        return rc;
    if (o.help || o.version) {
        if (o.help)
            cli_print_help(stdout);
        else
            printf("ldlm %s (libldlm %s)\n", PACKAGE_VERSION, ldlm_version());
        rc = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_IOERR;
        cli_options_free(&o);
        return rc;
    }

    /* These talk to ldlmd, which has its own connection settings. */
    if (o.command == CLI_CMD_SESSIONS || o.command == CLI_CMD_STATUS) {
        rc = o.command == CLI_CMD_SESSIONS ? cli_cmd_sessions(&o)
                                           : cli_cmd_status(&o);
        cli_options_free(&o);
        return rc;
    }

    cli_settings st;
    rc = cli_settings_resolve(&st, &o);
    if (rc == 0 && o.print_config) {
        cli_settings_print(&st, stdout);
        rc = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_IOERR;
    } else if (rc == 0) {
        rc = cli_settings_read_password(&st);
        if (rc == 0)
            rc = run_command(&o, &st);
    }
    cli_settings_free(&st);
    cli_options_free(&o);
    return rc;
}
