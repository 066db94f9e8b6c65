/*
 * yahoo.c - Yahoo Finance chart JSON (/v8/finance/chart/{symbol}) into a
 * quote, its previous close and daily closes (see feed.h).
 *
 *   {"chart":{"result":[{"meta":{"currency":"EUR","symbol":"MUV2.DE",
 *   "instrumentType":"EQUITY","regularMarketTime":1745498404,
 *   "gmtoffset":7200,"regularMarketPrice":608.8,"chartPreviousClose":
 *   188.55,"priceHint":2,...},"timestamp":[1511769600,...],"indicators":
 *   {"quote":[{"close":[188.5500030517578,null,...],...}]}}],
 *   "error":null}}
 *
 * An unknown symbol gives "result":null and an error object instead.
 */
#include "feeds/feed.h"

#include <string.h>

#include "feeds/feedutil.h"

#define YAHOO_DEFAULT_HINT 4

/* meta.instrumentType to nestegg's kinds; anything else is "other". */
static const struct {
	const char *yahoo, *kind;
} kinds[] = {
	{ "EQUITY", "stock" },
	{ "ETF", "etf" },
	{ "MUTUALFUND", "fund" },
	{ "CRYPTOCURRENCY", "crypto" },
	{ "CURRENCY", "cash" },
};

/* What the chart read so far needs to add its closes and quote. */
struct chart {
	struct json_object *meta, *res;
	char symbol[FEED_SYMBOL_MAX];
	int hint;		/* decimals numbers are rounded to */
	long long offset;	/* seconds east of UTC of the exchange */
	size_t first;		/* r->closes[first..] are this chart's */
};

/*
 * The answer when there is no result: the error object's words, as
 * FEED_NOT_FOUND for "Not Found", else FEED_REFUSED; FEED_BAD with no
 * error object either.  Returns -1.
 */
static int
chart_error(struct feed_result *r, struct json_object *err)
{
	const char *code = feed_jstr(feed_jget(err, "code"));
	const char *desc = feed_jstr(feed_jget(err, "description"));

	if (code == NULL && desc == NULL)
		return feed_fail(r, FEED_BAD,
		    "Yahoo: a chart without a result");
	if (code != NULL && strcmp(code, "Not Found") == 0)
		return feed_fail(r, FEED_NOT_FOUND, "Yahoo: %s",
		    desc != NULL ? desc : code);
	return feed_fail(r, FEED_REFUSED, "Yahoo: %s%s%s",
	    code != NULL ? code : "", code != NULL && desc != NULL ? ": " : "",
	    desc != NULL ? desc : "");
}

/* Sets r->kind from meta.instrumentType (left "" without one). */
static void
set_kind(struct feed_result *r, struct json_object *meta)
{
	const char *type = feed_jstr(feed_jget(meta, "instrumentType"));

	if (type == NULL)
		return;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(type, kinds[i].yahoo) == 0) {
			strcpy(r->kind, kinds[i].kind);
			return;
		}
	strcpy(r->kind, "other");
}

/*
 * Yahoo's closes are adjusted for the splits that came after them (a
 * close before a two-for-one split is halved).  With the split events
 * (events=split), each close of a day before a split is taken back to
 * what it was that day (times numerator / denominator): the ledger's
 * own split transactions then count the shares, and the history and
 * the quotes fetched day by day agree.
 */
static void
unsplit(struct feed_result *r, struct chart *c)
{
	struct json_object *splits = feed_jget(feed_jget(c->res, "events"),
	    "splits");

	if (!json_object_is_type(splits, json_type_object))
		return;
	json_object_object_foreach(splits, key, ev) {
		long long t, num, den;
		char day[11];

		(void)key;
		if (feed_jint(feed_jget(ev, "date"), FEED_TIME_MIN,
		    FEED_TIME_MAX, &t) != 0 ||
		    feed_jint(feed_jget(ev, "numerator"), 1, 1000000, &num) ||
		    feed_jint(feed_jget(ev, "denominator"), 1, 1000000, &den) ||
		    feed_day(t, c->offset, day) != 0 || num == den)
			continue;
		for (size_t i = c->first; i < r->ncloses; i++)
			if (strcmp(r->closes[i].day, day) < 0)
				r->closes[i].close = dec_div(dec_mul(
				    r->closes[i].close, dec_from_int(num)),
				    dec_from_int(den));
	}
}

/*
 * Adds a close for each timestamp whose close is a number, days in the
 * exchange's zone, oldest first: a close of the same day as the one
 * before replaces it, one of an earlier day is dropped.
 */
static void
add_closes(struct feed_result *r, struct chart *c)
{
	struct json_object *ts, *quote, *closes;
	size_t n;

	ts = feed_jget(c->res, "timestamp");
	quote = feed_jget(feed_jget(c->res, "indicators"), "quote");
	if (!json_object_is_type(ts, json_type_array) ||
	    !json_object_is_type(quote, json_type_array) ||
	    json_object_array_length(quote) == 0)
		return;
	closes = feed_jget(json_object_array_get_idx(quote, 0), "close");
	if (!json_object_is_type(closes, json_type_array))
		return;
	n = json_object_array_length(ts);
	if (json_object_array_length(closes) < n)
		n = json_object_array_length(closes);
	for (size_t i = 0; i < n; i++) {
		struct feed_close fc;
		long long t;
		int cmp = 1;

		memset(&fc, 0, sizeof(fc));
		if (feed_jint(json_object_array_get_idx(ts, i), FEED_TIME_MIN,
		    FEED_TIME_MAX, &t) != 0 ||
		    feed_day(t, c->offset, fc.day) != 0 ||
		    feed_jdec(json_object_array_get_idx(closes, i), c->hint,
		    &fc.close, &r->rounded) != 0)
			continue;	/* null, or not a close */
		strcpy(fc.symbol, c->symbol);
		if (r->ncloses > c->first)
			cmp = strcmp(fc.day, r->closes[r->ncloses - 1].day);
		if (cmp == 0)
			r->closes[r->ncloses - 1] = fc;
		else if (cmp > 0)
			feed_add_close(r, &fc);
	}
}

/*
 * Adds the quote: meta.regularMarketPrice at meta.regularMarketTime,
 * else the last close.  Returns 0, or -1 when there is neither.
 */
static int
add_quote(struct feed_result *r, struct chart *c)
{
	struct feed_quote q;
	long long t;

	memset(&q, 0, sizeof(q));
	strcpy(q.symbol, c->symbol);
	{
		const char *cur = feed_jstr(feed_jget(c->meta, "currency"));
		const char *name = feed_jstr(feed_jget(c->meta, "longName"));

		if (cur != NULL && feed_code3(cur, strlen(cur)))
			strcpy(q.currency, cur);
		if (name != NULL)
			feed_set_name(q.name, name, strlen(name));
		if (q.name[0] == '\0' && (name = feed_jstr(feed_jget(c->meta,
		    "shortName"))) != NULL)
			feed_set_name(q.name, name, strlen(name));
	}
	if (feed_jdec(feed_jget(c->meta, "regularMarketPrice"), c->hint,
	    &q.price, &r->rounded) == 0 &&
	    feed_jint(feed_jget(c->meta, "regularMarketTime"), FEED_TIME_MIN,
	    FEED_TIME_MAX, &t) == 0 && feed_day(t, c->offset, q.day) == 0)
		q.as_of = (time_t)t;
	else if (r->ncloses > c->first) {
		const struct feed_close *last = &r->closes[r->ncloses - 1];

		q.price = last->close;
		feed_iso_day(last->day, strlen(last->day), q.day, &q.as_of);
	} else
		return feed_fail(r, FEED_NOT_FOUND, "Yahoo: no price for %s",
		    c->symbol);
	for (size_t i = r->ncloses; i > c->first; i--)
		if (strcmp(r->closes[i - 1].day, q.day) < 0) {
			q.prev_close = r->closes[i - 1].close;
			q.has_prev = 1;
			break;
		}
	if (!q.has_prev && feed_jdec(feed_jget(c->meta, "chartPreviousClose"),
	    c->hint, &q.prev_close, &r->rounded) == 0)
		q.has_prev = 1;
	feed_add_quote(r, &q);
	return 0;
}

/* Reads the chart in top into r: 0, or -1 with r saying why. */
static int
chart(struct feed_result *r, struct json_object *top)
{
	struct json_object *ch, *result, *o;
	struct chart c;
	const char *sym;
	long long hint;

	memset(&c, 0, sizeof(c));
	if ((ch = feed_jget(top, "chart")) == NULL)
		ch = feed_jget(top, "finance");	/* other endpoints */
	if (!json_object_is_type(ch, json_type_object))
		return feed_fail(r, FEED_BAD, "Yahoo: not a chart");
	result = feed_jget(ch, "result");
	if (!json_object_is_type(result, json_type_array) ||
	    json_object_array_length(result) == 0)
		return chart_error(r, feed_jget(ch, "error"));
	c.res = json_object_array_get_idx(result, 0);
	c.meta = feed_jget(c.res, "meta");
	if (!json_object_is_type(c.meta, json_type_object))
		return feed_fail(r, FEED_BAD, "Yahoo: a chart without meta");
	sym = feed_jstr(feed_jget(c.meta, "symbol"));
	if (sym == NULL || feed_symbol(c.symbol, sym, strlen(sym)) != 0)
		return feed_fail(r, FEED_BAD, "Yahoo: no usable meta.symbol");
	c.hint = YAHOO_DEFAULT_HINT;
	o = feed_jget(c.meta, "priceHint");
	if (json_object_is_type(o, json_type_int)) {
		hint = json_object_get_int64(o);
		c.hint = hint < 0 ? 0 : hint > DEC_PLACES ? DEC_PLACES :
		    (int)hint;
	}
	o = feed_jget(c.meta, "gmtoffset");
	if (o != NULL && feed_jint(o, -86400, 86400, &c.offset) != 0)
		return feed_fail(r, FEED_BAD, "Yahoo: bad meta.gmtoffset");
	c.first = r->ncloses;
	add_closes(r, &c);
	unsplit(r, &c);
	if (add_quote(r, &c) != 0) {
		feed_drop(r, r->nquotes, c.first);
		return -1;
	}
	set_kind(r, c.meta);
	return 0;
}

int
feed_yahoo_parse(const char *body, size_t len, struct feed_result *r)
{
	struct json_object *top;
	const char *why;
	int rc;

	if ((top = feed_json(body, len, &why)) == NULL) {
		const char *s = body;
		size_t n = len;

		feed_trim(&s, &n);
		if (feed_starts(s, n, "Too Many Requests"))
			return feed_fail(r, FEED_RATE_LIMITED,
			    "Yahoo: Too Many Requests");
		return feed_fail(r, FEED_BAD, "Yahoo: not JSON: %s", why);
	}
	rc = chart(r, top);
	json_object_put(top);
	return rc;
}
