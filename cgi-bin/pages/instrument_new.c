/*
 * GET /instruments/new - the form to add an instrument.
 * POST /instruments/new - adds it (see inst_add): shared, linked to the
 * shared instrument of the same source and source symbol, or the user's
 * own ("manual", "url", or details that differ from the shared one's);
 * 422 with the reason at its field, also when one of the user's limits
 * is reached.  The address of a "url" instrument is never written back
 * into the form, nor taken from the query string.
 */
#include <stdio.h>
#include <string.h>

#include "view.h"
#include "web.h"

static const char *const fields[] = {
	"symbol", "name", "kind", "currency", "isin", "source",
	"source_symbol", "fallback_source", "fallback_symbol", "url_template",
	"url_field", NULL,
};

static int
form(struct req *r, int status)
{
	char key[32];

	for (size_t i = 0; instrument_kinds[i]; i++) {
		snprintf(key, sizeof(key), "Kinds.%zu", i);
		view_set(r->hdf, key, instrument_kinds[i]);
	}
	view_set(r->hdf, "Fallbacks.0", "");
	for (size_t i = 0; price_sources[i]; i++) {
		snprintf(key, sizeof(key), "Sources.%zu", i);
		view_set(r->hdf, key, price_sources[i]);
		if (strcmp(price_sources[i], "url") == 0 ||
		    strcmp(price_sources[i], "manual") == 0)
			continue;
		snprintf(key, sizeof(key), "Fallbacks.%zu", i + 1);
		view_set(r->hdf, key, price_sources[i]);
	}
	view_set(r->hdf, "Page.Title", "Add instrument");
	return web_render_status(r, status, "instrument_new");
}

/* 1 if back is an import's preview to return to (never elsewhere). */
static int
safe_back(const char *back)
{
	long long p, d;
	int n = 0;

	return sscanf(back, "/portfolios/%lld/import/%lld%n", &p, &d, &n) ==
	    2 && back[n] == '\0';
}

int
page_instrument_new(struct req *r)
{
	const char *back = web_param(r, "back");
	const char *v[sizeof(fields) / sizeof(fields[0])];
	struct instrument in;
	const char *why, *field;
	char key[32];
	long long id;
	int what;

	if (safe_back(back))
		view_set(r->hdf, "Form.back", back);
	if (r->method != M_POST) {
		view_set(r->hdf, "Form.kind", "stock");
		view_set(r->hdf, "Form.source", "yahoo");
		view_set(r->hdf, "Form.currency", "USD");
		/* Pre-filled, from an import's unknown symbols. */
		for (size_t i = 0; fields[i]; i++)
			if (strcmp(fields[i], "url_template") != 0 &&
			    *web_param(r, fields[i])) {
				snprintf(key, sizeof(key), "Form.%s", fields[i]);
				view_set(r->hdf, key, web_param(r, fields[i]));
			}
		return form(r, 200);
	}
	for (size_t i = 0; fields[i]; i++) {
		v[i] = arena_strdup(r->a, web_param(r, fields[i]));
		/* An address may hold a key: typed again, never shown. */
		if (strcmp(fields[i], "url_template") == 0)
			continue;
		snprintf(key, sizeof(key), "Form.%s", fields[i]);
		view_set(r->hdf, key, v[i]);
	}
	memset(&in, 0, sizeof(in));
	in.symbol = v[0], in.name = v[1], in.kind = v[2];
	if (strlen(v[3]) == 3)
		memcpy(in.currency, v[3], 4);
	in.isin = v[4], in.source = v[5], in.source_symbol = v[6];
	in.fallback_source = v[7], in.fallback_symbol = v[8];
	in.url_template = v[9], in.url_field = v[10];
	if ((why = inst_check(&in, &field)) != NULL) {
		web_field_error(r, field, why);
		return form(r, 422);
	}
	if ((what = inst_add(r->db, r->user.id, r->user.admin, &in, &id)) < 0)
		return web_db_error(r);
	if ((why = inst_limit_message(r->a, r->cfg, what, &field)) != NULL) {
		web_field_error(r, field, why);
		return form(r, 422);
	}
	if (what == INST_TAKEN) {
		web_field_error(r, "symbol", "You already have an instrument "
		    "with this symbol.");
		return form(r, 422);
	}
	if (safe_back(back))
		return web_redirect(r, back);
	return web_redirect(r, arena_printf(r->a, "/instruments/%lld", id));
}
