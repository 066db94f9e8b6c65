/*
 * token.h - random tokens, SHA-256, and CSRF tokens.
 *
 * A session token is TOKEN_BYTES random bytes from getrandom(), sent to
 * the browser as TOKEN_HEX lower-case hex digits; the database keeps only
 * its SHA-256.  A CSRF token is HMAC-SHA256(secret, "csrf") in hex, where
 * the secret is the session token (signed in) or the random value of the
 * __Host-csrf cookie (signed out), so it is never stored anywhere.
 */
#ifndef NESTEGG_TOKEN_H
#define NESTEGG_TOKEN_H

#include <stddef.h>

#define TOKEN_BYTES	32
#define TOKEN_HEX	(TOKEN_BYTES * 2)

/* Fills out with n random bytes; 0 on success, -1 if the kernel failed. */
int token_random(unsigned char *out, size_t n);

/* Writes 2n lower-case hex digits and a NUL to out (2n+1 bytes). */
void token_hex(const unsigned char *in, size_t n, char *out);

/* Parses exactly 2n hex digits from hex into out; 0 on success, -1 if
 * hex is not exactly 2n hex digits. */
int token_unhex(const char *hex, unsigned char *out, size_t n);

/* A new random token as TOKEN_HEX hex digits plus NUL; 0 on success. */
int token_new(char out[TOKEN_HEX + 1]);

/* SHA-256 of n bytes into out. */
void token_sha256(const void *in, size_t n, unsigned char out[32]);

/* The CSRF token for secret, as 64 hex digits plus NUL in out. */
void csrf_token(const char *secret, char out[TOKEN_HEX + 1]);

/* 1 if the given token is the CSRF token of secret, else 0; constant
 * time in the token's content.  NULL or empty arguments never match. */
int csrf_check(const char *secret, const char *given);

/* 1 if the NUL-terminated strings are equal, in time independent of
 * where they differ. */
int token_equal(const char *a, const char *b);

#endif
