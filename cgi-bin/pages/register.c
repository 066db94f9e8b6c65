/*
 * GET /register - the form to create an account.
 * POST /register - creates the account, then sends the browser to sign
 * in.
 *
 * A valid form gets one answer whether or not the email address already
 * has an account: 303 to /login?registered=1, no session cookie, the
 * same body, after hashing the password given at the same cost, so that
 * neither the answer nor its time tells anyone who has an account.  The
 * account's owner is told of the attempt on their dashboard the next
 * time they sign in (auth_notice_register); the account is unchanged.
 * Only input that is wrong whoever owns the address (an email's form,
 * a weak password) is answered 422 with the form.
 */
#include "log.h"
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
	/* The first account registered administers the site.  The password
	 * is hashed before the address is looked at, taken or not. */
	if ((id = auth_user_add(r->db, email, password, -1)) < 0)
		return web_db_error(r);
	/* A notice that cannot be stored is logged, not answered: the
	 * answer stays the one a new account gets. */
	if (id == 0 && auth_notice_register(r->db, r->a, email,
	    r->remote_addr) != 0)
		log_error("database: %u %s (register notice)", r->db->err,
		    r->db->errmsg);
	return web_redirect(r, "/login?registered=1");
}
