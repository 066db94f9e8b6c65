/*
 * amfi.c - AMFI India NAVAll.txt into one quote per scheme, and its NAV
 * history report into closes (see feed.h).
 *
 *   Scheme Code;ISIN Div Payout/ ISIN Growth;ISIN Div Reinvestment;
 *       Scheme Name;Net Asset Value;Date
 *   (a line holding one space)
 *   Open Ended Schemes(Debt Scheme - Banking and PSU Fund)
 *   (a line holding one space)
 *   119551;INF209KA12Z1;INF209KA13Z9;Aditya Birla ...;107.0688;16-May-2025
 *
 * ';'-separated, CRLF, blank lines holding a space, headings (lines
 * without ';') between blocks, NAVs that may be "N.A.".  Columns are
 * taken from the last header line seen, by name.
 */
#include "feeds/feed.h"

#include <string.h>

#include "feeds/feedutil.h"

#define AMFI_CODE_MAX 20	/* digits of a scheme code */

/* Column indexes from a header line. */
struct cols {
	long code, nav, date, name;
	int ok;			/* all three found */
};

/* Maps the columns of header line; c->ok says whether all were found. */
static void
header(const char *line, size_t n, struct cols *c)
{
	struct feed_fields f;
	const char *s;
	size_t len;

	c->code = c->nav = c->date = c->name = -1;
	feed_fields_init(&f, line, n, ';', NULL);
	for (long i = 0; feed_field(&f, &s, &len); i++) {
		if (c->code < 0 && feed_eq(s, len, "Scheme Code"))
			c->code = i;
		else if (c->nav < 0 && feed_has(s, len, "Net Asset Value"))
			c->nav = i;
		else if (c->date < 0 && feed_eq(s, len, "Date"))
			c->date = i;
		else if (c->name < 0 && feed_eq(s, len, "Scheme Name"))
			c->name = i;
	}
	c->ok = c->code >= 0 && c->nav >= 0 && c->date >= 0;
}

/* 1 if s is a scheme code: 1 to AMFI_CODE_MAX digits. */
static int
scheme_code(const char *s, size_t len)
{
	if (len == 0 || len > AMFI_CODE_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * Reads one scheme line into q: 0, or -1 when it lacks a field or its
 * code, NAV or date is not usable (N.A., -, ...).
 */
static int
scheme(const char *line, size_t n, const struct cols *c,
    struct feed_quote *q, int *rounded)
{
	struct feed_fields f;
	const char *s, *code = NULL, *nav = NULL, *date = NULL;
	size_t len, codelen = 0, navlen = 0, datelen = 0;

	feed_fields_init(&f, line, n, ';', NULL);
	for (long i = 0; feed_field(&f, &s, &len); i++) {
		if (i == c->code) {
			code = s;
			codelen = len;
		} else if (i == c->nav) {
			nav = s;
			navlen = len;
		} else if (i == c->date) {
			date = s;
			datelen = len;
		} else if (i == c->name)
			feed_set_name(q->name, s, len);
	}
	if (code == NULL || nav == NULL || date == NULL ||
	    !scheme_code(code, codelen) ||
	    feed_dmy_day(date, datelen, q->day, &q->as_of) != 0 ||
	    feed_dec(nav, navlen, DEC_PLACES, &q->price, rounded) != 0)
		return -1;
	memcpy(q->symbol, code, codelen);
	q->symbol[codelen] = '\0';
	strcpy(q->currency, "INR");
	return 0;
}

/* Reads every scheme line; with codes, only theirs, as closes. */
static int
amfi_read(const char *body, size_t len, const char *const *codes,
    size_t ncodes, struct feed_result *r)
{
	struct cols c;
	const char *line;
	size_t pos = 0, n;
	int headers = 0;

	if (memchr(body, '\0', len) != NULL)
		return feed_fail(r, FEED_BAD, "AMFI: a NUL byte in the body");
	feed_skip_bom(&body, &len);
	memset(&c, 0, sizeof(c));
	while (feed_line(body, len, &pos, &line, &n)) {
		struct feed_quote q;
		struct feed_close fc;
		size_t k;

		feed_trim(&line, &n);
		if (n == 0)
			continue;
		if (feed_has(line, n, "Scheme Code")) {
			header(line, n, &c);
			headers += c.ok;
			continue;
		}
		if (!c.ok || memchr(line, ';', n) == NULL)
			continue;	/* before a header, or a heading */
		memset(&q, 0, sizeof(q));
		if (scheme(line, n, &c, &q, &r->rounded) != 0)
			continue;
		if (codes == NULL) {
			feed_add_quote(r, &q);
			continue;
		}
		for (k = 0; k < ncodes && strcmp(codes[k], q.symbol) != 0; k++)
			;
		if (k == ncodes)
			continue;
		memset(&fc, 0, sizeof(fc));
		memcpy(fc.symbol, q.symbol, sizeof(fc.symbol));
		memcpy(fc.day, q.day, sizeof(fc.day));
		fc.close = q.price;
		feed_add_close(r, &fc);
	}
	if (headers == 0)
		return feed_fail(r, FEED_BAD, "AMFI: no header line with "
		    "Scheme Code, Net Asset Value and Date");
	return 0;
}

int
feed_amfi_parse(const char *body, size_t len, struct feed_result *r)
{
	return amfi_read(body, len, NULL, 0, r);
}

int
feed_amfi_history_parse(const char *body, size_t len,
    const char *const *codes, size_t ncodes, struct feed_result *r)
{
	static const char *const none[1] = { "" };

	return amfi_read(body, len, codes != NULL ? codes : none,
	    codes != NULL ? ncodes : 0, r);
}
