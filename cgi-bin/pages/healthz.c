/*
 * GET /healthz - whether the stack is well, for a load balancer or a
 * monitor (from this host, or an admin): 200 when the database answers
 * and every worker accepts connections, else 503; the age of the last
 * fetch and valuation runs, and the price sources failing now, as JSON.
 */
#include "health.h"
#include "web.h"

int
page_healthz(struct req *r)
{
	json_object *o = json_object_new_object(), *w, *f;
	struct health h;
	int up = 1;

	health_read(r->db, r->a, r->cfg, &h);
	w = json_object_new_object();
	for (size_t i = 0; i < h.nworkers; i++) {
		json_object_object_add(w, h.worker[i].name,
		    json_object_new_boolean(h.worker[i].up));
		up &= h.worker[i].up;
	}
	f = json_object_new_array();
	for (size_t i = 0; i < h.nsrc; i++)
		if (h.src[i].failing_runs > 0)
			json_object_array_add(f,
			    json_object_new_string(h.src[i].name));
	up &= h.db_up;
	json_object_object_add(o, "status", json_object_new_string(up ?
	    "ok" : "failing"));
	json_object_object_add(o, "database", json_object_new_boolean(
	    h.db_up));
	json_object_object_add(o, "workers", w);
	json_object_object_add(o, "last_fetch_age_seconds", h.fetch_age < 0 ?
	    NULL : json_object_new_int64(h.fetch_age));
	json_object_object_add(o, "last_valuation_age_seconds",
	    h.val_age < 0 ? NULL : json_object_new_int64(h.val_age));
	json_object_object_add(o, "failing_sources", f);
	return web_json(r, up ? 200 : 503, o);
}
