/*
 * POST /api/v1/instruments - adds an instrument from symbol, name, kind,
 * currency, source, source_symbol (and isin, fallback_source,
 * fallback_symbol, url_template, url_field).  A shared instrument of the
 * same source and source symbol with the same kind and currency becomes
 * the user's under their symbol (200); otherwise a new one is made, shared
 * or the user's own (201, "shared" says which).  409 when the user already
 * has the symbol or the instrument; 422 with the field at fault, also
 * past a limit of the user's instruments (limit_instruments,
 * limit_url_instruments).
 */
#include <stdio.h>
#include <string.h>

#include "web.h"

static const struct field fields[] = {
	{ "symbol", F_TEXT }, { "name", F_TEXT }, { "kind", F_TEXT },
	{ "currency", F_TEXT }, { "isin", F_TEXT }, { "source", F_TEXT },
	{ "source_symbol", F_TEXT }, { "fallback_source", F_TEXT },
	{ "fallback_symbol", F_TEXT }, { "url_template", F_TEXT },
	{ "url_field", F_TEXT },
};

int
page_api_instruments(struct req *r)
{
	struct input v[nitems(fields)];
	struct instrument in;
	const char *why, *field;
	json_object *o;
	long long id;
	int what;

	if ((what = web_fields(r, fields, nitems(fields), v)) != 0)
		return what;
	memset(&in, 0, sizeof(in));
	in.symbol = v[0].text, in.name = v[1].text, in.kind = v[2].text;
	if (strlen(v[3].text) == 3)
		memcpy(in.currency, v[3].text, 4);
	in.isin = v[4].text;
	in.source = *v[5].text ? v[5].text : "sim";
	in.source_symbol = v[6].text;
	in.fallback_source = v[7].text, in.fallback_symbol = v[8].text;
	in.url_template = v[9].text, in.url_field = v[10].text;
	if ((why = inst_check(&in, &field)) != NULL)
		return web_json_error(r, 422, why, field);
	if ((what = inst_add(r->db, r->user.id, r->user.admin, &in, &id)) < 0)
		return web_db_error(r);
	if ((why = inst_limit_message(r->a, r->cfg, what, &field)) != NULL)
		return web_json_error(r, 422, why, field);
	if (what == INST_TAKEN)
		return web_json_error(r, 409, "You already have an instrument "
		    "with this symbol.", "symbol");
	if (what == INST_HELD)
		return web_json_error(r, 409, "You already have this "
		    "instrument under another symbol.", "source_symbol");
	if (inst_get(r->db, r->a, r->user.id, id, &in) != 1)
		return web_db_error(r);
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(id));
	json_object_object_add(o, "symbol", json_object_new_string(in.symbol));
	json_object_object_add(o, "name", json_object_new_string(in.name));
	json_object_object_add(o, "kind", json_object_new_string(in.kind));
	json_object_object_add(o, "currency",
	    json_object_new_string(in.currency));
	json_object_object_add(o, "source", json_object_new_string(in.source));
	json_object_object_add(o, "source_symbol",
	    json_object_new_string(in.source_symbol));
	json_object_object_add(o, "shared",
	    json_object_new_boolean(in.owner_id == 0));
	return web_json(r, what == INST_LINKED ? 200 : 201, o);
}
