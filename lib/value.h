/*
 * value.h - valuation of holdings and portfolios at the latest prices
 * and exchange rates.  Pure code: no database, no I/O.
 *
 * A holding without a price, or whose currency cannot be converted to
 * the base currency, has no value: it is reported as unpriced and left
 * out of the totals (which say how many were left out), never counted as
 * zero.  A price older than the staleness limit is used but flagged.
 */
#ifndef NESTEGG_VALUE_H
#define NESTEGG_VALUE_H

#include <stddef.h>
#include <time.h>

#include "ledger.h"
#include "money.h"

/* Exchange rates: one unit of from is rate units of to. */
struct fx_rate {
	char from[4], to[4];
	dec rate;
	time_t as_of;		/* of two rates for one pair, the newer wins */
};

/* A rate taken for want of one known on a day (series.c) is as of its
 * own moment less FX_WANT: older than every rate of the day, in its own
 * order among such; fx_path_find() goes through USD or EUR at rates of
 * the day rather than take one. */
#define FX_WANT ((time_t)1 << 40)

struct fx_table {
	const struct fx_rate *v;
	size_t n;
};

/*
 * How fx_convert() turns one currency into another: at most two legs,
 * each a multiplication by a rate or a division by the opposite one.
 * Finding the path once and applying it to many amounts gives exactly
 * what fx_convert() gives for each.
 */
struct fx_path {
	int known;		/* 0: no rate known */
	int legs;		/* 0 (the same currency), 1 or 2 */
	time_t as_of;		/* the oldest leg's as_of (0 with no leg;
				   below 0: a leg for want of one, FX_WANT) */
	struct {
		dec rate;
		int divide;
	} leg[2];
};

/* The path from one currency to another with the rates of fx. */
void fx_path_find(const struct fx_table *fx, const char *from, const char *to,
    struct fx_path *p);

/* amount taken along a known path. */
dec fx_path_apply(const struct fx_path *p, dec amount);

/*
 * The rate that converts from into to (what one unit of from is worth,
 * by fx_convert below), to record with a transaction.  Both codes are
 * major (ISO 4217).  Returns 0, or -1 when no rate is known.
 */
int fx_lookup(const struct fx_table *fx, const char *from, const char *to,
    dec *rate);

/*
 * Converts amount from one currency into another with the rates known:
 * times a direct rate, divided by the opposite one (so no rounded
 * inverse is ever used; where both are known, the newer is used), or
 * through USD or EUR.  0, or -1 when no rate is known.
 */
int fx_convert(const struct fx_table *fx, dec amount, const char *from,
    const char *to, dec *out);

struct quote {
	int known;		/* 0: no price at all */
	dec price;		/* in the instrument's quote unit */
	dec prev_close;		/* the close before price's day */
	int has_prev;
	time_t as_of;
};

struct holding_value {
	int priced;		/* 1: price and rate known, fields below set */
	int stale;		/* priced, but the price is older than the limit */
	int no_rate;		/* a price, but no exchange rate to base */
	int too_large;		/* priced at more than a value may hold
				   (10^18): left unpriced */
	dec price;		/* quote unit, as quoted */
	dec value;		/* base */
	dec unrealized;		/* base: value - cost */
	dec unrealized_pct;	/* percent of cost, 2 places; has_pct */
	int has_pct;
	dec day_change;		/* base; has_day */
	int has_day;
};

/*
 * How old a price may grow before it is stale, in seconds by kind of
 * instrument; 0 means never.
 */
struct stale_policy {
	long market;		/* stock, etf, bond */
	long fund;		/* a NAV comes once a day */
	long crypto;		/* trades all the time */
	long other;		/* cash, other */
	long manual;		/* any instrument priced by hand */
};

/* The limit for an instrument of kind priced from source (0: never). */
long stale_limit(const struct stale_policy *p, const char *kind,
    const char *source);

/*
 * Values one position with its instrument's quote currency (may be a
 * minor unit, GBp) in base at now.  A price older than stale_after
 * seconds (0: never) is stale, and a stale price gives no day change:
 * what moved on its day is not today's change.
 */
void value_holding(const struct position *p, const char *quote_currency,
    const struct quote *q, const char *base, const struct fx_table *fx,
    time_t now, long stale_after, struct holding_value *out);

/*
 * The same with the quote unit's factor to its major currency (0.01 for
 * GBp, see currency_major) and the path from that currency to base
 * already found: what a batch valuation calls, with exactly the result
 * value_holding() gives, but for the percentage (unrealized_pct), which
 * totals do not use.
 */
void value_holding_path(const struct position *p, dec factor,
    const struct fx_path *path, const struct quote *q, time_t now,
    long stale_after, struct holding_value *out);

/*
 * A liability (a loan, a mortgage: kind "liability") is held like an
 * asset, quantity x price being what is owed, and counts against the
 * value.  value_liability() turns a holding's value and its position's
 * cost (p, a copy to add to the totals) into what is owed: negative,
 * and a debt that grew is a loss.
 */
int value_is_liability(const char *kind);
void value_liability(struct position *p, struct holding_value *v);

struct totals {
	dec holdings_value;	/* sum over priced holdings */
	dec cash;		/* sum of cash balances in base */
	dec value;		/* holdings_value + cash */
	dec cost;		/* cost of the holdings held */
	dec priced_cost;	/* cost of those with a value */
	dec unrealized;		/* over priced holdings */
	dec realized, income, fees, taxes, charges;
	dec day_change;
	dec total_gain;		/* unrealized + realized + income - taxes
				   - charges */
	int unpriced;		/* holdings left out for want of a price */
	int stale;		/* holdings valued at a stale price */
	int unconverted_cash;	/* cash balances without a rate */
	int day_known;		/* holdings with a previous close */
};

/* Starts totals at zero. */
void totals_init(struct totals *t);

/* Adds one position and its value to the totals. */
void totals_add_holding(struct totals *t, const struct position *p,
    const struct holding_value *v);

/* Adds a cash balance in currency cur, converted to base. */
void totals_add_cash(struct totals *t, const char *cur, dec balance,
    const char *base, const struct fx_table *fx);

/* Adds what the positions' ledgers hold whatever the prices (their sums
 * of realized gains, income, fees, taxes and charges): with
 * totals_add_holding() of open positions that have these at zero, the
 * same totals as totals_add_holding() of every position. */
void totals_add_ledger(struct totals *t, dec realized, dec income, dec fees,
    dec taxes, dec charges);

/* Adds income, fees and taxes that belong to no instrument. */
void totals_add_flows(struct totals *t, dec income, dec fees, dec taxes);

/* Finishes value and total_gain. */
void totals_finish(struct totals *t);

/* One slice of an allocation: a label (kind or currency) and its value. */
struct slice {
	char label[16];
	dec value;
	dec pct;		/* percent of the whole, 2 places */
};

/*
 * Adds value under label to an allocation of at most max slices (n
 * counts them); labels beyond max go to the last slice, "other".
 */
void alloc_add(struct slice *s, size_t *n, size_t max, const char *label,
    dec value);

/* Sorts slices by value, largest first, and sets their percentages. */
void alloc_finish(struct slice *s, size_t n);

/* 100 * part / whole, rounded half-even to 2 places; 0 if whole is 0. */
dec value_pct(dec part, dec whole);

#endif
