/*
 * GET /portfolios/#/transactions - the ledger, newest first, filtered by
 * ?type=&symbol=&from=&to= and paged by ?page=N.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"
#include "web.h"

#define PER_PAGE 50

int
page_transactions(struct req *r)
{
	struct portfolio pf;
	struct tx_filter f;
	struct tx_line *txs;
	char key[32], from[11] = "", to[11] = "";
	long long total, page = atoll(web_param(r, "page")), pages;
	size_t n;
	int rc;

	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	view_set(r->hdf, "Page.Title", "Transactions");
	f.type = web_param(r, "type");
	f.symbol = web_param(r, "symbol");
	if (*f.type && tx_type_parse(f.type) < 0)
		f.type = "";
	if (*web_param(r, "from") &&
	    ledger_date(web_param(r, "from"), from) != NULL)
		web_field_error(r, "from", "Enter a date as YYYY-MM-DD.");
	if (*web_param(r, "to") && ledger_date(web_param(r, "to"), to) != NULL)
		web_field_error(r, "to", "Enter a date as YYYY-MM-DD.");
	f.from = from;
	f.to = to;
	view_set(r->hdf, "Filter.type", f.type);
	view_set(r->hdf, "Filter.symbol", f.symbol);
	view_set(r->hdf, "Filter.from", *from ? from : web_param(r, "from"));
	view_set(r->hdf, "Filter.to", *to ? to : web_param(r, "to"));
	for (int i = 0; i < TX__MAX; i++) {
		snprintf(key, sizeof(key), "Types.%d", i);
		view_set(r->hdf, key, tx_type_names[i]);
	}
	if (page < 1)
		page = 1;
	if (page > 1000000)
		return web_error(r, 404, "There is no such page of "
		    "transactions.");
	if (pf_tx_list(r->db, r->a, &pf, &f, (page - 1) * PER_PAGE, PER_PAGE,
	    &txs, &n, &total) != 0)
		return web_db_error(r);
	pages = (total + PER_PAGE - 1) / PER_PAGE;
	if (page > pages && pages > 0)
		return web_error(r, 404, "There is no such page of "
		    "transactions.");
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "Tx.%zu", i);
		put_tx(r, key, &txs[i].tx, txs[i].symbol, txs[i].note);
	}
	view_set_int(r->hdf, "Paging.total", total);
	view_set_int(r->hdf, "Paging.page", page);
	view_set_int(r->hdf, "Paging.pages", pages);
	if (page > 1)
		view_set_int(r->hdf, "Paging.prev", page - 1);
	if (page < pages)
		view_set_int(r->hdf, "Paging.next", page + 1);
	return web_render(r, "transactions");
}
