/* SPDX-License-Identifier: MIT */
/*
 * lock_name.h - names of the locks that count sessions.
 *
 * A user's slot lock is  <prefix>user/<encoded user name>/<limit>
 * a group pool's lock is <prefix>group/<encoded group name>/<pool size>
 *
 * The limit is part of the name because the server fixes a lock's size
 * while the lock exists: with the limit in the name, a changed limit is a
 * new lock of the new size, in force at once for every new login, and no
 * pam_ldlm host ever asks for an existing lock with another size. A size
 * mismatch from the server then means that someone else created the lock
 * (tampering), never a configuration change.
 *
 * The encoding keeps the bytes A-Z a-z 0-9 . _ - and writes every other byte
 * (including '%', '/', blanks, control characters and bytes >= 0x80) as '%'
 * followed by two upper-case hex digits. The result is plain ASCII, hence
 * valid UTF-8 whatever the input (the server rejects invalid UTF-8), and the
 * mapping is injective: decoding is unambiguous because '%' never stands for
 * itself. Since encoded names contain no '/', a user name can never collide
 * with a group name or spill into another namespace.
 */
#ifndef PAM_LDLM_LOCK_NAME_H
#define PAM_LDLM_LOCK_NAME_H

#include <stddef.h>

/* Encodes `len` bytes of `raw`; a string to free(), NULL if out of memory. */
char *pldlm_encode_bytes(const char *raw, size_t len);

/* Encodes a NUL-terminated name. */
char *pldlm_encode_name(const char *raw);

/* prefix + "user/" + encoded user + "/" + limit; NULL if out of memory. */
char *pldlm_user_lock_name(const char *prefix, const char *user, long limit);

/* prefix + "group/" + encoded group + "/" + size; NULL if out of memory. */
char *pldlm_group_lock_name(const char *prefix, const char *group, long size);

#endif /* PAM_LDLM_LOCK_NAME_H */
