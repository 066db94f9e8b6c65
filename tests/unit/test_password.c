/*
 * Unit tests for lib/password.c: yescrypt hashing and the policy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "password.h"

static void
hash_is_yescrypt_and_verifies(void **state)
{
	char h[PASSWORD_HASH_MAX];

	(void)state;
	assert_int_equal(password_hash("correct horse battery", h), 0);
	assert_memory_equal(h, "$y$", 3);
	assert_true(password_verify("correct horse battery", h));
	assert_false(password_verify("correct horse batterY", h));
	assert_false(password_verify("", h));
}

static void
salts_differ(void **state)
{
	char a[PASSWORD_HASH_MAX], b[PASSWORD_HASH_MAX];

	(void)state;
	assert_int_equal(password_hash("same password", a), 0);
	assert_int_equal(password_hash("same password", b), 0);
	assert_string_not_equal(a, b);
	assert_true(password_verify("same password", a));
	assert_true(password_verify("same password", b));
}

static void
known_yescrypt_hash(void **state)
{
	(void)state;
	/* Made by mkpasswd -m yescrypt (whois package) for "password". */
	assert_true(password_verify("password",
	    "$y$j9T$OXOJWz2KEbPXExiJ2zGmB0$"
	    "HTZUDDRHX6QzIO9HZQl0n2I7bqwosg.zlwubvr0iQz7"));
	assert_false(password_verify("Password",
	    "$y$j9T$OXOJWz2KEbPXExiJ2zGmB0$"
	    "HTZUDDRHX6QzIO9HZQl0n2I7bqwosg.zlwubvr0iQz7"));
}

static void
malformed_hashes_never_match(void **state)
{
	(void)state;
	assert_false(password_verify("x", NULL));
	assert_false(password_verify("x", ""));
	assert_false(password_verify("x", "*"));
	assert_false(password_verify("x", "$y$"));
	assert_false(password_verify("x", "plaintext"));
}

static void
dummy_hash_is_valid(void **state)
{
	const char *h = password_dummy_hash();

	(void)state;
	assert_memory_equal(h, "$y$", 3);
	assert_false(password_verify("", h));
}

/* A lower cost is a different, cheaper hash that still verifies; a
 * hash made at one cost verifies whatever the cost set now. */
static void
cost_is_settable_and_kept_by_each_hash(void **state)
{
	char def[PASSWORD_HASH_MAX], cheap[PASSWORD_HASH_MAX];

	(void)state;
	assert_int_equal(password_hash("correct horse battery", def), 0);
	assert_int_equal(password_set_cost(1), 0);
	assert_int_equal(password_hash("correct horse battery", cheap), 0);
	assert_memory_equal(cheap, "$y$", 3);
	assert_memory_not_equal(cheap, def, 6);
	assert_true(password_verify("correct horse battery", cheap));
	assert_true(password_verify("correct horse battery", def));
	assert_int_equal(password_set_cost(12), -1);
	assert_int_equal(password_set_cost(-1), -1);
	assert_int_equal(password_set_cost(0), 0);
	assert_true(password_verify("correct horse battery", cheap));
	assert_int_equal(password_hash("x", cheap), 0);
	assert_memory_equal(cheap, def, 6);
}

static void
policy(void **state)
{
	char longpw[PASSWORD_MAX + 2];

	(void)state;
	assert_non_null(password_policy(""));
	assert_non_null(password_policy("123456789"));
	assert_null(password_policy("1234567890"));
	memset(longpw, 'p', sizeof(longpw));
	longpw[PASSWORD_MAX] = '\0';
	assert_null(password_policy(longpw));
	longpw[PASSWORD_MAX] = 'p';
	longpw[PASSWORD_MAX + 1] = '\0';
	assert_non_null(password_policy(longpw));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hash_is_yescrypt_and_verifies),
		cmocka_unit_test(salts_differ),
		cmocka_unit_test(known_yescrypt_hash),
		cmocka_unit_test(malformed_hashes_never_match),
		cmocka_unit_test(dummy_hash_is_valid),
		cmocka_unit_test(cost_is_settable_and_kept_by_each_hash),
		cmocka_unit_test(policy),
	};

	return cmocka_run_group_tests_name("password", tests, NULL, NULL);
}
