/* SPDX-License-Identifier: MIT */
/*
 * nss_helpers.h - thread-safe user and group lookups through NSS.
 *
 * Only the reentrant interfaces are used (getpwnam_r, getgrnam_r, getgrgid_r,
 * getgrouplist) and nothing is kept in static storage, so every function may
 * be called from any thread at any time. Buffers start small and grow when
 * NSS answers ERANGE, so users in many groups and groups with thousands of
 * members work.
 *
 * Results are plain structures owned by the caller and released with the
 * matching *_free() function (which accept NULL).
 *
 * Return convention of the lookup functions:
 *   NSSH_OK          the entry was found, *out is set;
 *   NSSH_NOT_FOUND   NSS has no such entry, *out is NULL;
 *   a negative errno the lookup failed (ENOMEM, EIO, a source unreachable..),
 *                    *out is NULL.
 * nssh_strerror() words any of these for a message.
 */
#ifndef NSS_HELPERS_H
#define NSS_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define NSSH_OK 0
#define NSSH_NOT_FOUND 1

/* A short description of a lookup function's result: "found", "no such
 * entry in the name service", or strerror(-code). Thread-safe; the string
 * is static. */
const char *nssh_strerror(int code);

/* A user account. */
typedef struct nssh_user {
    char *name;
    uid_t uid;
    gid_t gid; /* primary group */
} nssh_user;

/* A group and its listed members (the supplementary members of the group
 * database; users whose primary group it is are not listed there). */
typedef struct nssh_group {
    char *name;
    gid_t gid;
    char **members; /* member_count names, then NULL */
    size_t member_count;
} nssh_group;

/* Every group a user belongs to: the primary group first, then the
 * supplementary ones, without duplicates. names[i] is the name of gids[i],
 * or NULL when no group entry exists for that gid. */
typedef struct nssh_group_list {
    gid_t *gids;
    char **names;
    size_t count;
} nssh_group_list;

/* Looks up a user by name. */
int nssh_user_lookup(const char *name, nssh_user **out);

/* The groups of user `name` whose primary group is `primary_gid`. */
int nssh_user_groups(const char *name, gid_t primary_gid,
                     nssh_group_list **out);

/* Looks up a group by name. */
int nssh_group_lookup(const char *name, nssh_group **out);

/* Looks up a group by gid. */
int nssh_group_lookup_gid(gid_t gid, nssh_group **out);

/* Only the gid of group `name` (NSSH_OK sets *gid): cheaper than
 * nssh_group_lookup for a membership test, as the member list, which may
 * hold thousands of names, is not copied. */
int nssh_group_gid(const char *name, gid_t *gid);

/* True if `gid` is in the list. */
bool nssh_group_list_contains(const nssh_group_list *list, gid_t gid);

void nssh_user_free(nssh_user *user);
void nssh_group_free(nssh_group *group);
void nssh_group_list_free(nssh_group_list *list);

#endif /* NSS_HELPERS_H */
