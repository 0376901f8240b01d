/* SPDX-License-Identifier: MIT */
/*
 * notify.h - tells the service manager how ldlmd is doing (systemd's
 * Type=notify): "READY=1" once the socket serves, "STOPPING=1" at
 * shutdown. Through libsystemd's sd_notify when built with it, else by
 * sending the same datagram to $NOTIFY_SOCKET ourselves. Without
 * $NOTIFY_SOCKET it does nothing.
 */
#ifndef LDLMD_NOTIFY_H
#define LDLMD_NOTIFY_H

/* `state` is one or more "NAME=value" lines. 0, or -1 (errno set) if the
 * message could not be sent; nothing to do is 0. */
int ldlmd_notify(const char *state);

#endif /* LDLMD_NOTIFY_H */
