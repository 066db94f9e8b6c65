/*
 * GET /account - the account page: email, the currency of totals across
 * portfolios, and the password form.
 * POST /account - with "currency": sets that currency.  Otherwise
 * changes the password: the current password must be given (wrong
 * guesses count as failed sign-ins); on success every session of the
 * account ends and this browser gets a new one.
 */
#include <string.h>

#include "epoch.h"
#include "password.h"
#include "view.h"
#include "web.h"

static int
form(struct req *r, int status)
{
	view_set(r->hdf, "Page.Title", "Your account");
	return web_render_status(r, status, "account");
}

int
page_account(struct req *r)
{
	const char *current = web_param(r, "current_password");
	const char *next = web_param(r, "new_password");
	const char *why;
	long long id;
	long wait;

	view_set(r->hdf, "Form.currency", r->user.currency);
	if (r->method != M_POST) {
		if (strcmp(web_param(r, "changed"), "1") == 0)
			view_set(r->hdf, "Notice", "Your password was changed. "
			    "Every other session has been signed out.");
		if (strcmp(web_param(r, "changed"), "currency") == 0)
			view_set(r->hdf, "Notice", "Totals across your "
			    "portfolios are now shown in this currency.");
		return form(r, 200);
	}
	if (kv_get(&r->form, "currency") != NULL) {
		static const char q[] = "UPDATE users SET currency = ? "
		    "WHERE id = ?";
		const char *cur = web_param(r, "currency");

		view_set(r->hdf, "Form.currency", cur);
		if (!currency_valid(cur)) {
			web_field_error(r, "currency", "Enter a currency code "
			    "like USD, EUR or GBP.");
			return form(r, 422);
		}
		if (db_exec(r->db, NULL, NULL, q, "si", cur, r->user.id) != 0)
			return web_db_error(r);
		epoch_bump(EPOCH_DATA);
		return web_redirect(r, "/account?changed=currency");
	}
	if ((why = password_policy(next)) != NULL) {
		web_field_error(r, "new_password", why);
		return form(r, 422);
	}
	if ((wait = auth_attempt(r->db, r->a, r->user.email,
	    r->remote_addr)) < 0)
		return web_db_error(r);
	if (wait > 0) {
		web_throttled(r, "current_password", wait);
		return form(r, 429);
	}
	if ((id = auth_check_password(r->db, r->a, r->user.email, current))
	    < 0)
		return web_db_error(r);
	if (id != r->user.id) {
		/* Already counted by auth_attempt(). */
		web_field_error(r, "current_password", "That is not your "
		    "current password.");
		return form(r, 422);
	}
	if (db_begin(r->db) != 0 ||
	    auth_password_set(r->db, r->user.id, next) != 0 ||
	    auth_sessions_end_all(r->db, r->user.id) != 0) {
		db_rollback(r->db);
		return web_db_error(r);
	}
	r->sid = NULL;			/* already ended with the rest */
	if (web_sign_in(r, r->user.id) != 0 || db_commit(r->db) != 0) {
		db_rollback(r->db);
		return web_db_error(r);
	}
	/* Again after the commit: a session read meanwhile from the
	 * uncommitted state must not stay cached. */
	epoch_bump(EPOCH_AUTH);
	if (auth_attempt_ok(r->db, r->a, r->user.email, r->remote_addr) != 0)
		return web_db_error(r);
	return web_redirect(r, "/account?changed=1");
}
