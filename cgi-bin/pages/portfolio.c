/*
 * GET /portfolios/# - one portfolio: totals, the holdings table (sorted
 * by ?sort=KEY&dir=asc|desc), cash, allocation charts and the latest
 * transactions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "view.h"
#include "web.h"

#define RECENT 10

int
page_portfolio(struct req *r)
{
	struct portfolio pf;
	struct pf_view v;
	struct fx_table fx;
	struct tx_filter all = { "", "", "", "" };
	struct tx_line *txs;
	size_t n;
	char key[32];
	int rc;

	/* The live cursor first: nothing the page reads can be older. */
	if (put_live_since(r, r->hdf) != 0)
		return web_db_error(r);
	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	if (fx_load(r->db, r->a, &fx) != 0 ||
	    web_value(r, &pf, &fx, time(NULL), &v) != 0 ||
	    pf_tx_list(r->db, r->a, &pf, &all, 0, RECENT, &txs, &n, NULL) != 0)
		return web_db_error(r);
	view_set(r->hdf, "Page.Title", pf.name);
	view_set_int(r->hdf, "Page.Live", 1);
	put_view(r, &v, web_param(r, "sort"), web_param(r, "dir"));
	put_computed(r->hdf, time(NULL));
	/* After an import: what it wrote (digits only). */
	if (strspn(web_param(r, "imported"), "0123456789") ==
	    strlen(web_param(r, "imported")) && *web_param(r, "imported")) {
		view_set(r->hdf, "Query.imported", web_param(r, "imported"));
		view_set(r->hdf, "Query.cash", strcmp(web_param(r, "cash"),
		    "off") == 0 ? "off" : "");
		view_set_int(r->hdf, "Query.instruments",
		    atoll(web_param(r, "instruments")));
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "Tx.%zu", i);
		put_tx(r, key, &txs[i].tx, txs[i].symbol, txs[i].note);
	}
	return web_render(r, "portfolio");
}
