/*
 * fetch.h - what one run of "nestegg fetch" works with: the instruments
 * to price (targets), the questions put to each source (asks: one per
 * source and source symbol, however many instruments share it), and the
 * requests that carry them.
 *
 *   cmd_fetch.c   the run: lock, plan, fetch, judge, store, summary
 *   sources.c     each source's requests and answers
 *   http.c        the requests themselves
 */
#ifndef NESTEGG_CRON_FETCH_H
#define NESTEGG_CRON_FETCH_H

#include <time.h>

#include "config.h"
#include "feeds/feed.h"
#include "http.h"
#include "quote.h"

#define SYM_MAX 65

/* What went wrong for an instrument, as its owner is told (the detail
 * goes to the admin page and the log). */
enum fetch_problem {
	PROBLEM_NONE,
	PROBLEM_UNREACHABLE,	/* no answer: refused, fenced, timed out */
	PROBLEM_NOT_UNDERSTOOD,	/* an answer, but not one the source sends */
	PROBLEM_NOT_FOUND,	/* the source does not know the symbol */
	PROBLEM_REFUSED,	/* a price, refused by the checks (quote.h) */
};

/* Their names in instrument_health.problem (NULL for none). */
extern const char *const fetch_problem_names[];

/* A price one source gave for one ask. */
struct candidate {
	int have;		/* a quote arrived */
	dec price;
	char currency[4];	/* as the source says; "" unknown */
	time_t as_of;
	char day[11];
	char name[FEED_NAME_MAX];	/* the source's name for it, or "" */
	dec prev_close;		/* the close before day, as the source said */
	int has_prev;
	struct feed_close *closes;	/* heap, oldest first */
	size_t ncloses;
};

/* One question to one source: the price of symbol there. */
struct ask {
	char source[16];
	char symbol[SYM_MAX];
	const char *url_template, *url_field;	/* source "url" */
	long long owner;	/* "url": the user whose address it is (0:
				   the shared catalogue's) */
	char currency[4];	/* wanted (CoinGecko prices in it) */
	const struct quote_last *last;	/* sim: the price it walks from */
	struct candidate got;
	char error[256];	/* why there is no quote, or "" */
	enum fetch_problem problem;	/* its kind */
	int not_found;		/* the source does not know it */
	struct http_req *req;	/* the request carrying it, if any */
	int group;		/* the group of its requests (fetch_group),
				   or -1 when it needs none */
	time_t history_from;	/* ask for the daily closes since then
				   (Yahoo, Stooq); 0: the last days */
};

/* One instrument to price. */
struct target {
	long long id;
	char source[16], kind[16];
	char currency[4];
	const char *name;	/* its shared name, or NULL when the source
				   may not rename it (an admin named it, or
				   it is a user's own) */
	struct ask *primary, *fallback;	/* fallback may be NULL */
	struct quote_last last;
	/* Outcome. */
	enum quote_verdict verdict;
	int judged;		/* verdict set */
	dec price;		/* to store, in the quote unit */
	time_t as_of;
	const char *from;	/* the source used */
	const struct candidate *used;
	char error[256];	/* why not stored, or "" */
	enum fetch_problem problem;	/* its kind */
	int settled;		/* judged and stored, or given up */
	char flag[256];		/* the sources disagree, or "" */
	int crosschecked;	/* both sources gave a usable price */
	dec pending;
	int pending_count;
	time_t history_from;	/* its first transaction, when its closes
				   are to be fetched back to it; else 0 */
};

/* How one source did in this run (FETCH_SOURCES at most). */
#define FETCH_SOURCES 16
struct source_health {
	char name[16];
	int used;		/* asked something this run */
	int failed;		/* a request or an answer failed */
	char error[256];	/* the first failure */
	long quotes;		/* quotes it gave */
	long errors;		/* failures and bad quotes counted */
};

/* The requests of one source, or of one user's own addresses: they
 * share a deadline (and, for a user's, one request at a time). */
struct fetch_group {
	char source[16];
	long long owner;
	int id;			/* the engine's */
	int done;		/* every request of it finished */
};

struct fetch {
	const struct config *cfg;
	time_t now;
	struct http_engine *http;	/* where requests go */
	double deadline;	/* seconds a source may take */
	struct fetch_group *groups;
	size_t ngroups;
	struct ask *asks;
	size_t nasks, capasks;
	struct http_req **reqs;
	size_t nreqs, capreqs;
	struct source_health health[FETCH_SOURCES];
	int nhealth;
};

/* The health record of source (added when new). */
struct source_health *fetch_health(struct fetch *f, const char *source);

/* Notes a failure of source (its first error is kept). */
void fetch_source_failed(struct fetch *f, const char *source,
    const char *error);

/*
 * The group of source's requests (owner: a "url" instrument's owner,
 * else 0), made in f->http when new: a source's own deadline, and a
 * user's addresses one at a time within fetch_url_seconds.  Returns
 * its index in f->groups.
 */
size_t fetch_group(struct fetch *f, const char *source, long long owner);

/* 1 when every request a's answer depends on is finished. */
int fetch_ask_ready(const struct fetch *f, const struct ask *a);

/*
 * Turns the asks of f into requests (f->reqs), batched where a source
 * allows it, each with the size limit its source's answers fit, and
 * adds them to f->http in their groups; asks that need no request (sim)
 * are answered at once, and asks that cannot be made (a missing key)
 * fail at once.
 */
void sources_plan(struct fetch *f);

/* Reads finished request r's answer into its asks' candidates or
 * errors (the engine's done callback, before the body is freed). */
void sources_read(struct fetch *f, struct http_req *r);

/* Frees the requests, what they carry and the candidates' closes. */
void sources_free(struct fetch *f);

/*
 * A simulated quote for symbol: the walk from last (at last_as_of) to
 * now (see feed_sim_walk()).
 */
void sources_sim(struct ask *a, const struct quote_last *last, time_t now);

#endif
