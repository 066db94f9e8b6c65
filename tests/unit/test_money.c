/*
 * Unit tests for lib/money.c: exact decimals, rounding, currencies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "money.h"

static dec
D(const char *s)
{
	dec d;

	assert_int_equal(dec_parse(s, &d), 0);
	return d;
}

static const char *
F(dec d, int places)
{
	static char buf[DEC_BUFSZ];

	return dec_format(d, places, buf);
}

static void
parse_and_format(void **state)
{
	dec d;

	(void)state;
	assert_string_equal(F(D("12"), -1), "12");
	assert_string_equal(F(D("-0.5"), -1), "-0.5");
	assert_string_equal(F(D("+1234.567"), -1), "1234.567");
	assert_string_equal(F(D(".5"), -1), "0.5");
	assert_string_equal(F(D("0.000000000001"), -1), "0.000000000001");
	assert_string_equal(F(D("1.10"), 2), "1.10");
	assert_string_equal(F(D("7"), 3), "7.000");
	assert_string_equal(F(D("-0.001"), 2), "0.00");	/* no -0.00 */
	assert_int_equal(dec_parse("0.0000000000001", &d), -1); /* 13 places */
	assert_int_equal(dec_parse("1e5", &d), -1);
	assert_int_equal(dec_parse("1,000", &d), -1);
	assert_int_equal(dec_parse("", &d), -1);
	assert_int_equal(dec_parse("-", &d), -1);
	assert_int_equal(dec_parse(".", &d), -1);
	assert_int_equal(dec_parse("1.2.3", &d), -1);
	assert_int_equal(dec_parse(" 1", &d), -1);
	assert_int_equal(dec_parse("99999999999999999999999999999999", &d), -1);
}

static void
grouping(void **state)
{
	char buf[DEC_BUFSZ];

	(void)state;
	assert_string_equal(dec_format_grouped(D("1234567.891"), 2, buf),
	    "1,234,567.89");
	assert_string_equal(dec_format_grouped(D("-999.5"), 0, buf), "-1,000");
	assert_string_equal(dec_format_grouped(D("100"), 2, buf), "100.00");
}

static void
round_half_even(void **state)
{
	(void)state;
	assert_string_equal(F(D("2.345"), 2), "2.34");
	assert_string_equal(F(D("2.355"), 2), "2.36");
	assert_string_equal(F(D("-2.345"), 2), "-2.34");
	assert_string_equal(F(D("-2.355"), 2), "-2.36");
	assert_string_equal(F(D("2.3451"), 2), "2.35");
	assert_string_equal(F(D("0.5"), 0), "0");
	assert_string_equal(F(D("1.5"), 0), "2");
	assert_string_equal(F(D("2.5"), 0), "2");
	assert_string_equal(F(dec_round(D("10.125"), 2), -1), "10.12");
}

static void
arithmetic_is_exact(void **state)
{
	dec sum = DEC_ZERO;

	(void)state;
	/* 0.1 added ten times is exactly 1, unlike binary floating point. */
	for (int i = 0; i < 10; i++)
		sum = dec_add(sum, D("0.1"));
	assert_int_equal(dec_cmp(sum, DEC_ONE), 0);
	assert_string_equal(F(dec_mul(D("19.99"), D("3")), -1), "59.97");
	assert_string_equal(F(dec_mul(D("-1.5"), D("1.5")), -1), "-2.25");
	assert_string_equal(F(dec_sub(D("0.3"), D("0.1")), -1), "0.2");
	assert_string_equal(F(dec_mul(D("123456789.123456789"),
	    D("1000")), -1), "123456789123.456789");
	assert_string_equal(F(dec_mul(D("12345678901234"), D("1234567")), -1),
	    "15241567764059755678");
}

static void
mul_and_div_round_half_even(void **state)
{
	(void)state;
	assert_string_equal(F(dec_div(DEC_ONE, D("3")), -1), "0.333333333333");
	assert_string_equal(F(dec_div(D("2"), D("3")), -1), "0.666666666667");
	assert_string_equal(F(dec_div(D("-2"), D("3")), -1), "-0.666666666667");
	assert_string_equal(F(dec_div(D("1205"), D("2")), -1), "602.5");
	/* 0.000001 * 0.0000005 = 5e-13: a tie, rounds to even (0). */
	assert_string_equal(F(dec_mul(D("0.000001"), D("0.0000005")), -1), "0");
	assert_string_equal(F(dec_mul(D("0.000001"), D("0.0000015")), -1),
	    "0.000000000002");
	assert_string_equal(F(dec_div(D("100"), D("0.000000000001")), -1),
	    "100000000000000");
}

static void
nan_propagates(void **state)
{
	dec big = D("99999999999999999999");

	(void)state;
	assert_true(dec_bad(dec_div(DEC_ONE, DEC_ZERO)));
	assert_true(dec_bad(dec_mul(big, big)));
	assert_true(dec_bad(dec_add(dec_mul(big, big), DEC_ONE)));
	assert_true(dec_bad(dec_sub(DEC_ONE, DEC_NAN)));
	assert_string_equal(F(DEC_NAN, 2), "NaN");
	assert_false(dec_bad(dec_mul(big, D("1000"))));
}

static void
division_edges(void **state)
{
	char buf[DEC_BUFSZ];
	dec max;

	(void)state;
	/* Huge divisors no longer give a false NaN. */
	assert_string_equal(F(dec_div(dec_mul(D("19000000000000"),
	    D("1000000000000")), dec_mul(D("20000000000000"),
	    D("1000000000000"))), -1), "0.95");
	assert_string_equal(F(dec_div_places(D("2"), D("3"), 2), -1), "0.67");
	assert_string_equal(F(dec_div_places(D("-1"), D("8"), 2), -1),
	    "-0.12");
	/* A quotient too large is NaN, not a wrapped number. */
	max.v = (((__int128)1) << 126);
	assert_true(dec_bad(dec_div(max, D("0.5"))));
	assert_true(dec_bad(dec_div(max, D("0.000000000001"))));
	/* The widest number still fits the buffer. */
	max.v = -((((__int128)1) << 126) - 1);
	assert_true(strlen(dec_format_grouped(max, -1, buf)) < DEC_BUFSZ);
	assert_true(dec_storable(D("-999999999999999999")));
	assert_false(dec_storable(D("1000000000000000000")));
}

static void
compare(void **state)
{
	(void)state;
	assert_int_equal(dec_cmp(D("1.5"), D("1.50")), 0);
	assert_int_equal(dec_cmp(D("-1"), D("0")), -1);
	assert_int_equal(dec_cmp(D("2"), D("1.999999999999")), 1);
	assert_int_equal(dec_sign(D("-0.000000000001")), -1);
	assert_true(dec_is_zero(D("-0")));
}

static void
currencies(void **state)
{
	char major[4];
	dec f;

	(void)state;
	assert_int_equal(currency_major("GBp", major, &f), 0);
	assert_string_equal(major, "GBP");
	assert_string_equal(F(f, -1), "0.01");
	assert_int_equal(currency_major("GBX", major, &f), 0);
	assert_string_equal(major, "GBP");
	assert_int_equal(currency_major("ZAc", major, &f), 0);
	assert_string_equal(major, "ZAR");
	assert_int_equal(currency_major("USD", major, &f), 0);
	assert_string_equal(major, "USD");
	assert_int_equal(dec_cmp(f, DEC_ONE), 0);
	assert_int_equal(currency_major("usd", major, &f), -1);
	assert_int_equal(currency_major("US", major, &f), -1);
	assert_int_equal(currency_major("EURO", major, &f), -1);
	assert_true(currency_valid("CHF"));
	assert_false(currency_valid("GBp"));
	assert_int_equal(currency_places("JPY"), 0);
	assert_int_equal(currency_places("KWD"), 3);
	assert_int_equal(currency_places("EUR"), 2);
}

/* Parses s rounded to places; returns the exact text, or "ERR". */
static const char *
R(const char *s, int places, int *rounded)
{
	static char buf[DEC_BUFSZ];
	dec d;

	if (dec_parse_round(s, strlen(s), places, &d, rounded) != 0)
		return "ERR";
	return dec_format(d, -1, buf);
}

static void
parse_round_liberal(void **state)
{
	int r = -1;

	(void)state;
	assert_string_equal(R("188.5500030517578", 2, &r), "188.55");
	assert_int_equal(r, 1);
	assert_string_equal(R("0.3333333333333333", 12, &r), "0.333333333333");
	assert_int_equal(r, 1);
	assert_string_equal(R("0.9941099999999999", 12, &r), "0.99411");
	assert_string_equal(R("237.8000030517578", 12, &r), "237.800003051758");
	assert_string_equal(R("12.5", 12, &r), "12.5");
	assert_int_equal(r, 0);
	/* Half-even at the last place kept, and far beyond it. */
	assert_string_equal(R("0.125", 2, &r), "0.12");
	assert_string_equal(R("0.135", 2, &r), "0.14");
	assert_string_equal(R("0.1250000000000000000001", 2, &r), "0.13");
	assert_string_equal(R("-0.125", 2, &r), "-0.12");
	assert_string_equal(R("-2.5", 0, &r), "-2");
	assert_string_equal(R("0.004", 2, &r), "0");
	assert_int_equal(r, 1);
	assert_string_equal(R("0.006", 2, &r), "0.01");
	assert_string_equal(R("0.0000001", 2, &r), "0");
	/* Exponents, and the forms around the point. */
	assert_string_equal(R("1e-5", 12, &r), "0.00001");
	assert_string_equal(R("1.5E+3", 12, &r), "1500");
	assert_string_equal(R("2e2", 0, &r), "200");
	assert_string_equal(R("5.", 2, &r), "5");
	assert_string_equal(R(".5", 2, &r), "0.5");
	assert_string_equal(R("+7", 2, &r), "7");
	assert_string_equal(R("0000012.300", 12, &r), "12.3");
	assert_string_equal(R("0e99999", 12, &r), "0");
	assert_string_equal(R("1e-99999", 12, &r), "0");
	assert_string_equal(R("9.99999999999999999999999", 2, &r), "10");
	/* Refused: not numbers, or too large. */
	assert_string_equal(R("", 2, &r), "ERR");
	assert_string_equal(R(".", 2, &r), "ERR");
	assert_string_equal(R("-", 2, &r), "ERR");
	assert_string_equal(R("e5", 2, &r), "ERR");
	assert_string_equal(R("1e", 2, &r), "ERR");
	assert_string_equal(R("1e+", 2, &r), "ERR");
	assert_string_equal(R("1,5", 2, &r), "ERR");
	assert_string_equal(R(" 1", 2, &r), "ERR");
	assert_string_equal(R("1 ", 2, &r), "ERR");
	assert_string_equal(R("NaN", 2, &r), "ERR");
	assert_string_equal(R("1e99999", 2, &r), "ERR");
	assert_string_equal(R("123456789012345678901234567890", 2, &r), "ERR");
	assert_string_equal(R("1", 13, &r), "ERR");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_and_format),
		cmocka_unit_test(parse_round_liberal),
		cmocka_unit_test(grouping),
		cmocka_unit_test(round_half_even),
		cmocka_unit_test(arithmetic_is_exact),
		cmocka_unit_test(mul_and_div_round_half_even),
		cmocka_unit_test(nan_propagates),
		cmocka_unit_test(division_edges),
		cmocka_unit_test(compare),
		cmocka_unit_test(currencies),
	};

	return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
