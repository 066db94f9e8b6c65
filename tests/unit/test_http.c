/*
 * Unit tests for lib/http.c: percent-decoding, query strings, forms,
 * cookies, UTF-8, and malformed or oversized input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http.h"

static struct arena a;

static int
setup(void **state)
{
	(void)state;
	arena_init(&a);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(&a);
	return 0;
}

static enum http_err
parse(struct kvlist *l, const char *s)
{
	memset(l, 0, sizeof(*l));
	return http_parse_urlencoded(&a, l, s, strlen(s));
}

static void
query_basic(void **state)
{
	struct kvlist l;

	(void)state;
	assert_int_equal(parse(&l, "a=1&b=two&c="), HTTP_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(kv_get(&l, "a"), "1");
	assert_string_equal(kv_get(&l, "b"), "two");
	assert_string_equal(kv_get(&l, "c"), "");
	assert_null(kv_get(&l, "d"));
}

static void
query_plus_and_percent(void **state)
{
	struct kvlist l;

	(void)state;
	assert_int_equal(parse(&l, "q=a+b%20c%2Bd&e%3D=%26"), HTTP_OK);
	assert_string_equal(kv_get(&l, "q"), "a b c+d");
	assert_string_equal(kv_get(&l, "e="), "&");
}

static void
query_empty_segments_and_bare_keys(void **state)
{
	struct kvlist l;

	(void)state;
	assert_int_equal(parse(&l, "&&a=1&&flag&"), HTTP_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(kv_get(&l, "flag"), "");
	assert_int_equal(parse(&l, ""), HTTP_OK);
	assert_int_equal(l.n, 0);
}

static void
query_duplicates_kept_in_order(void **state)
{
	struct kvlist l;

	(void)state;
	assert_int_equal(parse(&l, "x=1&x=2&y=3"), HTTP_OK);
	assert_int_equal(kv_count(&l, "x"), 2);
	assert_string_equal(kv_get(&l, "x"), "1");
	assert_string_equal(l.v[1].val, "2");
}

static void
decode_utf8(void **state)
{
	struct kvlist l;

	(void)state;
	assert_int_equal(parse(&l, "n=%C3%A9t%C3%A9%20%E2%82%AC"), HTTP_OK);
	assert_string_equal(kv_get(&l, "n"), "\xc3\xa9t\xc3\xa9 \xe2\x82\xac");
}

static void
bad_percent_encoding(void **state)
{
	struct kvlist l;

	(void)state;
	assert_int_equal(parse(&l, "a=%"), HTTP_EENCODING);
	assert_int_equal(parse(&l, "a=%4"), HTTP_EENCODING);
	assert_int_equal(parse(&l, "a=%zz"), HTTP_EENCODING);
	assert_int_equal(parse(&l, "a=%4g"), HTTP_EENCODING);
	assert_int_equal(parse(&l, "%=1"), HTTP_EENCODING);
}

static void
nul_byte_rejected(void **state)
{
	struct kvlist l;

	(void)state;
	assert_int_equal(parse(&l, "a=x%00y"), HTTP_ESYNTAX);
}

static void
invalid_utf8_rejected(void **state)
{
	struct kvlist l;

	(void)state;
	assert_int_equal(parse(&l, "a=%FF"), HTTP_EUTF8);
	assert_int_equal(parse(&l, "a=%C3"), HTTP_EUTF8);	/* truncated */
	assert_int_equal(parse(&l, "a=%C0%AF"), HTTP_EUTF8);	/* overlong */
	assert_int_equal(parse(&l, "a=%ED%A0%80"), HTTP_EUTF8); /* surrogate */
	assert_int_equal(parse(&l, "a=%F4%90%80%80"), HTTP_EUTF8); /* >10FFFF */
	assert_int_equal(parse(&l, "%80=1"), HTTP_EUTF8);
}

static void
utf8_validator(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("plain", 5));
	assert_true(utf8_valid("\xf0\x9f\x92\xb0", 4));		/* U+1F4B0 */
	assert_true(utf8_valid("\xf4\x8f\xbf\xbf", 4));		/* U+10FFFF */
	assert_false(utf8_valid("\xe2\x82", 2));
	assert_false(utf8_valid("\xe0\x80\xaf", 3));		/* overlong */
	assert_false(utf8_valid("\xf8\x88\x80\x80\x80", 5));
	assert_false(utf8_valid("a\x80", 2));
}

static void
too_many_pairs(void **state)
{
	struct kvlist l;
	char *s = malloc(HTTP_MAX_PAIRS * 4 + 8);
	size_t n = 0;

	(void)state;
	for (int i = 0; i <= HTTP_MAX_PAIRS; i++) {
		memcpy(s + n, "a=1&", 4);
		n += 4;
	}
	s[n] = '\0';
	assert_int_equal(parse(&l, s), HTTP_ETOOMANY);
	s[HTTP_MAX_PAIRS * 4 - 1] = '\0';
	assert_int_equal(parse(&l, s), HTTP_OK);
	assert_int_equal(l.n, HTTP_MAX_PAIRS);
	free(s);
}

static void
oversized_key_and_input(void **state)
{
	struct kvlist l;
	char key[HTTP_MAX_KEY + 8];
	char *big;

	(void)state;
	memset(key, 'k', sizeof(key));
	key[HTTP_MAX_KEY + 1] = '=';
	key[HTTP_MAX_KEY + 2] = '\0';
	assert_int_equal(parse(&l, key), HTTP_ETOOLONG);
	big = malloc(HTTP_MAX_INPUT + 2);
	memset(big, 'x', HTTP_MAX_INPUT + 1);
	big[HTTP_MAX_INPUT + 1] = '\0';
	memset(&l, 0, sizeof(l));
	assert_int_equal(http_parse_urlencoded(&a, &l, big, HTTP_MAX_INPUT + 1),
	    HTTP_ETOOLONG);
	free(big);
}

static void
cookies_basic(void **state)
{
	struct kvlist l;

	(void)state;
	memset(&l, 0, sizeof(l));
	assert_int_equal(http_parse_cookies(&a, &l,
	    "__Host-sid=abc; theme=\"dark\";x=1 ;  empty="), HTTP_OK);
	assert_int_equal(l.n, 4);
	assert_string_equal(kv_get(&l, "__Host-sid"), "abc");
	assert_string_equal(kv_get(&l, "theme"), "dark");
	assert_string_equal(kv_get(&l, "x"), "1");
	assert_string_equal(kv_get(&l, "empty"), "");
}

static void
cookies_not_percent_decoded(void **state)
{
	struct kvlist l;

	(void)state;
	memset(&l, 0, sizeof(l));
	assert_int_equal(http_parse_cookies(&a, &l, "a=%41"), HTTP_OK);
	assert_string_equal(kv_get(&l, "a"), "%41");
}

static void
cookies_malformed(void **state)
{
	struct kvlist l;
	char big[9000];

	(void)state;
	/* Broken pairs are skipped; the good ones survive. */
	memset(&l, 0, sizeof(l));
	assert_int_equal(http_parse_cookies(&a, &l,
	    "novalue; =v; a=b\x01; good=1; tab=\t"), HTTP_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(kv_get(&l, "good"), "1");
	memset(big, 'c', sizeof(big));
	big[0] = 'k';
	big[1] = '=';
	big[sizeof(big) - 1] = '\0';
	memset(&l, 0, sizeof(l));
	assert_int_equal(http_parse_cookies(&a, &l, big), HTTP_ETOOLONG);
	memset(&l, 0, sizeof(l));
	assert_int_equal(http_parse_cookies(&a, &l, " ; ;"), HTTP_OK);
	assert_int_equal(l.n, 0);
}

static void
media_type(void **state)
{
	(void)state;
	assert_string_equal(http_media_type(&a,
	    "Application/X-WWW-Form-Urlencoded; charset=UTF-8"),
	    "application/x-www-form-urlencoded");
	assert_string_equal(http_media_type(&a, NULL), "");
	assert_string_equal(http_media_type(&a, " text/csv"), "text/csv");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(query_basic),
		cmocka_unit_test(query_plus_and_percent),
		cmocka_unit_test(query_empty_segments_and_bare_keys),
		cmocka_unit_test(query_duplicates_kept_in_order),
		cmocka_unit_test(decode_utf8),
		cmocka_unit_test(bad_percent_encoding),
		cmocka_unit_test(nul_byte_rejected),
		cmocka_unit_test(invalid_utf8_rejected),
		cmocka_unit_test(utf8_validator),
		cmocka_unit_test(too_many_pairs),
		cmocka_unit_test(oversized_key_and_input),
		cmocka_unit_test(cookies_basic),
		cmocka_unit_test(cookies_not_percent_decoded),
		cmocka_unit_test(cookies_malformed),
		cmocka_unit_test(media_type),
	};

	return cmocka_run_group_tests_name("http", tests, setup, teardown);
}
