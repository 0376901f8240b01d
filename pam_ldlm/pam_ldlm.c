/* SPDX-License-Identifier: MIT */
/*
 * pam_ldlm.c - PAM entry points: cluster-wide limits on concurrent sessions.
 *
 * account: takes the user's slot(s) (or decides none is needed) and keeps
 *          them in PAM data for the rest of the PAM transaction. Denying here
 *          is what stops `ssh -N`, for which OpenSSH ignores session errors.
 * session: open takes the slot(s) if the account phase did not (stacks
 *          without pam_ldlm in account), or if PAM_USER has changed since
 *          (sudo checks the account of the invoking user and opens the
 *          session of the target user); close gives them back.
 * pam_end: the PAM data's cleanup gives back slots still held, but only in
 *          the process that took them: a forked child frees its copy of the
 *          memory and leaves the connection (and the slots) to its parent.
 *
 * Two ways to hold slots (mode=): through ldlmd, the host's daemon
 * (agent_slots.h, the default: a session token, kept in the PAM data and in
 * the PAM environment so that any process can close the session), or in the
 * login's own process (slots.h, mode=direct: a connection of its own).
 *
 * Return codes: each phase returns only what pam_sm_acct_mgmt(3) and
 * pam_sm_open_session(3) document for it: account PAM_SUCCESS,
 * PAM_PERM_DENIED or PAM_USER_UNKNOWN; session PAM_SUCCESS or
 * PAM_SESSION_ERR. Internally the account codes are used, and the session
 * entry points translate them.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define PAM_SM_AUTH
#define PAM_SM_ACCOUNT
#define PAM_SM_SESSION
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include <ldlm_conf.h>
#include <nss_helpers.h>

#include "agent_slots.h"
#include "lock_name.h"
#include "messages.h"
#include "options.h"
#include "rules.h"
#include "slots.h"
#include <ldlm_util.h>

/* Key of the PAM data holding a pldlm_state. */
#define PLDLM_STATE_KEY "pam_ldlm_state"

/* Shown to the user when a lock was found with a size that no pam_ldlm
 * host gives it. Not a setting: the user must learn that an administrator
 * is needed, whatever the site's other texts say. */
#define PLDLM_TAMPER_USER_MESSAGE                                              \
    "Login refused: the session lock of %s on the lock server has been "       \
    "tampered with. Please tell your administrator, who can free it on the "   \
    "lock server."

/* Default bound of a release by token when the settings cannot be read
 * (the close of a session whose configuration broke meanwhile). */
#define PLDLM_RELEASE_TIMEOUT_MS (PLDLM_DEFAULT_TIMEOUT * 1000)

/* A session held through ldlmd. */
typedef struct agent_session {
    pldlm_token token;
    char *socket;   /* agent_socket= when taken; NULL: the default */
    int timeout_ms; /* bound of the release */
    pid_t opener;   /* the process that took it, which ldlmd watches */
} agent_session;

/* What this PAM transaction decided, and for whom: a decision is reused by
 * a later phase only while PAM_USER still names the same account. (The
 * process that holds the slots is pldlm_slots_owner(slots), or
 * agent->opener.) */
typedef struct pldlm_state {
    pldlm_slots *slots;   /* mode=direct: the slots, NULL if none */
    agent_session *agent; /* mode=agent: the session, NULL if none */
    char *pam_user;       /* PAM_USER when decided, as given */
    char *account;        /* the account it named (pw_name) */
} pldlm_state;

/* 64 bits: milliseconds since boot do not fit a 32-bit long for long. */
static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

static void agent_session_free(agent_session *as)
{
    if (as != NULL)
        free(as->socket);
    free(as);
}

/* Ends an agent session by its token, logging the outcome; PAM_SUCCESS, or
 * PAM_SESSION_ERR when ldlmd could not be asked (then ldlmd still ends the
 * session when the process that opened it exits). */
static int release_token(pam_handle_t *pamh, const char *socket, int timeout_ms,
                         const char *token, bool debug)
{
    pldlm_release_result res;
    int64_t deadline = now_ms() + timeout_ms;
    switch (pldlm_agent_release(socket, deadline, token, &res)) {
    case PLDLM_RELEASED:
        if (debug)
            pam_syslog(pamh, LOG_DEBUG,
                       "session ended through ldlmd (%u slot(s) released)",
                       res.released);
        return PAM_SUCCESS;
    case PLDLM_ALREADY_ENDED:
        if (debug)
            pam_syslog(pamh, LOG_DEBUG,
                       "ldlmd knows no session of this token: it has ended "
                       "already (its process exited, or another process "
                       "closed it)");
        return PAM_SUCCESS;
    case PLDLM_RELEASE_FAILED:
    default:
        pam_syslog(pamh, LOG_ERR,
                   "cannot end the session through ldlmd (%s); ldlmd ends it "
                   "when the process that opened it exits",
                   res.detail);
        return PAM_SESSION_ERR;
    }
}

static void state_free(pldlm_state *st)
{
    agent_session_free(st->agent);
    free(st->pam_user);
    free(st->account);
    free(st);
}

static void state_cleanup(pam_handle_t *pamh, void *data, int error_status)
{
    pldlm_state *st = data;
    if (st == NULL)
        return;
    if (st->agent != NULL && getpid() == st->agent->opener &&
        (error_status & PAM_DATA_SILENT) == 0) {
        /* pam_end() without a close in the process that opened: the session
         * ends with the transaction. A forked child (another pid) leaves it
         * to its parent; PAM_DATA_SILENT hands it over to whoever has the
         * token, and ldlmd still ends it when the opener exits. */
        (void)release_token(pamh, st->agent->socket, st->agent->timeout_ms,
                            st->agent->token.text, false);
    }
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
            st->slots = NULL;
        } else {
            release_slots(pamh, st->slots);
        }
    }
    state_free(st);
}

/* The decision stored earlier in this transaction, or NULL. */
static const pldlm_state *current_state(pam_handle_t *pamh)
{
    const void *data = NULL;
    if (pam_get_data(pamh, PLDLM_STATE_KEY, &data) != PAM_SUCCESS)
        return NULL;
    return data;
}

/*
 * Stores the decision so that later phases and pam_end() find it: a later
 * phase of the same transaction for the same user then neither asks NSS nor
 * the server again. Replacing an earlier decision gives its slots back.
 */
/* Gives back what a decision holds that could not be remembered. */
static void undo(pam_handle_t *pamh, pldlm_slots *slots, agent_session *as)
{
    release_slots(pamh, slots);
    if (as != NULL)
        (void)release_token(pamh, as->socket, as->timeout_ms, as->token.text,
                            false);
    agent_session_free(as);
}

/*
 * Stores the decision so that later phases and pam_end() find it: a later
 * phase of the same transaction for the same user then neither asks NSS nor
 * the server again. Replacing an earlier decision gives its slots back.
 * An agent session's token also goes into the PAM environment, where the
 * application finds it for another process that closes the session. Takes
 * `slots` and `as` (either may be NULL).
 */
static int remember(pam_handle_t *pamh, pldlm_slots *slots, agent_session *as,
                    const char *pam_user, const char *account)
{
    pldlm_state *st = calloc(1, sizeof(*st));
    if (st != NULL) {
        st->pam_user = strdup(pam_user);
        st->account = strdup(account);
    }
    if (st == NULL || st->pam_user == NULL || st->account == NULL) {
        undo(pamh, slots, as);
        if (st != NULL)
            state_free(st);
        pam_syslog(pamh, LOG_CRIT, "out of memory");
        return PAM_BUF_ERR;
    }
    int rc = pam_set_data(pamh, PLDLM_STATE_KEY, st, state_cleanup);
    if (rc != PAM_SUCCESS) {
        pam_syslog(pamh, LOG_ERR, "pam_set_data: %s", pam_strerror(pamh, rc));
        undo(pamh, slots, as);
        state_free(st);
        return PAM_PERM_DENIED;
    }
    /* Set after pam_set_data: replacing an earlier decision (whose cleanup
     * may run above) never sees the new state half made. */
    st->slots = slots;
    st->agent = as;
    if (as != NULL) {
        char assignment[sizeof(PLDLM_TOKEN_ENV) + LDLM_AGENT_TOKEN_LEN + 1];
        snprintf(assignment, sizeof(assignment), "%s=%s", PLDLM_TOKEN_ENV,
                 as->token.text);
        rc = pam_putenv(pamh, assignment);
        if (rc != PAM_SUCCESS)
            /* The session still ends at close in this process, or when
             * this process exits. */
            pam_syslog(pamh, LOG_ERR,
                       "pam_putenv(%s): %s: only this process can close the "
                       "session",
                       PLDLM_TOKEN_ENV, pam_strerror(pamh, rc));
    }
    return PAM_SUCCESS;
}

/* Removes the token from the PAM environment (if there). */
static void drop_token_env(pam_handle_t *pamh)
{
    if (pam_getenv(pamh, PLDLM_TOKEN_ENV) != NULL)
        (void)pam_putenv(pamh, PLDLM_TOKEN_ENV);
}

/* Gives back an earlier decision's slots (state_cleanup runs). */
static int forget_state(pam_handle_t *pamh)
{
    int rc = pam_set_data(pamh, PLDLM_STATE_KEY, NULL, NULL);
    if (rc != PAM_SUCCESS)
        pam_syslog(pamh, LOG_ERR, "pam_set_data: %s", pam_strerror(pamh, rc));
    else
        drop_token_env(pamh);
    return rc;
}

/* Everything a decision about one login needs. */
typedef struct login {
    pam_handle_t *pamh;
    int flags;
    const pldlm_options *o; /* NULL after a configuration error */
    pldlm_on_error on_error;
    const char *error_message; /* template */
    bool debug;
    const char *tty;      /* PAM_TTY, printable (mode=agent) */
    const char *pam_user; /* PAM_USER, as given */
    const char *account;  /* the account's name (pw_name): locks, messages */
    pldlm_identity shown; /* printable, for logs */
    int64_t deadline_ms;  /* CLOCK_MONOTONIC: the decision is over by then */
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
    if (l->on_error == PLDLM_ON_ERROR_ALLOW) {
        pam_syslog(l->pamh, LOG_WARNING,
                   "%s; on_error=allow: admitting user=%s service=%s "
                   "rhost=%s without a session slot",
                   what, w->user, w->service, w->rhost);
        return remember(l->pamh, NULL, NULL, l->pam_user, l->account);
    }
    pam_syslog(l->pamh, LOG_ERR,
               "%s; on_error=deny: refusing user=%s service=%s rhost=%s", what,
               w->user, w->service, w->rhost);
    char *text = pldlm_template_expand(l->error_message, l->account, 0, NULL);
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
    char *text = pldlm_template_expand(tmpl, l->account, r->size, r->group);
    pldlm_tell_user(l->pamh, l->flags, PAM_ERROR_MSG, text);
    free(text);
    return PAM_PERM_DENIED;
}

/*
 * The server has a lock of ours with another size. No pam_ldlm host makes
 * one (the size is part of the name), so someone else with access to the
 * server did: holding it with a huge size would otherwise admit every
 * login without a slot, and on_error=allow would let that happen.
 * Refused whatever on_error says, logged as tampering, with what to do.
 */
static int deny_tampered(const login *l, const pldlm_slot_request *r,
                         const char *detail)
{
    const pldlm_identity *w = &l->shown;
    pam_syslog(l->pamh, LOG_ALERT,
               "tampering: lock %s exists on the LDLM server with a size "
               "other than %d, and no pam_ldlm host creates it so (the limit "
               "is part of the lock name): someone else with access to the "
               "server made it. Refusing user=%s service=%s rhost=%s, "
               "whatever on_error says. To undo it, free the lock on the "
               "server's host with the server's own tool ('ldlm-lock unlock "
               "%s') or move every limit to fresh names with another "
               "lock_prefix=; to prevent it, protect the server (a password, "
               "TLS, a firewall: see SECURITY in pam_ldlm.conf(5)). (%s)",
               r->lock_name, r->size, w->user, w->service, w->rhost,
               r->lock_name, detail);
    char *whose = NULL;
    char *shown = ldlmu_printable(r->group != NULL ? r->group : l->account);
    if (shown != NULL &&
        asprintf(&whose, "%s %s", r->group != NULL ? "group" : "user", shown) <
            0)
        whose = NULL;
    char *text = NULL;
    if (whose != NULL && asprintf(&text, PLDLM_TAMPER_USER_MESSAGE, whose) < 0)
        text = NULL;
    pldlm_tell_user(l->pamh, l->flags, PAM_ERROR_MSG, text);
    free(text);
    free(whose);
    free(shown);
    return PAM_PERM_DENIED;
}

/* Builds the lock requests of a decision; returns how many, -1 if OOM. */
static long build_requests(const login *l, const pldlm_decision *d,
                           pldlm_slot_request *reqs, char **names)
{
    long n = 0;
    if (d->user_limit != PLDLM_UNLIMITED) {
        names[n] =
            pldlm_user_lock_name(l->o->lock_prefix, l->account, d->user_limit);
        if (names[n] == NULL)
            return -1;
        reqs[n] = (pldlm_slot_request){
            .lock_name = names[n], .size = (int)d->user_limit, .group = NULL};
        n++;
    }
    for (size_t i = 0; i < d->pool_count; i++) {
        names[n] = pldlm_group_lock_name(l->o->lock_prefix, d->pools[i].group,
                                         d->pools[i].size);
        if (names[n] == NULL)
            return -1;
        reqs[n] = (pldlm_slot_request){.lock_name = names[n],
                                       .size = (int)d->pools[i].size,
                                       .group = d->pools[i].group};
        n++;
    }
    return n;
}

/* insecure_no_password is said in the log once per process that uses it
 * (the module is never unloaded: -z nodelete). */
static atomic_bool no_password_logged;

/* mode=direct: the slots in this process, through the slots backend. */
static pldlm_acquire_status acquire_direct(const login *l,
                                           const pldlm_slot_request *reqs,
                                           long n, pldlm_slots **slots,
                                           pldlm_acquire_result *res)
{
    if (l->o->conn.password_file == NULL && l->o->insecure_no_password &&
        !atomic_exchange(&no_password_logged, 1))
        pam_syslog(l->pamh, LOG_WARNING,
                   "insecure_no_password: using the LDLM server %s without a "
                   "password, as configured; anyone who can reach it can take "
                   "or free any user's session slots",
                   l->o->conn.server != NULL ? l->o->conn.server
                                             : "localhost:3144");
    /* Only what the slot code needs crosses into it; it speaks to the user
     * and the log through these events, never through PAM itself. */
    const pldlm_slot_settings settings = {
        .conn = &l->o->conn,
        .deadline_ms = l->deadline_ms,
        .wait_seconds = l->o->wait_seconds,
        .max_retries_set = l->o->max_retries_set,
        .debug = l->o->debug,
    };
    const pldlm_slot_events events = {
        .context = (void *)l, .waiting = announce_wait, .log = log_for_login};
    return pldlm_slots_acquire(&settings, &events, reqs, (size_t)n, &l->shown,
                               slots, res);
}

/* mode=agent: the slots held by ldlmd for a session of this process. */
static pldlm_acquire_status
acquire_through_agent(const login *l, const pldlm_slot_request *reqs, long n,
                      agent_session **out, pldlm_acquire_result *res)
{
    *out = NULL;
    agent_session *as = calloc(1, sizeof(*as));
    if (as == NULL || (l->o->agent_socket != NULL &&
                       (as->socket = strdup(l->o->agent_socket)) == NULL)) {
        agent_session_free(as);
        memset(res, 0, sizeof(*res));
        res->status = PLDLM_AGENT_ERROR;
        snprintf(res->detail, sizeof(res->detail), "out of memory");
        return res->status;
    }
    as->timeout_ms = l->o->timeout_seconds * 1000;
    as->opener = getpid();
    const pldlm_agent_settings settings = {
        .socket = l->o->agent_socket,
        .deadline_ms = l->deadline_ms,
        .wait_seconds = l->o->wait_seconds,
        .tty = l->tty,
    };
    const pldlm_slot_events events = {
        .context = (void *)l, .waiting = announce_wait, .log = log_for_login};
    pldlm_acquire_status st = pldlm_agent_acquire(
        &settings, &events, reqs, (size_t)n, &l->shown, &as->token, res);
    if (st == PLDLM_ACQUIRED)
        *out = as;
    else
        agent_session_free(as);
    return st;
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
        if (l->debug)
            pam_syslog(l->pamh, LOG_DEBUG, "user=%s: no limit applies (%s)",
                       l->shown.user, d->why);
        rc = remember(l->pamh, NULL, NULL, l->pam_user, l->account);
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
    agent_session *as = NULL;
    pldlm_acquire_result res;
    pldlm_acquire_status st = l->o->mode == PLDLM_MODE_AGENT
                                  ? acquire_through_agent(l, reqs, n, &as, &res)
                                  : acquire_direct(l, reqs, n, &slots, &res);
    char what[1024];
    switch (st) {
    case PLDLM_ACQUIRED:
        if (l->debug)
            pam_syslog(l->pamh, LOG_DEBUG,
                       "user=%s holds %ld slot(s)%s, first %s (limit %d, %s), "
                       "in %ld ms",
                       l->shown.user, n, as != NULL ? " through ldlmd" : "",
                       reqs[0].lock_name, reqs[0].size, d->why, res.elapsed_ms);
        rc = remember(l->pamh, slots, as, l->pam_user, l->account);
        break;
    case PLDLM_SLOTS_FULL:
        rc = deny_full(l, &reqs[res.request], "all slots are in use");
        break;
    case PLDLM_SIZE_MISMATCH:
        rc = deny_tampered(l, &reqs[res.request], res.detail);
        break;
    case PLDLM_LOCAL_ERROR:
        snprintf(what, sizeof(what), "configuration error: %s", res.detail);
        rc = on_error(l, what);
        break;
    case PLDLM_AGENT_ERROR:
        snprintf(what, sizeof(what),
                 "no answer from ldlmd, the host's session agent (%s, after "
                 "%ld ms)",
                 res.detail, res.elapsed_ms);
        rc = on_error(l, what);
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

/* The raw PAM_SERVICE ("" when unset). */
static const char *service_name(pam_handle_t *pamh)
{
    const void *value = NULL;
    if (pam_get_item(pamh, PAM_SERVICE, &value) != PAM_SUCCESS || value == NULL)
        return "";
    return value;
}

/*
 * PAM_USER as the application set it. Never pam_get_user(): that prompts
 * for a name when none is set, and the account and session phases must
 * not talk to the user for that (the name was settled by authentication).
 */
static const char *pam_user_item(pam_handle_t *pamh, const char *phase)
{
    const void *value = NULL;
    int rc = pam_get_item(pamh, PAM_USER, &value);
    if (rc != PAM_SUCCESS || value == NULL ||
        ((const char *)value)[0] == '\0') {
        pam_syslog(pamh, LOG_NOTICE, "%s: PAM_USER is not set (%s)", phase,
                   rc != PAM_SUCCESS ? pam_strerror(pamh, rc) : "no user");
        return NULL;
    }
    return value;
}

/* Fills the printable identity of a login; PAM_BUF_ERR if out of memory
 * (then the caller frees what was made). */
static int fill_shown(login *l, const char *account)
{
    l->shown = (pldlm_identity){
        .user = ldlmu_printable(account),
        .service = printable_item(l->pamh, PAM_SERVICE, "(unknown)"),
        .rhost = printable_item(l->pamh, PAM_RHOST, "(local)")};
    l->tty = printable_item(l->pamh, PAM_TTY, "");
    if (l->shown.user == NULL || l->shown.service == NULL ||
        l->shown.rhost == NULL || l->tty == NULL) {
        pam_syslog(l->pamh, LOG_CRIT, "out of memory");
        return PAM_BUF_ERR;
    }
    return PAM_SUCCESS;
}

static void free_shown(login *l)
{
    free((char *)l->shown.user);
    free((char *)l->shown.service);
    free((char *)l->shown.rhost);
    free((char *)l->tty);
}

static int close_by_env(pam_handle_t *pamh, const pldlm_options *o, bool debug);

static int decide_and_enforce(login *l, const char *phase)
{
    pam_handle_t *pamh = l->pamh;
    const pldlm_options *o = l->o;
    const pldlm_state *held = current_state(pamh);
    if (held != NULL && strcmp(held->pam_user, l->pam_user) == 0) {
        if (o->debug)
            pam_syslog(pamh, LOG_DEBUG,
                       "%s: already decided earlier in this transaction",
                       phase);
        return PAM_SUCCESS;
    }

    pldlm_decision d;
    int rc;
    switch (pldlm_decide(o, l->pam_user, &d)) {
    case PLDLM_USER_UNKNOWN: {
        char *shown = ldlmu_printable(l->pam_user);
        pam_syslog(pamh, LOG_NOTICE, "user=%s is unknown to NSS",
                   shown != NULL ? shown : "?");
        free(shown);
        return PAM_USER_UNKNOWN;
    }
    case PLDLM_DECIDED:
        break;
    default: {
        /* Not even the account's name is known: the name as given. */
        l->account = l->pam_user;
        rc = fill_shown(l, l->pam_user);
        if (rc == PAM_SUCCESS) {
            char what[700];
            snprintf(what, sizeof(what),
                     "cannot resolve the limits of the user (%s)", d.error);
            rc = on_error(l, what);
        }
        free_shown(l);
        return rc;
    }
    }
    l->account = d.user;

    if (held != NULL) {
        if (strcmp(held->account, d.user) == 0) {
            /* Another spelling of the same account: same decision. */
            if (o->debug)
                pam_syslog(pamh, LOG_DEBUG,
                           "%s: already decided earlier in this transaction "
                           "for the same account",
                           phase);
            pldlm_decision_free(&d);
            return PAM_SUCCESS;
        }
        char *before = ldlmu_printable(held->account);
        char *now = ldlmu_printable(d.user);
        pam_syslog(pamh, LOG_INFO,
                   "%s: PAM_USER is now %s, no longer %s as when the earlier "
                   "phase decided: giving back %s's slots and deciding for %s",
                   phase, now != NULL ? now : "?",
                   before != NULL ? before : "?", before != NULL ? before : "?",
                   now != NULL ? now : "?");
        free(before);
        free(now);
        if (forget_state(pamh) != PAM_SUCCESS) {
            pldlm_decision_free(&d);
            return PAM_PERM_DENIED;
        }
    }

    if (held == NULL && o->mode == PLDLM_MODE_AGENT &&
        pam_getenv(pamh, PLDLM_TOKEN_ENV) != NULL) {
        /* An earlier phase admitted this login in another process and left
         * only its token here. OpenSSH runs the account phase of
         * keyboard-interactive logins in a child that exits afterwards and
         * copies the child's PAM environment back into this handle. That
         * session would last until ldlmd sees the child exit, so with a
         * limit of 1 this phase could find the lock full of the login's
         * own slot: it ends now, and this phase takes a slot of its own. */
        if (o->debug)
            pam_syslog(pamh, LOG_DEBUG,
                       "%s: an earlier phase held a slot in another process "
                       "(its token is in the PAM environment): ending that "
                       "session before taking this one's",
                       phase);
        (void)close_by_env(pamh, o, o->debug);
    }

    rc = fill_shown(l, d.user);
    if (rc == PAM_SUCCESS) {
        if (o->debug && strcmp(l->pam_user, d.user) != 0) {
            char *given = ldlmu_printable(l->pam_user);
            pam_syslog(pamh, LOG_DEBUG, "PAM_USER %s is the account %s",
                       given != NULL ? given : "?", l->shown.user);
            free(given);
        }
        if (d.exemption != PLDLM_NOT_EXEMPT) {
            if (o->debug)
                pam_syslog(pamh, LOG_DEBUG, "user=%s is exempt: %s",
                           l->shown.user, d.why);
            rc = remember(pamh, NULL, NULL, l->pam_user, d.user);
        } else {
            rc = enforce(l, &d);
        }
    }
    free_shown(l);
    pldlm_decision_free(&d);
    return rc;
}

/*
 * The configuration cannot be used (missing, unreadable, unsafe or
 * malformed): nobody can tell who is limited or exempt. Root is admitted,
 * so that a broken file never locks the administrator out (unless the
 * module's own arguments say even_deny_root), and everyone else gets the
 * on_error decision, read from what can still be trusted.
 */
static int config_failure(pam_handle_t *pamh, int flags, int argc,
                          const char **argv, const char *phase,
                          const char *pam_user, const char *error)
{
    pam_syslog(pamh, LOG_ERR, "configuration error: %s", error);
    pldlm_fallback f;
    pldlm_options_fallback(&f, LDLM_CONF_DEFAULT_PATH, argc, argv);

    const pldlm_state *held = current_state(pamh);
    if (held != NULL && strcmp(held->pam_user, pam_user) == 0) {
        if (f.debug)
            pam_syslog(pamh, LOG_DEBUG,
                       "%s: already decided earlier in this transaction",
                       phase);
        return PAM_SUCCESS;
    }
    nssh_user *pw = NULL;
    int found = nssh_user_lookup(pam_user, &pw);
    if (found == NSSH_NOT_FOUND) {
        char *shown = ldlmu_printable(pam_user);
        pam_syslog(pamh, LOG_NOTICE, "user=%s is unknown to NSS",
                   shown != NULL ? shown : "?");
        free(shown);
        return PAM_USER_UNKNOWN;
    }
    if (held != NULL && forget_state(pamh) != PAM_SUCCESS) {
        nssh_user_free(pw);
        return PAM_PERM_DENIED;
    }
    login l = {.pamh = pamh,
               .flags = flags,
               .o = NULL,
               .on_error = f.on_error,
               .error_message = PLDLM_DEFAULT_ERROR_MESSAGE,
               .debug = f.debug,
               .pam_user = pam_user,
               .account = found == NSSH_OK ? pw->name : pam_user};
    int rc = fill_shown(&l, l.account);
    if (rc == PAM_SUCCESS) {
        if (found == NSSH_OK && pw->uid == 0 && !f.even_deny_root) {
            pam_syslog(pamh, LOG_NOTICE,
                       "admitting user=%s (uid 0) service=%s rhost=%s despite "
                       "the configuration error: root is never locked out by "
                       "a broken configuration (even_deny_root among the "
                       "module arguments would refuse it)",
                       l.shown.user, l.shown.service, l.shown.rhost);
            rc = remember(pamh, NULL, NULL, pam_user, l.account);
        } else if (found < 0) {
            char what[300];
            snprintf(what, sizeof(what),
                     "configuration error, and the user cannot be looked up "
                     "(%s)",
                     nssh_strerror(found));
            rc = on_error(&l, what);
        } else {
            rc = on_error(&l, "configuration error");
        }
    }
    free_shown(&l);
    nssh_user_free(pw);
    return rc;
}

/* The decision of the account or session phase, in account terms. */
static int admit(pam_handle_t *pamh, int flags, int argc, const char **argv,
                 const char *phase)
{
    /* timeout= bounds the whole decision, counted from here. */
    int64_t started = now_ms();
    const char *pam_user = pam_user_item(pamh, phase);
    if (pam_user == NULL)
        return PAM_USER_UNKNOWN;

    pldlm_options o;
    if (pldlm_options_load(&o, LDLM_CONF_DEFAULT_PATH, argc, argv) != 0)
        return config_failure(pamh, flags, argc, argv, phase, pam_user,
                              o.error);

    int rc;
    const char *service = service_name(pamh);
    if (!pldlm_service_counted(&o, service)) {
        if (o.debug) {
            char *shown = ldlmu_printable(service);
            pam_syslog(pamh, LOG_DEBUG,
                       "%s: service %s does not count (services=, "
                       "ignore_services=)",
                       phase, shown != NULL ? shown : "?");
            free(shown);
        }
        rc = PAM_SUCCESS;
    } else {
        login l = {.pamh = pamh,
                   .flags = flags,
                   .o = &o,
                   .on_error = o.on_error,
                   .error_message = o.error_message,
                   .debug = o.debug,
                   .pam_user = pam_user,
                   .deadline_ms = started + (int64_t)o.timeout_seconds * 1000};
        rc = decide_and_enforce(&l, phase);
    }
    pldlm_options_free(&o);
    return rc;
}

/* Only the codes pam_sm_acct_mgmt(3) documents. */
static int account_code(int rc)
{
    if (rc == PAM_SUCCESS || rc == PAM_PERM_DENIED || rc == PAM_USER_UNKNOWN)
        return rc;
    return PAM_PERM_DENIED;
}

/* Only the codes pam_sm_open_session(3) documents. */
static int session_code(int rc)
{
    return rc == PAM_SUCCESS ? PAM_SUCCESS : PAM_SESSION_ERR;
}

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc,
                                const char **argv)
{
    return account_code(admit(pamh, flags, argc, argv, "account"));
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc,
                                   const char **argv)
{
    return session_code(admit(pamh, flags, argc, argv, "session"));
}

/*
 * A close in a handle that did not open the session (another process, a
 * transaction started afresh): the token, if the application put it in
 * this handle's PAM environment. Only the PAM environment is read, never
 * the process's: in su or sudo that belongs to the user.
 */
static int close_by_env(pam_handle_t *pamh, const pldlm_options *o, bool debug)
{
    const char *token = pam_getenv(pamh, PLDLM_TOKEN_ENV);
    if (token == NULL) {
        if (debug)
            pam_syslog(pamh, LOG_DEBUG,
                       "no session to close (nothing held, and no %s in "
                       "the PAM environment)",
                       PLDLM_TOKEN_ENV);
        return PAM_SUCCESS;
    }
    if (!pldlm_token_valid(token)) {
        pam_syslog(pamh, LOG_ERR,
                   "%s in the PAM environment is not a session token: "
                   "ignored",
                   PLDLM_TOKEN_ENV);
        return PAM_SESSION_ERR;
    }
    /* The token outlives pam_putenv's removal only through this copy. */
    char copy[LDLM_AGENT_TOKEN_LEN + 1];
    memcpy(copy, token, sizeof(copy));
    if (debug)
        pam_syslog(pamh, LOG_DEBUG,
                   "ending the session of the token in the PAM environment");
    int rc = release_token(pamh, o != NULL ? o->agent_socket : NULL,
                           o != NULL ? o->timeout_seconds * 1000
                                     : PLDLM_RELEASE_TIMEOUT_MS,
                           copy, debug);
    drop_token_env(pamh);
    return rc;
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
                                    const char **argv)
{
    (void)flags;
    /* The slots are given back even when the configuration has become
     * unreadable since the session opened; it only decides on debug logs
     * (and, for a token found in the PAM environment, on ldlmd's socket:
     * the default one when the file cannot be read). */
    pldlm_options o;
    bool debug = false, loaded = false;
    if (pldlm_options_load(&o, LDLM_CONF_DEFAULT_PATH, argc, argv) == 0) {
        debug = o.debug;
        loaded = true;
    } else {
        pam_syslog(pamh, LOG_ERR, "configuration error: %s", o.error);
    }

    int rc = PAM_SUCCESS;
    pldlm_state *st = (pldlm_state *)current_state(pamh);
    if (st == NULL) {
        rc = close_by_env(pamh, loaded ? &o : NULL, debug);
    } else if (st->agent != NULL) {
        /* Any process that has the token ends the session. */
        rc = release_token(pamh, st->agent->socket, st->agent->timeout_ms,
                           st->agent->token.text, debug);
        agent_session_free(st->agent);
        st->agent = NULL;
        if (forget_state(pamh) != PAM_SUCCESS)
            rc = PAM_SESSION_ERR;
    } else if (st->slots != NULL && pldlm_slots_owner(st->slots) != getpid()) {
        if (debug)
            pam_syslog(pamh, LOG_DEBUG,
                       "the slots belong to pid %ld, which gives them back",
                       (long)pldlm_slots_owner(st->slots));
    } else {
        if (debug && st->slots != NULL)
            pam_syslog(pamh, LOG_DEBUG, "giving back %zu slot(s)",
                       pldlm_slots_count(st->slots));
        /* Replacing the data runs state_cleanup, which releases the slots;
         * the next open_session on this handle then decides afresh. */
        if (forget_state(pamh) != PAM_SUCCESS)
            rc = PAM_SESSION_ERR;
    }
    if (loaded)
        pldlm_options_free(&o);
    return rc;
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
    return pam_sm_authenticate(pamh, flags, argc, argv);
}
