/*
 * POST /api/v1/instruments - adds an instrument from symbol, name, kind,
 * currency, source, source_symbol (and isin); answers 201 with its id,
 * 409 when the symbol exists, 422 with the field at fault.
 */
#include <stdio.h>
#include <string.h>

#include "web.h"

int
page_api_instruments(struct req *r)
{
	struct instrument in;
	const char *why, *field, *cur;
	json_object *o;
	long long id;

	memset(&in, 0, sizeof(in));
	in.symbol = web_input(r, "symbol");
	if (in.symbol == NULL)
		return web_json_error(r, 400, "The body must be a JSON object of "
		    "UTF-8 text.",
		    NULL);
	in.symbol = arena_strdup(r->a, in.symbol);
	in.name = web_input(r, "name");
	in.kind = web_input(r, "kind");
	cur = web_input(r, "currency");
	in.isin = web_input(r, "isin");
	in.source = web_input(r, "source");
	in.source_symbol = web_input(r, "source_symbol");
	if (in.name == NULL || in.kind == NULL || cur == NULL ||
	    in.isin == NULL || in.source == NULL || in.source_symbol == NULL)
		return web_json_error(r, 400, "Text fields must be UTF-8 "
		    "without NUL.", NULL);
	if (strlen(cur) == 3)
		memcpy(in.currency, cur, 4);
	if (*in.source == '\0')
		in.source = "sim";
	if ((why = inst_check(&in, &field)) != NULL)
		return web_json_error(r, 422, why, field);
	if ((id = inst_add(r->db, r->user.id, &in)) < 0)
		return web_db_error(r);
	if (id == 0)
		return web_json_error(r, 409, "An instrument with this symbol "
		    "already exists.", "symbol");
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
	return web_json(r, 201, o);
}
