/*
 * POST /api/v1/portfolios/#/import - imports the body, all or nothing:
 * text/csv (any of the CSV formats) or application/json (Ghostfolio's
 * export).  Query: format= (else recognised), dry_run=1 (check and
 * answer the preview, write nothing), duplicates=skip|keep (required
 * when rows are already in the portfolio), opening_positions=
 * at_first_price, mapping= (a generic CSV's, as JSON: see
 * import_mapping_format; remembered for its header once imported).
 * A generic CSV's answer has its mapping, the words of its type column
 * and what each reads as; one that needs a mapping has its header and a
 * guess.
 *
 * Answers 200 with what was (or would be) written, the holdings and
 * cash after it and the portfolio; 422 with every refused line (line,
 * field, reason, text) and the unknown symbols with what the file says
 * about them; 409 when duplicates need a choice; 415 for another body.
 */
#include <string.h>
#include <time.h>

#include "import.h"
#include "web.h"

static json_object *
jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static json_object *
jdec(dec v)
{
	char buf[DEC_BUFSZ];

	return json_object_new_string(dec_format(v, -1, buf));
}

/* The rows whose rate is not of their own day: each with the rate
 * used and its day ("latest": none stored on or before it, the row
 * marked). */
static json_object *
rates(const struct import_result *res)
{
	json_object *o = json_object_new_array();

	for (size_t i = 0; i < res->nrates && i < IMPORT_MAX_ERRORS; i++) {
		const struct import_rate *x = &res->rates[i];
		json_object *l = json_object_new_object();

		json_object_object_add(l, "line",
		    json_object_new_int64((long long)x->line));
		json_object_object_add(l, "date", jstr(x->date));
		json_object_object_add(l, "from", jstr(x->from));
		json_object_object_add(l, "to", jstr(x->to));
		json_object_object_add(l, "fx_rate", jdec(x->rate));
		json_object_object_add(l, "rate_date", jstr(x->rate_day));
		json_object_object_add(l, "latest",
		    json_object_new_boolean(x->latest));
		json_object_array_add(o, l);
	}
	return o;
}

/* Lines of the file as [{line, field, reason, text}]: its problems, or
 * the rows skipped (the first IMPORT_MAX_ERRORS of n). */
static json_object *
line_list(const struct import_error *v, size_t n)
{
	json_object *o = json_object_new_array();

	for (size_t i = 0; i < n && i < IMPORT_MAX_ERRORS; i++) {
		json_object *l = json_object_new_object();

		json_object_object_add(l, "line",
		    json_object_new_int64((long long)v[i].line));
		json_object_object_add(l, "field", jstr(v[i].field));
		json_object_object_add(l, "reason", jstr(v[i].reason));
		json_object_object_add(l, "text", jstr(v[i].raw));
		json_object_array_add(o, l);
	}
	return o;
}

/* The opening positions the file needs: [{symbol, date, quantity,
 * first_price, recorded, cost}]. */
static json_object *
opening_list(const struct import_result *res)
{
	json_object *o = json_object_new_array();

	for (size_t i = 0; i < res->nopenings; i++) {
		const struct import_opening *x = &res->openings[i];
		json_object *l = json_object_new_object();

		json_object_object_add(l, "symbol", jstr(x->symbol));
		json_object_object_add(l, "date", jstr(x->date));
		json_object_object_add(l, "quantity", jdec(x->quantity));
		json_object_object_add(l, "first_price", *x->first_price ?
		    jstr(x->first_price) : NULL);
		json_object_object_add(l, "recorded",
		    json_object_new_boolean(x->recorded));
		json_object_object_add(l, "cost", x->recorded ?
		    json_money(x->cost, x->currency) : NULL);
		json_object_array_add(o, l);
	}
	return o;
}

/* A generic CSV's reading: the mapping (as the mapping= parameter takes
 * it), the saved one's id, the type column's words and what each is
 * read as, and whether the dates leave their order open; on o. */
static void
reading(struct arena *a, json_object *o, const struct import_result *res)
{
	json_object *w;

	if (res->mapping == NULL)
		return;
	json_object_object_add(o, "mapping", json_tokener_parse(
	    import_mapping_format(a, res->mapping)));
	if (res->mapping_id > 0)
		json_object_object_add(o, "mapping_id",
		    json_object_new_int64(res->mapping_id));
	w = json_object_new_array();
	for (size_t i = 0; i < res->nwords; i++) {
		json_object *x = json_object_new_object();

		json_object_object_add(x, "word", jstr(res->words[i].word));
		json_object_object_add(x, "type", res->words[i].type ?
		    jstr(res->words[i].type) : NULL);
		json_object_object_add(x, "rows",
		    json_object_new_int64((long long)res->words[i].rows));
		json_object_array_add(w, x);
	}
	json_object_object_add(o, "words", w);
	json_object_object_add(o, "dates_open",
	    json_object_new_boolean(res->dates_open));
}

/* What the import did or would do. */
static json_object *
summary(const struct portfolio *pf, const struct import_result *res,
    int dry_run)
{
	json_object *o = json_object_new_object(), *types, *h, *c;

	json_object_object_add(o, "dry_run", json_object_new_boolean(dry_run));
	json_object_object_add(o, "format",
	    jstr(import_format_names[res->format]));
	json_object_object_add(o, "rows",
	    json_object_new_int64((long long)res->rows));
	json_object_object_add(o, "imported",
	    json_object_new_int64(dry_run ? 0 : (long long)res->written));
	json_object_object_add(o, "to_import",
	    json_object_new_int64((long long)res->written));
	json_object_object_add(o, "duplicates",
	    json_object_new_int64((long long)res->duplicates));
	json_object_object_add(o, "rounded",
	    json_object_new_int64((long long)res->rounded));
	json_object_object_add(o, "skipped",
	    line_list(res->skipped, res->nskipped));
	json_object_object_add(o, "opening_positions", opening_list(res));
	json_object_object_add(o, "cash_tracking_off",
	    json_object_new_boolean(res->cash_off));
	types = json_object_new_object();
	for (int t = 0; t < TX__MAX; t++)
		if (res->per_type[t])
			json_object_object_add(types, tx_type_names[t],
			    json_object_new_int64((long long)res->per_type[t]));
	json_object_object_add(o, "per_type", types);
	h = json_object_new_array();
	for (size_t i = 0; i < res->nholdings; i++) {
		json_object *x = json_object_new_object();

		json_object_object_add(x, "symbol", jstr(res->holdings[i].symbol));
		json_object_object_add(x, "quantity",
		    jdec(res->holdings[i].quantity));
		json_object_object_add(x, "cost", json_money(
		    res->holdings[i].cost, pf->currency));
		json_object_array_add(h, x);
	}
	json_object_object_add(o, "holdings", h);
	c = json_object_new_array();
	for (size_t i = 0; i < res->ncash; i++) {
		json_object *x = json_object_new_object();

		json_object_object_add(x, "currency",
		    jstr(res->cash[i].currency));
		json_object_object_add(x, "balance", json_money(
		    res->cash[i].balance, res->cash[i].currency));
		json_object_array_add(c, x);
	}
	json_object_object_add(o, "cash", c);
	json_object_object_add(o, "rates", rates(res));
	return o;
}

/* The refusal: every bad line and every unknown symbol. */
static json_object *
refusal(struct arena *a, const struct import_result *res, int status)
{
	json_object *o = json_object_new_object(), *e = json_object_new_object();
	json_object *unknown = json_object_new_array();

	json_object_object_add(e, "status", json_object_new_int(status));
	json_object_object_add(e, "message", jstr(res->needs_mapping ?
	    "This CSV's columns are not nestegg's: send its mapping "
	    "(mapping=, as JSON; error.mapping is a guess), or choose them "
	    "once on the import page, and they are remembered." : res->message ?
	    res->message : "Nothing was imported: some lines need fixing."));
	for (size_t i = 0; i < res->nunknown; i++) {
		const struct import_unknown *u = &res->unknown[i];
		json_object *x = json_object_new_object();

		json_object_object_add(x, "symbol", jstr(u->symbol));
		json_object_object_add(x, "name", jstr(u->hint.name));
		json_object_object_add(x, "kind", jstr(u->hint.kind));
		json_object_object_add(x, "currency", jstr(u->hint.currency));
		json_object_object_add(x, "source", jstr(u->hint.source));
		json_object_object_add(x, "isin", jstr(u->hint.isin));
		json_object_object_add(x, "rows",
		    json_object_new_int64((long long)u->rows));
		json_object_array_add(unknown, x);
	}
	json_object_object_add(e, "errors",
	    json_object_new_int64((long long)res->nerrors));
	json_object_object_add(e, "lines", line_list(res->errors,
	    res->nerrors));
	json_object_object_add(e, "skipped", line_list(res->skipped,
	    res->nskipped));
	json_object_object_add(e, "opening_positions", opening_list(res));
	json_object_object_add(e, "unknown_symbols", unknown);
	json_object_object_add(e, "duplicates",
	    json_object_new_int64((long long)res->duplicates));
	if (res->needs_mapping && res->nheader > 0) {
		struct import_mapping m;
		json_object *h = json_object_new_array();

		for (size_t i = 0; i < res->nheader; i++)
			json_object_array_add(h, jstr(res->header[i]));
		json_object_object_add(e, "header", h);
		import_mapping_guess(res->header, res->nheader, 0, &m);
		json_object_object_add(e, "mapping", json_tokener_parse(
		    import_mapping_format(a, &m)));
	}
	reading(a, e, res);
	json_object_object_add(o, "error", e);
	return o;
}

int
page_api_import(struct req *r)
{
	struct portfolio pf;
	struct import_result res;
	struct import_opts o;
	struct fx_table fx;
	struct pf_view v;
	const char *fmt = web_param(r, "format");
	const char *open = web_param(r, "opening_positions");
	const char *dups = web_param(r, "duplicates");
	const char *mapping = web_param(r, "mapping");
	json_object *out;
	int rc, f = IF_AUTO;

	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	if (strcmp(r->media_type, "text/csv") != 0 &&
	    strcmp(r->media_type, "application/json") != 0 &&
	    strcmp(r->media_type, "text/plain") != 0)
		return web_json_error(r, 415, "Send a CSV file as text/csv, or "
		    "Ghostfolio's export as application/json.", NULL);
	memset(&o, 0, sizeof(o));
	if (*fmt && (f = import_format_parse(fmt)) < 0) {
		const char *names = "";

		for (int i = IF_AUTO + 1; i < IF__MAX; i++)
			names = arena_printf(r->a, "%s%s%s", names, *names ?
			    ", " : "", import_format_names[i]);
		return web_json_error(r, 422, arena_printf(r->a, "Unknown "
		    "format: use one of %s.", names), "format");
	}
	if (*open && strcmp(open, "at_first_price") != 0 &&
	    strcmp(open, "none") != 0)
		return web_json_error(r, 422, "opening_positions is "
		    "at_first_price or none.", "opening_positions");
	o.open = strcmp(open, "at_first_price") == 0 ? OPEN_AT_FIRST_PRICE :
	    OPEN_NONE;
	o.format = *fmt ? (enum import_format)f : IF_AUTO;
	if (*mapping) {
		struct import_mapping *m = arena_alloc(r->a, sizeof(*m));
		const char *why = import_mapping_parse(r->a, mapping, m);

		if (why != NULL)
			return web_json_error(r, 422, arena_printf(r->a,
			    "The mapping is not one: %s.", why), "mapping");
		if (*fmt && f != IF_GENERIC)
			return web_json_error(r, 422, "A mapping reads a CSV "
			    "of format generic.", "mapping");
		o.map = m;
		o.format = IF_GENERIC;
	}
	if (strcmp(r->media_type, "application/json") == 0 && !*fmt)
		o.format = IF_GHOSTFOLIO;
	o.dry_run = strcmp(web_param(r, "dry_run"), "1") == 0 ||
	    strcmp(web_param(r, "dry_run"), "true") == 0;
	if (*dups && strcmp(dups, "skip") != 0 && strcmp(dups, "keep") != 0)
		return web_json_error(r, 422, "duplicates is skip or keep.",
		    "duplicates");
	o.dups = strcmp(dups, "skip") == 0 ? DUP_SKIP :
	    strcmp(dups, "keep") == 0 ? DUP_KEEP : DUP_ASK;
	rc = import_run(r->db, r->a, &pf, r->body ? r->body : "",
	    r->body_len, &o, &res);
	if (rc < 0)
		return web_db_error(r);
	if (rc > 0 && res.needs_choice && res.nerrors == 0 &&
	    res.nunknown == 0) {
		out = refusal(r->a, &res, 409);
		json_object_object_add(json_object_object_get(out, "error"),
		    "message", jstr("Some rows are already in the portfolio: "
		    "send duplicates=skip to leave them out, or "
		    "duplicates=keep to import them again."));
		return web_json(r, 409, out);
	}
	if (rc > 0)
		return web_json(r, 422, refusal(r->a, &res, 422));
	/* A mapping sent is remembered for the header it read, once it
	 * imported. */
	if (o.map != NULL && !o.dry_run && import_mapping_save(r->db, r->a,
	    r->user.id, res.header, res.nheader, o.map) != 0)
		return web_db_error(r);
	out = summary(&pf, &res, o.dry_run);
	reading(r->a, out, &res);
	if (res.message)
		json_object_object_add(out, "message", jstr(res.message));
	/* Reload: the import changed the portfolio's own totals. */
	if (!o.dry_run && (pf_get(r->db, r->a, r->user.id, pf.id, &pf) != 1 ||
	    fx_load(r->db, r->a, &fx) != 0 ||
	    web_value(r, &pf, &fx, time(NULL), &v) != 0)) {
		json_object_put(out);
		return web_db_error(r);
	}
	if (!o.dry_run)
		json_object_object_add(out, "portfolio", json_view(&v));
	return web_json(r, 200, out);
}
