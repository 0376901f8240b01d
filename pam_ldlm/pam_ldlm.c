/* SPDX-License-Identifier: MIT */
/*
 * pam_ldlm.c - PAM entry points: cluster-wide limits on concurrent sessions.
 *
 * account: takes the user's slot(s) (or decides none is needed) and keeps
 *          them in PAM data for the rest of the PAM transaction. Denying here
 *          is what stops `ssh -N`, for which OpenSSH ignores session errors.
 * session: open takes the slot(s) if the account phase did not (stacks
 *          without pam_ldlm in account); close gives them back.
 * pam_end: the PAM data's cleanup gives back slots still held, but only in
 *          the process that took them: a forked child frees its copy of the
 *          memory and leaves the connection (and the slots) to its parent.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#define PAM_SM_AUTH
#define PAM_SM_ACCOUNT
#define PAM_SM_SESSION
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include <ldlm_conf.h>

#include "lock_name.h"
#include "messages.h"
#include "options.h"
#include "rules.h"
#include "slots.h"
#include <ldlm_util.h>

/* Key of the PAM data holding a pldlm_state. */
#define PLDLM_STATE_KEY "pam_ldlm_state"

/* What this PAM transaction decided. (The process that holds the slots is
 * pldlm_slots_owner(slots).) */
typedef struct pldlm_state {
    pldlm_slots *slots; /* NULL: admitted without holding any slot */
} pldlm_state;

/* The slot code's log lines, through PAM (context: the pam_handle_t). */
static void log_to_pam(void *context, int priority, const char *message)
{
    pam_syslog(context, priority, "%s", message);
}

/* Releases slots, logging through this PAM handle. */
static void release_slots(pam_handle_t *pamh, pldlm_slots *slots)
{
    const pldlm_slot_events events = {.context = pamh, .log = log_to_pam};
    pldlm_slots_release(slots, &events);
}

static void state_cleanup(pam_handle_t *pamh, void *data, int error_status)
{
    pldlm_state *st = data;
    if (st == NULL)
        return;
    if (st->slots != NULL) {
        if (getpid() != pldlm_slots_owner(st->slots)) {
            /* A forked child: the slots are the parent's to release. */
            pldlm_slots_forget(st->slots);
        } else if ((error_status & PAM_DATA_SILENT) != 0) {
            /*
             * The application says this pam_end() must not affect other
             * holders of the session, yet we are the process that holds the
             * connection: closing it would free the slots. Keep it open (the
             * memory is left for the rest of the process's life); the slots
             * are freed when this process exits.
             */
        } else {
            release_slots(pamh, st->slots);
        }
    }
    free(st);
}

/*
 * Stores the decision so that later phases and pam_end() find it: a later
 * phase of the same transaction then neither asks NSS nor the server again.
 */
static int remember(pam_handle_t *pamh, pldlm_slots *slots)
{
    pldlm_state *st = calloc(1, sizeof(*st));
    if (st == NULL) {
        release_slots(pamh, slots);
        pam_syslog(pamh, LOG_CRIT, "out of memory");
        return PAM_BUF_ERR;
    }
    st->slots = slots;
    int rc = pam_set_data(pamh, PLDLM_STATE_KEY, st, state_cleanup);
    if (rc != PAM_SUCCESS) {
        pam_syslog(pamh, LOG_ERR, "pam_set_data: %s", pam_strerror(pamh, rc));
        release_slots(pamh, slots);
        free(st);
        return PAM_SERVICE_ERR;
    }
    return PAM_SUCCESS;
}

/* Everything a decision about one login needs. */
typedef struct login {
    pam_handle_t *pamh;
    int flags;
    const pldlm_options *o;
    const char *user;     /* raw, for NSS and lock names */
    pldlm_identity shown; /* printable, for logs */
} login;

/* Tells the user that the login waits for a slot (the slot code's
 * `waiting` event; context: the login). */
static void announce_wait(void *context, const pldlm_slot_request *r,
                          long seconds)
{
    const login *l = context;
    char *text = NULL;
    int rc;
    if (r->group != NULL) {
        char *group = ldlmu_printable(r->group);
        rc = group == NULL ? -1
                           : asprintf(&text,
                                      "All %d session slots of group %s are "
                                      "in use; waiting up to %ld seconds for "
                                      "one to become free...",
                                      r->size, group, seconds);
        free(group);
    } else {
        rc = asprintf(&text,
                      "All %d of your session slots (user %s) are in use; "
                      "waiting up to %ld seconds for one to become free...",
                      r->size, l->shown.user, seconds);
    }
    if (rc >= 0) {
        pldlm_tell_user(l->pamh, l->flags, PAM_TEXT_INFO, text);
        free(text);
    }
}

static void log_for_login(void *context, int priority, const char *message)
{
    const login *l = context;
    pam_syslog(l->pamh, priority, "%s", message);
}

/* Applies on_error= after a failure that is not the user's doing. */
static int on_error(const login *l, const char *what)
{
    const pldlm_identity *w = &l->shown;
    if (l->o->on_error == PLDLM_ON_ERROR_ALLOW) {
        pam_syslog(l->pamh, LOG_WARNING,
                   "%s; on_error=allow: admitting user=%s service=%s "
                   "rhost=%s without a session slot",
                   what, w->user, w->service, w->rhost);
        return remember(l->pamh, NULL);
    }
    pam_syslog(l->pamh, LOG_ERR,
               "%s; on_error=deny: refusing user=%s service=%s rhost=%s", what,
               w->user, w->service, w->rhost);
    char *text = pldlm_template_expand(l->o->error_message, l->user, 0, NULL);
    pldlm_tell_user(l->pamh, l->flags, PAM_ERROR_MSG, text);
    free(text);
    return PAM_PERM_DENIED;
}

/* Refuses a login because a lock (or a zero limit) is full. */
static int deny_full(const login *l, const pldlm_slot_request *r,
                     const char *why)
{
    const pldlm_identity *w = &l->shown;
    char *group = ldlmu_printable(r->group);
    pam_syslog(l->pamh, LOG_NOTICE,
               "denied user=%s limit=%d%s%s lock=%s service=%s rhost=%s: %s",
               w->user, r->size, r->group != NULL ? " pool=@" : "",
               r->group != NULL && group != NULL ? group : "", r->lock_name,
               w->service, w->rhost, why);
    free(group);
    const char *tmpl =
        r->group != NULL ? l->o->pool_deny_message : l->o->deny_message;
    char *text = pldlm_template_expand(tmpl, l->user, r->size, r->group);
    pldlm_tell_user(l->pamh, l->flags, PAM_ERROR_MSG, text);
    free(text);
    return PAM_PERM_DENIED;
}

/* Builds the lock requests of a decision; returns how many, -1 if OOM. */
static long build_requests(const login *l, const pldlm_decision *d,
                           pldlm_slot_request *reqs, char **names)
{
    long n = 0;
    if (d->user_limit != PLDLM_UNLIMITED) {
        names[n] = pldlm_user_lock_name(l->o->lock_prefix, l->user);
        if (names[n] == NULL)
            return -1;
        reqs[n] = (pldlm_slot_request){
            .lock_name = names[n], .size = (int)d->user_limit, .group = NULL};
        n++;
    }
    for (size_t i = 0; i < d->pool_count; i++) {
        names[n] = pldlm_group_lock_name(l->o->lock_prefix, d->pools[i].group);
        if (names[n] == NULL)
            return -1;
        reqs[n] = (pldlm_slot_request){.lock_name = names[n],
                                       .size = (int)d->pools[i].size,
                                       .group = d->pools[i].group};
        n++;
    }
    return n;
}

/* Takes the slots of a decision, or refuses. */
static int enforce(const login *l, const pldlm_decision *d)
{
    size_t max = 1 + d->pool_count;
    pldlm_slot_request *reqs = calloc(max, sizeof(*reqs));
    char **names = calloc(max, sizeof(*names));
    int rc;
    long n =
        reqs != NULL && names != NULL ? build_requests(l, d, reqs, names) : -1;
    if (n < 0) {
        pam_syslog(l->pamh, LOG_CRIT, "out of memory");
        rc = PAM_BUF_ERR;
        goto out;
    }
    if (n == 0) {
        if (l->o->debug)
            pam_syslog(l->pamh, LOG_DEBUG, "user=%s: no limit applies (%s)",
                       l->shown.user, d->why);
        rc = remember(l->pamh, NULL);
        goto out;
    }
    /* A zero limit refuses without asking the server (and a lock of size
     * 0 does not exist there). */
    for (long i = 0; i < n; i++) {
        if (reqs[i].size == 0) {
            rc = deny_full(l, &reqs[i], "the limit is 0");
            goto out;
        }
    }

    pldlm_slots *slots = NULL;
    pldlm_acquire_result res;
    char what[1024];
    /* Only what the slot code needs crosses into it; it speaks to the user
     * and the log through these events, never through PAM itself. */
    const pldlm_slot_settings settings = {
        .conn = &l->o->conn,
        .timeout_seconds = l->o->timeout_seconds,
        .wait_seconds = l->o->wait_seconds,
        .max_retries_set = l->o->max_retries_set,
        .debug = l->o->debug,
    };
    const pldlm_slot_events events = {
        .context = (void *)l, .waiting = announce_wait, .log = log_for_login};
    switch (pldlm_slots_acquire(&settings, &events, reqs, (size_t)n, &l->shown,
                                &slots, &res)) {
    case PLDLM_ACQUIRED:
        if (l->o->debug)
            pam_syslog(l->pamh, LOG_DEBUG,
                       "user=%s holds %ld slot(s), first %s (limit %d, %s), "
                       "in %ld ms",
                       l->shown.user, n, reqs[0].lock_name, reqs[0].size,
                       d->why, res.elapsed_ms);
        rc = remember(l->pamh, slots);
        break;
    case PLDLM_SLOTS_FULL:
        rc = deny_full(l, &reqs[res.request], "all slots are in use");
        break;
    case PLDLM_SIZE_MISMATCH:
        snprintf(what, sizeof(what),
                 "lock %s exists on the server with a size other than the "
                 "configured limit %d: the limit was changed while sessions "
                 "counted under the old one were open, and the server keeps "
                 "the old size until all of them have closed and the idle "
                 "lock has been garbage-collected (%s)",
                 reqs[res.request].lock_name, reqs[res.request].size,
                 res.detail);
        rc = on_error(l, what);
        break;
    case PLDLM_LOCAL_ERROR:
        pam_syslog(l->pamh, LOG_ERR, "configuration error: %s", res.detail);
        rc = PAM_SERVICE_ERR;
        break;
    case PLDLM_SERVER_ERROR:
    default:
        snprintf(what, sizeof(what),
                 "the LDLM server did not grant a slot (%s, after %ld ms)",
                 res.detail, res.elapsed_ms);
        rc = on_error(l, what);
        break;
    }

out:
    if (names != NULL)
        for (size_t i = 0; i < max; i++)
            free(names[i]);
    free(names);
    free(reqs);
    return rc;
}

/* Reads an item as a printable string (a default when unset). */
static char *printable_item(pam_handle_t *pamh, int item, const char *unset)
{
    const void *value = NULL;
    if (pam_get_item(pamh, item, &value) != PAM_SUCCESS || value == NULL ||
        ((const char *)value)[0] == '\0')
        return ldlmu_printable(unset);
    return ldlmu_printable(value);
}

static int decide_and_enforce(pam_handle_t *pamh, int flags,
                              const pldlm_options *o, const char *phase)
{
    const void *data = NULL;
    if (pam_get_data(pamh, PLDLM_STATE_KEY, &data) == PAM_SUCCESS &&
        data != NULL) {
        if (o->debug)
            pam_syslog(pamh, LOG_DEBUG,
                       "%s: already decided earlier in this transaction",
                       phase);
        return PAM_SUCCESS;
    }

    const char *user = NULL;
    int rc = pam_get_user(pamh, &user, NULL);
    if (rc != PAM_SUCCESS || user == NULL || user[0] == '\0') {
        pam_syslog(pamh, LOG_NOTICE, "cannot determine the user name: %s",
                   pam_strerror(pamh, rc));
        return PAM_USER_UNKNOWN;
    }

    login l = {.pamh = pamh, .flags = flags, .o = o, .user = user};
    char *shown_user = ldlmu_printable(user);
    char *service = printable_item(pamh, PAM_SERVICE, "(unknown)");
    char *rhost = printable_item(pamh, PAM_RHOST, "(local)");
    if (shown_user == NULL || service == NULL || rhost == NULL) {
        pam_syslog(pamh, LOG_CRIT, "out of memory");
        rc = PAM_BUF_ERR;
        goto out;
    }
    l.shown = (pldlm_identity){
        .user = shown_user, .service = service, .rhost = rhost};

    pldlm_decision d;
    switch (pldlm_decide(o, user, &d)) {
    case PLDLM_USER_UNKNOWN:
        pam_syslog(pamh, LOG_NOTICE, "user=%s is unknown to NSS", shown_user);
        rc = PAM_USER_UNKNOWN;
        goto out;
    case PLDLM_DECIDED:
        break;
    default: {
        char what[700];
        snprintf(what, sizeof(what),
                 "cannot resolve the limits of the user "
                 "(%s)",
                 d.error);
        rc = on_error(&l, what);
        goto out;
    }
    }

    if (d.exemption != PLDLM_NOT_EXEMPT) {
        if (o->debug)
            pam_syslog(pamh, LOG_DEBUG, "user=%s is exempt: %s", shown_user,
                       d.why);
        rc = remember(pamh, NULL);
    } else {
        rc = enforce(&l, &d);
    }
    pldlm_decision_free(&d);

out:
    free(shown_user);
    free(service);
    free(rhost);
    return rc;
}

static int admit(pam_handle_t *pamh, int flags, int argc, const char **argv,
                 const char *phase)
{
    pldlm_options o;
    if (pldlm_options_load(&o, LDLM_CONF_DEFAULT_PATH, argc, argv) != 0) {
        pam_syslog(pamh, LOG_ERR, "configuration error: %s", o.error);
        return PAM_SERVICE_ERR;
    }
    int rc = decide_and_enforce(pamh, flags, &o, phase);
    pldlm_options_free(&o);
    return rc;
}

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc,
                                const char **argv)
{
    return admit(pamh, flags, argc, argv, "account");
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc,
                                   const char **argv)
{
    return admit(pamh, flags, argc, argv, "session");
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
                                    const char **argv)
{
    (void)flags;
    /* The slots are given back even when the configuration has become
     * unreadable since the session opened; it only decides on debug logs. */
    pldlm_options o;
    bool debug = false;
    if (pldlm_options_load(&o, LDLM_CONF_DEFAULT_PATH, argc, argv) == 0) {
        debug = o.debug;
        pldlm_options_free(&o);
    } else {
        pam_syslog(pamh, LOG_ERR, "configuration error: %s", o.error);
    }

    const void *data = NULL;
    if (pam_get_data(pamh, PLDLM_STATE_KEY, &data) != PAM_SUCCESS ||
        data == NULL)
        return PAM_SUCCESS; /* nothing held: exempt, unlimited, ... */
    const pldlm_state *st = data;
    if (st->slots != NULL && pldlm_slots_owner(st->slots) != getpid()) {
        if (debug)
            pam_syslog(pamh, LOG_DEBUG,
                       "the slots belong to pid %ld, which gives them back",
                       (long)pldlm_slots_owner(st->slots));
        return PAM_SUCCESS;
    }
    if (debug && st->slots != NULL)
        pam_syslog(pamh, LOG_DEBUG, "giving back %zu slot(s)",
                   pldlm_slots_count(st->slots));
    /* Replacing the data runs state_cleanup, which releases the slots; the
     * next open_session on this handle then decides afresh. */
    int rc = pam_set_data(pamh, PLDLM_STATE_KEY, NULL, NULL);
    if (rc != PAM_SUCCESS) {
        pam_syslog(pamh, LOG_ERR, "pam_set_data: %s", pam_strerror(pamh, rc));
        return PAM_SESSION_ERR;
    }
    return PAM_SUCCESS;
}

/* Not an authentication module: listed in auth or setcred by mistake, it
 * stays out of the way. */
PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
                                   const char **argv)
{
    (void)pamh;
    (void)flags;
    (void)argc;
    (void)argv;
    return PAM_IGNORE;
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc,
                              const char **argv)
{
    (void)pamh;
    (void)flags;
    (void)argc;
    (void)argv;
    return PAM_IGNORE;
}
