/*
 * GET / - the dashboard of the signed-in user.
 */
#include "view.h"
#include "web.h"

int
page_home(struct req *r)
{
	view_set(r->hdf, "Page.Title", "Portfolios");
	return web_render(r, "home");
}
