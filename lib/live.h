/*
 * live.h - what the live panel tells open browsers, built from the
 * database: the portfolios' current figures as JSON, and what changed
 * since a point in time.
 *
 * A point in time is a cursor: the newest valuation run and ledger change
 * seen ("123.456" as an event id).  Valuation runs are committed one
 * after another (a database lock), so run ids only grow; ledger changes
 * are committed by many writers at once, so a change is also looked for
 * by its time (LIVE_CHANGE_LAG seconds back), never by its id alone.
 */
#ifndef NESTEGG_LIVE_H
#define NESTEGG_LIVE_H

#include <stddef.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "value.h"

/* Seconds a ledger change may take from its row to its commit. */
#define LIVE_CHANGE_LAG 30

struct live_cursor {
	long long run;		/* newest valuation run */
	long long change;	/* newest ledger change */
};

/* The newest run and change now; 0 or -1. */
int live_cursor_now(struct db *d, struct live_cursor *c);

/* "run.change", and back (0, or -1 for anything else). */
void live_cursor_format(const struct live_cursor *c, char out[48]);
int live_cursor_parse(const char *s, struct live_cursor *c);

/*
 * 1 when what changed after c is still kept (runs and changes newer than
 * it were not pruned), so that it can be told; 0 when the browser must
 * get the whole state instead; -1 on a database error.
 */
int live_cursor_kept(struct db *d, const struct live_cursor *c);

/* One portfolio's JSON object within the text live_portfolios() built. */
struct live_piece {
	long long pid;
	long long uid;		/* its owner; 0 when it no longer exists */
	size_t off, len;	/* in the text */
};

/*
 * A book keeps, between calls of live_portfolios(), what only a ledger
 * change alters: each portfolio's positions and cash balances.  Forget a
 * portfolio when its ledger changes; keep only those still wanted.  An
 * entry is read again after ten or eleven minutes whatever happens.
 */
struct live_book;
struct live_book *live_book_new(void);	/* NULL when out of memory */
void live_book_free(struct live_book *b);
void live_book_forget(struct live_book *b, long long pid);
void live_book_keep(struct live_book *b, const long long *pids, size_t n);
size_t live_book_size(const struct live_book *b);

/*
 * Reads into b at most `most` of the n portfolios in pids (sorted) that
 * it lacks or holds for too long, so that the next live_portfolios()
 * need not.  Returns how many are still to read, or -1.
 */
long live_book_fill(struct db *d, struct arena *a, struct live_book *b,
    const long long *pids, size_t n, size_t most, time_t now);

/*
 * Appends to text, for each of the n portfolios in pids (sorted,
 * distinct), a JSON object of its figures as the pages compute them now
 * (with the same code): id, name, currency; value, holdings_value,
 * cash, day_change, day_pct, total_gain, unrealized, unrealized_pct
 * (amounts rounded to the currency's minor unit, percentages to 2
 * places; day_change and the percentages null when unknown); the same
 * three in the owner's currency ("user": null without a rate);
 * prices_as_of, stale, unpriced; and each open holding's instrument id,
 * price, price_as_of, stale, value, day_change and unrealized.  A
 * portfolio that no longer exists is {"id":N,"deleted":true}.
 * pieces[k] tells where pids[k]'s object is.
 *
 * Positions and cash come from book where it has them (and go into it
 * where it did not), from the database otherwise, or always when book
 * is NULL; prices, rates and the portfolios' own rows are read on every
 * call.  0 or -1.
 */
int live_portfolios(struct db *d, struct arena *a, struct live_book *book,
    const long long *pids, size_t n, const struct stale_policy *sp,
    time_t now, struct buf *text, struct live_piece *pieces);

/* The ids of uid's portfolios, sorted (arena); 0 or -1. */
int live_user_portfolios(struct db *d, struct arena *a, long long uid,
    long long **pids, size_t *n);

/*
 * The ids of uid's portfolios changed after c (by a valuation run or a
 * ledger change; deleted ones too), sorted (arena); 0 or -1.
 */
int live_user_changed(struct db *d, struct arena *a, long long uid,
    const struct live_cursor *c, long long **pids, size_t *n);

/*
 * Appends the data of an event: {"run":R,"change":C,"full":F,
 * "portfolios":[...]} with the pieces of text named by idx (n of them).
 */
void live_event_data(struct buf *out, const struct live_cursor *c, int full,
    const char *text, const struct live_piece *pieces, const size_t *idx,
    size_t n);

#endif
