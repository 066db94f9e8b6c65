/*
 * GET /admin - how the price pipeline is doing (admins only): each
 * source's health, the last fetch and valuation runs, and the held
 * instruments that need a look.  "nestegg status" prints the same.
 */
#include <stdio.h>
#include <time.h>

#include "status.h"
#include "view.h"
#include "web.h"

static void
age(HDF *hdf, const char *key, long long s)
{
	if (s < 0)
		return;
	if (s < 120)
		view_setf(hdf, key, "%lld s", s);
	else if (s < 7200)
		view_setf(hdf, key, "%lld min", s / 60);
	else if (s < 172800)
		view_setf(hdf, key, "%lld h", s / 3600);
	else
		view_setf(hdf, key, "%lld days", s / 86400);
}

int
page_admin(struct req *r)
{
	struct stale_policy sp;
	struct status s;
	char key[64];

	pf_stale_policy(r->cfg, &sp);
	if (status_load(r->db, r->a, &sp, time(NULL), &s) != 0)
		return web_db_error(r);
#define KEY(p, f) (snprintf(key, sizeof(key), p ".%zu." f, i), key)
	for (size_t i = 0; i < s.nsrc; i++) {
		const struct status_source *x = &s.src[i];

		view_set(r->hdf, KEY("Src", "name"), x->name);
		view_set_int(r->hdf, KEY("Src", "failing"), x->failing);
		view_set(r->hdf, KEY("Src", "success"), x->last_success ?
		    x->last_success : "never");
		if (x->last_error_at) {
			view_set(r->hdf, KEY("Src", "error_at"),
			    x->last_error_at);
			view_set(r->hdf, KEY("Src", "error"), x->last_error);
		}
		view_set_int(r->hdf, KEY("Src", "errors"), x->errors);
		view_set_int(r->hdf, KEY("Src", "failing_runs"),
		    x->failing_runs);
		view_set_int(r->hdf, KEY("Src", "quotes"), x->last_quotes);
	}
	for (size_t i = 0; i < s.nfetch; i++) {
		const struct status_fetch *x = &s.fetch[i];

		view_set_int(r->hdf, KEY("Fetch", "id"), x->id);
		view_set(r->hdf, KEY("Fetch", "started"), x->started);
		view_set_int(r->hdf, KEY("Fetch", "ms"), x->duration_ms);
		view_set_int(r->hdf, KEY("Fetch", "instruments"),
		    x->instruments);
		view_set_int(r->hdf, KEY("Fetch", "requests"), x->requests);
		view_set_int(r->hdf, KEY("Fetch", "stored"), x->stored);
		view_set_int(r->hdf, KEY("Fetch", "unchanged"), x->unchanged);
		view_set_int(r->hdf, KEY("Fetch", "refused"), x->rejected);
		view_set_int(r->hdf, KEY("Fetch", "missing"), x->missing);
		view_set_int(r->hdf, KEY("Fetch", "rates"), x->rates);
		view_set(r->hdf, KEY("Fetch", "failed"), x->failed_sources);
	}
	for (size_t i = 0; i < s.nval; i++) {
		const struct status_valuation *x = &s.val[i];

		view_set_int(r->hdf, KEY("Val", "id"), x->id);
		view_set(r->hdf, KEY("Val", "started"), x->started);
		view_set(r->hdf, KEY("Val", "prices_as_of"), x->prices_as_of ?
		    x->prices_as_of : "-");
		view_set(r->hdf, KEY("Val", "scope"), x->scope);
		view_set_int(r->hdf, KEY("Val", "portfolios"), x->portfolios);
		view_set_int(r->hdf, KEY("Val", "changes"), x->changes);
		view_set_int(r->hdf, KEY("Val", "ms"), x->duration_ms);
	}
	for (size_t i = 0; i < s.ninst; i++) {
		const struct status_instrument *x = &s.inst[i];

		view_set_int(r->hdf, KEY("Inst", "id"), x->id);
		view_set(r->hdf, KEY("Inst", "symbol"), x->symbol);
		view_setf(r->hdf, KEY("Inst", "source"), "%s:%s", x->source,
		    x->source_symbol);
		view_set_int(r->hdf, KEY("Inst", "holders"), x->holders);
		if (x->price) {
			view_set(r->hdf, KEY("Inst", "price"), x->price);
			view_set(r->hdf, KEY("Inst", "as_of"), x->as_of);
			age(r->hdf, KEY("Inst", "age"), x->age);
		}
		view_set_int(r->hdf, KEY("Inst", "stale"), x->stale);
		if (x->flag)
			view_set(r->hdf, KEY("Inst", "flag"), x->flag);
		if (x->pending)
			view_set(r->hdf, KEY("Inst", "pending"), x->pending);
		if (x->error) {
			view_set(r->hdf, KEY("Inst", "error"), x->error);
			view_set(r->hdf, KEY("Inst", "error_at"), x->error_at);
		}
	}
#undef KEY
	view_set_int(r->hdf, "Status.held", s.held);
	view_set_int(r->hdf, "Status.pending", s.pending_changes);
	view_set(r->hdf, "Page.Title", "Prices and valuation");
	return web_render(r, "admin");
}
