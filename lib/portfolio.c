/*
 * portfolio.c - portfolios, instruments, transactions and valuations in
 * MariaDB (see portfolio.h).
 */
#include "portfolio.h"

#include "buf.h"
#include "cache.h"
#include "epoch.h"
#include "history.h"
#include "text.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dec
col_dec(const struct dbres *r, size_t row, size_t col)
{
	const char *v = db_val(r, row, col);
	dec d = DEC_ZERO;

	if (v != NULL && dec_parse(v, &d) != 0)
		d = DEC_NAN;
	return d;
}

/* A dec as exact text for a DECIMAL(30,12) parameter (arena). */
static char *
dtext(struct arena *a, dec d)
{
	char buf[DEC_BUFSZ];

	return arena_strdup(a, dec_format(d, DEC_PLACES, buf));
}

static void
copy_cur(char out[4], const char *in)
{
	snprintf(out, 4, "%s", in ? in : "");
}

/* Portfolios. */


void
pf_row(const struct dbres *r, size_t i, struct portfolio *p)
{
	p->id = db_int(r, i, 0);
	p->user_id = db_int(r, i, 1);
	p->name = db_val(r, i, 2);
	copy_cur(p->currency, db_val(r, i, 3));
	p->method = strcmp(db_val(r, i, 4), "average") == 0 ? COST_AVERAGE :
	    COST_FIFO;
	p->cash_income = col_dec(r, i, 5);
	p->cash_fees = col_dec(r, i, 6);
	p->cash_taxes = col_dec(r, i, 7);
	p->track_cash = db_val(r, i, 8) == NULL || db_int(r, i, 8) != 0;
}

int
pf_get(struct db *d, struct arena *a, long long uid, long long pid,
    struct portfolio *out)
{
	static const char q[] = "SELECT " PF_COLS " FROM portfolios "
	    "WHERE id = ? AND user_id = ?";
	struct dbres r;

	if (db_exec(d, a, &r, q, "ii", pid, uid) != 0)
		return -1;
	if (r.nrows == 0)
		return 0;
	pf_row(&r, 0, out);
	return 1;
}

int
pf_list(struct db *d, struct arena *a, long long uid, struct portfolio **out,
    size_t *n)
{
	static const char q[] = "SELECT " PF_COLS " FROM portfolios "
	    "WHERE user_id = ? ORDER BY name, id";
	struct dbres r;

	if (db_exec(d, a, &r, q, "i", uid) != 0)
		return -1;
	*out = arena_alloc(a, (r.nrows + 1) * sizeof(**out));
	for (size_t i = 0; i < r.nrows; i++)
		pf_row(&r, i, &(*out)[i]);
	*n = r.nrows;
	return 0;
}

const char *
pf_check(const char *name, const char *currency, const char *method,
    const char **field)
{
	if (text_blank(name))
		return *field = "name", "Give the portfolio a name.";
	if (utf8_chars(name) > PF_NAME_MAX)
		return *field = "name", "Use at most 100 characters.";
	if (text_controls(name, NULL))
		return *field = "name", "Use text without control characters, "
		    "direction overrides or invisible characters.";
	if (currency != NULL && !currency_valid(currency))
		return *field = "currency", "Enter a currency code like USD, "
		    "EUR or GBP.";
	if (*method && strcmp(method, "fifo") != 0 &&
	    strcmp(method, "average") != 0)
		return *field = "cost_method", "Choose fifo or average.";
	return NULL;
}

/* Tells the live panel that portfolio pid of uid changed (the ledger,
 * its name, or it was made or deleted); 0 or -1. */
static int
ledger_changed(struct db *d, long long uid, long long pid)
{
	static const char q[] = "INSERT INTO ledger_changes (user_id, "
	    "portfolio_id, at) VALUES (?, ?, NOW(3))";

	return db_exec(d, NULL, NULL, q, "ii", uid, pid);
}

long long
pf_create(struct db *d, long long uid, const char *name, const char *currency,
    const char *method)
{
	static const char q[] = "INSERT INTO portfolios (user_id, name, "
	    "currency, cost_method, pos_realized, pos_income, pos_fees, "
	    "pos_taxes, pos_charges, net_flow_in, created_at) "
	    "VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0, 0, NOW())";
	/* The user's row, locked: two creations at once take turns, and
	 * cannot both pass the limit. */
	static const char lock[] = "SELECT id FROM users WHERE id = ? "
	    "FOR UPDATE";
	static const char mine[] = "SELECT COUNT(*) FROM portfolios "
	    "WHERE user_id = ?";
	long limit = d->cfg->limit_portfolios;
	long long id = -1;
	struct dbres r;
	struct arena a;

	arena_init(&a);
	for (int tries = 0;;) {
		if (db_begin(d) != 0 ||
		    db_exec(d, &a, &r, lock, "i", uid) != 0 ||
		    (limit > 0 && db_exec(d, &a, &r, mine, "i", uid) != 0))
			goto again;
		if (limit > 0 && db_int(&r, 0, 0) >= limit) {
			db_rollback(d);
			id = PF_LIMIT;
			break;
		}
		if (db_exec(d, NULL, NULL, q, "isss", uid, name, currency,
		    *method ? method : "fifo") != 0)
			goto again;
		id = (long long)d->insert_id;
		if (ledger_changed(d, uid, id) != 0 || db_commit(d) != 0) {
			id = -1;
			goto again;
		}
		epoch_bump(EPOCH_DATA);
		break;
again:
		db_rollback(d);
		if (!db_again(d, &tries))
			break;
	}
	arena_free(&a);
	return id;
}

const char *
pf_limit_message(struct arena *a, const struct config *c)
{
	return arena_printf(a, "This site allows each user %ld portfolios "
	    "(limit_portfolios), and you have them all. Delete one you no "
	    "longer need (Edit, then Delete this portfolio) to create "
	    "another, or ask an admin to raise the limit.",
	    c->limit_portfolios);
}

static int recompute(struct db *d, struct arena *a,
    const struct portfolio *pf, long long iid, char *msg, size_t msglen,
    long long *bad_id);

/*
 * Starts a database transaction holding pf's row lock, so changes to
 * one portfolio's ledger happen one after another and each re-derives
 * positions from every committed row.  0 or -1.
 */
int
pf_begin_change(struct db *d, struct arena *a, const struct portfolio *pf)
{
	static const char q[] = "SELECT id FROM portfolios WHERE id = ? "
	    "FOR UPDATE";
	struct dbres r;

	if (db_begin(d) != 0)
		return -1;
	if (db_exec(d, a, &r, q, "i", pf->id) != 0) {
		db_rollback(d);
		return -1;
	}
	return 0;
}

/*
 * Ends a change of pf's ledger inside its database transaction: the
 * sums over its positions are taken again and the portfolio is queued
 * for the next valuation run.  0 or -1.
 */
int
pf_finish_change(struct db *d, const struct portfolio *pf, const char *since)
{
	static const char sums[] = "UPDATE portfolios pf JOIN (SELECT "
	    "COALESCE(SUM(realized), 0) r, COALESCE(SUM(income), 0) i, "
	    "COALESCE(SUM(fees), 0) f, COALESCE(SUM(taxes), 0) t, "
	    "COALESCE(SUM(charges), 0) c FROM positions WHERE portfolio_id = ?) s "
	    "SET pf.pos_realized = s.r, pf.pos_income = s.i, pf.pos_fees = s.f, "
	    "pf.pos_taxes = s.t, pf.pos_charges = s.c WHERE pf.id = ?";
	static const char queue[] = "INSERT INTO revalue_pending "
	    "(portfolio_id) VALUES (?)";

	if (db_exec(d, NULL, NULL, sums, "ii", pf->id, pf->id) != 0 ||
	    db_exec(d, NULL, NULL, queue, "i", pf->id) != 0 ||
	    series_mark(d, pf->id, since) != 0 ||
	    ledger_changed(d, pf->user_id, pf->id) != 0)
		return -1;
	return 0;
}

static int
pf_update_once(struct db *d, struct arena *a, const struct portfolio *pf,
    const char *name, const char *method)
{
	static const char q[] = "UPDATE portfolios SET name = ?, "
	    "cost_method = ? WHERE id = ? AND user_id = ?";
	static const char ids[] = "SELECT instrument_id FROM positions "
	    "WHERE portfolio_id = ?";
	struct portfolio np = *pf;
	struct dbres r;
	char msg[200];
	long long bad;

	np.method = strcmp(method, "average") == 0 ? COST_AVERAGE : COST_FIFO;
	if (pf_begin_change(d, a, pf) != 0)
		return -1;
	if (db_exec(d, NULL, NULL, q, "ssii", name, method, pf->id,
	    pf->user_id) != 0)
		goto fail;
	if (np.method != pf->method) {
		if (db_exec(d, a, &r, ids, "i", pf->id) != 0)
			goto fail;
		for (size_t i = 0; i < r.nrows; i++)
			if (recompute(d, a, &np, db_int(&r, i, 0), msg,
			    sizeof(msg), &bad) != 0)
				goto fail;
	}
	if (pf_finish_change(d, &np, np.method != pf->method ? NULL :
	    "9999-12-31") != 0 || db_commit(d) != 0)
		goto fail;
	epoch_bump(EPOCH_DATA);
	return 0;
fail:
	db_rollback(d);
	return -1;
}

int
pf_update(struct db *d, struct arena *a, const struct portfolio *pf,
    const char *name, const char *method)
{
	int rc;
	int tries = 0;

	do
		rc = pf_update_once(d, a, pf, name, method);
	while (rc < 0 && db_again(d, &tries));
	return rc;
}

static int
pf_set_track_cash_once(struct db *d, const struct portfolio *pf, int on)
{
	static const char q[] = "UPDATE portfolios SET track_cash = ? "
	    "WHERE id = ? AND user_id = ?";
	static const char queue[] = "INSERT INTO revalue_pending "
	    "(portfolio_id) VALUES (?)";

	if (db_begin(d) != 0)
		return -1;
	if (db_exec(d, NULL, NULL, q, "iii", (long long)(on != 0), pf->id,
	    pf->user_id) != 0 ||
	    db_exec(d, NULL, NULL, queue, "i", pf->id) != 0 ||
	    series_mark(d, pf->id, NULL) != 0 ||
	    ledger_changed(d, pf->user_id, pf->id) != 0 ||
	    db_commit(d) != 0) {
		db_rollback(d);
		return -1;
	}
	epoch_bump(EPOCH_DATA);
	return 0;
}

int
pf_set_track_cash(struct db *d, const struct portfolio *pf, int on)
{
	int rc;
	int tries = 0;

	do
		rc = pf_set_track_cash_once(d, pf, on);
	while (rc < 0 && db_again(d, &tries));
	return rc;
}

int
pf_delete(struct db *d, const struct portfolio *pf)
{
	static const char q[] = "DELETE FROM portfolios WHERE id = ? AND "
	    "user_id = ?";

	if (db_exec(d, NULL, NULL, q, "ii", pf->id, pf->user_id) != 0 ||
	    ledger_changed(d, pf->user_id, pf->id) != 0)
		return -1;
	epoch_bump(EPOCH_DATA);
	return 0;
}

/* Transactions. */

/* Reads the optional number s into *out and sets bit in *has; NULL, or
 * what is wrong with it. */
static const char *
opt_dec(const char *s, enum num_style style, dec *out, unsigned bit,
    unsigned *has, int *rounded)
{
	const char *why;

	if (s == NULL || *s == '\0')
		return NULL;
	if ((why = num_parse(s, style, out, rounded)) != NULL)
		return why;
	*has |= bit;
	return NULL;
}

const char *
tx_build(const struct portfolio *pf, const struct tx_text *in,
    const struct instrument *inst, const struct fx_days *fx, struct tx *t,
    const char **field, int *rounded)
{
	static const struct {
		const char *name;
		unsigned bit;
		size_t off;
	} nums[] = {
		{ "quantity", TXF_QUANTITY, offsetof(struct tx, quantity) },
		{ "price", TXF_PRICE, offsetof(struct tx, price) },
		{ "fee", TXF_FEE, offsetof(struct tx, fee) },
		{ "amount", TXF_AMOUNT, offsetof(struct tx, amount) },
		{ "fx_rate", TXF_FX, offsetof(struct tx, fx_rate) },
	};
	const char *text[5] = { in->quantity, in->price, in->fee, in->amount,
	    in->fx_rate };
	const char *why;
	char major[4];
	dec factor, rate;
	int type;

	memset(t, 0, sizeof(*t));
	if ((why = ledger_datetime(in->date ? in->date : "", t->date,
	    t->time)) != NULL)
		return *field = "date", why;
	type = tx_type_parse(in->type ? in->type : "");
	if (type < 0)
		return *field = "type", "Choose a transaction type.";
	t->type = (enum tx_type)type;
	for (size_t i = 0; i < 5; i++)
		if ((why = opt_dec(text[i], in->style, (dec *)((char *)t +
		    nums[i].off), nums[i].bit, &t->has, rounded)) != NULL)
			return *field = nums[i].name, why;
	if (in->note && utf8_chars(in->note) > NOTE_MAX)
		return *field = "note", "Use at most 500 characters.";
	if (in->note && text_controls(in->note, "\t\n\r"))
		return *field = "note", "Use text without control characters, "
		    "direction overrides or invisible characters.";
	copy_cur(t->currency, pf->currency);
	if (inst != NULL) {
		t->instrument = inst->id;
		copy_cur(t->currency, inst->currency);
	}
	if (in->currency && strcmp(in->currency, TX_CURRENCY_PORTFOLIO) == 0)
		copy_cur(t->currency, pf->currency);
	else if (in->currency && *in->currency) {
		if (strlen(in->currency) != 3)
			return *field = "currency", "Enter a currency code like "
			    "USD.";
		copy_cur(t->currency, in->currency);
	}
	if (in->counter && *in->counter) {
		if (strlen(in->counter) != 3)
			return *field = "counter_currency", "Enter a currency "
			    "code like EUR.";
		copy_cur(t->counter, in->counter);
	}
	if (currency_major(t->currency, major, &factor) != 0)
		return *field = "currency", "Enter a currency code like USD.";
	if (strcmp(major, pf->currency) == 0) {
		if ((t->has & TXF_FX) && dec_cmp(t->fx_rate, DEC_ONE) != 0)
			return *field = "fx_rate", "The transaction is in the "
			    "portfolio's currency: leave the rate empty.";
		t->has &= ~TXF_FX;
	} else if (!(t->has & TXF_FX)) {
		enum fx_origin origin;

		if (fx_rate_on(fx, perf_daynum(t->date), major, pf->currency,
		    &rate, &origin, &t->fx_day) != 0) {
			/* Each thread's own: copied before the next row. */
			static __thread char msg[160];

			snprintf(msg, sizeof(msg), "No rate from %s to %s is "
			    "known yet: enter it in fx_rate, or wait for the "
			    "next price fetch to bring it.", major,
			    pf->currency);
			return *field = "fx_rate", msg;
		}
		t->fx_rate = rate;
		t->fx_origin = (int)origin;
		t->has |= TXF_FX;
	}
	return tx_check(t, field);
}

const char *
tx_parse(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct tx_text *in, struct tx *t, const char **field, int *dberr)
{
	struct instrument inst;
	struct fx_days fx = { NULL, 0 };
	char day[11], tm[9];

	*dberr = 0;
	/* The rates of its day (a bad date is refused by tx_build). */
	if (ledger_datetime(in->date ? in->date : "", day, tm) == NULL &&
	    fx_days_load(d, a, day, day, "", &fx) != 0) {
		*dberr = 1;
		return *field = "fx_rate", "database error";
	}
	memset(t, 0, sizeof(*t));
	if (in->symbol && *in->symbol) {
		int rc = inst_find(d, a, pf->user_id, in->symbol, &inst);

		if (rc < 0) {
			*dberr = 1;
			return *field = "symbol", "database error";
		}
		if (rc == 0)
			return *field = "symbol", "Unknown symbol: add the "
			    "instrument first.";
	}
	return tx_build(pf, in, in->symbol && *in->symbol ? &inst : NULL, &fx,
	    t, field, NULL);
}

#define TX_COLS "id, DATE_FORMAT(date, '%Y-%m-%d'), type, instrument_id, " \
	"quantity, price, fee, amount, currency, fx_rate, note, " \
	"TIME_FORMAT(time, '%H:%i:%s'), counter_currency, fx_assumed"
/* The ledger's order (ledger_order_key). */
#define TX_ORDER "date, type <> 'split', time, id"

static void
tx_row(const struct dbres *r, size_t i, struct tx *t)
{
	static const unsigned bits[] = { TXF_QUANTITY, TXF_PRICE, TXF_FEE,
	    TXF_AMOUNT };
	dec *fields[4];

	memset(t, 0, sizeof(*t));
	fields[0] = &t->quantity, fields[1] = &t->price;
	fields[2] = &t->fee, fields[3] = &t->amount;
	t->id = db_int(r, i, 0);
	snprintf(t->date, sizeof(t->date), "%s", db_val(r, i, 1));
	t->type = (enum tx_type)tx_type_parse(db_val(r, i, 2));
	t->instrument = db_int(r, i, 3);
	for (size_t k = 0; k < 4; k++)
		if (db_val(r, i, 4 + k) != NULL) {
			*fields[k] = col_dec(r, i, 4 + k);
			t->has |= bits[k];
		}
	copy_cur(t->currency, db_val(r, i, 8));
	t->fx_rate = DEC_ONE;
	if (db_val(r, i, 9) != NULL) {
		t->fx_rate = col_dec(r, i, 9);
		t->has |= TXF_FX;
	}
	if (db_val(r, i, 11) != NULL)
		snprintf(t->time, sizeof(t->time), "%s", db_val(r, i, 11));
	if (db_val(r, i, 12) != NULL)
		copy_cur(t->counter, db_val(r, i, 12));
	if (db_int(r, i, 13) != 0)
		t->fx_origin = FX_LATEST;
}

int
pf_tx_get(struct db *d, struct arena *a, const struct portfolio *pf,
    long long id, struct tx *out, const char **note)
{
	static const char q[] = "SELECT " TX_COLS " FROM transactions "
	    "WHERE id = ? AND portfolio_id = ?";
	struct dbres r;

	if (db_exec(d, a, &r, q, "ii", id, pf->id) != 0)
		return -1;
	if (r.nrows == 0)
		return 0;
	tx_row(&r, 0, out);
	if (note)
		*note = db_val(&r, 0, 10);
	return 1;
}

int
pf_tx_all(struct db *d, struct arena *a, const struct portfolio *pf,
    struct tx **out, size_t *n)
{
	static const char q[] = "SELECT " TX_COLS " FROM transactions "
	    "WHERE portfolio_id = ? ORDER BY " TX_ORDER;
	struct dbres r;

	if (db_exec(d, a, &r, q, "i", pf->id) != 0)
		return -1;
	*out = arena_alloc(a, (r.nrows + 1) * sizeof(**out));
	for (size_t i = 0; i < r.nrows; i++)
		tx_row(&r, i, &(*out)[i]);
	*n = r.nrows;
	return 0;
}

int
pf_tx_list(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct tx_filter *f, long long offset, long long limit,
    struct tx_line **out, size_t *n, long long *total)
{
#define TX_WHERE "WHERE t.portfolio_id = ? AND (? = '' OR t.type = ?) " \
	"AND (? = '' OR COALESCE(us.symbol, i.symbol) = ?) " \
	"AND (? = '' OR t.date >= ?) AND (? = '' OR t.date <= ?)"
	static const char q[] = "SELECT t.id, DATE_FORMAT(t.date, "
	    "'%Y-%m-%d'), t.type, t.instrument_id, t.quantity, t.price, t.fee, "
	    "t.amount, t.currency, t.fx_rate, t.note, "
	    "TIME_FORMAT(t.time, '%H:%i:%s'), t.counter_currency, "
	    "t.fx_assumed, COALESCE(us.symbol, i.symbol) FROM transactions t "
	    "LEFT JOIN instruments i ON i.id = t.instrument_id "
	    "LEFT JOIN user_symbols us ON us.user_id = ? "
	    "AND us.instrument_id = i.id " TX_WHERE
	    " ORDER BY t.date DESC, t.type <> 'split' DESC, t.time DESC, "
	    "t.id DESC LIMIT ? OFFSET ?";
	static const char cq[] = "SELECT COUNT(*) FROM transactions t "
	    "LEFT JOIN instruments i ON i.id = t.instrument_id "
	    "LEFT JOIN user_symbols us ON us.user_id = ? "
	    "AND us.instrument_id = i.id " TX_WHERE;
#undef TX_WHERE
	struct dbres r;

	if (db_exec(d, a, &r, q, "iissssssssii", pf->user_id, pf->id, f->type,
	    f->type, f->symbol, f->symbol, f->from, f->from, f->to, f->to,
	    limit, offset) != 0)
		return -1;
	*out = arena_alloc(a, (r.nrows + 1) * sizeof(**out));
	for (size_t i = 0; i < r.nrows; i++) {
		tx_row(&r, i, &(*out)[i].tx);
		(*out)[i].note = db_val(&r, i, 10);
		(*out)[i].symbol = db_val(&r, i, 14) ? db_val(&r, i, 14) : "";
	}
	*n = r.nrows;
	if (total == NULL)
		return 0;
	if (db_exec(d, a, &r, cq, "iissssssss", pf->user_id, pf->id, f->type,
	    f->type, f->symbol, f->symbol, f->from, f->from, f->to,
	    f->to) != 0)
		return -1;
	*total = db_int(&r, 0, 0);
	return 0;
}

int
pf_store_position(struct db *d, struct arena *a, const struct portfolio *pf,
    long long iid, const struct ledger_state *st, const struct tx *last)
{
	static const char up[] = "INSERT INTO positions (portfolio_id, "
	    "instrument_id, quantity, cost, realized, income, fees, taxes, "
	    "charges, last_date, last_key, lots) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE quantity = VALUES(quantity), "
	    "cost = VALUES(cost), realized = VALUES(realized), "
	    "income = VALUES(income), fees = VALUES(fees), "
	    "taxes = VALUES(taxes), charges = VALUES(charges), "
	    "last_date = VALUES(last_date), last_key = VALUES(last_key), "
	    "lots = VALUES(lots)";
	const struct position *p = &st->p;
	char key[LEDGER_KEYSZ];
	struct buf lots;
	int rc;

	buf_init(&lots);
	ledger_lots_format(st, &lots);
	rc = db_exec(d, NULL, NULL, up, "iissssssssss", pf->id, iid,
	    dtext(a, p->quantity), dtext(a, p->cost), dtext(a, p->realized),
	    dtext(a, p->income), dtext(a, p->fees), dtext(a, p->taxes),
	    dtext(a, p->charges), last->date, ledger_order_key(last, key),
	    lots.data ? lots.data : "");
	buf_free(&lots);
	return rc;
}

/* Derives and stores the position of instrument iid in pf from all its
 * transactions.  0, 1 when the ledger is inconsistent (msg, *bad_id),
 * -1 on a database error. */
static int
recompute(struct db *d, struct arena *a, const struct portfolio *pf,
    long long iid, char *msg, size_t msglen, long long *bad_id)
{
	static const char q[] = "SELECT " TX_COLS " FROM transactions "
	    "WHERE portfolio_id = ? AND instrument_id = ? ORDER BY " TX_ORDER;
	static const char del[] = "DELETE FROM positions WHERE "
	    "portfolio_id = ? AND instrument_id = ?";
	struct ledger_state st;
	struct dbres r;
	struct tx t;
	int rc = 0;

	if (db_exec(d, a, &r, q, "ii", pf->id, iid) != 0)
		return -1;
	if (r.nrows == 0)
		return db_exec(d, NULL, NULL, del, "ii", pf->id, iid);
	ledger_init(&st);
	for (size_t i = 0; i < r.nrows && rc == 0; i++) {
		tx_row(&r, i, &t);
		if (ledger_apply(&st, &t, pf->method, msg, msglen) != 0) {
			*bad_id = t.id;
			rc = 1;
		}
	}
	if (rc == 0)
		rc = pf_store_position(d, a, pf, iid, &st, &t);
	ledger_free(&st);
	return rc;
}

/*
 * Applies neu, the newest transaction of its instrument, to the stored
 * position without reading the instrument's history.  0 applied, 1 the
 * ledger refuses it (msg), 2 the stored state cannot take it (dated
 * before the latest, or not yet recorded): re-derive instead; -1 on a
 * database error.
 */
static int
append(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct tx *neu, char *msg, size_t msglen)
{
	static const char q[] = "SELECT quantity, cost, realized, income, "
	    "fees, taxes, charges, last_key, lots "
	    "FROM positions WHERE portfolio_id = ? AND instrument_id = ?";
	struct ledger_state st;
	struct dbres r;
	int rc = 2;

	if (db_exec(d, a, &r, q, "ii", pf->id, neu->instrument) != 0)
		return -1;
	ledger_init(&st);
	if (r.nrows > 0) {
		const char *last = db_val(&r, 0, 7), *lots = db_val(&r, 0, 8);
		char key[LEDGER_KEYSZ];

		/* After the latest, or level with it (then entered later). */
		if (last == NULL || strcmp(ledger_order_key(neu, key),
		    last) < 0 ||
		    lots == NULL || ledger_lots_parse(&st, lots) != 0)
			goto out;
		st.p.quantity = col_dec(&r, 0, 0);
		st.p.cost = col_dec(&r, 0, 1);
		st.p.realized = col_dec(&r, 0, 2);
		st.p.income = col_dec(&r, 0, 3);
		st.p.fees = col_dec(&r, 0, 4);
		st.p.taxes = col_dec(&r, 0, 5);
		st.p.charges = col_dec(&r, 0, 6);
	}
	if (ledger_apply(&st, neu, pf->method, msg, msglen) != 0)
		rc = 1;
	else
		rc = pf_store_position(d, a, pf, neu->instrument, &st, neu);
out:
	ledger_free(&st);
	return rc;
}

/* Adds sign x the cash and flows of t to pf's balances. */
static int
apply_flows(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct tx *t, int sign)
{
	static const char cash[] = "INSERT INTO cash_balances (portfolio_id, "
	    "currency, balance) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE "
	    "balance = balance + VALUES(balance)";
	static const char flows[] = "UPDATE portfolios SET "
	    "cash_income = cash_income + ?, cash_fees = cash_fees + ?, "
	    "cash_taxes = cash_taxes + ?, net_flow_in = net_flow_in + ? "
	    "WHERE id = ?";
	char cur[4], cur2[4];
	dec delta = ledger_cash(t, cur), inc, fees, taxes;
	dec delta2 = ledger_cash_counter(t, cur2);
	dec ext = ledger_external_flow(t);

	ledger_flows(t, &inc, &fees, &taxes);
	if (sign < 0) {
		delta = dec_neg(delta), delta2 = dec_neg(delta2);
		inc = dec_neg(inc), fees = dec_neg(fees), taxes = dec_neg(taxes);
		ext = dec_neg(ext);
	}
	if (!dec_is_zero(delta) && db_exec(d, NULL, NULL, cash, "iss", pf->id,
	    cur, dtext(a, delta)) != 0)
		return -1;
	if (!dec_is_zero(delta2) && db_exec(d, NULL, NULL, cash, "iss",
	    pf->id, cur2, dtext(a, delta2)) != 0)
		return -1;
	if ((!dec_is_zero(inc) || !dec_is_zero(fees) || !dec_is_zero(taxes) ||
	    !dec_is_zero(ext)) && db_exec(d, NULL, NULL, flows, "ssssi",
	    dtext(a, inc), dtext(a, fees), dtext(a, taxes), dtext(a, ext),
	    pf->id) != 0)
		return -1;
	return 0;
}

static const char *
opt_text(struct arena *a, const struct tx *t, unsigned bit, dec v)
{
	return (t->has & bit) ? dtext(a, v) : NULL;
}

static int
tx_write(struct db *d, struct arena *a, const struct portfolio *pf,
    struct tx *t, const char *note, int update)
{
	static const char ins[] = "INSERT INTO transactions (portfolio_id, "
	    "instrument_id, date, time, type, quantity, price, fee, amount, "
	    "currency, counter_currency, fx_rate, fx_assumed, note, created_at) "
	    "VALUES (?, NULLIF(?, 0), ?, NULLIF(?, ''), ?, ?, ?, ?, ?, ?, "
	    "NULLIF(?, ''), ?, ?, ?, NOW())";
	static const char upd[] = "UPDATE transactions SET instrument_id = "
	    "NULLIF(?, 0), date = ?, time = NULLIF(?, ''), type = ?, "
	    "quantity = ?, price = ?, fee = ?, amount = ?, currency = ?, "
	    "counter_currency = NULLIF(?, ''), fx_rate = ?, fx_assumed = ?, "
	    "note = ? WHERE id = ? AND portfolio_id = ?";
	long long assumed = t->fx_origin == FX_LATEST;
	const char *qty = opt_text(a, t, TXF_QUANTITY, t->quantity);
	const char *price = opt_text(a, t, TXF_PRICE, t->price);
	const char *fee = opt_text(a, t, TXF_FEE, t->fee);
	const char *amt = opt_text(a, t, TXF_AMOUNT, t->amount);
	const char *fx = opt_text(a, t, TXF_FX, t->fx_rate);
	const char *type = tx_type_names[t->type];

	if (note == NULL)
		note = "";
	if (update)
		return db_exec(d, NULL, NULL, upd, "issssssssssisii",
		    t->instrument, t->date, t->time, type, qty, price, fee, amt,
		    t->currency, t->counter, fx, assumed, note, t->id, pf->id);
	if (db_exec(d, NULL, NULL, ins, "iissssssssssis", pf->id,
	    t->instrument, t->date, t->time, type, qty, price, fee, amt,
	    t->currency, t->counter, fx, assumed, note) != 0)
		return -1;
	t->id = (long long)d->insert_id;
	return 0;
}

static int
pf_tx_change_once(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct tx *old, struct tx *neu, const char *note, char *msg,
    size_t msglen)
{
	static const char del[] = "DELETE FROM transactions WHERE id = ? AND "
	    "portfolio_id = ?";
	const char *since;
	struct tx cur;
	long long iids[2] = { 0, neu ? neu->instrument : 0 };
	long long bad;
	int rc;

	if (pf_begin_change(d, a, pf) != 0)
		return -1;
	if (old != NULL) {
		/* Read it again under the lock: it may have changed. */
		if ((rc = pf_tx_get(d, a, pf, old->id, &cur, NULL)) < 0)
			goto fail;
		if (rc == 0) {
			db_rollback(d);
			snprintf(msg, msglen, "This transaction was deleted "
			    "meanwhile.");
			return 1;
		}
		old = &cur;
		iids[0] = cur.instrument;
	}
	/* The series changes from the earlier of the two days on. */
	since = neu != NULL ? neu->date : old->date;
	if (old != NULL && strcmp(old->date, since) < 0)
		since = old->date;
	/* A split from the start: a source's split-adjusted closes of the
	 * days before it are read through it (history.c). */
	if ((neu != NULL && neu->type == TX_SPLIT) ||
	    (old != NULL && old->type == TX_SPLIT))
		since = "1000-01-01";
	if (old != NULL && apply_flows(d, a, pf, old, -1) != 0)
		goto fail;
	if (old != NULL && neu == NULL &&
	    db_exec(d, NULL, NULL, del, "ii", old->id, pf->id) != 0)
		goto fail;
	if (neu != NULL) {
		if (old != NULL)
			neu->id = old->id;
		if (tx_write(d, a, pf, neu, note, old != NULL) != 0 ||
		    apply_flows(d, a, pf, neu, 1) != 0)
			goto fail;
	}
	/* A new transaction that is its instrument's latest is applied to
	 * the stored position; any other change re-derives the positions
	 * it touches from their transactions. */
	if (old == NULL && neu != NULL && neu->instrument != 0) {
		rc = append(d, a, pf, neu, msg, msglen);
		if (rc < 0)
			goto fail;
		if (rc == 1) {
			db_rollback(d);
			return 1;
		}
		if (rc == 0)
			iids[1] = 0;
	}
	for (int i = 0; i < 2; i++) {
		if (iids[i] == 0 || (i == 1 && iids[1] == iids[0]))
			continue;
		rc = recompute(d, a, pf, iids[i], msg, msglen, &bad);
		if (rc < 0)
			goto fail;
		if (rc > 0) {
			db_rollback(d);
			return 1;
		}
	}
	if (pf_finish_change(d, pf, since) != 0 || db_commit(d) != 0)
		goto fail;
	epoch_bump(EPOCH_DATA);
	return 0;
fail:
	db_rollback(d);
	if (db_out_of_range(d)) {
		/* A cash balance or a total grown past its column: refused,
		 * and nothing of it kept. */
		snprintf(msg, msglen, "A cash balance or a total of this "
		    "portfolio would be too large to store.");
		return 1;
	}
	return -1;
}

int
pf_tx_change(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct tx *old, struct tx *neu, const char *note, char *msg,
    size_t msglen)
{
	int rc;
	int tries = 0;

	do
		rc = pf_tx_change_once(d, a, pf, old, neu, note, msg, msglen);
	while (rc < 0 && db_again(d, &tries));
	return rc;
}

/* Valuation. */

int
fx_days_load(struct db *d, struct arena *a, const char *from, const char *to,
    const char *set, struct fx_days *out)
{
	/* The last rate before from of each pair, and those from..to. */
#define IN_SET(b, q) "(? = '' OR (FIND_IN_SET(" b ", ?) AND " \
	"FIND_IN_SET(" q ", ?)))"
	static const char hq[] = "SELECT h.base, h.quote, "
	    "DATE_FORMAT(h.day, '%Y-%m-%d'), h.rate FROM fx_history h "
	    "JOIN (SELECT base, quote, MAX(day) AS day FROM fx_history "
	    "WHERE day < ? AND " IN_SET("base", "quote") " GROUP BY base, "
	    "quote) e ON e.base = h.base AND e.quote = h.quote "
	    "AND e.day = h.day UNION ALL SELECT base, quote, "
	    "DATE_FORMAT(day, '%Y-%m-%d'), rate FROM fx_history "
	    "WHERE day BETWEEN ? AND ? AND " IN_SET("base", "quote")
	    " ORDER BY 1, 2, 3";
	static const char lq[] = "SELECT base, quote, rate, "
	    "UNIX_TIMESTAMP(as_of) FROM fx_rates WHERE "
	    IN_SET("base", "quote");
#undef IN_SET
	struct series_pair *p;
	struct series_point *pts;
	struct dbres h, l;
	size_t np = 0;

	if (*from == '\0')
		from = "0001-01-01";
	if (db_exec(d, a, &h, hq, "sssssssss", from, set, set, set, from, to,
	    set, set, set) != 0 ||
	    db_exec(d, a, &l, lq, "sss", set, set, set) != 0)
		return -1;
	p = arena_alloc(a, (h.nrows + l.nrows + 1) * sizeof(*p));
	pts = arena_alloc(a, (h.nrows + 1) * sizeof(*pts));
	for (size_t i = 0; i < h.nrows; i++) {
		if (np == 0 || strcmp(p[np - 1].from, db_val(&h, i, 0)) != 0 ||
		    strcmp(p[np - 1].to, db_val(&h, i, 1)) != 0) {
			memset(&p[np], 0, sizeof(p[np]));
			snprintf(p[np].from, 4, "%s", db_val(&h, i, 0));
			snprintf(p[np].to, 4, "%s", db_val(&h, i, 1));
			p[np].rates = pts + i;
			np++;
		}
		pts[i].day = perf_daynum(db_val(&h, i, 2));
		pts[i].v = col_dec(&h, i, 3);
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
		p[k].latest = col_dec(&l, i, 2);
		p[k].latest_as_of = (time_t)db_int(&l, i, 3);
	}
	out->pairs = p;
	out->npairs = np;
	return 0;
}

int
fx_load(struct db *d, struct arena *a, struct fx_table *fx)
{
	static const char q[] = "SELECT base, quote, rate, "
	    "UNIX_TIMESTAMP(as_of) FROM fx_rates";
	struct dbres r;
	struct fx_rate *v;

	if (db_exec(d, a, &r, q, "") != 0)
		return -1;
	v = arena_alloc(a, (r.nrows + 1) * sizeof(*v));
	for (size_t i = 0; i < r.nrows; i++) {
		copy_cur(v[i].from, db_val(&r, i, 0));
		copy_cur(v[i].to, db_val(&r, i, 1));
		v[i].rate = col_dec(&r, i, 2);
		v[i].as_of = (time_t)db_int(&r, i, 3);
	}
	fx->v = v;
	fx->n = r.nrows;
	return 0;
}

void
pf_stale_policy(const struct config *c, struct stale_policy *p)
{
	p->market = c->stale_market;
	p->fund = c->stale_fund;
	p->crypto = c->stale_crypto;
	p->other = c->stale_other;
	p->manual = c->stale_manual;
}

void
pf_view_start(struct pf_view *v, const struct portfolio *pf)
{
	memset(v, 0, sizeof(*v));
	v->pf = *pf;
	totals_init(&v->t);
}

void
pf_holding_row(const struct dbres *r, size_t i, size_t c, struct holding *h)
{
	struct position *p = &h->pos;

	memset(h, 0, sizeof(*h));
	inst_row(r, i, c, &h->inst);
	c += INST_NCOLS;
	p->quantity = col_dec(r, i, c + 0);
	p->cost = col_dec(r, i, c + 1);
	p->realized = col_dec(r, i, c + 2);
	p->income = col_dec(r, i, c + 3);
	p->fees = col_dec(r, i, c + 4);
	p->taxes = col_dec(r, i, c + 5);
	p->charges = col_dec(r, i, c + 6);
	if (db_val(r, i, c + 7) != NULL) {
		h->quote.known = 1;
		h->quote.price = col_dec(r, i, c + 7);
		if (db_val(r, i, c + 8) != NULL) {
			h->quote.prev_close = col_dec(r, i, c + 8);
			h->quote.has_prev = 1;
		}
		h->quote.as_of = (time_t)db_int(r, i, c + 9);
		h->price_source = db_val(r, i, c + 10);
	}
}

void
pf_view_add_holding(struct pf_view *v, struct holding *h,
    const struct fx_table *fx, const struct stale_policy *sp, time_t now)
{
	struct position pos = h->pos;
	const struct position *p = &pos;

	if (h->quote.known && h->quote.as_of > v->prices_as_of)
		v->prices_as_of = h->quote.as_of;
	value_holding(p, h->inst.currency, &h->quote, v->pf.currency, fx,
	    now, stale_limit(sp, h->inst.kind, h->inst.source), &h->v);
	if (value_is_liability(h->inst.kind)) {
		value_liability(&pos, &h->v);
		h->pos.cost = pos.cost;		/* what is owed, as shown */
	}
	totals_add_holding(&v->t, p, &h->v);
	if (!dec_is_zero(p->quantity)) {
		char major[4];
		dec f;

		v->nopen++;
		/* Allocation is of what is owned: not of what is owed. */
		if (!h->v.priced || dec_sign(h->v.value) <= 0)
			return;
		alloc_add(v->by_kind, &v->nkind, ALLOC_MAX, h->inst.kind,
		    h->v.value);
		if (currency_major(h->inst.currency, major, &f) == 0)
			alloc_add(v->by_currency, &v->ncurrency, ALLOC_MAX,
			    major, h->v.value);
	}
}

int
pf_view_add_cash(struct pf_view *v, struct cash_line *c,
    const struct fx_table *fx)
{
	if (dec_is_zero(c->balance) || !v->pf.track_cash)
		return 0;
	c->converted = 0;
	if (fx_convert(fx, c->balance, c->currency, v->pf.currency,
	    &c->value) == 0) {
		c->converted = 1;
		if (dec_sign(c->value) > 0) {
			alloc_add(v->by_kind, &v->nkind, ALLOC_MAX, "cash",
			    c->value);
			alloc_add(v->by_currency, &v->ncurrency, ALLOC_MAX,
			    c->currency, c->value);
		}
	}
	totals_add_cash(&v->t, c->currency, c->balance, v->pf.currency, fx);
	return 1;
}

void
pf_view_finish(struct pf_view *v)
{
	totals_add_flows(&v->t, v->pf.cash_income, v->pf.cash_fees,
	    v->pf.cash_taxes);
	totals_finish(&v->t);
	alloc_finish(v->by_kind, v->nkind);
	alloc_finish(v->by_currency, v->ncurrency);
}

int
pf_value(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct fx_table *fx, const struct stale_policy *sp, time_t now,
    struct pf_view *out)
{
	static const char hq[] = "SELECT " HOLDING_COLS " "
	    "FROM positions p JOIN instruments i ON i.id = p.instrument_id "
	    "LEFT JOIN user_symbols us ON us.user_id = ? "
	    "AND us.instrument_id = i.id "
	    "LEFT JOIN prices pr ON pr.instrument_id = p.instrument_id "
	    "WHERE p.portfolio_id = ? "
	    "ORDER BY p.quantity = 0, COALESCE(us.symbol, i.symbol)";
	static const char cq[] = "SELECT currency, balance FROM cash_balances "
	    "WHERE portfolio_id = ? ORDER BY currency";
	struct dbres r;

	pf_view_start(out, pf);
	if (db_exec(d, a, &r, hq, "ii", pf->user_id, pf->id) != 0)
		return -1;
	out->h = arena_alloc(a, (r.nrows + 1) * sizeof(*out->h));
	out->nh = r.nrows;
	for (size_t i = 0; i < r.nrows; i++) {
		pf_holding_row(&r, i, 0, &out->h[i]);
		pf_view_add_holding(out, &out->h[i], fx, sp, now);
	}
	if (db_exec(d, a, &r, cq, "i", pf->id) != 0)
		return -1;
	out->cash = arena_alloc(a, (r.nrows + 1) * sizeof(*out->cash));
	for (size_t i = 0; i < r.nrows; i++) {
		struct cash_line *c = &out->cash[out->ncash];

		copy_cur(c->currency, db_val(&r, i, 0));
		c->balance = col_dec(&r, i, 1);
		out->ncash += (size_t)pf_view_add_cash(out, c, fx);
	}
	pf_view_finish(out);
	return 0;
}

/* The day of at ("YYYY-MM-DD HH:MM:SS") in day; returns day. */
static const char *
arena_day(char day[11], const char *at)
{
	snprintf(day, 11, "%.10s", at);
	return day;
}

static int
price_set_once(struct db *d, long long iid, const char *price, const char *at,
    const char *source)
{
	static const char hist[] = "INSERT INTO price_history (instrument_id, "
	    "day, close, source) VALUES (?, DATE(?), ?, ?) ON DUPLICATE KEY "
	    "UPDATE close = VALUES(close), source = VALUES(source), "
	    "adjusted_to = NULL";
	static const char latest[] = "INSERT INTO prices (instrument_id, "
	    "price, as_of, source, updated_at, checked_at) "
	    "VALUES (?, ?, ?, ?, NOW(), NOW()) ON DUPLICATE KEY UPDATE "
	    "price = IF(VALUES(as_of) >= as_of, VALUES(price), price), "
	    "source = IF(VALUES(as_of) >= as_of, VALUES(source), source), "
	    "updated_at = IF(VALUES(as_of) >= as_of, NOW(), updated_at), "
	    "checked_at = NOW(), as_of = GREATEST(as_of, VALUES(as_of))";
	static const char prev[] = "UPDATE prices SET prev_close = "
	    "(SELECT h.close FROM price_history h WHERE h.instrument_id = ? "
	    "AND h.day < DATE(prices.as_of) ORDER BY h.day DESC LIMIT 1) "
	    "WHERE instrument_id = ?";
	static const char queue[] = "INSERT INTO revalue_pending "
	    "(instrument_id) VALUES (?)";
	time_t now = time(NULL);
	char today[11], day[11];
	struct tm tm;

	strftime(today, sizeof(today), "%Y-%m-%d", gmtime_r(&now, &tm));
	if (db_begin(d) != 0)
		return -1;
	/* A close of a day before today changes the series from then on
	 * (today's row is computed again at every read anyway). */
	if (db_exec(d, NULL, NULL, hist, "isss", iid, at, price, source) ||
	    db_exec(d, NULL, NULL, latest, "isss", iid, price, at, source) ||
	    db_exec(d, NULL, NULL, prev, "ii", iid, iid) ||
	    db_exec(d, NULL, NULL, queue, "i", iid) ||
	    (strncmp(at, today, 10) < 0 && series_mark_instrument(d, iid,
	    arena_day(day, at)) != 0)) {
		db_rollback(d);
		return -1;
	}
	if (db_commit(d) != 0)
		return -1;
	cache_shared_changed(d);
	return 0;
}

int
price_set(struct db *d, long long iid, const char *price, const char *at,
    const char *source)
{
	int rc;
	int tries = 0;

	do
		rc = price_set_once(d, iid, price, at, source);
	while (rc < 0 && db_again(d, &tries));
	return rc;
}

static int
fx_set_once(struct db *d, const char *from, const char *to, const char *rate,
    const char *source)
{
	static const char q[] = "INSERT INTO fx_rates (base, quote, rate, "
	    "as_of, source, checked_at) VALUES (?, ?, ?, NOW(), ?, NOW()) "
	    "ON DUPLICATE KEY UPDATE rate = VALUES(rate), "
	    "as_of = VALUES(as_of), source = VALUES(source), "
	    "checked_at = VALUES(checked_at)";
	static const char hist[] = "INSERT INTO fx_history (base, quote, day, "
	    "rate, source) VALUES (?, ?, UTC_DATE(), ?, ?) ON DUPLICATE KEY "
	    "UPDATE rate = VALUES(rate), source = VALUES(source)";
	static const char queue[] = "INSERT INTO revalue_pending (currency) "
	    "VALUES (?), (?)";

	if (db_begin(d) != 0)
		return -1;
	if (db_exec(d, NULL, NULL, q, "ssss", from, to, rate, source) != 0 ||
	    db_exec(d, NULL, NULL, hist, "ssss", from, to, rate, source) != 0 ||
	    db_exec(d, NULL, NULL, queue, "ss", from, to) != 0) {
		db_rollback(d);
		return -1;
	}
	if (db_commit(d) != 0)
		return -1;
	cache_shared_changed(d);
	return 0;
}

int
fx_set(struct db *d, const char *from, const char *to, const char *rate,
    const char *source)
{
	int rc;
	int tries = 0;

	do
		rc = fx_set_once(d, from, to, rate, source);
	while (rc < 0 && db_again(d, &tries));
	return rc;
}

static int
fx_set_day_once(struct db *d, const char *from, const char *to, const char *day,
    const char *rate, const char *source)
{
	static const char hist[] = "INSERT INTO fx_history (base, quote, day, "
	    "rate, source) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY "
	    "UPDATE rate = VALUES(rate), source = VALUES(source)";

	if (db_begin(d) != 0)
		return -1;
	if (db_exec(d, NULL, NULL, hist, "sssss", from, to, day, rate,
	    source) != 0 || series_mark_all(d, day) != 0) {
		db_rollback(d);
		return -1;
	}
	if (db_commit(d) != 0)
		return -1;
	cache_shared_changed(d);
	return 0;
}

int
fx_set_day(struct db *d, const char *from, const char *to, const char *day,
    const char *rate, const char *source)
{
	int rc;
	int tries = 0;

	do
		rc = fx_set_day_once(d, from, to, day, rate, source);
	while (rc < 0 && db_again(d, &tries));
	return rc;
}

long
pf_derive_missing(struct db *d)
{
	/* Sums are exact in SQL; flows need the ledger's arithmetic. */
	static const char sums[] = "UPDATE portfolios pf LEFT JOIN (SELECT "
	    "portfolio_id, SUM(realized) r, SUM(income) i, SUM(fees) f, "
	    "SUM(taxes) t, SUM(charges) c FROM positions GROUP BY "
	    "portfolio_id) s ON s.portfolio_id = pf.id SET "
	    "pf.pos_realized = COALESCE(s.r, 0), pf.pos_income = COALESCE(s.i, 0), "
	    "pf.pos_fees = COALESCE(s.f, 0), pf.pos_taxes = COALESCE(s.t, 0), "
	    "pf.pos_charges = COALESCE(s.c, 0) WHERE pf.pos_realized IS NULL";
	static const char none[] = "UPDATE portfolios pf SET net_flow_in = 0 "
	    "WHERE net_flow_in IS NULL AND NOT EXISTS (SELECT 1 FROM "
	    "transactions t WHERE t.portfolio_id = pf.id AND t.type IN "
	    "('deposit', 'withdrawal', 'transfer_in', 'transfer_out'))";
	static const char ids[] = "SELECT id FROM portfolios "
	    "WHERE net_flow_in IS NULL ORDER BY id";
	static const char txs[] = "SELECT " TX_COLS " FROM transactions "
	    "WHERE portfolio_id = ? AND type IN ('deposit', 'withdrawal', "
	    "'transfer_in', 'transfer_out')";
	static const char flow[] = "UPDATE portfolios SET net_flow_in = ? "
	    "WHERE id = ?";
	struct arena a, b;	/* the list; one portfolio's rows */
	struct dbres r, t;
	long n;

	if (db_exec(d, NULL, NULL, sums, "") != 0)
		return -1;
	n = (long)d->affected;
	if (db_exec(d, NULL, NULL, none, "") != 0)
		return -1;
	arena_init(&a);
	arena_init(&b);
	if (db_exec(d, &a, &r, ids, "") != 0)
		goto fail;
	for (size_t i = 0; i < r.nrows; i++) {
		dec sum = DEC_ZERO;

		if (db_exec(d, &b, &t, txs, "i", db_int(&r, i, 0)) != 0)
			goto fail;
		for (size_t k = 0; k < t.nrows; k++) {
			struct tx x;

			tx_row(&t, k, &x);
			sum = dec_add(sum, ledger_external_flow(&x));
		}
		if (db_exec(d, NULL, NULL, flow, "si", dtext(&b, sum),
		    db_int(&r, i, 0)) != 0)
			goto fail;
		arena_reset(&b);
	}
	n = n > (long)r.nrows ? n : (long)r.nrows;
	arena_free(&a);
	arena_free(&b);
	return n;
fail:
	arena_free(&a);
	arena_free(&b);
	return -1;
}
