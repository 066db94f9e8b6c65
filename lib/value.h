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
};

struct fx_table {
	const struct fx_rate *v;
	size_t n;
};

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
 * inverse is ever used), or through USD or EUR.  0, or -1 when no rate
 * is known.
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
	dec price;		/* quote unit, as quoted */
	dec value;		/* base */
	dec unrealized;		/* base: value - cost */
	dec unrealized_pct;	/* percent of cost, 2 places; has_pct */
	int has_pct;
	dec day_change;		/* base; has_day */
	int has_day;
};

/*
 * Values one position with its instrument's quote currency (may be a
 * minor unit, GBp) in base at now.  A price older than stale_after
 * seconds is stale.
 */
void value_holding(const struct position *p, const char *quote_currency,
    const struct quote *q, const char *base, const struct fx_table *fx,
    time_t now, long stale_after, struct holding_value *out);

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
