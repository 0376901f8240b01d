/* SPDX-License-Identifier: MIT */
/*
 * store.c - one file per session in RUN_DIR/sessions (see store.h).
 */
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent_protocol.h"
#include "log.h"
#include "request.h"
#include "token.h"

/* A stored session is a request's worth of data. */
#define STORE_MAX_FILE (2 * LDLM_AGENT_MAX_REQUEST)

struct ldlmd_store {
    int dir_fd;
    char *path; /* for messages */
};

ldlmd_store *ldlmd_store_open(const char *run_dir)
{
    ldlmd_store *st = calloc(1, sizeof *st);
    if (st == NULL)
        return NULL;
    st->dir_fd = -1;
    size_t n = strlen(run_dir) + sizeof "/sessions";
    st->path = malloc(n);
    if (st->path == NULL) {
        free(st);
        return NULL;
    }
    snprintf(st->path, n, "%s/sessions", run_dir);
    if (mkdir(st->path, 0700) < 0 && errno != EEXIST) {
        ldlmd_log(LOG_ERR, "cannot create %s: %m", st->path);
        goto fail;
    }
    st->dir_fd =
        open(st->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat sb;
    if (st->dir_fd < 0 || fstat(st->dir_fd, &sb) < 0) {
        ldlmd_log(LOG_ERR, "cannot open %s: %m", st->path);
        goto fail;
    }
    /* Whoever can write here can make us take slots for anyone. */
    if (sb.st_uid != geteuid() || (sb.st_mode & 0077) != 0) {
        ldlmd_log(LOG_ERR,
                  "%s must be owned by uid %ld with no access for group or "
                  "others",
                  st->path, (long)geteuid());
        goto fail;
    }
    return st;
fail:
    if (st->dir_fd >= 0)
        close(st->dir_fd);
    free(st->path);
    free(st);
    return NULL;
}

void ldlmd_store_close(ldlmd_store *st)
{
    if (st == NULL)
        return;
    close(st->dir_fd);
    free(st->path);
    free(st);
}

int ldlmd_store_save(ldlmd_store *st, const ldlmd_session *s)
{
    Ldlmd__SavedSlot slots[LDLM_AGENT_MAX_LOCKS];
    Ldlmd__SavedSlot *slot_ptrs[LDLM_AGENT_MAX_LOCKS];
    size_t n = s->slot_count < LDLM_AGENT_MAX_LOCKS ? s->slot_count
                                                    : LDLM_AGENT_MAX_LOCKS;
    for (size_t i = 0; i < n; i++) {
        ldlmd__saved_slot__init(&slots[i]);
        slots[i].name = s->slots[i].name;
        slots[i].size = s->slots[i].size;
        slots[i].key = s->slots[i].key != NULL ? s->slots[i].key : "";
        slots[i].reacquired = s->slots[i].reacquired;
        slot_ptrs[i] = &slots[i];
    }
    Ldlmd__Identity who = LDLMD__IDENTITY__INIT;
    who.user = s->user;
    who.service = s->service;
    who.tty = s->tty;
    who.rhost = s->rhost;
    who.pid = (int32_t)s->pid;
    Ldlmd__SavedSession saved = LDLMD__SAVED_SESSION__INIT;
    saved.version = LDLM_AGENT_PROTOCOL_VERSION;
    saved.token = (char *)s->token;
    saved.who = &who;
    saved.since = s->since;
    saved.start_time = s->start_time;
    saved.n_slots = n;
    saved.slots = slot_ptrs;

    size_t len = ldlmd__saved_session__get_packed_size(&saved);
    uint8_t *buf = malloc(len > 0 ? len : 1);
    if (buf == NULL) {
        ldlmd_log(LOG_ERR, "saving a session: out of memory");
        return -1;
    }
    ldlmd__saved_session__pack(&saved, buf);

    char tmp[LDLM_AGENT_TOKEN_LEN + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", s->token);
    int fd =
        openat(st->dir_fd, tmp,
               O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    int rc = -1;
    if (fd >= 0) {
        size_t done = 0;
        while (done < len) {
            ssize_t w = write(fd, buf + done, len - done);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                break;
            done += (size_t)w;
        }
        if (close(fd) == 0 && done == len &&
            renameat(st->dir_fd, tmp, st->dir_fd, s->token) == 0)
            rc = 0;
    }
    if (rc < 0) {
        ldlmd_log(LOG_ERR,
                  "cannot save session %.*s in %s: %m (it will not be taken "
                  "back if ldlmd restarts)",
                  LDLMD_TOKEN_SHOWN, s->token, st->path);
        unlinkat(st->dir_fd, tmp, 0);
    }
    free(buf);
    return rc;
}

void ldlmd_store_remove(ldlmd_store *st, const char *token)
{
    if (unlinkat(st->dir_fd, token, 0) < 0 && errno != ENOENT)
        ldlmd_log(LOG_WARNING, "cannot remove %s/%.*s...: %m", st->path,
                  LDLMD_TOKEN_SHOWN, token);
}

/* Reads one file (at most STORE_MAX_FILE bytes); NULL if unusable. */
static Ldlmd__SavedSession *read_saved(ldlmd_store *st, const char *name)
{
    int fd = openat(st->dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    uint8_t *buf = malloc(STORE_MAX_FILE);
    size_t len = 0;
    bool ok = buf != NULL;
    while (ok) {
        ssize_t r = read(fd, buf + len, STORE_MAX_FILE - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            ok = r == 0;
            break;
        }
        len += (size_t)r;
        if (len == STORE_MAX_FILE)
            ok = false; /* larger than any session we write */
    }
    close(fd);
    Ldlmd__SavedSession *saved =
        ok ? ldlmd__saved_session__unpack(NULL, len, buf) : NULL;
    free(buf);
    return saved;
}

/* A session of a stored file, its slots pending; NULL if the file does not
 * hold a valid one (same bounds as a request). */
static ldlmd_session *from_saved(const Ldlmd__SavedSession *saved,
                                 const char *file)
{
    ldlmd_problem p;
    if (saved->version != LDLM_AGENT_PROTOCOL_VERSION ||
        strcmp(saved->token, file) != 0 || saved->n_slots == 0 ||
        saved->n_slots > LDLM_AGENT_MAX_LOCKS ||
        ldlmd_identity_check(saved->who, &p) < 0 || saved->who->pid <= 0)
        return NULL;
    for (size_t i = 0; i < saved->n_slots; i++) {
        if (ldlmd_lock_check(saved->slots[i]->name, saved->slots[i]->size, i,
                             &p) < 0 ||
            strlen(saved->slots[i]->key) > LDLM_AGENT_MAX_LOCK_NAME)
            return NULL;
    }
    const Ldlmd__Identity *who = saved->who;
    ldlmd_session *s = ldlmd_session_new(who->user, who->service, who->tty,
                                         who->rhost, saved->n_slots);
    if (s == NULL)
        return NULL;
    memcpy(s->token, saved->token, LDLM_AGENT_TOKEN_LEN + 1);
    s->pid = (pid_t)who->pid;
    s->start_time = saved->start_time;
    s->since = saved->since;
    for (size_t i = 0; i < saved->n_slots; i++) {
        ldlmd_slot *slot = &s->slots[i];
        slot->name = strdup(saved->slots[i]->name);
        slot->size = saved->slots[i]->size;
        slot->key = saved->slots[i]->key[0] != '\0'
                        ? strdup(saved->slots[i]->key)
                        : NULL;
        slot->reacquired = saved->slots[i]->reacquired;
        slot->state = LDLMD_SLOT_PENDING;
        if (slot->name == NULL) {
            ldlmd_session_free(s);
            return NULL;
        }
    }
    return s;
}

ldlmd_session *ldlmd_store_load(ldlmd_store *st)
{
    int fd = dup(st->dir_fd);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (dir == NULL) {
        ldlmd_log(LOG_ERR, "cannot read %s: %m", st->path);
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    rewinddir(dir);
    ldlmd_session *list = NULL;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (!ldlmd_token_valid(e->d_name)) {
            /* A temporary file of a write that never finished. */
            unlinkat(st->dir_fd, e->d_name, 0);
            continue;
        }
        Ldlmd__SavedSession *saved = read_saved(st, e->d_name);
        ldlmd_session *s = saved != NULL ? from_saved(saved, e->d_name) : NULL;
        if (saved != NULL)
            ldlmd__saved_session__free_unpacked(saved, NULL);
        if (s == NULL) {
            ldlmd_log(LOG_WARNING, "%s/%.*s...: not a session file, removed",
                      st->path, LDLMD_TOKEN_SHOWN, e->d_name);
            unlinkat(st->dir_fd, e->d_name, 0);
            continue;
        }
        s->next = list;
        list = s;
    }
    closedir(dir);
    return list;
}
