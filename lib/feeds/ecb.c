/*
 * ecb.c - ECB euro reference rates (eurofxref-daily.xml and the history
 * files) into quotes and closes (see feed.h).
 *
 *   <gesmes:Envelope ...><Cube>
 *     <Cube time='2025-05-09'>
 *       <Cube currency='USD' rate='1.1252'/> ...
 *     </Cube>
 *   </Cube></gesmes:Envelope>
 *
 * The history files hold one time Cube per day, newest first.  A
 * document type declaration is refused: the ECB sends none, and it is
 * where entity tricks live.
 */
#include "feeds/feed.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "feeds/feedutil.h"

/* One rate: one EUR is rate units of currency on day. */
struct rate {
	char currency[4];
	char day[11];
	dec rate;
	size_t seq;		/* place in the document */
};

/* The parse state the expat handlers share. */
struct ecb {
	XML_Parser p;
	long depth;		/* of the element being read */
	long day_depth;		/* of the open time Cube, 0 when none */
	char day[11];		/* its day; "" when not a date */
	struct rate *v;
	size_t n, cap;
	int rounded;
	int doctype;		/* stopped at a DOCTYPE */
};

/* name without a namespace prefix. */
static const char *
local(const char *name)
{
	const char *colon = strrchr(name, ':');

	return colon != NULL ? colon + 1 : name;
}

/* Appends a rate of currency in the open day, if both are usable. */
static void
add_rate(struct ecb *e, const char *currency, const char *rate)
{
	struct rate *x;
	dec d;

	if (e->day[0] == '\0' || strlen(currency) != 3)
		return;
	for (size_t i = 0; i < 3; i++)
		if (currency[i] < 'A' || currency[i] > 'Z')
			return;
	if (feed_dec(rate, strlen(rate), DEC_PLACES, &d, &e->rounded) != 0)
		return;
	if (e->n == e->cap) {
		size_t ncap = e->cap ? e->cap * 2 : 64;

		if (ncap > SIZE_MAX / sizeof(*e->v) ||
		    (x = realloc(e->v, ncap * sizeof(*e->v))) == NULL)
			abort();
		e->v = x;
		e->cap = ncap;
	}
	x = &e->v[e->n];
	memcpy(x->currency, currency, 4);
	strcpy(x->day, e->day);
	x->rate = d;
	x->seq = e->n++;
}

/* expat: a Cube with time opens a day; one with currency and rate inside
 * a day gives a rate. */
static void XMLCALL
start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct ecb *e = ud;
	const char *time = NULL, *currency = NULL, *rate = NULL;
	time_t midnight;

	e->depth++;
	if (strcmp(local(name), "Cube") != 0)
		return;
	for (size_t i = 0; atts[i] != NULL && atts[i + 1] != NULL; i += 2) {
		if (strcmp(atts[i], "time") == 0)
			time = atts[i + 1];
		else if (strcmp(atts[i], "currency") == 0)
			currency = atts[i + 1];
		else if (strcmp(atts[i], "rate") == 0)
			rate = atts[i + 1];
	}
	if (time != NULL) {
		e->day_depth = e->depth;
		if (feed_iso_day(time, strlen(time), e->day, &midnight) != 0)
			e->day[0] = '\0';
	} else if (currency != NULL && rate != NULL && e->day_depth > 0)
		add_rate(e, currency, rate);
}

/* expat: the end of an element; the end of a time Cube closes its day. */
static void XMLCALL
end(void *ud, const XML_Char *name)
{
	struct ecb *e = ud;

	(void)name;
	if (e->depth == e->day_depth) {
		e->day_depth = 0;
		e->day[0] = '\0';
	}
	e->depth--;
}

/* expat: a document type declaration stops the parse. */
static void XMLCALL
doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	struct ecb *e = ud;

	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	e->doctype = 1;
	XML_StopParser(e->p, XML_FALSE);
}

/* Orders rates by day, then by place in the document. */
static int
by_day(const void *a, const void *b)
{
	const struct rate *x = a, *y = b;
	int c = strcmp(x->day, y->day);

	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Adds the quotes (the newest day's rates, in document order, each with
 * its rate of the latest day before as the previous close) and the
 * closes (every rate, oldest day first).
 */
static void
add_all(struct feed_result *r, struct ecb *e)
{
	const char *newest = e->v[0].day;

	for (size_t i = 1; i < e->n; i++)
		if (strcmp(e->v[i].day, newest) > 0)
			newest = e->v[i].day;
	for (size_t i = 0; i < e->n; i++) {
		const struct rate *x = &e->v[i], *prev = NULL;
		struct feed_quote q;

		if (strcmp(x->day, newest) != 0)
			continue;
		for (size_t j = 0; j < e->n; j++)
			if (strcmp(e->v[j].currency, x->currency) == 0 &&
			    strcmp(e->v[j].day, newest) < 0 && (prev == NULL ||
			    strcmp(e->v[j].day, prev->day) > 0))
				prev = &e->v[j];
		memset(&q, 0, sizeof(q));
		strcpy(q.symbol, x->currency);
		strcpy(q.currency, "EUR");
		q.price = x->rate;
		feed_iso_day(x->day, strlen(x->day), q.day, &q.as_of);
		if (prev != NULL) {
			q.prev_close = prev->rate;
			q.has_prev = 1;
		}
		feed_add_quote(r, &q);
	}
	qsort(e->v, e->n, sizeof(*e->v), by_day);
	for (size_t i = 0; i < e->n; i++) {
		struct feed_close c;

		memset(&c, 0, sizeof(c));
		strcpy(c.symbol, e->v[i].currency);
		strcpy(c.day, e->v[i].day);
		c.close = e->v[i].rate;
		feed_add_close(r, &c);
	}
}

int
feed_ecb_parse(const char *body, size_t len, struct feed_result *r)
{
	struct ecb e;
	int rc = 0;

	if (len > INT_MAX)
		return feed_fail(r, FEED_BAD, "ECB: the body is too large");
	if (memchr(body, '\0', len) != NULL)
		return feed_fail(r, FEED_BAD, "ECB: a NUL byte in the body");
	memset(&e, 0, sizeof(e));
	if ((e.p = XML_ParserCreate(NULL)) == NULL)
		abort();
	XML_SetUserData(e.p, &e);
	XML_SetElementHandler(e.p, start, end);
	XML_SetStartDoctypeDeclHandler(e.p, doctype);
	if (XML_Parse(e.p, body, (int)len, 1) != XML_STATUS_OK) {
		if (e.doctype)
			rc = feed_fail(r, FEED_BAD,
			    "ECB: a document type declaration");
		else
			rc = feed_fail(r, FEED_BAD, "ECB: XML: %s at line %lu",
			    XML_ErrorString(XML_GetErrorCode(e.p)),
			    (unsigned long)XML_GetCurrentLineNumber(e.p));
	} else if (e.n == 0)
		rc = feed_fail(r, FEED_BAD, "ECB: no Cube rates");
	else {
		add_all(r, &e);
		if (e.rounded)
			r->rounded = 1;
	}
	XML_ParserFree(e.p);
	free(e.v);
	return rc;
}
