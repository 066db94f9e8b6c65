/*
 * import.c - importing and exporting transactions (see import.h).
 */
#include "import.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <zlib.h>

#include "csv.h"
#include "epoch.h"
#include "log.h"
#include "text.h"
#include "token.h"

/* Rows per INSERT. */
#define BATCH 200
#define TX_PARAMS 15

/* One distinct symbol of the file and what it names. */
struct sym {
	const char *key;	/* as in the file */
	struct instrument inst;
	int known;
	size_t unknown;		/* its index in res->unknown when not */
};

struct symtab {
	struct sym *v;
	size_t cap;		/* a power of two */
};

/* A new transaction and where it came from. */
struct item {
	struct tx tx;
	const char *note;
	size_t row;		/* index into the file's rows */
	int skip;		/* already in the portfolio: left out */
	int opening;		/* an opening position, before that row */
};

static unsigned long
hash_ci(const char *s)
{
	unsigned long h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 16777619u;
	return h;
}

/* The slot of symbol s in t (empty when new). */
static struct sym *
sym_slot(struct symtab *t, const char *s)
{
	size_t i = hash_ci(s) & (t->cap - 1);

	while (t->v[i].key != NULL && strcasecmp(t->v[i].key, s) != 0)
		i = (i + 1) & (t->cap - 1);
	return &t->v[i];
}

/* Notes row's rate when it is not of the row's own day. */
static void
add_rate(struct import_result *res, const struct import_row *row,
    const struct tx *t, const char *to)
{
	struct import_rate *x;
	dec factor;

	if (t->fx_origin != FX_EARLIER && t->fx_origin != FX_LATEST)
		return;
	res->nlatest += t->fx_origin == FX_LATEST;
	if (res->nrates++ >= IMPORT_MAX_ERRORS)
		return;
	x = &res->rates[res->nrates - 1];
	x->line = row->line;
	memcpy(x->date, t->date, sizeof(x->date));
	currency_major(t->currency, x->from, &factor);
	snprintf(x->to, sizeof(x->to), "%s", to);
	x->rate = t->fx_rate;
	perf_ymd(t->fx_day, x->rate_day);
	x->latest = t->fx_origin == FX_LATEST;
}

/* The rates of the days of f's rows, those before them included. */
static int
rates_of(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct import_file *f, struct symtab *syms, struct fx_days *fx)
{
	char lo[11] = "", hi[11] = "", day[11], tm[9], major[4];
	struct buf set;
	dec factor;
	int rc;

	/* The currencies the rows may need: theirs, their instruments',
	 * the portfolio's and the pivots. */
	buf_init(&set);
	buf_printf(&set, ",%s,USD,EUR,", pf->currency);
	for (size_t i = 0; i < f->n; i++) {
		const struct import_row *r = &f->rows[i];
		const char *s = r->t.date, *c[2] = { r->t.currency, NULL };

		if (r->error || r->skip ||
		    ledger_datetime(s ? s : "", day, tm) != NULL)
			continue;
		if (r->t.symbol && *r->t.symbol &&
		    sym_slot(syms, r->t.symbol)->known)
			c[1] = sym_slot(syms, r->t.symbol)->inst.currency;
		for (int k = 0; k < 2; k++) {
			char item[6];

			if (!c[k] || !*c[k] || currency_major(c[k], major,
			    &factor) != 0)
				continue;
			snprintf(item, sizeof(item), ",%s,", major);
			if (!strstr(set.data, item))
				buf_printf(&set, "%s,", major);
		}
		if (!*lo || strcmp(day, lo) < 0)
			memcpy(lo, day, sizeof(lo));
		if (strcmp(day, hi) > 0)
			memcpy(hi, day, sizeof(hi));
	}
	fx->pairs = NULL, fx->npairs = 0;
	/* (FIND_IN_SET ignores the empty ends.) */
	rc = *lo ? fx_days_load(d, a, lo, hi, set.data, fx) : 0;
	buf_free(&set);
	return rc;
}

static void
add_error(struct arena *a, struct import_result *res,
    const struct import_row *row, const char *field, const char *reason)
{
	if (res->nerrors < IMPORT_MAX_ERRORS) {
		struct import_error *e = &res->errors[res->nerrors];

		e->line = row ? row->line : 0;
		e->raw = row ? row->raw : "";
		e->field = field ? field : "";
		e->reason = arena_strdup(a, reason);
	}
	res->nerrors++;
}

/* Keeps a trade's price as the latest the file gives (files run in
 * date order): what an instrument priced by hand starts at. */
static void
trade_price(struct arena *a, const struct import_row *r,
    struct import_hint *h)
{
	const char *type = r->t.type ? r->t.type : "";
	char date[11], time[9], buf[DEC_BUFSZ];
	dec p;

	if (r->t.price == NULL || *r->t.price == '\0' ||
	    (strcmp(type, "buy") != 0 && strcmp(type, "sell") != 0 &&
	    strcmp(type, "transfer_in") != 0 &&
	    strcmp(type, "transfer_out") != 0) ||
	    num_parse(r->t.price, r->t.style, &p, NULL) != NULL ||
	    dec_sign(p) <= 0 ||
	    ledger_datetime(r->t.date ? r->t.date : "", date, time) != NULL)
		return;
	h->price = arena_strdup(a, dec_format(p, -1, buf));
	h->date = arena_printf(a, "%s %s", date, *time ? time : "00:00:00");
}

/* Looks every distinct symbol up once; unknown ones go to res. */
static int
resolve(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct import_file *f, struct symtab *t, struct import_result *res)
{
	size_t cap = 16;

	while (cap < 2 * f->n + 2)
		cap *= 2;
	t->cap = cap;
	t->v = arena_alloc(a, cap * sizeof(*t->v));
	memset(t->v, 0, cap * sizeof(*t->v));
	res->unknown = arena_alloc(a, (f->n + 1) * sizeof(*res->unknown));
	for (size_t i = 0; i < f->n; i++) {
		const struct import_row *r = &f->rows[i];
		struct sym *s;
		int rc;

		if (r->error || r->skip || r->t.symbol == NULL ||
		    *r->t.symbol == '\0')
			continue;
		s = sym_slot(t, r->t.symbol);
		if (s->key != NULL) {
			if (!s->known) {
				struct import_unknown *u =
				    &res->unknown[s->unknown];

				u->rows++;
				trade_price(a, r, &u->hint);
			}
			continue;
		}
		s->key = r->t.symbol;
		if ((rc = inst_find(d, a, pf->user_id, r->t.symbol, &s->inst)) < 0)
			return -1;
		/* Else by the ISIN the file gives, or the symbol is. */
		if (rc == 0 && (rc = inst_find_isin(d, a, pf->user_id,
		    *r->hint.isin ? r->hint.isin : r->t.symbol, &s->inst)) < 0)
			return -1;
		s->known = rc == 1;
		if (!s->known) {
			struct import_unknown *u = &res->unknown[res->nunknown];

			s->unknown = res->nunknown++;
			u->symbol = r->t.symbol;
			u->hint = r->hint;
			u->rows = 1;
			trade_price(a, r, &u->hint);
		}
	}
	return 0;
}

/* A transaction as text, to find the same one already recorded. */
static char *
signature(struct arena *a, const struct tx *t)
{
	char q[DEC_BUFSZ], p[DEC_BUFSZ], f[DEC_BUFSZ], m[DEC_BUFSZ];

	return arena_printf(a, "%s|%s|%d|%lld|%s|%s|%s|%s|%s|%s", t->date,
	    t->time, (int)t->type, t->instrument,
	    (t->has & TXF_QUANTITY) ? dec_format(t->quantity, -1, q) : "",
	    (t->has & TXF_PRICE) ? dec_format(t->price, -1, p) : "",
	    (t->has & TXF_FEE) ? dec_format(t->fee, -1, f) : "",
	    (t->has & TXF_AMOUNT) ? dec_format(t->amount, -1, m) : "",
	    t->currency, t->counter);
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Marks the new rows that are already in the portfolio (each recorded
 * one matching at most one new row); returns how many. */
static size_t
find_duplicates(struct arena *a, const struct tx *old, size_t nold,
    struct item *it, size_t n)
{
	char **sig = arena_alloc(a, (nold + 1) * sizeof(*sig));
	size_t *used = arena_alloc(a, (nold + 1) * sizeof(*used)), dups = 0;

	if (nold == 0)
		return 0;
	for (size_t i = 0; i < nold; i++) {
		sig[i] = signature(a, &old[i]);
		used[i] = 0;
	}
	qsort(sig, nold, sizeof(*sig), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char *s = signature(a, &it[i].tx);
		size_t lo = 0, hi = nold, end;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (strcmp(sig[mid], s) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (end = lo; end < nold && strcmp(sig[end], s) == 0; end++)
			;
		if (lo < end && used[lo] < end - lo) {
			used[lo]++;
			it[i].skip = 1;
			dups++;
		}
	}
	return dups;
}

/* Ledger order of new items: instrument, then the ledger's order, then
 * file order. */
static int
cmp_item(const void *x, const void *y)
{
	const struct item *a = *(const struct item *const *)x;
	const struct item *b = *(const struct item *const *)y;
	int c;

	if (a->tx.instrument != b->tx.instrument)
		return a->tx.instrument < b->tx.instrument ? -1 : 1;
	if ((c = ledger_order_cmp(&a->tx, &b->tx)) != 0)
		return c;
	if (a->row != b->row)
		return a->row < b->row ? -1 : 1;
	return b->opening - a->opening;
}

static int
cmp_old(const void *x, const void *y)
{
	const struct tx *a = *(const struct tx *const *)x;
	const struct tx *b = *(const struct tx *const *)y;
	int c;

	if (a->instrument != b->instrument)
		return a->instrument < b->instrument ? -1 : 1;
	if ((c = ledger_order_cmp(a, b)) != 0)
		return c;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Errors by line, those of the file as a whole first. */
static int
cmp_error(const void *x, const void *y)
{
	const struct import_error *a = x, *b = y;

	return a->line < b->line ? -1 : a->line > b->line;
}

/* The symbol the user knows instrument iid by, from the file's. */
static const char *
symbol_of(const struct symtab *t, long long iid)
{
	for (size_t i = 0; i < t->cap; i++)
		if (t->v[i].key && t->v[i].known && t->v[i].inst.id == iid)
			return t->v[i].inst.symbol;
	return "";
}

/*
 * The next transaction of instrument iid in the ledger's order, of the
 * new items nw[*i..nn) and those recorded old[*j..no) (both sorted by
 * instrument, then that order): *i or *j moves past it, and *fresh says
 * whether it is a new one.  NULL when iid has no more.
 */
static const struct tx *
next_of(long long iid, struct item **nw, size_t nn, size_t *i,
    const struct tx **old, size_t no, size_t *j, int *fresh)
{
	int n = *i < nn && nw[*i]->tx.instrument == iid;
	int o = *j < no && old[*j]->instrument == iid;

	if (!n && !o)
		return NULL;
	*fresh = n && (!o || ledger_order_cmp(&nw[*i]->tx, old[*j]) < 0);
	return *fresh ? &nw[(*i)++]->tx : old[(*j)++];
}

/*
 * Replays each instrument the new rows touch, the recorded transactions
 * and the new ones in the ledger's order; refusals go to res.  With
 * write, the positions are stored.  0 or -1.
 */
static int
replay(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct import_file *f, const struct symtab *syms,
    struct item **nw, size_t nn, const struct tx **old, size_t no,
    int write, struct import_result *res)
{
	size_t i = 0, j = 0;
	char msg[256];

	res->holdings = arena_alloc(a, (nn + 1) * sizeof(*res->holdings));
	while (i < nn) {
		long long iid = nw[i]->tx.instrument;
		struct ledger_state st;
		const struct tx *last = NULL, *t;
		const struct item *prev = NULL;
		int failed = 0, take_new;

		while (j < no && old[j]->instrument < iid)
			j++;
		ledger_init(&st);
		while ((t = next_of(iid, nw, nn, &i, old, no, &j,
		    &take_new)) != NULL) {
			if (!failed && ledger_apply(&st, t, pf->method, msg,
			    sizeof(msg)) != 0) {
				failed = 1;
				if (take_new)
					add_error(a, res, &f->rows[nw[i - 1]->row],
					    "quantity", msg);
				else
					add_error(a, res, prev ? &f->rows[
					    prev->row] : NULL, "quantity",
					    arena_printf(a, "With this row, a "
					    "transaction already recorded fails: "
					    "%s", msg));
			}
			last = t;
			if (take_new)
				prev = nw[i - 1];
		}
		if (!failed) {
			struct import_holding *h =
			    &res->holdings[res->nholdings++];

			h->instrument = iid;
			h->symbol = symbol_of(syms, iid);
			h->quantity = st.p.quantity;
			h->cost = st.p.cost;
			if (write && pf_store_position(d, a, pf, iid, &st,
			    last) != 0) {
				ledger_free(&st);
				return -1;
			}
		}
		ledger_free(&st);
	}
	return 0;
}

/* How t changes a holding of m x Q + c shares (Q an opening position
 * not known yet): bought, sold, split. */
static void
moves(const struct tx *t, dec *m, dec *c)
{
	dec ratio;

	switch (t->type) {
	case TX_BUY:
	case TX_TRANSFER_IN:
		*c = dec_add(*c, t->quantity);
		break;
	case TX_SELL:
	case TX_TRANSFER_OUT:
		*c = dec_sub(*c, t->quantity);
		break;
	case TX_SPLIT:
		ratio = (t->has & TXF_PRICE) ? dec_div(t->quantity, t->price) :
		    t->quantity;
		*m = dec_mul(*m, ratio);
		*c = dec_mul(*c, ratio);
		break;
	default:
		break;
	}
}

/*
 * Finds, for each instrument of the new rows (nw, nn, in ledger order)
 * with those recorded (old, no), the smallest opening position on day
 * open that no sell takes below zero, into res->openings; with o->open,
 * adds it to it (*n items, room for as many more as instruments) and
 * nw as a transfer in, at the first price the file gives the
 * instrument or the cost a share given.  Returns 0.
 */
static int
openings(struct arena *a, const struct portfolio *pf,
    const struct symtab *syms,
    const struct fx_days *fx, const char *open, struct item *it, size_t *n,
    struct item **nw, size_t *nn, const struct tx **old, size_t no,
    const struct import_opts *o, struct import_result *res)
{
	size_t i = 0, j = 0, nnew = *nn;

	res->openings = arena_alloc(a, (nnew + 1) * sizeof(*res->openings));
	while (i < nnew) {
		long long iid = nw[i]->tx.instrument;
		const struct item *first = nw[i];
		const char *price = "";
		const struct tx *t;
		int take_new;
		dec m = DEC_ZERO, c = DEC_ZERO, need = DEC_ZERO;

		while (j < no && old[j]->instrument < iid)
			j++;
		while ((t = next_of(iid, nw, nnew, &i, old, no, &j,
		    &take_new)) != NULL) {
			if (dec_is_zero(m) && strcmp(t->date, open) >= 0)
				m = DEC_ONE;
			moves(t, &m, &c);
			if (take_new && *price == '\0' && (t->type == TX_BUY ||
			    t->type == TX_SELL) && (t->has & TXF_PRICE))
				price = arena_strdup(a, dec_format(t->price, -1,
				    (char[DEC_BUFSZ]){ 0 }));
			if (dec_sign(c) < 0 && dec_sign(m) > 0) {
				dec q = dec_div(dec_neg(c), m);

				/* Rounded up: no sell left short by 1e-12. */
				if (dec_sign(dec_add(dec_mul(q, m), c)) < 0)
					q = dec_add(q, dec_div(DEC_ONE,
					    dec_from_int(1000000000000LL)));
				if (dec_cmp(q, need) > 0)
					need = q;
			}
		}
		if (dec_sign(need) > 0) {
			struct import_opening *x =
			    &res->openings[res->nopenings];
			const char *cost = res->nopenings < o->nopen_costs ?
			    o->open_costs[res->nopenings] : "";
			struct tx_text tt;
			struct sym *s;
			const char *why, *field;
			dec total;	/* the cost a share given */

			memset(x, 0, sizeof(*x));
			x->instrument = iid;
			x->symbol = symbol_of(syms, iid);
			snprintf(x->date, sizeof(x->date), "%s", open);
			x->quantity = need;
			x->first_price = price;
			snprintf(x->currency, sizeof(x->currency), "%s",
			    first->tx.currency);
			res->nopenings++;
			if (o->open == OPEN_NONE ||
			    (o->open == OPEN_AT_FIRST_PRICE && *price == '\0') ||
			    (o->open == OPEN_AT_COST && (num_parse(cost,
			    NUM_PLAIN, &total, NULL) != NULL ||
			    dec_sign(total) < 0)))
				continue;
			memset(&tt, 0, sizeof(tt));
			tt.date = open;
			tt.type = "transfer_in";
			tt.symbol = x->symbol;
			tt.quantity = dec_format(need, -1, (char[DEC_BUFSZ]){ 0 });
			tt.price = o->open == OPEN_AT_FIRST_PRICE ? price :
			    arena_strdup(a, dec_format(total, -1,
			    (char[DEC_BUFSZ]){ 0 }));
			tt.currency = first->tx.currency;
			tt.fee = tt.amount = tt.fx_rate = tt.counter = "";
			tt.note = "Opening position";
			tt.style = NUM_PLAIN;
			s = sym_slot((struct symtab *)syms, x->symbol);
			why = tx_build(pf, &tt, &s->inst, fx, &it[*n].tx, &field,
			    NULL);
			if (why != NULL)
				continue;
			it[*n].note = tt.note;
			it[*n].row = first->row;
			it[*n].skip = 0;
			it[*n].opening = 1;
			x->cost = dec_mul(need, it[*n].tx.price);
			x->recorded = 1;
			nw[(*nn)++] = &it[(*n)++];
			res->written++;
			res->per_type[TX_TRANSFER_IN]++;
		}
	}
	return 0;
}

/* Cash after the import: each balance recorded plus what the new rows
 * move; with write, those moves are stored.  0 or -1. */
static int
cash_after(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct item *it, size_t n, int write, struct import_result *res)
{
	static const char q[] = "SELECT currency, balance FROM cash_balances "
	    "WHERE portfolio_id = ? ORDER BY currency";
	static const char up[] = "INSERT INTO cash_balances (portfolio_id, "
	    "currency, balance) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE "
	    "balance = balance + VALUES(balance)";
	struct dbres r;
	dec *delta;

	if (db_exec(d, a, &r, q, "i", pf->id) != 0)
		return -1;
	res->cash = arena_alloc(a, (r.nrows + 2 * n + 1) * sizeof(*res->cash));
	delta = arena_alloc(a, (r.nrows + 2 * n + 1) * sizeof(*delta));
	for (size_t i = 0; i < r.nrows; i++) {
		snprintf(res->cash[i].currency, 4, "%s", db_val(&r, i, 0));
		dec_parse(db_val(&r, i, 1), &res->cash[i].balance);
		delta[i] = DEC_ZERO;
	}
	res->ncash = r.nrows;
	for (size_t i = 0; i < n; i++) {
		char cur[2][4];
		dec v[2];

		if (it[i].skip)
			continue;
		v[0] = ledger_cash(&it[i].tx, cur[0]);
		v[1] = ledger_cash_counter(&it[i].tx, cur[1]);
		for (int k = 0; k < 2; k++) {
			size_t c;

			if (dec_is_zero(v[k]))
				continue;
			for (c = 0; c < res->ncash; c++)
				if (strcmp(res->cash[c].currency, cur[k]) == 0)
					break;
			if (c == res->ncash) {
				memcpy(res->cash[c].currency, cur[k], 4);
				res->cash[c].balance = DEC_ZERO;
				delta[c] = DEC_ZERO;
				res->ncash++;
			}
			res->cash[c].balance = dec_add(res->cash[c].balance,
			    v[k]);
			delta[c] = dec_add(delta[c], v[k]);
		}
	}
	for (size_t c = 0; write && c < res->ncash; c++) {
		char buf[DEC_BUFSZ];

		if (!dec_is_zero(delta[c]) && db_exec(d, NULL, NULL, up, "iss",
		    pf->id, res->cash[c].currency, dec_format(delta[c], -1,
		    buf)) != 0)
			return -1;
	}
	return 0;
}

/* Adds the new rows' income, fees and taxes without an instrument, and
 * the money they bring in, to pf; 0 or -1. */
static int
add_flows(struct db *d, const struct portfolio *pf, const struct item *it,
    size_t n)
{
	static const char q[] = "UPDATE portfolios SET "
	    "cash_income = cash_income + ?, cash_fees = cash_fees + ?, "
	    "cash_taxes = cash_taxes + ?, net_flow_in = net_flow_in + ? "
	    "WHERE id = ?";
	dec inc = DEC_ZERO, fees = DEC_ZERO, taxes = DEC_ZERO, ext = DEC_ZERO;
	char b[4][DEC_BUFSZ];

	for (size_t i = 0; i < n; i++) {
		dec x, y, z;

		if (it[i].skip)
			continue;
		ledger_flows(&it[i].tx, &x, &y, &z);
		inc = dec_add(inc, x), fees = dec_add(fees, y);
		taxes = dec_add(taxes, z);
		ext = dec_add(ext, ledger_external_flow(&it[i].tx));
	}
	return db_exec(d, NULL, NULL, q, "ssssi", dec_format(inc, -1, b[0]),
	    dec_format(fees, -1, b[1]), dec_format(taxes, -1, b[2]),
	    dec_format(ext, -1, b[3]), pf->id);
}

/* Writes the new rows, BATCH per INSERT, in file order; 0 or -1. */
static int
insert_rows(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct item *it, size_t n, long long import_id)
{
	static struct db_rows ins = DB_ROWS("INSERT INTO transactions "
	    "(portfolio_id, instrument_id, date, time, type, quantity, price, "
	    "fee, amount, currency, counter_currency, fx_rate, fx_assumed, "
	    "note, import_id, created_at) VALUES ", "(?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, NOW())", "", TX_PARAMS, BATCH);
	const char **p = arena_alloc(a, (n + 1) * TX_PARAMS * sizeof(*p));
	char *pid = arena_printf(a, "%lld", pf->id);
	char *imp = arena_printf(a, "%lld", import_id);
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		const struct tx *t = &it[i].tx;
		const char **v = p + k * TX_PARAMS;
		char b[DEC_BUFSZ];

		if (it[i].skip)
			continue;
		v[0] = pid;
		v[1] = t->instrument ? arena_printf(a, "%lld", t->instrument) :
		    NULL;
		v[2] = t->date;
		v[3] = *t->time ? t->time : NULL;
		v[4] = tx_type_names[t->type];
#define OPT(bit, x) ((t->has & (bit)) ? \
	arena_strdup(a, dec_format((x), -1, b)) : NULL)
		v[5] = OPT(TXF_QUANTITY, t->quantity);
		v[6] = OPT(TXF_PRICE, t->price);
		v[7] = OPT(TXF_FEE, t->fee);
		v[8] = OPT(TXF_AMOUNT, t->amount);
		v[9] = t->currency;
		v[10] = *t->counter ? t->counter : NULL;
		v[11] = OPT(TXF_FX, t->fx_rate);
#undef OPT
		v[12] = t->fx_origin == FX_LATEST ? "1" : "0";
		v[13] = it[i].note ? it[i].note : "";
		v[14] = imp;
		k++;
	}
	return db_exec_rows(d, &ins, k, p);
}

/* The signature of a header: SHA-256 of its cells, lower case. */
static void
header_signature(char **h, size_t n, unsigned char out[32])
{
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		for (const char *p = h[i]; *p; p++)
			buf_putc(&b, (char)tolower((unsigned char)*p));
		buf_putc(&b, '\x1f');
	}
	token_sha256(b.data ? b.data : "", b.len, out);
	buf_free(&b);
}

/* The header's cells as a JSON array, as a saved mapping keeps it. */
static char *
header_json(struct arena *a, char **h, size_t n)
{
	json_object *o = json_object_new_array();
	char *out;

	for (size_t i = 0; i < n; i++)
		json_object_array_add(o, json_object_new_string(h[i]));
	out = arena_strdup(a, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

/* A saved mapping's header back from its JSON (an empty one when it is
 * not an array of texts). */
static void
header_of(struct arena *a, const char *text, char ***h, size_t *n)
{
	json_object *o = json_tokener_parse(text ? text : "");
	size_t k = 0;

	*h = NULL;
	*n = 0;
	if (o == NULL || !json_object_is_type(o, json_type_array)) {
		json_object_put(o);
		return;
	}
	*h = arena_alloc(a, (json_object_array_length(o) + 1) * sizeof(**h));
	for (size_t i = 0; i < json_object_array_length(o); i++) {
		const char *c = json_object_get_string(
		    json_object_array_get_idx(o, i));

		(*h)[k++] = arena_strdup(a, c ? c : "");
	}
	*n = k;
	json_object_put(o);
}

int
import_mapping_load(struct db *d, struct arena *a, long long uid,
    const struct import_line *top, size_t ntop, struct import_mapping *m,
    long long *id)
{
	static const char q[] = "SELECT signature, mapping, id FROM "
	    "import_mappings WHERE user_id = ? AND signature IN "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	unsigned char sig[IMPORT_TOP][32];
	struct dbres r;
	size_t best = IMPORT_TOP;

	if (ntop == 0)
		return 0;
	for (size_t i = 0; i < IMPORT_TOP; i++)
		header_signature(top[i < ntop ? i : ntop - 1].fields,
		    top[i < ntop ? i : ntop - 1].n, sig[i]);
	if (db_exec(d, a, &r, q, "ibbbbbbbbbb", uid, sig[0], 32, sig[1], 32,
	    sig[2], 32, sig[3], 32, sig[4], 32, sig[5], 32, sig[6], 32,
	    sig[7], 32, sig[8], 32, sig[9], 32) != 0)
		return -1;
	/* The first line that is the header of a mapping saved for it, and
	 * where that mapping's lines left out put its header. */
	for (size_t k = 0; k < r.nrows; k++) {
		struct import_mapping x;

		if (import_mapping_parse(a, db_val(&r, k, 1), &x) != NULL)
			continue;
		for (size_t i = 0; i < ntop && i < best; i++)
			if (memcmp(db_val(&r, k, 0), sig[i], 32) == 0 &&
			    (x.skip_lines == 0 ||
			    top[i].line == (size_t)x.skip_lines + 1)) {
				best = i;
				*m = x;
				*id = atoll(db_val(&r, k, 2));
			}
	}
	return best < IMPORT_TOP;
}

int
import_mapping_save(struct db *d, struct arena *a, long long uid, char **h,
    size_t n, const struct import_mapping *m)
{
	static const char q[] = "INSERT INTO import_mappings (user_id, "
	    "signature, header, mapping, updated_at) VALUES (?, ?, ?, ?, "
	    "NOW()) ON DUPLICATE KEY UPDATE header = VALUES(header), "
	    "mapping = VALUES(mapping), updated_at = VALUES(updated_at)";
	unsigned char sig[32];

	header_signature(h, n, sig);
	return db_exec(d, NULL, NULL, q, "ibss", uid, sig, sizeof(sig),
	    header_json(a, h, n), import_mapping_format(a, m));
}

/* A row of id, header, mapping, updated into *out. */
static void
saved_of(struct arena *a, const struct dbres *r, size_t k,
    struct import_saved *out)
{
	out->id = atoll(db_val(r, k, 0));
	header_of(a, db_val(r, k, 1), &out->header, &out->nheader);
	out->mapping = db_val(r, k, 2);
	out->updated = db_val(r, k, 3);
	if (import_mapping_parse(a, out->mapping, &out->map) != NULL)
		import_mapping_init(&out->map);
}

int
import_mapping_list(struct db *d, struct arena *a, long long uid,
    struct import_saved **out, size_t *n)
{
	static const char q[] = "SELECT id, header, mapping, "
	    "DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i') FROM import_mappings "
	    "WHERE user_id = ? ORDER BY updated_at DESC, id DESC LIMIT 100";
	struct dbres r;

	*n = 0;
	if (db_exec(d, a, &r, q, "i", uid) != 0)
		return -1;
	*out = arena_alloc(a, (r.nrows + 1) * sizeof(**out));
	for (size_t k = 0; k < r.nrows; k++)
		saved_of(a, &r, k, &(*out)[k]);
	*n = r.nrows;
	return 0;
}

int
import_mapping_get(struct db *d, struct arena *a, long long uid,
    long long id, struct import_saved *out)
{
	static const char q[] = "SELECT id, header, mapping, "
	    "DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i') FROM import_mappings "
	    "WHERE user_id = ? AND id = ?";
	struct dbres r;

	if (db_exec(d, a, &r, q, "ii", uid, id) != 0)
		return -1;
	if (r.nrows == 0)
		return 0;
	saved_of(a, &r, 0, out);
	return 1;
}

int
import_mapping_change(struct db *d, struct arena *a, long long uid,
    long long id, const struct import_mapping *m)
{
	static const char q[] = "UPDATE import_mappings SET mapping = ?, "
	    "updated_at = NOW() WHERE user_id = ? AND id = ?";
	if (db_exec(d, NULL, NULL, q, "sii", import_mapping_format(a, m),
	    uid, id) != 0)
		return -1;
	return d->affected > 0;
}

int
import_mapping_delete(struct db *d, long long uid, long long id)
{
	static const char q[] = "DELETE FROM import_mappings WHERE "
	    "user_id = ? AND id = ?";
	if (db_exec(d, NULL, NULL, q, "ii", uid, id) != 0)
		return -1;
	return d->affected > 0;
}

/* What a generic CSV's preview shows of it: its type words, its first
 * rows as read, and whether its dates leave their order open. */
static void
generic_result(struct arena *a, const struct import_file *f,
    struct import_result *res)
{
	res->dates_open = f->dates_open;
	res->sample = f->rows;
	res->nsample = f->n < IMPORT_SAMPLE ? f->n : IMPORT_SAMPLE;
	res->words = arena_alloc(a, IMPORT_MAX_WORDS * sizeof(*res->words));
	for (size_t i = 0; i < f->n; i++) {
		const struct import_row *r = &f->rows[i];
		size_t k = 0;

		if (r->word == NULL)
			continue;
		while (k < res->nwords &&
		    strcasecmp(res->words[k].word, r->word) != 0)
			k++;
		if (k < res->nwords) {
			res->words[k].rows++;
			continue;
		}
		res->allwords++;
		if (res->nwords == IMPORT_MAX_WORDS)
			continue;
		res->words[k].word = r->word;
		res->words[k].type = import_mapping_word(res->mapping, r->word);
		if (res->words[k].type == NULL)
			res->words[k].type = import_type_word(r->word);
		res->words[k].rows = 1;
		res->nwords++;
	}
}

static int
import_once(struct db *d, struct arena *a, const struct portfolio *pf,
    const char *text, size_t len, const struct import_opts *o,
    struct import_result *res)
{
	static const char record[] = "INSERT INTO imports (user_id, "
	    "portfolio_id, format, digest, rows_written, created_at) "
	    "VALUES (?, ?, ?, ?, ?, NOW())";
	static const char cash_off[] = "UPDATE portfolios SET track_cash = 0 "
	    "WHERE id = ?";
	struct import_file f;
	struct fx_days fx;
	struct symtab syms;
	struct item *it, **nw;
	const struct tx **old;
	struct tx *oldv;
	size_t n = 0, nold, nn = 0, no = 0;
	unsigned char digest[32];
	int write = !o->dry_run, flows_only = 1, refuse;
	const char *since = NULL, *open = NULL;

	memset(res, 0, sizeof(*res));
	res->errors = arena_alloc(a, IMPORT_MAX_ERRORS * sizeof(*res->errors));
	res->rates = arena_alloc(a, IMPORT_MAX_ERRORS * sizeof(*res->rates));
	res->skipped = arena_alloc(a, IMPORT_MAX_ERRORS *
	    sizeof(*res->skipped));
	res->mapping = o->map;
	if (import_read(a, text, len, o->format, o->map, &f) != 0 &&
	    f.needs_mapping && o->map == NULL) {
		/* A generic CSV: the mapping chosen for this header before. */
		struct import_mapping *m = arena_alloc(a, sizeof(*m));
		int rc = import_mapping_load(d, a, pf->user_id, f.top, f.ntop,
		    m, &res->mapping_id);

		if (rc < 0)
			return -1;
		if (rc > 0) {
			import_read(a, text, len, IF_GENERIC, m, &f);
			res->mapping = m;
		}
	}
	if (f.format == IF_GENERIC && !f.needs_mapping)
		generic_result(a, &f, res);
	if (f.error != NULL) {
		res->format = f.format;
		res->message = f.error;
		res->needs_mapping = f.needs_mapping;
		res->header = f.header;
		res->nheader = f.nheader;
		if (!f.needs_mapping)
			add_error(a, res, NULL, "file", f.error);
		if (res->nerrors)
			res->errors[0].line = f.error_line;
		return 1;
	}
	res->format = f.format;
	res->header = f.header;
	res->nheader = f.nheader;
	res->rows = f.n;
	if (f.n == 0) {
		res->message = "The file holds no transactions.";
		add_error(a, res, NULL, "file", res->message);
		return 1;
	}
	if (resolve(d, a, pf, &f, &syms, res) != 0 ||
	    rates_of(d, a, pf, &f, &syms, &fx) != 0)
		return -1;
	/* Room for an opening position per instrument. */
	it = arena_alloc(a, (2 * f.n + 1) * sizeof(*it));
	for (size_t i = 0; i < f.n; i++) {
		const struct import_row *r = &f.rows[i];
		const struct instrument *inst = NULL;
		const char *why, *field = "";
		int rounded = 0;

		if (r->error) {
			add_error(a, res, r, r->error_field, r->error);
			continue;
		}
		if (r->skip) {
			if (res->nskipped < IMPORT_MAX_ERRORS) {
				struct import_error *e =
				    &res->skipped[res->nskipped];

				e->line = r->line;
				e->raw = r->raw ? r->raw : "";
				e->field = "";
				e->reason = r->skip;
			}
			res->nskipped++;
			continue;
		}
		if (r->t.symbol && *r->t.symbol) {
			struct sym *s = sym_slot(&syms, r->t.symbol);

			if (!s->known) {
				add_error(a, res, r, "symbol", arena_printf(a,
				    "Unknown symbol %s: create it, then try "
				    "again.", r->t.symbol));
				continue;
			}
			inst = &s->inst;
		}
		why = tx_build(pf, &r->t, inst, &fx, &it[n].tx, &field,
		    &rounded);
		if (why != NULL) {
			add_error(a, res, r, field, why);
			continue;
		}
		add_rate(res, r, &it[n].tx, pf->currency);
		it[n].note = r->t.note;
		it[n].row = i;
		it[n].skip = 0;
		it[n].opening = 0;
		res->rounded += (size_t)rounded;
		n++;
	}
	if (n == 0 && res->nerrors == 0 && res->nunknown == 0) {
		res->message = "The file holds no transactions: every row "
		    "records nothing.";
		add_error(a, res, NULL, "file", res->message);
		return 1;
	}
	/* Under the portfolio's lock from here when writing: what is
	 * recorded cannot change before the new rows are. */
	if (write && pf_begin_change(d, a, pf) != 0)
		return -1;
	if (pf_tx_all(d, a, pf, &oldv, &nold) != 0)
		goto fail;
	res->duplicates = find_duplicates(a, oldv, nold, it, n);
	if (res->duplicates > 0 && o->dups == DUP_KEEP) {
		for (size_t i = 0; i < n; i++)
			it[i].skip = 0;
	} else if (res->duplicates > 0 && o->dups == DUP_ASK)
		res->needs_choice = 1;
	nw = arena_alloc(a, (2 * n + 1) * sizeof(*nw));
	for (size_t i = 0; i < n; i++) {
		if (it[i].skip)
			continue;
		res->written++;
		res->per_type[it[i].tx.type]++;
		if (it[i].tx.instrument)
			nw[nn++] = &it[i];
		if (it[i].tx.type == TX_DEPOSIT ||
		    it[i].tx.type == TX_WITHDRAWAL)
			flows_only = 0;
	}
	qsort(nw, nn, sizeof(*nw), cmp_item);
	old = arena_alloc(a, (nold + 1) * sizeof(*old));
	for (size_t i = 0; i < nold; i++)
		if (oldv[i].instrument)
			old[no++] = &oldv[i];
	qsort(old, no, sizeof(*old), cmp_old);
	/* The file's first day: where an opening position goes. */
	for (size_t i = 0; i < n; i++)
		if (open == NULL || strcmp(it[i].tx.date, open) < 0)
			open = it[i].tx.date;
	if (nn > 0 && openings(a, pf, &syms, &fx, open, it, &n, nw, &nn, old,
	    no, o, res) != 0)
		goto fail;
	qsort(nw, nn, sizeof(*nw), cmp_item);
	/* A new portfolio without deposits: its trades were not funded
	 * from cash it tracks. */
	res->cash_off = pf->track_cash && nold == 0 && flows_only;
	refuse = res->nerrors > 0 || res->nunknown > 0 ||
	    (write && res->needs_choice);
	if (res->written == 0 && !refuse) {
		if (write)
			db_rollback(d);
		res->message = "Every row is already in the portfolio: nothing "
		    "to import.";
		return 0;
	}
	/* Refused: still replayed, to report every sell of more than is
	 * held at once. */
	if (refuse && write) {
		db_rollback(d);
		write = 0;
	}
	if (replay(d, a, pf, &f, &syms, nw, nn, old, no, write, res) != 0 ||
	    cash_after(d, a, pf, it, n, write, res) != 0)
		goto fail;
	if (refuse || res->nerrors > 0) {
		if (write)
			db_rollback(d);
		qsort(res->errors, res->nerrors < IMPORT_MAX_ERRORS ?
		    res->nerrors : IMPORT_MAX_ERRORS, sizeof(*res->errors),
		    cmp_error);
		return 1;
	}
	if (!write)
		return 0;
	token_sha256(text, len, digest);
	if (db_exec(d, NULL, NULL, record, "iisbi", pf->user_id, pf->id,
	    import_format_names[f.format], digest, sizeof(digest),
	    (long long)res->written) != 0)
		goto fail;
	res->import_id = (long long)d->insert_id;
	/* The series from the first day written; a split from the start,
	 * for a source's split-adjusted closes before it (history.c). */
	for (size_t i = 0; i < n; i++)
		if (!it[i].skip && (since == NULL ||
		    strcmp(it[i].tx.date, since) < 0))
			since = it[i].tx.date;
	for (size_t i = 0; i < n; i++)
		if (!it[i].skip && it[i].tx.type == TX_SPLIT)
			since = "1000-01-01";
	if (insert_rows(d, a, pf, it, n, res->import_id) != 0 ||
	    add_flows(d, pf, it, n) != 0 ||
	    (res->cash_off && db_exec(d, NULL, NULL, cash_off, "i",
	    pf->id) != 0) ||
	    pf_finish_change(d, pf, since) != 0 || db_commit(d) != 0)
		goto fail;
	epoch_bump(EPOCH_DATA);
	return 0;
fail:
	if (write)
		db_rollback(d);
	if (write && db_out_of_range(d)) {
		/* A cash balance or a total grown past its column. */
		add_error(a, res, NULL, "amount", "A cash balance or a total "
		    "of this portfolio would be too large to store.");
		res->written = 0, res->import_id = 0;
		return 1;
	}
	return -1;
}

/*
 * An import stays all or nothing: one transaction, run again whole
 * after a deadlock or a cluster conflict (db_again).  A file of 100,000
 * rows makes a large one; on a Galera node it replicates in fragments
 * as it is written (streaming replication, db_fragments) rather than
 * all at its commit.
 */
int
import_run(struct db *d, struct arena *a, const struct portfolio *pf,
    const char *text, size_t len, const struct import_opts *o,
    struct import_result *res)
{
	int rc, tries = 0;

	db_fragments(d, o->dry_run ? 0 : DB_FRAGMENT_ROWS);
	do
		rc = import_once(d, a, pf, text, len, o, res);
	while (rc < 0 && db_again(d, &tries));
	db_fragments(d, 0);
	return rc;
}

int
export_csv(struct db *d, struct arena *a, const struct portfolio *pf,
    struct buf *out)
{
	/* The owner's own symbols, so that importing it gives the same. */
	static const char q[] = "SELECT DATE_FORMAT(t.date, '%Y-%m-%d'), "
	    "TIME_FORMAT(t.time, '%H:%i:%s'), t.type, "
	    "COALESCE(us.symbol, i.symbol), t.quantity, t.price, t.fee, "
	    "t.amount, t.currency, t.counter_currency, t.fx_rate, t.note "
	    "FROM transactions t "
	    "LEFT JOIN instruments i ON i.id = t.instrument_id "
	    "LEFT JOIN user_symbols us ON us.user_id = ? "
	    "AND us.instrument_id = i.id "
	    "WHERE t.portfolio_id = ? "
	    "ORDER BY t.date, t.type <> 'split', t.time, t.id";
	struct dbres r;

	if (db_exec(d, a, &r, q, "ii", pf->user_id, pf->id) != 0)
		return -1;
	buf_puts(out, "date,time,type,symbol,quantity,price,fee,amount,"
	    "currency,counter_currency,fx_rate,note\r\n");
	for (size_t i = 0; i < r.nrows; i++) {
		for (size_t c = 0; c < 12; c++) {
			const char *v = db_val(&r, i, c);
			char buf[DEC_BUFSZ];
			dec x;

			/* Decimals as short as they are exact. */
			if (((c >= 4 && c <= 7) || c == 10) && v != NULL &&
			    dec_parse(v, &x) == 0)
				v = dec_format(x, -1, buf);
			/* Symbol and note are text anyone may have typed. */
			csv_cell(out, v, c == 3 || c == 11, c == 11);
		}
	}
	return 0;
}


/* Drafts live a day: older ones are gone, whether or not nestegg gc
 * (cron/cmd_gc.c: created_at < NOW() - INTERVAL 1 DAY) has deleted them. */
#define DRAFT_LIVE "created_at >= NOW() - INTERVAL 1 DAY"

/* zlib's default level: a broker's CSV to a sixth of its size, at
 * some 40 MB/s; level 9 takes twice the time for a percent less. */
#define DRAFT_LEVEL 6

/* A new draft's body goes by this session variable (draft_save_once). */
static const char draft_drop_sql[] = "SET @import_draft_body = NULL";

/* Pure: whether one more draft of len bytes fits beside use. */
static int
draft_fits(long max_drafts, long max_bytes, const struct import_draft_use *use,
    size_t len)
{
	if (max_drafts > 0 && use->drafts >= max_drafts)
		return 0;
	if (max_bytes > 0 && (len > (size_t)max_bytes ||
	    use->bytes > (long long)max_bytes - (long long)len))
		return 0;
	return 1;
}

const char *
import_draft_size_text(struct arena *a, long long bytes)
{
	long long tenths;

	if (bytes < (1LL << 20))
		return arena_printf(a, "%lld KB", (bytes + 1023) / 1024);
	tenths = (bytes * 10 + (1LL << 19)) >> 20;
	if (tenths % 10 == 0)
		return arena_printf(a, "%lld MB", tenths / 10);
	return arena_printf(a, "%lld.%lld MB", tenths / 10, tenths % 10);
}

const char *
import_draft_refusal(struct arena *a, long max_drafts, long max_bytes,
    const struct import_draft_use *use, size_t len)
{
	const char *size = import_draft_size_text(a, (long long)len);
	const char *most = import_draft_size_text(a, max_bytes);

	if (draft_fits(max_drafts, max_bytes, use, len))
		return NULL;
	if (max_drafts > 0 && use->drafts >= max_drafts)
		return arena_printf(a, "You have %ld import%s waiting for "
		    "%s preview, the most you may have: import or cancel one "
		    "(listed below), then upload this file again. An upload "
		    "is forgotten a day after it was made.", use->drafts,
		    use->drafts == 1 ? "" : "s",
		    use->drafts == 1 ? "its" : "their");
	if (len > (size_t)max_bytes)
		return arena_printf(a, "This file (%s) is larger than the %s "
		    "your imports waiting for their preview may hold "
		    "together: split it into smaller files and import them "
		    "one after the other.", size, most);
	return arena_printf(a, "Your imports waiting for their preview "
	    "hold %s already, and with this file (%s) they would hold more "
	    "than the %s allowed: import or cancel one of them (listed "
	    "below), then upload this file again.",
	    import_draft_size_text(a, use->bytes), size, most);
}

/* Pure: text (len bytes) compressed into *out (malloc'd; the caller
 * frees it), *outlen bytes.  0 or -1. */
static int
draft_pack(const char *text, size_t len, unsigned char **out, size_t *outlen)
{
	uLongf n = compressBound((uLong)len);

	if ((*out = malloc(n)) == NULL)
		return -1;
	if (compress2(*out, &n, (const Bytef *)text, (uLong)len,
	    DRAFT_LEVEL) != Z_OK) {
		free(*out);
		*out = NULL;
		return -1;
	}
	*outlen = n;
	return 0;
}

/* Pure: a body (zlen bytes) uncompressed into a NUL-terminated buffer
 * of a, which must come to exactly len bytes; NULL when it does not. */
static char *
draft_unpack(struct arena *a, const void *z, size_t zlen, size_t len)
{
	uLongf n = len;
	char *text;

	if (len > IMPORT_MAX_BYTES)
		return NULL;
	text = arena_alloc(a, len + 1);
	if (uncompress((Bytef *)text, &n, z, (uLong)zlen) != Z_OK || n != len)
		return NULL;
	text[len] = '\0';
	return text;
}

/* What user uid's drafts younger than a day hold (when count: without
 * a limit nothing needs the sum, which reads every draft of theirs),
 * and the draft of the file digest at any age: *id (0 when none) and
 * *live.  Inside a transaction (lock) the draft's row is locked.  0 or
 * -1. */
static int
draft_look(struct db *d, long long uid, const unsigned char *digest,
    int lock, int count, struct import_draft_use *use, long long *id,
    int *live)
{
	static const char q[] = "SELECT COUNT(*), COALESCE(SUM(body_size), "
	    "0) FROM import_drafts WHERE user_id = ? AND " DRAFT_LIVE;
	static const char one[] = "SELECT id, " DRAFT_LIVE " FROM "
	    "import_drafts WHERE user_id = ? AND digest = ?";
	static const char one_locked[] = "SELECT id, " DRAFT_LIVE " FROM "
	    "import_drafts WHERE user_id = ? AND digest = ? FOR UPDATE";
	struct arena a;
	struct dbres r;
	int rc = -1;

	arena_init(&a);
	use->drafts = 0, use->bytes = 0;
	if (count && (db_exec(d, &a, &r, q, "i", uid) != 0 || r.nrows != 1))
		goto out;
	if (count) {
		use->drafts = (long)db_int(&r, 0, 0);
		use->bytes = db_int(&r, 0, 1);
	}
	if (db_exec(d, &a, &r, lock ? one_locked : one, "ib", uid, digest,
	    (size_t)32) != 0)
		goto out;
	*id = r.nrows > 0 ? db_int(&r, 0, 0) : 0;
	*live = r.nrows > 0 && db_int(&r, 0, 1) != 0;
	rc = 0;
out:
	arena_free(&a);
	return rc;
}

/* One try of import_draft_save()'s transaction; *z is the body once
 * compressed (compressed here when it is not yet and must be). */
static long long
draft_save_once(struct db *d, const struct portfolio *pf, const char *format,
    const char *fname, const char *text, size_t len,
    const unsigned char *digest, long max_drafts, long max_bytes,
    struct import_draft_use *use, unsigned char **z, size_t *zlen)
{
	/* The user's row: one user's saves queue behind each other, so
	 * the limits are read and kept by one at a time. */
	static const char lock[] = "SELECT id FROM users WHERE id = ? "
	    "FOR UPDATE";
	static const char move[] = "UPDATE import_drafts SET portfolio_id = "
	    "?, format = ?, filename = ?, created_at = NOW() WHERE id = ? "
	    "AND user_id = ?";
	/* The body goes by a session variable: the binary log notes each
	 * row event's statement with its values written in, which would
	 * hold the body a second time, as escaped text half as large again;
	 * the variable's name is all it shows.  (In row format, setting a
	 * variable is not logged.) */
	static const char hold[] = "SET @import_draft_body = ?";
	static const char add[] = "INSERT INTO import_drafts (user_id, "
	    "portfolio_id, format, filename, body, body_size, digest, "
	    "created_at) VALUES (?, ?, ?, ?, @import_draft_body, ?, ?, NOW())";
	long long id;
	int live;

	if (db_begin_committed(d) != 0)
		return -1;
	if (db_exec(d, NULL, NULL, lock, "i", pf->user_id) != 0 ||
	    draft_look(d, pf->user_id, digest, 1, max_drafts > 0 ||
	    max_bytes > 0, use, &id, &live) != 0)
		goto fail;
	if (!(id > 0 && live) && !draft_fits(max_drafts, max_bytes, use,
	    len)) {
		db_rollback(d);
		return 0;
	}
	if (id > 0) {
		/* The same content: the body stays as it is. */
		if (db_exec(d, NULL, NULL, move, "issii", pf->id, format,
		    fname, id, pf->user_id) != 0)
			goto fail;
	} else {
		if (*z == NULL && draft_pack(text, len, z, zlen) != 0)
			goto fail;
		if (db_exec(d, NULL, NULL, hold, "b", *z, *zlen) != 0 ||
		    db_exec(d, NULL, NULL, add, "iissib", pf->user_id, pf->id,
		    format, fname, (long long)len, digest, (size_t)32) != 0)
			goto fail;
		id = (long long)d->insert_id;
		if (db_exec(d, NULL, NULL, draft_drop_sql, "") != 0)
			goto fail;
	}
	if (db_commit(d) != 0)
		goto fail;
	return id;
fail:
	db_rollback(d);
	return -1;
}

/* After a failed save: forgets the body the connection may still hold
 * in its variable, keeping the failure's error for the caller. */
static void
draft_drop_body(struct db *d)
{
	char msg[sizeof(d->errmsg)];
	unsigned err = d->err;

	if (db_down(d))
		return;
	memcpy(msg, d->errmsg, sizeof(msg));
	(void)db_exec(d, NULL, NULL, draft_drop_sql, "");
	d->err = err;
	memcpy(d->errmsg, msg, sizeof(msg));
}

long long
import_draft_save(struct db *d, const struct portfolio *pf,
    enum import_format format, const char *name, const char *text,
    size_t len, long max_drafts, long max_bytes,
    struct import_draft_use *use)
{
	unsigned char digest[32], *z = NULL;
	char fname[201];
	size_t zlen = 0;
	long long id = -1;
	int live, tries = 0;

	use->drafts = 0, use->bytes = 0;
	if (len > IMPORT_MAX_BYTES)
		return 0;
	snprintf(fname, sizeof(fname), "%s", name ? name : "");
	while (!utf8_valid(fname, strlen(fname)))
		fname[strlen(fname) - 1] = '\0';
	token_sha256(text, len, digest);
	/* A first look, without locks: a file that is waiting already
	 * needs no compressing, nor one that a limit refuses. */
	if (draft_look(d, pf->user_id, digest, 0, max_drafts > 0 ||
	    max_bytes > 0, use, &id, &live) != 0)
		return -1;
	if (!(id > 0 && live) && !draft_fits(max_drafts, max_bytes, use, len))
		return 0;
	if (id == 0 && draft_pack(text, len, &z, &zlen) != 0)
		return -1;
	do
		id = draft_save_once(d, pf, import_format_names[format], fname,
		    text, len, digest, max_drafts, max_bytes, use, &z, &zlen);
	while (id < 0 && db_again(d, &tries));
	if (id < 0 && z != NULL)
		draft_drop_body(d);
	free(z);
	return id;
}

int
import_draft_load(struct db *d, struct arena *a, const struct portfolio *pf,
    long long id, struct import_draft *out)
{
	static const char q[] = "SELECT format, filename, body, body_size "
	    "FROM import_drafts WHERE id = ? AND user_id = ? AND "
	    "portfolio_id = ? AND " DRAFT_LIVE;
	struct dbres r;
	int f;

	if (db_exec(d, a, &r, q, "iii", id, pf->user_id, pf->id) != 0)
		return -1;
	if (r.nrows == 0)
		return 0;
	out->id = id;
	f = import_format_parse(db_val(&r, 0, 0));
	out->format = f < 0 ? IF_AUTO : (enum import_format)f;
	out->name = db_val(&r, 0, 1);
	out->len = (size_t)db_int(&r, 0, 3);
	out->text = draft_unpack(a, db_val(&r, 0, 2), r.lens[0][2], out->len);
	if (out->text == NULL) {
		/* Uploading it again makes a new one. */
		log_warn("import draft %lld does not uncompress: forgotten",
		    id);
		return import_draft_delete(d, pf, id) < 0 ? -1 : 0;
	}
	return 1;
}

int
import_draft_delete(struct db *d, const struct portfolio *pf, long long id)
{
	static const char q[] = "DELETE FROM import_drafts WHERE id = ? AND "
	    "user_id = ? AND portfolio_id = ? AND " DRAFT_LIVE;

	if (db_exec(d, NULL, NULL, q, "iii", id, pf->user_id, pf->id) != 0)
		return -1;
	return d->affected > 0;
}

int
import_draft_list(struct db *d, struct arena *a, long long uid,
    struct import_draft_info **out, size_t *n)
{
	static const char q[] = "SELECT d.id, d.portfolio_id, p.name, "
	    "d.format, d.body_size, DATE_FORMAT(d.created_at, "
	    "'%Y-%m-%d %H:%i') FROM import_drafts d "
	    "JOIN portfolios p ON p.id = d.portfolio_id "
	    "AND p.user_id = d.user_id "
	    "WHERE d.user_id = ? AND d." DRAFT_LIVE " "
	    "ORDER BY d.created_at DESC, d.id DESC LIMIT 20";
	struct dbres r;

	*out = NULL, *n = 0;
	if (db_exec(d, a, &r, q, "i", uid) != 0)
		return -1;
	if (r.nrows == 0)
		return 0;
	*out = arena_alloc(a, r.nrows * sizeof(**out));
	for (size_t i = 0; i < r.nrows; i++) {
		struct import_draft_info *x = &(*out)[i];

		x->id = db_int(&r, i, 0);
		x->portfolio_id = db_int(&r, i, 1);
		x->portfolio = db_val(&r, i, 2);
		x->format = db_val(&r, i, 3);
		x->bytes = db_int(&r, i, 4);
		x->created = db_val(&r, i, 5);
	}
	*n = r.nrows;
	return 0;
}
