/* SPDX-License-Identifier: MIT */
/*
 * nss_helpers.c - reentrant NSS lookups with buffers grown on ERANGE.
 */
#include "nss_helpers.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

/*
 * First buffer size for the *_r functions. Deliberately small: most entries
 * fit, and the ERANGE path is exercised by any large group.
 */
#define NSSH_FIRST_BUFFER 1024
/*
 * Upper bound on the buffer: a group entry larger than this is treated as an
 * error rather than letting a broken directory make us allocate without end.
 */
#define NSSH_MAX_BUFFER (64u * 1024u * 1024u)
/* Same idea for the number of groups of one user. */
#define NSSH_MAX_GROUPS (1u << 20)

/*
 * The *_r functions report "no such entry" as 0 with a NULL result, but some
 * NSS modules return one of these errors instead (see getpwnam_r(3)).
 */
static bool is_not_found_error(int err)
{
    return err == 0 || err == ENOENT || err == ESRCH || err == EBADF ||
           err == EPERM;
}

/*
 * The *_r functions return an error number; some NSS layers (nss_wrapper
 * 1.1.12, for one) return -1 and leave the number in errno instead.
 */
static int lookup_error(int rc, int saved_errno)
{
    return rc < 0 ? saved_errno : rc;
}

/* Turns an error number into this library's negative return value. */
static int failure(int err)
{
    return err > 0 ? -err : -EIO;
}

/*
 * One lookup through a *_r function. `attempt` calls it with the buffer
 * given (its entry and result live in `ctx`), returns its error number and
 * sets *found; `copy` then takes what is needed out of the entry, whose
 * strings live in that buffer, and returns NSSH_OK or -ENOMEM. The buffer
 * starts at NSSH_FIRST_BUFFER and doubles on ERANGE up to NSSH_MAX_BUFFER.
 */
static int lookup(int (*attempt)(void *ctx, char *buf, size_t size,
                                 bool *found),
                  int (*copy)(void *ctx), void *ctx)
{
    size_t size = NSSH_FIRST_BUFFER;
    for (;;) {
        char *buf = malloc(size);
        if (buf == NULL)
            return -ENOMEM;
        bool found = false;
        errno = 0;
        int err = attempt(ctx, buf, size, &found);
        err = lookup_error(err, errno);
        if (err == ERANGE) {
            free(buf);
            if (size >= NSSH_MAX_BUFFER)
                return -ERANGE;
            size *= 2;
            continue;
        }
        if (!found) {
            free(buf);
            return is_not_found_error(err) ? NSSH_NOT_FOUND : failure(err);
        }
        int rc = copy(ctx);
        free(buf);
        return rc;
    }
}

typedef struct user_query {
    const char *name;
    struct passwd pw;
    nssh_user **out;
} user_query;

static int user_attempt(void *ctx, char *buf, size_t size, bool *found)
{
    user_query *u = ctx;
    struct passwd *result = NULL;
    int err = getpwnam_r(u->name, &u->pw, buf, size, &result);
    *found = result != NULL;
    return err;
}

static int user_copy(void *ctx)
{
    user_query *u = ctx;
    nssh_user *user = calloc(1, sizeof(*user));
    if (user == NULL || (user->name = strdup(u->pw.pw_name)) == NULL) {
        free(user);
        return -ENOMEM;
    }
    user->uid = u->pw.pw_uid;
    user->gid = u->pw.pw_gid;
    *u->out = user;
    return NSSH_OK;
}

int nssh_user_lookup(const char *name, nssh_user **out)
{
    *out = NULL;
    if (name == NULL || name[0] == '\0')
        return NSSH_NOT_FOUND;
    user_query u = {.name = name, .out = out};
    return lookup(user_attempt, user_copy, &u);
}

/*
 * Copies a struct group (whose strings live in a temporary buffer). The
 * member list, possibly thousands of names, only when `with_members`: else
 * it is left empty.
 */
static int copy_group(const struct group *gr, bool with_members,
                      nssh_group **out)
{
    nssh_group *group = calloc(1, sizeof(*group));
    if (group == NULL)
        return -ENOMEM;
    group->gid = gr->gr_gid;
    group->name = strdup(gr->gr_name);
    size_t count = 0;
    if (with_members && gr->gr_mem != NULL)
        while (gr->gr_mem[count] != NULL)
            count++;
    group->members = calloc(count + 1, sizeof(char *));
    if (group->name == NULL || group->members == NULL) {
        nssh_group_free(group);
        return -ENOMEM;
    }
    for (size_t i = 0; i < count; i++) {
        group->members[i] = strdup(gr->gr_mem[i]);
        if (group->members[i] == NULL) {
            nssh_group_free(group);
            return -ENOMEM;
        }
        group->member_count = i + 1;
    }
    *out = group;
    return NSSH_OK;
}

typedef struct group_query {
    const char *name; /* by name when not NULL, else by gid */
    gid_t gid;
    bool with_members;
    struct group gr;
    nssh_group **out;
} group_query;

static int group_attempt(void *ctx, char *buf, size_t size, bool *found)
{
    group_query *g = ctx;
    struct group *result = NULL;
    int err = g->name != NULL ? getgrnam_r(g->name, &g->gr, buf, size, &result)
                              : getgrgid_r(g->gid, &g->gr, buf, size, &result);
    *found = result != NULL;
    return err;
}

static int group_copy(void *ctx)
{
    group_query *g = ctx;
    return copy_group(&g->gr, g->with_members, g->out);
}

/* One group lookup, by name when name != NULL, else by gid. */
static int group_lookup(const char *name, gid_t gid, bool with_members,
                        nssh_group **out)
{
    *out = NULL;
    group_query g = {
        .name = name, .gid = gid, .with_members = with_members, .out = out};
    return lookup(group_attempt, group_copy, &g);
}

int nssh_group_lookup(const char *name, nssh_group **out)
{
    if (name == NULL || name[0] == '\0') {
        *out = NULL;
        return NSSH_NOT_FOUND;
    }
    return group_lookup(name, 0, true, out);
}

int nssh_group_lookup_gid(gid_t gid, nssh_group **out)
{
    return group_lookup(NULL, gid, true, out);
}

int nssh_group_gid(const char *name, gid_t *gid)
{
    if (name == NULL || name[0] == '\0')
        return NSSH_NOT_FOUND;
    nssh_group *group = NULL;
    int rc = group_lookup(name, 0, false, &group);
    if (rc == NSSH_OK)
        *gid = group->gid;
    nssh_group_free(group);
    return rc;
}

/*
 * getgrouplist() into a buffer grown until it fits. The primary group comes
 * first (glibc puts it there; we enforce it below for other NSS sources).
 */
static int fetch_gids(const char *name, gid_t primary_gid, gid_t **out,
                      size_t *count)
{
    int capacity = 32;
    for (;;) {
        gid_t *gids = calloc((size_t)capacity, sizeof(gid_t));
        if (gids == NULL)
            return -ENOMEM;
        int n = capacity;
        if (getgrouplist(name, primary_gid, gids, &n) >= 0) {
            *out = gids;
            *count = (size_t)n;
            return NSSH_OK;
        }
        free(gids);
        /* n now holds the number needed (glibc); grow at least twofold in
         * case another source answers differently on the next call. */
        if ((size_t)capacity >= NSSH_MAX_GROUPS)
            return -ERANGE;
        capacity = n > capacity * 2 ? n : capacity * 2;
    }
}

int nssh_user_groups(const char *name, gid_t primary_gid, nssh_group_list **out)
{
    *out = NULL;
    if (name == NULL || name[0] == '\0')
        return NSSH_NOT_FOUND;

    gid_t *raw = NULL;
    size_t raw_count = 0;
    int rc = fetch_gids(name, primary_gid, &raw, &raw_count);
    if (rc != NSSH_OK)
        return rc;

    nssh_group_list *list = calloc(1, sizeof(*list));
    if (list != NULL) {
        list->gids = calloc(raw_count + 1, sizeof(gid_t));
        list->names = calloc(raw_count + 1, sizeof(char *));
    }
    if (list == NULL || list->gids == NULL || list->names == NULL) {
        free(raw);
        nssh_group_list_free(list);
        return -ENOMEM;
    }

    /* Primary group first, then the others once each. */
    list->gids[list->count++] = primary_gid;
    for (size_t i = 0; i < raw_count; i++)
        if (!nssh_group_list_contains(list, raw[i]))
            list->gids[list->count++] = raw[i];
    free(raw);

    for (size_t i = 0; i < list->count; i++) {
        /* Only the name is kept: the members are not even copied. */
        nssh_group *group = NULL;
        rc = group_lookup(NULL, list->gids[i], false, &group);
        if (rc < 0) {
            nssh_group_list_free(list);
            return rc;
        }
        if (group != NULL) {
            list->names[i] = group->name;
            group->name = NULL;
            nssh_group_free(group);
        }
    }
    *out = list;
    return NSSH_OK;
}

bool nssh_group_list_contains(const nssh_group_list *list, gid_t gid)
{
    if (list == NULL)
        return false;
    for (size_t i = 0; i < list->count; i++)
        if (list->gids[i] == gid)
            return true;
    return false;
}

void nssh_user_free(nssh_user *user)
{
    if (user == NULL)
        return;
    free(user->name);
    free(user);
}

void nssh_group_free(nssh_group *group)
{
    if (group == NULL)
        return;
    free(group->name);
    if (group->members != NULL)
        for (size_t i = 0; group->members[i] != NULL; i++)
            free(group->members[i]);
    free(group->members);
    free(group);
}

void nssh_group_list_free(nssh_group_list *list)
{
    if (list == NULL)
        return;
    if (list->names != NULL)
        for (size_t i = 0; i < list->count; i++)
            free(list->names[i]);
    free(list->names);
    free(list->gids);
    free(list);
}

const char *nssh_strerror(int code)
{
    if (code == NSSH_OK)
        return "found";
    if (code == NSSH_NOT_FOUND)
        return "no such entry in the name service";
    if (code < 0)
        return strerror(-code); /* glibc: thread-safe since 2.32 */
    return "unknown result";
}
