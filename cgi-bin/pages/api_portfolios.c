/*
 * GET /api/v1/portfolios - the user's portfolios with their totals.
 * POST /api/v1/portfolios - creates one from name, currency and
 * cost_method (JSON or form body; X-CSRF-Token header); answers 201
 * with the new portfolio and its id, or 422 naming the field at fault
 * (past limit_portfolios too).
 */
#include <time.h>

#include "web.h"

static const struct field fields[] = {
	{ "name", F_TEXT }, { "currency", F_TEXT }, { "cost_method", F_TEXT },
};

int
page_api_portfolios(struct req *r)
{
	struct input in[nitems(fields)];
	const char *name, *cur, *method, *why, *field;
	struct portfolio *pfs, pf;
	struct fx_table fx;
	json_object *o, *arr;
	size_t n;
	long long id;
	int rc;

	if (r->method == M_POST) {
		if ((rc = web_fields(r, fields, nitems(fields), in)) != 0)
			return rc;
		name = in[0].text, cur = in[1].text, method = in[2].text;
		if ((why = pf_check(name, cur, method, &field)) != NULL)
			return web_json_error(r, 422, why, field);
		if ((id = pf_create(r->db, r->user.id, name, cur, method)) ==
		    PF_LIMIT)
			return web_json_error(r, 422, pf_limit_message(r->a,
			    r->cfg), "name");
		if (id < 0)
			return web_db_error(r);
		if (pf_get(r->db, r->a, r->user.id, id, &pf) != 1)
			return web_db_error(r);
		web_header(r, "Location", arena_printf(r->a,
		    "/api/v1/portfolios/%lld", id));
		return web_json(r, 201, json_portfolio(&pf));
	}
	if (pf_list(r->db, r->a, r->user.id, &pfs, &n) != 0 ||
	    fx_load(r->db, r->a, &fx) != 0)
		return web_db_error(r);
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct pf_view v;
		json_object *p;

		if (web_value(r, &pfs[i], &fx, time(NULL), &v) != 0) {
			json_object_put(arr);
			return web_db_error(r);
		}
		p = json_portfolio(&pfs[i]);
		json_object_object_add(p, "value", json_money(v.t.value,
		    pfs[i].currency));
		json_object_object_add(p, "day_change",
		    json_money(v.t.day_change, pfs[i].currency));
		json_object_object_add(p, "total_gain",
		    json_money(v.t.total_gain, pfs[i].currency));
		json_object_array_add(arr, p);
	}
	o = json_object_new_object();
	json_object_object_add(o, "portfolios", arr);
	return web_json(r, 200, o);
}
