/* SPDX-License-Identifier: MIT */
/*
 * rules.h - which limits apply to a user.
 *
 * Resolution, from the user's NSS entry and groups (nss_helpers):
 *  1. uid 0 is exempt unless even_deny_root; a user named in exempt=, or a
 *     member of a group named there, is exempt: no lock, no pool, the server
 *     is not contacted.
 *  2. The per-user limit: the last limit=USER:... / unlimited=USER naming the
 *     user wins; otherwise, among the groups the user belongs to that have a
 *     rule (the last rule for each group counts), the most generous limit
 *     wins ("unlimited" above any number); otherwise max_sessions
 *     (unlimited when not set).
 *  3. Pools: every pool=@GROUP:N whose group the user belongs to (the last
 *     definition of each group counts), in group-name order so that all
 *     hosts take pool locks in the same order. Pools apply to users with an
 *     unlimited per-user limit too.
 * Membership counts the primary group and every supplementary group.
 *
 * The user is looked up once, and everything after that uses the account's
 * canonical name as NSS gives it (pw_name), not the name the user typed:
 * with SSSD (case_sensitive=false) or winbind, "ALICE", "Alice" and
 * "alice@example.com" may all be one account, which must have one limit,
 * one lock and one name in the logs. Rules name accounts by that name.
 */
#ifndef PAM_LDLM_RULES_H
#define PAM_LDLM_RULES_H

#include <stddef.h>
#include <sys/types.h>

#include "options.h"

typedef enum pldlm_exemption {
    PLDLM_NOT_EXEMPT = 0,
    PLDLM_EXEMPT_ROOT,  /* uid 0 without even_deny_root */
    PLDLM_EXEMPT_LISTED /* named in exempt=, directly or by group */
} pldlm_exemption;

typedef struct pldlm_pool_need {
    const char *group; /* borrowed from the options */
    long size;
} pldlm_pool_need;

typedef struct pldlm_decision {
    char *user; /* the account's canonical name (pw_name), owned */
    uid_t uid;
    pldlm_exemption exemption;
    char why[256];   /* which rule decided, for debug logging */
    char error[256]; /* why pldlm_decide returned -1 */
    long user_limit; /* >= 0, or PLDLM_UNLIMITED */
    pldlm_pool_need *pools;
    size_t pool_count;
} pldlm_decision;

#define PLDLM_DECIDED 0
#define PLDLM_USER_UNKNOWN 1

/*
 * Resolves the rules for `user` (as given to PAM). Returns PLDLM_DECIDED
 * (*d filled, free it with pldlm_decision_free), PLDLM_USER_UNKNOWN, or -1
 * with the reason in d->error when NSS failed (nothing to free then). The
 * decision borrows strings from `o`: keep o alive while d is.
 */
int pldlm_decide(const pldlm_options *o, const char *user, pldlm_decision *d);

void pldlm_decision_free(pldlm_decision *d);

#endif /* PAM_LDLM_RULES_H */
