/*
 * GET /instruments - the instruments the user can hold: the shared
 * catalogue and their own, searched by ?q=.
 */
#include <stdio.h>

#include "view.h"
#include "web.h"

int
page_instruments(struct req *r)
{
	struct inst_line *v;
	size_t n;
	char key[64], buf[DEC_BUFSZ];
	const char *q = web_param(r, "q");

	view_set(r->hdf, "Page.Title", "Instruments");
	view_set(r->hdf, "Search.q", q);
	if (inst_list(r->db, r->a, r->user.id, q, 500, &v, &n) != 0)
		return web_db_error(r);
	for (size_t i = 0; i < n; i++) {
		const struct instrument *in = &v[i].inst;
		dec p;

#define KEY(f) (snprintf(key, sizeof(key), "I.%zu." f, i), key)
		view_setf(r->hdf, KEY("id"), "%lld", in->id);
		view_set(r->hdf, KEY("symbol"), in->symbol);
		view_set(r->hdf, KEY("name"), in->name);
		view_set(r->hdf, KEY("kind"), in->kind);
		view_set(r->hdf, KEY("currency"), in->currency);
		view_set(r->hdf, KEY("source"), in->source);
		view_set_int(r->hdf, KEY("own"), in->owner_id != 0);
		if (v[i].price && dec_parse(v[i].price, &p) == 0) {
			view_set(r->hdf, KEY("price"), dec_format_grouped(p, -1,
			    buf));
			view_set(r->hdf, KEY("as_of"), v[i].as_of);
		}
#undef KEY
	}
	return web_render(r, "instruments");
}
