/*
 * history.c - the stored daily series (see history.h).
 */
#include "history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "series.h"
#include "value.h"

#define ROWS 500		/* days per REPLACE */
#define DAY_PARAMS 9
#define IDS "JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j "

int
series_mark(struct db *d, long long pid, const char *day)
{
	static const char q[] = "UPDATE portfolios SET series_from = "
	    "LEAST(COALESCE(series_from, '9999-12-31'), "
	    "COALESCE(?, '1000-01-01')), series_gen = series_gen + 1 "
	    "WHERE id = ?";

	return db_exec(d, NULL, NULL, q, "si", day, pid);
}

int
series_mark_instrument(struct db *d, long long iid, const char *day)
{
	static const char q[] = "UPDATE portfolios p JOIN positions x "
	    "ON x.portfolio_id = p.id SET p.series_from = "
	    "LEAST(COALESCE(p.series_from, '9999-12-31'), ?), "
	    "p.series_gen = p.series_gen + 1 WHERE x.instrument_id = ?";

	return db_exec(d, NULL, NULL, q, "si", day, iid);
}

static dec
col(const char *s)
{
	dec v = DEC_ZERO;

	if (s != NULL)
		dec_parse(s, &v);
	return v;
}

static int
cmp_ll(const void *x, const void *y)
{
	long long a = *(const long long *)x, b = *(const long long *)y;

	return a < b ? -1 : a > b;
}

/* The instruments of txs, distinct, as a JSON array into json. */
static void
held_ids(struct arena *a, const struct tx *txs, size_t n, struct buf *json)
{
	long long *ids = arena_alloc(a, (n + 1) * sizeof(*ids));
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (txs[i].instrument)
			ids[k++] = txs[i].instrument;
	qsort(ids, k, sizeof(*ids), cmp_ll);
	buf_putc(json, '[');
	for (size_t i = 0; i < k; i++)
		if (i == 0 || ids[i] != ids[i - 1])
			buf_printf(json, "%s%lld", i ? "," : "", ids[i]);
	buf_puts(json, "]");
}

/* Loads the instruments, with their closes from day from on (and the
 * last one before it), into in. */
static int
load_instruments(struct db *d, struct arena *a, const struct tx *txs,
    size_t ntx, const char *from, struct series_input *in)
{
	static const char iq[] = "SELECT i.id, i.currency, i.kind FROM " IDS
	    "JOIN instruments i ON i.id = j.id ORDER BY i.id";
	static const char cq[] = "SELECT h.instrument_id, "
	    "DATE_FORMAT(h.day, '%Y-%m-%d'), h.close FROM " IDS
	    "JOIN price_history h ON h.instrument_id = j.id "
	    "WHERE h.day >= COALESCE((SELECT MAX(b.day) FROM price_history b "
	    "WHERE b.instrument_id = j.id AND b.day < ?), ?) "
	    "ORDER BY h.instrument_id, h.day";
	struct series_inst *inst;
	struct series_point *pts;
	struct dbres r, c;
	struct buf json;
	size_t k = 0;
	int rc = -1;

	buf_init(&json);
	held_ids(a, txs, ntx, &json);
	if (db_exec(d, a, &r, iq, "s", json.data) != 0 ||
	    db_exec(d, a, &c, cq, "sss", json.data, from, from) != 0)
		goto out;
	inst = arena_alloc(a, (r.nrows + 1) * sizeof(*inst));
	pts = arena_alloc(a, (c.nrows + 1) * sizeof(*pts));
	for (size_t i = 0; i < r.nrows; i++) {
		struct series_inst *x = &inst[i];

		x->id = db_int(&r, i, 0);
		snprintf(x->currency, sizeof(x->currency), "%s",
		    db_val(&r, i, 1));
		x->liability = value_is_liability(db_val(&r, i, 2));
		x->closes = pts + k;
		for (; k < c.nrows && db_int(&c, k, 0) < x->id; k++)
			;
		x->closes = pts + k;
		for (; k < c.nrows && db_int(&c, k, 0) == x->id; k++) {
			pts[k].day = perf_daynum(db_val(&c, k, 1));
			pts[k].v = col(db_val(&c, k, 2));
			x->nclose++;
		}
	}
	in->inst = inst;
	in->ninst = r.nrows;
	rc = 0;
out:
	buf_free(&json);
	return rc;
}

/* Loads every pair of rates with its daily history and latest rate. */
static int
load_pairs(struct db *d, struct arena *a, struct series_input *in)
{
	static const char hq[] = "SELECT base, quote, "
	    "DATE_FORMAT(day, '%Y-%m-%d'), rate FROM fx_history "
	    "ORDER BY base, quote, day";
	static const char lq[] = "SELECT base, quote, rate FROM fx_rates";
	struct series_pair *p;
	struct series_point *pts;
	struct dbres h, l;
	size_t np = 0;

	if (db_exec(d, a, &h, hq, "") != 0 || db_exec(d, a, &l, lq, "") != 0)
		return -1;
	p = arena_alloc(a, (h.nrows + l.nrows + 1) * sizeof(*p));
	pts = arena_alloc(a, (h.nrows + 1) * sizeof(*pts));
	for (size_t i = 0; i < h.nrows; i++) {
		if (np == 0 || strcmp(p[np - 1].from, db_val(&h, i, 0)) != 0 ||
		    strcmp(p[np - 1].to, db_val(&h, i, 1)) != 0) {
			snprintf(p[np].from, 4, "%s", db_val(&h, i, 0));
			snprintf(p[np].to, 4, "%s", db_val(&h, i, 1));
			p[np].rates = pts + i;
			np++;
		}
		pts[i].day = perf_daynum(db_val(&h, i, 2));
		pts[i].v = col(db_val(&h, i, 3));
		p[np - 1].nrate++;
	}
	for (size_t i = 0; i < l.nrows; i++) {
		size_t k;

		for (k = 0; k < np && (strcmp(p[k].from, db_val(&l, i, 0)) ||
		    strcmp(p[k].to, db_val(&l, i, 1))); k++)
			;
		if (k == np) {
			memset(&p[np], 0, sizeof(p[np]));
			snprintf(p[np].from, 4, "%s", db_val(&l, i, 0));
			snprintf(p[np].to, 4, "%s", db_val(&l, i, 1));
			np++;
		}
		p[k].has_latest = 1;
		p[k].latest = col(db_val(&l, i, 2));
	}
	in->pairs = p;
	in->npairs = np;
	return 0;
}

/* The REPLACE of k days (ROWS of them kept for the process). */
static char *
replace_sql(size_t k)
{
	static const char head[] = "REPLACE INTO portfolio_series "
	    "(portfolio_id, day, value, cost, cash, flow, income, fees, "
	    "unpriced) VALUES ";
	static const char row[] = "(?, ?, ?, ?, ?, ?, ?, ?, ?)";
	char *s = malloc(sizeof(head) + k * sizeof(row) + 1), *p;

	if (s == NULL)
		return NULL;
	p = s + sprintf(s, "%s", head);
	for (size_t i = 0; i < k; i++)
		p += sprintf(p, "%s%s", i ? "," : "", row);
	return s;
}

static int
store_days(struct db *d, struct arena *a, long long pid,
    const struct perf_day *days, size_t n)
{
	static char *full;
	const char **p = arena_alloc(a, ROWS * DAY_PARAMS * sizeof(*p));
	char *id = arena_printf(a, "%lld", pid);

	if (full == NULL && (full = replace_sql(ROWS)) == NULL)
		return -1;
	for (size_t i = 0; i < n; i += ROWS) {
		size_t k = n - i < ROWS ? n - i : ROWS;
		char *sql;
		int rc;

		for (size_t j = 0; j < k; j++) {
			const struct perf_day *x = &days[i + j];
			const char **v = p + j * DAY_PARAMS;
			char b[DEC_BUFSZ];

			v[0] = id;
			v[1] = x->day;
			v[2] = arena_strdup(a, dec_format(x->value, -1, b));
			v[3] = arena_strdup(a, dec_format(x->cost, -1, b));
			v[4] = arena_strdup(a, dec_format(x->cash, -1, b));
			v[5] = arena_strdup(a, dec_format(x->flow, -1, b));
			v[6] = arena_strdup(a, dec_format(x->income, -1, b));
			v[7] = arena_strdup(a, dec_format(x->fees, -1, b));
			v[8] = arena_printf(a, "%d", x->unpriced > 65535 ?
			    65535 : x->unpriced);
		}
		if (k == ROWS) {
			if (db_exec_texts(d, full, k * DAY_PARAMS, p) != 0)
				return -1;
			continue;
		}
		if ((sql = replace_sql(k)) == NULL)
			return -1;
		rc = db_exec_texts(d, sql, k * DAY_PARAMS, p);
		db_forget(d, sql);
		free(sql);
		if (rc != 0)
			return -1;
	}
	return 0;
}

int
series_update(struct db *d, struct arena *a, const struct portfolio *pf,
    time_t now, long *rebuilt)
{
	static const char st[] = "SELECT DATE_FORMAT(series_from, "
	    "'%Y-%m-%d'), DATE_FORMAT(series_to, '%Y-%m-%d'), series_gen "
	    "FROM portfolios WHERE id = ?";
	static const char before[] = "DELETE FROM portfolio_series "
	    "WHERE portfolio_id = ? AND day < ?";
	static const char all[] = "DELETE FROM portfolio_series "
	    "WHERE portfolio_id = ?";
	static const char done[] = "UPDATE portfolios SET series_from = NULL, "
	    "series_to = ? WHERE id = ? AND series_gen = ?";
	struct series_input in;
	struct perf_day *days;
	struct dbres r;
	struct tx *txs;
	size_t ntx;
	long from, to = (long)(now / 86400), first;
	const char *mark, *last;
	char fromday[11];
	long long gen;

	if (rebuilt)
		*rebuilt = 0;
	if (db_exec(d, a, &r, st, "i", pf->id) != 0 || r.nrows == 0)
		return -1;
	mark = db_val(&r, 0, 0), last = db_val(&r, 0, 1);
	gen = db_int(&r, 0, 2);
	if (pf_tx_all(d, a, pf, &txs, &ntx) != 0)
		return -1;
	if (ntx == 0) {
		if (db_exec(d, NULL, NULL, all, "i", pf->id) != 0)
			return -1;
		return db_exec(d, NULL, NULL, done, "sii", NULL, pf->id, gen);
	}
	first = perf_daynum(txs[0].date);
	if (first > to)
		to = first;		/* a transaction dated ahead */
	/* From the first marked day, and always the last stored one: it
	 * may have been stored before the day's close. */
	if (last == NULL)
		from = first;
	else {
		from = perf_daynum(last);
		if (mark != NULL && perf_daynum(mark) < from)
			from = perf_daynum(mark);
	}
	if (from < first)
		from = first;
	perf_ymd(from, fromday);
	memset(&in, 0, sizeof(in));
	in.base = pf->currency;
	in.track_cash = pf->track_cash;
	in.method = pf->method;
	in.txs = txs;
	in.ntx = ntx;
	if (load_instruments(d, a, txs, ntx, fromday, &in) != 0 ||
	    load_pairs(d, a, &in) != 0)
		return -1;
	days = malloc((size_t)(to - from + 1) * sizeof(*days));
	if (days == NULL)
		return -1;
	if (series_build(&in, from, to, days) != 0) {
		free(days);
		return -1;
	}
	perf_ymd(first, fromday);
	if (db_begin(d) != 0 ||
	    db_exec(d, NULL, NULL, before, "is", pf->id, fromday) != 0 ||
	    store_days(d, a, pf->id, days, (size_t)(to - from + 1)) != 0 ||
	    db_exec(d, NULL, NULL, done, "sii", days[to - from].day, pf->id,
	    gen) != 0 || db_commit(d) != 0) {
		db_rollback(d);
		free(days);
		return -1;
	}
	if (rebuilt)
		*rebuilt = to - from + 1;
	free(days);
	return 0;
}

int
series_read(struct db *d, struct arena *a, long long pid, const char *from,
    const char *to, struct perf_day **out, size_t *n)
{
	static const char q[] = "SELECT DATE_FORMAT(day, '%Y-%m-%d'), value, "
	    "cost, cash, flow, income, fees, unpriced FROM portfolio_series "
	    "WHERE portfolio_id = ? AND (? = '' OR day >= ?) "
	    "AND (? = '' OR day <= ?) ORDER BY day";
	struct dbres r;

	if (db_exec(d, a, &r, q, "issss", pid, from, from, to, to) != 0)
		return -1;
	*out = arena_alloc(a, (r.nrows + 1) * sizeof(**out));
	for (size_t i = 0; i < r.nrows; i++) {
		struct perf_day *x = &(*out)[i];

		snprintf(x->day, sizeof(x->day), "%s", db_val(&r, i, 0));
		x->value = col(db_val(&r, i, 1));
		x->cost = col(db_val(&r, i, 2));
		x->cash = col(db_val(&r, i, 3));
		x->flow = col(db_val(&r, i, 4));
		x->income = col(db_val(&r, i, 5));
		x->fees = col(db_val(&r, i, 6));
		x->unpriced = (int)db_int(&r, i, 7);
	}
	*n = r.nrows;
	return 0;
}
