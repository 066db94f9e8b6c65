/*
 * GET /portfolios/new - the form for a new portfolio.
 * POST /portfolios/new - creates it (name, currency, cost_method); 422
 * with the reason at its field, also when the user has as many
 * portfolios as limit_portfolios allows.
 */
#include <stdio.h>

#include "view.h"
#include "web.h"

static int
form(struct req *r, int status)
{
	view_set(r->hdf, "Page.Title", "New portfolio");
	return web_render_status(r, status, "portfolio_new");
}

int
page_portfolio_new(struct req *r)
{
	const char *name = web_param(r, "name");
	const char *cur = web_param(r, "currency");
	const char *method = web_param(r, "cost_method");
	const char *why, *field;
	long long id;

	if (r->method != M_POST) {
		view_set(r->hdf, "Form.currency", r->user.currency);
		view_set(r->hdf, "Form.cost_method", "fifo");
		return form(r, 200);
	}
	view_set(r->hdf, "Form.name", name);
	view_set(r->hdf, "Form.currency", cur);
	view_set(r->hdf, "Form.cost_method", method);
	if ((why = pf_check(name, cur, method, &field)) != NULL) {
		web_field_error(r, field, why);
		return form(r, 422);
	}
	if ((id = pf_create(r->db, r->user.id, name, cur, method)) ==
	    PF_LIMIT) {
		web_field_error(r, "name", pf_limit_message(r->a, r->cfg));
		return form(r, 422);
	}
	if (id < 0)
		return web_db_error(r);
	return web_redirect(r, arena_printf(r->a, "/portfolios/%lld", id));
}
