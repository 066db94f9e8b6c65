/*
 * GET /portfolios/#/transactions/#/delete - asks for confirmation.
 * POST /portfolios/#/transactions/#/delete - deletes the transaction and
 * updates positions and cash; refused when later sells depend on it.
 */
#include "view.h"
#include "web.h"

int
page_tx_delete(struct req *r)
{
	struct portfolio pf;
	struct tx old;
	const char *note;
	char msg[256];
	int rc;

	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	if ((rc = pf_tx_get(r->db, r->a, &pf, r->ids[1], &old, &note)) < 0)
		return web_db_error(r);
	if (rc == 0)
		return web_error(r, 404, NULL);
	view_set(r->hdf, "Page.Title", "Delete transaction");
	put_tx(r, "T", &old, "", note);
	if (r->method != M_POST)
		return web_render(r, "tx_delete");
	rc = pf_tx_change(r->db, r->a, &pf, &old, NULL, NULL, msg, sizeof(msg));
	if (rc < 0)
		return web_db_error(r);
	if (rc > 0) {
		view_set(r->hdf, "Errors.form", arena_printf(r->a, "It cannot "
		    "be deleted: without it, %s", msg));
		return web_render_status(r, 422, "tx_delete");
	}
	return web_redirect(r, arena_printf(r->a, "/portfolios/%lld", pf.id));
}
