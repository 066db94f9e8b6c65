/*
 * password.c - yescrypt password hashing (see password.h).
 */
#include "password.h"

#include <crypt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "token.h"

static int hash_cost;

int
password_set_cost(int cost)
{
	if (cost < 0 || cost > PASSWORD_COST_MAX)
		return -1;
	hash_cost = cost;
	return 0;
}

int
password_hash(const char *pw, char out[PASSWORD_HASH_MAX])
{
	struct crypt_data cd;
	char *salt, *h;
	int rc = -1;

	salt = crypt_gensalt_ra("$y$", (unsigned long)hash_cost, NULL, 0);
	if (salt == NULL)
		return -1;
	memset(&cd, 0, sizeof(cd));
	h = crypt_r(pw, salt, &cd);
	if (h != NULL && h[0] == '$' && strlen(h) < PASSWORD_HASH_MAX) {
		strcpy(out, h);
		rc = 0;
	}
	free(salt);
	explicit_bzero(&cd, sizeof(cd));
	return rc;
}

int
password_verify(const char *pw, const char *hash)
{
	struct crypt_data cd;
	const char *h;
	int ok;

	if (hash == NULL || hash[0] != '$')
		return 0;
	memset(&cd, 0, sizeof(cd));
	h = crypt_r(pw, hash, &cd);
	/* crypt_r returns a string starting with '*' on failure. */
	ok = h != NULL && h[0] == '$' && token_equal(h, hash);
	explicit_bzero(&cd, sizeof(cd));
	return ok;
}

const char *
password_policy(const char *pw)
{
	size_t n = strlen(pw);

	if (n < PASSWORD_MIN)
		return "Use at least 10 characters.";
	if (n > PASSWORD_MAX)
		return "Use at most 256 characters.";
	return NULL;
}

static char dummy_hash[PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_init(void)
{
	char pw[TOKEN_HEX + 1];

	if (token_new(pw) != 0 || password_hash(pw, dummy_hash) != 0)
		strcpy(dummy_hash, "*");
}

const char *
password_dummy_hash(void)
{
	pthread_once(&dummy_once, dummy_init);
	return dummy_hash;
}
