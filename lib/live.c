/*
 * live.c - what the live panel tells open browsers (see live.h).
 */
#include "live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "portfolio.h"

#define MS(x) LIVE_MS_SQL(x)

int
live_cursor_now(struct db *d, struct live_cursor *c)
{
	static const char q[] = "SELECT COALESCE((SELECT MAX(id) FROM "
	    "valuation_runs), 0), COALESCE((SELECT MAX(id) FROM "
	    "ledger_changes), 0), " MS("NOW(3)");
	struct dbres r;
	struct arena a;
	int rc;

	arena_init(&a);
	rc = db_exec(d, &a, &r, q, "");
	if (rc == 0) {
		c->run = db_int(&r, 0, 0);
		c->change = db_int(&r, 0, 1);
		c->ms = db_int(&r, 0, 2);
	}
	arena_free(&a);
	return rc;
}

void
live_cursor_format(const struct live_cursor *c, char out[LIVE_CURSOR_MAX])
{
	snprintf(out, LIVE_CURSOR_MAX, "%lld.%lld.%lld", c->run, c->change,
	    c->ms);
}

const char *
live_since(struct arena *a, const char *query)
{
	struct kvlist q;

	memset(&q, 0, sizeof(q));
	if (query == NULL || http_parse_urlencoded(a, &q, query,
	    strlen(query)) != HTTP_OK)
		return NULL;
	return kv_get(&q, "since");
}

int
live_cursor_parse(const char *s, struct live_cursor *c)
{
	long long v[3] = { 0, 0, 0 };
	int k = 0, n;

	if (s == NULL)
		return -1;
	/* Two or three numbers of digits only, dot-separated. */
	for (;;) {
		if (*s < '0' || *s > '9' || sscanf(s, "%18lld%n", &v[k],
		    &n) != 1)
			return -1;
		s += n;
		k++;
		if (*s == '\0')
			break;
		if (*s != '.' || k == 3)
			return -1;
		s++;
	}
	if (k < 2)
		return -1;
	c->run = v[0];
	c->change = v[1];
	c->ms = v[2];
	return 0;
}

int
live_cursor_before(const struct live_cursor *a, const struct live_cursor *b)
{
	return a->run < b->run || a->change < b->change || a->ms < b->ms;
}

int
live_cursor_kept(struct db *d, const struct live_cursor *c)
{
	static const char q[] = "SELECT COALESCE((SELECT MAX(id) FROM "
	    "valuation_runs), 0), COALESCE((SELECT MAX(id) FROM "
	    "ledger_changes), 0), " MS("NOW(3)");
	long long keep = LIVE_CHANGES_KEPT;
	struct dbres r;
	struct arena a;
	int rc = -1;

	/* Runs in the window are looked up by their rows too. */
	if (d->cfg != NULL && d->cfg->runs_keep > 0 && d->cfg->runs_keep < keep)
		keep = d->cfg->runs_keep;
	if (c->ms <= 0)
		return 0;
	arena_init(&a);
	if (db_exec(d, &a, &r, q, "") == 0) {
		long long now = db_int(&r, 0, 2);

		rc = c->run <= db_int(&r, 0, 0) &&
		    c->change <= db_int(&r, 0, 1) &&
		    c->ms <= now + LIVE_CHANGE_LAG * 1000LL &&
		    c->ms - LIVE_CHANGE_LAG * 1000LL > now - keep * 1000;
	}
	arena_free(&a);
	return rc;
}

/* The index of key in s, or where it would go. */
static size_t
seen_find(const struct live_seen *s, long long key)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->v[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
live_seen_has(const struct live_seen *s, long long key)
{
	size_t i = seen_find(s, key);

	return i < s->n && s->v[i].key == key;
}

void
live_seen_add(struct live_seen *s, long long key, long long ms)
{
	size_t i = seen_find(s, key);

	if (i < s->n && s->v[i].key == key) {
		s->v[i].ms = ms;
		return;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct live_seen_row *v = realloc(s->v, cap * sizeof(*v));

		if (v == NULL)
			abort();
		s->v = v;
		s->cap = cap;
	}
	memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(s->v[0]));
	s->v[i].key = key;
	s->v[i].ms = ms;
	s->n++;
}

void
live_seen_prune(struct live_seen *s, long long ms)
{
	size_t o = 0;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].ms >= ms)
			s->v[o++] = s->v[i];
	s->n = o;
}

void
live_seen_free(struct live_seen *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Appends s as a JSON string; "<" and ">" escaped too. */
static void
json_str(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	buf_putc(b, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
		} else if (c == '\n')
			buf_puts(b, "\\n");
		else if (c < 0x20 || c == '<' || c == '>' || c == 0x7f) {
			buf_puts(b, "\\u00");
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		} else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

/* Appends an amount rounded to cur's minor unit as a JSON string. */
static void
json_money(struct buf *b, dec v, const char *cur)
{
	char t[DEC_BUFSZ];

	buf_printf(b, "\"%s\"", dec_format(v, currency_places(cur), t));
}

/* A percentage (2 places) as a JSON string. */
static void
json_pct(struct buf *b, dec pct)
{
	char t[DEC_BUFSZ];

	buf_printf(b, "\"%s\"", dec_format(pct, 2, t));
}

static void
json_time(struct buf *b, time_t t)
{
	char s[32];
	struct tm tm;

	if (t == 0) {
		buf_puts(b, "null");
		return;
	}
	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "\"%Y-%m-%dT%H:%M:%SZ\"", &tm);
	buf_puts(b, s);
}

/*
 * The book: what a portfolio's figures are computed from that only a
 * ledger change alters (its positions and cash balances), kept between
 * events so that a valuation run costs a read of prices, not of every
 * position again.
 */
struct book_pos {
	long long iid;
	struct position p;
};

struct book_cash {
	char currency[4];
	dec balance;
};

struct book_pf {
	long long pid;
	time_t read_at;
	size_t npos, ncash;
	struct book_pos *pos;
	struct book_cash *cash;
};

struct live_book {
	struct book_pf *v;	/* sorted by pid */
	size_t n, cap;
};

struct live_book *
live_book_new(void)
{
	return calloc(1, sizeof(struct live_book));
}

static void
book_pf_free(struct book_pf *p)
{
	free(p->pos);
	free(p->cash);
}

void
live_book_free(struct live_book *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->n; i++)
		book_pf_free(&b->v[i]);
	free(b->v);
	free(b);
}

/* The index of pid in b, or where it would go. */
static size_t
book_find(const struct live_book *b, long long pid)
{
	size_t lo = 0, hi = b->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b->v[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct book_pf *
book_get(const struct live_book *b, long long pid)
{
	size_t i = book_find(b, pid);

	return i < b->n && b->v[i].pid == pid ? &b->v[i] : NULL;
}

void
live_book_forget(struct live_book *b, long long pid)
{
	size_t i;

	if (b == NULL || (i = book_find(b, pid)) == b->n || b->v[i].pid != pid)
		return;
	book_pf_free(&b->v[i]);
	memmove(&b->v[i], &b->v[i + 1], (b->n - i - 1) * sizeof(b->v[0]));
	b->n--;
}

void
live_book_keep(struct live_book *b, const long long *pids, size_t n)
{
	size_t o = 0, k = 0;

	for (size_t i = 0; i < b->n; i++) {
		while (k < n && pids[k] < b->v[i].pid)
			k++;
		if (k < n && pids[k] == b->v[i].pid)
			b->v[o++] = b->v[i];
		else
			book_pf_free(&b->v[i]);
	}
	b->n = o;
}

size_t
live_book_size(const struct live_book *b)
{
	return b->n;
}

/* Adds p (sorted in); b owns its arrays now.  0 or -1 (out of memory). */
static int
book_put(struct live_book *b, const struct book_pf *p)
{
	size_t i = book_find(b, p->pid);

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct book_pf *v = realloc(b->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		b->v = v;
		b->cap = cap;
	}
	memmove(&b->v[i + 1], &b->v[i], (b->n - i) * sizeof(b->v[0]));
	b->v[i] = *p;
	b->n++;
	return 0;
}

static dec
dec_or_nan(const char *s)
{
	dec d;

	return s != NULL && dec_parse(s, &d) == 0 ? d : DEC_NAN;
}

/*
 * Seconds an entry is trusted, a safety net under the ledger changes:
 * ten minutes and up to one more, so that entries read together are not
 * all read again together.
 */
#define BOOK_AGE 600

/* pid's entry in b while it may be trusted at now; NULL if not. */
static const struct book_pf *
book_fresh(const struct live_book *b, long long pid, time_t now)
{
	const struct book_pf *p = book_get(b, pid);

	if (p == NULL || now < p->read_at ||
	    now - p->read_at >= BOOK_AGE + pid % 60)
		return NULL;
	return p;
}

/* Ids of pids as a JSON array (heap). */
static char *
ids_json(const long long *pids, size_t n)
{
	struct buf b;

	buf_init(&b);
	buf_putc(&b, '[');
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, i ? ",%lld" : "%lld", pids[i]);
	buf_putc(&b, ']');
	return b.data;
}

#define IDS "JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j "

/*
 * Reads the positions and cash of the n portfolios in pids (sorted,
 * existing) into b, replacing what it held of them.  0 or -1.
 */
static int
book_read(struct db *d, struct arena *a, struct live_book *b,
    const long long *pids, size_t n, time_t now)
{
	static const char pq[] = "SELECT p.portfolio_id, p.instrument_id, "
	    "p.quantity, p.cost, p.realized, p.income, p.fees, p.taxes, "
	    "p.charges FROM " IDS "JOIN positions p ON p.portfolio_id = j.id "
	    "ORDER BY p.portfolio_id, p.instrument_id";
	static const char cq[] = "SELECT c.portfolio_id, c.currency, "
	    "c.balance FROM " IDS "JOIN cash_balances c ON c.portfolio_id = "
	    "j.id WHERE c.balance <> 0 ORDER BY c.portfolio_id, c.currency";
	struct db_stream *s = NULL;
	struct dbres cr;
	char **row = NULL, *ids;
	size_t c = 0, cap = 0;
	struct book_pos *pos = NULL;
	int got, rc = -1;

	if (n == 0)
		return 0;
	ids = ids_json(pids, n);
	if (db_exec(d, a, &cr, cq, "s", ids) != 0 ||
	    db_stream_open(d, &s, pq, "s", ids) != 0)
		goto out;
	got = db_stream_next(s, &row);
	for (size_t i = 0; i < n; i++) {
		struct book_pf p = { pids[i], now, 0, 0, NULL, NULL };

		while (got == 1 && strtoll(row[0], NULL, 10) < p.pid)
			got = db_stream_next(s, &row);
		for (; got == 1 && strtoll(row[0], NULL, 10) == p.pid;
		    got = db_stream_next(s, &row)) {
			struct book_pos *bp;

			if (p.npos == cap) {
				cap = cap ? cap * 2 : 16;
				if ((bp = realloc(pos, cap * sizeof(*bp))) ==
				    NULL)
					goto out;
				pos = bp;
			}
			bp = &pos[p.npos++];
			bp->iid = strtoll(row[1], NULL, 10);
			bp->p.quantity = dec_or_nan(row[2]);
			bp->p.cost = dec_or_nan(row[3]);
			bp->p.realized = dec_or_nan(row[4]);
			bp->p.income = dec_or_nan(row[5]);
			bp->p.fees = dec_or_nan(row[6]);
			bp->p.taxes = dec_or_nan(row[7]);
			bp->p.charges = dec_or_nan(row[8]);
		}
		if (got < 0)
			goto out;
		while (c < cr.nrows && db_int(&cr, c, 0) < p.pid)
			c++;
		for (size_t e = c; e < cr.nrows && db_int(&cr, e, 0) == p.pid;
		    e++)
			p.ncash++;
		if ((p.pos = malloc((p.npos + 1) * sizeof(*p.pos))) == NULL ||
		    (p.cash = calloc(p.ncash + 1, sizeof(*p.cash))) == NULL) {
			book_pf_free(&p);
			goto out;
		}
		if (p.npos > 0)
			memcpy(p.pos, pos, p.npos * sizeof(*pos));
		for (size_t e = 0; e < p.ncash; e++, c++) {
			snprintf(p.cash[e].currency, sizeof(p.cash[e].currency),
			    "%s", db_val(&cr, c, 1));
			p.cash[e].balance = dec_or_nan(db_val(&cr, c, 2));
		}
		live_book_forget(b, p.pid);
		if (book_put(b, &p) != 0) {
			book_pf_free(&p);
			goto out;
		}
	}
	rc = 0;
out:
	if (s != NULL)
		db_stream_close(s);
	free(pos);
	free(ids);
	return rc;
}

long
live_book_fill(struct db *d, struct arena *a, struct live_book *b,
    const long long *pids, size_t n, size_t most, time_t now)
{
	long long *need = arena_alloc(a, (most + 1) * sizeof(*need));
	size_t k = 0, left = 0;

	for (size_t i = 0; i < n; i++) {
		if ((i > 0 && pids[i] == pids[i - 1]) ||
		    book_fresh(b, pids[i], now) != NULL)
			continue;
		if (k < most)
			need[k++] = pids[i];
		else
			left++;
	}
	if (book_read(d, a, b, need, k, now) != 0)
		return -1;
	return (long)left;
}

/* An instrument held, with its price now. */
struct held {
	long long id;
	const char *kind, *source;
	char currency[4];
	struct quote quote;
	size_t off, len;	/* its price's JSON members, in a text */
};

static int
id_cmp(const void *x, const void *y)
{
	long long a = *(const long long *)x, b = *(const long long *)y;

	return a < b ? -1 : a > b;
}

/*
 * The instruments the n book entries hold, sorted by id, with their
 * prices now and, in text, the JSON members of each price (arena).
 */
static int
held_read(struct db *d, struct arena *a, struct book_pf **e, size_t n,
    struct held **out, size_t *nout, struct buf *text)
{
	static const char q[] = "SELECT i.id, i.kind, i.currency, i.source, "
	    "pr.price, pr.prev_close, UNIX_TIMESTAMP(pr.as_of) FROM " IDS
	    "JOIN instruments i ON i.id = j.id LEFT JOIN prices pr ON "
	    "pr.instrument_id = i.id ORDER BY i.id";
	struct dbres r;
	long long *iids;
	size_t m = 0, k = 0;
	char *ids, t[DEC_BUFSZ];
	int rc;

	for (size_t i = 0; i < n; i++)
		m += e[i]->npos;
	iids = arena_alloc(a, (m + 1) * sizeof(*iids));
	m = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t p = 0; p < e[i]->npos; p++)
			iids[m++] = e[i]->pos[p].iid;
	qsort(iids, m, sizeof(*iids), id_cmp);
	for (size_t i = 0; i < m; i++)
		if (k == 0 || iids[k - 1] != iids[i])
			iids[k++] = iids[i];
	*out = arena_alloc(a, (k + 1) * sizeof(**out));
	*nout = 0;
	if (k == 0)
		return 0;
	ids = ids_json(iids, k);
	rc = db_exec(d, a, &r, q, "s", ids);
	free(ids);
	if (rc != 0)
		return -1;
	for (size_t i = 0; i < r.nrows; i++) {
		struct held *in = &(*out)[i];

		memset(in, 0, sizeof(*in));
		in->id = db_int(&r, i, 0);
		in->kind = db_val(&r, i, 1);
		snprintf(in->currency, sizeof(in->currency), "%s",
		    db_val(&r, i, 2));
		in->source = db_val(&r, i, 3);
		in->off = text->len;
		if (db_val(&r, i, 4) != NULL) {
			in->quote.known = 1;
			in->quote.price = dec_or_nan(db_val(&r, i, 4));
			if (db_val(&r, i, 5) != NULL) {
				in->quote.prev_close = dec_or_nan(db_val(&r, i,
				    5));
				in->quote.has_prev = 1;
			}
			in->quote.as_of = (time_t)db_int(&r, i, 6);
			buf_puts(text, "\"price\":\"");
			buf_puts(text, dec_format(in->quote.price, -1, t));
			buf_puts(text, "\",\"price_as_of\":");
			json_time(text, in->quote.as_of);
		} else
			buf_puts(text, "\"price\":null,\"price_as_of\":null");
		in->len = text->len - in->off;
	}
	*nout = r.nrows;
	return 0;
}

static const struct held *
held_find(const struct held *v, size_t n, long long id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].id == id ? &v[lo] : NULL;
}

/* Appends one open holding's object; price holds its price's members. */
static void
holding_json(struct buf *b, const struct holding *h, const char *base,
    const char *price, size_t plen)
{
	buf_printf(b, "{\"id\":%lld,", h->inst.id);
	buf_append(b, price, plen);
	buf_puts(b, h->v.priced && !h->v.stale ? ",\"stale\":false" :
	    ",\"stale\":true");
	buf_puts(b, ",\"value\":");
	if (h->v.priced)
		json_money(b, h->v.value, base);
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"day_change\":");
	if (h->v.priced && h->v.has_day)
		json_money(b, h->v.day_change, base);
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"unrealized\":");
	if (h->v.priced)
		json_money(b, h->v.unrealized, base);
	else
		buf_puts(b, "null");
	buf_putc(b, '}');
}

/* Appends the figures of view v (its open holdings' objects in hold). */
static void
portfolio_json(struct buf *b, const struct pf_view *v, const char *ucur,
    const struct fx_table *fx, const struct buf *hold, time_t now)
{
	const struct totals *t = &v->t;
	const char *cur = v->pf.currency;
	dec uv, ud, ug;

	buf_printf(b, "{\"id\":%lld,\"name\":", v->pf.id);
	json_str(b, v->pf.name);
	buf_puts(b, ",\"currency\":");
	json_str(b, cur);
	buf_puts(b, ",\"value\":");
	json_money(b, t->value, cur);
	buf_puts(b, ",\"holdings_value\":");
	json_money(b, t->holdings_value, cur);
	buf_puts(b, ",\"cash\":");
	json_money(b, t->cash, cur);
	buf_puts(b, ",\"day_change\":");
	if (t->day_known > 0)
		json_money(b, t->day_change, cur);
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"day_pct\":");
	if (t->day_known > 0 && dec_sign(dec_sub(t->holdings_value,
	    t->day_change)) > 0)
		json_pct(b, value_pct(t->day_change, dec_sub(t->holdings_value,
		    t->day_change)));
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"total_gain\":");
	json_money(b, t->total_gain, cur);
	buf_puts(b, ",\"unrealized\":");
	json_money(b, t->unrealized, cur);
	buf_puts(b, ",\"unrealized_pct\":");
	if (dec_sign(t->priced_cost) > 0)
		json_pct(b, value_pct(t->unrealized, t->priced_cost));
	else
		buf_puts(b, "null");
	/* In the owner's currency, for the total across portfolios. */
	buf_puts(b, ",\"user\":");
	if (fx_convert(fx, t->value, cur, ucur, &uv) == 0 &&
	    fx_convert(fx, t->day_change, cur, ucur, &ud) == 0 &&
	    fx_convert(fx, t->total_gain, cur, ucur, &ug) == 0) {
		buf_puts(b, "{\"currency\":");
		json_str(b, ucur);
		buf_puts(b, ",\"value\":");
		json_money(b, uv, ucur);
		buf_puts(b, ",\"day_change\":");
		json_money(b, ud, ucur);
		buf_puts(b, ",\"total_gain\":");
		json_money(b, ug, ucur);
		buf_putc(b, '}');
	} else
		buf_puts(b, "null");
	buf_puts(b, ",\"prices_as_of\":");
	json_time(b, v->prices_as_of);
	buf_printf(b, ",\"stale\":%d,\"unpriced\":%d,\"computed_at\":",
	    t->stale, t->unpriced);
	json_time(b, now);
	buf_puts(b, ",\"holdings\":[");
	buf_append(b, hold->data ? hold->data : "", hold->len);
	buf_puts(b, "]}");
}

int
live_portfolios(struct db *d, struct arena *a, struct live_book *book,
    const long long *pids, size_t n, const struct stale_policy *sp,
    time_t now, struct buf *text, struct live_piece *pieces)
{
	static const char pq[] = "SELECT pf.id, pf.user_id, pf.name, "
	    "pf.currency, pf.cost_method, pf.cash_income, pf.cash_fees, "
	    "pf.cash_taxes, pf.track_cash, u.currency FROM " IDS
	    "JOIN portfolios pf "
	    "ON pf.id = j.id JOIN users u ON u.id = pf.user_id ORDER BY pf.id";
	struct live_book own = { NULL, 0, 0 };
	struct live_book *b = book != NULL ? book : &own;
	struct book_pf **e;
	struct held *inst;
	struct dbres pr;
	struct fx_table fx;
	struct buf hold, prices;
	long long *need;
	size_t k = 0, nneed = 0, ne = 0, ninst;
	char *ids = NULL;
	int rc = -1;

	buf_init(&hold);
	buf_init(&prices);
	if (n == 0) {
		rc = 0;
		goto out;
	}
	ids = ids_json(pids, n);
	if (fx_load(d, a, &fx) != 0 || db_exec(d, a, &pr, pq, "s", ids) != 0)
		goto out;
	/* Those of the portfolios not in the book, or there too long. */
	need = arena_alloc(a, (pr.nrows + 1) * sizeof(*need));
	for (size_t i = 0; i < pr.nrows; i++)
		if (book_fresh(b, db_int(&pr, i, 0), now) == NULL)
			need[nneed++] = db_int(&pr, i, 0);
	if (book_read(d, a, b, need, nneed, now) != 0)
		goto out;
	e = arena_alloc(a, (pr.nrows + 1) * sizeof(*e));
	for (size_t i = 0; i < pr.nrows; i++)
		if ((e[ne] = book_get(b, db_int(&pr, i, 0))) != NULL)
			ne++;
	if (ne != pr.nrows)
		goto out;
	if (held_read(d, a, e, ne, &inst, &ninst, &prices) != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		long long pid = pids[i];
		struct pf_view v;
		struct portfolio pf;
		const struct book_pf *p;

		pieces[i].pid = pid;
		pieces[i].uid = 0;
		pieces[i].off = text->len;
		while (k < pr.nrows && db_int(&pr, k, 0) < pid)
			k++;
		if (k == pr.nrows || db_int(&pr, k, 0) != pid) {
			buf_printf(text, "{\"id\":%lld,\"deleted\":true}", pid);
			pieces[i].len = text->len - pieces[i].off;
			continue;
		}
		p = e[k];
		pf_row(&pr, k, &pf);
		pieces[i].uid = pf.user_id;
		pf_view_start(&v, &pf);
		buf_reset(&hold);
		for (size_t j = 0; j < p->npos; j++) {
			const struct held *in = held_find(inst, ninst,
			    p->pos[j].iid);
			struct holding h;

			if (in == NULL)
				continue;	/* cannot be: instruments stay */
			memset(&h.inst, 0, sizeof(h.inst));
			h.inst.id = in->id;
			h.inst.kind = in->kind;
			h.inst.source = in->source;
			memcpy(h.inst.currency, in->currency,
			    sizeof(h.inst.currency));
			h.pos = p->pos[j].p;
			h.quote = in->quote;
			h.price_source = NULL;
			pf_view_add_holding(&v, &h, &fx, sp, now);
			if (!dec_is_zero(h.pos.quantity)) {
				if (hold.len > 0)
					buf_putc(&hold, ',');
				holding_json(&hold, &h, pf.currency,
				    prices.data + in->off, in->len);
			}
		}
		for (size_t j = 0; j < p->ncash; j++) {
			struct cash_line cl;

			memset(&cl, 0, sizeof(cl));
			memcpy(cl.currency, p->cash[j].currency,
			    sizeof(cl.currency));
			cl.balance = p->cash[j].balance;
			pf_view_add_cash(&v, &cl, &fx);
		}
		pf_view_finish(&v);
		portfolio_json(text, &v, db_val(&pr, k, 9), &fx, &hold, now);
		pieces[i].len = text->len - pieces[i].off;
	}
	rc = 0;
out:
	for (size_t i = 0; i < own.n; i++)
		book_pf_free(&own.v[i]);
	free(own.v);
	buf_free(&hold);
	buf_free(&prices);
	free(ids);
	return rc;
}

int
live_user_portfolios(struct db *d, struct arena *a, long long uid,
    long long **pids, size_t *n)
{
	static const char q[] = "SELECT id FROM portfolios WHERE user_id = ? "
	    "ORDER BY id";
	struct dbres r;

	if (db_exec(d, a, &r, q, "i", uid) != 0)
		return -1;
	*pids = arena_alloc(a, (r.nrows + 1) * sizeof(**pids));
	for (size_t i = 0; i < r.nrows; i++)
		(*pids)[i] = db_int(&r, i, 0);
	*n = r.nrows;
	return 0;
}

int
live_user_changed(struct db *d, struct arena *a, long long uid,
    const struct live_cursor *c, struct live_seen *seen, long long **pids,
    size_t *n)
{
	/* Each row: portfolio, key (a run's id negated, a change's id),
	 * time.  A run's row may be gone (runs_keep): then its id alone. */
	static const char q[] = "SELECT l.portfolio_id, -CAST(l.run_id AS "
	    "SIGNED), " MS("v.finished_at") " FROM portfolios p "
	    "JOIN portfolio_latest l ON l.portfolio_id = p.id "
	    "LEFT JOIN valuation_runs v ON v.id = l.run_id "
	    "WHERE p.user_id = ? AND (l.run_id > ? OR v.finished_at >= "
	    "FROM_UNIXTIME(? / 1000) - INTERVAL " LIVE_LAG_SQL " SECOND) "
	    "UNION ALL SELECT portfolio_id, id, " MS("at") " FROM "
	    "ledger_changes WHERE user_id = ? AND (id > ? OR at >= "
	    "FROM_UNIXTIME(? / 1000) - INTERVAL " LIVE_LAG_SQL " SECOND) "
	    "ORDER BY 1";
	struct dbres r;
	size_t k = 0;
	char *fresh;

	if (db_exec(d, a, &r, q, "iiiiii", uid, c->run, c->ms, uid, c->change,
	    c->ms) != 0)
		return -1;
	*pids = arena_alloc(a, (r.nrows + 1) * sizeof(**pids));
	fresh = arena_alloc(a, r.nrows + 1);
	/* Which rows are new, all against seen as it was: the rows of one
	 * run are as new as each other. */
	for (size_t i = 0; i < r.nrows; i++)
		fresh[i] = seen == NULL || !live_seen_has(seen,
		    db_int(&r, i, 1));
	for (size_t i = 0; i < r.nrows; i++) {
		long long pid = db_int(&r, i, 0);

		if (!fresh[i])
			continue;
		if (seen != NULL)
			live_seen_add(seen, db_int(&r, i, 1), db_int(&r, i, 2));
		if (k == 0 || (*pids)[k - 1] != pid)
			(*pids)[k++] = pid;
	}
	*n = k;
	return 0;
}

long
live_spread_ms(long streams)
{
	long ms = streams * 2;

	return ms < 250 ? 250 : ms > 30000 ? 30000 : ms;
}

void
live_event_data(struct buf *out, const struct live_cursor *c, int full,
    long streams, const char *text, const struct live_piece *pieces,
    const size_t *idx, size_t n)
{
	buf_printf(out, "{\"run\":%lld,\"change\":%lld,\"full\":%s,"
	    "\"spread_ms\":%ld,\"portfolios\":[", c->run, c->change,
	    full ? "true" : "false", live_spread_ms(streams));
	for (size_t i = 0; i < n; i++) {
		const struct live_piece *p = &pieces[idx[i]];

		if (i > 0)
			buf_putc(out, ',');
		buf_append(out, text + p->off, p->len);
	}
	buf_puts(out, "]}");
}
