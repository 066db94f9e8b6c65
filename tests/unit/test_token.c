/*
 * Unit tests for lib/token.c: random tokens, hex, SHA-256, CSRF tokens.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "token.h"

static void
new_tokens_differ_and_are_hex(void **state)
{
	char a[TOKEN_HEX + 1], b[TOKEN_HEX + 1];
	unsigned char raw[TOKEN_BYTES];

	(void)state;
	assert_int_equal(token_new(a), 0);
	assert_int_equal(token_new(b), 0);
	assert_int_equal(strlen(a), TOKEN_HEX);
	assert_int_equal(strspn(a, "0123456789abcdef"), TOKEN_HEX);
	assert_string_not_equal(a, b);
	assert_int_equal(token_unhex(a, raw, sizeof(raw)), 0);
}

static void
hex_round_trip(void **state)
{
	unsigned char in[4] = { 0x00, 0x7f, 0xa5, 0xff }, out[4];
	char hex[9];

	(void)state;
	token_hex(in, 4, hex);
	assert_string_equal(hex, "007fa5ff");
	assert_int_equal(token_unhex("007FA5ff", out, 4), 0);
	assert_memory_equal(in, out, 4);
	assert_int_equal(token_unhex("007fa5f", out, 4), -1);
	assert_int_equal(token_unhex("007fa5fg", out, 4), -1);
	assert_int_equal(token_unhex("007fa5ff00", out, 4), -1);
	assert_int_equal(token_unhex(NULL, out, 4), -1);
}

static void
sha256_known_answer(void **state)
{
	unsigned char h[32];
	char hex[65];

	(void)state;
	token_sha256("abc", 3, h);
	token_hex(h, 32, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
}

static void
csrf_known_answer(void **state)
{
	char t[TOKEN_HEX + 1];

	(void)state;
	/* HMAC-SHA256(key "secret", "csrf"), computed independently. */
	csrf_token("secret", t);
	assert_string_equal(t, "a33e37c855ff0fd48638ca35f31ab336"
	    "02e0dea7f25d83cfe523e0cbb6d3be17");
}

static void
csrf_accepts_own_token_only(void **state)
{
	char s1[TOKEN_HEX + 1], s2[TOKEN_HEX + 1], t[TOKEN_HEX + 1];

	(void)state;
	token_new(s1);
	token_new(s2);
	csrf_token(s1, t);
	assert_true(csrf_check(s1, t));
	assert_false(csrf_check(s2, t));
	/* The token is not the secret, and not its plain hash. */
	assert_string_not_equal(t, s1);
	assert_false(csrf_check(s1, s1));
	t[0] = t[0] == 'a' ? 'b' : 'a';
	assert_false(csrf_check(s1, t));
}

static void
csrf_rejects_missing(void **state)
{
	char t[TOKEN_HEX + 1];

	(void)state;
	csrf_token("x", t);
	assert_false(csrf_check(NULL, t));
	assert_false(csrf_check("x", NULL));
	assert_false(csrf_check("x", ""));
	assert_false(csrf_check("", t));
	t[10] = '\0';
	assert_false(csrf_check("x", t));	/* a prefix is not enough */
}

static void
equal_compares_whole_strings(void **state)
{
	(void)state;
	assert_true(token_equal("abc", "abc"));
	assert_false(token_equal("abc", "abd"));
	assert_false(token_equal("abc", "ab"));
	assert_true(token_equal("", ""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_tokens_differ_and_are_hex),
		cmocka_unit_test(hex_round_trip),
		cmocka_unit_test(sha256_known_answer),
		cmocka_unit_test(csrf_known_answer),
		cmocka_unit_test(csrf_accepts_own_token_only),
		cmocka_unit_test(csrf_rejects_missing),
		cmocka_unit_test(equal_compares_whole_strings),
	};

	return cmocka_run_group_tests_name("token", tests, NULL, NULL);
}
