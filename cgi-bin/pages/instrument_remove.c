/*
 * POST /instruments/#/remove - takes the instrument out of the user's
 * list (see inst_remove), freeing its place under limit_instruments and
 * their symbol for it: their own instrument is deleted with its prices,
 * a shared one only loses their symbol.  Refused (409) while a
 * transaction of theirs uses it; 404 when it is not in their list.
 */
#include "web.h"

int
page_instrument_remove(struct req *r)
{
	int rc;

	if ((rc = inst_remove(r->db, r->user.id, r->ids[0])) < 0)
		return web_db_error(r);
	if (rc == 0)
		return web_error(r, 404, NULL);
	if (rc == 2)
		return web_error(r, 409, "Your transactions use this "
		    "instrument: delete them first, or keep it.");
	return web_redirect(r, "/instruments");
}
