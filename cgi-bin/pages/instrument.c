/*
 * GET /instruments/# - an instrument, who defines it, its latest price
 * with where and when it came from, its fetch trouble, recent closes.
 * POST /instruments/# - sets the price of the user's own (manual)
 * instrument: price, and optionally the date it is for.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "view.h"
#include "web.h"

int
page_instrument(struct req *r)
{
	static const char hist[] = "SELECT DATE_FORMAT(day, '%Y-%m-%d'), close "
	    "FROM price_history WHERE instrument_id = ? "
	    "ORDER BY day DESC LIMIT 30";
	static const char latest[] = "SELECT price, "
	    "DATE_FORMAT(as_of, '%Y-%m-%d %H:%i UTC'), source FROM prices "
	    "WHERE instrument_id = ?";
	static const char health[] = "SELECT flag, last_error, "
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
	view_set(r->hdf, "I.url_template", in.url_template);
	view_set(r->hdf, "I.url_field", in.url_field);
	view_set_int(r->hdf, "I.own", own);
	view_set_int(r->hdf, "I.manual", strcmp(in.source, "manual") == 0);
	view_set_int(r->hdf, "I.listed", in.listed);
	if (r->method == M_POST) {
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
		if (db_val(&res, 0, 2)) {
			view_set(r->hdf, "Health.error", db_val(&res, 0, 1));
			view_set(r->hdf, "Health.error_at", db_val(&res, 0, 2));
		}
		if (db_val(&res, 0, 3) &&
		    dec_parse(db_val(&res, 0, 3), &p) == 0)
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
	return web_render_status(r, r->method == M_POST ? 422 : 200,
	    "instrument");
}
