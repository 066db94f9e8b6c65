/*
 * feedcheck.h - what every feed parser's fuzz target checks of the
 * result, whatever the bytes: check() aborts unless rc and the result
 * agree (0 with FEED_OK, or -1 with an error of printable ASCII and
 * nothing kept) and every quote and close is well formed.
 */
#ifndef NESTEGG_FUZZ_FEEDCHECK_H
#define NESTEGG_FUZZ_FEEDCHECK_H

#include <stdlib.h>
#include <string.h>

#include "feeds/feed.h"

/* 1 if d is "" or shaped YYYY-MM-DD. */
static inline int
day_ok(const char *d)
{
	if (d[0] == '\0')
		return 1;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? d[i] != '-' : d[i] < '0' || d[i] > '9')
			return 0;
	return d[10] == '\0';
}

/* 1 if s is NUL-terminated within size bytes. */
static inline int
ended(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/*
 * Aborts unless rc and r agree: 0 with FEED_OK, or -1 with an error of
 * printable ASCII and nothing kept; quotes and closes well formed.
 */
static inline void
check(int rc, const struct feed_result *r)
{
	size_t n;

	if ((rc != 0 && rc != -1) || (rc == 0) != (r->status == FEED_OK) ||
	    !ended(r->error, sizeof(r->error)) || !ended(r->kind,
	    sizeof(r->kind)))
		abort();
	n = strlen(r->error);
	for (size_t i = 0; i < n; i++)
		if (r->error[i] < 0x20 || r->error[i] >= 0x7f)
			abort();
	if (rc != 0 && (n == 0 || r->nquotes != 0 || r->ncloses != 0))
		abort();
	for (size_t i = 0; i < r->nquotes; i++) {
		const struct feed_quote *q = &r->quotes[i];

		if (!ended(q->symbol, sizeof(q->symbol)) ||
		    !ended(q->currency, sizeof(q->currency)) ||
		    (strlen(q->currency) != 0 && strlen(q->currency) != 3) ||
		    !day_ok(q->day) || dec_bad(q->price) ||
		    (q->has_prev && dec_bad(q->prev_close)))
			abort();
	}
	for (size_t i = 0; i < r->ncloses; i++)
		if (!ended(r->closes[i].symbol, sizeof(r->closes[i].symbol)) ||
		    !day_ok(r->closes[i].day) || dec_bad(r->closes[i].close))
			abort();
}

#endif
