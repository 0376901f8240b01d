/* SPDX-License-Identifier: MIT */
/* errors.c - error codes, their descriptions and the per-thread message. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* errno-like: each thread sees the detail of its own last failure. A fixed
 * buffer means nothing to free when a thread exits. */
static _Thread_local char last_message[512];

typedef struct {
    ldlm_err code;
    const char *name;
    const char *text;
} error_info;

static const error_info errors[] = {
    {LDLM_OK, "LDLM_OK", "success"},
    {LDLM_ERR_SERVER_UNKNOWN, "LDLM_ERR_SERVER_UNKNOWN",
     "the server reported an error"},
    {LDLM_ERR_LOCK_DOES_NOT_EXIST, "LDLM_ERR_LOCK_DOES_NOT_EXIST",
     "lock does not exist"},
    {LDLM_ERR_INVALID_LOCK_KEY, "LDLM_ERR_INVALID_LOCK_KEY",
     "invalid lock key"},
    {LDLM_ERR_LOCK_WAIT_TIMEOUT, "LDLM_ERR_LOCK_WAIT_TIMEOUT",
     "timed out waiting for the lock"},
    {LDLM_ERR_NOT_LOCKED, "LDLM_ERR_NOT_LOCKED", "lock is not locked"},
    {LDLM_ERR_LOCK_DOES_NOT_EXIST_OR_INVALID_KEY,
     "LDLM_ERR_LOCK_DOES_NOT_EXIST_OR_INVALID_KEY",
     "lock does not exist or the key is invalid"},
    {LDLM_ERR_LOCK_SIZE_MISMATCH, "LDLM_ERR_LOCK_SIZE_MISMATCH",
     "lock exists with a different size"},
    {LDLM_ERR_INVALID_LOCK_SIZE, "LDLM_ERR_INVALID_LOCK_SIZE",
     "invalid lock size"},
    {LDLM_ERR_UNAVAILABLE, "LDLM_ERR_UNAVAILABLE", "lock server unavailable"},
    {LDLM_ERR_UNAUTHENTICATED, "LDLM_ERR_UNAUTHENTICATED",
     "authentication with the lock server failed"},
    {LDLM_ERR_CANCELLED, "LDLM_ERR_CANCELLED", "operation cancelled"},
    {LDLM_ERR_DEADLINE, "LDLM_ERR_DEADLINE", "operation timed out"},
    {LDLM_ERR_TRANSPORT, "LDLM_ERR_TRANSPORT",
     "communication with the lock server failed"},
    {LDLM_ERR_PROTOCOL, "LDLM_ERR_PROTOCOL",
     "unreadable reply from the lock server"},
    {LDLM_ERR_INVALID_ARGUMENT, "LDLM_ERR_INVALID_ARGUMENT",
     "invalid argument"},
    {LDLM_ERR_TLS_FILE, "LDLM_ERR_TLS_FILE",
     "TLS certificate, key or CA file unusable"},
    {LDLM_ERR_NO_MEMORY, "LDLM_ERR_NO_MEMORY", "out of memory"},
    {LDLM_ERR_FORKED, "LDLM_ERR_FORKED",
     "client used from a forked child process"},
    {LDLM_ERR_LOCK_LOST, "LDLM_ERR_LOCK_LOST", "lock lost"},
    {LDLM_ERR_INTERNAL, "LDLM_ERR_INTERNAL", "internal error in libldlm"},
};

static const error_info *find_error(ldlm_err err)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (errors[i].code == err)
            return &errors[i];
    return NULL;
}

const char *ldlm_strerror(ldlm_err err)
{
    const error_info *info = find_error(err);
    return info ? info->text : "unknown error code";
}

const char *ldlm_err_name(ldlm_err err)
{
    const error_info *info = find_error(err);
    return info ? info->name : "LDLM_ERR_?";
}

const char *ldlm_last_error_message(void)
{
    return last_message;
}

void ldlmi_clear_error(void)
{
    last_message[0] = '\0';
}

ldlm_err ldlmi_fail(ldlm_err err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
    return err;
}

ldlm_err ldlmi_err_from_status(grpc_status_code status)
{
    switch (status) {
    case GRPC_STATUS_OK:
        return LDLM_OK;
    case GRPC_STATUS_UNAVAILABLE:
        return LDLM_ERR_UNAVAILABLE;
    case GRPC_STATUS_UNAUTHENTICATED:
    case GRPC_STATUS_PERMISSION_DENIED:
        return LDLM_ERR_UNAUTHENTICATED;
    case GRPC_STATUS_CANCELLED:
        return LDLM_ERR_CANCELLED;
    case GRPC_STATUS_DEADLINE_EXCEEDED:
        return LDLM_ERR_DEADLINE;
    case GRPC_STATUS_INVALID_ARGUMENT:
        return LDLM_ERR_INVALID_ARGUMENT;
    case GRPC_STATUS_RESOURCE_EXHAUSTED:
    case GRPC_STATUS_UNIMPLEMENTED:
    case GRPC_STATUS_INTERNAL:
    case GRPC_STATUS_UNKNOWN:
    default:
        return LDLM_ERR_TRANSPORT;
    }
}

/*
 * The v1.2.2 server sends code Unknown (0) for several errors whose own code
 * exists, telling them apart only by the message (net/grpc/grpc.go maps a
 * fixed list of error values and server.go's Renew replaces the one it would
 * map, timermap.ErrTimerDoesNotExist, by ErrLockDoesNotExistOrInvalidKey).
 * These are the messages of that release; any other Unknown stays
 * LDLM_ERR_SERVER_UNKNOWN with the message kept.
 */
static const struct {
    const char *message;
    ldlm_err err;
} unknown_messages[] = {
    /* Renew of a lock without a server timer: forgotten after a restart,
     * freed by its key, expired, or taken without a lock timeout. */
    {"lock does not exist or invalid key",
     LDLM_ERR_LOCK_DOES_NOT_EXIST_OR_INVALID_KEY},
    /* The server is shutting down (SIGTERM): it will be back or not, like
     * any other unavailable server. */
    {"lock manager is shutdown", LDLM_ERR_UNAVAILABLE},
    /* Refused requests (our own checks catch these before sending). */
    {"lock name cannot be empty", LDLM_ERR_INVALID_ARGUMENT},
    {"lock timeout must be greater than 0", LDLM_ERR_INVALID_ARGUMENT},
    {"wait timeout must be greater than 0", LDLM_ERR_INVALID_ARGUMENT},
};

ldlm_err ldlmi_err_from_server(Ldlm__ErrorCode code, const char *message)
{
    switch (code) {
    case LDLM__ERROR_CODE__LockDoesNotExist:
        return LDLM_ERR_LOCK_DOES_NOT_EXIST;
    case LDLM__ERROR_CODE__InvalidLockKey:
        return LDLM_ERR_INVALID_LOCK_KEY;
    case LDLM__ERROR_CODE__LockWaitTimeout:
        return LDLM_ERR_LOCK_WAIT_TIMEOUT;
    case LDLM__ERROR_CODE__NotLocked:
        return LDLM_ERR_NOT_LOCKED;
    case LDLM__ERROR_CODE__LockDoesNotExistOrInvalidKey:
        return LDLM_ERR_LOCK_DOES_NOT_EXIST_OR_INVALID_KEY;
    case LDLM__ERROR_CODE__LockSizeMismatch:
        return LDLM_ERR_LOCK_SIZE_MISMATCH;
    case LDLM__ERROR_CODE__InvalidLockSize:
        return LDLM_ERR_INVALID_LOCK_SIZE;
    case LDLM__ERROR_CODE__Unknown:
    default:
        break;
    }
    for (size_t i = 0;
         message && i < sizeof unknown_messages / sizeof unknown_messages[0];
         i++)
        if (strcmp(message, unknown_messages[i].message) == 0)
            return unknown_messages[i].err;
    return LDLM_ERR_SERVER_UNKNOWN;
}
