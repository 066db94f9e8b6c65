/*
 * GET /healthz - whether the stack is well, for a load balancer or a
 * monitor (from this host, or an admin): 200 when the database answers,
 * at least one database node serves (a plain server, or a Galera node
 * synced in a Primary component) and every worker accepts connections,
 * else 503; status "degraded" (still 200) when a node listed in db_nodes
 * is down or not synced, or a node sees a cluster smaller than the list.
 * The body, JSON, also says each node's state, the age of the last fetch
 * and valuation runs, and the price sources failing now.
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
	up &= h.db_up & h.cluster.ok;
	json_object_object_add(o, "status", json_object_new_string(!up ?
	    "failing" : h.cluster.degraded ? "degraded" : "ok"));
	json_object_object_add(o, "database", json_object_new_boolean(
	    h.db_up));
	json_object_object_add(o, "database_nodes", cluster_json(&h.cluster));
	json_object_object_add(o, "workers", w);
	json_object_object_add(o, "last_fetch_age_seconds", h.fetch_age < 0 ?
	    NULL : json_object_new_int64(h.fetch_age));
	json_object_object_add(o, "last_valuation_age_seconds",
	    h.val_age < 0 ? NULL : json_object_new_int64(h.val_age));
	json_object_object_add(o, "failing_sources", f);
	return web_json(r, up ? 200 : 503, o);
}
