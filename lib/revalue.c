/*
 * revalue.c - valuation runs (see revalue.h).
 */
#include "revalue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include "buf.h"
#include "lease.h"
#include "money.h"
#include "portfolio.h"

#define BATCH 500		/* rows per INSERT */
#define NCUR 256		/* distinct currencies a run can tell apart */
/*
 * A run stays one transaction, not batches of commits: the live panel
 * and the pages read a run as a whole (the latest valuation_runs id,
 * then the portfolio_latest rows of a later run_id), and a run killed
 * midway leaves the state before it.  What keeps a run of 100,000
 * portfolios from stalling a Galera cluster is streaming replication:
 * it replicates in fragments as it writes (db_fragments).
 */

/* Currencies by small number, so a conversion is found once per pair. */
struct currencies {
	char code[NCUR][4];
	int n;
	struct fx_path *paths;	/* [from * NCUR + to], found on first use */
	unsigned char *found;
	const struct fx_table *fx;
};

/* An instrument as a run needs it, in an open-addressed table by id. */
struct inst {
	long long id;		/* 0: empty slot */
	struct quote q;
	dec factor;		/* quote unit to its major currency */
	int major;		/* currency number; -1: not a currency */
	long stale_after;
	int changed;		/* its price changed since the last run */
	int liability;		/* counts against the value */
};

struct insts {
	struct inst *v;
	size_t cap;		/* a power of two */
};

/* A portfolio being valued. */
struct pf {
	long long id;
	int base;		/* currency number */
	char currency[4];
	dec cash_income, cash_fees, cash_taxes;
	dec realized, income, fees, taxes, charges;
	int track_cash;		/* 0: its cash is not part of its value */
};

/* The totals of the portfolio being valued (one at a time, in order). */
struct work {
	struct totals t;
	time_t prices_as_of;
	int affected;		/* something it holds changed: written */
};

struct cash {
	long long pid;
	char currency[4];
	dec balance;
};

struct run {
	struct db *d;
	const struct revalue_opts *o;
	time_t now;
	long long run_id;
	struct currencies cur;
	struct insts in;
	struct pf *pf;
	size_t npf, cappf;
	struct cash *cash;
	size_t ncash, capcash;
	char *rows_sql[2];	/* INSERT of BATCH rows, and of the rest */
	int all;		/* every portfolio is affected */
	int any_cur;		/* some rate changed ... */
	unsigned char cur_changed[NCUR];	/* ... of these currencies */
	size_t ninst;		/* instruments */
};

struct idset {
	long long *v;
	size_t n, cap;
};

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL && n > 0)
		abort();
	return q;
}

/* A decimal integer as the database writes it (no sign, no spaces). */
static long long
text_ll(const char *s)
{
	long long v = 0;

	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (*s - '0');
	return v;
}

static dec
text_dec(const char *s)
{
	dec d = DEC_ZERO;

	if (s != NULL && dec_parse(s, &d) != 0)
		d = DEC_NAN;
	return d;
}

/* The number of currency code, added when new; -1 when the table is
 * full (the run then treats it as having no rate). */
static int
cur_num(struct currencies *c, const char *code)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->code[i], code) == 0)
			return i;
	if (c->n == NCUR)
		return -1;
	snprintf(c->code[c->n], 4, "%s", code);
	return c->n++;
}

/* The path from currency number a to b, found once. */
static const struct fx_path *
cur_path(struct currencies *c, int a, int b)
{
	size_t k = (size_t)a * NCUR + (size_t)b;

	if (!c->found[k]) {
		fx_path_find(c->fx, c->code[a], c->code[b], &c->paths[k]);
		c->found[k] = 1;
	}
	return &c->paths[k];
}

static size_t
slot(const struct insts *t, long long id)
{
	unsigned long long h = (unsigned long long)id * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 20) & (t->cap - 1);
}

static struct inst *
inst_lookup(const struct insts *t, long long id)
{
	for (size_t i = slot(t, id);; i = (i + 1) & (t->cap - 1)) {
		if (t->v[i].id == id)
			return &t->v[i];
		if (t->v[i].id == 0)
			return NULL;
	}
}

/*
 * Loads every instrument with its latest price; with ids (a JSON array,
 * or NULL), only notes which of them are quoted in the currencies of
 * changed rates.  0 or -1.
 */
static int
load_instruments(struct run *r)
{
	static const char q[] = "SELECT COUNT(*) FROM instruments";
	static const char all[] = "SELECT i.id, i.currency, i.kind, i.source, "
	    "p.price, p.prev_close, UNIX_TIMESTAMP(p.as_of) "
	    "FROM instruments i LEFT JOIN prices p ON p.instrument_id = i.id";
	struct db_stream *s;
	struct dbres res;
	struct arena a;
	char **row;
	size_t n;
	int rc;

	arena_init(&a);
	rc = db_exec(r->d, &a, &res, q, "");
	n = rc == 0 ? (size_t)db_int(&res, 0, 0) : 0;
	arena_free(&a);
	if (rc != 0)
		return -1;
	r->ninst = n;
	for (r->in.cap = 64; r->in.cap < 2 * n + 2; r->in.cap *= 2)
		;
	r->in.v = calloc(r->in.cap, sizeof(*r->in.v));
	if (r->in.v == NULL)
		abort();
	if (db_stream_open(r->d, &s, all, "") != 0)
		return -1;
	while ((rc = db_stream_next(s, &row)) == 1) {
		long long id = strtoll(row[0], NULL, 10);
		struct inst *x;
		char major[4];
		size_t i;

		if (id <= 0)
			continue;
		for (i = slot(&r->in, id); r->in.v[i].id != 0 &&
		    r->in.v[i].id != id; i = (i + 1) & (r->in.cap - 1))
			;
		x = &r->in.v[i];
		x->id = id;
		x->major = -1;
		if (currency_major(row[1], major, &x->factor) == 0)
			x->major = cur_num(&r->cur, major);
		x->stale_after = stale_limit(r->o->sp, row[2], row[3]);
		x->liability = value_is_liability(row[2]);
		if (row[4] != NULL) {
			x->q.known = 1;
			x->q.price = text_dec(row[4]);
			if (row[5] != NULL) {
				x->q.prev_close = text_dec(row[5]);
				x->q.has_prev = 1;
			}
			x->q.as_of = (time_t)strtoll(row[6] ? row[6] : "0",
			    NULL, 10);
		}
	}
	db_stream_close(s);
	return rc;
}

/*
 * Loads the portfolios (sorted by id) and their cash balances from rd.
 * With ids (a JSON array of portfolio ids) only those, else all.  0 or
 * -1.
 */
static int
load_portfolios(struct run *r, struct db *rd, const char *ids)
{
#define PF_SEL "SELECT pf.id, pf.currency, pf.cash_income, pf.cash_fees, " \
	"pf.cash_taxes, pf.pos_realized, pf.pos_income, pf.pos_fees, " \
	"pf.pos_taxes, pf.pos_charges, pf.track_cash "
#define IDS "JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j "
	static const char all_pf[] = PF_SEL "FROM portfolios pf ORDER BY pf.id";
	static const char some_pf[] = PF_SEL "FROM " IDS
	    "JOIN portfolios pf ON pf.id = j.id ORDER BY pf.id";
	static const char all_cash[] = "SELECT portfolio_id, currency, balance "
	    "FROM cash_balances WHERE balance <> 0 "
	    "ORDER BY portfolio_id, currency";
	static const char some_cash[] = "SELECT c.portfolio_id, c.currency, "
	    "c.balance FROM " IDS "JOIN cash_balances c "
	    "ON c.portfolio_id = j.id WHERE c.balance <> 0 "
	    "ORDER BY c.portfolio_id, c.currency";
#undef PF_SEL
	struct db_stream *s;
	char **row;
	int rc;

	rc = ids ? db_stream_open(rd, &s, some_pf, "s", ids) :
	    db_stream_open(rd, &s, all_pf, "");
	if (rc != 0)
		return -1;
	while ((rc = db_stream_next(s, &row)) == 1) {
		struct pf *p;

		if (r->npf == r->cappf) {
			r->cappf = r->cappf ? r->cappf * 2 : 1024;
			r->pf = xrealloc(r->pf, r->cappf * sizeof(*r->pf));
		}
		p = &r->pf[r->npf++];
		memset(p, 0, sizeof(*p));
		p->id = strtoll(row[0], NULL, 10);
		snprintf(p->currency, sizeof(p->currency), "%s", row[1]);
		p->base = cur_num(&r->cur, p->currency);
		p->cash_income = text_dec(row[2]);
		p->cash_fees = text_dec(row[3]);
		p->cash_taxes = text_dec(row[4]);
		p->realized = text_dec(row[5]);
		p->income = text_dec(row[6]);
		p->fees = text_dec(row[7]);
		p->taxes = text_dec(row[8]);
		p->charges = text_dec(row[9]);
		p->track_cash = strcmp(row[10], "0") != 0;
	}
	db_stream_close(s);
	if (rc != 0)
		return -1;
	rc = ids ? db_stream_open(rd, &s, some_cash, "s", ids) :
	    db_stream_open(rd, &s, all_cash, "");
	if (rc != 0)
		return -1;
	while ((rc = db_stream_next(s, &row)) == 1) {
		struct cash *c;

		if (r->ncash == r->capcash) {
			r->capcash = r->capcash ? r->capcash * 2 : 1024;
			r->cash = xrealloc(r->cash, r->capcash *
			    sizeof(*r->cash));
		}
		c = &r->cash[r->ncash++];
		c->pid = strtoll(row[0], NULL, 10);
		snprintf(c->currency, sizeof(c->currency), "%s", row[1]);
		c->balance = text_dec(row[2]);
	}
	db_stream_close(s);
	return rc;
}

/* Values one open position of p (the same arithmetic as pf_value()). */
static void
add_position(struct run *r, const struct pf *p, struct work *wk,
    const struct inst *x, dec qty, dec cost)
{
	static const struct fx_path none;
	struct position pos;
	struct holding_value v;
	const struct fx_path *path = &none;

	memset(&pos, 0, sizeof(pos));
	pos.quantity = qty;
	pos.cost = cost;
	if (x != NULL && x->major >= 0 && p->base >= 0)
		path = cur_path(&r->cur, x->major, p->base);
	if (x == NULL)
		memset(&v, 0, sizeof(v));
	else
		value_holding_path(&pos, x->factor, path, &x->q, r->now,
		    x->stale_after, &v);
	if (x != NULL && x->liability)
		value_liability(&pos, &v);
	totals_add_holding(&wk->t, &pos, &v);
	if (x != NULL && x->q.known && x->q.as_of > wk->prices_as_of)
		wk->prices_as_of = x->q.as_of;
	/* Its price changed, or a rate it is converted with. */
	if (x != NULL && (x->changed || (r->any_cur && x->major >= 0 &&
	    x->major != p->base && (r->cur_changed[x->major] ||
	    (p->base >= 0 && r->cur_changed[p->base])))))
		wk->affected = 1;
}

/* Adds a portfolio's cash (from cash[*c] on, sorted by portfolio) and
 * ledger sums, and finishes its totals. */
static void
finish_one(struct run *r, const struct pf *p, struct work *wk, size_t *c)
{
	totals_add_ledger(&wk->t, p->realized, p->income, p->fees, p->taxes,
	    p->charges);
	while (*c < r->ncash && r->cash[*c].pid < p->id)
		(*c)++;
	for (; *c < r->ncash && r->cash[*c].pid == p->id; (*c)++) {
		const struct cash *x = &r->cash[*c];

		if (!p->track_cash)
			continue;
		totals_add_cash(&wk->t, x->currency, x->balance, p->currency,
		    r->cur.fx);
		if (r->any_cur && strcmp(x->currency, p->currency) != 0) {
			int cn = cur_num(&r->cur, x->currency);

			if ((cn >= 0 && r->cur_changed[cn]) ||
			    (p->base >= 0 && r->cur_changed[p->base]))
				wk->affected = 1;
		}
	}
	totals_add_flows(&wk->t, p->cash_income, p->cash_fees, p->cash_taxes);
	totals_finish(&wk->t);
	if (r->all)
		wk->affected = 1;
}

#define ROW_PARAMS 9
#define NBATCH 4		/* batches in flight */

/*
 * Rows go to the database from a thread of their own, on the run's
 * connection (its transaction), while the main thread goes on reading
 * positions on a second connection: reading and writing overlap.
 */
struct batch {
	size_t n;
	char (*text)[DEC_BUFSZ];	/* BATCH * ROW_PARAMS values */
	const char **par;
};

struct writer {
	struct run *r;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *full[NBATCH], *free[NBATCH];
	int nfull, nfree;
	int done, failed;
	size_t written;
	char *sql[2];			/* INSERT of BATCH rows, of the rest */
	struct batch pool[NBATCH];
};

/* The INSERT of n rows into portfolio_latest (heap). */
static char *
rows_sql(size_t n)
{
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "INSERT INTO portfolio_latest (portfolio_id, run_id, "
	    "value, cost, day_change, total_gain, unpriced, stale, "
	    "prices_as_of) VALUES ");
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, i ? ",(?,?,?,?,?,?,?,?,FROM_UNIXTIME(?))" :
		    "(?,?,?,?,?,?,?,?,FROM_UNIXTIME(?))");
	buf_puts(&b, " ON DUPLICATE KEY UPDATE run_id = VALUES(run_id), "
	    "value = VALUES(value), cost = VALUES(cost), "
	    "day_change = VALUES(day_change), "
	    "total_gain = VALUES(total_gain), unpriced = VALUES(unpriced), "
	    "stale = VALUES(stale), prices_as_of = VALUES(prices_as_of)");
	return b.data;
}

/* Writes one batch on the run's connection; 0 or -1. */
static int
write_batch(struct writer *w, struct batch *b)
{
	struct db *d = w->r->d;
	int k = b->n == BATCH ? 0 : 1;

	if (k == 1 || w->sql[0] == NULL) {
		if (w->sql[k] != NULL)
			db_forget(d, w->sql[k]);
		free(w->sql[k]);
		w->sql[k] = rows_sql(b->n);
	}
	return db_exec_texts(d, w->sql[k], b->n * ROW_PARAMS, b->par);
}

static void *
writer_main(void *arg)
{
	struct writer *w = arg;

	db_thread_start();
	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct batch *b;

		while (w->nfull == 0 && !w->done)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->nfull == 0)
			break;
		b = w->full[0];
		memmove(w->full, w->full + 1, (size_t)--w->nfull *
		    sizeof(*w->full));
		pthread_mutex_unlock(&w->mu);
		if (!w->failed && write_batch(w, b) != 0)
			w->failed = 1;
		pthread_mutex_lock(&w->mu);
		w->written += b->n;
		b->n = 0;
		w->free[w->nfree++] = b;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	db_thread_end();
	return NULL;
}

static int
writer_start(struct writer *w, struct run *r)
{
	memset(w, 0, sizeof(*w));
	w->r = r;
	for (int i = 0; i < NBATCH; i++) {
		w->pool[i].text = calloc((size_t)BATCH * ROW_PARAMS,
		    sizeof(*w->pool[i].text));
		w->pool[i].par = calloc((size_t)BATCH * ROW_PARAMS,
		    sizeof(*w->pool[i].par));
		if (w->pool[i].text == NULL || w->pool[i].par == NULL)
			abort();
		w->free[w->nfree++] = &w->pool[i];
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	return pthread_create(&w->thread, NULL, writer_main, w) == 0 ? 0 : -1;
}

/* A free batch to fill (waits for one). */
static struct batch *
writer_take(struct writer *w)
{
	struct batch *b;

	pthread_mutex_lock(&w->mu);
	while (w->nfree == 0)
		pthread_cond_wait(&w->cv, &w->mu);
	b = w->free[--w->nfree];
	pthread_mutex_unlock(&w->mu);
	return b;
}

/* Hands a filled batch to the writer. */
static void
writer_give(struct writer *w, struct batch *b)
{
	pthread_mutex_lock(&w->mu);
	w->full[w->nfull++] = b;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* Waits for every batch to be written; 0, or -1 if one failed. */
static int
writer_finish(struct writer *w)
{
	pthread_mutex_lock(&w->mu);
	w->done = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	for (int k = 0; k < 2; k++) {
		if (w->sql[k] != NULL)
			db_forget(w->r->d, w->sql[k]);
		free(w->sql[k]);
	}
	for (int i = 0; i < NBATCH; i++) {
		free(w->pool[i].text);
		free(w->pool[i].par);
	}
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	return w->failed ? -1 : 0;
}

/* Puts p's totals as the next row of b. */
static void
batch_row(struct batch *b, const struct pf *p, const struct work *wk,
    long long run_id)
{
	const struct totals *t = &wk->t;
	char (*x)[DEC_BUFSZ] = b->text + b->n * ROW_PARAMS;
	const char **v = b->par + b->n * ROW_PARAMS;

	snprintf(x[0], DEC_BUFSZ, "%lld", p->id);
	snprintf(x[1], DEC_BUFSZ, "%lld", run_id);
	dec_format(t->value, DEC_PLACES, x[2]);
	dec_format(t->cost, DEC_PLACES, x[3]);
	dec_format(t->day_change, DEC_PLACES, x[4]);
	dec_format(t->total_gain, DEC_PLACES, x[5]);
	snprintf(x[6], DEC_BUFSZ, "%d", t->unpriced < 65535 ? t->unpriced :
	    65535);
	snprintf(x[7], DEC_BUFSZ, "%d", t->stale < 65535 ? t->stale : 65535);
	snprintf(x[8], DEC_BUFSZ, "%lld", (long long)wk->prices_as_of);
	for (int c = 0; c < ROW_PARAMS; c++)
		v[c] = x[c];
	if (t->day_known == 0)
		v[4] = NULL;
	if (wk->prices_as_of == 0)
		v[8] = NULL;
	b->n++;
}

/*
 * Streams the open positions of the loaded portfolios (all, or those in
 * ids) on rd in portfolio order, values them, and as each portfolio is
 * complete hands it to the writer when it is affected.  Returns the
 * number written, or -1.
 */
static long
value_and_write(struct run *r, struct db *rd, const char *ids,
    const struct idset *pending)
{
	static const char all[] = "SELECT portfolio_id, instrument_id, "
	    "quantity, cost FROM positions WHERE quantity <> 0 "
	    "ORDER BY portfolio_id";
	static const char some[] = "SELECT p.portfolio_id, p.instrument_id, "
	    "p.quantity, p.cost FROM " IDS "JOIN positions p "
	    "ON p.portfolio_id = j.id WHERE p.quantity <> 0 "
	    "ORDER BY p.portfolio_id";
	struct db_stream *s;
	struct writer w;
	struct batch *b;
	struct work wk;
	size_t k = 0, done = 0, c = 0, pk = 0, wk_of = (size_t)-1;
	char **row;
	int rc;

	if (writer_start(&w, r) != 0)
		return -1;
	b = writer_take(&w);
	rc = ids ? db_stream_open(rd, &s, some, "s", ids) :
	    db_stream_open(rd, &s, all, "");
	/* Finishes the portfolios before index upto, writing the affected;
	 * wk holds the totals of pf[wk_of], the others have no position. */
#define FINISH(upto) do {						\
	for (; done < (upto); done++) {					\
		const struct pf *p_ = &r->pf[done];			\
									\
		if (wk_of != done) {					\
			memset(&wk, 0, sizeof(wk));			\
			totals_init(&wk.t);				\
		}							\
		while (pk < pending->n && pending->v[pk] < p_->id)	\
			pk++;						\
		if (ids != NULL || (pk < pending->n &&			\
		    pending->v[pk] == p_->id))				\
			wk.affected = 1;				\
		finish_one(r, p_, &wk, &c);				\
		if (!wk.affected)					\
			continue;					\
		batch_row(b, p_, &wk, r->run_id);			\
		if (b->n == BATCH) {					\
			writer_give(&w, b);				\
			b = writer_take(&w);				\
		}							\
	}								\
} while (0)
	while (rc == 0) {
		long long pid;
		dec qty, cost;
		int got = db_stream_next(s, &row);

		if (got <= 0) {
			rc = got;	/* 0 at the end */
			break;
		}
		pid = text_ll(row[0]);
		while (k < r->npf && r->pf[k].id < pid)
			k++;
		FINISH(k);
		if (k == r->npf || r->pf[k].id != pid)
			continue;	/* not one of this run's */
		if (wk_of != k) {
			memset(&wk, 0, sizeof(wk));
			totals_init(&wk.t);
			wk_of = k;
		}
		if (dec_parse(row[2], &qty) != 0)
			qty = DEC_NAN;
		if (dec_parse(row[3], &cost) != 0)
			cost = DEC_NAN;
		add_position(r, &r->pf[k], &wk, inst_lookup(&r->in,
		    text_ll(row[1])), qty, cost);
	}
	if (rc == 0)
		FINISH(r->npf);
#undef FINISH
	if (s != NULL)
		db_stream_close(s);
	if (b->n > 0)
		writer_give(&w, b);
	if (writer_finish(&w) != 0 || rc != 0)
		return -1;
	return (long)w.written;
}

/* Appends n ids as a JSON array to b. */
static void
json_ids(struct buf *b, const long long *ids, size_t n)
{
	buf_putc(b, '[');
	for (size_t i = 0; i < n; i++)
		buf_printf(b, i ? ",%lld" : "%lld", ids[i]);
	buf_putc(b, ']');
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* Sorts and removes duplicates; returns the new count. */
static size_t
uniq(long long *v, size_t n)
{
	size_t o = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_ll);
	for (size_t i = 0; i < n; i++)
		if (o == 0 || v[o - 1] != v[i])
			v[o++] = v[i];
	return o;
}

static void
idset_add(struct idset *s, long long id)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = id;
}

/* Adds the ids of a query's first column to s; the query takes one
 * text parameter, or two (p2 not NULL).  0 or -1. */
static int
collect(struct db *d, struct idset *s, const char *sql, const char *p1,
    const char *p2)
{
	struct db_stream *st;
	char **row;
	int rc;

	rc = p2 ? db_stream_open(d, &st, sql, "ss", p1, p2) :
	    db_stream_open(d, &st, sql, "s", p1);
	if (rc != 0)
		return -1;
	while ((rc = db_stream_next(st, &row)) == 1)
		idset_add(s, strtoll(row[0], NULL, 10));
	db_stream_close(st);
	return rc;
}

/*
 * What changed: reads the pending changes (their ids into *seen), marks
 * the instruments whose prices changed (ids into *insts, sorted) and the
 * currencies whose rates changed, and puts the portfolios whose ledgers
 * changed into *pfs (sorted).  0 or -1.
 */
static int
find_changes(struct run *r, struct idset *seen, struct idset *insts,
    struct idset *pfs)
{
	static const char pending[] = "SELECT id, instrument_id, currency, "
	    "portfolio_id FROM revalue_pending ORDER BY id";
	struct db_stream *s;
	char **row;
	int rc;

	if (db_stream_open(r->d, &s, pending, "") != 0)
		return -1;
	while ((rc = db_stream_next(s, &row)) == 1) {
		idset_add(seen, strtoll(row[0], NULL, 10));
		if (row[1] != NULL) {
			struct inst *x = inst_lookup(&r->in,
			    strtoll(row[1], NULL, 10));

			if (x != NULL && !x->changed) {
				x->changed = 1;
				idset_add(insts, x->id);
			}
		}
		if (row[2] != NULL && strlen(row[2]) == 3) {
			int c = cur_num(&r->cur, row[2]);

			if (c >= 0) {
				r->cur_changed[c] = 1;
				r->any_cur = 1;
			}
		}
		if (row[3] != NULL)
			idset_add(pfs, strtoll(row[3], NULL, 10));
	}
	db_stream_close(s);
	insts->n = uniq(insts->v, insts->n);
	pfs->n = uniq(pfs->v, pfs->n);
	return rc;
}

/*
 * Whether to look up the holders of the changed instruments by index
 * (few holders) rather than pass over every position: by the table
 * statistics' estimate of how many positions they have.  1, 0, or -1.
 */
static int
few_holders(struct run *r, size_t nchanged)
{
	static const char q[] = "SELECT TABLE_NAME, TABLE_ROWS FROM "
	    "information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
	    "TABLE_NAME IN ('positions', 'portfolios')";
	unsigned long long positions = 0, portfolios = 0, est;
	struct dbres res;
	struct arena a;

	arena_init(&a);
	if (db_exec(r->d, &a, &res, q, "") != 0) {
		arena_free(&a);
		return -1;
	}
	for (size_t i = 0; i < res.nrows; i++) {
		if (strcmp(db_val(&res, i, 0), "positions") == 0)
			positions = (unsigned long long)db_int(&res, i, 1);
		else
			portfolios = (unsigned long long)db_int(&res, i, 1);
	}
	arena_free(&a);
	est = nchanged * positions / (r->ninst ? r->ninst : 1);
	return est * 10 <= portfolios;
}

/*
 * On a run's first run of a new day, keeps the day before's closing
 * values: every portfolio's latest value as of the last run, under that
 * run's day.  0 or -1.
 */
static int
snapshot_day(struct db *d)
{
	static const char last[] = "SELECT DATE(MAX(started_at)) < UTC_DATE(), "
	    "DATE_FORMAT(MAX(started_at), '%Y-%m-%d') FROM valuation_runs";
	static const char copy[] = "INSERT INTO portfolio_daily (portfolio_id, "
	    "day, value, cost, net_flow_in) SELECT l.portfolio_id, ?, l.value, "
	    "l.cost, COALESCE(p.net_flow_in, 0) FROM portfolio_latest l "
	    "JOIN portfolios p ON p.id = l.portfolio_id "
	    "ON DUPLICATE KEY UPDATE value = VALUES(value), "
	    "cost = VALUES(cost), net_flow_in = VALUES(net_flow_in)";
	struct dbres res;
	struct arena a;
	int rc;

	arena_init(&a);
	rc = db_exec(d, &a, &res, last, "");
	if (rc == 0 && db_int(&res, 0, 0) == 1)
		rc = db_exec(d, NULL, NULL, copy, "s", db_val(&res, 0, 1));
	arena_free(&a);
	return rc;
}

long
runs_prune(struct db *d, long keep)
{
	static const char v[] = "DELETE FROM valuation_runs WHERE "
	    "started_at < NOW() - INTERVAL ? SECOND";
	static const char f[] = "DELETE FROM fetch_runs WHERE "
	    "started_at < NOW() - INTERVAL ? SECOND";
	long n;

	if (keep <= 0)
		return 0;
	if (db_exec(d, NULL, NULL, v, "i", (long long)keep) != 0)
		return -1;
	n = (long)d->affected;
	if (db_exec(d, NULL, NULL, f, "i", (long long)keep) != 0)
		return -1;
	return n + (long)d->affected;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)((t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

static void
run_free(struct run *r)
{
	for (int i = 0; i < 2; i++)
		if (r->rows_sql[i] != NULL)
			db_forget(r->d, r->rows_sql[i]);
	free(r->cur.paths);
	free(r->cur.found);
	free(r->in.v);
	free(r->pf);
	free(r->cash);
	free(r->rows_sql[0]);
	free(r->rows_sql[1]);
}

/* 1 while the run's lease is held, else 0 with the error said. */
static int
ours(struct db *d, struct lease *lease)
{
	if (lease_held(lease))
		return 1;
	snprintf(d->errmsg, sizeof(d->errmsg), "the valuation lease was lost "
	    "(the database unreachable?): nothing written");
	d->err = 0;
	return 0;
}

/* One try at a run, holding lease: see revalue_run(). */
static int
revalue_once(struct db *d, const struct revalue_opts *o,
    struct revalue_result *res, struct lease *lease)
{
	static const char holders[] = "SELECT DISTINCT p.portfolio_id FROM "
	    IDS "JOIN positions p ON p.instrument_id = j.id "
	    "WHERE p.quantity <> 0";
	static const char start[] = "INSERT INTO valuation_runs (started_at, "
	    "prices_as_of, portfolios, duration_ms, scope, changes) VALUES "
	    "(NOW(3), (SELECT MAX(as_of) FROM prices), 0, 0, ?, 0)";
	static const char fin[] = "UPDATE valuation_runs SET portfolios = ?, "
	    "changes = ?, duration_ms = ?, finished_at = NOW(3) "
	    "WHERE id = ?";
	static const char consume[] = "DELETE p FROM " IDS
	    "JOIN revalue_pending p ON p.id = j.id";
	struct timespec t0;
	struct run r;
	struct idset seen = { 0 }, pfs = { 0 }, insts = { 0 };
	struct fx_table fx;
	struct arena a;
	struct buf ids;
	struct db rd;
	long written;
	int rc = -1, subset = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	r.d = d;
	r.o = o;
	r.all = o->all;
	r.now = time(NULL);
	r.cur.paths = calloc((size_t)NCUR * NCUR, sizeof(*r.cur.paths));
	r.cur.found = calloc((size_t)NCUR * NCUR, 1);
	if (r.cur.paths == NULL || r.cur.found == NULL)
		abort();
	arena_init(&a);
	buf_init(&ids);
	if (db_begin(d) != 0)
		goto out;
	if (fx_load(d, &a, &fx) != 0)
		goto rollback;
	r.cur.fx = &fx;
	if (load_instruments(&r) != 0 ||
	    find_changes(&r, &seen, &insts, &pfs) != 0)
		goto rollback;
	res->changes = (long)seen.n;
	if (!r.all && insts.n == 0 && pfs.n == 0 && !r.any_cur) {
		/* Nothing that values anything: the changes are used up. */
		if (seen.n > 0) {
			json_ids(&ids, seen.v, seen.n);
			if (db_exec(d, NULL, NULL, consume, "s", ids.data) != 0)
				goto rollback;
		}
		if (!ours(d, lease))
			goto rollback;
		if (db_commit(d) != 0)
			goto out;
		rc = 0;
		goto out;
	}
	if (!r.all && !r.any_cur) {
		/* A few changed prices: their holders, by index. */
		if ((subset = few_holders(&r, insts.n)) < 0)
			goto rollback;
		if (subset && insts.n > 0) {
			json_ids(&ids, insts.v, insts.n);
			if (collect(d, &pfs, holders, ids.data, NULL) != 0)
				goto rollback;
			pfs.n = uniq(pfs.v, pfs.n);
			buf_reset(&ids);
		}
	}
	if (snapshot_day(d) != 0 ||
	    db_exec(d, NULL, NULL, start, "s", r.all ? "all" : "changes") != 0)
		goto rollback;
	r.run_id = (long long)d->insert_id;
	if (subset)
		json_ids(&ids, pfs.v, pfs.n);
	/*
	 * Positions are read on a second connection while this one writes.
	 * Its snapshot starts after the changes above were read, so it sees
	 * at least what they describe.
	 */
	db_init(&rd, d->cfg, d->admin);
	if (db_begin(&rd) != 0 ||
	    load_portfolios(&r, &rd, subset ? ids.data : NULL) != 0 ||
	    (written = value_and_write(&r, &rd, subset ? ids.data : NULL,
	    &pfs)) < 0) {
		if (rd.errmsg[0] && !d->errmsg[0])
			memcpy(d->errmsg, rd.errmsg, sizeof(d->errmsg));
		db_rollback(&rd);
		db_close(&rd);
		goto rollback;
	}
	db_rollback(&rd);
	db_close(&rd);
	r.npf = (size_t)written;
	if (seen.n > 0) {
		buf_reset(&ids);
		json_ids(&ids, seen.v, seen.n);
		if (db_exec(d, NULL, NULL, consume, "s", ids.data) != 0)
			goto rollback;
	}
	if ((res->pruned = runs_prune(d, o->runs_keep)) < 0)
		goto rollback;
	res->ms = ms_since(&t0);
	if (db_exec(d, NULL, NULL, fin, "iiii", (long long)r.npf,
	    (long long)seen.n, (long long)res->ms, r.run_id) != 0)
		goto rollback;
	if (!ours(d, lease))
		goto rollback;
	if (db_commit(d) != 0)
		goto out;
	res->run_id = r.run_id;
	res->portfolios = (long)r.npf;
	rc = 0;
	goto out;
rollback:
	db_rollback(d);
out:
	res->ms = ms_since(&t0);
	free(seen.v);
	free(pfs.v);
	free(insts.v);
	buf_free(&ids);
	arena_free(&a);
	run_free(&r);
	return rc;
}

int
revalue_run(struct db *d, const struct revalue_opts *o,
    struct revalue_result *res)
{
	struct lease lease;
	int rc, tries = 0;

	memset(res, 0, sizeof(*res));
	rc = lease_take(&lease, d->cfg, "revalue", o->lock_wait, d->errmsg,
	    sizeof(d->errmsg));
	if (rc <= 0) {
		if (rc == 0)
			snprintf(d->errmsg, sizeof(d->errmsg), "another "
			    "valuation run is still going after %d s",
			    o->lock_wait);
		return -1;
	}
	/* A large run replicates to a cluster's other nodes as it writes. */
	db_fragments(d, DB_FRAGMENT_ROWS);
	do
		rc = revalue_once(d, o, res, &lease);
	while (rc < 0 && lease_held(&lease) && db_again(d, &tries));
	db_fragments(d, 0);
	lease_release(&lease);
	return rc;
}
