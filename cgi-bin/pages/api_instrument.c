/*
 * GET /api/v1/instruments/# - an instrument the user may see (see
 * inst_get: their own, a listed one, one in their list): its symbol and
 * name as theirs, kind, currency, source, whether it is shared, listed,
 * their own and in their list, and its latest price.  A url instrument
 * gives its address's scheme and host (url_host) and its field, never
 * the address.  Anyone else's is a 404.
 * DELETE /api/v1/instruments/# - takes it out of the user's list (see
 * inst_remove): 204; 409 while their transactions use it; 404 when it
 * is not in their list.
 */
#include <string.h>

#include "web.h"

static json_object *
jtext(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

int
page_api_instrument(struct req *r)
{
	static const char latest[] = "SELECT price, "
	    "DATE_FORMAT(as_of, '%Y-%m-%dT%H:%i:%sZ'), source FROM prices "
	    "WHERE instrument_id = ?";
	struct instrument in;
	struct dbres res;
	json_object *o;
	int rc;

	if (r->method == M_DELETE) {
		if ((rc = inst_remove(r->db, r->user.id, r->ids[0])) < 0)
			return web_db_error(r);
		if (rc == 0)
			return web_json_error(r, 404, "You have no such "
			    "instrument in your list.", NULL);
		if (rc == 2)
			return web_json_error(r, 409, "Your transactions use "
			    "this instrument: delete them first.", NULL);
		r->rendered = 1;
		return 204;
	}
	if ((rc = inst_get(r->db, r->a, r->user.id, r->ids[0], &in)) < 0)
		return web_db_error(r);
	if (rc == 0)
		return web_json_error(r, 404, "No such instrument.", NULL);
	if (db_exec(r->db, r->a, &res, latest, "i", in.id) != 0)
		return web_db_error(r);
	o = json_object_new_object();
#define ADD(k, v) json_object_object_add(o, k, v)
	ADD("id", json_object_new_int64(in.id));
	ADD("symbol", jtext(in.symbol));
	ADD("name", jtext(in.name));
	ADD("kind", jtext(in.kind));
	ADD("currency", jtext(in.currency));
	ADD("isin", jtext(in.isin));
	ADD("source", jtext(in.source));
	ADD("source_symbol", jtext(in.source_symbol));
	ADD("fallback_source", jtext(in.fallback_source));
	ADD("fallback_symbol", in.fallback_source && *in.fallback_source ?
	    jtext(in.fallback_symbol) : NULL);
	if (strcmp(in.source, "url") == 0) {
		ADD("url_host", jtext(in.url_host));
		ADD("url_field", jtext(in.url_field));
	}
	ADD("shared", json_object_new_boolean(in.owner_id == 0));
	ADD("listed", json_object_new_boolean(in.listed));
	ADD("yours", json_object_new_boolean(in.owner_id == r->user.id));
	ADD("in_list", json_object_new_boolean(in.mine));
	ADD("price", res.nrows ? jtext(db_val(&res, 0, 0)) : NULL);
	ADD("price_as_of", res.nrows ? jtext(db_val(&res, 0, 1)) : NULL);
	ADD("price_source", res.nrows ? jtext(db_val(&res, 0, 2)) : NULL);
#undef ADD
	return web_json(r, 200, o);
}
