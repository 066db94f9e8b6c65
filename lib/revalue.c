/*
 * revalue.c - valuation runs (see revalue.h).
 */
#include "revalue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "money.h"
#include "portfolio.h"

#define BATCH 500		/* rows per INSERT */
#define NCUR 256		/* distinct currencies a run can tell apart */

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
	dec realized, income, fees, taxes, charges, net_flow_in;
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

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL && n > 0)
		abort();
	return q;
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
 * Loads the portfolios (sorted by id) and their cash balances.  With
 * ids (a JSON array of portfolio ids) only those, else all.  0 or -1.
 */
static int
load_portfolios(struct run *r, const char *ids)
{
#define PF_SEL "SELECT pf.id, pf.currency, pf.cash_income, pf.cash_fees, " \
	"pf.cash_taxes, pf.pos_realized, pf.pos_income, pf.pos_fees, " \
	"pf.pos_taxes, pf.pos_charges, pf.net_flow_in "
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

	rc = ids ? db_stream_open(r->d, &s, some_pf, "s", ids) :
	    db_stream_open(r->d, &s, all_pf, "");
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
		p->net_flow_in = text_dec(row[10]);
		totals_init(&p->t);
	}
	db_stream_close(s);
	if (rc != 0)
		return -1;
	rc = ids ? db_stream_open(r->d, &s, some_cash, "s", ids) :
	    db_stream_open(r->d, &s, all_cash, "");
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
add_position(struct run *r, struct pf *p, const struct inst *x, dec qty,
    dec cost)
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
	totals_add_holding(&p->t, &pos, &v);
	if (x != NULL && x->q.known && x->q.as_of > p->prices_as_of)
		p->prices_as_of = x->q.as_of;
	/* Its price changed, or a rate it is converted with. */
	if (x != NULL && (x->changed || (r->any_cur && x->major >= 0 &&
	    x->major != p->base && (r->cur_changed[x->major] ||
	    (p->base >= 0 && r->cur_changed[p->base])))))
		p->affected = 1;
}

/*
 * Streams the open positions of the loaded portfolios (all, or those in
 * ids) in portfolio order and values them.  0 or -1.
 */
static int
value_positions(struct run *r, const char *ids)
{
	static const char all[] = "SELECT portfolio_id, instrument_id, "
	    "quantity, cost FROM positions WHERE quantity <> 0 "
	    "ORDER BY portfolio_id";
	static const char some[] = "SELECT p.portfolio_id, p.instrument_id, "
	    "p.quantity, p.cost FROM " IDS "JOIN positions p "
	    "ON p.portfolio_id = j.id WHERE p.quantity <> 0 "
	    "ORDER BY p.portfolio_id";
	struct db_stream *s;
	size_t k = 0;
	char **row;
	int rc;

	rc = ids ? db_stream_open(r->d, &s, some, "s", ids) :
	    db_stream_open(r->d, &s, all, "");
	if (rc != 0)
		return -1;
	while ((rc = db_stream_next(s, &row)) == 1) {
		long long pid = strtoll(row[0], NULL, 10);
		dec qty, cost;

		while (k < r->npf && r->pf[k].id < pid)
			k++;
		if (k == r->npf || r->pf[k].id != pid)
			continue;	/* not one of this run's */
		if (dec_parse(row[2], &qty) != 0)
			qty = DEC_NAN;
		if (dec_parse(row[3], &cost) != 0)
			cost = DEC_NAN;
		add_position(r, &r->pf[k], inst_lookup(&r->in,
		    strtoll(row[1], NULL, 10)), qty, cost);
	}
	db_stream_close(s);
	return rc;
}

/* Adds each portfolio's cash and ledger sums and finishes its totals. */
static void
finish_totals(struct run *r)
{
	size_t c = 0;

	for (size_t k = 0; k < r->npf; k++) {
		struct pf *p = &r->pf[k];

		totals_add_ledger(&p->t, p->realized, p->income, p->fees,
		    p->taxes, p->charges);
		while (c < r->ncash && r->cash[c].pid < p->id)
			c++;
		for (; c < r->ncash && r->cash[c].pid == p->id; c++) {
			totals_add_cash(&p->t, r->cash[c].currency,
			    r->cash[c].balance, p->currency, r->cur.fx);
			if (r->any_cur && strcmp(r->cash[c].currency,
			    p->currency) != 0) {
				int cn = cur_num(&r->cur, r->cash[c].currency);

				if ((cn >= 0 && r->cur_changed[cn]) ||
				    (p->base >= 0 && r->cur_changed[p->base]))
					p->affected = 1;
			}
		}
		if (r->all)
			p->affected = 1;
		totals_add_flows(&p->t, p->cash_income, p->cash_fees,
		    p->cash_taxes);
		totals_finish(&p->t);
	}
}

#define ROW_PARAMS 12

/* The INSERT of n rows into portfolio_latest (heap). */
static char *
rows_sql(size_t n)
{
	struct buf b;

	buf_init(&b);
	buf_puts(&b, "INSERT INTO portfolio_latest (portfolio_id, run_id, "
	    "value, holdings_value, cash, cost, day_change, total_gain, "
	    "net_flow_in, unpriced, stale, prices_as_of, computed_at) VALUES ");
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, i ? ",(?,?,?,?,?,?,?,?,?,?,?,FROM_UNIXTIME(?),"
		    "NOW(3))" : "(?,?,?,?,?,?,?,?,?,?,?,FROM_UNIXTIME(?),NOW(3))");
	buf_puts(&b, " ON DUPLICATE KEY UPDATE run_id = VALUES(run_id), "
	    "value = VALUES(value), holdings_value = VALUES(holdings_value), "
	    "cash = VALUES(cash), cost = VALUES(cost), "
	    "day_change = VALUES(day_change), "
	    "total_gain = VALUES(total_gain), "
	    "net_flow_in = VALUES(net_flow_in), unpriced = VALUES(unpriced), "
	    "stale = VALUES(stale), prices_as_of = VALUES(prices_as_of), "
	    "computed_at = VALUES(computed_at)");
	return b.data;
}

/* Writes every portfolio's totals, BATCH rows per statement.  0 or -1. */
static int
write_values(struct run *r)
{
	char (*text)[DEC_BUFSZ] = calloc((size_t)BATCH * ROW_PARAMS,
	    sizeof(*text));
	const char **par = calloc((size_t)BATCH * ROW_PARAMS, sizeof(*par));
	int rc = 0;

	if (text == NULL || par == NULL)
		abort();
	for (size_t k = 0; k < r->npf && rc == 0; k += BATCH) {
		size_t n = r->npf - k < BATCH ? r->npf - k : BATCH;
		const char *sql;

		for (size_t i = 0; i < n; i++) {
			const struct pf *p = &r->pf[k + i];
			const struct totals *t = &p->t;
			char (*x)[DEC_BUFSZ] = text + i * ROW_PARAMS;
			const char **v = par + i * ROW_PARAMS;

			snprintf(x[0], DEC_BUFSZ, "%lld", p->id);
			snprintf(x[1], DEC_BUFSZ, "%lld", r->run_id);
			dec_format(t->value, DEC_PLACES, x[2]);
			dec_format(t->holdings_value, DEC_PLACES, x[3]);
			dec_format(t->cash, DEC_PLACES, x[4]);
			dec_format(t->cost, DEC_PLACES, x[5]);
			dec_format(t->day_change, DEC_PLACES, x[6]);
			dec_format(t->total_gain, DEC_PLACES, x[7]);
			dec_format(p->net_flow_in, DEC_PLACES, x[8]);
			snprintf(x[9], DEC_BUFSZ, "%d", t->unpriced);
			snprintf(x[10], DEC_BUFSZ, "%d", t->stale);
			snprintf(x[11], DEC_BUFSZ, "%lld",
			    (long long)p->prices_as_of);
			for (int c = 0; c < ROW_PARAMS; c++)
				v[c] = x[c];
			if (t->day_known == 0)
				v[6] = NULL;
			if (p->prices_as_of == 0)
				v[11] = NULL;
		}
		if (n == BATCH) {
			if (r->rows_sql[0] == NULL)
				r->rows_sql[0] = rows_sql(BATCH);
			sql = r->rows_sql[0];
		} else {
			if (r->rows_sql[1] != NULL)
				db_forget(r->d, r->rows_sql[1]);
			free(r->rows_sql[1]);
			r->rows_sql[1] = rows_sql(n);
			sql = r->rows_sql[1];
		}
		rc = db_exec_texts(r->d, sql, n * ROW_PARAMS, par);
	}
	free(text);
	free(par);
	return rc;
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

	qsort(v, n, sizeof(*v), cmp_ll);
	for (size_t i = 0; i < n; i++)
		if (o == 0 || v[o - 1] != v[i])
			v[o++] = v[i];
	return o;
}

struct idset {
	long long *v;
	size_t n, cap;
};

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
	    "day, value, cost, net_flow_in) SELECT portfolio_id, ?, value, "
	    "cost, net_flow_in FROM portfolio_latest ON DUPLICATE KEY UPDATE "
	    "value = VALUES(value), cost = VALUES(cost), "
	    "net_flow_in = VALUES(net_flow_in)";
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

int
revalue_run(struct db *d, const struct revalue_opts *o,
    struct revalue_result *res)
{
	static const char lock[] = "SELECT GET_LOCK(CONCAT('nestegg.revalue.', "
	    "DATABASE()), ?)";
	static const char unlock[] = "SELECT RELEASE_LOCK(CONCAT("
	    "'nestegg.revalue.', DATABASE()))";
	static const char holders[] = "SELECT DISTINCT p.portfolio_id FROM "
	    IDS "JOIN positions p ON p.instrument_id = j.id "
	    "WHERE p.quantity <> 0";
	static const char start[] = "INSERT INTO valuation_runs (started_at, "
	    "prices_as_of, portfolios, duration_ms, scope, changes) VALUES "
	    "(NOW(3), (SELECT MAX(as_of) FROM prices), 0, 0, ?, 0)";
	static const char fin[] = "UPDATE valuation_runs SET portfolios = ?, "
	    "changes = ?, duration_ms = ? WHERE id = ?";
	static const char consume[] = "DELETE p FROM " IDS
	    "JOIN revalue_pending p ON p.id = j.id";
	struct timespec t0;
	struct run r;
	struct idset seen = { 0 }, pfs = { 0 }, insts = { 0 };
	struct fx_table fx;
	struct arena a;
	struct dbres lr;
	struct buf ids;
	int rc = -1, locked = 0, subset = 0;
	size_t w, k;

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
	if (db_exec(d, &a, &lr, lock, "i", (long long)o->lock_wait) != 0)
		goto out;
	if (db_int(&lr, 0, 0) != 1) {
		snprintf(d->errmsg, sizeof(d->errmsg), "another valuation run "
		    "is still going after %d s", o->lock_wait);
		goto out;
	}
	locked = 1;
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
	/* Otherwise one pass over everything, noting what is affected. */
	if (load_portfolios(&r, subset ? ids.data : NULL) != 0 ||
	    value_positions(&r, subset ? ids.data : NULL) != 0)
		goto rollback;
	k = 0;
	for (size_t i = 0; i < r.npf; i++) {
		while (k < pfs.n && pfs.v[k] < r.pf[i].id)
			k++;
		if (subset || (k < pfs.n && pfs.v[k] == r.pf[i].id))
			r.pf[i].affected = 1;
	}
	finish_totals(&r);
	for (w = 0, k = 0; k < r.npf; k++)
		if (r.pf[k].affected)
			r.pf[w++] = r.pf[k];
	r.npf = w;
	if (write_values(&r) != 0)
		goto rollback;
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
	if (db_commit(d) != 0)
		goto out;
	res->run_id = r.run_id;
	res->portfolios = (long)r.npf;
	rc = 0;
	goto out;
rollback:
	db_rollback(d);
out:
	if (locked) {
		/* Keep the error of the run, not of the unlock. */
		char msg[sizeof(d->errmsg)];
		unsigned err = d->err;

		memcpy(msg, d->errmsg, sizeof(msg));
		db_exec(d, &a, &lr, unlock, "");
		memcpy(d->errmsg, msg, sizeof(msg));
		d->err = err;
	}
	res->ms = ms_since(&t0);
	free(seen.v);
	free(pfs.v);
	free(insts.v);
	buf_free(&ids);
	arena_free(&a);
	run_free(&r);
	return rc;
}
