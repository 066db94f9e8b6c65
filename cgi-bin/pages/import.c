/*
 * GET /portfolios/#/import - the import form: a file, or pasted text,
 * and its format (recognised unless chosen); and the user's imports
 * waiting for their preview, each with its preview and a way to cancel
 * it; and the mappings the user saved for CSVs of other tools, each
 * with a way to delete it.
 * POST /portfolios/#/import - keeps the file as a draft and shows its
 * preview (/portfolios/#/import/#): nothing is written yet.  The same
 * file uploaded again is the same draft, moved to this portfolio.  A
 * file past the per-user limits (limit_drafts, limit_draft_bytes) is
 * refused next to the file field, and nothing is kept.
 */
#include <string.h>

#include "import.h"
#include "view.h"
#include "web.h"

/* The user's drafts, listed under the form; 0 or -1. */
static int
put_drafts(struct req *r)
{
	struct import_draft_info *v;
	size_t n;

	if (import_draft_list(r->db, r->a, r->user.id, &v, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *k = arena_printf(r->a, "Drafts.%zu", i);
		int f = import_format_parse(v[i].format);

		view_set(r->hdf, arena_printf(r->a, "%s.href", k),
		    arena_printf(r->a, "/portfolios/%lld/import/%lld",
		    v[i].portfolio_id, v[i].id));
		view_set(r->hdf, arena_printf(r->a, "%s.portfolio", k),
		    v[i].portfolio);
		view_set(r->hdf, arena_printf(r->a, "%s.format", k),
		    import_format_titles[f < 0 ? IF_AUTO : f]);
		view_set(r->hdf, arena_printf(r->a, "%s.size", k),
		    import_draft_size_text(r->a, v[i].bytes));
		view_set(r->hdf, arena_printf(r->a, "%s.created", k),
		    v[i].created);
	}
	if (r->cfg->limit_drafts > 0)
		view_set_int(r->hdf, "Limits.drafts", r->cfg->limit_drafts);
	if (r->cfg->limit_draft_bytes > 0)
		view_set(r->hdf, "Limits.bytes", import_draft_size_text(r->a,
		    r->cfg->limit_draft_bytes));
	return 0;
}

/* The user's saved mappings, listed under the form with what each
 * reads and a way to delete it; 0 or -1. */
static int
put_mappings(struct req *r, const struct portfolio *pf)
{
	struct import_saved *v;
	size_t n;

	if (import_mapping_list(r->db, r->a, r->user.id, &v, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *k = arena_printf(r->a, "Mappings.%zu", i);
		const char *cols = "", *reads = "";

		for (size_t c = 0; c < v[i].nheader; c++)
			cols = arena_printf(r->a, "%s%s%s", cols, c ? ", " : "",
			    v[i].header[c]);
		for (int f = 0; f < IM__MAX; f++) {
			int c = v[i].map.col[f];

			if (c >= 0 && (size_t)c < v[i].nheader)
				reads = arena_printf(r->a, "%s%s%s from %s",
				    reads, *reads ? "; " : "",
				    import_field_names[f], v[i].header[c]);
		}
		for (size_t w = 0; w < v[i].map.nwords; w++)
			reads = arena_printf(r->a, "%s%s\"%s\" as %s", reads,
			    *reads ? "; " : "", v[i].map.words[w].word,
			    v[i].map.words[w].type);
		if (v[i].map.skip_lines || v[i].map.footer_lines)
			reads = arena_printf(r->a, "%s; %d line(s) before the "
			    "header and %d at the end left out", reads,
			    v[i].map.skip_lines, v[i].map.footer_lines);
		view_set(r->hdf, arena_printf(r->a, "%s.columns", k), cols);
		view_set(r->hdf, arena_printf(r->a, "%s.reads", k), reads);
		view_set(r->hdf, arena_printf(r->a, "%s.updated", k),
		    v[i].updated);
		view_set(r->hdf, arena_printf(r->a, "%s.href", k),
		    arena_printf(r->a, "/portfolios/%lld/import/mappings/%lld",
		    pf->id, v[i].id));
	}
	return 0;
}

static int
form(struct req *r, const struct portfolio *pf, int status)
{
	char key[32];

	for (int i = 0; i < IF__MAX; i++) {
		snprintf(key, sizeof(key), "Formats.%d.name", i);
		view_set(r->hdf, key, import_format_names[i]);
		snprintf(key, sizeof(key), "Formats.%d.title", i);
		view_set(r->hdf, key, import_format_titles[i]);
	}
	if (put_drafts(r) != 0 || put_mappings(r, pf) != 0)
		return web_db_error(r);
	return web_render_status(r, status, "import");
}

int
page_import(struct req *r)
{
	struct portfolio pf;
	struct import_draft_use use;
	const char *text, *fmt = web_param(r, "format");
	long long id;
	size_t len;
	int rc, f = import_format_parse(*fmt ? fmt : "auto");

	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	view_set(r->hdf, "Page.Title", "Import transactions");
	view_set(r->hdf, "Form.format", f < 0 ? "auto" : fmt);
	if (r->method != M_POST)
		return form(r, &pf, 200);
	text = web_param(r, "file");
	if (*text == '\0')
		text = web_param(r, "text");
	if (f < 0) {
		web_field_error(r, "format", "Choose a format.");
		return form(r, &pf, 422);
	}
	if (*text == '\0') {
		web_field_error(r, "file", "Choose a file, or paste its text "
		    "below.");
		return form(r, &pf, 422);
	}
	if ((len = strlen(text)) > IMPORT_MAX_BYTES) {
		web_field_error(r, "file", "The file is too large: import at "
		    "most 16 MB at a time.");
		return form(r, &pf, 422);
	}
	if ((id = import_draft_save(r->db, &pf, (enum import_format)f, "",
	    text, len, r->cfg->limit_drafts, r->cfg->limit_draft_bytes,
	    &use)) < 0)
		return web_db_error(r);
	if (id == 0) {
		const char *why = import_draft_refusal(r->a,
		    r->cfg->limit_drafts, r->cfg->limit_draft_bytes, &use, len);

		web_field_error(r, "file", why ? why : "The file is too large.");
		return form(r, &pf, 422);
	}
	return web_redirect(r, arena_printf(r->a, "/portfolios/%lld/import/"
	    "%lld", pf.id, id));
}
