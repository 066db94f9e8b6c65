/*
 * GET /api/v1/portfolios/# - one portfolio: totals (value = holdings_value
 * + cash, cost, unrealized, realized, income, fees, day_change), holdings
 * and cash.  Amounts are decimal strings in the base currency; a
 * holding without a price has null value, never 0.
 */
#include <time.h>

#include "web.h"

int
page_api_portfolio(struct req *r)
{
	struct portfolio pf;
	struct pf_view v;
	struct fx_table fx;
	int rc;

	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	if (fx_load(r->db, r->a, &fx) != 0 ||
	    web_value(r, &pf, &fx, time(NULL), &v) != 0)
		return web_db_error(r);
	return web_json(r, 200, json_view(&v));
}
