/*
 * GET /instruments/# - an instrument, who defines it, its latest price
 * with where and when it came from, its fetch trouble, its price chart
 * and recent closes, and the user's own: their position in each
 * portfolio, the income it paid them and their transactions in it.
 * Another user's own instrument, or a shared one nobody listed and the
 * user never added, is a 404.  A url instrument's address is never
 * shown, only its scheme and host, and its field.
 * POST /instruments/# - sets the price of the user's own (manual)
 * instrument: price, and optionally the date it is for; or, with a
 * history file (date,close), stores those closes (the user's own
 * instruments, or an admin's for a shared one); or, with url_template
 * and url_field, gives the user's own url instrument a new address
 * (never shown back, not even when refused).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "history.h"
#include "view.h"
#include "web.h"

/* The price chart of every close, and the user's own in it. */
static int
mine(struct req *r, const struct instrument *in)
{
	static const char all[] = "SELECT close FROM price_history "
	    "WHERE instrument_id = ? ORDER BY day";
	static const char span[] = "SELECT DATE_FORMAT(MIN(day), '%Y-%m-%d'), "
	    "DATE_FORMAT(MAX(day), '%Y-%m-%d') FROM price_history "
	    "WHERE instrument_id = ?";
	static const char pos[] = "SELECT p.id, p.name, p.currency, "
	    "x.quantity, x.cost, x.income FROM positions x JOIN portfolios p "
	    "ON p.id = x.portfolio_id WHERE p.user_id = ? "
	    "AND x.instrument_id = ? ORDER BY p.name";
	static const char txs[] = "SELECT p.id, p.name, "
	    "DATE_FORMAT(t.date, '%Y-%m-%d'), t.type, t.quantity, t.price, "
	    "t.amount, t.currency FROM transactions t JOIN portfolios p "
	    "ON p.id = t.portfolio_id WHERE p.user_id = ? "
	    "AND t.instrument_id = ? ORDER BY t.date DESC, t.id DESC LIMIT 25";
	struct dbres res;
	char key[64];

	if (db_exec(r->db, r->a, &res, all, "i", in->id) != 0)
		return -1;
	if (res.nrows > 1) {
		dec *v = arena_alloc(r->a, res.nrows * sizeof(*v));
		const dec *one[1] = { v };
		struct chart_box b;

		for (size_t i = 0; i < res.nrows; i++)
			dec_parse(db_val(&res, i, 0), &v[i]);
		chart_fit(&b, 56, 10, 574, 170, one, 1, res.nrows, 0);
		view_set(r->hdf, "Chart.line", chart_line(r->a, &b, v,
		    res.nrows, 320));
		if (db_exec(r->db, r->a, &res, span, "i", in->id) != 0)
			return -1;
		view_set(r->hdf, "Chart.from", db_val(&res, 0, 0));
		view_set(r->hdf, "Chart.to", db_val(&res, 0, 1));
		{
			dec lo = v[0], hi = v[0];

			for (size_t i = 1; i < res.nrows; i++) {
				if (dec_cmp(v[i], lo) < 0)
					lo = v[i];
				if (dec_cmp(v[i], hi) > 0)
					hi = v[i];
			}
			put_dec(r->hdf, "Chart.low", lo);
			put_dec(r->hdf, "Chart.high", hi);
			view_setf(r->hdf, "Chart.low_y", "%.1f", chart_y(&b, lo));
			view_setf(r->hdf, "Chart.high_y", "%.1f",
			    chart_y(&b, hi));
		}
	}
	if (db_exec(r->db, r->a, &res, pos, "ii", r->user.id, in->id) != 0)
		return -1;
	for (size_t i = 0; i < res.nrows; i++) {
		dec q, c, inc;

		snprintf(key, sizeof(key), "Mine.%zu", i);
		dec_parse(db_val(&res, i, 3), &q);
		dec_parse(db_val(&res, i, 4), &c);
		dec_parse(db_val(&res, i, 5), &inc);
		view_set(r->hdf, arena_printf(r->a, "%s.pid", key),
		    db_val(&res, i, 0));
		view_set(r->hdf, arena_printf(r->a, "%s.name", key),
		    db_val(&res, i, 1));
		put_dec(r->hdf, arena_printf(r->a, "%s.quantity", key), q);
		put_money(r->hdf, arena_printf(r->a, "%s.cost", key), c,
		    db_val(&res, i, 2));
		put_money(r->hdf, arena_printf(r->a, "%s.income", key), inc,
		    db_val(&res, i, 2));
		view_set(r->hdf, arena_printf(r->a, "%s.currency", key),
		    db_val(&res, i, 2));
	}
	if (db_exec(r->db, r->a, &res, txs, "ii", r->user.id, in->id) != 0)
		return -1;
	for (size_t i = 0; i < res.nrows; i++) {
		static const char *const f[] = { "pid", "name", "date", "type",
		    "quantity", "price", "amount", "currency" };

		for (size_t k = 0; k < 8; k++) {
			const char *v = db_val(&res, i, k);
			char buf[DEC_BUFSZ];
			dec x;

			if (k >= 4 && k <= 6 && v != NULL &&
			    dec_parse(v, &x) == 0)
				v = dec_format_grouped(x, -1, buf);
			snprintf(key, sizeof(key), "Txs.%zu.%s", i, f[k]);
			view_set(r->hdf, key, v ? v : "");
		}
	}
	return 0;
}

int
page_instrument(struct req *r)
{
	static const char hist[] = "SELECT DATE_FORMAT(day, '%Y-%m-%d'), close "
	    "FROM price_history WHERE instrument_id = ? "
	    "ORDER BY day DESC LIMIT 30";
	static const char latest[] = "SELECT price, "
	    "DATE_FORMAT(as_of, '%Y-%m-%d %H:%i UTC'), source FROM prices "
	    "WHERE instrument_id = ?";
	static const char health[] = "SELECT flag, last_error, problem, "
	    "DATE_FORMAT(last_error_at, '%Y-%m-%d %H:%i UTC'), pending_price "
	    "FROM instrument_health WHERE instrument_id = ?";
	struct instrument in;
	struct dbres res;
	char key[64], buf[DEC_BUFSZ], day[11], at[32];
	dec p;
	int rc, own;

	if ((rc = inst_get(r->db, r->a, r->user.id, r->ids[0], &in)) < 0)
		return web_db_error(r);
	if (rc == 0)
		return web_error(r, 404, NULL);
	own = in.owner_id == r->user.id;
	view_set(r->hdf, "Page.Title", in.symbol);
	view_setf(r->hdf, "I.id", "%lld", in.id);
	view_set(r->hdf, "I.symbol", in.symbol);
	view_set(r->hdf, "I.name", in.name);
	view_set(r->hdf, "I.kind", in.kind);
	view_set(r->hdf, "I.currency", in.currency);
	view_set(r->hdf, "I.isin", in.isin ? in.isin : "");
	view_set(r->hdf, "I.source", in.source);
	view_set(r->hdf, "I.source_symbol", in.source_symbol);
	view_set(r->hdf, "I.fallback_source", in.fallback_source ?
	    in.fallback_source : "");
	view_set(r->hdf, "I.fallback_symbol", in.fallback_symbol);
	view_set(r->hdf, "I.url_host", in.url_host);
	view_set(r->hdf, "I.url_field", in.url_field);
	view_set_int(r->hdf, "I.own", own);
	view_set_int(r->hdf, "I.mine", in.mine);
	view_set_int(r->hdf, "I.manual", strcmp(in.source, "manual") == 0);
	view_set_int(r->hdf, "I.listed", in.listed);
	/* The owner's own field, again; never the address. */
	view_set(r->hdf, "Form.url_field", in.url_field);
	if (r->method == M_POST && kv_get(&r->form, "url_template") != NULL) {
		const char *tmpl = web_param(r, "url_template");
		const char *fld = web_param(r, "url_field");
		const char *why, *field;

		view_set(r->hdf, "Form.url_field", fld);
		if (!own || strcmp(in.source, "url") != 0)
			return web_error(r, 403, "Only its owner gives an "
			    "instrument of their own a new address.");
		if ((why = inst_check_address(tmpl, fld, &field)) != NULL)
			web_field_error(r, field, why);
		else if ((rc = inst_set_address(r->db, r->user.id, in.id,
		    tmpl, fld)) < 0)
			return web_db_error(r);
		else
			return web_redirect(r, arena_printf(r->a,
			    "/instruments/%lld?address=1", in.id));
	} else if (r->method == M_POST && (*web_param(r, "history") ||
	    *web_param(r, "history_text"))) {
		const char *text = *web_param(r, "history") ?
		    web_param(r, "history") : web_param(r, "history_text");
		const char *why;
		size_t line;
		long n;

		if (!own && !r->user.admin)
			return web_error(r, 403, "The closes of a shared "
			    "instrument come from its source, or from an "
			    "admin.");
		n = history_import(r->db, r->a, in.id, text, strlen(text),
		    &why, &line);
		if (n == -2)
			return web_db_error(r);
		if (n < 0)
			web_field_error(r, "history", line ? arena_printf(r->a,
			    "Line %zu: %s", line, why) : why);
		else
			return web_redirect(r, arena_printf(r->a,
			    "/instruments/%lld?closes=%ld", in.id, n));
	} else if (r->method == M_POST) {
		const char *price = web_param(r, "price");
		const char *date = web_param(r, "date");
		time_t now = time(NULL);
		struct tm tm;
		int bad = 0;

		view_set(r->hdf, "Form.price", price);
		view_set(r->hdf, "Form.date", date);
		if (!own || strcmp(in.source, "manual") != 0)
			return web_error(r, 403, "Only its owner prices a "
			    "manual instrument; the others get their prices "
			    "from their source.");
		if (dec_parse(price, &p) != 0 || dec_sign(p) <= 0) {
			web_field_error(r, "price", "Enter a price above 0.");
			bad = 1;
		}
		if (*date && ledger_date(date, day) != NULL) {
			web_field_error(r, "date", "Enter a date as "
			    "YYYY-MM-DD.");
			bad = 1;
		}
		if (!bad) {
			if (*date)
				snprintf(at, sizeof(at), "%s 00:00:00", day);
			else
				strftime(at, sizeof(at), "%Y-%m-%d %H:%M:%S",
				    gmtime_r(&now, &tm));
			if (price_set(r->db, in.id, price, at, "manual") != 0)
				return web_db_error(r);
			return web_redirect(r, arena_printf(r->a,
			    "/instruments/%lld", in.id));
		}
	}
	if (db_exec(r->db, r->a, &res, latest, "i", in.id) != 0)
		return web_db_error(r);
	if (res.nrows > 0 && dec_parse(db_val(&res, 0, 0), &p) == 0) {
		view_set(r->hdf, "Latest.price", dec_format_grouped(p, -1, buf));
		view_set(r->hdf, "Latest.as_of", db_val(&res, 0, 1));
		view_set(r->hdf, "Latest.source", db_val(&res, 0, 2));
	}
	if (db_exec(r->db, r->a, &res, health, "i", in.id) != 0)
		return web_db_error(r);
	if (res.nrows > 0) {
		if (db_val(&res, 0, 0) && *db_val(&res, 0, 0))
			view_set(r->hdf, "Health.flag", db_val(&res, 0, 0));
		/* Its owner hears what kind of trouble, an admin what
		 * exactly (an address, a status) for a fix. */
		if (db_val(&res, 0, 3)) {
			view_set(r->hdf, "Health.error", inst_trouble_text(r->a,
			    db_val(&res, 0, 2), in.source, db_val(&res, 0, 1),
			    r->user.admin));
			view_set(r->hdf, "Health.error_at", db_val(&res, 0, 3));
		}
		if (db_val(&res, 0, 4) &&
		    dec_parse(db_val(&res, 0, 4), &p) == 0)
			view_set(r->hdf, "Health.pending",
			    dec_format_grouped(p, -1, buf));
	}
	if (db_exec(r->db, r->a, &res, hist, "i", in.id) != 0)
		return web_db_error(r);
	for (size_t i = 0; i < res.nrows; i++) {
		snprintf(key, sizeof(key), "History.%zu.day", i);
		view_set(r->hdf, key, db_val(&res, i, 0));
		snprintf(key, sizeof(key), "History.%zu.close", i);
		if (dec_parse(db_val(&res, i, 1), &p) == 0)
			view_set(r->hdf, key, dec_format_grouped(p, -1, buf));
	}
	if (mine(r, &in) != 0)
		return web_db_error(r);
	if (*web_param(r, "closes"))
		view_set_int(r->hdf, "Stored", atoll(web_param(r, "closes")));
	if (*web_param(r, "address"))
		view_set_int(r->hdf, "Changed", 1);
	view_set_int(r->hdf, "I.admin", r->user.admin);
	return web_render_status(r, r->method == M_POST ? 422 : 200,
	    "instrument");
}
