/*
 * GET /portfolios/#/gains?year=YYYY - realized gains of a tax year: each
 * sell matched to the lots it took (FIFO) or to the pool (average
 * cost), with the day each was acquired, how long it was held, its
 * proceeds, cost and gain, and the year's totals.
 * GET /portfolios/#/gains.csv?year=YYYY - the same as a CSV file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csv.h"
#include "gains.h"
#include "view.h"
#include "web.h"

/* The user's symbol for each instrument of pf, into a sorted table. */
struct sym {
	long long id;
	const char *symbol;
};

static const char *
symbol(const struct sym *v, size_t n, long long id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].id == id)
			return v[i].symbol;
	return "";
}

static int
symbols(struct req *r, const struct portfolio *pf, struct sym **out,
    size_t *n)
{
	static const char q[] = "SELECT p.instrument_id, "
	    "COALESCE(us.symbol, i.symbol) FROM positions p "
	    "JOIN instruments i ON i.id = p.instrument_id "
	    "LEFT JOIN user_symbols us ON us.user_id = ? "
	    "AND us.instrument_id = i.id WHERE p.portfolio_id = ?";
	struct dbres res;

	if (db_exec(r->db, r->a, &res, q, "ii", pf->user_id, pf->id) != 0)
		return -1;
	*out = arena_alloc(r->a, (res.nrows + 1) * sizeof(**out));
	for (size_t i = 0; i < res.nrows; i++) {
		(*out)[i].id = db_int(&res, i, 0);
		(*out)[i].symbol = db_val(&res, i, 1);
	}
	*n = res.nrows;
	return 0;
}

int
page_gains(struct req *r)
{
	struct portfolio pf;
	struct gain_line *g = NULL;
	struct sym *syms;
	struct tx *txs;
	size_t ntx, n = 0, nsym;
	const char *y = web_param(r, "year");
	int csv = strstr(r->path, ".csv") != NULL, rc, year;
	char from[24], to[24], key[64], buf[DEC_BUFSZ];
	dec proceeds = DEC_ZERO, cost = DEC_ZERO, gain = DEC_ZERO;
	time_t now = time(NULL);
	struct tm tm;

	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	gmtime_r(&now, &tm);
	year = *y ? atoi(y) : tm.tm_year + 1900;
	if (year < 1900 || year > 2200)
		year = tm.tm_year + 1900;
	snprintf(from, sizeof(from), "%04d-01-01", year);
	snprintf(to, sizeof(to), "%04d-12-31", year);
	if (pf_tx_all(r->db, r->a, &pf, &txs, &ntx) != 0 ||
	    symbols(r, &pf, &syms, &nsym) != 0)
		return web_db_error(r);
	if (gains_report(txs, ntx, pf.method, from, to, &g, &n) != 0) {
		free(g);
		return web_error(r, 500, NULL);
	}
	if (csv) {
		buf_reset(&r->out);
		buf_puts(&r->out, "sold,symbol,quantity,acquired,days_held,"
		    "proceeds,cost,gain,currency\r\n");
		for (size_t i = 0; i < n; i++) {
			csv_cell(&r->out, g[i].sold, 0, 0);
			csv_cell(&r->out, symbol(syms, nsym, g[i].instrument),
			    1, 0);
			csv_cell(&r->out, dec_format(g[i].quantity, -1, buf), 0,
			    0);
			csv_cell(&r->out, g[i].pooled ? "various" :
			    g[i].acquired, 0, 0);
			buf_printf(&r->out, "%ld,", g[i].days);
			csv_cell(&r->out, dec_format(g[i].proceeds, 2, buf), 0,
			    0);
			csv_cell(&r->out, dec_format(g[i].cost, 2, buf), 0, 0);
			csv_cell(&r->out, dec_format(g[i].gain, 2, buf), 0, 0);
			csv_cell(&r->out, pf.currency, 0, 1);
		}
		free(g);
		web_header(r, "Content-Disposition", arena_printf(r->a,
		    "attachment; filename=\"nestegg-%lld-gains-%d.csv\"",
		    pf.id, year));
		r->content_type = "text/csv; charset=utf-8";
		r->rendered = 1;
		return 200;
	}
	view_set(r->hdf, "Page.Title", arena_printf(r->a, "%s: gains %d",
	    pf.name, year));
	view_set_int(r->hdf, "Gains.year", year);
	view_set_int(r->hdf, "Gains.prev", year - 1);
	view_set_int(r->hdf, "Gains.next", year + 1);
	view_set(r->hdf, "Gains.method", pf.method == COST_AVERAGE ?
	    "average cost" : "first in, first out");
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "Gains.lines.%zu", i);
		view_set(r->hdf, arena_printf(r->a, "%s.sold", key), g[i].sold);
		view_set(r->hdf, arena_printf(r->a, "%s.symbol", key),
		    symbol(syms, nsym, g[i].instrument));
		put_dec(r->hdf, arena_printf(r->a, "%s.quantity", key),
		    g[i].quantity);
		view_set(r->hdf, arena_printf(r->a, "%s.acquired", key),
		    g[i].pooled ? "various" : g[i].acquired);
		view_set_int(r->hdf, arena_printf(r->a, "%s.days", key),
		    g[i].days);
		put_money(r->hdf, arena_printf(r->a, "%s.proceeds", key),
		    g[i].proceeds, pf.currency);
		put_money(r->hdf, arena_printf(r->a, "%s.cost", key),
		    g[i].cost, pf.currency);
		put_signed(r->hdf, arena_printf(r->a, "%s.gain", key),
		    g[i].gain, pf.currency);
		proceeds = dec_add(proceeds, g[i].proceeds);
		cost = dec_add(cost, g[i].cost);
		gain = dec_add(gain, g[i].gain);
	}
	free(g);
	put_money(r->hdf, "Gains.proceeds", proceeds, pf.currency);
	put_money(r->hdf, "Gains.cost", cost, pf.currency);
	put_signed(r->hdf, "Gains.gain", gain, pf.currency);
	return web_render(r, "gains");
}
