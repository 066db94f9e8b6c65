/*
 * perf.h - returns over a period from a portfolio's daily series.
 * Pure code: no database, no I/O.
 *
 * A day's row holds the portfolio's market value at the day's close and
 * the net external flow of that day (money in positive), both in the
 * portfolio's currency; flows are taken at the end of their day.
 *
 *   time-weighted return: the days linked, r_t = (V_t - F_t) / V_t-1 - 1,
 *     a day after one without capital (V_t-1 = 0) starting afresh;
 *   money-weighted return: XIRR (actual/365) of the starting value
 *     invested at the start, each flow on its day, and the ending value
 *     taken out at the end.
 *
 * The gain (end value - start value - net flows) is income, less fees
 * and taxes, plus the currency effect, plus the price gain that is the
 * rest.
 *
 * Money and the linked growth are exact decimals; only the XIRR solver
 * and the annualising power use binary floating point, for the rate
 * alone.
 */
#ifndef NESTEGG_PERF_H
#define NESTEGG_PERF_H

#include <stddef.h>

#include "money.h"

struct perf_day {
	char day[11];		/* YYYY-MM-DD */
	dec value;		/* market value at the close (cash included
				   when tracked) */
	dec cost;		/* cost of what is held */
	dec cash;		/* cash, when tracked */
	dec flow;		/* net external flow in, taken at day's end */
	dec inflow;		/* of it, the money in, gross (flow less what
				   went out the same day); 0: not known, the
				   net flow stands for it */
	dec income;		/* dividends and interest */
	dec fees;		/* fees and taxes paid */
	dec fx;			/* currency effect: what the rates' change
				   since the last close made of what was
				   held overnight in other currencies */
	int unpriced;		/* holdings without a price that day */
};

/* Why a return is missing (each has_* is 1 exactly when its why is
 * PERF_HAS). */
enum perf_missing {
	PERF_HAS,
	PERF_NO_CAPITAL,	/* nothing was invested over the period */
	PERF_NO_ANSWER,		/* no rate balances the flows, or a loss of
				   everything to annualise */
	PERF_TOO_LARGE,		/* past what a dec holds, 10^26 (a tenfold
				   rise in two weeks, a year) */
	PERF_SHORT,		/* annualised: a year or less */
	PERF__MAX,
};

/* "no capital", "no answer", "too large", "under a year" (NULL for
 * PERF_HAS): the API's reason. */
extern const char *const perf_missing_reasons[PERF__MAX];
/* The same as a sentence for a page. */
extern const char *const perf_missing_sentences[PERF__MAX];

struct perf_result {
	int has_twr;		/* 0: twr_why says why */
	dec twr;		/* cumulative, as a fraction (0.1 is 10%) */
	int has_twr_annual;	/* only for periods over a year */
	dec twr_annual;
	int has_irr;		/* 0: irr_why says why */
	dec irr;		/* annualised, as a fraction */
	enum perf_missing twr_why, twr_annual_why, irr_why;
	dec start_value, end_value, net_flows, gain, income, fees;
	dec fx;			/* currency effect */
	dec price_gain;		/* the rest: gain - income + fees - fx */
	int days;		/* calendar days from start to end */
};

/*
 * Returns over days[0..n) (consecutive calendar days, oldest first):
 * the period starts at the close of days[0] (its value is the capital
 * at the start; its flow is before the start) and ends at the close of
 * days[n-1].  With n == 1 the period is empty (all zero returns).
 */
void perf_period(const struct perf_day *days, size_t n,
    struct perf_result *out);

/*
 * The same for a period that starts on or before the first
 * transaction: it starts from nothing, before days[0], so days[0]'s
 * flow, income and fees are the period's and its value at its close is
 * earned like any other (the first purchase's fee, and the move from
 * its price to the day's close, count).  The portfolio and each holding
 * alike start this way, so that their gains add up.
 */
void perf_period_from_zero(const struct perf_day *days, size_t n,
    struct perf_result *out);

/*
 * The period of days[a..b) of a portfolio's whole series days: from
 * nothing when it starts on the series' first day (a == 0), else from
 * days[a]'s close.  The one place that decides which.
 */
void perf_span(const struct perf_day *days, size_t a, size_t b,
    struct perf_result *out);

/*
 * The time-weighted growth through each day, as those two link the
 * days (zero: from nothing): growth[i] is 1 + the return from the
 * start through days[i]'s close.  growth has room for n.
 */
void perf_growth(const struct perf_day *days, size_t n, int zero,
    dec *growth);

/*
 * A benchmark over the same days: price[i] its close on days[i] in the
 * portfolio's currency (0 where none is known yet).  It is compared from
 * the first day both have, k, the first day it has a price: its
 * time-weighted return is its price's change from day k to the end; and
 * the portfolio's own money, invested in it instead from day k (the
 * value on day k and each later day's flow bought or sold at that day's
 * price), would be worth values[i] on each day (before day k, the
 * portfolio's own value).  Returns k, or -1 when the benchmark has no
 * price in the period.
 */
int perf_benchmark(const struct perf_day *days, const dec *price, size_t n,
    dec *twr, dec *values);

/* One dated flow for XIRR: amount (investor's view: money paid in is
 * negative) on day. */
struct xirr_flow {
	long day;		/* days since any fixed origin */
	double amount;
};

/*
 * The annual rate r with sum(amount / (1 + r)^((day - day0) / 365)) = 0:
 * Newton's method from 10%, falling back to bisection over a bracket
 * where the sign changes.  Returns 0 and *rate, or -1 when there is no
 * answer (all flows of one sign, or none found).
 */
int perf_xirr(const struct xirr_flow *f, size_t n, double *rate);

/*
 * The days of a named period ending today (YYYY-MM-DD): 1D, 1W, 1M, 3M,
 * YTD, 1Y, 3Y, 5Y or MAX (case-insensitive), the start being the close
 * that many days, months or years before (YTD: the last day of the
 * previous year), never before first (the portfolio's first day).
 * Returns 0 with from and to set, or -1 for another name.
 */
int perf_range(const char *period, const char *first, const char *today,
    char from[11], char to[11]);

/*
 * The days of a period asked for by dates (given_from, given_to: each
 * YYYY-MM-DD, or "" for the first or last day) or else by name (as
 * perf_range; "" is dflt), over a series from first to last, today
 * being today.  Returns NULL with from and to set, or a message saying
 * what to change, with *field naming the parameter.
 */
const char *perf_choose(const char *period, const char *dflt,
    const char *given_from, const char *given_to, const char *first,
    const char *last, const char *today, char from[11], char to[11],
    const char **field);

/* Days since 1970-01-01 of a YYYY-MM-DD date, and back. */
long perf_daynum(const char *ymd);
void perf_ymd(long daynum, char out[11]);

#endif
