/*
 * routes.c - the routing table: every address nestegg answers.
 *
 * Checked in order; the first row whose pattern matches the path and
 * whose methods include the request's wins.  A path that matches only
 * with other methods is a 405.  Every non-GET request must carry the
 * CSRF token (checked by the dispatcher, whatever the flags say).
 * A new page is one file in pages/ and one row here.
 */
#include "web.h"

#define PAGE(name) int page_##name(struct req *)
PAGE(account);
PAGE(admin);
PAGE(api_import);
PAGE(api_performance);
PAGE(api_instrument);
PAGE(api_instruments);
PAGE(api_mappings);
PAGE(api_portfolio);
PAGE(api_portfolios);
PAGE(export_csv);
PAGE(export_json);
PAGE(gains);
PAGE(healthz);
PAGE(home);
PAGE(import);
PAGE(import_draft);
PAGE(import_mapping);
PAGE(instrument);
PAGE(instrument_new);
PAGE(instrument_remove);
PAGE(instruments);
PAGE(login);
PAGE(logout);
PAGE(metrics);
PAGE(portfolio);
PAGE(portfolio_delete);
PAGE(portfolio_edit);
PAGE(portfolio_new);
PAGE(performance);
PAGE(register);
PAGE(transactions);
PAGE(tx_delete);
PAGE(tx_form);
#undef PAGE

const struct route routes[] = {
	/* pattern	methods			flags		handler */
	{ "/",		M_GET,			R_LOGIN,	page_home },
	{ "/login",	M_GET | M_POST,		0,		page_login },
	{ "/register",	M_GET | M_POST,		0,		page_register },
	{ "/account",	M_GET | M_POST,		R_LOGIN,	page_account },
	{ "/logout",	M_POST,			0,		page_logout },
	{ "/export.json", M_GET,		R_LOGIN,	page_export_json },
	{ "/admin",	M_GET,			R_LOGIN | R_ADMIN, page_admin },
	{ "/healthz",	M_GET,			R_LOCAL | R_API, page_healthz },
	{ "/metrics",	M_GET,			R_LOCAL,	page_metrics },

	{ "/portfolios/new", M_GET | M_POST,	R_LOGIN,	page_portfolio_new },
	{ "/portfolios/#", M_GET,		R_LOGIN,	page_portfolio },
	{ "/portfolios/#/edit", M_GET | M_POST,	R_LOGIN,	page_portfolio_edit },
	{ "/portfolios/#/delete", M_GET | M_POST, R_LOGIN,	page_portfolio_delete },
	{ "/portfolios/#/performance", M_GET,	R_LOGIN,	page_performance },
	{ "/portfolios/#/gains", M_GET,		R_LOGIN,	page_gains },
	{ "/portfolios/#/gains.csv", M_GET,	R_LOGIN,	page_gains },
	{ "/portfolios/#/transactions", M_GET,	R_LOGIN,	page_transactions },
	{ "/portfolios/#/transactions/new", M_GET | M_POST, R_LOGIN, page_tx_form },
	{ "/portfolios/#/transactions/#/edit", M_GET | M_POST, R_LOGIN,
							page_tx_form },
	{ "/portfolios/#/transactions/#/delete", M_GET | M_POST, R_LOGIN,
							page_tx_delete },
	{ "/portfolios/#/import", M_GET | M_POST, R_LOGIN,	page_import },
	{ "/portfolios/#/import/#", M_GET | M_POST, R_LOGIN,	page_import_draft },
	{ "/portfolios/#/import/mappings/#", M_POST, R_LOGIN,	page_import_mapping },
	{ "/portfolios/#/export.csv", M_GET,	R_LOGIN,	page_export_csv },

	{ "/instruments", M_GET,		R_LOGIN,	page_instruments },
	{ "/instruments/new", M_GET | M_POST,	R_LOGIN,	page_instrument_new },
	{ "/instruments/#", M_GET | M_POST,	R_LOGIN,	page_instrument },
	{ "/instruments/#/remove", M_POST,	R_LOGIN,	page_instrument_remove },

	{ "/api/v1/portfolios", M_GET | M_POST,	R_LOGIN | R_API, page_api_portfolios },
	{ "/api/v1/portfolios/#", M_GET,	R_LOGIN | R_API, page_api_portfolio },
	{ "/api/v1/portfolios/#/import", M_POST, R_LOGIN | R_API, page_api_import },
	{ "/api/v1/portfolios/#/performance", M_GET, R_LOGIN | R_API,
							page_api_performance },
	{ "/api/v1/instruments", M_POST,	R_LOGIN | R_API, page_api_instruments },
	{ "/api/v1/instruments/#", M_GET | M_DELETE, R_LOGIN | R_API,
							page_api_instrument },
	{ "/api/v1/performance", M_GET,		R_LOGIN | R_API, page_api_performance },
	{ "/api/v1/import/mappings", M_GET,	R_LOGIN | R_API, page_api_mappings },
	{ "/api/v1/import/mappings/#", M_GET | M_DELETE, R_LOGIN | R_API,
							page_api_mappings },
};

const size_t routes_len = sizeof(routes) / sizeof(routes[0]);
