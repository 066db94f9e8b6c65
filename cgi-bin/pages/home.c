/*
 * GET / - the dashboard: every portfolio of the signed-in user with its
 * value, day change and total gain, and the sum in the user's currency.
 */
#include <stdio.h>
#include <time.h>

#include "view.h"
#include "web.h"

int
page_home(struct req *r)
{
	struct portfolio *pfs;
	struct fx_table fx;
	struct totals all;
	size_t n;
	char key[64];
	const char *cur = r->user.currency;
	int unconverted = 0, unpriced = 0;
	time_t now = time(NULL);

	view_set(r->hdf, "Page.Title", "Portfolios");
	if (pf_list(r->db, r->a, r->user.id, &pfs, &n) != 0 ||
	    fx_load(r->db, r->a, &fx) != 0)
		return web_db_error(r);
	totals_init(&all);
	for (size_t i = 0; i < n; i++) {
		struct pf_view v;
		dec rate;

		if (pf_value(r->db, r->a, &pfs[i], &fx, now, &v) != 0)
			return web_db_error(r);
#define KEY(f) (snprintf(key, sizeof(key), "Portfolios.%zu." f, i), key)
		view_setf(r->hdf, KEY("id"), "%lld", pfs[i].id);
		view_set(r->hdf, KEY("name"), pfs[i].name);
		view_set(r->hdf, KEY("currency"), pfs[i].currency);
		put_money(r->hdf, KEY("value"), v.t.value, pfs[i].currency);
		put_signed(r->hdf, KEY("day"), v.t.day_change, pfs[i].currency);
		put_signed(r->hdf, KEY("gain"), v.t.total_gain,
		    pfs[i].currency);
		view_set_int(r->hdf, KEY("open"), (long long)v.nopen);
		view_set_int(r->hdf, KEY("unpriced"), v.t.unpriced);
#undef KEY
		unpriced += v.t.unpriced;
		if (fx_lookup(&fx, pfs[i].currency, cur, &rate) != 0) {
			unconverted++;
			continue;
		}
		all.value = dec_add(all.value, dec_mul(v.t.value, rate));
		all.day_change = dec_add(all.day_change,
		    dec_mul(v.t.day_change, rate));
		all.total_gain = dec_add(all.total_gain,
		    dec_mul(v.t.total_gain, rate));
	}
	view_set(r->hdf, "Total.currency", cur);
	put_money(r->hdf, "Total.value", all.value, cur);
	put_signed(r->hdf, "Total.day", all.day_change, cur);
	put_signed(r->hdf, "Total.gain", all.total_gain, cur);
	view_set_int(r->hdf, "Total.unconverted", unconverted);
	view_set_int(r->hdf, "Total.unpriced", unpriced);
	view_set_int(r->hdf, "Total.count", (long long)n);
	return web_render(r, "home");
}
