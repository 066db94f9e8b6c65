/*
 * POST /portfolios/#/import/mappings/# with action=delete - forgets one
 * of the signed-in user's saved mappings (listed on the portfolio's
 * import page, which it goes back to, whether it was there or not).  A mapping is changed on the
 * preview of a file it reads (?change=1 there).
 */
#include <string.h>

#include "import.h"
#include "web.h"

int
page_import_mapping(struct req *r)
{
	struct portfolio pf;
	int rc;

	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	if (strcmp(web_param(r, "action"), "delete") != 0)
		return web_error(r, 422, "Nothing to do: the only action here "
		    "is delete.");
	/* One deleted already (a second click) or not the user's: the same
	 * page, nothing changed. */
	if (import_mapping_delete(r->db, r->user.id, r->ids[1]) < 0)
		return web_db_error(r);
	return web_redirect(r, arena_printf(r->a,
	    "/portfolios/%lld/import#mappings", pf.id));
}
