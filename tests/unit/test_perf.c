/*
 * Unit tests for lib/perf.c with known answers: XIRR (Excel's own
 * example, a single flow, flows of one sign, a total loss), the
 * time-weighted return linked over days with deposits and withdrawals,
 * a period with no capital, flows on the first and the last day, and
 * the calendar.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "perf.h"
#include "series.h"
#include "gains.h"

static const char *
fmt(dec d, int places)
{
	static char buf[8][DEC_BUFSZ];
	static int k;

	k = (k + 1) % 8;
	return dec_format(d, places, buf[k]);
}

static dec
D(const char *s)
{
	dec d;

	assert_int_equal(dec_parse(s, &d), 0);
	return d;
}

static struct xirr_flow
F(const char *ymd, double amount)
{
	struct xirr_flow f = { perf_daynum(ymd), amount };

	return f;
}

static void
calendar(void **state)
{
	char out[11];

	(void)state;
	assert_int_equal(perf_daynum("1970-01-01"), 0);
	assert_int_equal(perf_daynum("2000-03-01") - perf_daynum("2000-02-28"),
	    2);					/* 2000 is a leap year */
	assert_int_equal(perf_daynum("1900-03-01") - perf_daynum("1900-02-28"),
	    1);					/* 1900 is not */
	perf_ymd(perf_daynum("2024-02-29"), out);
	assert_string_equal(out, "2024-02-29");
	perf_ymd(perf_daynum("2024-12-31") + 1, out);
	assert_string_equal(out, "2025-01-01");
}

static void
xirr_known_answers(void **state)
{
	/* Excel's XIRR example: 0.373362535. */
	struct xirr_flow excel[] = {
		F("2008-01-01", -10000), F("2008-03-01", 2750),
		F("2008-10-30", 4250), F("2009-02-15", 3250),
		F("2009-04-01", 2750),
	};
	struct xirr_flow one[] = { F("2023-01-01", -1000),
	    F("2024-01-01", 1100) };
	struct xirr_flow same[] = { F("2023-01-01", -1000),
	    F("2024-01-01", -100) };
	struct xirr_flow loss[] = { F("2023-01-01", -1000),
	    F("2024-01-01", 0.0001) };
	struct xirr_flow tenfold[] = { F("2023-01-01", -1),
	    F("2023-01-31", 10) };
	struct xirr_flow wild[] = { F("2023-01-01", -1),
	    F("2023-01-02", 1000) };
	double r;

	(void)state;
	assert_int_equal(perf_xirr(excel, 5, &r), 0);
	assert_true(r > 0.3733625 && r < 0.3733626);
	assert_int_equal(perf_xirr(one, 2, &r), 0);
	assert_true(r > 0.0999999 && r < 0.1000001);
	assert_int_equal(perf_xirr(same, 2, &r), -1);
	/* Almost everything lost: close to -100%, still an answer. */
	assert_int_equal(perf_xirr(loss, 2, &r), 0);
	assert_true(r > -1.0 && r < -0.9999);
	/* Tenfold in 30 days: 10^(365/30) - 1, about 1.5e12. */
	assert_int_equal(perf_xirr(tenfold, 2, &r), 0);
	assert_true(r > 1.4e12 && r < 1.6e12);
	/* A thousandfold in a day is 10^1095: no answer a double holds. */
	assert_int_equal(perf_xirr(wild, 2, &r), -1);
}

static struct perf_day
DAY(const char *ymd, const char *value, const char *flow)
{
	struct perf_day d;

	memset(&d, 0, sizeof(d));
	snprintf(d.day, sizeof(d.day), "%s", ymd);
	d.value = D(value);
	d.flow = D(flow);
	return d;
}

static void
twr_links_days_around_flows(void **state)
{
	/* No capital, a deposit, 10% up, then 5% up with a withdrawal at
	 * the end of the day: 1.1 x 1.05 = +15.5%, whatever the flows. */
	struct perf_day d[] = {
		DAY("2024-01-01", "0", "0"),
		DAY("2024-01-02", "1000", "1000"),
		DAY("2024-01-03", "1100", "0"),
		DAY("2024-01-04", "605", "-550"),
	};
	struct perf_result r;

	(void)state;
	perf_period(d, 4, &r);
	assert_true(r.has_twr);
	assert_string_equal(fmt(r.twr, -1), "0.155");
	assert_false(r.has_twr_annual);
	assert_string_equal(fmt(r.net_flows, -1), "450");
	/* 605 - 0 - 450 */
	assert_string_equal(fmt(r.gain, -1), "155");
	assert_true(r.has_irr);
	assert_int_equal(r.days, 3);
}

static void
twr_total_loss_and_no_capital(void **state)
{
	struct perf_day loss[] = {
		DAY("2024-01-01", "1000", "1000"),
		DAY("2024-01-02", "500", "0"),
		DAY("2024-01-03", "0", "0"),
	};
	struct perf_day none[] = {
		DAY("2024-01-01", "0", "0"),
		DAY("2024-01-02", "0", "0"),
	};
	struct perf_result r;

	(void)state;
	perf_period(loss, 3, &r);
	assert_true(r.has_twr);
	assert_string_equal(fmt(r.twr, -1), "-1");
	/* Nothing comes back: no rate makes it balance. */
	assert_false(r.has_irr);
	perf_period(none, 2, &r);
	assert_false(r.has_twr);
	assert_false(r.has_irr);
	assert_int_equal(r.twr_why, PERF_NO_CAPITAL);
	assert_int_equal(r.irr_why, PERF_NO_CAPITAL);
	assert_string_equal(perf_missing_reasons[r.twr_why], "no capital");
	assert_string_equal(fmt(r.gain, -1), "0");
}

static void
returns_past_a_decimal_say_so(void **state)
{
	/* Tenfold in two weeks: +900%, but a yearly rate of about 10^26,
	 * which no decimal of 12 places holds: "too large", never NaN. */
	struct perf_day rise[] = {
		DAY("2024-01-01", "1000", "1000"),
		DAY("2024-01-15", "10000", "0"),
	};
	/* A 96% fall in two weeks: a yearly rate of -100% to twelve
	 * places, or no answer; never a number that is not one. */
	struct perf_day fall[] = {
		DAY("2024-01-01", "1000", "1000"),
		DAY("2024-01-15", "40", "0"),
	};
	/* Growth past any column: a return too large to hold. */
	struct perf_day huge[] = {
		DAY("2024-01-01", "0.000001", "0.000001"),
		DAY("2024-01-02", "100000000000000000", "0"),
	};
	struct perf_result r;

	(void)state;
	perf_period(rise, 2, &r);
	assert_true(r.has_twr);
	assert_string_equal(fmt(r.twr, -1), "9");
	assert_false(r.has_twr_annual);
	assert_int_equal(r.twr_annual_why, PERF_SHORT);
	assert_false(r.has_irr);
	assert_int_equal(r.irr_why, PERF_TOO_LARGE);
	assert_string_equal(perf_missing_reasons[r.irr_why], "too large");
	perf_period(fall, 2, &r);
	assert_true(r.has_twr);
	assert_string_equal(fmt(r.twr, -1), "-0.96");
	if (r.has_irr) {
		assert_false(dec_bad(r.irr));
		assert_true(dec_cmp(r.irr, dec_from_int(-1)) >= 0);
		assert_true(dec_sign(r.irr) < 0);
	} else
		assert_int_equal(r.irr_why, PERF_NO_ANSWER);
	perf_period(huge, 2, &r);
	assert_false(r.has_twr);
	assert_int_equal(r.twr_why, PERF_TOO_LARGE);
	assert_false(r.has_irr);
	assert_int_equal(r.irr_why, PERF_TOO_LARGE);
}

static void
flows_on_the_first_and_last_day(void **state)
{
	/* The first day's flow is before the start: in its value. The last
	 * day's is at its end: 1200 - 100 over 1000 is +10%. */
	struct perf_day d[] = {
		DAY("2023-01-01", "1000", "1000"),
		DAY("2024-01-01", "1200", "100"),
	};
	struct perf_result r;

	(void)state;
	perf_period(d, 2, &r);
	assert_string_equal(fmt(r.twr, -1), "0.1");
	assert_string_equal(fmt(r.net_flows, -1), "100");
	assert_string_equal(fmt(r.gain, -1), "100");
	/* -1000 at the start, -100 and +1200 a year later: +10%. */
	assert_true(r.has_irr);
	assert_string_equal(fmt(r.irr, 6), "0.100000");
}

static void
annualised_over_a_year(void **state)
{
	/* 21% over two years (2024 is a leap year: 731 days). */
	struct perf_day d[] = {
		DAY("2024-01-01", "1000", "0"),
		DAY("2026-01-01", "1210", "0"),
	};
	struct perf_result r;

	(void)state;
	perf_period(d, 2, &r);
	assert_string_equal(fmt(r.twr, -1), "0.21");
	assert_true(r.has_twr_annual);
	/* 1.21^(365/731) - 1 */
	assert_string_equal(fmt(r.twr_annual, 4), "0.0999");
	assert_string_equal(fmt(r.irr, 4), "0.0999");
}

static void
benchmark_takes_the_same_money(void **state)
{
	/* 1000 at the start buys 100 at 10; 100 more a day later buys 10
	 * at 10; then 110 are worth 11 each. */
	struct perf_day d[] = {
		DAY("2024-01-01", "1000", "0"),
		DAY("2024-01-02", "1100", "100"),
		DAY("2024-01-03", "1200", "0"),
	};
	dec price[3], values[3], twr;

	(void)state;
	price[0] = D("10"), price[1] = D("10"), price[2] = D("11");
	assert_int_equal(perf_benchmark(d, price, 3, &twr, values), 0);
	assert_string_equal(fmt(twr, -1), "0.1");
	assert_string_equal(fmt(values[1], -1), "1100");
	assert_string_equal(fmt(values[2], -1), "1210");
	/* A benchmark that starts later is compared from its first day:
	 * the portfolio's 1100 of day 2 buys 110 at 10, worth 1210 at 11;
	 * before it, the portfolio's own value. */
	price[0] = DEC_ZERO;
	assert_int_equal(perf_benchmark(d, price, 3, &twr, values), 1);
	assert_string_equal(fmt(twr, -1), "0.1");
	assert_string_equal(fmt(values[0], -1), "1000");
	assert_string_equal(fmt(values[1], -1), "1100");
	assert_string_equal(fmt(values[2], -1), "1210");
	price[1] = DEC_ZERO, price[2] = DEC_ZERO;
	assert_int_equal(perf_benchmark(d, price, 3, &twr, values), -1);
}

/* A transaction for a series, checked as the ledger checks it. */
static struct tx
TX(const char *date, const char *type, long long inst, const char *qty,
    const char *price, const char *fee, const char *amount, const char *cur,
    const char *fx)
{
	struct tx t;
	const char *field;

	memset(&t, 0, sizeof(t));
	snprintf(t.date, sizeof(t.date), "%s", date);
	t.type = (enum tx_type)tx_type_parse(type);
	t.instrument = inst;
	if (qty) { t.quantity = D(qty); t.has |= TXF_QUANTITY; }
	if (price) { t.price = D(price); t.has |= TXF_PRICE; }
	if (fee) { t.fee = D(fee); t.has |= TXF_FEE; }
	if (amount) { t.amount = D(amount); t.has |= TXF_AMOUNT; }
	if (fx) { t.fx_rate = D(fx); t.has |= TXF_FX; }
	snprintf(t.currency, sizeof(t.currency), "%s", cur);
	assert_null(tx_check(&t, &field));
	return t;
}

static struct series_point
P(const char *ymd, const char *v)
{
	struct series_point p = { perf_daynum(ymd), D(v) };

	return p;
}

static void
series_with_fx_history_and_cash(void **state)
{
	/* A euro portfolio holding dollars: cash and a stock, valued at
	 * each day's close and each day's rate. */
	struct tx txs[] = {
		TX("2024-01-01", "deposit", 0, NULL, NULL, NULL, "550", "USD",
		    "0.9"),
		TX("2024-01-02", "buy", 1, "10", "50", "5", NULL, "USD", "0.9"),
	};
	struct series_point closes[] = { P("2024-01-01", "50"),
	    P("2024-01-03", "60") };
	struct series_point eurusd[] = { P("2024-01-01", "1.1"),
	    P("2024-01-03", "1.2") };
	struct series_inst inst[] = { { 1, "USD", 0, closes, 2 } };
	struct series_pair pairs[] = { { "EUR", "USD", eurusd, 2, 0, { 0 }, 0 } };
	struct series_input in = { "EUR", 1, COST_FIFO, txs, 2, inst, 1,
	    pairs, 1 };
	struct perf_day d[4];

	(void)state;
	assert_int_equal(series_build(&in, perf_daynum("2024-01-01"),
	    perf_daynum("2024-01-04"), d), 0);
	assert_string_equal(d[0].day, "2024-01-01");
	assert_string_equal(fmt(d[0].value, -1), "500");	/* 550 / 1.1 */
	assert_string_equal(fmt(d[0].flow, -1), "495");		/* at 0.9 */
	/* 500 of stock and 45 of cash at 1.1, each converted as the pages
	 * convert them: 454.545454545455 + 40.909090909091. */
	assert_string_equal(fmt(d[1].value, -1), "495.454545454546");
	assert_string_equal(fmt(d[1].cash, 2), "40.91");
	assert_string_equal(fmt(d[1].cost, -1), "454.5");	/* 505 x 0.9 */
	assert_string_equal(fmt(d[1].fees, -1), "4.5");
	/* 600 + 45 at 1.2; the next day keeps both. */
	assert_string_equal(fmt(d[2].value, -1), "537.5");
	assert_string_equal(fmt(d[3].value, -1), "537.5");
	assert_string_equal(d[3].day, "2024-01-04");
}

static void
series_currency_effect(void **state)
{
	/* A euro portfolio, no cash tracked, holding 10 at 100 dollars
	 * while the dollar goes from 0.8 to 1 euro, then at 110. */
	struct tx txs[] = {
		TX("2024-01-01", "buy", 1, "10", "100", NULL, NULL, "USD",
		    "0.8"),
		TX("2024-01-01", "deposit", 0, NULL, NULL, NULL, "1500", "USD",
		    "0.8"),
	};
	struct series_point closes[] = { P("2024-01-01", "100"),
	    P("2024-01-03", "110") };
	struct series_point eurusd[] = { P("2024-01-01", "1.25"),
	    P("2024-01-02", "1") };
	struct series_inst inst[] = { { 1, "USD", 0, closes, 2 } };
	struct series_pair pairs[] = { { "EUR", "USD", eurusd, 2, 0, { 0 }, 0 } };
	struct series_input in = { "EUR", 0, COST_FIFO, txs, 1, inst, 1,
	    pairs, 1 };
	struct perf_day d[3], late[2];
	struct perf_result r;

	(void)state;
	assert_int_equal(series_build(&in, perf_daynum("2024-01-01"),
	    perf_daynum("2024-01-03"), d), 0);
	assert_string_equal(fmt(d[0].value, -1), "800");
	assert_string_equal(fmt(d[0].fx, -1), "0");	/* bought that day */
	assert_string_equal(fmt(d[1].fx, -1), "200");	/* 1000 x 0.2 */
	assert_string_equal(fmt(d[2].fx, -1), "0");
	perf_period(d, 3, &r);
	assert_string_equal(fmt(r.gain, -1), "300");
	assert_string_equal(fmt(r.fx, -1), "200");
	assert_string_equal(fmt(r.price_gain, -1), "100");
	/* From a later day, as a back-dated change rebuilds: the same. */
	assert_int_equal(series_build(&in, perf_daynum("2024-01-02"),
	    perf_daynum("2024-01-03"), late), 0);
	assert_string_equal(fmt(late[0].fx, -1), "200");
	assert_string_equal(fmt(late[0].value, -1), "1000");
	/* Cash tracked: the 500 dollars left move with the rate too,
	 * and a holding in the portfolio's currency does not. */
	in.track_cash = 1;
	in.ntx = 2;
	assert_int_equal(series_build(&in, perf_daynum("2024-01-01"),
	    perf_daynum("2024-01-03"), d), 0);
	assert_string_equal(fmt(d[1].fx, -1), "300");	/* 1500 x 0.2 */
	in.base = "USD";
	assert_int_equal(series_build(&in, perf_daynum("2024-01-01"),
	    perf_daynum("2024-01-03"), d), 0);
	assert_string_equal(fmt(d[1].fx, -1), "0");
}

static void
series_split_and_no_cash(void **state)
{
	/* Holdings only: a buy is money in, a sell money out.  The split
	 * comes before the sell of its day: 5 of 20 sold. */
	struct tx txs[] = {
		TX("2024-03-01", "buy", 1, "10", "100", "1", NULL, "USD", NULL),
		TX("2024-03-02", "split", 1, "2", NULL, NULL, NULL, "USD",
		    NULL),
		TX("2024-03-02", "sell", 1, "5", "55", "1", NULL, "USD", NULL),
		TX("2024-03-02", "buy", 2, "2", "10", NULL, NULL, "USD", NULL),
	};
	struct series_point closes[] = { P("2024-03-01", "100"),
	    P("2024-03-02", "55") };
	struct series_inst inst[] = { { 1, "USD", 0, closes, 2 },
	    { 2, "USD", 0, NULL, 0 } };
	struct series_input in = { "USD", 0, COST_FIFO, txs, 4, inst, 2,
	    NULL, 0 };
	struct perf_day d[2];
	struct perf_result r;

	(void)state;
	assert_int_equal(series_build(&in, perf_daynum("2024-03-01"),
	    perf_daynum("2024-03-02"), d), 0);
	assert_string_equal(fmt(d[0].value, -1), "1000");
	assert_string_equal(fmt(d[0].flow, -1), "1001");
	/* 15 x 55, and the second instrument, never closed, at its trade
	 * price: 2 x 10. */
	assert_string_equal(fmt(d[1].value, -1), "845");
	assert_string_equal(fmt(d[1].flow, -1), "-254");	/* -274 + 20 */
	assert_string_equal(fmt(d[1].cost, -1), "770.75");	/* 750.75 + 20 */
	assert_int_equal(d[1].unpriced, 0);
	perf_period(d, 2, &r);
	/* (845 + 254) / 1000: +9.9%. */
	assert_string_equal(fmt(r.twr, -1), "0.099");
}

static void
gains_matched_to_lots(void **state)
{
	/* Two lots, a split, and a sell of 25 of the 40 shares. */
	struct tx txs[] = {
		TX("2023-01-10", "buy", 1, "10", "100", "1", NULL, "USD", NULL),
		TX("2023-06-01", "buy", 1, "10", "120", "1", NULL, "USD", NULL),
		TX("2024-01-02", "split", 1, "2", NULL, NULL, NULL, "USD",
		    NULL),
		TX("2024-03-01", "sell", 1, "25", "70", "5", NULL, "USD", NULL),
	};
	struct gain_line *g = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(gains_report(txs, 4, COST_FIFO, "2024-01-01",
	    "2024-12-31", &g, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(g[0].acquired, "2023-01-10");
	assert_string_equal(fmt(g[0].quantity, -1), "20");
	assert_string_equal(fmt(g[0].cost, -1), "1001");
	assert_string_equal(fmt(g[0].proceeds, -1), "1396");
	assert_string_equal(fmt(g[0].gain, -1), "395");
	assert_int_equal(g[0].days, 416);
	assert_string_equal(g[1].acquired, "2023-06-01");
	assert_string_equal(fmt(g[1].cost, -1), "300.25");
	assert_string_equal(fmt(g[1].proceeds, -1), "349");
	assert_string_equal(fmt(g[1].gain, -1), "48.75");
	free(g);
	g = NULL, n = 0;
	/* Average cost: one line from the pool. */
	assert_int_equal(gains_report(txs, 4, COST_AVERAGE, "2024-01-01",
	    "2024-12-31", &g, &n), 0);
	assert_int_equal(n, 1);
	assert_true(g[0].pooled);
	assert_string_equal(fmt(g[0].cost, -1), "1376.25");
	assert_string_equal(fmt(g[0].gain, -1), "368.75");
	free(g);
	g = NULL, n = 0;
	/* Another year: nothing sold. */
	assert_int_equal(gains_report(txs, 4, COST_FIFO, "2023-01-01",
	    "2023-12-31", &g, &n), 0);
	assert_int_equal(n, 0);
	free(g);
}

static void
a_rate_and_its_opposite_the_newer_wins_each_day(void **state)
{
	/* CHF USD 1.15 recorded for early January, USD CHF 0.9 from
	 * mid-January, both set by hand: each day, of the rates known on
	 * it, the newer applies, as on the portfolio page. */
	struct series_point chfusd[] = { P("2024-01-02", "1.15") };
	struct series_point usdchf[] = { P("2024-01-15", "0.9") };
	struct series_pair pairs[] = {
		{ "CHF", "USD", chfusd, 1, 1, D("1.15"), 0 },
		{ "USD", "CHF", usdchf, 1, 1, D("0.9"), 0 },
	};
	struct fx_rate rates[2];
	struct fx_table fx = { rates, 0 };
	size_t cursor[2] = { 0, 0 };
	dec v;

	(void)state;
	pairs[0].latest_as_of = (time_t)perf_daynum("2024-01-02") * 86400 + 600;
	pairs[1].latest_as_of = (time_t)perf_daynum("2024-01-15") * 86400 + 600;
	/* Before either: the latest of each, the newer of them, as the
	 * portfolio page takes. */
	fx.n = series_rates_at(pairs, 2, cursor, perf_daynum("2024-01-01"),
	    rates);
	assert_int_equal(fx_convert(&fx, D("1000"), "CHF", "USD", &v), 0);
	assert_string_equal(fmt(v, 2), "1111.11");
	fx.n = series_rates_at(pairs, 2, cursor, perf_daynum("2024-01-10"),
	    rates);
	assert_int_equal(fx_convert(&fx, D("1000"), "CHF", "USD", &v), 0);
	assert_string_equal(fmt(v, 2), "1150.00");
	fx.n = series_rates_at(pairs, 2, cursor, perf_daynum("2024-01-20"),
	    rates);
	assert_int_equal(fx_convert(&fx, D("1000"), "CHF", "USD", &v), 0);
	assert_string_equal(fmt(v, 2), "1111.11");
	/* The portfolio page's table, the latest rates as they are: the
	 * same answer. */
	rates[0] = (struct fx_rate){ "CHF", "USD", D("1.15"),
	    pairs[0].latest_as_of };
	rates[1] = (struct fx_rate){ "USD", "CHF", D("0.9"),
	    pairs[1].latest_as_of };
	fx.n = 2;
	assert_int_equal(fx_convert(&fx, D("1000"), "CHF", "USD", &v), 0);
	assert_string_equal(fmt(v, 2), "1111.11");
}

static void
the_rate_of_a_rows_day(void **state)
{
	/* fx_rate_on(), what a row without a rate takes: the same CHF
	 * history, with EUR USD for a path through USD. */
	struct series_point chfusd[] = { P("2024-01-02", "1.15") };
	struct series_point usdchf[] = { P("2024-01-15", "0.9") };
	struct series_point eurusd[] = { P("2024-01-05", "1.1"),
	    P("2024-01-08", "1.2") };
	struct series_pair pairs[] = {
		{ "CHF", "USD", chfusd, 1, 1, D("1.15"), 0 },
		{ "USD", "CHF", usdchf, 1, 1, D("0.9"), 0 },
		{ "EUR", "USD", eurusd, 2, 1, D("1.2"), 0 },
	};
	struct fx_days h = { pairs, 3 };
	enum fx_origin o;
	long day;
	dec v;

	(void)state;
	pairs[0].latest_as_of = (time_t)perf_daynum("2024-01-02") * 86400 + 600;
	pairs[1].latest_as_of = (time_t)perf_daynum("2024-01-15") * 86400 + 600;
	pairs[2].latest_as_of = (time_t)perf_daynum("2024-01-08") * 86400 + 600;
	/* Its own day's. */
	assert_int_equal(fx_rate_on(&h, perf_daynum("2024-01-05"), "EUR", "USD",
	    &v, &o, &day), 0);
	assert_string_equal(fmt(v, 4), "1.1000");
	assert_int_equal(o, FX_OF_DAY);
	assert_int_equal(day, perf_daynum("2024-01-05"));
	/* The nearest earlier day's. */
	assert_int_equal(fx_rate_on(&h, perf_daynum("2024-01-07"), "EUR", "USD",
	    &v, &o, &day), 0);
	assert_string_equal(fmt(v, 4), "1.1000");
	assert_int_equal(o, FX_EARLIER);
	assert_int_equal(day, perf_daynum("2024-01-05"));
	/* Of a rate and its opposite, the newer known on the day. */
	assert_int_equal(fx_rate_on(&h, perf_daynum("2024-01-10"), "CHF", "USD",
	    &v, &o, &day), 0);
	assert_string_equal(fmt(v, 4), "1.1500");
	assert_int_equal(day, perf_daynum("2024-01-02"));
	assert_int_equal(fx_rate_on(&h, perf_daynum("2024-01-20"), "CHF", "USD",
	    &v, &o, &day), 0);
	assert_string_equal(fmt(v, 6), "1.111111");
	assert_int_equal(o, FX_EARLIER);
	assert_int_equal(day, perf_daynum("2024-01-15"));
	/* Through USD: the older of the two legs' days. */
	assert_int_equal(fx_rate_on(&h, perf_daynum("2024-01-20"), "EUR", "CHF",
	    &v, &o, &day), 0);
	assert_string_equal(fmt(v, 4), "1.0800");
	assert_int_equal(day, perf_daynum("2024-01-08"));
	/* Before any history: the latest, and its own day. */
	assert_int_equal(fx_rate_on(&h, perf_daynum("2023-06-01"), "EUR", "USD",
	    &v, &o, &day), 0);
	assert_string_equal(fmt(v, 4), "1.2000");
	assert_int_equal(o, FX_LATEST);
	assert_int_equal(day, perf_daynum("2024-01-08"));
	/* Before any CHF history: the newer of the latest two, and its
	 * day. */
	assert_int_equal(fx_rate_on(&h, perf_daynum("2023-12-01"), "CHF", "USD",
	    &v, &o, &day), 0);
	assert_string_equal(fmt(v, 6), "1.111111");
	assert_int_equal(o, FX_LATEST);
	assert_int_equal(day, perf_daynum("2024-01-15"));
	/* A direct rate known only from a later day: through USD at the
	 * rates of the day rather than the direct one's latest. */
	{
		struct series_point iskeur[] = { P("2024-06-03", "0.0066") };
		struct series_point iskusd[] = { P("2024-01-10", "0.0072") };
		struct series_point eurusd2[] = { P("2024-01-10", "1.09") };
		struct series_pair x[] = {
			{ "ISK", "EUR", iskeur, 1, 1, D("0.0066"), 0 },
			{ "ISK", "USD", iskusd, 1, 1, D("0.0072"), 0 },
			{ "EUR", "USD", eurusd2, 1, 1, D("1.09"), 0 },
		};
		struct fx_days hx = { x, 3 };

		for (int i = 0; i < 3; i++)
			x[i].latest_as_of = (time_t)x[i].rates[0].day * 86400;
		assert_int_equal(fx_rate_on(&hx, perf_daynum("2024-01-12"),
		    "ISK", "EUR", &v, &o, &day), 0);
		assert_string_equal(fmt(v, 8), "0.00660550");	/* .0072/1.09 */
		assert_int_equal(o, FX_EARLIER);
		assert_int_equal(day, perf_daynum("2024-01-10"));
		assert_int_equal(fx_rate_on(&hx, perf_daynum("2024-06-03"),
		    "ISK", "EUR", &v, &o, &day), 0);
		assert_string_equal(fmt(v, 4), "0.0066");
		assert_int_equal(o, FX_OF_DAY);
	}
	/* None at all; none needed. */
	assert_int_equal(fx_rate_on(&h, perf_daynum("2024-01-20"), "GBP", "USD",
	    &v, &o, &day), -1);
	assert_int_equal(fx_rate_on(&h, perf_daynum("2024-01-20"), "USD", "USD",
	    &v, &o, &day), 0);
	assert_int_equal(o, FX_GIVEN);
}

static void
from_nothing_the_first_day_counts(void **state)
{
	/* A deposit of 1,000 bought with a fee of 10 and closing at 1,010
	 * of holdings and cash: the first day is +1%, then +10%. */
	struct perf_day d[] = {
		DAY("2024-01-02", "1010", "1000"),
		DAY("2024-01-03", "1111", "0"),
	};
	/* No cash tracked: a buy of 100 and a sell of 99.99 on the first
	 * day close at 1 (+0.99%, not the 1 over the 0.01 between them);
	 * a buy of 100 sold for 90 is -10%, and what follows counts. */
	struct perf_day rt[] = {
		DAY("2024-01-02", "1", "0.01"),
	};
	struct perf_day loss[] = {
		DAY("2024-01-02", "0", "10"),
		DAY("2024-01-03", "100", "100"),
		DAY("2024-01-04", "110", "0"),
	};
	struct perf_result r;
	dec g[2];

	(void)state;
	perf_growth(d, 2, 1, g);		/* the chart's line */
	assert_string_equal(fmt(g[0], 4), "1.0100");
	assert_string_equal(fmt(g[1], 4), "1.1110");
	perf_period_from_zero(d, 2, &r);
	assert_string_equal(fmt(r.start_value, -1), "0");
	assert_string_equal(fmt(r.net_flows, -1), "1000");
	assert_string_equal(fmt(r.gain, -1), "111");
	assert_string_equal(fmt(r.twr, 6), "0.111000");
	/* From the first day's close instead: +10% only; over that day
	 * alone, nothing. */
	perf_period(d, 2, &r);
	assert_string_equal(fmt(r.twr, 6), "0.100000");
	perf_period(d, 1, &r);
	assert_true(r.has_twr);
	assert_string_equal(fmt(r.twr, 6), "0.000000");
	rt[0].inflow = D("100");
	perf_period_from_zero(rt, 1, &r);
	assert_string_equal(fmt(r.twr, 6), "0.009900");
	/* Gross unknown (0): the net flow stands for it. */
	rt[0].inflow = DEC_ZERO;
	perf_period_from_zero(rt, 1, &r);
	assert_string_equal(fmt(r.twr, 2), "99.00");
	loss[0].inflow = D("100");
	loss[1].inflow = D("100");
	perf_period_from_zero(loss, 3, &r);
	assert_string_equal(fmt(r.twr, 6), "-0.010000");	/* 0.9 x 1.1 */
	assert_string_equal(fmt(r.gain, -1), "0");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(calendar),
		cmocka_unit_test(xirr_known_answers),
		cmocka_unit_test(twr_links_days_around_flows),
		cmocka_unit_test(from_nothing_the_first_day_counts),
		cmocka_unit_test(twr_total_loss_and_no_capital),
		cmocka_unit_test(returns_past_a_decimal_say_so),
		cmocka_unit_test(a_rate_and_its_opposite_the_newer_wins_each_day),
		cmocka_unit_test(the_rate_of_a_rows_day),
		cmocka_unit_test(flows_on_the_first_and_last_day),
		cmocka_unit_test(annualised_over_a_year),
		cmocka_unit_test(benchmark_takes_the_same_money),
		cmocka_unit_test(gains_matched_to_lots),
		cmocka_unit_test(series_with_fx_history_and_cash),
		cmocka_unit_test(series_split_and_no_cash),
		cmocka_unit_test(series_currency_effect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
