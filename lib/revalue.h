/*
 * revalue.h - valuation runs.
 *
 * A run values every portfolio that what changed since the last run
 * touches (a price, an exchange rate, its own ledger: the rows of
 * revalue_pending), or every portfolio, from its stored positions x the
 * latest prices x exchange rates, with the same arithmetic as the pages
 * (value.h), and writes in one database transaction: each portfolio's
 * latest value (one row per portfolio in portfolio_latest, with the run
 * that last changed it), the run's row in valuation_runs (prices as of,
 * portfolios, duration), the day's snapshot, and the consumption of the
 * changes it saw.  A run that fails or is killed leaves the previous
 * state whole.  Runs are serialised by the "revalue" lease (lease.h),
 * so runs from several hosts and database nodes never interleave.  On a
 * Galera cluster the run's transaction replicates in fragments as it
 * writes (db_fragments), and is run again whole after a conflict with
 * another node's commit (db_again).
 *
 * How it stays fast: positions are read in one streaming pass (or, for
 * a few changed instruments, only the portfolios holding them, by
 * index); prices, rates and each portfolio's ledger sums are read once;
 * conversions are found once per currency pair; values are written in
 * batches of many rows per statement.
 */
#ifndef NESTEGG_REVALUE_H
#define NESTEGG_REVALUE_H

#include "db.h"
#include "value.h"

struct revalue_opts {
	int all;			/* every portfolio */
	const struct stale_policy *sp;
	long runs_keep;			/* seconds; older runs are pruned (0:
					   never) */
	int lock_wait;			/* seconds to wait for a running run
					   (its lease) */
};

struct revalue_result {
	long long run_id;		/* 0: nothing had changed */
	long portfolios;		/* valued and written */
	long changes;			/* pending changes consumed */
	long ms;			/* duration */
	long pruned;			/* old runs removed */
};

/*
 * Runs one valuation run on d (an admin connection, not in a
 * transaction).  0 with *res filled, or -1 on a database error (d->errmsg;
 * nothing written).
 */
int revalue_run(struct db *d, const struct revalue_opts *o,
    struct revalue_result *res);

/* Removes fetch and valuation runs older than keep seconds; how many, or
 * -1. */
long runs_prune(struct db *d, long keep);

#endif
