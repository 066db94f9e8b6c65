/*
 * GET /instruments/new - the form to add an instrument.
 * POST /instruments/new - adds it: to the shared catalogue, or as the
 * user's own when its price source is "manual".
 */
#include <stdio.h>
#include <string.h>

#include "view.h"
#include "web.h"

static const char *const fields[] = {
	"symbol", "name", "kind", "currency", "isin", "source",
	"source_symbol", NULL,
};

static int
form(struct req *r, int status)
{
	char key[32];

	for (size_t i = 0; instrument_kinds[i]; i++) {
		snprintf(key, sizeof(key), "Kinds.%zu", i);
		view_set(r->hdf, key, instrument_kinds[i]);
	}
	for (size_t i = 0; price_sources[i]; i++) {
		snprintf(key, sizeof(key), "Sources.%zu", i);
		view_set(r->hdf, key, price_sources[i]);
	}
	view_set(r->hdf, "Page.Title", "Add instrument");
	return web_render_status(r, status, "instrument_new");
}

int
page_instrument_new(struct req *r)
{
	struct instrument in;
	const char *why, *field;
	char key[32];
	long long id;

	if (r->method != M_POST) {
		view_set(r->hdf, "Form.kind", "stock");
		view_set(r->hdf, "Form.source", "sim");
		view_set(r->hdf, "Form.currency", "USD");
		return form(r, 200);
	}
	for (size_t i = 0; fields[i]; i++) {
		snprintf(key, sizeof(key), "Form.%s", fields[i]);
		view_set(r->hdf, key, web_param(r, fields[i]));
	}
	memset(&in, 0, sizeof(in));
	in.symbol = arena_strdup(r->a, web_param(r, "symbol"));
	in.name = web_param(r, "name");
	in.kind = web_param(r, "kind");
	snprintf(in.currency, sizeof(in.currency), "%.3s",
	    web_param(r, "currency"));
	if (strlen(web_param(r, "currency")) != 3)
		in.currency[0] = '\0';
	in.isin = web_param(r, "isin");
	in.source = web_param(r, "source");
	in.source_symbol = web_param(r, "source_symbol");
	if ((why = inst_check(&in, &field)) != NULL) {
		web_field_error(r, field, why);
		return form(r, 422);
	}
	if ((id = inst_add(r->db, r->user.id, &in)) < 0)
		return web_db_error(r);
	if (id == 0) {
		web_field_error(r, "symbol", "An instrument with this symbol "
		    "already exists.");
		return form(r, 422);
	}
	return web_redirect(r, arena_printf(r->a, "/instruments/%lld", id));
}
