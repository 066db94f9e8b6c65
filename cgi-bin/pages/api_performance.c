/*
 * GET /api/v1/portfolios/#/performance?from=YYYY-MM-DD&to=YYYY-MM-DD
 *     (or ?period=1D|1W|1M|3M|YTD|1Y|3Y|5Y|MAX, MAX by default)
 * - the portfolio's returns over the period, from its stored daily
 * series (brought up to date first): twr, twr_annualized, irr (fractions
 * as decimal strings, "0.1" is 10%; irr annualised; null where there is
 * none, with twr_reason, twr_annualized_reason or irr_reason saying why:
 * "too large", "no capital", "no answer", "under a year"), start and end value, net flows, gain, income, and the
 * daily series (date, value, net_invested).  &benchmark=SYMBOL adds the
 * instrument's return over the same days and what the portfolio's own
 * money would be worth invested in it (benchmark_value each day), from
 * the first day it has a price (benchmark.from; portfolio_twr is the
 * portfolio's own over the same days);
 * &holdings=1 adds each holding over the period on its own (symbol,
 * twr, irr, gain, income).
 * GET /api/v1/performance - the same for all of the user's portfolios
 * together, in the user's currency, each day at that day's rates.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/printbuf.h>

#include "buf.h"
#include "history.h"
#include "web.h"

/* Writes a value built as text beforehand (the series: thousands of
 * days, faster written at once than as objects). */
static int
raw_text(json_object *o, struct printbuf *pb, int level, int flags)
{
	const char *text = json_object_get_userdata(o);

	(void)level, (void)flags;
	return printbuf_memappend(pb, text, (int)strlen(text));
}

/* A fraction as a decimal string (8 places), or null. */
static json_object *
frac(int has, dec v)
{
	char buf[DEC_BUFSZ];

	return has ? json_object_new_string(dec_format(v, 8, buf)) : NULL;
}

/* Adds name: a return as frac() gives it, and when it is null,
 * name_reason: why ("too large", "no capital", "no answer", "under a
 * year"). */
static void
add_return(json_object *o, const char *name, int has, dec v,
    enum perf_missing why)
{
	char key[40];

	json_object_object_add(o, name, frac(has, v));
	if (!has && perf_missing_reasons[why] != NULL) {
		snprintf(key, sizeof(key), "%s_reason", name);
		json_object_object_add(o, key,
		    json_object_new_string(perf_missing_reasons[why]));
	}
}

/* The answer for days[0..n) in currency cur (pf NULL: all portfolios). */
static int
answer(struct req *r, const struct portfolio *pf, const char *cur,
    const struct perf_day *days, size_t n)
{
	long long pid = pf ? pf->id : 0;
	struct perf_result res;
	json_object *o, *s;
	const char *period = web_param(r, "period");
	char from[11], to[11], today[11];
	const char *why, *field;
	size_t a = 0, b;
	dec invested = DEC_ZERO;
	struct buf text;
	dec *bp, *bv = NULL, btwr = DEC_ZERO;
	struct perf_result same;	/* the portfolio's, the benchmark's days */
	int places, brc, k = 0;

	if (n == 0)
		return web_json_error(r, 404, "No transactions yet: there is no "
		    "performance to show.", NULL);
	perf_ymd(time(NULL) / 86400, today);
	if (strcmp(days[n - 1].day, today) > 0)
		snprintf(today, sizeof(today), "%s", days[n - 1].day);
	if ((why = perf_choose(period, "MAX", web_param(r, "from"),
	    web_param(r, "to"), days[0].day, days[n - 1].day, today, from, to,
	    &field)) != NULL)
		return web_json_error(r, 422, why, field);
	/* The days of the period, and what came in before it. */
	while (a < n && strcmp(days[a].day, from) < 0)
		invested = dec_add(invested, days[a++].flow);
	for (b = a; b < n && strcmp(days[b].day, to) <= 0; b++)
		;
	perf_span(days, a, b, &res);
	places = currency_places(cur);
	if (*web_param(r, "benchmark")) {
		bp = arena_alloc(r->a, (b - a + 1) * sizeof(*bp));
		bv = arena_alloc(r->a, (b - a + 1) * sizeof(*bv));
		brc = series_prices(r->db, r->a, r->user.id,
		    web_param(r, "benchmark"), cur, days + a, b - a, bp);
		if (brc < 0)
			return web_db_error(r);
		if (brc == 0)
			return web_json_error(r, 422, "Unknown benchmark symbol.",
			    "benchmark");
		if ((k = perf_benchmark(days + a, bp, b - a, &btwr, bv)) < 0)
			return web_json_error(r, 422, "The benchmark has no "
			    "price in the period.", "benchmark");
		perf_period(days + a + k, b - a - (size_t)k, &same);
	}
	o = json_object_new_object();
	if (pid != 0)
		json_object_object_add(o, "portfolio_id",
		    json_object_new_int64(pid));
	json_object_object_add(o, "currency", json_object_new_string(cur));
	json_object_object_add(o, "from", json_object_new_string(
	    b > a ? days[a].day : from));
	json_object_object_add(o, "to", json_object_new_string(
	    b > a ? days[b - 1].day : to));
	add_return(o, "twr", res.has_twr, res.twr, res.twr_why);
	add_return(o, "twr_annualized", res.has_twr_annual, res.twr_annual,
	    res.twr_annual_why);
	add_return(o, "irr", res.has_irr, res.irr, res.irr_why);
	json_object_object_add(o, "start_value",
	    json_money(res.start_value, cur));
	json_object_object_add(o, "end_value",
	    json_money(res.end_value, cur));
	json_object_object_add(o, "net_flows",
	    json_money(res.net_flows, cur));
	json_object_object_add(o, "gain", json_money(res.gain, cur));
	json_object_object_add(o, "income", json_money(res.income,
	    cur));
	json_object_object_add(o, "fees", json_money(res.fees, cur));
	json_object_object_add(o, "price_gain",
	    json_money(res.price_gain, cur));
	json_object_object_add(o, "currency_effect",
	    json_money(res.fx, cur));
	if (pf != NULL && strcmp(web_param(r, "holdings"), "1") == 0 &&
	    b > a) {
		struct holding_return *h;
		json_object *arr = json_object_new_array();
		size_t nh;

		if (series_holdings(r->db, r->a, pf, days[a].day,
		    days[b - 1].day, a == 0, time(NULL), &h, &nh) != 0) {
			json_object_put(o);
			return web_db_error(r);
		}
		for (size_t i = 0; i < nh; i++) {
			json_object *x = json_object_new_object();

			json_object_object_add(x, "symbol",
			    json_object_new_string(h[i].symbol));
			add_return(x, "twr", h[i].r.has_twr, h[i].r.twr,
			    h[i].r.twr_why);
			add_return(x, "irr", h[i].r.has_irr, h[i].r.irr,
			    h[i].r.irr_why);
			json_object_object_add(x, "gain", json_money(h[i].r.gain,
			    cur));
			json_object_object_add(x, "income", json_money(
			    h[i].r.income, cur));
			json_object_array_add(arr, x);
		}
		json_object_object_add(o, "holdings", arr);
	}
	if (bv != NULL) {
		json_object *x = json_object_new_object();

		json_object_object_add(x, "symbol", json_object_new_string(
		    web_param(r, "benchmark")));
		/* Compared from the first day both have. */
		json_object_object_add(x, "from", json_object_new_string(
		    days[a + (size_t)k].day));
		json_object_object_add(x, "twr", frac(1, btwr));
		add_return(x, "portfolio_twr", same.has_twr, same.twr,
		    same.twr_why);
		json_object_object_add(x, "value_of_flows",
		    json_money(bv[b - a - 1], cur));
		json_object_object_add(o, "benchmark", x);
	}
	/* Dates and decimals only: nothing to escape. */
	buf_init(&text);
	buf_putc(&text, '[');
	for (size_t i = a; i < b; i++) {
		char v[DEC_BUFSZ], inv[DEC_BUFSZ];

		invested = dec_add(invested, days[i].flow);
		buf_printf(&text, "%s{\"date\":\"%s\",\"value\":\"%s\","
		    "\"net_invested\":\"%s\"", i > a ? "," : "", days[i].day,
		    dec_format(days[i].value, places, v),
		    dec_format(invested, places, inv));
		if (bv != NULL && i - a >= (size_t)k)
			buf_printf(&text, ",\"benchmark_value\":\"%s\"",
			    dec_format(bv[i - a], places, v));
		else if (bv != NULL)
			buf_puts(&text, ",\"benchmark_value\":null");
		buf_putc(&text, '}');
	}
	buf_putc(&text, ']');
	s = json_object_new_object();
	json_object_set_serializer(s, raw_text, arena_strdup(r->a,
	    text.data), NULL);
	buf_free(&text);
	json_object_object_add(o, "series", s);
	return web_json(r, 200, o);
}

int
page_api_performance(struct req *r)
{
	struct portfolio pf;
	struct perf_day *days;
	size_t n;
	int rc;

	if (r->ids[0] == 0) {
		/* Every portfolio of the user's, in the user's currency. */
		if (series_combined(r->db, r->a, r->user.id, r->user.currency,
		    time(NULL), &days, &n) != 0)
			return web_db_error(r);
		rc = answer(r, NULL, r->user.currency, days, n);
		free(days);
		return rc;
	}
	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	if (series_update(r->db, r->a, &pf, time(NULL), NULL) != 0 ||
	    series_read(r->db, r->a, pf.id, "", "", &days, &n) != 0)
		return web_db_error(r);
	return answer(r, &pf, pf.currency, days, n);
}
