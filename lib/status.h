/*
 * status.h - how the price pipeline is doing, for admins: each source's
 * health, the last fetch and valuation runs, and the held instruments
 * that need a look (stale or never priced, flagged because their sources
 * disagree, or holding back an outlier).  The admin page and "nestegg
 * status" show the same.  Strings live in the caller's arena.
 */
#ifndef NESTEGG_STATUS_H
#define NESTEGG_STATUS_H

#include <time.h>

#include <json-c/json.h>

#include "arena.h"
#include "db.h"
#include "value.h"

#define STATUS_INSTRUMENTS 200

struct status_source {
	const char *name;
	const char *last_success, *last_error_at;	/* UTC, or NULL */
	const char *last_error;
	long long errors, failing_runs, last_quotes;
	int failing;		/* the last run failed */
};

struct status_fetch {
	long long id, duration_ms, instruments, requests, stored, unchanged,
	    rejected, missing, rates, valuation_run_id;
	const char *started, *failed_sources;
};

struct status_valuation {
	long long id, portfolios, duration_ms, changes;
	const char *started, *prices_as_of, *scope;
};

struct status_instrument {
	long long id, holders;
	const char *symbol, *kind, *source, *source_symbol;
	const char *price, *as_of;	/* NULL: never priced */
	long long age;		/* seconds since as_of */
	int stale;
	const char *flag;	/* the sources disagree: why */
	const char *error, *error_at;	/* the last fetch trouble */
	const char *pending;	/* an outlier held back, or NULL */
};

struct status {
	struct status_source *src;
	size_t nsrc;
	struct status_fetch *fetch;
	size_t nfetch;
	struct status_valuation *val;
	size_t nval;
	struct status_instrument *inst;
	size_t ninst;
	long long held;		/* instruments held by anyone */
	long long pending_changes;	/* not yet revalued */
};

/* Reads the status as of now; 0 or -1. */
int status_load(struct db *d, struct arena *a, const struct stale_policy *sp,
    time_t now, struct status *out);

/* The status as a JSON object (the caller puts it). */
json_object *status_json(const struct status *s);

#endif
