/*
 * quote.h - whether a price a source reports may be stored: the same
 * checks for every source.  Pure code: no database, no clock (now is
 * given).
 *
 * Bad data never reaches a valuation: a price that is not above 0, too
 * large to store, in another currency than the instrument's, dated in
 * the future or before the stored one is refused; so is a jump past the
 * outlier limit from the last price, unless a split explains it, until
 * the same price has been seen outlier_confirm times in a row (a real
 * crash or rally then gets through).  Where two sources price one
 * instrument, quote_disagree() says when they are too far apart.
 */
#ifndef NESTEGG_QUOTE_H
#define NESTEGG_QUOTE_H

#include <time.h>

#include "money.h"

struct quote_rules {
	int outlier_pct;	/* a move past this percent is an outlier */
	int outlier_confirm;	/* seen this many times in a row, it stands */
	long future_slack;	/* seconds a quote may be ahead of now */
};

/* What is stored for the instrument. */
struct quote_last {
	int known;		/* a price is stored */
	dec price;
	time_t as_of;
	dec split;		/* new shares per old one recorded since then
				   (1 without a split) */
	int has_pending;	/* an outlier seen before ... */
	dec pending;		/* ... at this price ... */
	int pending_count;	/* ... this many times in a row */
};

enum quote_verdict {
	QUOTE_STORE,		/* a new price */
	QUOTE_SAME,		/* what is stored already */
	QUOTE_PENDING,		/* an outlier, held until seen again */
	QUOTE_REJECT,		/* bad: never stored */
};

struct quote_outcome {
	enum quote_verdict verdict;
	dec price;		/* in the instrument's quote unit */
	char reason[200];	/* why, unless QUOTE_STORE or QUOTE_SAME */
	dec pending;		/* QUOTE_PENDING: the price held ... */
	int pending_count;	/* ... and how often it has been seen */
};

/*
 * Judges price at as_of in source_currency ("" when the source does not
 * say) for an instrument quoted in inst_currency (GBp and GBP are one
 * currency in different units: the price is converted) against last.
 * Returns the verdict (also in out->verdict).
 */
enum quote_verdict quote_check(const struct quote_rules *rules, dec price,
    const char *source_currency, const char *inst_currency, time_t as_of,
    time_t now, const struct quote_last *last, struct quote_outcome *out);

/* 1 if a and b differ by more than pct percent of b. */
int quote_disagree(dec a, dec b, int pct);

#endif
