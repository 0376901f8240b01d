/* SPDX-License-Identifier: MIT */
/*
 * sessions.c - the session table (see sessions.h). A list, oldest first:
 * operations are linear, which stays in microseconds for the thousands of
 * sessions a host holds.
 */
#include "sessions.h"

#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <ldlm_util.h>

#include "log.h"
#include "lost.h"
#include "store.h"

struct ldlmd_sessions {
    ldlmd *d;
    pthread_mutex_t mutex;
    int epoll_fd;
    uint64_t next_id;
    ldlmd_session *head, *tail;
};

static char *dup_or_empty(const char *s)
{
    return strdup(s != NULL ? s : "");
}

ldlmd_session *ldlmd_session_new(const char *user, const char *service,
                                 const char *tty, const char *rhost,
                                 size_t slot_count)
{
    ldlmd_session *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->pidfd = -1;
    s->user = dup_or_empty(user);
    s->service = dup_or_empty(service);
    s->tty = dup_or_empty(tty);
    s->rhost = dup_or_empty(rhost);
    s->slots = calloc(slot_count > 0 ? slot_count : 1, sizeof *s->slots);
    s->slot_count = slot_count;
    if (s->user == NULL || s->service == NULL || s->tty == NULL ||
        s->rhost == NULL || s->slots == NULL) {
        s->slot_count = 0;
        ldlmd_session_free(s);
        return NULL;
    }
    return s;
}

void ldlmd_session_free(ldlmd_session *s)
{
    if (s == NULL)
        return;
    if (s->pidfd >= 0)
        close(s->pidfd);
    for (size_t i = 0; i < s->slot_count; i++) {
        ldlmd_handle_drop(s->slots[i].handle);
        free(s->slots[i].name);
        free(s->slots[i].key);
    }
    free(s->slots);
    free(s->user);
    free(s->service);
    free(s->tty);
    free(s->rhost);
    explicit_bzero(s->token, sizeof s->token);
    free(s);
}

void ldlmd_session_describe(const ldlmd_session *s, char *buf, size_t size)
{
    char user[96], service[96], tty[96], rhost[96];
    ldlmu_printable_into(s->user, user, sizeof user);
    ldlmu_printable_into(s->service, service, sizeof service);
    ldlmu_printable_into(s->tty, tty, sizeof tty);
    ldlmu_printable_into(s->rhost, rhost, sizeof rhost);
    snprintf(buf, size, "%.*s (user %s, service %s, tty %s, rhost %s, pid %ld)",
             LDLMD_TOKEN_SHOWN, s->token, user[0] ? user : "-",
             service[0] ? service : "-", tty[0] ? tty : "-",
             rhost[0] ? rhost : "-", (long)s->pid);
}

ldlmd_sessions *ldlmd_sessions_new(ldlmd *d, int epoll_fd)
{
    ldlmd_sessions *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->d = d;
    t->epoll_fd = epoll_fd;
    t->next_id = LDLMD_FIRST_SESSION_ID;
    pthread_mutex_init(&t->mutex, NULL);
    return t;
}

void ldlmd_sessions_free(ldlmd_sessions *t)
{
    if (t == NULL)
        return;
    ldlmd_session *s = t->head;
    while (s != NULL) {
        ldlmd_session *next = s->next;
        ldlmd_session_free(s);
        s = next;
    }
    pthread_mutex_destroy(&t->mutex);
    free(t);
}

static int watch(ldlmd_sessions *t, ldlmd_session *s)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = s->id};
    return epoll_ctl(t->epoll_fd, EPOLL_CTL_ADD, s->pidfd, &ev);
}

static void link_tail(ldlmd_sessions *t, ldlmd_session *s)
{
    s->prev = t->tail;
    s->next = NULL;
    if (t->tail != NULL)
        t->tail->next = s;
    else
        t->head = s;
    t->tail = s;
}

static void unlink_session(ldlmd_sessions *t, ldlmd_session *s)
{
    if (s->prev != NULL)
        s->prev->next = s->next;
    else
        t->head = s->next;
    if (s->next != NULL)
        s->next->prev = s->prev;
    else
        t->tail = s->prev;
    s->prev = s->next = NULL;
    /* Closing the pidfd (later, by the owner) would drop it from the
     * epoll set too, but only once every copy is closed: say it now. */
    if (s->pidfd >= 0)
        epoll_ctl(t->epoll_fd, EPOLL_CTL_DEL, s->pidfd, NULL);
}

int ldlmd_sessions_add(ldlmd_sessions *t, ldlmd_session *s, ldlmd_problem *p)
{
    pthread_mutex_lock(&t->mutex);
    if (atomic_load(&t->d->stopping)) {
        pthread_mutex_unlock(&t->mutex);
        return ldlmd_problem_set(p, LDLMD__STATUS__STATUS_SHUTTING_DOWN,
                                 "ldlmd is stopping");
    }
    s->id = t->next_id++;
    if (watch(t, s) < 0) {
        ldlmd_problem_set(p, LDLMD__STATUS__STATUS_LOCAL_ERROR,
                          "cannot watch process %ld: %m", (long)s->pid);
        pthread_mutex_unlock(&t->mutex);
        return -1;
    }
    (void)ldlmd_store_save(t->d->store, s);
    link_tail(t, s);
    pthread_mutex_unlock(&t->mutex);
    return 0;
}

void ldlmd_sessions_restore(ldlmd_sessions *t, ldlmd_session *s)
{
    pthread_mutex_lock(&t->mutex);
    s->id = t->next_id++;
    if (watch(t, s) < 0)
        ldlmd_log(LOG_ERR, "cannot watch process %ld: %m", (long)s->pid);
    link_tail(t, s);
    pthread_mutex_unlock(&t->mutex);
}

static ldlmd_session *find_id(ldlmd_sessions *t, uint64_t id)
{
    ldlmd_session *s = t->head;
    while (s != NULL && s->id != id)
        s = s->next;
    return s;
}

static ldlmd_session *find_token(ldlmd_sessions *t, const char *token)
{
    ldlmd_session *s = t->head;
    while (s != NULL && strcmp(s->token, token) != 0)
        s = s->next;
    return s;
}

/* Takes s (found under the mutex; NULL for none) out of the table and its
 * file out of the run directory. */
static ldlmd_session *take(ldlmd_sessions *t, ldlmd_session *s)
{
    if (s != NULL) {
        unlink_session(t, s);
        ldlmd_store_remove(t->d->store, s->token);
    }
    return s;
}

ldlmd_session *ldlmd_sessions_take_token(ldlmd_sessions *t, const char *token)
{
    pthread_mutex_lock(&t->mutex);
    ldlmd_session *s = take(t, find_token(t, token));
    pthread_mutex_unlock(&t->mutex);
    return s;
}

ldlmd_session *ldlmd_sessions_take_id(ldlmd_sessions *t, uint64_t id)
{
    pthread_mutex_lock(&t->mutex);
    ldlmd_session *s = take(t, find_id(t, id));
    pthread_mutex_unlock(&t->mutex);
    return s;
}

ldlmd_session *ldlmd_sessions_take_all(ldlmd_sessions *t)
{
    pthread_mutex_lock(&t->mutex);
    ldlmd_session *list = t->head;
    for (ldlmd_session *s = list; s != NULL; s = s->next) {
        if (s->pidfd >= 0)
            epoll_ctl(t->epoll_fd, EPOLL_CTL_DEL, s->pidfd, NULL);
    }
    t->head = t->tail = NULL;
    pthread_mutex_unlock(&t->mutex);
    return list;
}

/* One held slot: lost, or re-acquired under a new key? True if the
 * session's file must be written again. */
static bool audit_slot(ldlmd_sessions *t, ldlmd_session *s, ldlmd_slot *slot,
                       bool (*is_lost)(void *ctx, const ldlm_handle *h),
                       void *ctx)
{
    char who[512], name[256];
    if (is_lost(ctx, slot->handle)) {
        slot->state = LDLMD_SLOT_LOST;
        return false; /* logged and counted by the callback */
    }
    if (!ldlm_handle_locked(slot->handle))
        return false; /* being re-acquired by libldlm */
    char *key = ldlm_handle_key(slot->handle);
    if (key == NULL)
        return false;
    if (slot->key != NULL && strcmp(key, slot->key) == 0) {
        free(key);
        return false;
    }
    bool changed = slot->key != NULL;
    free(slot->key);
    slot->key = key;
    if (changed) {
        slot->reacquired++;
        atomic_fetch_add(&t->d->counters.reacquisitions, 1);
        ldlmd_session_describe(s, who, sizeof who);
        ldlmu_printable_into(slot->name, name, sizeof name);
        ldlmd_log(LOG_NOTICE, "session %s: slot of lock %s re-acquired", who,
                  name);
    }
    return true;
}

void ldlmd_sessions_audit(ldlmd_sessions *t,
                          bool (*is_lost)(void *ctx, const ldlm_handle *h),
                          void *ctx)
{
    pthread_mutex_lock(&t->mutex);
    for (ldlmd_session *s = t->head; s != NULL; s = s->next) {
        bool dirty = false;
        for (size_t i = 0; i < s->slot_count; i++) {
            ldlmd_slot *slot = &s->slots[i];
            if (slot->state == LDLMD_SLOT_HELD && slot->handle != NULL &&
                audit_slot(t, s, slot, is_lost, ctx))
                dirty = true;
        }
        if (dirty)
            (void)ldlmd_store_save(t->d->store, s);
    }
    pthread_mutex_unlock(&t->mutex);
}

void ldlmd_pending_free(ldlmd_pending *p, size_t count)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < count; i++) {
        free(p[i].name);
        free(p[i].old_key);
    }
    free(p);
}

ldlmd_pending *ldlmd_sessions_pending(ldlmd_sessions *t, size_t max,
                                      size_t *count)
{
    *count = 0;
    ldlmd_pending *out = NULL;
    size_t n = 0, cap = 0;
    pthread_mutex_lock(&t->mutex);
    for (ldlmd_session *s = t->head; s != NULL && n < max; s = s->next) {
        for (size_t i = 0; i < s->slot_count && n < max; i++) {
            if (s->slots[i].state != LDLMD_SLOT_PENDING)
                continue;
            if (n == cap) {
                size_t c = cap > 0 ? 2 * cap : 16;
                ldlmd_pending *grown = realloc(out, c * sizeof *grown);
                if (grown == NULL)
                    goto done;
                out = grown;
                cap = c;
            }
            ldlmd_pending *p = &out[n];
            p->session_id = s->id;
            p->slot = i;
            p->size = s->slots[i].size;
            p->name = strdup(s->slots[i].name);
            p->old_key =
                s->slots[i].key != NULL ? strdup(s->slots[i].key) : NULL;
            if (p->name == NULL) {
                free(p->old_key);
                goto done;
            }
            n++;
        }
    }
done:
    pthread_mutex_unlock(&t->mutex);
    *count = n;
    if (n == 0) {
        free(out);
        return NULL;
    }
    return out;
}

bool ldlmd_sessions_settle(ldlmd_sessions *t, const ldlmd_pending *p,
                           ldlm_handle *handle, const char *why)
{
    char who[512], name[256];
    pthread_mutex_lock(&t->mutex);
    ldlmd_session *s = find_id(t, p->session_id);
    if (s == NULL || p->slot >= s->slot_count ||
        s->slots[p->slot].state != LDLMD_SLOT_PENDING) {
        pthread_mutex_unlock(&t->mutex);
        return false;
    }
    ldlmd_slot *slot = &s->slots[p->slot];
    ldlmd_session_describe(s, who, sizeof who);
    ldlmu_printable_into(slot->name, name, sizeof name);
    if (handle != NULL) {
        slot->handle = handle;
        slot->state = LDLMD_SLOT_HELD;
        free(slot->key);
        slot->key = ldlm_handle_key(handle);
        slot->reacquired++;
        atomic_fetch_add(&t->d->counters.reacquisitions, 1);
        ldlmd_log(LOG_NOTICE, "session %s: slot of lock %s taken back", who,
                  name);
    } else {
        slot->state = LDLMD_SLOT_LOST;
        atomic_fetch_add(&t->d->counters.lost, 1);
        ldlmd_log(LOG_WARNING,
                  "session %s: could not take back its slot of lock %s (%s); "
                  "the session goes on without it",
                  who, name, why);
    }
    (void)ldlmd_store_save(t->d->store, s);
    pthread_mutex_unlock(&t->mutex);
    return true;
}

static Ldlmd__SlotState wire_state(const ldlmd_slot *slot)
{
    switch (slot->state) {
    case LDLMD_SLOT_PENDING:
        return LDLMD__SLOT_STATE__SLOT_PENDING;
    case LDLMD_SLOT_LOST:
        return LDLMD__SLOT_STATE__SLOT_LOST;
    case LDLMD_SLOT_HELD:
        break;
    }
    return ldlm_handle_locked(slot->handle)
               ? LDLMD__SLOT_STATE__SLOT_HELD
               : LDLMD__SLOT_STATE__SLOT_REACQUIRING;
}

int ldlmd_sessions_pack_list(ldlmd_sessions *t, uint8_t **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    int rc = -1;
    pthread_mutex_lock(&t->mutex);
    size_t n = 0, nslots = 0;
    for (ldlmd_session *s = t->head; s != NULL; s = s->next) {
        n++;
        nslots += s->slot_count;
    }
    /* The reply points into the table: packed before the mutex goes. */
    Ldlmd__Session *sess = calloc(n > 0 ? n : 1, sizeof *sess);
    Ldlmd__Session **sess_ptrs = calloc(n > 0 ? n : 1, sizeof *sess_ptrs);
    Ldlmd__Identity *ids = calloc(n > 0 ? n : 1, sizeof *ids);
    Ldlmd__Slot *slots = calloc(nslots > 0 ? nslots : 1, sizeof *slots);
    Ldlmd__Slot **slot_ptrs =
        calloc(nslots > 0 ? nslots : 1, sizeof *slot_ptrs);
    if (sess == NULL || sess_ptrs == NULL || ids == NULL || slots == NULL ||
        slot_ptrs == NULL)
        goto done;
    size_t i = 0, k = 0;
    for (ldlmd_session *s = t->head; s != NULL; s = s->next, i++) {
        ldlmd__identity__init(&ids[i]);
        ids[i].user = s->user;
        ids[i].service = s->service;
        ids[i].tty = s->tty;
        ids[i].rhost = s->rhost;
        ids[i].pid = (int32_t)s->pid;
        ldlmd__session__init(&sess[i]);
        sess[i].token = s->token;
        sess[i].who = &ids[i];
        sess[i].since = s->since;
        sess[i].n_slots = s->slot_count;
        sess[i].slots = &slot_ptrs[k];
        for (size_t j = 0; j < s->slot_count; j++, k++) {
            ldlmd__slot__init(&slots[k]);
            slots[k].name = s->slots[j].name;
            slots[k].size = s->slots[j].size;
            slots[k].state = wire_state(&s->slots[j]);
            slots[k].reacquired = s->slots[j].reacquired;
            slot_ptrs[k] = &slots[k];
        }
        sess_ptrs[i] = &sess[i];
    }
    Ldlmd__ListReply list = LDLMD__LIST_REPLY__INIT;
    list.n_sessions = n;
    list.sessions = sess_ptrs;
    Ldlmd__Response r = LDLMD__RESPONSE__INIT;
    r.version = LDLM_AGENT_PROTOCOL_VERSION;
    r.status = LDLMD__STATUS__STATUS_OK;
    r.body_case = LDLMD__RESPONSE__BODY_SESSIONS;
    r.sessions = &list;
    size_t size = ldlmd__response__get_packed_size(&r);
    *out = malloc(size > 0 ? size : 1);
    if (*out != NULL) {
        ldlmd__response__pack(&r, *out);
        *len = size;
        rc = 0;
    }
done:
    pthread_mutex_unlock(&t->mutex);
    free(sess);
    free(sess_ptrs);
    free(ids);
    free(slots);
    free(slot_ptrs);
    return rc;
}

void ldlmd_sessions_count(ldlmd_sessions *t, unsigned *sessions, unsigned *held,
                          unsigned *not_held)
{
    *sessions = *held = *not_held = 0;
    pthread_mutex_lock(&t->mutex);
    for (ldlmd_session *s = t->head; s != NULL; s = s->next) {
        (*sessions)++;
        for (size_t i = 0; i < s->slot_count; i++) {
            if (s->slots[i].state == LDLMD_SLOT_HELD &&
                ldlm_handle_locked(s->slots[i].handle))
                (*held)++;
            else
                (*not_held)++;
        }
    }
    pthread_mutex_unlock(&t->mutex);
}
