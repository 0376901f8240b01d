/* SPDX-License-Identifier: MIT */
/*
 * nss_spellings.c - a test NSS source ("spellings") that answers several
 * spellings for one account, as SSSD with case_sensitive=false or winbind
 * do: "ALICE", "Alice", "alice@example.com", "EXAMPLE\alice" are all the
 * account alice (uid 1001), whose pw_name is "alice".
 *
 * Loaded by nss_wrapper's module support (NSS_WRAPPER_MODULE_SO_PATH=this
 * file, NSS_WRAPPER_MODULE_FN_PREFIX=spellings), which asks it after the
 * test's passwd file: the exact names are found in the file, the other
 * spellings here. It knows the accounts of tests/pam/pam_lib.sh's default
 * passwd file that the tests spell differently (alice and bob), with the
 * same uids, groups and homes. nss_wrapper calls every function of the
 * interface (and some of them without checking that they exist), so all
 * are defined; those of no use here find nothing.
 */
#include <errno.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

typedef struct account {
    const char *name; /* the canonical name, pw_name */
    uid_t uid;
    gid_t gid;
    const char *dir;
} account;

static const account accounts[] = {
    {"alice", 1001, 1001, "/home/alice"},
    {"bob", 1002, 1002, "/home/bob"},
};

#define DOMAIN_SUFFIX "@example.com"
#define DOMAIN_PREFIX "EXAMPLE\\"

/* The account a spelling names: any case, optionally qualified by the
 * domain (user@example.com or EXAMPLE\user). */
static const account *find(const char *name)
{
    size_t len = strlen(name);
    size_t suffix = strlen(DOMAIN_SUFFIX), prefix = strlen(DOMAIN_PREFIX);
    if (len > suffix && strcasecmp(name + len - suffix, DOMAIN_SUFFIX) == 0)
        len -= suffix;
    else if (len > prefix && strncasecmp(name, DOMAIN_PREFIX, prefix) == 0) {
        name += prefix;
        len -= prefix;
    }
    for (size_t i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++)
        if (strlen(accounts[i].name) == len &&
            strncasecmp(accounts[i].name, name, len) == 0)
            return &accounts[i];
    return NULL;
}

/* Copies s into the caller's buffer; NULL when it does not fit. */
static char *store(const char *s, char **buf, size_t *left)
{
    size_t n = strlen(s) + 1;
    if (n > *left)
        return NULL;
    char *out = memcpy(*buf, s, n);
    *buf += n;
    *left -= n;
    return out;
}

static enum nss_status not_found(int *errnop)
{
    *errnop = ENOENT;
    return NSS_STATUS_NOTFOUND;
}

enum nss_status _nss_spellings_getpwnam_r(const char *name, struct passwd *pw,
                                          char *buf, size_t buflen,
                                          int *errnop);
enum nss_status _nss_spellings_getpwuid_r(uid_t uid, struct passwd *pw,
                                          char *buf, size_t buflen,
                                          int *errnop);
enum nss_status _nss_spellings_setpwent(void);
enum nss_status _nss_spellings_getpwent_r(struct passwd *pw, char *buf,
                                          size_t buflen, int *errnop);
enum nss_status _nss_spellings_endpwent(void);
enum nss_status _nss_spellings_initgroups_dyn(const char *user, gid_t group,
                                              long int *start, long int *size,
                                              gid_t **groups, long int limit,
                                              int *errnop);
enum nss_status _nss_spellings_getgrnam_r(const char *name, struct group *gr,
                                          char *buf, size_t buflen,
                                          int *errnop);
enum nss_status _nss_spellings_getgrgid_r(gid_t gid, struct group *gr,
                                          char *buf, size_t buflen,
                                          int *errnop);
enum nss_status _nss_spellings_setgrent(void);
enum nss_status _nss_spellings_getgrent_r(struct group *gr, char *buf,
                                          size_t buflen, int *errnop);
enum nss_status _nss_spellings_endgrent(void);

enum nss_status _nss_spellings_getpwnam_r(const char *name, struct passwd *pw,
                                          char *buf, size_t buflen, int *errnop)
{
    const account *a = name != NULL ? find(name) : NULL;
    if (a == NULL)
        return not_found(errnop);
    char *p = buf;
    size_t left = buflen;
    pw->pw_name = store(a->name, &p, &left);
    pw->pw_passwd = store("x", &p, &left);
    pw->pw_gecos = store("", &p, &left);
    pw->pw_dir = store(a->dir, &p, &left);
    pw->pw_shell = store("/bin/sh", &p, &left);
    if (pw->pw_name == NULL || pw->pw_passwd == NULL || pw->pw_gecos == NULL ||
        pw->pw_dir == NULL || pw->pw_shell == NULL) {
        *errnop = ERANGE;
        return NSS_STATUS_TRYAGAIN;
    }
    pw->pw_uid = a->uid;
    pw->pw_gid = a->gid;
    return NSS_STATUS_SUCCESS;
}

/* The rest finds nothing: the passwd and group files answer by uid, gid
 * and group name, and for listings. */
enum nss_status _nss_spellings_getpwuid_r(uid_t uid, struct passwd *pw,
                                          char *buf, size_t buflen, int *errnop)
{
    (void)uid;
    (void)pw;
    (void)buf;
    (void)buflen;
    return not_found(errnop);
}

enum nss_status _nss_spellings_setpwent(void)
{
    return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_spellings_getpwent_r(struct passwd *pw, char *buf,
                                          size_t buflen, int *errnop)
{
    (void)pw;
    (void)buf;
    (void)buflen;
    return not_found(errnop);
}

enum nss_status _nss_spellings_endpwent(void)
{
    return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_spellings_initgroups_dyn(const char *user, gid_t group,
                                              long int *start, long int *size,
                                              gid_t **groups, long int limit,
                                              int *errnop)
{
    (void)user;
    (void)group;
    (void)start;
    (void)size;
    (void)groups;
    (void)limit;
    return not_found(errnop);
}

enum nss_status _nss_spellings_getgrnam_r(const char *name, struct group *gr,
                                          char *buf, size_t buflen, int *errnop)
{
    (void)name;
    (void)gr;
    (void)buf;
    (void)buflen;
    return not_found(errnop);
}

enum nss_status _nss_spellings_getgrgid_r(gid_t gid, struct group *gr,
                                          char *buf, size_t buflen, int *errnop)
{
    (void)gid;
    (void)gr;
    (void)buf;
    (void)buflen;
    return not_found(errnop);
}

enum nss_status _nss_spellings_setgrent(void)
{
    return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_spellings_getgrent_r(struct group *gr, char *buf,
                                          size_t buflen, int *errnop)
{
    (void)gr;
    (void)buf;
    (void)buflen;
    return not_found(errnop);
}

enum nss_status _nss_spellings_endgrent(void)
{
    return NSS_STATUS_SUCCESS;
}
