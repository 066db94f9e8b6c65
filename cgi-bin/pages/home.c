/*
 * GET / - the dashboard: every portfolio of the signed-in user with its
 * value, day change and total gain, and the sum in the user's currency.
 * The figures are cached per user until something changes (cache.h).
 *
 * Above them, once, the account's notices not yet seen (auth.h: someone
 * tried to register the user's email address).  They are looked for
 * only when the figures are not cached: recording a notice makes every
 * cache of the host look again (EPOCH_AUTH), and on other hosts an entry
 * lives a few seconds, so a dashboard served from the cache has none to
 * give (a notice can wait that long).  Taking them marks them seen; they
 * are never cached.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "history.h"
#include "live.h"
#include "view.h"
#include "web.h"

/* How long a request waits for another thread making the same user's
 * figures before making its own. */
#define FILL_WAIT_MS 1000

/* Computes the dashboard's figures into d; 0 or -1. */
static int
figures(struct req *r, HDF *d)
{
	struct portfolio *pfs;
	struct fx_table fx;
	struct totals all;
	size_t n;
	char key[64];
	const char *cur = r->user.currency;
	int unconverted = 0, unpriced = 0;
	time_t now = time(NULL);

	if (put_live_since(r, d) != 0 ||
	    pf_list(r->db, r->a, r->user.id, &pfs, &n) != 0 ||
	    fx_load(r->db, r->a, &fx) != 0)
		return -1;
	totals_init(&all);
	for (size_t i = 0; i < n; i++) {
		struct pf_view v;
		dec value, day, gain, twr;
		int has_twr;

		if (web_value(r, &pfs[i], &fx, now, &v) != 0 ||
		    series_update(r->db, r->a, &pfs[i], now, NULL) != 0 ||
		    (has_twr = series_return(r->db, r->a, pfs[i].id, &twr)) < 0)
			return -1;
#define KEY(f) (snprintf(key, sizeof(key), "Portfolios.%zu." f, i), key)
		view_setf(d, KEY("id"), "%lld", pfs[i].id);
		view_set(d, KEY("name"), pfs[i].name);
		view_set(d, KEY("currency"), pfs[i].currency);
		put_money(d, KEY("value"), v.t.value, pfs[i].currency);
		put_signed(d, KEY("day"), v.t.day_change, pfs[i].currency);
		put_signed(d, KEY("gain"), v.t.total_gain, pfs[i].currency);
		if (has_twr)
			put_pct(d, KEY("twr"), dec_mul(twr, dec_from_int(100)));
		view_set_int(d, KEY("open"), (long long)v.nopen);
		view_set_int(d, KEY("unpriced"), v.t.unpriced);
#undef KEY
		unpriced += v.t.unpriced;
		if (fx_convert(&fx, v.t.value, pfs[i].currency, cur, &value) ||
		    fx_convert(&fx, v.t.day_change, pfs[i].currency, cur, &day) ||
		    fx_convert(&fx, v.t.total_gain, pfs[i].currency, cur,
		    &gain)) {
			unconverted++;
			continue;
		}
		all.value = dec_add(all.value, value);
		all.day_change = dec_add(all.day_change, day);
		all.total_gain = dec_add(all.total_gain, gain);
	}
	view_set(d, "Total.currency", cur);
	put_money(d, "Total.value", all.value, cur);
	put_signed(d, "Total.day", all.day_change, cur);
	put_signed(d, "Total.gain", all.total_gain, cur);
	view_set_int(d, "Total.unconverted", unconverted);
	view_set_int(d, "Total.unpriced", unpriced);
	view_set_int(d, "Total.count", (long long)n);
	put_computed(d, now);
	return 0;
}

/* Puts the account's unseen notices into the page (Notices.*) and marks
 * them seen; 0 or -1. */
static int
notices(struct req *r)
{
	struct notice *list;
	size_t n;
	long long total;
	char key[64];

	if (auth_notices_take(r->db, r->a, r->user.id, &list, &n,
	    &total) != 0)
		return -1;
	if (n == 0)
		return 0;
	view_set_int(r->hdf, "Notices.total", total);
	view_set_int(r->hdf, "Notices.earlier", total - (long long)n);
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "Notices.list.%zu.at", i);
		view_set(r->hdf, key, list[i].at);
		snprintf(key, sizeof(key), "Notices.list.%zu.address", i);
		view_set(r->hdf, key, list[i].address);
	}
	return 0;
}

/*
 * Whether figures cached (val, len bytes) were read before the live
 * cursor the page asks for (?live=, which live.js sends when an event
 * made it fetch the page): an event from a change on another host can
 * arrive before this host's change counters say so.  A change that
 * committed late with a lower id moves only the cursor's time.
 */
static int
older_than_asked(struct req *r, const char *val, long len)
{
	struct live_cursor want, had;
	HDF *h = NULL;
	NEOERR *err;
	int older = 1;

	if (live_cursor_parse(web_param(r, "live"), &want) != 0)
		return 0;
	if ((err = hdf_init(&h)) != STATUS_OK) {
		nerr_ignore(&err);
		return 1;
	}
	view_restore(h, val, (size_t)len);
	if (live_cursor_parse(hdf_get_value(h, "Live.since", ""), &had) == 0)
		older = live_cursor_before(&had, &want);
	hdf_destroy(&h);
	return older;
}

int
page_home(struct req *r)
{
	char key[16] = "home";
	struct epochs now;
	struct buf snap;
	char *val;
	long len;
	int claimed;
	HDF *d = NULL;
	NEOERR *err;

	view_set(r->hdf, "Page.Title", "Portfolios");
	view_set_int(r->hdf, "Page.Live", 1);
	memcpy(key + 4, &r->user.id, sizeof(r->user.id));
	/* Before reading, see cache.h; the database's marks tell what
	 * other hosts changed. */
	epoch_now(&now);
	if (cache_marks(r->db, r->user.id, &now, r->user.currency) != 0)
		return web_db_error(r);
	/* One thread of the process makes a user's figures while the others
	 * asking for them wait: when the entry expires under load, or at
	 * the first request, they would all read and compute the same, and
	 * the first series update of each would write the same days. */
	len = cache_get_or_claim(web_page_cache(), key, sizeof(key), &now,
	    r->a, &val, &claimed, FILL_WAIT_MS);
	if (len >= 0 && !older_than_asked(r, val, len)) {
		view_restore(r->hdf, val, (size_t)len);
		return web_render(r, "home");
	}
	if ((err = hdf_init(&d)) != STATUS_OK) {
		nerr_ignore(&err);
		if (claimed)
			cache_unclaim(web_page_cache(), key, sizeof(key));
		return web_error(r, 500, NULL);
	}
	if (figures(r, d) != 0 || notices(r) != 0) {
		hdf_destroy(&d);
		if (claimed)
			cache_unclaim(web_page_cache(), key, sizeof(key));
		return web_db_error(r);
	}
	buf_init(&snap);
	view_snapshot(d, "", &snap);
	hdf_destroy(&d);
	cache_put(web_page_cache(), key, sizeof(key), &now, snap.data,
	    snap.len);
	view_restore(r->hdf, snap.data, snap.len);
	buf_free(&snap);
	return web_render(r, "home");
}
