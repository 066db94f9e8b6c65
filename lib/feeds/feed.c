/*
 * feed.c - feed results (see feed.h) and the helpers the parsers share
 * (see feedutil.h).
 */
#include "feeds/feed.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/feedutil.h"
#include "text.h"

void
feed_result_init(struct feed_result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = FEED_OK;
}

void
feed_result_free(struct feed_result *r)
{
	free(r->quotes);
	free(r->closes);
	feed_result_init(r);
}

/*
 * Makes room for one more of n elements of size bytes at *p (capacity
 * *cap), doubling; aborts on out-of-memory or a size that overflows.
 */
static void
grow(void **p, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *np;

	if (n < *cap)
		return;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap <= *cap || ncap > SIZE_MAX / size)
		abort();
	if ((np = realloc(*p, ncap * size)) == NULL)
		abort();
	*p = np;
	*cap = ncap;
}

void
feed_set_name(char out[FEED_NAME_MAX], const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	out[0] = '\0';
	if (n == 0 || n >= FEED_NAME_MAX || memchr(s, '\0', n) != NULL ||
	    !utf8_valid(s, n))
		return;
	memcpy(out, s, n);
	out[n] = '\0';
	if (text_controls(out, NULL))
		out[0] = '\0';
}

void
feed_add_quote(struct feed_result *r, const struct feed_quote *q)
{
	void *p = r->quotes;

	grow(&p, &r->capquotes, r->nquotes, sizeof(*q));
	r->quotes = p;
	r->quotes[r->nquotes++] = *q;
}

void
feed_add_close(struct feed_result *r, const struct feed_close *c)
{
	void *p = r->closes;

	grow(&p, &r->capcloses, r->ncloses, sizeof(*c));
	r->closes = p;
	r->closes[r->ncloses++] = *c;
}

int
feed_fail(struct feed_result *r, enum feed_status status, const char *fmt,
    ...)
{
	va_list ap;
	char *text;
	size_t o = 0;
	int n;

	r->status = status;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		snprintf(r->error, sizeof(r->error), "unprintable error");
		return -1;
	}
	if ((text = malloc((size_t)n + 1)) == NULL)
		abort();
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	for (int i = 0; i < n && o < sizeof(r->error) - 1; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c >= 0x20 && c < 0x7f)
			r->error[o++] = (char)c;
	}
	r->error[o] = '\0';
	free(text);
	return -1;
}

void
feed_drop(struct feed_result *r, size_t nquotes, size_t ncloses)
{
	if (r->nquotes > nquotes)
		r->nquotes = nquotes;
	if (r->ncloses > ncloses)
		r->ncloses = ncloses;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static long long
days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The date of day z counted from 1970-01-01; the inverse of the above. */
static void
civil_from_days(long long z, long long *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Writes y-m-d (year 1..9999) as YYYY-MM-DD. */
static void
put_day(char day[11], long long y, int m, int d)
{
	day[0] = (char)('0' + y / 1000);
	day[1] = (char)('0' + y / 100 % 10);
	day[2] = (char)('0' + y / 10 % 10);
	day[3] = (char)('0' + y % 10);
	day[4] = '-';
	day[5] = (char)('0' + m / 10);
	day[6] = (char)('0' + m % 10);
	day[7] = '-';
	day[8] = (char)('0' + d / 10);
	day[9] = (char)('0' + d % 10);
	day[10] = '\0';
}

int
feed_day(long long t, long long offset, char day[11])
{
	long long s, z, y;
	int m, d;

	if (__builtin_add_overflow(t, offset, &s) || s < FEED_TIME_MIN ||
	    s > FEED_TIME_MAX)
		return -1;
	z = s / 86400;
	if (s % 86400 < 0)
		z--;
	civil_from_days(z, &y, &m, &d);
	put_day(day, y, m, d);
	return 0;
}

/* Days in month m (1..12) of year y. */
static int
month_days(long long y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* The value of n ASCII digits at s, or -1 if one is not a digit. */
static long long
digits(const char *s, size_t n)
{
	long long v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Checks y-m-d and writes day and *midnight: 0, or -1. */
static int
set_day(long long y, int m, int d, char day[11], time_t *midnight)
{
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > month_days(y, m))
		return -1;
	put_day(day, y, m, d);
	*midnight = (time_t)(days_from_civil(y, m, d) * 86400);
	return 0;
}

int
feed_iso_day(const char *s, size_t len, char day[11], time_t *midnight)
{
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	return set_day(digits(s, 4), (int)digits(s + 5, 2),
	    (int)digits(s + 8, 2), day, midnight);
}

int
feed_dmy_day(const char *s, size_t len, char day[11], time_t *midnight)
{
	static const char *const months[12] = { "jan", "feb", "mar", "apr",
	    "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec" };

	if (len != 11 || s[2] != '-' || s[6] != '-')
		return -1;
	for (int m = 0; m < 12; m++)
		if (feed_eq(s + 3, 3, months[m]))
			return set_day(digits(s + 7, 4), m + 1,
			    (int)digits(s, 2), day, midnight);
	return -1;
}

int
feed_symbol(char dst[FEED_SYMBOL_MAX], const char *s, size_t len)
{
	if (s == NULL || len == 0 || len >= FEED_SYMBOL_MAX)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f)
			return -1;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

/* c as an ASCII lower-case letter when it is an upper-case one. */
static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int
feed_code3(const char *s, size_t len)
{
	if (len != 3)
		return 0;
	for (size_t i = 0; i < 3; i++)
		if (lower(s[i]) < 'a' || lower(s[i]) > 'z')
			return 0;
	return 1;
}

int
feed_starts(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	if (len < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower(s[i]) != lower(word[i]))
			return 0;
	return 1;
}

int
feed_eq(const char *s, size_t len, const char *word)
{
	return len == strlen(word) && feed_starts(s, len, word);
}

int
feed_has(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i + n <= len; i++)
		if (feed_starts(s + i, len - i, word))
			return 1;
	return 0;
}

/* 1 for the white space feed_trim() strips. */
static int
space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void
feed_trim(const char **s, size_t *len)
{
	while (*len > 0 && space(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && space((*s)[*len - 1]))
		(*len)--;
}

void
feed_skip_bom(const char **s, size_t *len)
{
	if (*len >= 3 && memcmp(*s, "\xef\xbb\xbf", 3) == 0) {
		*s += 3;
		*len -= 3;
	}
}

char *
feed_oneline(const char *s, size_t len, char *out, size_t size)
{
	size_t o = 0;
	int gap = 0;

	if (size == 0)
		return out;
	for (size_t i = 0; i < len && o < size - 1; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c == 0x7f) {
			gap = o > 0;
			continue;
		}
		if (gap) {
			out[o++] = ' ';
			gap = 0;
			if (o == size - 1)
				break;
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

int
feed_line(const char *body, size_t len, size_t *pos, const char **line,
    size_t *n)
{
	size_t i = *pos;

	if (i >= len)
		return 0;
	*line = body + i;
	while (i < len && body[i] != '\n' && body[i] != '\r')
		i++;
	*n = (size_t)(body + i - *line);
	if (i < len && body[i] == '\r' && i + 1 < len && body[i + 1] == '\n')
		i++;
	*pos = i < len ? i + 1 : len;
	return 1;
}

void
feed_fields_init(struct feed_fields *f, const char *line, size_t len,
    char sep, char *scratch)
{
	f->s = line;
	f->len = len;
	f->pos = 0;
	f->sep = sep;
	f->done = 0;
	f->scratch = scratch;
}

int
feed_field(struct feed_fields *f, const char **out, size_t *n)
{
	size_t i = f->pos;

	if (f->done)
		return 0;
	while (i < f->len && (f->s[i] == ' ' || f->s[i] == '\t'))
		i++;
	if (f->scratch != NULL && i < f->len && f->s[i] == '"') {
		size_t o = 0;

		for (i++; i < f->len; i++) {
			if (f->s[i] == '"' && i + 1 < f->len &&
			    f->s[i + 1] == '"')
				i++;
			else if (f->s[i] == '"') {
				i++;
				break;
			}
			f->scratch[o++] = f->s[i];
		}
		/* Whatever follows the closing quote is dropped. */
		while (i < f->len && f->s[i] != f->sep)
			i++;
		*out = f->scratch;
		*n = o;
	} else {
		size_t start = i;

		while (i < f->len && f->s[i] != f->sep)
			i++;
		*out = f->s + start;
		*n = i - start;
		while (*n > 0 && ((*out)[*n - 1] == ' ' ||
		    (*out)[*n - 1] == '\t'))
			(*n)--;
	}
	if (i < f->len)
		f->pos = i + 1;
	else
		f->done = 1;
	return 1;
}

int
feed_dec(const char *s, size_t len, int places, dec *out, int *rounded)
{
	int r = 0;

	if (dec_parse_round(s, len, places, out, &r) != 0)
		return -1;
	if (r)
		*rounded = 1;
	return 0;
}

struct json_object *
feed_json(const char *body, size_t len, const char **why)
{
	struct json_tokener *tok;
	struct json_object *o;
	enum json_tokener_error err;

	if (memchr(body, '\0', len) != NULL) {
		*why = "a NUL byte in the body";
		return NULL;
	}
	if (len > INT_MAX) {
		*why = "the body is too large";
		return NULL;
	}
	if ((tok = json_tokener_new_ex(FEED_JSON_DEPTH)) == NULL)
		abort();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, body, (int)len);
	err = json_tokener_get_error(tok);
	if (o == NULL && err == json_tokener_continue) {
		/* Truncated, or a bare number that only an end can end. */
		o = json_tokener_parse_ex(tok, "", 1);
		err = json_tokener_get_error(tok);
	}
	json_tokener_free(tok);
	if (o == NULL) {
		*why = err == json_tokener_success ? "null" :
		    json_tokener_error_desc(err);
		return NULL;
	}
	if (!json_object_is_type(o, json_type_object) &&
	    !json_object_is_type(o, json_type_array)) {
		json_object_put(o);
		*why = "neither an object nor an array";
		return NULL;
	}
	return o;
}

struct json_object *
feed_jget(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

const char *
feed_jstr(struct json_object *o)
{
	return json_object_is_type(o, json_type_string) ?
	    json_object_get_string(o) : NULL;
}

int
feed_jdec(struct json_object *o, int places, dec *out, int *rounded)
{
	const char *s;
	size_t len;

	if (json_object_is_type(o, json_type_int)) {
		s = json_object_get_string(o);
		/* json-c clamps integers out of range to these. */
		if (strcmp(s, "9223372036854775807") == 0 ||
		    strcmp(s, "-9223372036854775808") == 0 ||
		    strcmp(s, "18446744073709551615") == 0)
			return -1;
		len = strlen(s);
	} else if (json_object_is_type(o, json_type_double)) {
		/* The text the source wrote, kept by the tokener. */
		s = json_object_get_string(o);
		len = strlen(s);
	} else if (json_object_is_type(o, json_type_string)) {
		s = json_object_get_string(o);
		len = (size_t)json_object_get_string_len(o);
		feed_trim(&s, &len);
	} else
		return -1;
	return feed_dec(s, len, places, out, rounded);
}

int
feed_jint(struct json_object *o, long long lo, long long hi, long long *out)
{
	int64_t v;

	if (!json_object_is_type(o, json_type_int))
		return -1;
	v = json_object_get_int64(o);	/* clamped: outside any lo..hi */
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}
