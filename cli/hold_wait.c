/* SPDX-License-Identifier: MIT */
/*
 * hold_wait.c - see hold_wait.h. One poll() on stdin and the event pipe;
 * whatever arrives on stdin is read and ignored.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "events.h"
#include "hold_wait.h"
#include "report.h"

cli_hold_end cli_hold_wait(const char *name)
{
    struct pollfd pfd[2] = {
        {.fd = cli_events_fd(), .events = POLLIN},
        {.fd = STDIN_FILENO, .events = POLLIN},
    };
    for (;;) {
        int n = poll(pfd, 2, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            cli_say("poll: %s", strerror(errno));
            return CLI_HOLD_ERROR;
        }
        cli_event ev;
        while (cli_events_next(&ev) == 1) {
            if (ev.kind == CLI_EVENT_LOST_LOCK) {
                cli_say("%s: lost the lock (%s)", name,
                        ldlm_strerror(ev.reason));
                return CLI_HOLD_LOST;
            }
            if (ev.signo != SIGCHLD)
                return CLI_HOLD_RELEASE; /* INT, TERM or HUP */
        }
        if (pfd[1].revents & (POLLERR | POLLNVAL))
            return CLI_HOLD_RELEASE; /* stdin unusable: as good as closed */
        if (pfd[1].revents & (POLLIN | POLLHUP)) {
            char buf[4096];
            ssize_t r = read(STDIN_FILENO, buf, sizeof buf);
            if (r == 0)
                return CLI_HOLD_RELEASE; /* end of file */
            if (r < 0 && errno != EINTR && errno != EAGAIN)
                return CLI_HOLD_RELEASE;
        }
    }
}
