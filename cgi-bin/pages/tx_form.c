/*
 * GET /portfolios/#/transactions/new, /portfolios/#/transactions/#/edit
 *     - the transaction form, empty or filled.
 * POST to either - adds or saves the transaction.  The positions and
 * cash of the portfolio change in the same database transaction; a
 * change that would sell more than is held is refused with the reason.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "view.h"
#include "web.h"

static const char *const fields[] = {
	"date", "time", "type", "symbol", "quantity", "price", "fee", "amount",
	"currency", "counter_currency", "fx_rate", "note", NULL,
};

static int
form(struct req *r, int status)
{
	char key[32];

	for (int i = 0; i < TX__MAX; i++) {
		snprintf(key, sizeof(key), "Types.%d", i);
		view_set(r->hdf, key, tx_type_names[i]);
	}
	return web_render_status(r, status, "tx_form");
}

int
page_tx_form(struct req *r)
{
	struct portfolio pf;
	struct tx old, neu;
	struct tx_text in;
	const char *note = "", *why, *field;
	char msg[256], key[32];
	int rc, dberr, editing = r->ids[1] != 0;
	time_t now = time(NULL);

	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	if (editing) {
		struct instrument inst;

		if ((rc = pf_tx_get(r->db, r->a, &pf, r->ids[1], &old, &note))
		    < 0)
			return web_db_error(r);
		if (rc == 0)
			return web_error(r, 404, NULL);
		view_setf(r->hdf, "Edit.id", "%lld", old.id);
		if (r->method != M_POST) {
			const char *sym = "";

			if (old.instrument && (rc = inst_get(r->db, r->a,
			    r->user.id, old.instrument, &inst)) > 0)
				sym = inst.symbol;
			if (rc < 0)
				return web_db_error(r);
			put_tx(r, "Form", &old, sym, note);
			/* An assumed rate is not offered as entered: saved
			 * empty, the rate of its day is looked up again. */
			if (old.fx_origin == FX_LATEST) {
				char b[DEC_BUFSZ];

				view_set(r->hdf, "Form.fx_rate_assumed",
				    dec_format(old.fx_rate, -1, b));
				view_set(r->hdf, "Form.fx_rate", "");
			}
		}
	}
	view_set(r->hdf, "Page.Title", editing ? "Edit transaction" :
	    "Add transaction");
	if (r->method != M_POST) {
		if (!editing) {
			struct tm tm;

			strftime(key, sizeof(key), "%Y-%m-%d",
			    gmtime_r(&now, &tm));
			view_set(r->hdf, "Form.date", key);
			view_set(r->hdf, "Form.type", "buy");
		}
		return form(r, 200);
	}
	for (size_t i = 0; fields[i]; i++) {
		snprintf(key, sizeof(key), "Form.%s", fields[i]);
		view_set(r->hdf, key, web_param(r, fields[i]));
	}
	memset(&in, 0, sizeof(in));
	in.date = web_param(r, "date");
	if (*web_param(r, "time"))
		in.date = arena_printf(r->a, "%s %s", in.date,
		    web_param(r, "time"));
	in.type = web_param(r, "type");
	in.symbol = web_param(r, "symbol");
	in.quantity = web_param(r, "quantity");
	in.price = web_param(r, "price");
	in.fee = web_param(r, "fee");
	in.amount = web_param(r, "amount");
	in.currency = web_param(r, "currency");
	in.fx_rate = web_param(r, "fx_rate");
	in.note = web_param(r, "note");
	in.counter = web_param(r, "counter_currency");
	why = tx_parse(r->db, r->a, &pf, &in, &neu, &field, &dberr);
	if (dberr)
		return web_db_error(r);
	if (why != NULL) {
		web_field_error(r, field, why);
		return form(r, 422);
	}
	rc = pf_tx_change(r->db, r->a, &pf, editing ? &old : NULL, &neu,
	    in.note, msg, sizeof(msg));
	if (rc < 0)
		return web_db_error(r);
	if (rc > 0) {
		web_field_error(r, "form", msg);
		return form(r, 422);
	}
	return web_redirect(r, arena_printf(r->a, "/portfolios/%lld", pf.id));
}
