/*
 * gains.h - realized gains, each sell matched to the lots it took, for a
 * tax year's report.  Pure code: no database, no I/O.
 *
 * Under FIFO a sell takes the oldest lots first (a lot keeps the day it
 * was bought; a split changes its quantity, not its day).  Under
 * average cost a sell takes a share of the pooled cost; its lot's day
 * is then the first purchase of the pool ("various" on the report).
 * Amounts are in the portfolio's currency, at the rates recorded with
 * the transactions, fees included as the ledger includes them.
 */
#ifndef NESTEGG_GAINS_H
#define NESTEGG_GAINS_H

#include <stddef.h>

#include "ledger.h"

struct gain_line {
	long long instrument;
	char sold[11];		/* the sell's day */
	char acquired[11];	/* the lot's day */
	int pooled;		/* average cost: from the pool, "various" */
	dec quantity;		/* of this lot, sold */
	dec proceeds;		/* its share of the sell, less fees */
	dec cost;		/* its cost basis */
	dec gain;		/* proceeds - cost */
	long days;		/* held, days */
};

/*
 * Replays txs[0..n) (one portfolio, ledger order, every instrument) and
 * appends to *out (realloc'd, *nout lines) a line per lot taken by each
 * sell dated from through to (YYYY-MM-DD, inclusive).  Returns 0, or -1
 * when memory runs out or the ledger sells more than it holds.
 */
int gains_report(const struct tx *txs, size_t n, enum cost_method m,
    const char *from, const char *to, struct gain_line **out, size_t *nout);

#endif
