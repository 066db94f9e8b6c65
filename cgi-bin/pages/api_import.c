/*
 * POST /api/v1/portfolios/#/import - imports a text/csv body, all or
 * nothing.  Answers 200 with the count and the portfolio, or 422 with
 * each bad line's number (the header is line 1) and reason, and the
 * unknown symbols.
 */
#include <string.h>
#include <time.h>

#include "import.h"
#include "web.h"

int
page_api_import(struct req *r)
{
	struct portfolio pf;
	struct import_result res;
	struct fx_table fx;
	struct pf_view v;
	json_object *o, *e, *lines, *unknown;
	int rc;

	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	if (strcmp(r->media_type, "text/csv") != 0)
		return web_json_error(r, 415, "Send the CSV as text/csv.", NULL);
	if (fx_load(r->db, r->a, &fx) != 0)
		return web_db_error(r);
	rc = import_csv(r->db, r->a, &pf, &fx, r->body, r->body_len, &res);
	if (rc < 0)
		return web_db_error(r);
	if (rc > 0) {
		o = json_object_new_object();
		e = json_object_new_object();
		lines = json_object_new_array();
		unknown = json_object_new_array();
		json_object_object_add(e, "status", json_object_new_int(422));
		json_object_object_add(e, "message", json_object_new_string(
		    "Nothing was imported: some lines need fixing."));
		for (size_t i = 0; i < res.nerrors && i < IMPORT_MAX_ERRORS;
		    i++) {
			json_object *l = json_object_new_object();

			json_object_object_add(l, "line",
			    json_object_new_int64((long long)res.errors[i].line));
			json_object_object_add(l, "reason",
			    json_object_new_string(res.errors[i].reason));
			json_object_array_add(lines, l);
		}
		for (size_t i = 0; i < res.nunknown; i++)
			json_object_array_add(unknown,
			    json_object_new_string(res.unknown[i]));
		json_object_object_add(e, "errors", json_object_new_int64(
		    (long long)res.nerrors));
		json_object_object_add(e, "lines", lines);
		json_object_object_add(e, "unknown_symbols", unknown);
		json_object_object_add(o, "error", e);
		return web_json(r, 422, o);
	}
	/* Reload: the import changed the portfolio's own totals. */
	if (pf_get(r->db, r->a, r->user.id, pf.id, &pf) != 1 ||
	    web_value(r, &pf, &fx, time(NULL), &v) != 0)
		return web_db_error(r);
	o = json_object_new_object();
	json_object_object_add(o, "imported",
	    json_object_new_int64((long long)res.imported));
	json_object_object_add(o, "portfolio", json_view(&v));
	return web_json(r, 200, o);
}
