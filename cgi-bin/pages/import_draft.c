/*
 * GET /portfolios/#/import/# - the preview of an uploaded file: what it
 * will write (rows per type, the holdings and cash after it), or every
 * refused line with its field and reason, the unknown symbols (each
 * linked to a pre-filled form, or all created at once), the columns to
 * choose for a CSV that is not nestegg's (its mapping: columns, each
 * type word's meaning, number and date styles, lines left out, with
 * its first rows as they read), and the choice for rows already in the
 * portfolio.  ?change=1 shows the mapping saved for the file, to change.
 * POST with action=
 *   import   writes it all in one transaction (duplicates=skip|keep)
 *   create   creates the unknown symbols as the file describes them
 *   preview  shows the file as the mapping chosen reads it
 *   columns  remembers the mapping chosen for this header
 *   cancel   forgets the draft, freeing its place under the limits
 * then shows the preview again, the portfolio once written, or the
 * import form once cancelled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "view.h"
#include "web.h"

static void
put_hint(struct req *r, const char *key, const struct import_unknown *u,
    const char *back, const char *base)
{
	const char *cur = *u->hint.currency ? u->hint.currency : base;
	const char *kind = *u->hint.kind ? u->hint.kind : "stock";
	const char *src = *u->hint.source ? u->hint.source : "yahoo";

	view_set(r->hdf, arena_printf(r->a, "%s.symbol", key), u->symbol);
	view_set(r->hdf, arena_printf(r->a, "%s.name", key),
	    *u->hint.name ? u->hint.name : u->symbol);
	view_set(r->hdf, arena_printf(r->a, "%s.kind", key), kind);
	view_set(r->hdf, arena_printf(r->a, "%s.currency", key), cur);
	view_set(r->hdf, arena_printf(r->a, "%s.source", key), src);
	view_set_int(r->hdf, arena_printf(r->a, "%s.rows", key),
	    (long long)u->rows);
	/* The pre-filled form, which comes back here once saved. */
	view_set(r->hdf, arena_printf(r->a, "%s.href", key), arena_printf(r->a,
	    "/instruments/new?symbol=%s&name=%s&kind=%s&currency=%s&source=%s"
	    "&source_symbol=%s&isin=%s&back=%s",
	    http_escape_url(r->a, u->symbol),
	    http_escape_url(r->a, *u->hint.name ? u->hint.name : u->symbol),
	    kind, http_escape_url(r->a, cur), src,
	    http_escape_url(r->a, *u->hint.source_symbol ?
	    u->hint.source_symbol : u->symbol),
	    http_escape_url(r->a, u->hint.isin), http_escape_url(r->a, back)));
}

/* Creates every unknown symbol as the file describes it; returns how
 * many could not be (their reasons in Import.create), or -1. */
static int
create_all(struct req *r, const struct portfolio *pf,
    const struct import_result *res)
{
	int failed = 0;

	for (size_t i = 0; i < res->nunknown; i++) {
		const struct import_unknown *u = &res->unknown[i];
		struct instrument in;
		const char *why, *field;
		long long id;
		int what = 0;

		memset(&in, 0, sizeof(in));
		in.symbol = arena_strdup(r->a, u->symbol);
		in.name = *u->hint.name ? u->hint.name : u->symbol;
		in.kind = *u->hint.kind ? u->hint.kind : "stock";
		snprintf(in.currency, sizeof(in.currency), "%s",
		    *u->hint.currency ? u->hint.currency : pf->currency);
		in.isin = u->hint.isin;
		in.source = *u->hint.source ? u->hint.source : "yahoo";
		in.source_symbol = arena_strdup(r->a, *u->hint.source_symbol ?
		    u->hint.source_symbol : u->symbol);
		if (in.isin && strlen(in.isin) != 12)
			in.isin = "";
		if ((why = inst_check(&in, &field)) == NULL &&
		    (what = inst_add(r->db, r->user.id, r->user.admin, &in,
		    &id)) < 0)
			return -1;
		/* Past a limit: said like any other refusal. */
		if (why == NULL)
			why = inst_limit_message(r->a, r->cfg, what, &field);
		/* Priced by hand: at the file's latest price for it. */
		if (why == NULL && strcmp(in.source, "manual") == 0 &&
		    *u->hint.price && price_set(r->db, id, u->hint.price,
		    u->hint.date, "manual") != 0)
			return -1;
		if (why != NULL) {
			view_set(r->hdf, arena_printf(r->a, "Import.create.%zu",
			    i), arena_printf(r->a, "%s: %s (%s)", u->symbol,
			    why, field));
			failed++;
		}
	}
	return failed;
}

/* A line count of the form's: 0 to IMPORT_MAX_SKIP. */
static int
form_lines(struct req *r, const char *name)
{
	int n = atoi(web_param(r, name));

	return n < 0 ? 0 : n > IMPORT_MAX_SKIP ? IMPORT_MAX_SKIP : n;
}

/* The mapping the form chose, for a header of nheader columns: the
 * column of each field, how numbers and dates are written, the type of
 * every row, the lines left out, and each type word's choice (word_N,
 * type_N; "" is no choice).  A column past the header's end reads
 * nothing. */
static void
form_mapping(struct req *r, struct import_mapping *m)
{
	const char *style = web_param(r, "style");
	const char *dates = web_param(r, "dates");
	size_t n = 0;

	import_mapping_init(m);
	for (int i = 0; i < IM__MAX; i++) {
		const char *v = web_param(r, import_field_names[i]);

		m->col[i] = *v ? atoi(v) : -1;
		if (m->col[i] < -1 || m->col[i] > 200)
			m->col[i] = -1;
	}
	m->style = strcmp(style, "comma") == 0 ? NUM_COMMA :
	    strcmp(style, "point") == 0 ? NUM_POINT : NUM_PLAIN;
	m->dates = strcmp(dates, "dmy") == 0 ? DATES_DMY :
	    strcmp(dates, "mdy") == 0 ? DATES_MDY : DATES_AS_WRITTEN;
	m->type = tx_type_parse(web_param(r, "every")) >= 0 ?
	    web_param(r, "every") : "";
	m->skip_lines = form_lines(r, "skip_lines");
	m->footer_lines = form_lines(r, "footer_lines");
	m->words = arena_alloc(r->a, IMPORT_MAX_WORDS * sizeof(*m->words));
	for (size_t i = 0; i < IMPORT_MAX_WORDS; i++) {
		const char *w = web_param(r, arena_printf(r->a, "word_%zu", i));
		const char *t = web_param(r, arena_printf(r->a, "type_%zu", i));

		if (*w == '\0')
			break;
		if (strlen(w) > 100 || (strcmp(t, "skip") != 0 &&
		    tx_type_parse(t) < 0))
			continue;
		m->words[n].word = w;
		m->words[n].type = t;
		n++;
	}
	m->nwords = n;
}

/* The mapping's choices, for the form to show them. */
static void
put_mapping(struct req *r, const struct import_mapping *m)
{
	for (int i = 0; i < IM__MAX; i++)
		if (m->col[i] >= 0)
			view_set_int(r->hdf, arena_printf(r->a, "Import.map.%s",
			    import_field_names[i]), m->col[i]);
	view_set(r->hdf, "Import.map.style", m->style == NUM_COMMA ? "comma" :
	    m->style == NUM_POINT ? "point" : "plain");
	view_set(r->hdf, "Import.map.dates", import_dates_names[m->dates]);
	view_set(r->hdf, "Import.map.every", m->type ? m->type : "");
	view_set_int(r->hdf, "Import.map.skip_lines", m->skip_lines);
	view_set_int(r->hdf, "Import.map.footer_lines", m->footer_lines);
}

/* What the file reads as through m: its columns, its type words with
 * the type each is read as, whether its dates leave their order open,
 * its first rows as read, and the problems. */
static void
put_reading(struct req *r, const struct import_result *res)
{
	static const char *const show[] = { "date", "type", "symbol",
	    "quantity", "price", "fee", "amount", "currency" };

	for (size_t i = 0; i < res->nheader; i++)
		view_set(r->hdf, arena_printf(r->a, "Import.columns.%zu", i),
		    res->header[i]);
	for (size_t i = 0; i < res->nwords; i++) {
		const char *k = arena_printf(r->a, "Import.words.%zu", i);

		view_set(r->hdf, arena_printf(r->a, "%s.word", k),
		    res->words[i].word);
		view_set(r->hdf, arena_printf(r->a, "%s.type", k),
		    res->words[i].type ? res->words[i].type : "");
		view_set_int(r->hdf, arena_printf(r->a, "%s.rows", k),
		    (long long)res->words[i].rows);
	}
	view_set_int(r->hdf, "Import.allwords", (long long)res->allwords);
	for (size_t i = 0; i < res->nerrors && i < 20; i++) {
		const char *k = arena_printf(r->a, "Import.map_errors.%zu", i);

		view_set_int(r->hdf, arena_printf(r->a, "%s.line", k),
		    (long long)res->errors[i].line);
		view_set(r->hdf, arena_printf(r->a, "%s.field", k),
		    res->errors[i].field);
		view_set(r->hdf, arena_printf(r->a, "%s.reason", k),
		    res->errors[i].reason);
	}
	view_set_int(r->hdf, "Import.dates_open", res->dates_open);
	for (size_t i = 0; i < sizeof(show) / sizeof(show[0]); i++)
		view_set(r->hdf, arena_printf(r->a, "Import.shown.%zu", i),
		    show[i]);
	for (size_t i = 0; i < res->nsample; i++) {
		const struct import_row *x = &res->sample[i];
		const char *k = arena_printf(r->a, "Import.sample.%zu", i);
		const char *v[] = { x->t.date, x->t.type, x->t.symbol,
		    x->t.quantity, x->t.price, x->t.fee, x->t.amount,
		    x->t.currency };

		view_set_int(r->hdf, arena_printf(r->a, "%s.line", k),
		    (long long)x->line);
		for (size_t j = 0; j < sizeof(v) / sizeof(v[0]); j++)
			view_set(r->hdf, arena_printf(r->a, "%s.%s", k,
			    show[j]), v[j] ? v[j] : "");
		view_set(r->hdf, arena_printf(r->a, "%s.skip", k),
		    x->skip ? x->skip : "");
	}
}

/* The header of the draft as m reads it (the lines m leaves out
 * left out), into *h and *n; the file alone is read, nothing looked up.
 * None (*n 0) when the file is not read so far. */
static void
mapped_header(struct req *r, const struct import_draft *dr,
    const struct import_mapping *m, char ***h, size_t *n)
{
	struct import_file f;

	import_read(r->a, dr->text, dr->len, IF_GENERIC, m, &f);
	*h = f.header;
	*n = f.nheader;
}

/* The header moved (other lines before it left out): m's columns are
 * guessed again from the header m reads. */
static void
guess_columns(struct req *r, const struct import_draft *dr,
    struct import_mapping *m)
{
	struct import_mapping g;
	char **h;
	size_t n;

	mapped_header(r, dr, m, &h, &n);
	if (n == 0)
		return;
	import_mapping_guess(h, n, 0, &g);
	memcpy(m->col, g.col, sizeof(m->col));
}

/* The mapping form: m's choices, and the file as m reads it (a dry run
 * of m); 0, or -1 on a database error. */
static int
mapping_form(struct req *r, const struct portfolio *pf,
    const struct import_draft *dr, const struct import_mapping *m,
    const struct import_result *first)
{
	struct import_opts o;
	struct import_result res;

	memset(&o, 0, sizeof(o));
	o.format = IF_GENERIC;
	o.dry_run = 1;
	o.dups = DUP_SKIP;
	o.map = m;
	if (import_run(r->db, r->a, pf, dr->text, dr->len, &o, &res) < 0)
		return -1;
	if (res.nheader == 0)
		res.header = first->header, res.nheader = first->nheader;
	view_set_int(r->hdf, "Import.mapping", 1);
	put_mapping(r, m);
	put_reading(r, &res);
	if (res.message && res.nsample == 0)
		view_set(r->hdf, "Import.map_problem", res.message);
	for (int i = 0; i < IM__MAX; i++)
		view_set(r->hdf, arena_printf(r->a, "Import.fields.%d", i),
		    import_field_names[i]);
	return 0;
}

static void
put_result(struct req *r, const struct portfolio *pf,
    const struct import_result *res, const char *back)
{
	char key[64];

	view_set(r->hdf, "Import.format", import_format_titles[res->format]);
	view_set_int(r->hdf, "Import.rows", (long long)res->rows);
	view_set_int(r->hdf, "Import.written", (long long)res->written);
	view_set_int(r->hdf, "Import.duplicates", (long long)res->duplicates);
	view_set_int(r->hdf, "Import.rounded", (long long)res->rounded);
	view_set_int(r->hdf, "Import.cash_off", res->cash_off);
	view_set_int(r->hdf, "Import.needs_choice", res->needs_choice);
	view_set_int(r->hdf, "Import.needs_mapping", res->needs_mapping);
	view_set_int(r->hdf, "Import.nerrors", (long long)res->nerrors);
	if (res->message)
		view_set(r->hdf, "Import.message", res->message);
	for (int t = 0; t < TX__MAX; t++) {
		if (res->per_type[t] == 0)
			continue;
		snprintf(key, sizeof(key), "Import.types.%d.type", t);
		view_set(r->hdf, key, tx_type_names[t]);
		snprintf(key, sizeof(key), "Import.types.%d.rows", t);
		view_set_int(r->hdf, key, (long long)res->per_type[t]);
	}
	for (size_t i = 0; i < res->nerrors && i < IMPORT_MAX_ERRORS; i++) {
		const struct import_error *e = &res->errors[i];

		snprintf(key, sizeof(key), "Import.errors.%zu", i);
		view_set_int(r->hdf, arena_printf(r->a, "%s.line", key),
		    (long long)e->line);
		view_set(r->hdf, arena_printf(r->a, "%s.field", key), e->field);
		view_set(r->hdf, arena_printf(r->a, "%s.reason", key),
		    e->reason);
		view_set(r->hdf, arena_printf(r->a, "%s.text", key), e->raw);
	}
	for (size_t i = 0; i < res->nopenings; i++) {
		const struct import_opening *x = &res->openings[i];

		snprintf(key, sizeof(key), "Import.openings.%zu", i);
		view_set(r->hdf, arena_printf(r->a, "%s.symbol", key),
		    x->symbol);
		view_set(r->hdf, arena_printf(r->a, "%s.date", key), x->date);
		put_dec(r->hdf, arena_printf(r->a, "%s.quantity", key),
		    x->quantity);
		view_set(r->hdf, arena_printf(r->a, "%s.first_price", key),
		    x->first_price);
		view_set(r->hdf, arena_printf(r->a, "%s.currency", key),
		    x->currency);
		view_set_int(r->hdf, arena_printf(r->a, "%s.recorded", key),
		    x->recorded);
		if (x->recorded)
			put_money(r->hdf, arena_printf(r->a, "%s.cost", key),
			    x->cost, x->currency);
	}
	view_set_int(r->hdf, "Import.nskipped", (long long)res->nskipped);
	for (size_t i = 0; i < res->nskipped && i < IMPORT_MAX_ERRORS; i++) {
		const struct import_error *e = &res->skipped[i];

		snprintf(key, sizeof(key), "Import.skipped.%zu", i);
		view_set_int(r->hdf, arena_printf(r->a, "%s.line", key),
		    (long long)e->line);
		view_set(r->hdf, arena_printf(r->a, "%s.reason", key),
		    e->reason);
		view_set(r->hdf, arena_printf(r->a, "%s.text", key), e->raw);
	}
	view_set_int(r->hdf, "Import.nrates", (long long)res->nrates);
	view_set_int(r->hdf, "Import.nlatest", (long long)res->nlatest);
	for (size_t i = 0; i < res->nrates && i < IMPORT_MAX_ERRORS; i++) {
		const struct import_rate *x = &res->rates[i];

		snprintf(key, sizeof(key), "Import.rates.%zu", i);
		view_set_int(r->hdf, arena_printf(r->a, "%s.line", key),
		    (long long)x->line);
		view_set(r->hdf, arena_printf(r->a, "%s.date", key), x->date);
		view_set(r->hdf, arena_printf(r->a, "%s.from", key), x->from);
		view_set(r->hdf, arena_printf(r->a, "%s.to", key), x->to);
		put_dec(r->hdf, arena_printf(r->a, "%s.rate", key), x->rate);
		view_set(r->hdf, arena_printf(r->a, "%s.rate_date", key),
		    x->rate_day);
		view_set_int(r->hdf, arena_printf(r->a, "%s.latest", key),
		    x->latest);
	}
	for (size_t i = 0; i < res->nunknown; i++) {
		snprintf(key, sizeof(key), "Import.unknown.%zu", i);
		put_hint(r, key, &res->unknown[i], back, pf->currency);
	}
	for (size_t i = 0; i < res->nholdings; i++) {
		snprintf(key, sizeof(key), "Import.holdings.%zu", i);
		view_set(r->hdf, arena_printf(r->a, "%s.symbol", key),
		    res->holdings[i].symbol);
		put_dec(r->hdf, arena_printf(r->a, "%s.quantity", key),
		    res->holdings[i].quantity);
		put_money(r->hdf, arena_printf(r->a, "%s.cost", key),
		    res->holdings[i].cost, pf->currency);
	}
	for (size_t i = 0; i < res->ncash; i++) {
		snprintf(key, sizeof(key), "Import.cash.%zu", i);
		put_money(r->hdf, arena_printf(r->a, "%s.balance", key),
		    res->cash[i].balance, res->cash[i].currency);
		view_set(r->hdf, arena_printf(r->a, "%s.currency", key),
		    res->cash[i].currency);
	}
	if (res->mapping_id > 0)
		view_set_int(r->hdf, "Import.mapping_id", res->mapping_id);
	for (int i = 0; i < TX__MAX; i++) {
		snprintf(key, sizeof(key), "Types.%d", i);
		view_set(r->hdf, key, tx_type_names[i]);
	}
}

/* The opening positions chosen: "opening" is at_first_price, or
 * at_cost with the costs in opening_cost_0, opening_cost_1, ... in the
 * order the preview lists them. */
static void
opening_choice(struct req *r, struct import_opts *o)
{
	const char *open = web_param(r, "opening");
	const char **costs;
	size_t n = 0;

	if (strcmp(open, "at_first_price") == 0)
		o->open = OPEN_AT_FIRST_PRICE;
	else if (strcmp(open, "at_cost") == 0) {
		o->open = OPEN_AT_COST;
		costs = arena_alloc(r->a, IMPORT_MAX_ERRORS * sizeof(*costs));
		while (n < IMPORT_MAX_ERRORS) {
			const char *c = web_param(r, arena_printf(r->a,
			    "opening_cost_%zu", n));

			if (*c == '\0')
				break;
			costs[n++] = c;
		}
		o->open_costs = costs;
		o->nopen_costs = n;
	} else
		return;
	view_set(r->hdf, "Import.opening", open);
	for (size_t i = 0; i < o->nopen_costs; i++)
		view_set(r->hdf, arena_printf(r->a, "Import.opening_costs.%zu",
		    i), o->open_costs[i]);
}

int
page_import_draft(struct req *r)
{
	struct portfolio pf;
	struct import_draft dr;
	struct import_result res;
	struct import_opts o;
	const char *action = web_param(r, "action");
	const char *dups = web_param(r, "duplicates");
	char *back;
	int rc, cancel = r->method == M_POST && strcmp(action, "cancel") == 0;

	if ((rc = web_portfolio(r, &pf)) != 0)
		return rc;
	/* Cancelling needs no preview, nor the body uncompressed. */
	rc = cancel ? import_draft_delete(r->db, &pf, r->ids[1]) :
	    import_draft_load(r->db, r->a, &pf, r->ids[1], &dr);
	if (rc < 0)
		return web_db_error(r);
	if (rc == 0)
		return web_error(r, 404, "This import is over, or was never "
		    "started: upload the file again.");
	if (cancel)
		return web_redirect(r, arena_printf(r->a,
		    "/portfolios/%lld/import", pf.id));
	back = arena_printf(r->a, "/portfolios/%lld/import/%lld", pf.id, dr.id);
	view_set(r->hdf, "Page.Title", "Import: preview");
	view_set(r->hdf, "Import.href", back);
	memset(&o, 0, sizeof(o));
	o.format = dr.format;
	o.dry_run = 1;
	o.dups = DUP_ASK;
	opening_choice(r, &o);
	if (r->method == M_POST && strcmp(action, "import") == 0) {
		o.dry_run = 0;
		o.dups = strcmp(dups, "keep") == 0 ? DUP_KEEP :
		    strcmp(dups, "skip") == 0 ? DUP_SKIP : DUP_ASK;
	}
	rc = import_run(r->db, r->a, &pf, dr.text, dr.len, &o, &res);
	if (rc < 0)
		return web_db_error(r);
	if (r->method == M_POST && strcmp(action, "import") == 0 && rc == 0) {
		if (import_draft_delete(r->db, &pf, dr.id) < 0)
			return web_db_error(r);
		return web_redirect(r, arena_printf(r->a, "/portfolios/%lld?"
		    "imported=%zu&instruments=%zu%s", pf.id, res.written,
		    res.nholdings, res.cash_off ? "&cash=off" : ""));
	}
	if (r->method == M_POST && strcmp(action, "create") == 0 &&
	    res.nunknown > 0) {
		int failed = create_all(r, &pf, &res);

		if (failed < 0)
			return web_db_error(r);
		if (failed == 0)
			return web_redirect(r, back);
	}
	/* A generic CSV's mapping: chosen (needs_mapping), tried on the
	 * file (preview), remembered (columns), or changed (change=1). */
	if (res.needs_mapping || (res.mapping_id > 0 &&
	    (strcmp(web_param(r, "change"), "1") == 0 ||
	    strcmp(action, "preview") == 0 || strcmp(action, "columns") == 0))) {
		struct import_mapping m;
		int chosen = r->method == M_POST &&
		    (strcmp(action, "preview") == 0 ||
		    strcmp(action, "columns") == 0);

		if (chosen) {
			form_mapping(r, &m);
			if (m.skip_lines != atoi(web_param(r, "read_lines")))
				guess_columns(r, &dr, &m);
		} else if (res.mapping_id > 0)
			m = *res.mapping;
		else
			import_mapping_guess(res.header, res.nheader, 0, &m);
		if (chosen && strcmp(action, "columns") == 0) {
			if (m.col[IM_DATE] < 0 || (m.col[IM_TYPE] < 0 &&
			    *m.type == '\0'))
				web_field_error(r, "columns", "Choose at least "
				    "the date column, and the type column or "
				    "a type for every row.");
			else {
				/* Remembered for the header it reads. */
				char **h;
				size_t n;

				mapped_header(r, &dr, &m, &h, &n);
				if (n == 0)
					h = res.header, n = res.nheader;
				if (import_mapping_save(r->db, r->a, r->user.id,
				    h, n, &m) != 0)
					return web_db_error(r);
				return web_redirect(r, back);
			}
		}
		if (mapping_form(r, &pf, &dr, &m, &res) != 0)
			return web_db_error(r);
		res.needs_mapping = 1;
	}
	put_result(r, &pf, &res, back);
	return web_render_status(r, rc == 0 || res.needs_mapping ||
	    (res.needs_choice && res.nerrors == 0) ? 200 : 422,
	    "import_draft");
}
