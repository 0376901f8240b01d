/* SPDX-License-Identifier: MIT */
/*
 * rules.c - limit resolution (see rules.h for the rules).
 */
#include "rules.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nss_helpers.h>

/* What a rule lookup needs to know about the user. */
typedef struct user_facts {
    const char *name;
    nssh_group_list *groups;
} user_facts;

/*
 * 1 if the user belongs to `group`, 0 if not (or the group does not exist),
 * -1 with the reason in d->error if NSS failed.
 */
static int in_group(const user_facts *u, const char *group, pldlm_decision *d)
{
    for (size_t i = 0; i < u->groups->count; i++)
        if (u->groups->names[i] != NULL &&
            strcmp(u->groups->names[i], group) == 0)
            return 1;
    /* Not by name: maybe another name for one of the user's gids. */
    gid_t gid;
    int rc = nssh_group_gid(group, &gid);
    if (rc < 0) {
        snprintf(d->error, sizeof(d->error), "looking up group \"%s\": %s",
                 group, nssh_strerror(rc));
        return -1;
    }
    if (rc == NSSH_NOT_FOUND)
        return 0;
    return nssh_group_list_contains(u->groups, gid) ? 1 : 0;
}

/* 1 if the target designates the user, 0 if not, -1 on NSS failure. */
static int matches(const user_facts *u, const pldlm_target *t,
                   pldlm_decision *d)
{
    if (!t->is_group)
        return strcmp(t->name, u->name) == 0 ? 1 : 0;
    return in_group(u, t->name, d);
}

/* "more generous": unlimited above everything, else the larger number. */
static bool more_generous(long a, long b)
{
    if (b == PLDLM_UNLIMITED)
        return false;
    return a == PLDLM_UNLIMITED || a > b;
}

/* True if a later rule in `rules` targets the same group as rules[i]. */
static bool overridden_group_rule(const pldlm_limit_rule *rules, size_t count,
                                  size_t i)
{
    for (size_t k = i + 1; k < count; k++)
        if (rules[k].target.is_group &&
            strcmp(rules[k].target.name, rules[i].target.name) == 0)
            return true;
    return false;
}

static int resolve_user_limit(const pldlm_options *o, const user_facts *u,
                              pldlm_decision *d)
{
    /* A rule naming the user: the last one wins, groups do not matter. */
    for (size_t i = o->limit_count; i-- > 0;) {
        const pldlm_limit_rule *r = &o->limits[i];
        if (!r->target.is_group && strcmp(r->target.name, u->name) == 0) {
            d->user_limit = r->limit;
            snprintf(d->why, sizeof(d->why), "a rule naming the user");
            return 0;
        }
    }
    /* Group rules: the most generous among the user's groups. */
    bool found = false;
    for (size_t i = 0; i < o->limit_count; i++) {
        const pldlm_limit_rule *r = &o->limits[i];
        if (!r->target.is_group ||
            overridden_group_rule(o->limits, o->limit_count, i))
            continue;
        int m = in_group(u, r->target.name, d);
        if (m < 0)
            return -1;
        if (m == 1 && (!found || more_generous(r->limit, d->user_limit))) {
            found = true;
            d->user_limit = r->limit;
            snprintf(d->why, sizeof(d->why), "rule for group @%s",
                     r->target.name);
        }
    }
    if (!found) {
        d->user_limit = o->max_sessions;
        snprintf(d->why, sizeof(d->why), "%s",
                 o->max_sessions == PLDLM_UNLIMITED
                     ? "no rule and no max_sessions"
                     : "max_sessions");
    }
    return 0;
}

static int compare_pools(const void *a, const void *b)
{
    const pldlm_pool_need *x = a, *y = b;
    return strcmp(x->group, y->group);
}

static int resolve_pools(const pldlm_options *o, const user_facts *u,
                         pldlm_decision *d)
{
    if (o->pool_count == 0)
        return 0;
    d->pools = calloc(o->pool_count, sizeof(*d->pools));
    if (d->pools == NULL) {
        snprintf(d->error, sizeof(d->error), "out of memory");
        return -1;
    }
    for (size_t i = 0; i < o->pool_count; i++) {
        const pldlm_pool_rule *p = &o->pools[i];
        bool redefined = false;
        for (size_t k = i + 1; k < o->pool_count; k++)
            if (strcmp(o->pools[k].group, p->group) == 0)
                redefined = true;
        if (redefined)
            continue;
        int m = in_group(u, p->group, d);
        if (m < 0)
            return -1;
        if (m == 1) {
            d->pools[d->pool_count].group = p->group;
            d->pools[d->pool_count].size = p->size;
            d->pool_count++;
        }
    }
    qsort(d->pools, d->pool_count, sizeof(*d->pools), compare_pools);
    return 0;
}

int pldlm_decide(const pldlm_options *o, const char *user, pldlm_decision *d)
{
    memset(d, 0, sizeof(*d));
    d->user_limit = PLDLM_UNLIMITED;

    nssh_user *pw = NULL;
    int rc = nssh_user_lookup(user, &pw);
    if (rc == NSSH_NOT_FOUND)
        return PLDLM_USER_UNKNOWN;
    if (rc < 0) {
        snprintf(d->error, sizeof(d->error), "looking up the user: %s",
                 nssh_strerror(rc));
        return -1;
    }
    /* From here on the account's own name, whatever spelling found it. */
    d->user = pw->name;
    pw->name = NULL;
    d->uid = pw->uid;
    gid_t primary = pw->gid;
    nssh_user_free(pw);
    if (d->uid == 0 && !o->even_deny_root) {
        d->exemption = PLDLM_EXEMPT_ROOT;
        snprintf(d->why, sizeof(d->why),
                 "uid 0 is exempt (even_deny_root is not set)");
        return PLDLM_DECIDED;
    }

    user_facts u = {.name = d->user, .groups = NULL};
    rc = nssh_user_groups(d->user, primary, &u.groups);
    if (rc != NSSH_OK) {
        snprintf(d->error, sizeof(d->error), "listing the user's groups: %s",
                 nssh_strerror(rc));
        pldlm_decision_free(d);
        return -1;
    }

    int result = PLDLM_DECIDED;
    for (size_t i = 0; i < o->exempt_count; i++) {
        int m = matches(&u, &o->exempt[i], d);
        if (m < 0) {
            result = -1;
            goto out;
        }
        if (m == 1) {
            d->exemption = PLDLM_EXEMPT_LISTED;
            snprintf(d->why, sizeof(d->why), "exempt=%s%s",
                     o->exempt[i].is_group ? "@" : "", o->exempt[i].name);
            goto out;
        }
    }
    if (resolve_user_limit(o, &u, d) != 0 || resolve_pools(o, &u, d) != 0)
        result = -1;

out:
    nssh_group_list_free(u.groups);
    if (result < 0)
        pldlm_decision_free(d);
    return result;
}

void pldlm_decision_free(pldlm_decision *d)
{
    free(d->user);
    d->user = NULL;
    free(d->pools);
    d->pools = NULL;
    d->pool_count = 0;
}
