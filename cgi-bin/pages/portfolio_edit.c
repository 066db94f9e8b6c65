/*
 * GET /portfolios/#/edit - the form to rename a portfolio or change its
 * cost-basis method.
 * POST /portfolios/#/edit - saves; a new method recomputes positions.
 * The base currency is fixed: the ledger's rates are in it.
 */
#include "view.h"
#include "web.h"

int
page_portfolio_edit(struct req *r)
{
	struct portfolio pf;
	const char *name = web_param(r, "name");
	const char *method = web_param(r, "cost_method");
	const char *why, *field;
	int rc;

	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	view_set(r->hdf, "Page.Title", "Edit portfolio");
	if (r->method != M_POST) {
		view_set(r->hdf, "Form.name", pf.name);
		view_set(r->hdf, "Form.cost_method", pf.method == COST_AVERAGE ?
		    "average" : "fifo");
		return web_render(r, "portfolio_edit");
	}
	view_set(r->hdf, "Form.name", name);
	view_set(r->hdf, "Form.cost_method", method);
	if (*method == '\0')
		method = "fifo";
	if ((why = pf_check(name, NULL, method, &field)) != NULL) {
		web_field_error(r, field, why);
		return web_render_status(r, 422, "portfolio_edit");
	}
	if (pf_update(r->db, r->a, &pf, name, method) != 0)
		return web_db_error(r);
	return web_redirect(r, arena_printf(r->a, "/portfolios/%lld", pf.id));
}
