/*
 * GET /portfolios/#/import - the import form: a CSV file, or pasted text.
 * POST /portfolios/#/import - imports all lines or none; a rejected file
 * lists every bad line with the reason, and the unknown symbols.
 */
#include <stdio.h>
#include <string.h>

#include "import.h"
#include "view.h"
#include "web.h"

int
page_import(struct req *r)
{
	struct portfolio pf;
	struct import_result res;
	struct fx_table fx;
	const char *text;
	char key[64];
	int rc;

	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	view_set(r->hdf, "Page.Title", "Import transactions");
	if (r->method != M_POST)
		return web_render(r, "import");
	text = web_param(r, "file");
	if (*text == '\0')
		text = web_param(r, "text");
	if (*text == '\0') {
		web_field_error(r, "file", "Choose a CSV file, or paste its "
		    "text below.");
		return web_render_status(r, 422, "import");
	}
	if (fx_load(r->db, r->a, &fx) != 0)
		return web_db_error(r);
	rc = import_csv(r->db, r->a, &pf, &fx, text, strlen(text), &res);
	if (rc < 0)
		return web_db_error(r);
	if (rc > 0) {
		view_set_int(r->hdf, "Import.nerrors", (long long)res.nerrors);
		for (size_t i = 0; i < res.nerrors && i < IMPORT_MAX_ERRORS;
		    i++) {
			snprintf(key, sizeof(key), "Import.errors.%zu.line", i);
			view_set_int(r->hdf, key, (long long)res.errors[i].line);
			snprintf(key, sizeof(key), "Import.errors.%zu.reason", i);
			view_set(r->hdf, key, res.errors[i].reason);
		}
		for (size_t i = 0; i < res.nunknown; i++) {
			snprintf(key, sizeof(key), "Import.unknown.%zu", i);
			view_set(r->hdf, key, res.unknown[i]);
		}
		if (strcmp(text, web_param(r, "text")) == 0)
			view_set(r->hdf, "Form.text", text);
		return web_render_status(r, 422, "import");
	}
	return web_redirect(r, arena_printf(r->a, "/portfolios/%lld?imported="
	    "%zu", pf.id, res.imported));
}
