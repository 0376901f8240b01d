/* SPDX-License-Identifier: MIT */
/* rpc.c - one function per RPC of the LDLM service: builds the request,
 * makes the call (call.c: retries, deadline, cancel) and turns the reply,
 * including the server's lock errors, into an ldlm_err. The public API
 * (locks.c, handles.c) and the keeper all call the server through here and
 * only through here. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The server reports lock-logic errors in the reply with status OK. */
static ldlm_err server_error(const Ldlm__Error *error)
{
    ldlm_err err = ldlmi_err_from_server(error->code, error->message);
    return ldlmi_fail(err, "%s",
                      error->message && *error->message ? error->message
                                                        : ldlm_strerror(err));
}

/* Request builders. Optional fields are omitted, not sent as 0, when not
 * set: the server tells "absent" from 0. */
void ldlmi_fill_try_lock_request(Ldlm__TryLockRequest *req, const char *name,
                                 int lock_timeout_seconds, int size)
{
    req->name = (char *)name;
    if (lock_timeout_seconds > 0) {
        req->_lock_timeout_seconds_case =
            LDLM__TRY_LOCK_REQUEST___LOCK_TIMEOUT_SECONDS_LOCK_TIMEOUT_SECONDS;
        req->lock_timeout_seconds = lock_timeout_seconds;
    }
    if (size > 0) {
        req->_size_case = LDLM__TRY_LOCK_REQUEST___SIZE_SIZE;
        req->size = size;
    }
}

void ldlmi_fill_lock_request(Ldlm__LockRequest *req, const char *name,
                             const ldlm_lock_options *o)
{
    req->name = (char *)name;
    if (o->wait_timeout_seconds > 0) {
        req->_wait_timeout_seconds_case =
            LDLM__LOCK_REQUEST___WAIT_TIMEOUT_SECONDS_WAIT_TIMEOUT_SECONDS;
        req->wait_timeout_seconds = o->wait_timeout_seconds;
    }
    if (o->lock_timeout_seconds > 0) {
        req->_lock_timeout_seconds_case =
            LDLM__LOCK_REQUEST___LOCK_TIMEOUT_SECONDS_LOCK_TIMEOUT_SECONDS;
        req->lock_timeout_seconds = o->lock_timeout_seconds;
    }
    if (o->size > 0) {
        req->_size_case = LDLM__LOCK_REQUEST___SIZE_SIZE;
        req->size = o->size;
    }
}

/* Reads a LockResponse of Lock or TryLock: *locked and, when locked, *key
 * (malloc'd). A Lock that returns neither a lock nor an error breaks the
 * protocol. */
static ldlm_err read_acquisition(ProtobufCMessage *msg, bool blocking,
                                 bool *locked, char **key)
{
    Ldlm__LockResponse *reply = (Ldlm__LockResponse *)msg;
    ldlm_err err = LDLM_OK;
    if (reply->error)
        err = server_error(reply->error);
    else if (blocking && !reply->locked)
        err = ldlmi_fail(LDLM_ERR_PROTOCOL,
                         "the server answered Lock with neither a lock nor "
                         "an error");
    else if (reply->locked) {
        *locked = true;
        if (!(*key = strdup(reply->key ? reply->key : "")))
            err = ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    }
    protobuf_c_message_free_unpacked(msg, NULL);
    return err;
}

ldlm_err ldlmi_rpc_lock(ldlm_client *client, const char *name,
                        const ldlm_lock_options *o, int64_t deadline_ms,
                        bool *locked, char **key)
{
    *locked = false;
    *key = NULL;
    Ldlm__LockRequest req = LDLM__LOCK_REQUEST__INIT;
    ldlmi_fill_lock_request(&req, name, o);
    ProtobufCMessage *msg = NULL;
    ldlm_err err =
        ldlmi_unary_call(client, "/ldlm.LDLM/Lock", &req.base,
                         &ldlm__lock_response__descriptor, deadline_ms, &msg);
    return err != LDLM_OK ? err : read_acquisition(msg, true, locked, key);
}

ldlm_err ldlmi_rpc_try_lock(ldlm_client *client, const char *name,
                            int lock_timeout_seconds, int size,
                            int64_t deadline_ms, bool *locked, char **key)
{
    *locked = false;
    *key = NULL;
    Ldlm__TryLockRequest req = LDLM__TRY_LOCK_REQUEST__INIT;
    ldlmi_fill_try_lock_request(&req, name, lock_timeout_seconds, size);
    ProtobufCMessage *msg = NULL;
    ldlm_err err =
        ldlmi_unary_call(client, "/ldlm.LDLM/TryLock", &req.base,
                         &ldlm__lock_response__descriptor, deadline_ms, &msg);
    return err != LDLM_OK ? err : read_acquisition(msg, false, locked, key);
}

ldlm_err ldlmi_rpc_unlock(ldlm_client *client, const char *name,
                          const char *key, int64_t deadline_ms, bool *unlocked)
{
    Ldlm__UnlockRequest req = LDLM__UNLOCK_REQUEST__INIT;
    req.name = (char *)name;
    req.key = (char *)key;
    ProtobufCMessage *msg = NULL;
    ldlm_err err =
        ldlmi_unary_call(client, "/ldlm.LDLM/Unlock", &req.base,
                         &ldlm__unlock_response__descriptor, deadline_ms, &msg);
    if (err != LDLM_OK)
        return err;
    Ldlm__UnlockResponse *reply = (Ldlm__UnlockResponse *)msg;
    if (reply->error)
        err = server_error(reply->error);
    else if (unlocked)
        *unlocked = reply->unlocked;
    protobuf_c_message_free_unpacked(msg, NULL);
    return err;
}

ldlm_err ldlmi_rpc_renew(ldlm_client *client, const char *name, const char *key,
                         int seconds, int64_t deadline_ms, char **new_key)
{
    Ldlm__RenewRequest req = LDLM__RENEW_REQUEST__INIT;
    req.name = (char *)name;
    req.key = (char *)key;
    req.lock_timeout_seconds = seconds;
    ProtobufCMessage *msg = NULL;
    ldlm_err err =
        ldlmi_unary_call(client, "/ldlm.LDLM/Renew", &req.base,
                         &ldlm__lock_response__descriptor, deadline_ms, &msg);
    if (err != LDLM_OK)
        return err;
    Ldlm__LockResponse *reply = (Ldlm__LockResponse *)msg;
    if (reply->error)
        err = server_error(reply->error);
    else if (!reply->locked)
        err = ldlmi_fail(LDLM_ERR_NOT_LOCKED, "the server no longer holds %s",
                         name);
    else if (new_key &&
             !(*new_key = strdup(reply->key && *reply->key ? reply->key : key)))
        err = ldlmi_fail(LDLM_ERR_NO_MEMORY, "out of memory");
    protobuf_c_message_free_unpacked(msg, NULL);
    return err;
}
