/*
 * GET /portfolios/#/edit - the form to rename a portfolio or change its
 * cost-basis method.
 * POST /portfolios/#/edit - saves; a new method recomputes positions,
 * and cash tracking on or off changes what its value counts.
 * The base currency is fixed: the ledger's rates are in it.
 */
#include <string.h>

#include "view.h"
#include "web.h"

int
page_portfolio_edit(struct req *r)
{
	struct portfolio pf;
	const char *name = web_param(r, "name");
	const char *method = web_param(r, "cost_method");
	const char *track = web_param(r, "track_cash");
	const char *why, *field;
	int rc;

	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	view_set(r->hdf, "Page.Title", "Edit portfolio");
	if (r->method != M_POST) {
		view_set(r->hdf, "Form.name", pf.name);
		view_set(r->hdf, "Form.cost_method", pf.method == COST_AVERAGE ?
		    "average" : "fifo");
		view_set(r->hdf, "Form.track_cash", pf.track_cash ? "1" : "0");
		return web_render(r, "portfolio_edit");
	}
	view_set(r->hdf, "Form.name", name);
	view_set(r->hdf, "Form.cost_method", method);
	view_set(r->hdf, "Form.track_cash", track);
	if (*method == '\0')
		method = "fifo";
	if ((why = pf_check(name, NULL, method, &field)) != NULL) {
		web_field_error(r, field, why);
		return web_render_status(r, 422, "portfolio_edit");
	}
	if (*track && strcmp(track, "0") != 0 && strcmp(track, "1") != 0) {
		web_field_error(r, "track_cash", "Choose on or off.");
		return web_render_status(r, 422, "portfolio_edit");
	}
	if (pf_update(r->db, r->a, &pf, name, method) != 0)
		return web_db_error(r);
	if (*track && (*track == '1') != pf.track_cash &&
	    pf_set_track_cash(r->db, &pf, *track == '1') != 0)
		return web_db_error(r);
	return web_redirect(r, arena_printf(r->a, "/portfolios/%lld", pf.id));
}
