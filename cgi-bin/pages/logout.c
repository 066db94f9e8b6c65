/*
 * POST /logout - ends the session and forgets its cookie.
 */
#include "web.h"

int
page_logout(struct req *r)
{
	if (r->sid != NULL && auth_session_end(r->db, r->sid) != 0)
		return web_db_error(r);
	web_cookie(r, "__Host-sid", "", 0);
	return web_redirect(r, "/login");
}
