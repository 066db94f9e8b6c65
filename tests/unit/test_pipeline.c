/*
 * Unit tests for the pure parts of the price pipeline: quote validation
 * (lib/quote.c), crontab schedules (lib/cronexpr.c), conversion paths
 * and staleness (lib/value.c), external flows (lib/ledger.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "cronexpr.h"
#include "ledger.h"
#include "quote.h"
#include "value.h"

static dec
D(const char *s)
{
	dec d;

	assert_int_equal(dec_parse(s, &d), 0);
	return d;
}

static void
assert_dec(dec d, const char *want)
{
	char buf[DEC_BUFSZ];

	assert_string_equal(dec_format(d, -1, buf), want);
}

static const struct quote_rules rules = { 50, 3, 300 };

static struct quote_last
last_at(const char *price, time_t as_of)
{
	struct quote_last l;

	memset(&l, 0, sizeof(l));
	l.known = 1;
	l.price = D(price);
	l.as_of = as_of;
	l.split = DEC_ONE;
	return l;
}

static void
quote_first_and_same(void **state)
{
	struct quote_last none, l = last_at("100", 1000);
	struct quote_outcome o;

	(void)state;
	memset(&none, 0, sizeof(none));
	none.split = DEC_ONE;
	assert_int_equal(quote_check(&rules, D("100"), "USD", "USD", 1000, 2000,
	    &none, &o), QUOTE_STORE);
	assert_dec(o.price, "100");
	assert_int_equal(quote_check(&rules, D("100"), "", "USD", 1000, 2000,
	    &l, &o), QUOTE_SAME);
	/* The same day's close corrected: stored. */
	assert_int_equal(quote_check(&rules, D("101"), "", "USD", 1000, 2000,
	    &l, &o), QUOTE_STORE);
	assert_int_equal(quote_check(&rules, D("120"), "USD", "USD", 1500, 2000,
	    &l, &o), QUOTE_STORE);
}

static void
quote_refusals(void **state)
{
	struct quote_last l = last_at("100", 100000);
	struct quote_outcome o;

	(void)state;
	assert_int_equal(quote_check(&rules, D("0"), "", "USD", 100100, 200000,
	    &l, &o), QUOTE_REJECT);
	assert_string_equal(o.reason, "not a price above 0");
	assert_int_equal(quote_check(&rules, D("-3"), "", "USD", 100100, 200000,
	    &l, &o), QUOTE_REJECT);
	assert_int_equal(quote_check(&rules, DEC_NAN, "", "USD", 100100, 200000,
	    &l, &o), QUOTE_REJECT);
	assert_int_equal(quote_check(&rules, D("1000000000000000000"), "",
	    "USD", 100100, 200000, &l, &o), QUOTE_REJECT);
	assert_int_equal(quote_check(&rules, D("101"), "", "USD", 200000 + 301,
	    200000, &l, &o), QUOTE_REJECT);
	assert_non_null(strstr(o.reason, "future"));
	/* A little ahead of the clock is fine. */
	assert_int_equal(quote_check(&rules, D("101"), "", "USD", 200000 + 299,
	    200000, &l, &o), QUOTE_STORE);
	assert_int_equal(quote_check(&rules, D("101"), "", "USD", 99999, 200000,
	    &l, &o), QUOTE_REJECT);
	assert_non_null(strstr(o.reason, "older than the stored price"));
	assert_int_equal(quote_check(&rules, D("101"), "EUR", "USD", 100100,
	    200000, &l, &o), QUOTE_REJECT);
	assert_string_equal(o.reason, "the source quotes it in EUR, the "
	    "instrument is in USD");
	assert_int_equal(quote_check(&rules, D("101"), "U$D", "USD", 100100,
	    200000, &l, &o), QUOTE_REJECT);
}

static void
quote_pence_and_pounds(void **state)
{
	struct quote_last l = last_at("7.2", 1000);
	struct quote_outcome o;

	(void)state;
	/* The source quotes pence, the instrument pounds: converted. */
	assert_int_equal(quote_check(&rules, D("723.5"), "GBp", "GBP", 2000,
	    3000, &l, &o), QUOTE_STORE);
	assert_dec(o.price, "7.235");
	l = last_at("720", 1000);
	assert_int_equal(quote_check(&rules, D("7.235"), "GBP", "GBX", 2000,
	    3000, &l, &o), QUOTE_STORE);
	assert_dec(o.price, "723.5");
}

static void
quote_outliers(void **state)
{
	struct quote_last l = last_at("100", 1000);
	struct quote_outcome o;

	(void)state;
	/* Within 50%: stored; beyond: held. */
	assert_int_equal(quote_check(&rules, D("149"), "", "USD", 2000, 3000,
	    &l, &o), QUOTE_STORE);
	assert_int_equal(quote_check(&rules, D("51"), "", "USD", 2000, 3000,
	    &l, &o), QUOTE_STORE);
	assert_int_equal(quote_check(&rules, D("151"), "", "USD", 2000, 3000,
	    &l, &o), QUOTE_PENDING);
	assert_int_equal(o.pending_count, 1);
	assert_dec(o.pending, "151");
	assert_non_null(strstr(o.reason, "jumped from 100 to 151"));
	/* Seen again (within 1%): counted; the third time it stands. */
	l.has_pending = 1;
	l.pending = D("151");
	l.pending_count = 1;
	assert_int_equal(quote_check(&rules, D("151.5"), "", "USD", 2100, 3000,
	    &l, &o), QUOTE_PENDING);
	assert_int_equal(o.pending_count, 2);
	l.pending_count = 2;
	assert_int_equal(quote_check(&rules, D("151"), "", "USD", 2200, 3000,
	    &l, &o), QUOTE_STORE);
	/* Another outlier starts counting again. */
	assert_int_equal(quote_check(&rules, D("40"), "", "USD", 2200, 3000,
	    &l, &o), QUOTE_PENDING);
	assert_int_equal(o.pending_count, 1);
	/* A 4-for-1 split explains a drop to a quarter. */
	l = last_at("400", 1000);
	l.split = D("4");
	assert_int_equal(quote_check(&rules, D("101"), "", "USD", 2000, 3000,
	    &l, &o), QUOTE_STORE);
	/* ... but not a price that stayed where it was. */
	assert_int_equal(quote_check(&rules, D("400"), "", "USD", 2000, 3000,
	    &l, &o), QUOTE_PENDING);
}

static void
disagreement(void **state)
{
	(void)state;
	assert_false(quote_disagree(D("105"), D("100"), 5));
	assert_true(quote_disagree(D("105.01"), D("100"), 5));
	assert_true(quote_disagree(D("94"), D("100"), 5));
	assert_false(quote_disagree(D("100"), D("100"), 0));
}

static struct tm
at(int y, int mo, int d, int h, int mi, int wday)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_wday = wday;
	return tm;
}

static void
cron_schedules(void **state)
{
	struct cronexpr e;
	const char *rest;
	struct tm t;

	(void)state;
	assert_int_equal(cronexpr_parse("*/10 * * * *\tcmd arg", &e, &rest), 0);
	assert_string_equal(rest, "cmd arg");
	t = at(2026, 11, 29, 7, 40, 0);
	assert_true(cronexpr_match(&e, &t));
	t.tm_min = 41;
	assert_false(cronexpr_match(&e, &t));
	assert_int_equal(cronexpr_parse("5-59/10 * * * * x", &e, &rest), 0);
	t.tm_min = 5;
	assert_true(cronexpr_match(&e, &t));
	t.tm_min = 15;
	assert_true(cronexpr_match(&e, &t));
	t.tm_min = 10;
	assert_false(cronexpr_match(&e, &t));
	assert_int_equal(cronexpr_parse("17 3,15 * 1-6 1-5 x", &e, &rest), 0);
	t = at(2026, 3, 2, 15, 17, 1);		/* a Monday in March */
	assert_true(cronexpr_match(&e, &t));
	t.tm_wday = 0;				/* Sunday */
	assert_false(cronexpr_match(&e, &t));
	t = at(2026, 7, 6, 15, 17, 1);		/* July */
	assert_false(cronexpr_match(&e, &t));
	/* Both day fields restricted: either one. */
	assert_int_equal(cronexpr_parse("0 0 1 * 7 x", &e, &rest), 0);
	t = at(2026, 11, 1, 0, 0, 0);
	assert_true(cronexpr_match(&e, &t));
	t = at(2026, 11, 8, 0, 0, 0);		/* a Sunday, not the 1st */
	assert_true(cronexpr_match(&e, &t));
	t = at(2026, 11, 9, 0, 0, 1);
	assert_false(cronexpr_match(&e, &t));
	/* Malformed. */
	assert_int_equal(cronexpr_parse("60 * * * * x", &e, &rest), -1);
	assert_int_equal(cronexpr_parse("* * * * x", &e, &rest), -1);
	assert_int_equal(cronexpr_parse("* * * * *", &e, &rest), -1);
	assert_int_equal(cronexpr_parse("*/0 * * * * x", &e, &rest), -1);
	assert_int_equal(cronexpr_parse("5-1 * * * * x", &e, &rest), -1);
	assert_int_equal(cronexpr_parse("* * 0 * * x", &e, &rest), -1);
	assert_int_equal(cronexpr_parse("a * * * * x", &e, &rest), -1);
}

static void
paths_match_convert(void **state)
{
	struct fx_rate r[] = {
		{ "EUR", "USD", { 0 }, 100 }, { "EUR", "GBP", { 0 }, 100 },
		{ "USD", "EUR", { 0 }, 50 },	/* older than EUR/USD */
		{ "EUR", "JPY", { 0 }, 100 },
	};
	struct fx_table fx = { r, 4 };
	struct fx_path p;
	const char *pairs[][2] = { { "USD", "EUR" }, { "EUR", "USD" },
	    { "GBP", "USD" }, { "JPY", "GBP" }, { "USD", "USD" } };
	dec amounts[3];
	dec out;

	(void)state;
	r[0].rate = D("1.1");
	r[1].rate = D("0.85");
	r[2].rate = D("0.95");
	r[3].rate = D("160.5");
	amounts[0] = D("1234.567891");
	amounts[1] = D("0.000001");
	amounts[2] = D("-98765.4321");
	for (size_t i = 0; i < 5; i++) {
		fx_path_find(&fx, pairs[i][0], pairs[i][1], &p);
		assert_true(p.known);
		for (size_t k = 0; k < 3; k++) {
			assert_int_equal(fx_convert(&fx, amounts[k],
			    pairs[i][0], pairs[i][1], &out), 0);
			assert_int_equal(dec_cmp(out, fx_path_apply(&p,
			    amounts[k])), 0);
		}
	}
	/* The newer of a rate and its opposite wins: EUR/USD, divided. */
	fx_path_find(&fx, "USD", "EUR", &p);
	assert_int_equal(p.legs, 1);
	assert_true(p.leg[0].divide);
	assert_dec(fx_path_apply(&p, D("1.1")), "1");
	r[2].as_of = 200;
	fx_path_find(&fx, "USD", "EUR", &p);
	assert_false(p.leg[0].divide);
	assert_dec(fx_path_apply(&p, D("100")), "95");
	/* Through a pivot, and nothing known. */
	fx_path_find(&fx, "GBP", "JPY", &p);
	assert_int_equal(p.legs, 2);
	fx_path_find(&fx, "CHF", "JPY", &p);
	assert_false(p.known);
	assert_int_equal(fx_convert(&fx, DEC_ONE, "CHF", "JPY", &out), -1);
}

static void
batch_valuation_is_the_pages(void **state)
{
	struct fx_rate r[] = { { "EUR", "USD", { 0 }, 100 } };
	struct fx_table fx = { r, 1 };
	struct position p;
	struct quote q;
	struct holding_value a, b;
	struct fx_path path;
	dec f;
	char major[4];

	(void)state;
	r[0].rate = D("1.0837");
	memset(&p, 0, sizeof(p));
	memset(&q, 0, sizeof(q));
	p.quantity = D("123.456789");
	p.cost = D("15000.17");
	q.known = 1;
	q.price = D("7231.5");
	q.prev_close = D("7199.25");
	q.has_prev = 1;
	q.as_of = 1000;
	value_holding(&p, "GBp", &q, "USD", &fx, 2000, 86400, &a);
	assert_int_equal(a.priced, 0);		/* no GBP rate */
	r[0].from[0] = 'G', r[0].from[1] = 'B', r[0].from[2] = 'P';
	value_holding(&p, "GBp", &q, "USD", &fx, 2000, 86400, &a);
	assert_int_equal(currency_major("GBp", major, &f), 0);
	fx_path_find(&fx, major, "USD", &path);
	value_holding_path(&p, f, &path, &q, 2000, 86400, &b);
	assert_true(a.priced && b.priced);
	assert_int_equal(dec_cmp(a.value, b.value), 0);
	assert_int_equal(dec_cmp(a.unrealized, b.unrealized), 0);
	assert_int_equal(dec_cmp(a.day_change, b.day_change), 0);
	assert_int_equal(a.has_day, b.has_day);
	assert_true(a.has_pct);
	assert_false(b.has_pct);		/* totals do not need it */
	/* Totals from per-position sums are the totals of positions. */
	{
		struct totals t1, t2;
		struct position zero = p;

		p.realized = D("12.5");
		p.income = D("3.25");
		p.fees = D("1");
		p.taxes = D("0.5");
		p.charges = D("1");
		totals_init(&t1);
		totals_add_holding(&t1, &p, &a);
		totals_finish(&t1);
		zero.realized = zero.income = zero.fees = DEC_ZERO;
		zero.taxes = zero.charges = DEC_ZERO;
		totals_init(&t2);
		totals_add_holding(&t2, &zero, &b);
		totals_add_ledger(&t2, p.realized, p.income, p.fees, p.taxes,
		    p.charges);
		totals_finish(&t2);
		assert_int_equal(dec_cmp(t1.value, t2.value), 0);
		assert_int_equal(dec_cmp(t1.total_gain, t2.total_gain), 0);
		assert_int_equal(dec_cmp(t1.day_change, t2.day_change), 0);
	}
}

static void
staleness_by_kind(void **state)
{
	struct stale_policy sp = { 345600, 432000, 7200, 604800, 0 };

	(void)state;
	assert_int_equal(stale_limit(&sp, "stock", "yahoo"), 345600);
	assert_int_equal(stale_limit(&sp, "etf", "stooq"), 345600);
	assert_int_equal(stale_limit(&sp, "bond", "sim"), 345600);
	assert_int_equal(stale_limit(&sp, "fund", "amfi"), 432000);
	assert_int_equal(stale_limit(&sp, "crypto", "coingecko"), 7200);
	assert_int_equal(stale_limit(&sp, "other", "url"), 604800);
	assert_int_equal(stale_limit(&sp, "stock", "manual"), 0);
}

static void
external_flows(void **state)
{
	struct tx t;
	const char *field;

	(void)state;
	memset(&t, 0, sizeof(t));
	strcpy(t.date, "2024-01-02");
	strcpy(t.currency, "GBp");
	t.type = TX_DEPOSIT;
	t.amount = D("10000");
	t.fx_rate = D("1.25");
	t.has = TXF_AMOUNT | TXF_FX;
	assert_null(tx_check(&t, &field));
	assert_dec(ledger_external_flow(&t), "125");
	t.type = TX_WITHDRAWAL;
	assert_dec(ledger_external_flow(&t), "-125");
	t.type = TX_TRANSFER_IN;
	t.instrument = 1;
	t.quantity = D("10");
	t.price = D("250");
	t.has = TXF_QUANTITY | TXF_PRICE | TXF_FX;
	assert_dec(ledger_external_flow(&t), "31.25");
	t.type = TX_TRANSFER_OUT;
	assert_dec(ledger_external_flow(&t), "-31.25");
	t.type = TX_BUY;
	assert_dec(ledger_external_flow(&t), "0");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quote_first_and_same),
		cmocka_unit_test(quote_refusals),
		cmocka_unit_test(quote_pence_and_pounds),
		cmocka_unit_test(quote_outliers),
		cmocka_unit_test(disagreement),
		cmocka_unit_test(cron_schedules),
		cmocka_unit_test(paths_match_convert),
		cmocka_unit_test(batch_valuation_is_the_pages),
		cmocka_unit_test(staleness_by_kind),
		cmocka_unit_test(external_flows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
