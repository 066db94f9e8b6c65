/*
 * live.h - what the live panel tells open browsers, built from the
 * database: the portfolios' current figures as JSON, and what changed
 * since a point in time.
 *
 * What changed is found in two tables: valuation_runs (a run, and the
 * portfolios whose portfolio_latest row it wrote) and ledger_changes (a
 * portfolio's ledger, name, creation or deletion).  Ids do not tell
 * what is new: on a Galera cluster auto_increment_increment interleaves
 * the ids of different nodes, and rows commit out of id order, so a row
 * with a lower id than one already seen can appear later.  Each row
 * therefore also carries its time (ledger_changes.at when written,
 * valuation_runs.finished_at just before its commit, by the database's
 * clock), and a row is new when its id is above the newest seen OR its
 * time is within LIVE_CHANGE_LAG seconds before the last look; a reader
 * that looks again and again (the broadcaster, a CGI stream) keeps a
 * seen-set of the rows of that window so that it tells each once.
 *
 * A point in time is a cursor, "run.change.ms" as an event id: the
 * newest valuation run and ledger change seen, and the database's clock
 * (milliseconds since 1970) when the look began.  It means the same on
 * every application host, since it is made of the database only: a
 * browser that reconnects elsewhere with its Last-Event-ID is told
 * every row committed after the cursor (id above it, or time at or
 * after ms - LIVE_CHANGE_LAG), a few more at worst, none missing.
 */
#ifndef NESTEGG_LIVE_H
#define NESTEGG_LIVE_H

#include <stddef.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "value.h"

/*
 * Seconds a change may take from its row's time to being visible on
 * every database node (its transaction's commit and replication), and
 * the clocks of the nodes may differ.
 */
#define LIVE_CHANGE_LAG 30

/* Seconds ledger changes are kept (nestegg gc prunes older ones). */
#define LIVE_CHANGES_KEPT 86400

/* The numbers above as SQL text, for queries. */
#define LIVE_STR_(x) #x
#define LIVE_STR(x) LIVE_STR_(x)
#define LIVE_LAG_SQL LIVE_STR(LIVE_CHANGE_LAG)
/* A DATETIME(3) column or expression as milliseconds since 1970 (every
 * connection's time zone is UTC, db.c). */
#define LIVE_MS_SQL(x) "CAST(UNIX_TIMESTAMP(" x ") * 1000 AS SIGNED)"

struct live_cursor {
	long long run;		/* newest valuation run seen */
	long long change;	/* newest ledger change seen */
	long long ms;		/* the database's clock then; 0: unknown */
};

/* The newest run and change and the database's clock now; 0 or -1. */
int live_cursor_now(struct db *d, struct live_cursor *c);

/*
 * "run.change.ms", and back (0, or -1 for anything else).  The older
 * form "run.change" (no time: ms 0) still parses, for pages and
 * browsers of an earlier version; it is never kept (full state).
 */
#define LIVE_CURSOR_MAX 72	/* bytes of its text, with the NUL */
void live_cursor_format(const struct live_cursor *c,
    char out[LIVE_CURSOR_MAX]);
int live_cursor_parse(const char *s, struct live_cursor *c);

/* 1 if a was taken before b (b may hold what a lacks), else 0. */
int live_cursor_before(const struct live_cursor *a,
    const struct live_cursor *b);

/*
 * The rows already told of that can still come back from a look
 * (their time within the window): keys are ledger change ids, and
 * valuation run ids negated; ms is the row's time.  Zero it to start.
 */
struct live_seen {
	struct live_seen_row {
		long long key, ms;
	} *v;			/* sorted by key (heap) */
	size_t n, cap;
};

/* 1 if key is in s, else 0. */
int live_seen_has(const struct live_seen *s, long long key);
/* Adds key (time ms) to s; aborts when out of memory. */
void live_seen_add(struct live_seen *s, long long key, long long ms);
/* Forgets rows whose time is before ms. */
void live_seen_prune(struct live_seen *s, long long ms);
void live_seen_free(struct live_seen *s);

/*
 * A page with live figures carries the cursor of the moment before it
 * read them, and opens its stream with /live?since=CURSOR, so that the
 * first event tells only what changed after the page was made.  This
 * is since's value in a query string (NULL: none), or NULL; one that is
 * no cursor is taken as none by live_first_event().  A stream that
 * brings a Last-Event-ID uses that instead.
 */
const char *live_since(struct arena *a, const char *query);

/*
 * 1 when what changed after c is still kept (c has a time, names no run
 * or change that does not exist, and is younger than what nestegg gc
 * prunes, less the lag), so that it can be told; 0 when the browser
 * must get the whole state instead; -1 on a database error.
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
 * ledger change committed after it; deleted ones too), sorted, distinct
 * (arena); 0 or -1.  With seen (may be NULL), the runs and changes in
 * it are not counted, and those found are added to it.
 */
int live_user_changed(struct db *d, struct arena *a, long long uid,
    const struct live_cursor *c, struct live_seen *seen, long long **pids,
    size_t *n);

/*
 * Appends the data of an event: {"run":R,"change":C,"full":F,
 * "spread_ms":S,"portfolios":[...]} with the pieces of text named by
 * idx (n of them).  S is live_spread_ms() of the streams open.
 */
void live_event_data(struct buf *out, const struct live_cursor *c, int full,
    long streams, const char *text, const struct live_piece *pieces,
    const size_t *idx, size_t n);

/*
 * Over how many milliseconds the pages that receive one event spread
 * their fetches of what changed, with streams open: 2 ms a stream,
 * from 250 ms to 30 s, so that ten thousand open pages ask for their
 * figures at about 500 a second rather than all at once.
 */
long live_spread_ms(long streams);

#endif
