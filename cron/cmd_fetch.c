/*
 * cmd_fetch.c - nestegg fetch: the latest price of every instrument that
 * someone holds (and of those added in the last day) and the exchange
 * rates of every currency in use, from their sources, all at once,
 * each source within its own deadline and every user's own addresses
 * one at a time within theirs.  The prices of a source are judged
 * (quote.h) and stored, in one database transaction, as soon as the
 * source has answered, and revalued soon after, so that a slow source
 * delays nobody else's; the run and the health of each source are
 * recorded at the end.
 *
 * One fetch runs at a time, even with cron on several hosts and a
 * Galera cluster: a second one finds the "fetch" lease taken (lease.h)
 * and exits 0 saying so.  A run that loses its lease stores no more.  A fetch
 * started less than half of fetch_interval after the last one also
 * stops (unless --force), so that cron entries on several hosts do not
 * fetch twice in a row.  The exit status is 1 when any source failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "cli.h"
#include "history.h"
#include "epoch.h"
#include "fetch.h"
#include "lease.h"

#define FX_BASE "EUR"		/* rates are kept as one EUR in X */
#define REVALUE_EVERY 2.0	/* seconds */

struct run {
	struct cli *c;
	struct fetch f;
	struct target *t;
	size_t nt;
	struct quote_rules rules;
	/* Exchange rates. */
	char cur[256][4];	/* currencies in use, other than EUR */
	int ncur;
	struct ask *fx;		/* one per currency: its rate */
	struct quote_last *fxlast;
	struct http_req ecb;
	struct feed_result ecbres;
	int ecb_ok;
	int ecb_group, fx_group;	/* the engine's groups, or -1 */
	struct http_req *fxreqs;	/* Yahoo's rates the ECB lacked */
	size_t nfx;
	/* Valuation runs as prices land: at most one every
	 * REVALUE_EVERY seconds while the fetch goes on. */
	int dirty, revalue_failed, revalued;
	double last_revalue;
	long fenced;		/* requests the fence stopped */
	/* Counts. */
	long stored, unchanged, rejected, missing, rates, requests;
	long long run_id;
	double started;
	int failed_store;	/* a transaction failed: store no more */
	struct lease *lease;	/* "fetch": this run is the only one */
	int backfill;		/* nestegg backfill: every close since */
	const char *only;	/* backfill: this symbol, or "" for all */
	long backfilled;	/* closes of days past stored */
};

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static dec
text_dec(const char *s)
{
	dec d = DEC_ZERO;

	if (s == NULL || dec_parse(s, &d) != 0)
		d = DEC_NAN;
	return d;
}

/* The ask for (source, symbol, currency, url), added when new; returns
 * its index.  Asks are found through a hash of their key. */
struct askmap {
	size_t *slot;		/* index + 1; 0 empty */
	size_t cap;
};

static unsigned long long
fnv(const char *s, unsigned long long h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;
}

static size_t
ask_for(struct run *r, struct askmap *m, const char *source,
    const char *symbol, const char *currency, const char *tmpl,
    const char *field, long long owner)
{
	struct fetch *f = &r->f;
	int gecko = strcmp(source, "coingecko") == 0;
	unsigned long long h = 0xcbf29ce484222325ULL;
	size_t i;

	h = fnv(source, h);
	h = fnv(symbol, h);
	if (gecko)
		h = fnv(currency, h);
	h = fnv(tmpl, h);
	h = fnv(field, h);
	if (strcmp(source, "url") != 0)
		owner = 0;		/* only an address has an owner */
	h ^= (unsigned long long)owner;
	for (i = (size_t)h & (m->cap - 1); m->slot[i] != 0;
	    i = (i + 1) & (m->cap - 1)) {
		const struct ask *a = &f->asks[m->slot[i] - 1];

		if (strcmp(a->source, source) == 0 &&
		    strcmp(a->symbol, symbol) == 0 &&
		    (!gecko || strcmp(a->currency, currency) == 0) &&
		    strcmp(a->url_template ? a->url_template : "", tmpl) == 0 &&
		    strcmp(a->url_field ? a->url_field : "", field) == 0 &&
		    a->owner == owner)
			return m->slot[i] - 1;
	}
	if (f->nasks == f->capasks) {
		f->capasks = f->capasks ? f->capasks * 2 : 256;
		f->asks = realloc(f->asks, f->capasks * sizeof(*f->asks));
		if (f->asks == NULL)
			abort();
	}
	memset(&f->asks[f->nasks], 0, sizeof(f->asks[0]));
	snprintf(f->asks[f->nasks].source, sizeof(f->asks[0].source), "%s",
	    source);
	snprintf(f->asks[f->nasks].symbol, SYM_MAX, "%s", symbol);
	snprintf(f->asks[f->nasks].currency, 4, "%s", currency);
	f->asks[f->nasks].url_template = *tmpl ? tmpl : NULL;
	f->asks[f->nasks].url_field = *field ? field : NULL;
	f->asks[f->nasks].owner = owner;
	f->asks[f->nasks].group = -1;
	m->slot[i] = ++f->nasks;
	return f->nasks - 1;
}

/* Loads the instruments to price and what is stored for each.  0 or
 * -1. */
static int
load_targets(struct run *r, struct dbres *res)
{
	/* An instrument added in the last day whose closes do not reach
	 * back to its first transaction has them fetched (history_from). */
#define TARGET_COLS "SELECT i.id, i.source, i.source_symbol, " \
	"COALESCE(i.fallback_source, ''), i.fallback_symbol, " \
	"i.url_template, i.url_field, i.currency, i.kind, p.price, " \
	"UNIX_TIMESTAMP(p.as_of), h.pending_price, " \
	"COALESCE(h.pending_count, 0), i.owner_id, " \
	"IF(i.owner_id = 0 AND i.name_by <> 'admin', i.name, NULL), "
#define FIRST_TX "(SELECT UNIX_TIMESTAMP(MIN(t.date)) FROM transactions t " \
	"WHERE t.instrument_id = i.id)"
#define TARGET_FROM " FROM instruments i " \
	"LEFT JOIN prices p ON p.instrument_id = i.id " \
	"LEFT JOIN instrument_health h ON h.instrument_id = i.id " \
	"WHERE i.source <> 'manual' "
	static const char q[] = TARGET_COLS "IF(i.created_at > NOW() - "
	    "INTERVAL 1 DAY AND COALESCE((SELECT MIN(c.day) FROM "
	    "price_history c WHERE c.instrument_id = i.id), '9999-12-31') > "
	    "(SELECT MIN(t.date) FROM transactions t WHERE t.instrument_id = "
	    "i.id), " FIRST_TX ", NULL)" TARGET_FROM "AND (i.created_at > "
	    "NOW() - INTERVAL 1 DAY OR EXISTS (SELECT 1 FROM positions s "
	    "WHERE s.instrument_id = i.id AND s.quantity <> 0)) ORDER BY i.id";
	/* nestegg backfill [SYMBOL]: those held once, or the one named. */
	static const char bq[] = TARGET_COLS FIRST_TX TARGET_FROM
	    "AND EXISTS (SELECT 1 FROM transactions t WHERE t.instrument_id = "
	    "i.id) AND (? = '' OR i.symbol = ? OR i.source_symbol = ? OR "
	    "EXISTS (SELECT 1 FROM user_symbols us WHERE us.instrument_id = "
	    "i.id AND us.symbol = ?)) ORDER BY i.id";
#undef TARGET_COLS
#undef FIRST_TX
#undef TARGET_FROM
	struct askmap m;
	size_t *prim, *fb;

	if ((r->backfill ? db_exec(&r->c->db, &r->c->a, res, bq, "ssss",
	    r->only, r->only, r->only, r->only) : db_exec(&r->c->db,
	    &r->c->a, res, q, "")) != 0)
		return -1;
	r->nt = res->nrows;
	r->t = calloc(r->nt + 1, sizeof(*r->t));
	prim = calloc(r->nt + 1, sizeof(*prim));
	fb = calloc(r->nt + 1, sizeof(*fb));
	for (m.cap = 64; m.cap < 4 * (r->nt + 1); m.cap *= 2)
		;
	m.slot = calloc(m.cap, sizeof(*m.slot));
	if (r->t == NULL || prim == NULL || fb == NULL || m.slot == NULL)
		abort();
	for (size_t i = 0; i < r->nt; i++) {
		struct target *t = &r->t[i];
		const char *fsrc = db_val(res, i, 3);

		t->id = db_int(res, i, 0);
		snprintf(t->source, sizeof(t->source), "%s", db_val(res, i, 1));
		snprintf(t->currency, sizeof(t->currency), "%s",
		    db_val(res, i, 7));
		snprintf(t->kind, sizeof(t->kind), "%s", db_val(res, i, 8));
		t->last.split = DEC_ONE;
		if (db_val(res, i, 9) != NULL) {
			t->last.known = 1;
			t->last.price = text_dec(db_val(res, i, 9));
			t->last.as_of = (time_t)db_int(res, i, 10);
		}
		if (db_val(res, i, 11) != NULL) {
			t->last.has_pending = 1;
			t->last.pending = text_dec(db_val(res, i, 11));
			t->last.pending_count = (int)db_int(res, i, 12);
		}
		prim[i] = ask_for(r, &m, t->source, db_val(res, i, 2),
		    t->currency, db_val(res, i, 5), db_val(res, i, 6),
		    db_int(res, i, 13)) + 1;
		t->name = db_val(res, i, 14);
		t->history_from = (time_t)db_int(res, i, 15);
		if (*fsrc)
			fb[i] = ask_for(r, &m, fsrc, db_val(res, i, 4),
			    t->currency, "", "", 0) + 1;
	}
	/* The asks have stopped moving: point the targets at them. */
	for (size_t i = 0; i < r->nt; i++) {
		struct ask *a = &r->f.asks[prim[i] - 1];

		/* The earliest any of its instruments needs. */
		if (r->t[i].history_from > 0 && (a->history_from == 0 ||
		    r->t[i].history_from < a->history_from))
			a->history_from = r->t[i].history_from;
		r->t[i].primary = &r->f.asks[prim[i] - 1];
		r->t[i].fallback = fb[i] ? &r->f.asks[fb[i] - 1] : NULL;
		if (r->t[i].primary->last == NULL)
			r->t[i].primary->last = &r->t[i].last;
		if (r->t[i].fallback && r->t[i].fallback->last == NULL)
			r->t[i].fallback->last = &r->t[i].last;
	}
	free(prim);
	free(fb);
	free(m.slot);
	return 0;
}

/* The currencies in use (majors, other than EUR), and their stored
 * rates.  0 or -1. */
static int
load_currencies(struct run *r)
{
	static const char q[] = "SELECT currency FROM portfolios UNION "
	    "SELECT currency FROM users UNION SELECT currency FROM "
	    "cash_balances WHERE balance <> 0 UNION SELECT i.currency FROM "
	    "instruments i WHERE EXISTS (SELECT 1 FROM positions p WHERE "
	    "p.instrument_id = i.id AND p.quantity <> 0)";
	static const char rate[] = "SELECT rate, UNIX_TIMESTAMP(as_of) "
	    "FROM fx_rates WHERE base = ? AND quote = ?";
	struct dbres res, x;
	int eur = 0;

	if (db_exec(&r->c->db, &r->c->a, &res, q, "") != 0)
		return -1;
	for (size_t i = 0; i < res.nrows; i++) {
		char major[4];
		dec f;
		int k;

		if (currency_major(db_val(&res, i, 0), major, &f) != 0)
			continue;
		if (strcmp(major, FX_BASE) == 0) {
			eur = 1;
			continue;
		}
		for (k = 0; k < r->ncur; k++)
			if (strcmp(r->cur[k], major) == 0)
				break;
		if (k == r->ncur && r->ncur < 256)
			snprintf(r->cur[r->ncur++], 4, "%s", major);
	}
	/* One currency alone needs no rate. */
	if (r->ncur + eur < 2)
		r->ncur = 0;
	r->fx = calloc((size_t)r->ncur + 1, sizeof(*r->fx));
	r->fxlast = calloc((size_t)r->ncur + 1, sizeof(*r->fxlast));
	if (r->fx == NULL || r->fxlast == NULL)
		abort();
	for (int k = 0; k < r->ncur; k++) {
		struct quote_last *l = &r->fxlast[k];

		snprintf(r->fx[k].symbol, SYM_MAX, "%s", r->cur[k]);
		l->split = DEC_ONE;
		if (db_exec(&r->c->db, &r->c->a, &x, rate, "ss", FX_BASE,
		    r->cur[k]) != 0)
			return -1;
		if (x.nrows > 0) {
			l->known = 1;
			l->price = text_dec(db_val(&x, 0, 0));
			l->as_of = (time_t)db_int(&x, 0, 1);
		}
	}
	return 0;
}

/* The ECB's answer into the rates of the currencies in use. */
static void
read_ecb(struct run *r)
{
	struct http_req *q = &r->ecb;
	int rc;

	if (q->status < 200 || q->status > 299) {
		fetch_source_failed(&r->f, "ecb", q->error[0] ? q->error :
		    "no answer");
		return;
	}
	rc = feed_ecb_parse(q->body, q->len, &r->ecbres);
	if (rc != 0) {
		fetch_source_failed(&r->f, "ecb", r->ecbres.error);
		return;
	}
	r->ecb_ok = 1;
	for (int k = 0; k < r->ncur; k++)
		for (size_t i = 0; i < r->ecbres.nquotes; i++) {
			const struct feed_quote *fq = &r->ecbres.quotes[i];

			if (strcmp(fq->symbol, r->cur[k]) != 0)
				continue;
			snprintf(r->fx[k].source, sizeof(r->fx[k].source),
			    "ecb");
			r->fx[k].got.have = 1;
			r->fx[k].got.price = fq->price;
			r->fx[k].got.as_of = fq->as_of;
			snprintf(r->fx[k].got.day, 11, "%s", fq->day);
			fetch_health(&r->f, "ecb")->quotes++;
		}
}

/* Rates the ECB did not give: Yahoo's EURxxx=X, one request each, in
 * a group of their own.  1 when some were asked for, else 0. */
static int
fx_plan(struct run *r)
{
	size_t n = 0;

	if ((r->fxreqs = calloc((size_t)r->ncur + 1, sizeof(*r->fxreqs))) ==
	    NULL)
		abort();
	for (int k = 0; k < r->ncur; k++) {
		struct http_req *q = &r->fxreqs[n];
		char sym[16];

		if (r->fx[k].got.have)
			continue;
		snprintf(sym, sizeof(sym), "%s%s=X", FX_BASE, r->cur[k]);
		snprintf(q->url, sizeof(q->url), "%s/v8/finance/chart/",
		    r->c->cfg.yahoo_url);
		http_url_escape(q->url, sizeof(q->url), sym);
		strcat(q->url, "?range=5d&interval=1d");
		q->user = &r->fx[k];
		q->max_bytes = 1024L * 1024;
		n++;
	}
	if (n == 0)
		return 0;
	fetch_health(&r->f, "yahoo")->used = 1;
	r->fx_group = http_group(r->f.http, r->f.deadline, 0);
	for (size_t i = 0; i < n; i++)
		http_add(r->f.http, &r->fxreqs[i], r->fx_group);
	r->nfx = n;
	return 1;
}

/* One of Yahoo's rates into its ask. */
static void
read_fx(struct run *r, const struct http_req *q)
{
	struct ask *a = q->user;
	struct feed_result fr;

	feed_result_init(&fr);
	if (q->status < 200 || q->status > 299) {
		snprintf(a->error, sizeof(a->error), "no rate for %.8s: %.150s",
		    a->symbol, q->error);
		if (q->status != 404)
			fetch_source_failed(&r->f, "yahoo", q->error);
	} else if (feed_yahoo_parse(q->body, q->len, &fr) != 0 ||
	    fr.nquotes == 0) {
		snprintf(a->error, sizeof(a->error), "no rate for %.8s: %.150s",
		    a->symbol, fr.error);
		if (fr.status != FEED_NOT_FOUND)
			fetch_source_failed(&r->f, "yahoo", fr.error);
	} else {
		const struct feed_quote *fq = &fr.quotes[fr.nquotes - 1];

		snprintf(a->source, sizeof(a->source), "yahoo");
		a->got.have = 1;
		a->got.price = fq->price;
		snprintf(a->got.currency, 4, "%s", fq->currency);
		a->got.as_of = fq->as_of;
		snprintf(a->got.day, 11, "%s", fq->day);
		fetch_health(&r->f, "yahoo")->quotes++;
	}
	feed_result_free(&fr);
}

/* A split recorded for the instrument since its last price, as one
 * ratio (new shares per old one).  Only asked for outliers. */
static dec
split_since(struct run *r, const struct target *t, time_t until)
{
	static const char q[] = "SELECT quantity, price FROM transactions "
	    "WHERE instrument_id = ? AND type = 'split' "
	    "AND date > DATE(FROM_UNIXTIME(?)) AND date <= DATE(FROM_UNIXTIME(?)) "
	    "GROUP BY date, quantity, price ORDER BY date";
	struct dbres res;
	dec ratio = DEC_ONE;

	if (db_exec(&r->c->db, &r->c->a, &res, q, "iii", t->id,
	    (long long)t->last.as_of, (long long)until) != 0)
		return DEC_ONE;
	for (size_t i = 0; i < res.nrows; i++) {
		dec s = text_dec(db_val(&res, i, 0));

		if (db_val(&res, i, 1) != NULL)
			s = dec_div(s, text_dec(db_val(&res, i, 1)));
		if (!dec_bad(s) && dec_sign(s) > 0)
			ratio = dec_mul(ratio, s);
	}
	return ratio;
}

/* Counts a quote refused from source against it. */
static void
refused(struct run *r, const char *source, const char *why)
{
	struct source_health *h = fetch_health(&r->f, source);

	h->errors++;
	if (h->error[0] == '\0')
		snprintf(h->error, sizeof(h->error), "%s", why);
}

/* Judges the quotes of one instrument: the primary source first, then
 * the fallback; where both gave one, they must agree. */
static void
judge(struct run *r, struct target *t)
{
	struct ask *asks[2] = { t->primary, t->fallback };
	struct quote_outcome out[2], chk[2];
	int ok[2] = { 0, 0 }, sane[2];

	t->verdict = QUOTE_REJECT;
	for (int k = 0; k < 2; k++) {
		struct ask *a = asks[k];
		struct quote_last last = t->last;

		if (a == NULL || !a->got.have)
			continue;
		quote_check(&r->rules, a->got.price, a->got.currency,
		    t->currency, a->got.as_of, r->f.now, &last, &out[k]);
		if (out[k].verdict == QUOTE_PENDING) {
			/* A split may explain the jump. */
			last.split = split_since(r, t, a->got.as_of);
			if (dec_cmp(last.split, DEC_ONE) != 0)
				quote_check(&r->rules, a->got.price,
				    a->got.currency, t->currency, a->got.as_of,
				    r->f.now, &last, &out[k]);
		}
		ok[k] = out[k].verdict != QUOTE_REJECT;
		if (!ok[k]) {
			snprintf(a->error, sizeof(a->error), "%s: %s",
			    a->source, out[k].reason);
			a->problem = PROBLEM_REFUSED;
			/* A user's own address is their trouble. */
			if (a->owner == 0)
				refused(r, a->source, a->error);
		}
	}
	/* Two sources that both gave a sane price for about the same
	 * time must agree, whichever of them is stored. */
	for (int k = 0; k < 2; k++) {
		struct quote_last none;

		memset(&none, 0, sizeof(none));
		sane[k] = asks[k] != NULL && asks[k]->got.have &&
		    quote_check(&r->rules, asks[k]->got.price,
		    asks[k]->got.currency, t->currency, asks[k]->got.as_of,
		    r->f.now, &none, &chk[k]) != QUOTE_REJECT;
	}
	t->crosschecked = sane[0] && sane[1] &&
	    labs((long)(asks[0]->got.as_of - asks[1]->got.as_of)) <= 2 * 86400;
	if (t->crosschecked && quote_disagree(chk[0].price, chk[1].price,
	    r->c->cfg.crosscheck_pct)) {
		char b0[DEC_BUFSZ], b1[DEC_BUFSZ];

		snprintf(t->flag, sizeof(t->flag), "%s says %s, %s says %s: "
		    "more than %d%% apart", asks[0]->source,
		    dec_format(chk[0].price, -1, b0), asks[1]->source,
		    dec_format(chk[1].price, -1, b1), r->c->cfg.crosscheck_pct);
	} else if (t->crosschecked) {
		t->flag[0] = '\0';
		/* The other source confirms the jump. */
		if (ok[0] && out[0].verdict == QUOTE_PENDING)
			out[0].verdict = QUOTE_STORE;
	}
	for (int k = 0; k < 2; k++) {
		if (!ok[k])
			continue;
		t->verdict = out[k].verdict;
		t->judged = 1;
		t->price = out[k].price;
		t->as_of = asks[k]->got.as_of;
		t->from = asks[k]->source;
		t->used = &asks[k]->got;
		t->pending = out[k].pending;
		t->pending_count = out[k].pending_count;
		if (out[k].verdict == QUOTE_PENDING) {
			snprintf(t->error, sizeof(t->error), "%s: %s",
			    asks[k]->source, out[k].reason);
			t->problem = PROBLEM_REFUSED;
		}
		return;
	}
	/* Nothing usable: say why, primary first. */
	{
		const struct ask *why = t->primary->error[0] || !t->fallback ||
		    !t->fallback->error[0] ? t->primary : t->fallback;

		snprintf(t->error, sizeof(t->error), "%s", why->error[0] ?
		    why->error : "no price");
		t->problem = why->problem ? why->problem :
		    PROBLEM_NOT_UNDERSTOOD;
	}
	if (!t->primary->got.have && (t->fallback == NULL ||
	    !t->fallback->got.have))
		t->judged = 0;	/* missing, not refused */
}

/* Rows collected for one multi-row statement. */
struct rows {
	const char *head, *tail;	/* "INSERT ... VALUES", " ON ..." */
	const char *one;		/* "(?,?,...)" */
	size_t width;			/* parameters per row */
	struct buf text;		/* the values, NUL-separated */
	size_t n;
	char *sql;
	struct db *d;
	int failed;
};

#define ROWS_BATCH 400

static void
rows_init(struct rows *w, struct db *d, const char *head, const char *one,
    size_t width, const char *tail)
{
	memset(w, 0, sizeof(*w));
	w->d = d;
	w->head = head;
	w->one = one;
	w->width = width;
	w->tail = tail;
	buf_init(&w->text);
}

/* Runs the rows collected so far. */
static void
rows_flush(struct rows *w)
{
	const char **par;
	struct buf sql;
	const char *p;

	if (w->n == 0 || w->failed)
		return;
	par = calloc(w->n * w->width + 1, sizeof(*par));
	if (par == NULL)
		abort();
	p = w->text.data;
	for (size_t i = 0; i < w->n * w->width; i++) {
		/* "\1" stands for SQL NULL. */
		par[i] = strcmp(p, "\1") == 0 ? NULL : p;
		p += strlen(p) + 1;
	}
	buf_init(&sql);
	buf_puts(&sql, w->head);
	for (size_t i = 0; i < w->n; i++) {
		if (i)
			buf_putc(&sql, ',');
		buf_puts(&sql, w->one);
	}
	buf_puts(&sql, w->tail);
	/* A statement is cached by the address of its text: forget it
	 * before the text goes. */
	if (w->sql != NULL)
		db_forget(w->d, w->sql);
	free(w->sql);
	w->sql = sql.data;
	if (db_exec_texts(w->d, w->sql, w->n * w->width, par) != 0)
		w->failed = 1;
	free(par);
	buf_reset(&w->text);
	w->n = 0;
}

/* Adds one row of width values (NULL for SQL NULL). */
static void
rows_add(struct rows *w, const char *const *v)
{
	for (size_t i = 0; i < w->width; i++) {
		buf_puts(&w->text, v[i] ? v[i] : "\1");
		buf_putc(&w->text, '\0');
	}
	if (++w->n == ROWS_BATCH)
		rows_flush(w);
}

/* Forgets the rows not yet run and the statement; may be called again. */
static void
rows_free(struct rows *w)
{
	buf_free(&w->text);
	w->n = 0;
	if (w->sql != NULL)
		db_forget(w->d, w->sql);
	free(w->sql);
	w->sql = NULL;
}

/* Runs the rows left; 0, or -1 when any statement failed. */
static int
rows_end(struct rows *w)
{
	rows_flush(w);
	rows_free(w);
	return w->failed ? -1 : 0;
}

/* YYYY-MM-DD of t, UTC. */
static void
utc_day(time_t t, char out[11])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* A close v of the used source converted like the quote was, or -1. */
static int
close_price(const struct target *t, dec v, dec *out)
{
	struct quote_last none;
	struct quote_outcome o;
	struct quote_rules rules = { 0, 0, 0 };

	memset(&none, 0, sizeof(none));
	quote_check(&rules, v, t->used->currency, t->currency, 0, 0, &none,
	    &o);
	if (o.verdict != QUOTE_STORE)
		return -1;
	*out = o.price;
	return 0;
}

/* Stores what the run found, in one transaction.  0 or -1. */
/*
 * Adds the closes t's source gave of the days before day to hist.  When
 * its history was asked for, they are counted, and the series of those
 * holding it are marked from the first of them.  0 or -1.
 */
static int
store_closes(struct run *r, const struct target *t, const char *day,
    struct rows *hist)
{
	const char *first = NULL, *v[5];
	char id[24], b[DEC_BUFSZ], today[11];

	snprintf(id, sizeof(id), "%lld", t->id);
	/* Stooq's days past are split-adjusted as of today. */
	utc_day(r->f.now, today);
	for (size_t k = 0; k < t->used->ncloses; k++) {
		const struct feed_close *fc = &t->used->closes[k];
		dec cp;

		if (strcmp(fc->day, day) >= 0 ||
		    close_price(t, fc->close, &cp) != 0)
			continue;
		v[0] = id, v[1] = fc->day;
		v[2] = dec_format(cp, DEC_PLACES, b);
		v[3] = t->from;
		v[4] = strcmp(t->from, "stooq") == 0 ? today : NULL;
		rows_add(hist, v);
		if (t->history_from > 0) {
			r->backfilled++;
			if (first == NULL || strcmp(fc->day, first) < 0)
				first = fc->day;
		}
	}
	if (first != NULL && series_mark_instrument(&r->c->db, t->id, first))
		return -1;
	return 0;
}

/*
 * Stores what was found for the n targets v, in one transaction: their
 * prices and closes, what the source said the day before, the health
 * of each (its error and the kind of it, an outlier held), the
 * instruments to revalue.  Counts them.  0 or -1.
 */
static int
store_batch(struct run *r, struct target **v, size_t n)
{
	struct db *d = &r->c->db;
	/* The day before's close: our own, else the one the source gave
	 * with the quote (a new instrument's first day). */
	static const char prev[] = "UPDATE prices p JOIN JSON_TABLE(?, "
	    "'$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$[0]', d DATE PATH '$[1]', "
	    "sp DECIMAL(30,12) PATH '$[2]')) j "
	    "ON j.id = p.instrument_id SET p.prev_close = COALESCE((SELECT "
	    "h.close FROM price_history h WHERE h.instrument_id = "
	    "p.instrument_id AND h.day < j.d ORDER BY h.day DESC LIMIT 1), "
	    "j.sp)";
	static const char same[] = "UPDATE prices p JOIN JSON_TABLE(?, "
	    "'$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j "
	    "ON j.id = p.instrument_id SET p.checked_at = NOW()";
	static const char queue[] = "INSERT INTO revalue_pending "
	    "(instrument_id) SELECT id FROM JSON_TABLE(?, '$[*]' COLUMNS "
	    "(id BIGINT UNSIGNED PATH '$')) j";
	static const char flag[] = "INSERT INTO instrument_health "
	    "(instrument_id, flag, flagged_at) VALUES (?, ?, IF(? <> '', "
	    "NOW(), NULL)) ON DUPLICATE KEY UPDATE flagged_at = "
	    "IF(VALUES(flag) = '', NULL, IF(flag = '', NOW(), flagged_at)), "
	    "flag = VALUES(flag)";
	/* A shared instrument is named by an admin, else by its source. */
	static const char rename[] = "UPDATE instruments SET name = ?, "
	    "name_by = 'source' WHERE id = ? AND owner_id = 0 AND "
	    "name_by <> 'admin'";
	struct rows hist, price, ih;
	struct buf prevj, samej, queuej;
	char b[8][DEC_BUFSZ];
	long stored = 0, unchanged = 0, rejected = 0, missing = 0, renamed = 0;
	long backfilled = r->backfilled;
	int rc = -1, nprev = 0, nsame = 0, nqueue = 0;
	dec pc;

	buf_init(&prevj);
	buf_init(&samej);
	buf_init(&queuej);
	buf_putc(&prevj, '[');
	buf_putc(&samej, '[');
	buf_putc(&queuej, '[');
	rows_init(&hist, d, "INSERT INTO price_history (instrument_id, day, "
	    "close, source, adjusted_to) VALUES ", "(?,?,?,?,?)", 5,
	    " ON DUPLICATE KEY UPDATE close = VALUES(close), "
	    "source = VALUES(source), adjusted_to = VALUES(adjusted_to)");
	rows_init(&price, d, "INSERT INTO prices (instrument_id, price, "
	    "as_of, source, updated_at, checked_at) VALUES ",
	    "(?,?,FROM_UNIXTIME(?),?,NOW(),NOW())", 4, " ON DUPLICATE KEY "
	    "UPDATE price = VALUES(price), as_of = VALUES(as_of), "
	    "source = VALUES(source), updated_at = NOW(), checked_at = NOW()");
	rows_init(&ih, d, "INSERT INTO instrument_health (instrument_id, "
	    "last_error, problem, last_error_at, errors, pending_price, "
	    "pending_count) VALUES ", "(?,?,?,IF(? > 0, NOW(), NULL),?,?,?)",
	    7, " ON DUPLICATE KEY UPDATE "
	    "last_error = IF(VALUES(errors) > 0, VALUES(last_error), last_error), "
	    "problem = IF(VALUES(errors) > 0, VALUES(problem), problem), "
	    "last_error_at = IF(VALUES(errors) > 0, NOW(), last_error_at), "
	    "errors = errors + VALUES(errors), "
	    "pending_price = VALUES(pending_price), "
	    "pending_count = VALUES(pending_count)");
	if (db_begin(d) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct target *t = v[i];
		const char *val[8];
		char day[11];
		int err = t->error[0] != '\0';

		snprintf(b[0], DEC_BUFSZ, "%lld", t->id);
		/* History asked for: every close the source gave of a day
		 * before today, whatever becomes of the latest price, and
		 * the series of those holding it from the first of them. */
		if (t->history_from > 0 && t->judged && t->used != NULL &&
		    t->verdict != QUOTE_STORE) {
			utc_day(r->f.now, day);
			if (store_closes(r, t, day, &hist) != 0)
				goto fail;
		}
		if (t->judged && t->verdict == QUOTE_STORE) {
			stored++;
			snprintf(day, sizeof(day), "%s", t->used->day);
			if (strlen(day) != 10)
				utc_day(t->as_of, day);
			if (store_closes(r, t, day, &hist) != 0)
				goto fail;
			val[0] = b[0], val[1] = day;
			val[2] = dec_format(t->price, DEC_PLACES, b[1]);
			val[3] = t->from;
			val[4] = NULL;
			rows_add(&hist, val);
			snprintf(b[2], DEC_BUFSZ, "%lld", (long long)t->as_of);
			val[0] = b[0], val[1] = b[1], val[2] = b[2];
			val[3] = t->from;
			rows_add(&price, val);
			if (t->used->has_prev && close_price(t,
			    t->used->prev_close, &pc) == 0)
				buf_printf(&prevj, "%s[%lld,\"%s\",\"%s\"]",
				    nprev++ ? "," : "", t->id, day,
				    dec_format(pc, DEC_PLACES, b[5]));
			else
				buf_printf(&prevj, "%s[%lld,\"%s\",null]",
				    nprev++ ? "," : "", t->id, day);
			buf_printf(&queuej, "%s%lld", nqueue++ ? "," : "",
			    t->id);
		} else if (t->judged && t->verdict == QUOTE_SAME) {
			unchanged++;
			buf_printf(&samej, "%s%lld", nsame++ ? "," : "", t->id);
		} else if (t->judged)
			rejected++;	/* held as a possible outlier */
		else if (t->primary->got.have || (t->fallback &&
		    t->fallback->got.have))
			rejected++;
		else
			missing++;
		if (t->crosschecked && db_exec(d, NULL, NULL, flag, "sss",
		    b[0], t->flag, t->flag) != 0)
			goto fail;
		if (t->name != NULL && t->used != NULL && t->used->name[0] &&
		    strcmp(t->name, t->used->name) != 0) {
			if (db_exec(d, NULL, NULL, rename, "ss", t->used->name,
			    b[0]) != 0)
				goto fail;
			renamed++;
		}
		if (!err && !t->last.has_pending)
			continue;
		/* Health: the error and its kind, and an outlier held or
		 * let go. */
		val[0] = b[0];
		val[1] = t->error;
		val[2] = err ? fetch_problem_names[t->problem] : NULL;
		val[3] = val[4] = err ? "1" : "0";
		if (t->judged && t->verdict == QUOTE_PENDING) {
			val[5] = dec_format(t->pending, DEC_PLACES, b[3]);
			snprintf(b[4], DEC_BUFSZ, "%d", t->pending_count);
			val[6] = b[4];
		} else {
			val[5] = NULL;
			val[6] = "0";
		}
		rows_add(&ih, val);
	}
	buf_putc(&prevj, ']');
	buf_putc(&samej, ']');
	buf_putc(&queuej, ']');
	if (rows_end(&hist) != 0 || rows_end(&price) != 0 ||
	    rows_end(&ih) != 0)
		goto fail;
	if ((nprev && db_exec(d, NULL, NULL, prev, "s", prevj.data) != 0) ||
	    (nsame && db_exec(d, NULL, NULL, same, "s", samej.data) != 0) ||
	    (nqueue && db_exec(d, NULL, NULL, queue, "s", queuej.data) != 0))
		goto fail;
	if (db_commit(d) != 0)
		goto undo;
	r->stored += stored;
	r->unchanged += unchanged;
	r->rejected += rejected;
	r->missing += missing;
	if (stored > 0)
		r->dirty = 1;
	if (stored > 0 || renamed > 0)
		cache_shared_changed(d);
	if (r->backfilled > backfilled)
		r->dirty = 1;
	rc = 0;
	goto out;
fail:
	db_rollback(d);
undo:
	r->backfilled = backfilled;
out:
	rows_free(&hist);
	rows_free(&price);
	rows_free(&ih);
	buf_free(&prevj);
	buf_free(&samej);
	buf_free(&queuej);
	return rc;
}

/*
 * Stores the exchange rates found (one EUR in each currency in use),
 * and with a backfill every day's rate since, marking the series from
 * the first of them; one transaction.  0 or -1.
 */
static int
store_rates(struct run *r)
{
	struct db *d = &r->c->db;
	static const char fxq[] = "INSERT INTO fx_rates (base, quote, rate, "
	    "as_of, source, checked_at) VALUES (?, ?, ?, FROM_UNIXTIME(?), ?, "
	    "NOW()) ON DUPLICATE KEY UPDATE rate = VALUES(rate), "
	    "as_of = VALUES(as_of), source = VALUES(source), "
	    "checked_at = VALUES(checked_at)";
	static const char fxh[] = "INSERT INTO fx_history (base, quote, day, "
	    "rate, source) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
	    "rate = VALUES(rate), source = VALUES(source)";
	static const char fxp[] = "INSERT INTO revalue_pending (currency) "
	    "VALUES (?), (?)";
	static const char fxc[] = "UPDATE fx_rates SET checked_at = NOW() "
	    "WHERE base = ? AND quote = ?";
	char b[DEC_BUFSZ];
	long rates = 0, backfilled = 0;

	if (db_begin(d) != 0)
		return -1;
	for (int k = 0; k < r->ncur; k++) {
		struct ask *a = &r->fx[k];
		struct quote_outcome o;
		char day[11];

		if (!a->got.have)
			continue;
		/* A rate needs no confirmation: it is refused or taken. */
		r->rules.outlier_confirm = 1;
		quote_check(&r->rules, a->got.price, "", "EUR", a->got.as_of,
		    r->f.now, &r->fxlast[k], &o);
		r->rules.outlier_confirm = r->c->cfg.outlier_confirm;
		if (o.verdict == QUOTE_SAME) {
			if (db_exec(d, NULL, NULL, fxc, "ss", FX_BASE,
			    a->symbol) != 0)
				goto fail;
			continue;
		}
		if (o.verdict != QUOTE_STORE) {
			snprintf(a->error, sizeof(a->error), "rate %s%.8s: "
			    "%.150s", FX_BASE, a->symbol, o.reason);
			refused(r, a->source, a->error);
			continue;
		}
		snprintf(day, sizeof(day), "%s", a->got.day);
		if (strlen(day) != 10)
			utc_day(a->got.as_of, day);
		dec_format(o.price, DEC_PLACES, b);
		if (db_exec(d, NULL, NULL, fxq, "sssis", FX_BASE, a->symbol,
		    b, (long long)a->got.as_of, a->source) != 0 ||
		    db_exec(d, NULL, NULL, fxh, "sssss", FX_BASE, a->symbol,
		    day, b, a->source) != 0 ||
		    db_exec(d, NULL, NULL, fxp, "ss", FX_BASE, a->symbol) != 0)
			goto fail;
		rates++;
	}
	/* A backfill's rates of days past: every day of the currencies in
	 * use, checked like a rate, and the series from the first of them. */
	if (r->backfill && r->ecb_ok) {
		char first[11] = "9999-12-31", today[11];

		utc_day(r->f.now, today);
		for (size_t i = 0; i < r->ecbres.ncloses; i++) {
			const struct feed_close *fc = &r->ecbres.closes[i];
			int k;

			for (k = 0; k < r->ncur; k++)
				if (strcmp(r->cur[k], fc->symbol) == 0)
					break;
			if (k == r->ncur || dec_sign(fc->close) <= 0 ||
			    !dec_storable(fc->close) ||
			    strcmp(fc->day, today) >= 0)
				continue;
			if (db_exec(d, NULL, NULL, fxh, "sssss", FX_BASE,
			    fc->symbol, fc->day, dec_format(fc->close,
			    DEC_PLACES, b), "ecb") != 0)
				goto fail;
			backfilled++;
			if (strcmp(fc->day, first) < 0)
				memcpy(first, fc->day, 11);
		}
		if (strcmp(first, "9999-12-31") != 0 &&
		    series_mark_all(d, first) != 0)
			goto fail;
	}
	if (db_commit(d) != 0)
		return -1;
	r->rates += rates;
	r->backfilled += backfilled;
	if (rates > 0) {
		cache_shared_changed(d);
		r->dirty = 1;
	}
	if (backfilled > 0)
		r->dirty = 1;
	return 0;
fail:
	db_rollback(d);
	return -1;
}

/* Records the run and the health of each source it asked, in one
 * transaction.  0 or -1. */
static int
store_run(struct run *r)
{
	struct db *d = &r->c->db;
	static const char run[] = "INSERT INTO fetch_runs (started_at, "
	    "duration_ms, instruments, requests, stored, unchanged, rejected, "
	    "missing, rates, failed_sources) VALUES (FROM_UNIXTIME(?), ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?)";
	static const char health[] = "INSERT INTO feed_health (source, "
	    "last_success_at, last_error_at, last_error, errors, failing_runs, "
	    "last_quotes) VALUES (?, IF(? = 0, NOW(), NULL), IF(? > 0, NOW(), "
	    "NULL), ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
	    "last_success_at = IF(VALUES(failing_runs) = 0, NOW(), "
	    "last_success_at), last_error_at = IF(VALUES(errors) > 0, NOW(), "
	    "last_error_at), last_error = IF(VALUES(errors) > 0, "
	    "VALUES(last_error), last_error), errors = errors + VALUES(errors), "
	    "failing_runs = IF(VALUES(failing_runs) = 0, 0, failing_runs + 1), "
	    "last_quotes = VALUES(last_quotes)";
	char failed[200] = "";

	if (db_begin(d) != 0)
		return -1;
	for (int i = 0; i < r->f.nhealth; i++) {
		const struct source_health *h = &r->f.health[i];

		if (!h->used)
			continue;
		if (h->failed && strlen(failed) + strlen(h->name) + 2 <
		    sizeof(failed))
			snprintf(failed + strlen(failed), sizeof(failed) -
			    strlen(failed), "%s%s", *failed ? "," : "",
			    h->name);
		if (db_exec(d, NULL, NULL, health, "siisiii", h->name,
		    (long long)h->failed, (long long)h->errors, h->error,
		    (long long)h->errors, (long long)h->failed,
		    (long long)h->quotes) != 0)
			goto fail;
	}
	if (db_exec(d, NULL, NULL, run, "iiiiiiiiis", (long long)r->started,
	    (long long)((now_s() - r->started) * 1000), (long long)r->nt,
	    (long long)r->requests, (long long)r->stored,
	    (long long)r->unchanged, (long long)r->rejected,
	    (long long)r->missing, (long long)r->rates, failed) != 0)
		goto fail;
	r->run_id = (long long)d->insert_id;
	if (db_commit(d) != 0)
		return -1;
	return 0;
fail:
	db_rollback(d);
	return -1;
}

/* 1 while this run still holds the fetch lease, else says so once and
 * stores no more (0). */
static int
ours(struct run *r)
{
	if (r->failed_store)
		return 0;
	if (lease_held(r->lease))
		return 1;
	cli_fail("fetch: %s", "the fetch lease was lost (the database "
	    "unreachable?); storing no more");
	r->failed_store = 1;
	return 0;
}

/*
 * The run's write transactions, each run again after a deadlock or a
 * cluster conflict (db_again), while the lease is still held.  0 or -1.
 */
static int
store_batch_tx(struct run *r, struct target **v, size_t n)
{
	int rc = -1, tries = 0;

	while (ours(r) && (rc = store_batch(r, v, n)) < 0 &&
	    db_again(&r->c->db, &tries))
		;
	return rc;
}

static int
store_rates_tx(struct run *r)
{
	struct source_health h[FETCH_SOURCES];
	int rc = -1, tries = 0, nh;

	/* A refused rate is counted again by the next try. */
	memcpy(h, r->f.health, sizeof(h));
	nh = r->f.nhealth;
	while (ours(r) && (rc = store_rates(r)) < 0 &&
	    db_again(&r->c->db, &tries)) {
		memcpy(r->f.health, h, sizeof(h));
		r->f.nhealth = nh;
	}
	return rc;
}

static int
store_run_tx(struct run *r)
{
	int rc = -1, tries = 0;

	while (ours(r) && (rc = store_run(r)) < 0 &&
	    db_again(&r->c->db, &tries))
		;
	return rc;
}

/* Revalues what the prices stored so far changed: at once with force,
 * else when the last run is REVALUE_EVERY seconds old. */
static void
maybe_revalue(struct run *r, int force)
{
	if (!r->dirty || r->failed_store ||
	    (!force && now_s() - r->last_revalue < REVALUE_EVERY))
		return;
	r->dirty = 0;
	r->revalued = 1;
	if (cli_revalue(r->c, 0) != 0)
		r->revalue_failed = 1;
	r->last_revalue = now_s();
}

/* Judges and stores every target whose sources have all answered (or
 * need no answer) and that is not settled yet. */
static void
settle(struct run *r)
{
	struct target **v;
	size_t n = 0;

	if (r->failed_store)
		return;
	if ((v = calloc(r->nt + 1, sizeof(*v))) == NULL)
		abort();
	for (size_t i = 0; i < r->nt; i++) {
		struct target *t = &r->t[i];

		if (t->settled || !fetch_ask_ready(&r->f, t->primary) ||
		    !fetch_ask_ready(&r->f, t->fallback))
			continue;
		judge(r, t);
		t->settled = 1;
		v[n++] = t;
	}
	if (n > 0 && store_batch_tx(r, v, n) != 0)
		r->failed_store = 1;
	free(v);
	maybe_revalue(r, 0);
}

/* The engine's callbacks. */
static void
on_done(void *arg, struct http_req *q)
{
	struct run *r = arg;

	if (q->fenced) {
		r->fenced++;
		cli_fail("fetch: %s", q->error);
	}
	if (q == &r->ecb)
		read_ecb(r);
	else if (r->fx_group >= 0 && q->group == r->fx_group)
		read_fx(r, q);
	else
		sources_read(&r->f, q);
}

static void
on_group(void *arg, int g)
{
	struct run *r = arg;

	if (g == r->ecb_group) {
		/* The ECB's rates, and Yahoo's for those it lacks. */
		if (!fx_plan(r) && store_rates_tx(r) != 0)
			r->failed_store = 1;
		return;
	}
	if (g == r->fx_group) {
		if (store_rates_tx(r) != 0)
			r->failed_store = 1;
		return;
	}
	for (size_t i = 0; i < r->f.ngroups; i++)
		if (r->f.groups[i].id == g)
			r->f.groups[i].done = 1;
	settle(r);
}

static void
on_tick(void *arg)
{
	maybe_revalue(arg, 0);
}

/* Links the fetch run to the valuation run that followed it: the one
 * that committed last (ids do not commit in order on a cluster). */
static void
link_run(struct run *r)
{
	static const char q[] = "UPDATE fetch_runs SET valuation_run_id = "
	    "(SELECT id FROM valuation_runs ORDER BY finished_at DESC, id DESC "
	    "LIMIT 1) WHERE id = ?";

	db_exec(&r->c->db, NULL, NULL, q, "i", r->run_id);
}

/* One run: the latest prices (and closes of days past where asked), or
 * with backfill every close since each instrument's first transaction,
 * of the instrument named only ("" for all). */
static int
fetch_held(struct cli *c, int quiet, int force, int backfill,
    const char *only, struct lease *lease)
{
	static const char last[] = "SELECT TIMESTAMPDIFF(SECOND, "
	    "MAX(started_at), NOW(3)) FROM fetch_runs";
	static struct run r;
	struct http_opts ho;
	struct http_stats st;
	struct dbres res, targets;
	struct fence fence;
	char err[200];
	int rc = 0, nfailed = 0;
	long deadline;

	memset(&r, 0, sizeof(r));
	r.c = c;
	r.backfill = backfill;
	r.only = only;
	r.f.cfg = &c->cfg;
	r.started = now_s();
	r.f.now = (time_t)r.started;
	r.rules.outlier_pct = c->cfg.outlier_pct;
	r.rules.outlier_confirm = c->cfg.outlier_confirm;
	r.rules.future_slack = 300;
	r.ecb_group = r.fx_group = -1;
	if (fence_init(&fence, c->cfg.fetch_allow_private, c->cfg.fetch_allow,
	    err, sizeof(err)) != 0)
		return cli_fail("%s", err);
	r.lease = lease;
	if (db_exec(&c->db, &c->a, &res, last, "") != 0)
		return cli_db_fail(c);
	if (!force && !backfill && db_val(&res, 0, 0) != NULL &&
	    db_int(&res, 0, 0) * 2 < c->cfg.fetch_interval) {
		printf("fetch: the last fetch started %lld s ago, under half "
		    "of fetch_interval (%ld s); nothing to do (--force "
		    "fetches anyway)\n", db_int(&res, 0, 0),
		    c->cfg.fetch_interval);
		return 0;
	}
	if (load_targets(&r, &targets) != 0 || load_currencies(&r) != 0)
		return cli_db_fail(c);
	/* Each source's deadline: fetch_deadline, or half of the interval
	 * between fetches (30 s to 5 minutes). */
	deadline = c->cfg.fetch_deadline;
	if (deadline <= 0) {
		deadline = c->cfg.fetch_interval / 2;
		if (deadline < 30)
			deadline = 30;
		if (deadline > 300)
			deadline = 300;
	}
	memset(&ho, 0, sizeof(ho));
	ho.per_host = c->cfg.fetch_per_host > 0 ? c->cfg.fetch_per_host : 1;
	ho.timeout = c->cfg.fetch_timeout > 0 ? c->cfg.fetch_timeout : 20;
	ho.retries = c->cfg.fetch_retries;
	ho.progress = !quiet && isatty(STDERR_FILENO);
	ho.fence = &fence;
	ho.done = on_done;
	ho.group_done = on_group;
	ho.tick = on_tick;
	ho.arg = &r;
	if ((r.f.http = http_new(&ho)) == NULL)
		return cli_fail("fetch: %s", "cannot start libcurl");
	r.f.deadline = (double)deadline;
	feed_result_init(&r.ecbres);
	for (size_t i = 0; i < r.f.nasks; i++)
		if (strcmp(r.f.asks[i].source, "sim") == 0) {
			sources_sim(&r.f.asks[i], r.f.asks[i].last, r.f.now);
			fetch_health(&r.f, "sim")->used = 1;
			fetch_health(&r.f, "sim")->quotes++;
		}
	sources_plan(&r.f);
	if (r.ncur > 0) {
		/* A backfill takes every day's rates since 1999. */
		snprintf(r.ecb.url, sizeof(r.ecb.url), "%s/stats/eurofxref/"
		    "eurofxref-%s.xml", c->cfg.ecb_url, backfill ? "hist" :
		    "daily");
		r.ecb.max_bytes = backfill ? HTTP_BODY_MAX : 1024L * 1024;
		r.ecb_group = http_group(r.f.http, (double)deadline, 0);
		http_add(r.f.http, &r.ecb, r.ecb_group);
		fetch_health(&r.f, "ecb")->used = 1;
	}
	/* What needs no answer (the simulated market, a source without its
	 * key) is stored at once; the rest as each source finishes. */
	settle(&r);
	http_run(r.f.http, &st);
	r.requests = st.requests;
	settle(&r);
	if (r.failed_store) {
		rc = cli_db_fail(c);
		goto out;
	}
	if (store_run_tx(&r) != 0) {
		rc = cli_db_fail(c);
		goto out;
	}
	for (int i = 0; i < r.f.nhealth; i++)
		if (r.f.health[i].failed) {
			fprintf(stderr, "nestegg: fetch: %s failed: %s\n",
			    r.f.health[i].name, r.f.health[i].error);
			nfailed++;
		}
	cli_job(0, "fetch run %lld: %zu instruments, %ld requests in %.1f s: "
	    "%ld stored, %ld unchanged, %ld refused, %ld without a price; %ld "
	    "rates; %ld closes of days past%s%s", r.run_id, r.nt,
	    r.requests, now_s() - r.started, r.stored, r.unchanged, r.rejected,
	    r.missing, r.rates, r.backfilled, nfailed ? "; failed: " : "",
	    nfailed ? "see above" : "");
	if (backfill && *only && r.nt == 0) {
		fprintf(stderr, "nestegg: backfill: no instrument %s priced from "
		    "a source and held\n", only);
		rc = 1;
	}
	maybe_revalue(&r, 1);
	if (r.revalue_failed)
		rc = 1;
	else if (r.revalued)
		link_run(&r);
	if (nfailed > 0)
		rc = 1;
out:
	http_end(r.f.http);
	sources_free(&r.f);
	feed_result_free(&r.ecbres);
	free(r.fxreqs);
	free(r.t);
	free(r.fx);
	free(r.fxlast);
	return rc;
}

/* One run, if no other runs on any host (the "fetch" lease, lease.h). */
static int
run_fetch(struct cli *c, int quiet, int force, int backfill,
    const char *only)
{
	struct lease lease;
	char err[256];
	int rc;

	rc = lease_take(&lease, &c->cfg, "fetch", 0, err, sizeof(err));
	if (rc < 0)
		return cli_fail("fetch: %s", err);
	if (rc == 0) {
		printf("fetch: another fetch is running; this one has nothing "
		    "to do\n");
		return 0;
	}
	rc = fetch_held(c, quiet, force, backfill, only, &lease);
	lease_release(&lease);
	return rc;
}

int
cmd_fetch(struct cli *c, int argc, char **argv)
{
	int quiet = 0, force = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--quiet") == 0)
			quiet = 1;
		else if (strcmp(argv[i], "--force") == 0)
			force = 1;
		else
			return 2;
	}
	return run_fetch(c, quiet, force, 0, "");
}

int
cmd_backfill(struct cli *c, int argc, char **argv)
{
	const char *only = "";
	int quiet = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--quiet") == 0)
			quiet = 1;
		else if (argv[i][0] == '-' || *only)
			return 2;
		else
			only = argv[i];
	}
	return run_fetch(c, quiet, 1, 1, only);
}
