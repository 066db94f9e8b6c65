/*
 * GET /portfolios/#/performance?period=1M|3M|YTD|1Y|3Y|5Y|MAX
 *     [&benchmark=SYMBOL] - how the portfolio did: time- and
 * money-weighted returns, gain, income and fees over the period, and
 * server-side SVG charts (value and net invested, and what the same
 * money would be worth in the benchmark; drawdown; income per month),
 * each with a title, a description and a table, from the stored daily
 * series.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "history.h"
#include "view.h"
#include "web.h"

#define W 640
#define H 220
#define POINTS 320
#define MONTHS 24

static const char *const periods[] = { "1M", "3M", "YTD", "1Y", "3Y", "5Y",
    "MAX", NULL };

/* The value and net invested chart (and the benchmark's, bv, when not
 * NULL), with its grid. */
static void
value_chart(struct req *r, const struct perf_day *d, size_t n,
    dec invested0, const dec *bv)
{
	dec *v = arena_alloc(r->a, (n + 1) * sizeof(*v));
	dec *inv = arena_alloc(r->a, (n + 1) * sizeof(*inv));
	const dec *both[3] = { v, inv, bv };
	struct chart_box b;
	double step, g;
	int k = 0;

	for (size_t i = 0; i < n; i++) {
		invested0 = dec_add(invested0, d[i].flow);
		v[i] = d[i].value;
		inv[i] = invested0;
	}
	chart_fit(&b, 56, 10, W - 66, H - 40, both, bv ? 3 : 2, n, 1);
	view_set(r->hdf, "Chart.value", chart_line(r->a, &b, v, n, POINTS));
	if (bv != NULL)
		view_set(r->hdf, "Chart.benchmark", chart_line(r->a, &b, bv, n,
		    POINTS));
	view_set(r->hdf, "Chart.invested", chart_line(r->a, &b, inv, n,
	    POINTS));
	step = chart_step(b.lo, b.hi, 4);
	for (g = step * ((long long)(b.lo / step)); g <= b.hi; g += step) {
		char key[64], label[32];
		dec gv;

		if (g < b.lo)
			continue;
		snprintf(label, sizeof(label), "%.0f", g);
		if (dec_parse(label, &gv) != 0)
			continue;
		snprintf(key, sizeof(key), "Chart.grid.%d.y", k);
		view_setf(r->hdf, key, "%.1f", chart_y(&b, gv));
		snprintf(key, sizeof(key), "Chart.grid.%d.label", k++);
		put_money(r->hdf, key, gv, "JPY");	/* grouped, no cents */
	}
}

/* Each holding on its own over the period. */
static int
holdings(struct req *r, const struct portfolio *pf, const char *from,
    const char *to, int zero)
{
	struct holding_return *h;
	size_t n;
	char key[64];

	if (series_holdings(r->db, r->a, pf, from, to, zero, time(NULL), &h,
	    &n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "Holdings.%zu", i);
		view_set(r->hdf, arena_printf(r->a, "%s.symbol", key),
		    h[i].symbol);
		view_setf(r->hdf, arena_printf(r->a, "%s.id", key), "%lld",
		    h[i].instrument);
		if (h[i].r.has_twr)
			put_pct(r->hdf, arena_printf(r->a, "%s.twr", key),
			    dec_mul(h[i].r.twr, dec_from_int(100)));
		else
			view_set(r->hdf, arena_printf(r->a, "%s.twr_why", key),
			    perf_missing_reasons[h[i].r.twr_why]);
		if (h[i].r.has_irr)
			put_pct(r->hdf, arena_printf(r->a, "%s.irr", key),
			    dec_mul(h[i].r.irr, dec_from_int(100)));
		else
			view_set(r->hdf, arena_printf(r->a, "%s.irr_why", key),
			    perf_missing_reasons[h[i].r.irr_why]);
		put_signed(r->hdf, arena_printf(r->a, "%s.gain", key),
		    h[i].r.gain, pf->currency);
		put_money(r->hdf, arena_printf(r->a, "%s.income", key),
		    h[i].r.income, pf->currency);
	}
	return 0;
}

/* The time-weighted return through each day since the start, as a
 * percentage into pct[0..n), as the period's return links the days. */
static void
twr_index(const struct perf_day *d, size_t n, int zero, dec *pct)
{
	dec hundred = dec_from_int(100);

	perf_growth(d, n, zero, pct);
	for (size_t i = 0; i < n; i++)
		pct[i] = dec_mul(dec_sub(pct[i], DEC_ONE), hundred);
}

/* Percentages on a chart's axis: its grid lines, labelled, under key. */
static void
pct_grid(struct req *r, const struct chart_box *b, const char *key)
{
	double step = chart_step(b->lo, b->hi, 4), g;
	int k = 0;

	for (g = step * ((long long)(b->lo / step)); g <= b->hi; g += step) {
		char name[64], label[32];
		dec gv;

		if (g < b->lo)
			continue;
		snprintf(label, sizeof(label), "%.0f", g);
		if (dec_parse(label, &gv) != 0)
			continue;
		snprintf(name, sizeof(name), "%s.%d.y", key, k);
		view_setf(r->hdf, name, "%.1f", chart_y(b, gv));
		snprintf(name, sizeof(name), "%s.%d.label", key, k++);
		view_setf(r->hdf, name, "%s%%", label);
	}
}

/* The time-weighted return since the start, each day, against the
 * benchmark's change (bp its prices, or NULL), into twr and bench.  A
 * benchmark that starts later follows the portfolio's line until its
 * first price, and moves with its price from there. */
static void
twr_chart(struct req *r, const struct perf_day *d, size_t n, int zero,
    const dec *bp, dec *twr, dec *bench)
{
	const dec *both[2] = { twr, bench };
	dec hundred = dec_from_int(100), last = DEC_ZERO, base = DEC_ZERO;
	struct chart_box b;
	size_t k = 0;

	twr_index(d, n, zero, twr);
	while (bp != NULL && k < n && dec_sign(bp[k]) <= 0)
		k++;
	if (k < n && bp != NULL)	/* the portfolio's index that day */
		base = dec_add(DEC_ONE, dec_div(twr[k], hundred));
	for (size_t i = 0; bp != NULL && i < n; i++) {
		if (i < k || k == n) {
			bench[i] = twr[i];
			continue;
		}
		if (dec_sign(bp[i]) > 0)
			last = bp[i];
		bench[i] = dec_mul(dec_sub(dec_mul(base, dec_div(last,
		    bp[k])), DEC_ONE), hundred);
	}
	chart_fit(&b, 56, 10, W - 66, H - 40, both, bp ? 2 : 1, n, 1);
	view_set(r->hdf, "Chart.twr", chart_line(r->a, &b, twr, n, POINTS));
	if (bp != NULL)
		view_set(r->hdf, "Chart.twr_bench", chart_line(r->a, &b, bench,
		    n, POINTS));
	pct_grid(r, &b, "Chart.twr_grid");
}

/* The drawdown of the time-weighted index (pct, from twr_index);
 * returns the deepest. */
static dec
drawdown_chart(struct req *r, const dec *pct, size_t n)
{
	dec *dd = arena_alloc(r->a, (n + 1) * sizeof(*dd));
	const dec *one[1] = { dd };
	dec hundred = dec_from_int(100), peak = hundred, worst = DEC_ZERO;
	struct chart_box b;

	for (size_t i = 0; i < n; i++) {
		dec index = dec_add(pct[i], hundred);

		if (dec_cmp(index, peak) > 0)
			peak = index;
		dd[i] = dec_is_zero(peak) ? DEC_ZERO :
		    dec_mul(dec_sub(dec_div(index, peak), DEC_ONE), hundred);
		if (dec_cmp(dd[i], worst) < 0)
			worst = dd[i];
	}
	chart_fit(&b, 56, 10, W - 66, 120 - 30, one, 1, n, 1);
	view_set(r->hdf, "Chart.drawdown", chart_line(r->a, &b, dd, n,
	    POINTS));
	view_setf(r->hdf, "Chart.dd_zero", "%.1f", chart_y(&b, DEC_ZERO));
	view_setf(r->hdf, "Chart.dd_low", "%.1f", chart_y(&b, worst));
	return worst;
}

/* Income per month (the last MONTHS of the period) and per year. */
static void
income_chart(struct req *r, const struct perf_day *d, size_t n,
    const char *cur)
{
	char month[MONTHS][8], key[64];
	dec amt[MONTHS], max = DEC_ZERO, year = DEC_ZERO;
	int nm = 0, ny = 0;
	struct chart_box b;

	for (size_t i = 0; i < n; i++) {
		if (nm == 0 || strncmp(month[(nm - 1) % MONTHS], d[i].day, 7)) {
			snprintf(month[nm % MONTHS], 8, "%.7s", d[i].day);
			amt[nm % MONTHS] = DEC_ZERO;
			nm++;
		}
		amt[(nm - 1) % MONTHS] = dec_add(amt[(nm - 1) % MONTHS],
		    d[i].income);
		year = dec_add(year, d[i].income);
		if (i + 1 == n || strncmp(d[i].day, d[i + 1].day, 4) != 0) {
			snprintf(key, sizeof(key), "Income.years.%d.year", ny);
			view_setf(r->hdf, key, "%.4s", d[i].day);
			snprintf(key, sizeof(key), "Income.years.%d.amount",
			    ny++);
			put_money(r->hdf, key, year, cur);
			year = DEC_ZERO;
		}
	}
	{
		int first = nm > MONTHS ? nm - MONTHS : 0, shown = nm - first;
		const dec *one[1];
		dec v[MONTHS];

		for (int i = 0; i < shown; i++) {
			v[i] = amt[(first + i) % MONTHS];
			if (dec_cmp(v[i], max) > 0)
				max = v[i];
		}
		one[0] = v;
		chart_fit(&b, 56, 10, W - 66, 120 - 30, one, 1, (size_t)shown,
		    1);
		for (int i = 0; i < shown; i++) {
			double bw = b.w / (shown > 0 ? shown : 1);
			double y = chart_y(&b, v[i]);

			snprintf(key, sizeof(key), "Income.months.%d", i);
			view_set(r->hdf, arena_printf(r->a, "%s.month", key),
			    month[(first + i) % MONTHS]);
			put_money(r->hdf, arena_printf(r->a, "%s.amount", key),
			    v[i], cur);
			view_setf(r->hdf, arena_printf(r->a, "%s.x", key),
			    "%.1f", b.x + i * bw + bw * 0.15);
			view_setf(r->hdf, arena_printf(r->a, "%s.w", key),
			    "%.1f", bw * 0.7);
			view_setf(r->hdf, arena_printf(r->a, "%s.y", key),
			    "%.1f", y);
			view_setf(r->hdf, arena_printf(r->a, "%s.h", key),
			    "%.1f", b.y + b.h - y);
		}
		put_money(r->hdf, "Income.max", max, cur);
	}
}

/* Month ends of the period, for the table that stands for the charts. */
static void
month_table(struct req *r, const struct perf_day *d, size_t n, dec inv,
    const char *cur, const dec *twr, const dec *bench)
{
	dec income = DEC_ZERO;
	int k = 0;

	for (size_t i = 0; i < n; i++) {
		char key[64];

		inv = dec_add(inv, d[i].flow);
		income = dec_add(income, d[i].income);
		if (i + 1 < n && strncmp(d[i].day, d[i + 1].day, 7) == 0)
			continue;
		snprintf(key, sizeof(key), "Perf.rows.%d", k++);
		view_set(r->hdf, arena_printf(r->a, "%s.day", key), d[i].day);
		put_money(r->hdf, arena_printf(r->a, "%s.value", key),
		    d[i].value, cur);
		put_money(r->hdf, arena_printf(r->a, "%s.invested", key), inv,
		    cur);
		put_money(r->hdf, arena_printf(r->a, "%s.income", key), income,
		    cur);
		put_pct(r->hdf, arena_printf(r->a, "%s.twr", key), twr[i]);
		if (bench != NULL)
			put_pct(r->hdf, arena_printf(r->a, "%s.bench", key),
			    bench[i]);
		income = DEC_ZERO;
	}
}

int
page_performance(struct req *r)
{
	struct portfolio pf;
	struct perf_day *days;
	struct perf_result res;
	const char *period = web_param(r, "period");
	const char *bench = web_param(r, "benchmark");
	char from[11], to[11], today[11], key[32];
	const char *why, *field;
	dec *bv = NULL, *bp = NULL, *twr, *btw;
	size_t n, a = 0, b;
	dec invested = DEC_ZERO, hundred = dec_from_int(100);
	int rc, unpriced = 0;

	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	view_set(r->hdf, "Page.Title", arena_printf(r->a, "%s: performance",
	    pf.name));
	if (series_update(r->db, r->a, &pf, time(NULL), NULL) != 0 ||
	    series_read(r->db, r->a, pf.id, "", "", &days, &n) != 0)
		return web_db_error(r);
	if (*period == '\0')
		period = "1Y";
	for (int i = 0; periods[i]; i++) {
		snprintf(key, sizeof(key), "Periods.%d", i);
		view_set(r->hdf, key, periods[i]);
	}
	if (n == 0)
		return web_render(r, "performance");
	perf_ymd(time(NULL) / 86400, today);
	if (strcmp(days[n - 1].day, today) > 0)
		snprintf(today, sizeof(today), "%s", days[n - 1].day);
	if ((why = perf_choose(period, "1Y", web_param(r, "from"),
	    web_param(r, "to"), days[0].day, days[n - 1].day, today, from, to,
	    &field)) != NULL) {
		web_field_error(r, field, why);
		period = "1Y";
		perf_range(period, days[0].day, today, from, to);
	} else if (*web_param(r, "from") || *web_param(r, "to")) {
		period = "dates";
		view_set(r->hdf, "Form.from", web_param(r, "from"));
		view_set(r->hdf, "Form.to", web_param(r, "to"));
	}
	view_set(r->hdf, "Perf.period", period);
	while (a < n && strcmp(days[a].day, from) < 0)
		invested = dec_add(invested, days[a++].flow);
	for (b = a; b < n && strcmp(days[b].day, to) <= 0; b++)
		unpriced |= days[b].unpriced > 0;
	perf_span(days, a, b, &res);
	view_set(r->hdf, "Perf.from", days[a].day);
	view_set(r->hdf, "Perf.to", days[b - 1].day);
	view_set_int(r->hdf, "Perf.days", res.days);
	view_set_int(r->hdf, "Perf.unpriced", unpriced);
	/* A return there is none of says why, in a sentence. */
	if (res.has_twr)
		put_pct(r->hdf, "Perf.twr", dec_mul(res.twr, hundred));
	else
		view_set(r->hdf, "Perf.twr_why",
		    perf_missing_sentences[res.twr_why]);
	if (res.has_twr_annual)
		put_pct(r->hdf, "Perf.twr_annual", dec_mul(res.twr_annual,
		    hundred));
	if (res.has_irr)
		put_pct(r->hdf, "Perf.irr", dec_mul(res.irr, hundred));
	else
		view_set(r->hdf, "Perf.irr_why",
		    perf_missing_sentences[res.irr_why]);
	put_money(r->hdf, "Perf.start_value", res.start_value, pf.currency);
	put_money(r->hdf, "Perf.end_value", res.end_value, pf.currency);
	put_signed(r->hdf, "Perf.net_flows", res.net_flows, pf.currency);
	put_signed(r->hdf, "Perf.gain", res.gain, pf.currency);
	put_money(r->hdf, "Perf.income", res.income, pf.currency);
	put_money(r->hdf, "Perf.fees", res.fees, pf.currency);
	put_signed(r->hdf, "Perf.price_gain", res.price_gain, pf.currency);
	put_signed(r->hdf, "Perf.fx", res.fx, pf.currency);
	put_signed(r->hdf, "Perf.fees_out", dec_neg(res.fees), pf.currency);
	if (*bench) {
		dec btwr;
		int brc, k;

		bp = arena_alloc(r->a, (b - a + 1) * sizeof(*bp));
		bv = arena_alloc(r->a, (b - a + 1) * sizeof(*bv));
		view_set(r->hdf, "Form.benchmark", bench);
		if ((brc = series_prices(r->db, r->a, r->user.id, bench,
		    pf.currency, days + a, b - a, bp)) < 0)
			return web_db_error(r);
		if (brc == 0) {
			web_field_error(r, "benchmark", "You have no instrument "
			    "with this symbol.");
			bv = NULL;
		} else if ((k = perf_benchmark(days + a, bp, b - a, &btwr,
		    bv)) < 0) {
			web_field_error(r, "benchmark", "It has no price in "
			    "this period.");
			bv = NULL;
		} else {
			put_pct(r->hdf, "Bench.twr", dec_mul(btwr, hundred));
			put_money(r->hdf, "Bench.value", bv[b - a - 1],
			    pf.currency);
			view_set(r->hdf, "Bench.symbol", bench);
			/* Compared from the first day both have. */
			if (k > 0) {
				struct perf_result same;

				view_set(r->hdf, "Bench.from",
				    days[a + (size_t)k].day);
				perf_period(days + a + k, b - a - (size_t)k,
				    &same);
				if (same.has_twr)
					put_pct(r->hdf, "Bench.own_twr",
					    dec_mul(same.twr, hundred));
			}
		}
	}
	value_chart(r, days + a, b - a, invested, bv);
	if (holdings(r, &pf, days[a].day, days[b - 1].day, a == 0) != 0)
		return web_db_error(r);
	twr = arena_alloc(r->a, (b - a + 1) * sizeof(*twr));
	btw = arena_alloc(r->a, (b - a + 1) * sizeof(*btw));
	twr_chart(r, days + a, b - a, a == 0, bv ? bp : NULL, twr, btw);
	put_pct(r->hdf, "Perf.drawdown", drawdown_chart(r, twr, b - a));
	income_chart(r, days + a, b - a, pf.currency);
	month_table(r, days + a, b - a, invested, pf.currency, twr,
	    bv ? btw : NULL);
	return web_render(r, "performance");
}
