/*
 * token.c - random tokens, SHA-256, CSRF tokens (see token.h).
 */
#include "token.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

int
token_random(unsigned char *out, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = getrandom(out + got, n - got, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

void
token_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
token_unhex(const char *hex, unsigned char *out, size_t n)
{
	if (hex == NULL || strlen(hex) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi * 16 + lo);
	}
	return 0;
}

int
token_new(char out[TOKEN_HEX + 1])
{
	unsigned char raw[TOKEN_BYTES];

	if (token_random(raw, sizeof(raw)) != 0)
		return -1;
	token_hex(raw, sizeof(raw), out);
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

void
token_sha256(const void *in, size_t n, unsigned char out[32])
{
	SHA256(in, n, out);
}

void
csrf_token(const char *secret, char out[TOKEN_HEX + 1])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;

	HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)"csrf", 4, mac, &maclen);
	token_hex(mac, 32, out);
}

int
token_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return 0;
	return CRYPTO_memcmp(a, b, la) == 0;
}

int
csrf_check(const char *secret, const char *given)
{
	char want[TOKEN_HEX + 1];

	if (secret == NULL || given == NULL || *secret == '\0' ||
	    *given == '\0')
		return 0;
	csrf_token(secret, want);
	return token_equal(want, given);
}
