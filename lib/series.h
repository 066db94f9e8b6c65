/*
 * series.h - a portfolio's daily series from its ledger, the daily
 * closes of what it holds and the daily exchange rates.  Pure code: no
 * database, no I/O.
 *
 * Each day's row (perf.h) is the state at the day's close, in the
 * portfolio's currency: every transaction of the day applied (in the
 * ledger's order), each holding valued at the last close on or before
 * the day (else at the price of its last trade, in that trade's
 * currency) and the rate of the day (the last on or before it, else the
 * latest known), cash included when the portfolio tracks it.  A
 * liability counts against the value.
 *
 * The day's flow is the money that came in from outside, at the rates
 * recorded with the transactions: deposits less withdrawals, transfers
 * in less out; in a portfolio that does not track cash, every buy and
 * sell too, income paid out and fees paid in.  A liability's flows
 * count the other way: a debt brought in is value taken out.
 */
#ifndef NESTEGG_SERIES_H
#define NESTEGG_SERIES_H

#include <stddef.h>

#include "ledger.h"
#include "perf.h"
#include "value.h"

struct series_point {
	long day;		/* perf_daynum() */
	dec v;
};

struct series_inst {
	long long id;
	char currency[4];	/* quote currency: may be a minor unit */
	int liability;
	const struct series_point *closes;	/* by day */
	size_t nclose;
};

/* One pair's daily rates: one unit of from is v units of to. */
struct series_pair {
	char from[4], to[4];
	const struct series_point *rates;	/* by day */
	size_t nrate;
	int has_latest;		/* the latest known, for days before any */
	dec latest;
	time_t latest_as_of;	/* when it held */
};

struct series_input {
	const char *base;		/* the portfolio's currency */
	int track_cash;
	enum cost_method method;
	const struct tx *txs;		/* every transaction, ledger order */
	size_t ntx;
	const struct series_inst *inst;	/* every instrument in txs, by id */
	size_t ninst;
	const struct series_pair *pairs;
	size_t npairs;
};

/*
 * The rates of day (perf_daynum) into rates (npairs room): for each
 * pair the last on or before it, as of its day (the latest's own moment
 * when it is the latest, so that two rates of one day are ordered as
 * the portfolio page orders them), else its latest, as of 0: used only
 * for want of any rate known on the day.  Of a rate and its opposite,
 * fx_path_find() then takes the newer: the rule of the portfolio page,
 * whose rates are the latest ones.  cursor (npairs, all 0 at first)
 * remembers where each pair stands, so days must come in order.
 * Returns how many.
 */
size_t series_rates_at(const struct series_pair *pairs, size_t npairs,
    size_t *cursor, long day, struct fx_rate *rates);

/* The rates known by day: each pair's history (at least from the first
 * day asked for, with the last rate before it) and its latest. */
struct fx_days {
	const struct series_pair *pairs;
	size_t npairs;
};

/* Where fx_rate_on() took a rate from. */
enum fx_origin {
	FX_GIVEN,		/* entered with the row, or none needed */
	FX_OF_DAY,		/* the history of the row's own day */
	FX_EARLIER,		/* the history of an earlier day */
	FX_LATEST		/* no history on or before the day: the latest */
};

/*
 * The rate that applies on day (perf_daynum) from one major currency to
 * another: the one function that decides it.  The rates of the day as
 * series_rates_at() gives them, then fx_path_find()'s rule (the newer
 * of a rate and its opposite, else through USD or EUR), as the daily
 * series values a day and the portfolio page values today.  Returns 0
 * with *rate, *origin and *rate_day (the day of the oldest rate used;
 * for FX_LATEST, the latest's own day), or -1 when no rate is known.
 */
int fx_rate_on(const struct fx_days *h, long day, const char *from,
    const char *to, dec *rate, enum fx_origin *origin, long *rate_day);

/*
 * Fills out[0..to-from] with the days from through to (perf_daynum
 * days), replaying every transaction from the first.  Returns 0, or -1
 * when the ledger cannot be replayed (it never can be refused: the
 * stored ledger is consistent) or memory runs out.
 */
int series_build(const struct series_input *in, long from, long to,
    struct perf_day *out);

#endif
