/*
 * GET /login - the sign-in form; ?registered=1 (where POST /register
 * sends every valid form) thanks the visitor and asks them to sign in.
 * POST /login - signs in with email and password.
 *
 * A wrong email and a wrong password get the same answer, in the same
 * time.  Attempts are counted per account and per address before the
 * password is checked (auth.h); past the free allowance an attempt must
 * wait, and is answered 429 without the password being checked.
 */
#include <string.h>

#include "view.h"
#include "web.h"

static int
form(struct req *r, int status)
{
	view_set(r->hdf, "Page.Title", "Sign in");
	return web_render_status(r, status, "login");
}

int
page_login(struct req *r)
{
	const char *password = web_param(r, "password");
	char *email;
	long long id;
	long wait;
	int bad = 0;

	if (r->method != M_POST) {
		if (r->user.id)
			return web_redirect(r, "/");
		if (strcmp(web_param(r, "registered"), "1") == 0)
			view_set(r->hdf, "Notice", "Thank you. Sign in with "
			    "your email address and password.");
		return form(r, 200);
	}
	view_set(r->hdf, "Form.email", web_param(r, "email"));
	if (auth_email_check(r->a, web_param(r, "email"), &email) != NULL) {
		web_field_error(r, "email", "Enter the email address of "
		    "your account.");
		bad = 1;
	}
	if (*password == '\0') {
		web_field_error(r, "password", "Enter your password.");
		bad = 1;
	}
	if (bad)
		return form(r, 422);
	if ((wait = auth_attempt(r->db, r->a, email, r->remote_addr)) < 0)
		return web_db_error(r);
	if (wait > 0) {
		web_throttled(r, "form", wait);
		return form(r, 429);
	}
	if ((id = auth_check_password(r->db, r->a, email, password)) < 0)
		return web_db_error(r);
	if (id == 0) {
		/* Already counted by auth_attempt(). */
		web_field_error(r, "form", "That email and password do not "
		    "match an account.");
		return form(r, 422);
	}
	if (auth_attempt_ok(r->db, r->a, email, r->remote_addr) != 0 ||
	    web_sign_in(r, id) != 0)
		return web_db_error(r);
	return web_redirect(r, "/");
}
