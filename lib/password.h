/*
 * password.h - password hashing with yescrypt through libcrypt, and the
 * password policy.
 */
#ifndef NESTEGG_PASSWORD_H
#define NESTEGG_PASSWORD_H

#include <stddef.h>

#define PASSWORD_MIN	10	/* characters (bytes) */
#define PASSWORD_MAX	256
#define PASSWORD_HASH_MAX 256	/* room for any "$y$..." hash */

/*
 * Sets the yescrypt cost of the hashes password_hash() makes from now on:
 * 1 to 11, or 0 for libcrypt's default (5; about 60 ms on a small
 * machine).  A hash keeps the cost it was made with.  Call it once at
 * start, before threads.  Returns 0, or -1 (nothing changed) if out of
 * range.
 */
#define PASSWORD_COST_MAX 11
int password_set_cost(int cost);

/*
 * Hashes pw with a fresh random yescrypt salt ("$y$", the cost set) into
 * out (PASSWORD_HASH_MAX bytes).  Returns 0, or -1 if libcrypt failed.
 */
int password_hash(const char *pw, char out[PASSWORD_HASH_MAX]);

/* 1 if pw matches the stored hash, 0 if not or if hash is malformed. */
int password_verify(const char *pw, const char *hash);

/*
 * Checks pw against the policy; returns NULL if acceptable, else a
 * message for the form ("Use at least 10 characters.").
 */
const char *password_policy(const char *pw);

/* A valid hash of an unguessable password, to spend the same time on
 * unknown accounts as on known ones. */
const char *password_dummy_hash(void);

#endif
