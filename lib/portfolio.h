/*
 * portfolio.h - portfolios, instruments, transactions and valuations as
 * stored in MariaDB: the bridge between the pure ledger and value code
 * and the database.
 *
 * Every function that takes a user id only sees that user's portfolios
 * and the instruments visible to them (the shared catalogue and their
 * own); an id that belongs to someone else is "not found".  Strings in
 * results live in the caller's arena.
 */
#ifndef NESTEGG_PORTFOLIO_H
#define NESTEGG_PORTFOLIO_H

#include <stddef.h>
#include <time.h>

#include "arena.h"
#include "config.h"
#include "db.h"
#include "instrument.h"
#include "ledger.h"
#include "series.h"
#include "value.h"

#define PF_NAME_MAX 100
#define NOTE_MAX 500

struct portfolio {
	long long id, user_id;
	const char *name;
	char currency[4];
	enum cost_method method;
	dec cash_income, cash_fees, cash_taxes;
	int track_cash;		/* 0: the value is the holdings alone */
};

/* A portfolio's columns in the order pf_row() reads them from row i. */
#define PF_COLS "id, user_id, name, currency, cost_method, cash_income, " \
	"cash_fees, cash_taxes, track_cash"
void pf_row(const struct dbres *r, size_t i, struct portfolio *p);

/* 1 and *out when portfolio pid belongs to uid; 0 if not; -1 on error. */
int pf_get(struct db *d, struct arena *a, long long uid, long long pid,
    struct portfolio *out);

/* All of uid's portfolios by name into *out (arena); -1 on error. */
int pf_list(struct db *d, struct arena *a, long long uid,
    struct portfolio **out, size_t *n);

/*
 * Checks a portfolio's fields; NULL when fine, else a message with
 * *field naming the field.  method may be "" for the default.
 */
const char *pf_check(const char *name, const char *currency,
    const char *method, const char **field);

/*
 * Creates a portfolio; returns its id, PF_LIMIT when uid has as many as
 * limit_portfolios allows (checked in the same transaction, with their
 * row locked; nothing stored), or -1 on a database error.
 */
#define PF_LIMIT (-2)
long long pf_create(struct db *d, long long uid, const char *name,
    const char *currency, const char *method);

/* What to tell a user pf_create() refused with PF_LIMIT (arena text). */
const char *pf_limit_message(struct arena *a, const struct config *c);

/*
 * Renames a portfolio and sets its cost method; a new method recomputes
 * every position.  0, -1 on a database error.
 */
int pf_update(struct db *d, struct arena *a, const struct portfolio *pf,
    const char *name, const char *method);

/*
 * Turns cash tracking of pf on or off; the next valuation run values it
 * with or without its cash.  0 or -1.
 */
int pf_set_track_cash(struct db *d, const struct portfolio *pf, int on);

/* Deletes a portfolio with all it holds; 0 or -1. */
int pf_delete(struct db *d, const struct portfolio *pf);


/*
 * A transaction as text: empty strings (or NULL) are fields not given.
 * The date may carry a time of day; numbers are read in style.  The
 * currency TX_CURRENCY_PORTFOLIO is the portfolio's (an export that
 * writes its account's money without naming the currency).
 */
#define TX_CURRENCY_PORTFOLIO "="

struct tx_text {
	const char *date, *type, *symbol, *quantity, *price, *fee, *amount,
	    *currency, *fx_rate, *note, *counter;
	enum num_style style;
};

/*
 * Turns text fields into a checked transaction of portfolio pf, inst
 * being the instrument its symbol names (NULL when it has none): the
 * currency defaults to the instrument's or the portfolio's, fx_rate to
 * the rate of the transaction's day from fx by fx_rate_on() (fx_origin
 * and fx_day saying which, FX_GIVEN when entered).  Numbers may have
 * any number of decimals;
 * *rounded (when not NULL) is set to 1 when one had to be rounded to
 * the 12 places stored.  Returns NULL when the transaction is good,
 * else a message with *field naming the field.
 */
const char *tx_build(const struct portfolio *pf, const struct tx_text *in,
    const struct instrument *inst, const struct fx_days *fx, struct tx *out,
    const char **field, int *rounded);

/*
 * tx_build() after looking the symbol up among uid's instruments
 * (unknown, it is an error on "symbol") with the rates known on the
 * transaction's day (fx_days_load); -1 in *dberr on a database error.
 */
const char *tx_parse(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct tx_text *in, struct tx *out, const char **field,
    int *dberr);

/*
 * The exchange rates known from day from through day to (YYYY-MM-DD):
 * every pair's history of those days with the last rate before them,
 * and its latest (fx_rates), for fx_rate_on(); from "" for all of its
 * history.  Only pairs of two of the currencies in set (codes separated
 * by commas; "" for every pair).  0 or -1.
 */
int fx_days_load(struct db *d, struct arena *a, const char *from,
    const char *to, const char *set, struct fx_days *out);

/* Every transaction of pf in the ledger's order into *out (arena), the
 * notes left out; 0 or -1. */
int pf_tx_all(struct db *d, struct arena *a, const struct portfolio *pf,
    struct tx **out, size_t *n);

/*
 * A change of pf's ledger is made between these two, in one database
 * transaction: pf_begin_change() starts it holding pf's row lock (so
 * changes to one portfolio happen one after another); 0, or -1 with
 * nothing started.  pf_finish_change() takes the sums over its
 * positions again, queues it for the next valuation run and the live
 * panel, and marks its daily series from day since on (YYYY-MM-DD; NULL
 * from the start); 0 or -1 (the caller rolls back).
 */
int pf_begin_change(struct db *d, struct arena *a, const struct portfolio *pf);
int pf_finish_change(struct db *d, const struct portfolio *pf,
    const char *since);

/* Loads transaction id of pf; 1, 0, -1.  *note gets its note. */
int pf_tx_get(struct db *d, struct arena *a, const struct portfolio *pf,
    long long id, struct tx *out, const char **note);

/*
 * Replaces transaction old (NULL to add) by neu (NULL to delete), in one
 * database transaction with the cash balances and the positions of the
 * instruments involved.  Returns 0 (neu->id set when added), 1 when the
 * ledger would be inconsistent (msg says why; nothing changed), -1 on a
 * database error (nothing changed).
 */
int pf_tx_change(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct tx *old, struct tx *neu, const char *note, char *msg,
    size_t msglen);

/*
 * Stores the position st of instrument iid in pf, last being the latest
 * of its transactions in the ledger's order; 0 or -1.
 */
int pf_store_position(struct db *d, struct arena *a,
    const struct portfolio *pf, long long iid, const struct ledger_state *st,
    const struct tx *last);

/* Filters for pf_tx_list; empty strings match everything. */
struct tx_filter {
	const char *type, *symbol, *from, *to;	/* dates YYYY-MM-DD */
};

/* One line of a transaction list. */
struct tx_line {
	struct tx tx;
	const char *symbol;	/* "" for cash-only */
	const char *note;
};

/*
 * Lists pf's transactions matching f, newest first, skipping offset and
 * returning at most limit into *out (arena); *total counts all matches.
 * 0 or -1.
 */
int pf_tx_list(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct tx_filter *f, long long offset, long long limit,
    struct tx_line **out, size_t *n, long long *total);

/* Every exchange rate into *fx (arena); 0 or -1. */
int fx_load(struct db *d, struct arena *a, struct fx_table *fx);

struct holding {
	struct instrument inst;
	struct position pos;
	struct quote quote;
	const char *price_source;	/* where quote came from, or NULL */
	struct holding_value v;
};

struct cash_line {
	char currency[4];
	dec balance;
	dec value;		/* in base, when converted */
	int converted;
};

#define ALLOC_MAX 8

struct pf_view {
	struct portfolio pf;
	struct holding *h;	/* open positions first, then closed ones */
	size_t nh, nopen;
	struct cash_line *cash;
	size_t ncash;
	struct totals t;
	struct slice by_kind[ALLOC_MAX], by_currency[ALLOC_MAX];
	size_t nkind, ncurrency;
	time_t prices_as_of;	/* newest price among the holdings */
};

/*
 * A holding's columns, for queries joining positions "p", instruments
 * "i", user_symbols "us" and prices "pr" (see pf_value); pf_holding_row()
 * reads them from column c of row i.
 */
#define HOLDING_COLS INST_COLS ", p.quantity, p.cost, p.realized, " \
	"p.income, p.fees, p.taxes, p.charges, pr.price, pr.prev_close, " \
	"UNIX_TIMESTAMP(pr.as_of), pr.source"
#define HOLDING_NCOLS (INST_NCOLS + 11)
void pf_holding_row(const struct dbres *r, size_t i, size_t c,
    struct holding *h);

/*
 * A view built a piece at a time, as pf_value() builds it and batches of
 * portfolios do: start, add each holding (valued at now: totals,
 * allocation, newest price) and each cash balance (c filled with its
 * currency and balance; returns 0 for a zero balance, which is left
 * out, and for every balance of a portfolio that does not track cash),
 * then finish.  The view keeps no pointer to what is added.
 */
void pf_view_start(struct pf_view *v, const struct portfolio *pf);
void pf_view_add_holding(struct pf_view *v, struct holding *h,
    const struct fx_table *fx, const struct stale_policy *sp, time_t now);
int pf_view_add_cash(struct pf_view *v, struct cash_line *c,
    const struct fx_table *fx);
void pf_view_finish(struct pf_view *v);

/* The staleness limits of configuration c. */
void pf_stale_policy(const struct config *c, struct stale_policy *p);

/* Values pf at now with the rates in fx, prices older than sp allows
 * being stale; 0 or -1. */
int pf_value(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct fx_table *fx, const struct stale_policy *sp, time_t now,
    struct pf_view *out);

/*
 * Derives what a portfolio's ledger adds to its totals whatever the
 * prices (sums over its positions, net external flow in) for every
 * portfolio that lacks them (after a migration); returns how many, or
 * -1 on a database error.
 */
long pf_derive_missing(struct db *d);



/*
 * Records price (in the instrument's quote unit) for instrument iid at
 * at ("YYYY-MM-DD HH:MM:SS", UTC) from source: the day's close in the
 * history, and the latest price when it is the newest; the previous
 * close is the close of the last earlier day.  The next valuation run
 * revalues the portfolios holding it.  0 or -1.
 */
int price_set(struct db *d, long long iid, const char *price,
    const char *at, const char *source);

/* Sets one unit of from to be rate units of to, as of now, from source
 * (and that day's rate in the history); 0 or -1. */
int fx_set(struct db *d, const char *from, const char *to, const char *rate,
    const char *source);

/* Sets the rate of one unit of from in to on day (YYYY-MM-DD, a day
 * past) in the history, from source, and marks every stored series for
 * recomputing from that day; 0 or -1. */
int fx_set_day(struct db *d, const char *from, const char *to,
    const char *day, const char *rate, const char *source);

#endif
