/*
 * alphavantage.c - Alpha Vantage GLOBAL_QUOTE into a quote (see
 * feed.h).
 *
 *   {"Global Quote": {"01. symbol": "IBM", "05. price": "167.1500",
 *   "07. latest trading day": "2024-05-10", "08. previous close":
 *   "167.3000", ...}}
 *
 * Refusals and rate limits come with HTTP 200, as {"Error Message":
 * "..."}, {"Note": "..."} or {"Information": "..."}.
 */
#include "feeds/feed.h"

#include <string.h>

#include "feeds/feedutil.h"

/* Reads the "Global Quote" object gq into r: 0, or -1. */
static int
global_quote(struct feed_result *r, struct json_object *gq)
{
	struct feed_quote q;
	const char *sym, *day;
	int rounded = 0;

	if (json_object_object_length(gq) == 0)
		return feed_fail(r, FEED_NOT_FOUND,
		    "Alpha Vantage: an empty Global Quote");
	memset(&q, 0, sizeof(q));
	sym = feed_jstr(feed_jget(gq, "01. symbol"));
	if (sym == NULL || feed_symbol(q.symbol, sym, strlen(sym)) != 0)
		return feed_fail(r, FEED_BAD, "Alpha Vantage: no usable "
		    "\"01. symbol\"");
	if (feed_jdec(feed_jget(gq, "05. price"), DEC_PLACES, &q.price,
	    &rounded) != 0)
		return feed_fail(r, FEED_BAD, "Alpha Vantage: no number in "
		    "\"05. price\"");
	day = feed_jstr(feed_jget(gq, "07. latest trading day"));
	if (day == NULL || feed_iso_day(day, strlen(day), q.day,
	    &q.as_of) != 0)
		return feed_fail(r, FEED_BAD, "Alpha Vantage: no date in "
		    "\"07. latest trading day\"");
	if (feed_jdec(feed_jget(gq, "08. previous close"), DEC_PLACES,
	    &q.prev_close, &rounded) == 0)
		q.has_prev = 1;
	if (rounded)
		r->rounded = 1;
	feed_add_quote(r, &q);
	return 0;
}

int
feed_alphavantage_parse(const char *body, size_t len, struct feed_result *r)
{
	struct json_object *top, *gq;
	const char *why, *msg;
	int rc;

	if ((top = feed_json(body, len, &why)) == NULL)
		return feed_fail(r, FEED_BAD, "Alpha Vantage: not JSON: %s",
		    why);
	if ((msg = feed_jstr(feed_jget(top, "Error Message"))) != NULL)
		rc = feed_fail(r, FEED_REFUSED, "Alpha Vantage: %s", msg);
	else if ((msg = feed_jstr(feed_jget(top, "Note"))) != NULL ||
	    (msg = feed_jstr(feed_jget(top, "Information"))) != NULL)
		rc = feed_fail(r, FEED_RATE_LIMITED, "Alpha Vantage: %s", msg);
	else if (json_object_is_type((gq = feed_jget(top, "Global Quote")),
	    json_type_object))
		rc = global_quote(r, gq);
	else
		rc = feed_fail(r, FEED_BAD, "Alpha Vantage: no Global Quote");
	json_object_put(top);
	return rc;
}
