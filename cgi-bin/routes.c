/*
 * routes.c - the routing table: every address nestegg answers.
 *
 * Checked in order; the first row whose pattern matches the path and
 * whose methods include the request's wins.  A path that matches only
 * with other methods is a 405.  Every non-GET request must carry the
 * CSRF token (checked by the dispatcher, whatever the flags say).
 * A new page is one file in pages/ and one row here.
 */
#include "web.h"

#define PAGE(name) int page_##name(struct req *)
PAGE(account);
PAGE(home);
PAGE(login);
PAGE(logout);
PAGE(register);
#undef PAGE

const struct route routes[] = {
	/* pattern	methods			flags		handler */
	{ "/",		M_GET,			R_LOGIN,	page_home },
	{ "/login",	M_GET | M_POST,		0,		page_login },
	{ "/register",	M_GET | M_POST,		0,		page_register },
	{ "/account",	M_GET | M_POST,		R_LOGIN,	page_account },
	{ "/logout",	M_POST,			0,		page_logout },
};

const size_t routes_len = sizeof(routes) / sizeof(routes[0]);
