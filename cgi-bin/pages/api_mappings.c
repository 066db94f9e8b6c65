/*
 * GET /api/v1/import/mappings - the signed-in user's saved mappings of
 * generic CSVs: [{id, header, mapping, updated}], the mapping as the
 * import API takes it (its mapping= parameter).
 * GET /api/v1/import/mappings/# - one of them; DELETE forgets it (204).
 */
#include <string.h>

#include "import.h"
#include "web.h"

static json_object *
saved_json(const struct import_saved *s)
{
	json_object *o = json_object_new_object(), *h = json_object_new_array();

	json_object_object_add(o, "id", json_object_new_int64(s->id));
	for (size_t i = 0; i < s->nheader; i++)
		json_object_array_add(h, json_object_new_string(s->header[i]));
	json_object_object_add(o, "header", h);
	json_object_object_add(o, "mapping", json_tokener_parse(s->mapping));
	json_object_object_add(o, "updated", json_object_new_string(
	    s->updated ? s->updated : ""));
	return o;
}

int
page_api_mappings(struct req *r)
{
	struct import_saved *v, one;
	json_object *list;
	size_t n;
	int rc;

	if (strchr(r->route->pattern, '#') == NULL) {
		if (import_mapping_list(r->db, r->a, r->user.id, &v, &n) != 0)
			return web_db_error(r);
		list = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(list, saved_json(&v[i]));
		return web_json(r, 200, list);
	}
	rc = r->method == M_DELETE ? import_mapping_delete(r->db, r->user.id,
	    r->ids[0]) : import_mapping_get(r->db, r->a, r->user.id,
	    r->ids[0], &one);
	if (rc < 0)
		return web_db_error(r);
	if (rc == 0)
		return web_json_error(r, 404, "No such saved mapping.", NULL);
	if (r->method == M_DELETE) {
		r->rendered = 1;
		return 204;
	}
	return web_json(r, 200, saved_json(&one));
}
