/*
 * GET /register - the form to create an account.
 * POST /register - creates the account and signs it in.
 */
#include "password.h"
#include "view.h"
#include "web.h"

static int
form(struct req *r, int status)
{
	view_set(r->hdf, "Page.Title", "Create an account");
	return web_render_status(r, status, "register");
}

int
page_register(struct req *r)
{
	const char *password = web_param(r, "password");
	const char *why;
	char *email;
	long long id;
	int bad = 0;

	if (r->method != M_POST)
		return r->user.id ? web_redirect(r, "/") : form(r, 200);
	view_set(r->hdf, "Form.email", web_param(r, "email"));
	if ((why = auth_email_check(r->a, web_param(r, "email"), &email))
	    != NULL) {
		web_field_error(r, "email", why);
		bad = 1;
	}
	if ((why = password_policy(password)) != NULL) {
		web_field_error(r, "password", why);
		bad = 1;
	}
	if (bad)
		return form(r, 422);
	/* The first account registered administers the site. */
	if ((id = auth_user_add(r->db, email, password, -1)) < 0)
		return web_db_error(r);
	if (id == 0) {
		web_field_error(r, "email", "An account with this email "
		    "address already exists. Sign in instead.");
		return form(r, 422);
	}
	if (web_sign_in(r, id) != 0)
		return web_db_error(r);
	return web_redirect(r, "/");
}
