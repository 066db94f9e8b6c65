/*
 * url.c - the generic source: a price read from a body fetched from an
 * instrument's own URL (see feed.h).
 *
 * A body that starts with '{' or '[' is JSON and field a path to the
 * price: object keys and array indexes separated by dots, or indexes in
 * brackets ("data.quote.0.last", "$.data.quote[0].last").  Any other body
 * is CSV with a header line, and field names the column; the last row
 * with a number there is the quote.
 */
#include "feeds/feed.h"

#include <stdlib.h>
#include <string.h>

#include "feeds/feedutil.h"

#define URL_KEY_MAX 256		/* longest object key a path can name */
#define URL_INDEX_DIGITS 9	/* most digits of an array index */

/*
 * The element of o that one path step names: index s (len bytes, all
 * digits) of an array, or key s of an object.  NULL when there is none.
 */
static struct json_object *
step(struct json_object *o, const char *s, size_t len, int index_only)
{
	char key[URL_KEY_MAX];
	size_t idx = 0, i;

	for (i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		idx = idx * 10 + (size_t)(s[i] - '0');
	if (json_object_is_type(o, json_type_array)) {
		if (len == 0 || i != len || len > URL_INDEX_DIGITS ||
		    idx >= json_object_array_length(o))
			return NULL;
		return json_object_array_get_idx(o, idx);
	}
	if (index_only || len >= sizeof(key))
		return NULL;
	memcpy(key, s, len);
	key[len] = '\0';
	return feed_jget(o, key);
}

/* Follows path from o: the value it names, or NULL. */
static struct json_object *
walk(struct json_object *o, const char *path)
{
	const char *p = path;

	if (p[0] == '$') {
		p++;
		if (*p == '.')
			p++;
	}
	while (*p != '\0' && o != NULL) {
		size_t n;

		if (*p == '[') {
			const char *close = strchr(p, ']');

			if (close == NULL)
				return NULL;
			o = step(o, p + 1, (size_t)(close - p - 1), 1);
			p = close + 1;
		} else {
			n = strcspn(p, ".[");
			o = step(o, p, n, 0);
			p += n;
		}
		if (*p == '.')
			p++;
	}
	return o;
}

/* Reads the price at field of JSON body into *price: 0, or -1. */
static int
json_price(struct feed_result *r, const char *body, size_t len,
    const char *field, dec *price)
{
	struct json_object *top, *v;
	const char *why;
	int rc = 0;

	if ((top = feed_json(body, len, &why)) == NULL)
		return feed_fail(r, FEED_BAD, "URL: not JSON: %s", why);
	if ((v = walk(top, field)) == NULL)
		rc = feed_fail(r, FEED_BAD, "URL: no field %s in the JSON",
		    field);
	else if (feed_jdec(v, DEC_PLACES, price, &r->rounded) != 0)
		rc = feed_fail(r, FEED_BAD, "URL: field %s is not a number",
		    field);
	json_object_put(top);
	return rc;
}

/* The separator of a CSV header line: ';' when it has more than ','. */
static char
separator(const char *line, size_t n)
{
	size_t commas = 0, semis = 0;
	int quoted = 0;

	for (size_t i = 0; i < n; i++) {
		if (line[i] == '"')
			quoted = !quoted;
		else if (!quoted && line[i] == ',')
			commas++;
		else if (!quoted && line[i] == ';')
			semis++;
	}
	return semis > commas ? ';' : ',';
}

/*
 * The index of column field in header line (exact name, else any case),
 * or -1.
 */
static long
column(const char *line, size_t n, char sep, const char *field,
    char *scratch)
{
	struct feed_fields f;
	const char *s;
	size_t len, flen = strlen(field);
	long found = -1;

	feed_fields_init(&f, line, n, sep, scratch);
	for (long i = 0; feed_field(&f, &s, &len); i++) {
		if (len == flen && memcmp(s, field, len) == 0)
			return i;
		if (found < 0 && feed_eq(s, len, field))
			found = i;
	}
	return found;
}

/* Reads the price in column field of CSV body into *price: 0, or -1. */
static int
csv_price(struct feed_result *r, const char *body, size_t len,
    const char *field, dec *price)
{
	struct feed_fields f;
	const char *line = NULL, *s;
	size_t pos = 0, n = 0, slen;
	char *scratch;
	long col;
	int found = 0;
	char sep;

	while (feed_line(body, len, &pos, &line, &n)) {
		feed_trim(&line, &n);
		if (n > 0)
			break;
	}
	if (n == 0)
		return feed_fail(r, FEED_BAD, "URL: an empty body");
	if (line[0] == '<')
		return feed_fail(r, FEED_BAD,
		    "URL: neither JSON nor CSV: an HTML page");
	if ((scratch = malloc(len)) == NULL)
		abort();
	sep = separator(line, n);
	if ((col = column(line, n, sep, field, scratch)) < 0) {
		free(scratch);
		return feed_fail(r, FEED_BAD, "URL: no column %s in the CSV",
		    field);
	}
	while (feed_line(body, len, &pos, &line, &n)) {
		feed_fields_init(&f, line, n, sep, scratch);
		for (long i = 0; feed_field(&f, &s, &slen); i++)
			if (i == col) {
				if (feed_dec(s, slen, DEC_PLACES, price,
				    &r->rounded) == 0)
					found = 1;
				break;
			}
	}
	free(scratch);
	if (!found)
		return feed_fail(r, FEED_BAD, "URL: no number in column %s",
		    field);
	return 0;
}

int
feed_url_parse(const char *body, size_t len, const char *field,
    const char *symbol, time_t now, struct feed_result *r)
{
	struct feed_quote q;
	const char *s = body;
	size_t n = len;
	int rc;

	if (field == NULL || field[0] == '\0')
		return feed_fail(r, FEED_BAD, "URL: no field to read");
	if (symbol == NULL)
		symbol = "";
	if (strlen(symbol) >= FEED_SYMBOL_MAX)
		return feed_fail(r, FEED_BAD, "URL: symbol too long");
	memset(&q, 0, sizeof(q));
	if (feed_day(now, 0, q.day) != 0)
		return feed_fail(r, FEED_BAD, "URL: the clock is out of range");
	if (memchr(body, '\0', len) != NULL)
		return feed_fail(r, FEED_BAD, "URL: a NUL byte in the body");
	feed_skip_bom(&s, &n);
	feed_trim(&s, &n);
	if (n > 0 && (s[0] == '{' || s[0] == '['))
		rc = json_price(r, s, n, field, &q.price);
	else
		rc = csv_price(r, s, n, field, &q.price);
	if (rc != 0)
		return -1;
	strcpy(q.symbol, symbol);
	q.as_of = now;
	feed_add_quote(r, &q);
	return 0;
}
