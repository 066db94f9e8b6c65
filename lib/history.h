/*
 * history.h - a portfolio's stored daily series (table portfolio_series)
 * and what marks it out of date.
 *
 * The series is kept up to date incrementally: a change of the ledger,
 * of its cost method or cash tracking, or a price of a day long past
 * marks the portfolio from that day on (series_mark); the next read
 * (series_update) recomputes the days from the first marked one (and
 * always the last stored day, which may have been stored before its
 * close) through today, replaying the ledger in memory and writing only
 * those rows.
 */
#ifndef NESTEGG_HISTORY_H
#define NESTEGG_HISTORY_H

#include <time.h>

#include "perf.h"
#include "portfolio.h"

/*
 * Marks portfolio pid's series out of date from day (YYYY-MM-DD; NULL:
 * from its first transaction).  Part of the caller's transaction.  0 or
 * -1.
 */
int series_mark(struct db *d, long long pid, const char *day);

/* Marks every portfolio holding instrument iid from day on, and its
 * closes of days past as changed; 0 or -1. */
int series_mark_instrument(struct db *d, long long iid, const char *day);

/* Marks every stored series from day on (a rate of a day past changes
 * them all); 0 or -1. */
int series_mark_all(struct db *d, const char *day);

/*
 * Brings pf's stored series up to date through today (UTC day of now).
 * *rebuilt (may be NULL) gets how many days were computed.  0 or -1.
 */
int series_update(struct db *d, struct arena *a, const struct portfolio *pf,
    time_t now, long *rebuilt);

/* The time-weighted return of portfolio pid since its first day, as of
 * its series' last update: 1 and *twr, 0 when there is none, -1. */
int series_return(struct db *d, struct arena *a, long long pid, dec *twr);

/*
 * The stored days of portfolio pid from through to (YYYY-MM-DD, either
 * "" for the first or the last) into *out (arena), oldest first: their
 * value, flow, income, fees and unpriced count (cost and cash are left
 * at zero).  0 or -1.
 */
int series_read(struct db *d, struct arena *a, long long pid,
    const char *from, const char *to, struct perf_day **out, size_t *n);

/*
 * Every portfolio of user uid together, in currency cur: each brought
 * up to date, each day's value, flow, income and fees converted at
 * that day's rate and added up, from the first portfolio's first day
 * to today, into *out (malloc'd; the caller frees it).  A day a
 * portfolio cannot be converted counts as unpriced.  0 or -1.
 */
int series_combined(struct db *d, struct arena *a, long long uid,
    const char *cur, time_t now, struct perf_day **out, size_t *n);

/*
 * The closes of the instrument user uid calls symbol on each of days
 * (0 until its first), converted into currency cur at each day's rate,
 * into price[0..n).  1, 0 when the symbol is unknown, -1.
 */
int series_prices(struct db *d, struct arena *a, long long uid,
    const char *symbol, const char *cur, const struct perf_day *days,
    size_t n, dec *price);

/*
 * Stores the daily closes of a CSV file (columns date and close, found
 * by name: date/day, close/price/nav; dates in any form ledger_date
 * reads; numbers as files write them) as instrument iid's history, all
 * of them or none.  Returns how many, or -1 with *why (and *line, the
 * line at fault, 0 for the whole file) when the file is refused; -2 on
 * a database error.
 */
long history_import(struct db *d, struct arena *a, long long iid,
    const char *text, size_t len, const char **why, size_t *line);

/* One holding's returns over a period. */
struct holding_return {
	long long instrument;
	const char *symbol;	/* the user's */
	struct perf_result r;	/* the holding alone: its buys and sells
				   are its money in and out, its income
				   money out */
};

/*
 * The returns of each instrument pf held during from..to (YYYY-MM-DD)
 * on its own, into *out (arena): its value each day at that day's close
 * and rate, its trades as its flows.  Like the portfolio's, a holding's
 * period starts from nothing when it was first bought after from, or on
 * from in a period that starts from nothing (zero: from is on or before
 * the portfolio's first transaction); else from from's close.  0 or -1.
 */
int series_holdings(struct db *d, struct arena *a, const struct portfolio *pf,
    const char *from, const char *to, int zero, time_t now,
    struct holding_return **out, size_t *n);

#endif
