/*
 * stooq.c - Stooq daily CSV (q/d/l/?s=aapl.us&i=d) into daily closes and
 * a quote (see feed.h).
 *
 *   Date,Open,High,Low,Close,Volume
 *   2023-03-16,152.16,156.46,151.64,155.85,76254419
 *   2023-03-17,156.08,156.74,154.28,155,98944633
 *
 * CRLF line ends; FX and index series have no Volume column.  What is
 * not this CSV is sorted out by its text: "No data", a message about
 * the API key or the daily hits limit, an HTML page.
 */
#include "feeds/feed.h"

#include <string.h>

#include "feeds/feedutil.h"

/* Column indexes of the header line; -1 when absent. */
struct cols {
	long date, close;
};

/*
 * Finds the Date and Close columns in line (also stooq.pl's Polish
 * "Data" and "Zamkniecie").  Returns 0, or -1 when either is missing.
 */
static int
header(const char *line, size_t n, struct cols *c)
{
	struct feed_fields f;
	const char *s;
	size_t len;

	c->date = c->close = -1;
	feed_fields_init(&f, line, n, ',', NULL);
	for (long i = 0; feed_field(&f, &s, &len); i++) {
		if (c->date < 0 && (feed_eq(s, len, "Date") ||
		    feed_eq(s, len, "Data")))
			c->date = i;
		else if (c->close < 0 && (feed_eq(s, len, "Close") ||
		    feed_eq(s, len, "Zamkniecie")))
			c->close = i;
	}
	return c->date >= 0 && c->close >= 0 ? 0 : -1;
}

/*
 * Reads one row into fc (day and close): 0, or -1 when it has no valid
 * date or no number in the Close column.
 */
static int
row(const char *line, size_t n, const struct cols *c, struct feed_close *fc,
    int *rounded)
{
	struct feed_fields f;
	const char *s, *date = NULL, *close = NULL;
	size_t len, datelen = 0, closelen = 0;
	time_t midnight;

	feed_fields_init(&f, line, n, ',', NULL);
	for (long i = 0; feed_field(&f, &s, &len); i++) {
		if (i == c->date) {
			date = s;
			datelen = len;
		} else if (i == c->close) {
			close = s;
			closelen = len;
		}
	}
	if (date == NULL || close == NULL ||
	    feed_iso_day(date, datelen, fc->day, &midnight) != 0 ||
	    feed_dec(close, closelen, DEC_PLACES, &fc->close, rounded) != 0)
		return -1;
	return 0;
}

/*
 * Says why body, which is not Stooq CSV, came: first is its first
 * non-blank line.  Returns -1.
 */
static int
not_csv(struct feed_result *r, const char *body, size_t len,
    const char *first, size_t firstlen)
{
	char text[FEED_ERR_MAX];
	int html = first[0] == '<' || feed_has(body, len, "<html");

	if (feed_has(body, len, "apikey") || feed_has(body, len, "api key")) {
		if (html)
			return feed_fail(r, FEED_REFUSED,
			    "Stooq: an HTML page about the API key");
		return feed_fail(r, FEED_REFUSED, "Stooq: %s",
		    feed_oneline(body, len, text, sizeof(text)));
	}
	if (html)
		return feed_fail(r, FEED_BAD, "Stooq: not CSV: an HTML page");
	if (feed_starts(first, firstlen, "No data"))
		return feed_fail(r, FEED_NOT_FOUND, "Stooq: No data");
	if (feed_has(first, firstlen, "hits limit"))
		return feed_fail(r, FEED_RATE_LIMITED, "Stooq: %s",
		    feed_oneline(first, firstlen, text, sizeof(text)));
	return feed_fail(r, FEED_BAD, "Stooq: not CSV: %s",
	    feed_oneline(first, firstlen < 80 ? firstlen : 80, text,
	    sizeof(text)));
}

int
feed_stooq_parse(const char *body, size_t len, const char *symbol,
    struct feed_result *r)
{
	struct feed_close fc, prev;
	struct feed_quote q;
	struct cols c;
	const char *line = NULL;
	size_t pos = 0, n = 0, count = 0;

	if (symbol == NULL)
		symbol = "";
	if (strlen(symbol) >= FEED_SYMBOL_MAX)
		return feed_fail(r, FEED_BAD, "Stooq: symbol too long");
	if (memchr(body, '\0', len) != NULL)
		return feed_fail(r, FEED_BAD, "Stooq: a NUL byte in the body");
	feed_skip_bom(&body, &len);
	while (feed_line(body, len, &pos, &line, &n)) {
		feed_trim(&line, &n);
		if (n > 0)
			break;
	}
	if (n == 0)
		return feed_fail(r, FEED_BAD, "Stooq: an empty body");
	if (line[0] == '<' || header(line, n, &c) != 0)
		return not_csv(r, body, len, line, n);
	memset(&prev, 0, sizeof(prev));
	memset(&fc, 0, sizeof(fc));
	while (feed_line(body, len, &pos, &line, &n)) {
		struct feed_close next;

		memset(&next, 0, sizeof(next));
		if (row(line, n, &c, &next, &r->rounded) != 0)
			continue;
		if (count > 0 && strcmp(next.day, fc.day) <= 0)
			continue;	/* not after the row before */
		strcpy(next.symbol, symbol);
		feed_add_close(r, &next);
		prev = fc;
		fc = next;
		count++;
	}
	if (count == 0)
		return feed_fail(r, FEED_BAD, "Stooq: no row with a close");
	memset(&q, 0, sizeof(q));
	strcpy(q.symbol, symbol);
	q.price = fc.close;
	feed_iso_day(fc.day, strlen(fc.day), q.day, &q.as_of);
	if (count > 1) {
		q.prev_close = prev.close;
		q.has_prev = 1;
	}
	feed_add_quote(r, &q);
	return 0;
}
