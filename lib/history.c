/*
 * history.c - the stored daily series (see history.h).
 */
#include "history.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "series.h"
#include "value.h"

#define ROWS 500		/* days per REPLACE */
#define DAY_PARAMS 11
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
	static const char gen[] = "UPDATE instruments SET history_gen = "
	    "history_gen + 1 WHERE id = ?";

	if (db_exec(d, NULL, NULL, q, "si", day, iid) != 0)
		return -1;
	return db_exec(d, NULL, NULL, gen, "i", iid);
}

int
series_mark_all(struct db *d, const char *day)
{
	static const char q[] = "UPDATE portfolios SET series_from = "
	    "LEAST(COALESCE(series_from, '9999-12-31'), ?), "
	    "series_gen = series_gen + 1 WHERE series_to IS NOT NULL";

	return db_exec(d, NULL, NULL, q, "s", day);
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

/*
 * The closes of days past, per instrument, kept by the process between
 * reads: a series of twenty years reads a million of them, which costs
 * the database far more to send than the series to compute.  Days from
 * RECENT days ago on are always read afresh (a fetch may still write
 * them); an older close changed bumps the instrument's history_gen,
 * which sends its copy to be read again.  At most CACHE_POINTS in all.
 */
#define RECENT 7
#define CACHE_POINTS (4u << 20)

struct cached {
	long long id;
	long long gen;
	long upto;		/* closes of the days before it are here */
	struct series_point *v;
	size_t n;
};

static struct {
	pthread_mutex_t mu;
	struct cached *v;
	size_t n, cap, points;
} cache = { PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0, 0 };

static struct cached *
cache_find(long long id)
{
	for (size_t i = 0; i < cache.n; i++)
		if (cache.v[i].id == id)
			return &cache.v[i];
	return NULL;
}

static void
cache_clear(void)
{
	for (size_t i = 0; i < cache.n; i++)
		free(cache.v[i].v);
	cache.n = cache.points = 0;
}

/* Appends "day close;..." (day: perf_daynum) to the n points at *v
 * (room *cap), keeping days in [lo, hi); 0, or -1. */
static int
parse_closes(const char *s, long lo, long hi, struct series_point **v,
    size_t *n, size_t *cap)
{
	while (*s) {
		char *end;
		const char *sp, *semi;
		long day = strtol(s, &end, 10);

		if (end == s || *end != ' ')
			return -1;
		sp = end + 1;
		semi = strchr(sp, ';');
		if (semi == NULL)
			semi = sp + strlen(sp);
		if (day >= lo && day < hi) {
			if (*n == *cap) {
				size_t c = *cap ? *cap * 2 : 256;
				struct series_point *x = realloc(*v,
				    c * sizeof(*x));

				if (x == NULL)
					return -1;
				*v = x, *cap = c;
			}
			(*v)[*n].day = day;
			if (dec_parsen(sp, (size_t)(semi - sp), &(*v)[*n].v))
				return -1;
			(*n)++;
		}
		s = *semi ? semi + 1 : semi;
	}
	return 0;
}

static int
cmp_point(const void *x, const void *y)
{
	const struct series_point *a = x, *b = y;

	return a->day < b->day ? -1 : a->day > b->day;
}

/* Sorts v[0..n) by day unless it already is. */
static void
by_day(struct series_point *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (v[i].day < v[i - 1].day) {
			qsort(v, n, sizeof(*v), cmp_point);
			return;
		}
}

/*
 * Reads the closes of the n instruments ids from day lo (perf_daynum)
 * up to hi (exclusive; 0 for no end), one text per instrument (a
 * million rows would cost far more to carry one by one).  The ids are
 * listed (IN (?, ...)): a join would read every day of each.  0 or -1.
 */
static int
read_closes(struct db *d, struct arena *a, const long long *ids, size_t n,
    long lo, long hi, struct dbres *out)
{
	static const char len[] = "SET SESSION group_concat_max_len = "
	    "1073741824";
	const char **p = arena_alloc(a, (n + 2) * sizeof(*p));
	struct buf q;
	char from[11], to[11];
	int rc;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return 0;
	if (db_exec(d, NULL, NULL, len, "") != 0)
		return -1;
	perf_ymd(lo, from);
	perf_ymd(hi ? hi : perf_daynum("9999-12-31"), to);
	buf_init(&q);
	buf_puts(&q, "SELECT instrument_id, GROUP_CONCAT(TO_DAYS(day) - "
	    "719528, ' ', close SEPARATOR ';') FROM price_history "
	    "WHERE day >= ? AND day < ? AND instrument_id IN (");
	p[0] = from, p[1] = to;
	for (size_t i = 0; i < n; i++) {
		buf_puts(&q, i ? ", ?" : "?");
		p[i + 2] = arena_printf(a, "%lld", ids[i]);
	}
	buf_puts(&q, ") GROUP BY instrument_id ORDER BY instrument_id");
	rc = db_query_texts(d, a, out, q.data, n + 2, p);
	db_forget(d, q.data);
	buf_free(&q);
	return rc;
}

/* The text of instrument id's closes in r (sorted by id), or "". */
static const char *
closes_of(const struct dbres *r, long long id)
{
	size_t lo = 0, hi = r->nrows;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (db_int(r, mid, 0) < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->nrows && db_int(r, lo, 0) == id && db_val(r, lo, 1) ?
	    db_val(r, lo, 1) : "";
}

/*
 * Loads the instruments of txs, with their closes from the last one
 * before day from on, into in; the closes are malloc'd in *pts.
 */
static int
load_raw(struct db *d, struct arena *a, const struct tx *txs,
    size_t ntx, long from, long today, struct series_input *in,
    struct series_point **pts)
{
	static const char iq[] = "SELECT i.id, i.currency, i.kind, "
	    "i.history_gen FROM " IDS "JOIN instruments i ON i.id = j.id "
	    "ORDER BY i.id";
	long cut = today - RECENT;
	struct series_inst *inst;
	struct dbres r, old, recent;
	struct buf json;
	long long *ids, *stale;
	size_t np = 0, cap = 0, *first, nstale = 0;
	long lo = cut;
	int rc = -1, locked = 0;

	buf_init(&json);
	*pts = NULL;
	held_ids(a, txs, ntx, &json);
	if (db_exec(d, a, &r, iq, "s", json.data) != 0)
		goto out;
	ids = arena_alloc(a, (r.nrows + 1) * sizeof(*ids));
	for (size_t i = 0; i < r.nrows; i++)
		ids[i] = db_int(&r, i, 0);
	if (read_closes(d, a, ids, r.nrows, cut, 0, &recent) != 0)
		goto out;
	pthread_mutex_lock(&cache.mu);
	locked = 1;
	/* Those whose copy is missing, out of date, or short of the cut. */
	stale = arena_alloc(a, (r.nrows + 1) * sizeof(*stale));
	for (size_t i = 0; i < r.nrows; i++) {
		struct cached *c = cache_find(db_int(&r, i, 0));

		if (c != NULL && c->gen == db_int(&r, i, 3) && c->upto >= cut)
			continue;
		if (c != NULL && c->gen == db_int(&r, i, 3) && c->upto < lo)
			lo = c->upto;
		else if (c == NULL || c->gen != db_int(&r, i, 3))
			lo = -25568;		/* 1899-12-31 */
		stale[nstale++] = db_int(&r, i, 0);
	}
	if (nstale > 0) {
		if (read_closes(d, a, stale, nstale, lo, cut, &old) != 0)
			goto out;
		for (size_t i = 0; i < r.nrows; i++) {
			long long id = db_int(&r, i, 0), gen = db_int(&r, i, 3);
			struct cached *c = cache_find(id);
			size_t ccap;

			if (c != NULL && c->gen == gen && c->upto >= cut)
				continue;
			if (c == NULL || c->gen != gen) {
				if (c == NULL) {
					if (cache.n == cache.cap) {
						size_t nc = cache.cap ?
						    cache.cap * 2 : 64;
						struct cached *x = realloc(
						    cache.v, nc * sizeof(*x));

						if (x == NULL)
							goto out;
						cache.v = x, cache.cap = nc;
					}
					c = &cache.v[cache.n++];
					c->v = NULL;
				}
				cache.points -= c->v ? c->n : 0;
				free(c->v);
				c->id = id, c->gen = gen, c->v = NULL;
				c->n = 0, c->upto = -25568;
			}
			ccap = c->n;
			if (parse_closes(closes_of(&old, id), c->upto, cut,
			    &c->v, &c->n, &ccap) != 0)
				goto out;
			by_day(c->v, c->n);
			cache.points += c->n;
			c->upto = cut;
		}
	}
	/* Each instrument's: the copy from the last close before from on,
	 * then the recent days. */
	cap = recent.nrows * (RECENT + 1) + 16;
	for (size_t i = 0; i < cache.n; i++)
		cap += cache.v[i].n;
	if ((*pts = malloc(cap * sizeof(**pts))) == NULL)
		goto out;
	inst = arena_alloc(a, (r.nrows + 1) * sizeof(*inst));
	first = arena_alloc(a, (r.nrows + 1) * sizeof(*first));
	for (size_t i = 0; i < r.nrows; i++) {
		struct series_inst *x = &inst[i];
		struct cached *c = cache_find(db_int(&r, i, 0));
		size_t k = 0, before = np;

		x->id = db_int(&r, i, 0);
		snprintf(x->currency, sizeof(x->currency), "%s",
		    db_val(&r, i, 1));
		x->liability = value_is_liability(db_val(&r, i, 2));
		first[i] = np;
		if (c != NULL) {
			/* The last close before from, and all after it. */
			while (k + 1 < c->n && c->v[k + 1].day < from)
				k++;
			for (; k < c->n; k++) {
				if (np == cap) {
					size_t nc = cap ? cap * 2 : 4096;
					struct series_point *v = realloc(*pts,
					    nc * sizeof(*v));

					if (v == NULL)
						goto out;
					*pts = v, cap = nc;
				}
				(*pts)[np++] = c->v[k];
			}
		}
		if (parse_closes(closes_of(&recent, x->id), cut, 1L << 40,
		    pts, &np, &cap) != 0)
			goto out;
		by_day(*pts + before, np - before);
		x->nclose = np - before;
	}
	for (size_t i = 0; i < r.nrows; i++)
		inst[i].closes = inst[i].nclose ? *pts + first[i] : NULL;
	in->inst = inst;
	in->ninst = r.nrows;
	rc = 0;
out:
	if (cache.points > CACHE_POINTS && locked)
		cache_clear();
	if (locked)
		pthread_mutex_unlock(&cache.mu);
	buf_free(&json);
	return rc;
}

static int
cmp_inst_id(const void *key, const void *elem)
{
	long long id = *(const long long *)key;
	const struct series_inst *x = elem;

	return id < x->id ? -1 : id > x->id;
}

/*
 * Takes the splits txs record back out of the closes in in that a
 * source gave split-adjusted (adjusted_to on or after the split, the
 * close's day before it): a close of before a two-for-one split is
 * then the price it traded at, for the shares held then.  0 or -1.
 */
static int
unadjust(struct db *d, struct arena *a, const struct tx *txs, size_t ntx,
    struct series_input *in)
{
	static const char q[] = "SELECT TO_DAYS(day) - 719528 FROM "
	    "price_history WHERE instrument_id = ? AND day >= ? AND day < ? "
	    "AND adjusted_to >= ? ORDER BY day";

	for (size_t i = 0; i < ntx; i++) {
		const struct tx *t = &txs[i];
		const struct series_inst *x;
		struct series_point *v;
		struct dbres r;
		char lo[11];

		if (t->type != TX_SPLIT || (x = bsearch(&t->instrument,
		    in->inst, in->ninst, sizeof(*in->inst),
		    cmp_inst_id)) == NULL || x->nclose == 0)
			continue;
		perf_ymd(x->closes[0].day, lo);
		if (db_exec(d, a, &r, q, "isss", t->instrument, lo, t->date,
		    t->date) != 0)
			return -1;
		v = (struct series_point *)x->closes;
		for (size_t k = 0, j = 0; k < r.nrows; k++) {
			long day = (long)db_int(&r, k, 0);

			while (j < x->nclose && v[j].day < day)
				j++;
			if (j == x->nclose || v[j].day != day)
				continue;
			v[j].v = dec_mul(v[j].v, t->quantity);
			if (t->has & TXF_PRICE)
				v[j].v = dec_div(v[j].v, t->price);
		}
	}
	return 0;
}

static int
load_instruments(struct db *d, struct arena *a, const struct tx *txs,
    size_t ntx, long from, long today, struct series_input *in,
    struct series_point **pts)
{
	if (load_raw(d, a, txs, ntx, from, today, in, pts) != 0)
		return -1;
	return unadjust(d, a, txs, ntx, in);
}

/* Loads every pair of rates with its daily history and latest rate. */
/* Every rate's whole history, and the latest, into in. */
static int
load_pairs(struct db *d, struct arena *a, struct series_input *in)
{
	struct fx_days h;

	if (fx_days_load(d, a, "", "9999-12-31", "", &h) != 0)
		return -1;
	in->pairs = h.pairs;
	in->npairs = h.npairs;
	return 0;
}

static int
store_days(struct db *d, struct arena *a, long long pid,
    const struct perf_day *days, size_t n)
{
	static struct db_rows rep = DB_ROWS("REPLACE INTO portfolio_series "
	    "(portfolio_id, day, value, cost, cash, flow, income, fees, fx, "
	    "unpriced, flow_in) VALUES ", "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "", DAY_PARAMS, ROWS);
	const char **p = arena_alloc(a, (n + 1) * DAY_PARAMS * sizeof(*p));
	char *id = arena_printf(a, "%lld", pid);

	for (size_t i = 0; i < n; i++) {
		const struct perf_day *x = &days[i];
		const char **v = p + i * DAY_PARAMS;
		char b[DEC_BUFSZ];

		v[0] = id;
		v[1] = x->day;
		v[2] = arena_strdup(a, dec_format(x->value, -1, b));
		v[3] = arena_strdup(a, dec_format(x->cost, -1, b));
		v[4] = arena_strdup(a, dec_format(x->cash, -1, b));
		v[5] = arena_strdup(a, dec_format(x->flow, -1, b));
		v[6] = arena_strdup(a, dec_format(x->income, -1, b));
		v[7] = arena_strdup(a, dec_format(x->fees, -1, b));
		v[8] = arena_strdup(a, dec_format(x->fx, -1, b));
		v[9] = arena_printf(a, "%d", x->unpriced > 65535 ? 65535 :
		    x->unpriced);
		v[10] = arena_strdup(a, dec_format(x->inflow, -1, b));
	}
	return db_exec_rows(d, &rep, n, p);
}

/* Stores the time-weighted return since the first stored day. */
static int
store_twr(struct db *d, struct arena *a, long long pid)
{
	static const char q[] = "SELECT value, flow, flow_in FROM "
	    "portfolio_series WHERE portfolio_id = ? ORDER BY day";
	static const char up[] = "UPDATE portfolios SET series_twr = ? "
	    "WHERE id = ?";
	struct perf_result res;
	struct perf_day *days;
	struct dbres r;
	char buf[DEC_BUFSZ];

	if (db_exec(d, a, &r, q, "i", pid) != 0)
		return -1;
	days = arena_alloc(a, (r.nrows + 1) * sizeof(*days));
	for (size_t i = 0; i < r.nrows; i++) {
		days[i].value = col(db_val(&r, i, 0));
		days[i].flow = col(db_val(&r, i, 1));
		days[i].inflow = col(db_val(&r, i, 2));
		snprintf(days[i].day, sizeof(days[i].day), "1970-01-01");
	}
	perf_period_from_zero(days, r.nrows, &res);
	return db_exec(d, NULL, NULL, up, "si", res.has_twr ?
	    dec_format(res.twr, -1, buf) : NULL, pid);
}

int
series_return(struct db *d, struct arena *a, long long pid, dec *twr)
{
	static const char q[] = "SELECT series_twr FROM portfolios "
	    "WHERE id = ?";
	struct dbres r;

	if (db_exec(d, a, &r, q, "i", pid) != 0)
		return -1;
	if (r.nrows == 0 || db_val(&r, 0, 0) == NULL)
		return 0;
	*twr = col(db_val(&r, 0, 0));
	return 1;
}

/* A series up to date with day and run, unless marked again since gen. */
static const char series_done[] = "UPDATE portfolios SET series_from = "
    "NULL, series_to = ?, series_run = ? WHERE id = ? AND series_gen = ?";

/*
 * Stores the n days of pid's series (every day before fromday gone), its
 * time-weighted return, and the day and run it is up to date with (gen:
 * unless marked again since), in one transaction.  0, or -1 rolled back.
 */
static int
store_series(struct db *d, struct arena *a, long long pid,
    const char *fromday, const struct perf_day *days, size_t n,
    const char *run, long long gen)
{
	static const char before[] = "DELETE FROM portfolio_series "
	    "WHERE portfolio_id = ? AND day < ?";
	/* Writers of the same series take the portfolio's row first, one
	 * after the other (they deadlocked on the days' index gaps: 15 of
	 * 16 at a dashboard's first load under load), and one that finds
	 * what it computed already stored, through the same day and run
	 * and not marked since, writes nothing. */
	static const char done[] = "SELECT series_from IS NULL AND "
	    "series_to >= ? AND series_run <=> ? AND series_gen = ? "
	    "FROM portfolios WHERE id = ? FOR UPDATE";
	struct dbres r;

	if (db_begin_committed(d) != 0 ||
	    db_exec(d, a, &r, done, "ssii", days[n - 1].day, run, gen,
	    pid) != 0) {
		db_rollback(d);
		return -1;
	}
	if (r.nrows == 1 && db_int(&r, 0, 0) == 1) {
		if (db_commit(d) == 0)
			return 0;
		db_rollback(d);
		return -1;
	}
	if (db_exec(d, NULL, NULL, before, "is", pid, fromday) != 0 ||
	    store_days(d, a, pid, days, n) != 0 || store_twr(d, a, pid) != 0 ||
	    db_exec(d, NULL, NULL, series_done, "ssii", days[n - 1].day, run,
	    pid, gen) != 0 || db_commit(d) != 0) {
		db_rollback(d);
		return -1;
	}
	return 0;
}

int
series_update(struct db *d, struct arena *a, const struct portfolio *pf,
    time_t now, long *rebuilt)
{
	static const char st[] = "SELECT DATE_FORMAT(p.series_from, "
	    "'%Y-%m-%d'), DATE_FORMAT(p.series_to, '%Y-%m-%d'), p.series_gen, "
	    "p.series_run, l.run_id FROM portfolios p LEFT JOIN "
	    "portfolio_latest l ON l.portfolio_id = p.id WHERE p.id = ?";
	static const char all[] = "DELETE FROM portfolio_series "
	    "WHERE portfolio_id = ?";
	struct series_input in;
	struct perf_day *days;
	struct dbres r;
	struct tx *txs;
	size_t ntx;
	long from, to = (long)(now / 86400), first;
	const char *mark, *last, *run;
	struct series_point *pts = NULL;
	char fromday[11], today[11];
	long long gen;
	int rc = -1, tries = 0;

	if (rebuilt)
		*rebuilt = 0;
	if (db_exec(d, a, &r, st, "i", pf->id) != 0 || r.nrows == 0)
		return -1;
	mark = db_val(&r, 0, 0), last = db_val(&r, 0, 1);
	gen = db_int(&r, 0, 2);
	run = db_val(&r, 0, 4);
	perf_ymd(to, today);
	/* Nothing marked, today stored, and no valuation run since: up to
	 * date without reading anything else. */
	/* Never marked: no transaction was ever recorded. */
	if (mark == NULL && last == NULL)
		return 0;
	if (mark == NULL && last != NULL && strcmp(last, today) >= 0 &&
	    (db_val(&r, 0, 3) == NULL) == (run == NULL) && (run == NULL ||
	    strcmp(db_val(&r, 0, 3), run) == 0))
		return 0;
	if (pf_tx_all(d, a, pf, &txs, &ntx) != 0)
		return -1;
	if (ntx == 0) {
		if (db_exec(d, NULL, NULL, all, "i", pf->id) != 0)
			return -1;
		return db_exec(d, NULL, NULL, series_done, "ssii", NULL, run,
		    pf->id, gen);
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
	if (load_instruments(d, a, txs, ntx, from, (long)(now / 86400), &in,
	    &pts) != 0 ||
	    load_pairs(d, a, &in) != 0) {
		free(pts);
		return -1;
	}
	days = malloc((size_t)(to - from + 1) * sizeof(*days));
	if (days == NULL || series_build(&in, from, to, days) != 0) {
		free(days);
		free(pts);
		return -1;
	}
	free(pts);
	perf_ymd(first, fromday);
	/* Writers of other portfolios' series share index gaps with this
	 * one: a deadlock or lock timeout is tried again. */
	do
		rc = store_series(d, a, pf->id, fromday, days,
		    (size_t)(to - from + 1), run, gen);
	while (rc < 0 && db_again(d, &tries));
	free(days);
	if (rc == 0 && rebuilt)
		*rebuilt = to - from + 1;
	return rc;
}

int
series_read(struct db *d, struct arena *a, long long pid, const char *from,
    const char *to, struct perf_day **out, size_t *n)
{
	static const char q[] = "SELECT TO_DAYS(day) - 719528, value, "
	    "flow, income, fees, unpriced, fx, flow_in FROM portfolio_series "
	    "WHERE portfolio_id = ? AND (? = '' OR day >= ?) "
	    "AND (? = '' OR day <= ?) ORDER BY day";
	struct dbres r;

	if (db_exec(d, a, &r, q, "issss", pid, from, from, to, to) != 0)
		return -1;
	*out = arena_alloc(a, (r.nrows + 1) * sizeof(**out));
	for (size_t i = 0; i < r.nrows; i++) {
		struct perf_day *x = &(*out)[i];

		perf_ymd(strtol(db_val(&r, i, 0), NULL, 10), x->day);
		x->value = col(db_val(&r, i, 1));
		x->flow = col(db_val(&r, i, 2));
		x->income = col(db_val(&r, i, 3));
		x->fees = col(db_val(&r, i, 4));
		x->unpriced = (int)db_int(&r, i, 5);
		x->fx = col(db_val(&r, i, 6));
		x->inflow = col(db_val(&r, i, 7));
	}
	*n = r.nrows;
	return 0;
}

int
series_combined(struct db *d, struct arena *a, long long uid,
    const char *cur, time_t now, struct perf_day **out, size_t *n)
{
	struct series_input pairs;
	struct portfolio *pfs;
	struct perf_day **days, *sum;
	struct fx_rate *rates;
	struct {
		dec amount, rate;	/* value and rate at the last close */
		char cur[2];		/* "": none known */
	} *eve;
	size_t npf, *nd, *at, *cursor;
	long first = -1, to = (long)(now / 86400);

	*out = NULL, *n = 0;
	memset(&pairs, 0, sizeof(pairs));
	if (pf_list(d, a, uid, &pfs, &npf) != 0 || load_pairs(d, a, &pairs))
		return -1;
	days = arena_alloc(a, (npf + 1) * sizeof(*days));
	nd = arena_alloc(a, (npf + 1) * sizeof(*nd));
	at = arena_alloc(a, (npf + 1) * sizeof(*at));
	for (size_t i = 0; i < npf; i++) {
		if (series_update(d, a, &pfs[i], now, NULL) != 0 ||
		    series_read(d, a, pfs[i].id, "", "", &days[i], &nd[i]))
			return -1;
		if (nd[i] > 0 && (first < 0 ||
		    perf_daynum(days[i][0].day) < first))
			first = perf_daynum(days[i][0].day);
		if (nd[i] > 0 && perf_daynum(days[i][nd[i] - 1].day) > to)
			to = perf_daynum(days[i][nd[i] - 1].day);
	}
	if (first < 0)
		return 0;
	sum = calloc((size_t)(to - first + 1), sizeof(*sum));
	rates = arena_alloc(a, (pairs.npairs + 1) * sizeof(*rates));
	cursor = arena_alloc(a, (pairs.npairs + 1) * sizeof(*cursor));
	eve = arena_alloc(a, (npf + 1) * sizeof(*eve));
	if (sum == NULL)
		return -1;
	for (long day = first; day <= to; day++) {
		struct perf_day *o = &sum[day - first];
		struct fx_table fx = { rates, 0 };

		perf_ymd(day, o->day);
		fx.n = series_rates_at(pairs.pairs, pairs.npairs, cursor, day,
		    rates);
		for (size_t i = 0; i < npf; i++) {
			const struct perf_day *x;
			struct fx_path p;
			const dec *src[6];
			dec *dst[6], rate;

			if (at[i] >= nd[i] || strcmp(days[i][at[i]].day,
			    o->day) != 0)
				continue;
			x = &days[i][at[i]++];
			fx_path_find(&fx, pfs[i].currency, cur, &p);
			if (!p.known) {
				o->unpriced++;
				eve[i].cur[0] = '\0';
				continue;
			}
			src[0] = &x->value, src[1] = &x->flow;
			src[2] = &x->income, src[3] = &x->fees, src[4] = &x->fx;
			src[5] = &x->inflow;
			dst[0] = &o->value, dst[1] = &o->flow;
			dst[2] = &o->income, dst[3] = &o->fees, dst[4] = &o->fx;
			dst[5] = &o->inflow;
			for (int k = 0; k < 6; k++)
				*dst[k] = dec_add(*dst[k], fx_path_apply(&p,
				    *src[k]));
			o->unpriced += x->unpriced;
			/* The portfolio's own currency moved too: what it
			 * held overnight, at the change of its rate. */
			rate = fx_path_apply(&p, DEC_ONE);
			if (*eve[i].cur != '\0')
				o->fx = dec_add(o->fx, dec_mul(eve[i].amount,
				    dec_sub(rate, eve[i].rate)));
			eve[i].amount = x->value;
			eve[i].rate = rate;
			strcpy(eve[i].cur, "+");
		}
	}
	*out = sum;
	*n = (size_t)(to - first + 1);
	return 0;
}

int
series_prices(struct db *d, struct arena *a, long long uid,
    const char *symbol, const char *cur, const struct perf_day *days,
    size_t n, dec *price)
{
	struct series_input pairs;
	struct instrument inst;
	struct series_point *v = NULL;
	struct fx_rate *rates;
	struct dbres c;
	size_t nv = 0, cap = 0, k = 0, *cursor;
	char major[4];
	dec factor;
	int rc;

	memset(price, 0, n * sizeof(*price));
	if ((rc = inst_find(d, a, uid, symbol, &inst)) != 1)
		return rc;
	if (n == 0)
		return 1;
	memset(&pairs, 0, sizeof(pairs));
	if (read_closes(d, a, &inst.id, 1, -25568, 0, &c) != 0 ||
	    load_pairs(d, a, &pairs) != 0 ||
	    currency_major(inst.currency, major, &factor) != 0)
		return -1;
	if (c.nrows > 0 && parse_closes(db_val(&c, 0, 1) ? db_val(&c, 0, 1) :
	    "", -25568, 1L << 40, &v, &nv, &cap) != 0) {
		free(v);
		return -1;
	}
	by_day(v, nv);
	rates = arena_alloc(a, (pairs.npairs + 1) * sizeof(*rates));
	cursor = arena_alloc(a, (pairs.npairs + 1) * sizeof(*cursor));
	for (size_t i = 0; i < n; i++) {
		long day = perf_daynum(days[i].day);
		struct fx_table fx = { rates, 0 };

		fx.n = series_rates_at(pairs.pairs, pairs.npairs, cursor, day,
		    rates);
		while (k < nv && v[k].day <= day)
			k++;
		if (k == 0 || fx_convert(&fx, dec_mul(v[k - 1].v, factor),
		    major, cur, &price[i]) != 0)
			price[i] = DEC_ZERO;
	}
	free(v);
	return 1;
}

long
history_import(struct db *d, struct arena *a, long long iid,
    const char *text, size_t len, const char **why, size_t *line)
{
	static const char *const dates[] = { "date", "day", "datum", NULL };
	static const char *const closes[] = { "close", "price", "nav",
	    "value", "schluss", "kurs", NULL };
	/* A thousand days an INSERT: a statement takes 65535 values. */
	static struct db_rows ins = DB_ROWS("INSERT INTO price_history "
	    "(instrument_id, day, close, source) VALUES ", "(?,?,?,?)",
	    " ON DUPLICATE KEY UPDATE close = VALUES(close), "
	    "source = VALUES(source), adjusted_to = NULL", 4, 1000);
	struct csv csv;
	const char **p;
	char today[11], first[11] = "9999-12-31", id[24];
	int cd = -1, cc = -1, tries = 0;
	size_t n = 0;
	time_t now = time(NULL);

	*line = 0;
	if ((*why = csv_parse(a, text, len, &csv, line)) != NULL)
		return -1;
	if (csv.n < 2) {
		*why = "The file holds no closes: a first line date,close, then "
		    "one line a day.";
		return -1;
	}
	for (size_t i = 0; i < csv.rec[0].n; i++) {
		const char *h = csv.rec[0].fields[i];

		for (int k = 0; dates[k] && cd < 0; k++)
			if (strcasecmp(h, dates[k]) == 0)
				cd = (int)i;
		for (int k = 0; closes[k] && cc < 0; k++)
			if (strncasecmp(h, closes[k], strlen(closes[k])) == 0)
				cc = (int)i;
	}
	if (cd < 0 || cc < 0) {
		*why = "The first line must name the columns date and close.";
		*line = 1;
		return -1;
	}
	if (csv.n - 1 > 100000) {
		*why = "Too many lines: at most 100000 days at a time.";
		return -1;
	}
	perf_ymd((long)(now / 86400), today);
	p = arena_alloc(a, (csv.n + 1) * 4 * sizeof(*p));
	snprintf(id, sizeof(id), "%lld", iid);
	for (size_t r = 1; r < csv.n; r++) {
		const struct csv_record *rec = &csv.rec[r];
		char *day = arena_alloc(a, 11), buf[DEC_BUFSZ];
		dec v;

		*line = rec->line;
		if ((size_t)cd >= rec->n || (size_t)cc >= rec->n ||
		    ledger_date(rec->fields[cd], day) != NULL) {
			*why = "date: Enter the date as YYYY-MM-DD.";
			return -1;
		}
		if (strcmp(day, today) > 0) {
			*why = "date: That day has not come yet.";
			return -1;
		}
		if ((*why = num_parse(rec->fields[cc], NUM_PLAIN, &v,
		    NULL)) != NULL && num_parse(rec->fields[cc], NUM_COMMA, &v,
		    NULL) != NULL) {
			*why = arena_printf(a, "close: %s", *why);
			return -1;
		}
		*why = NULL;
		if (dec_sign(v) <= 0) {
			*why = "close: A close must be above 0.";
			return -1;
		}
		if (strcmp(day, first) < 0)
			memcpy(first, day, 11);
		p[4 * n] = id;
		p[4 * n + 1] = day;
		p[4 * n + 2] = arena_strdup(a, dec_format(v, -1, buf));
		p[4 * n + 3] = "upload";
		n++;
	}
	*line = 0;
	/* Up to 100,000 rows in one transaction: on a Galera node it
	 * replicates in fragments as it is written (db_fragments). */
	db_fragments(d, DB_FRAGMENT_ROWS);
	for (;;) {
		if (db_begin(d) == 0 && db_exec_rows(d, &ins, n, p) == 0 &&
		    series_mark_instrument(d, iid, first) == 0 &&
		    db_commit(d) == 0)
			break;
		db_rollback(d);
		if (!db_again(d, &tries)) {
			db_fragments(d, 0);
			return -2;
		}
	}
	db_fragments(d, 0);
	return (long)n;
}

int
series_holdings(struct db *d, struct arena *a, const struct portfolio *pf,
    const char *from, const char *to, int zero, time_t now,
    struct holding_return **out, size_t *n)
{
	static const char sq[] = "SELECT i.id, COALESCE(us.symbol, i.symbol) "
	    "FROM instruments i LEFT JOIN user_symbols us ON us.user_id = ? "
	    "AND us.instrument_id = i.id WHERE i.id = ?";
	struct series_input in, one;
	struct series_point *pts = NULL;
	struct perf_day *days;
	struct tx *txs, *mine;
	size_t ntx;
	long f = perf_daynum(from), t = perf_daynum(to);
	int rc = -1;

	*out = NULL, *n = 0;
	if (t < f || pf_tx_all(d, a, pf, &txs, &ntx) != 0)
		return t < f ? 0 : -1;
	memset(&in, 0, sizeof(in));
	in.base = pf->currency;
	in.method = pf->method;
	if (load_instruments(d, a, txs, ntx, f, (long)(now / 86400), &in,
	    &pts) != 0 || load_pairs(d, a, &in) != 0)
		goto out;
	*out = arena_alloc(a, (in.ninst + 1) * sizeof(**out));
	mine = arena_alloc(a, (ntx + 1) * sizeof(*mine));
	days = malloc((size_t)(t - f + 1) * sizeof(*days));
	if (days == NULL)
		goto out;
	for (size_t i = 0; i < in.ninst; i++) {
		struct holding_return *h = &(*out)[*n];
		size_t k = 0, a0 = 0, nd = (size_t)(t - f + 1);
		struct dbres r;
		long first;
		int held = 0;

		for (size_t j = 0; j < ntx; j++)
			if (txs[j].instrument == in.inst[i].id)
				mine[k++] = txs[j];
		if (k == 0 || perf_daynum(mine[0].date) > t)
			continue;
		/* The holding alone, as if no cash were tracked. */
		one = in;
		one.track_cash = 0;
		one.txs = mine;
		one.ntx = k;
		one.inst = &in.inst[i];
		one.ninst = 1;
		if (series_build(&one, f, t, days) != 0)
			goto out_days;
		for (long day = f; day <= t; day++)
			held |= !dec_is_zero(days[day - f].value) ||
			    !dec_is_zero(days[day - f].flow);
		if (!held)
			continue;
		first = perf_daynum(mine[0].date);
		if (first > f || (first == f && zero)) {
			/* First bought in the period: from nothing before its
			 * first day, as the portfolio from its first. */
			while (a0 < nd && dec_is_zero(days[a0].value) &&
			    dec_is_zero(days[a0].flow))
				a0++;
			perf_period_from_zero(days + a0, nd - a0, &h->r);
		} else {
			/* From its first day in the period with a value, or
			 * the day before its next flow. */
			while (a0 + 1 < nd && dec_is_zero(days[a0].value) &&
			    dec_is_zero(days[a0 + 1].flow))
				a0++;
			perf_period(days + a0, nd - a0, &h->r);
		}
		h->instrument = in.inst[i].id;
		if (db_exec(d, a, &r, sq, "ii", pf->user_id, h->instrument) != 0)
			goto out_days;
		h->symbol = r.nrows ? db_val(&r, 0, 1) : "";
		(*n)++;
	}
	rc = 0;
out_days:
	free(days);
out:
	free(pts);
	return rc;
}
