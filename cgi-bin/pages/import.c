/*
 * GET /portfolios/#/import - the import form: a file, or pasted text,
 * and its format (recognised unless chosen).
 * POST /portfolios/#/import - keeps the file as a draft and shows its
 * preview (/portfolios/#/import/#): nothing is written yet.
 */
#include <string.h>

#include "import.h"
#include "view.h"
#include "web.h"

static int
form(struct req *r, int status)
{
	char key[32];

	for (int i = 0; i < IF__MAX; i++) {
		snprintf(key, sizeof(key), "Formats.%d.name", i);
		view_set(r->hdf, key, import_format_names[i]);
		snprintf(key, sizeof(key), "Formats.%d.title", i);
		view_set(r->hdf, key, import_format_titles[i]);
	}
	return web_render_status(r, status, "import");
}

int
page_import(struct req *r)
{
	struct portfolio pf;
	const char *text, *fmt = web_param(r, "format");
	long long id;
	int rc, f = import_format_parse(*fmt ? fmt : "auto");

	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	view_set(r->hdf, "Page.Title", "Import transactions");
	view_set(r->hdf, "Form.format", f < 0 ? "auto" : fmt);
	if (r->method != M_POST)
		return form(r, 200);
	text = web_param(r, "file");
	if (*text == '\0')
		text = web_param(r, "text");
	if (f < 0) {
		web_field_error(r, "format", "Choose a format.");
		return form(r, 422);
	}
	if (*text == '\0') {
		web_field_error(r, "file", "Choose a file, or paste its text "
		    "below.");
		return form(r, 422);
	}
	if (strlen(text) > IMPORT_MAX_BYTES) {
		web_field_error(r, "file", "The file is too large: import at "
		    "most 16 MB at a time.");
		return form(r, 422);
	}
	if ((id = import_draft_save(r->db, &pf, (enum import_format)f, "",
	    text, strlen(text))) < 0)
		return web_db_error(r);
	return web_redirect(r, arena_printf(r->a, "/portfolios/%lld/import/"
	    "%lld", pf.id, id));
}
