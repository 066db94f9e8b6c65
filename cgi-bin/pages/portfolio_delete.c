/*
 * GET /portfolios/#/delete - asks for confirmation.
 * POST /portfolios/#/delete - deletes the portfolio and its ledger when
 * the form confirms it.
 */
#include <string.h>

#include "view.h"
#include "web.h"

int
page_portfolio_delete(struct req *r)
{
	struct portfolio pf;
	int rc;

	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	view_set(r->hdf, "Page.Title", "Delete portfolio");
	if (r->method != M_POST)
		return web_render(r, "portfolio_delete");
	if (strcmp(web_param(r, "confirm"), "yes") != 0) {
		web_field_error(r, "confirm", "Tick the box to confirm.");
		return web_render_status(r, 422, "portfolio_delete");
	}
	if (pf_delete(r->db, &pf) != 0)
		return web_db_error(r);
	return web_redirect(r, "/");
}
