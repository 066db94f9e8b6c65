/*
 * Unit tests for lib/feeds/: each price-feed parser on the real-format
 * samples in tests/fixtures/feeds/ and on the quirks of its source, then
 * on hostile input (every truncation, NUL bytes, random bytes, deep
 * nesting, very long lines), and the simulated market.
 *
 * Bodies are handed to the parsers in buffers of exactly their length,
 * so that a read past len is caught when built with make asan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "feeds/feed.h"
#include "feeds/feedutil.h"

#define FIXTURES NESTEGG_HOME "/tests/fixtures/feeds/"
#define NOW ((time_t)1715356800)	/* 2024-05-10 16:00:00 UTC */

typedef int (*parser)(const char *, size_t, struct feed_result *);

static int
p_yahoo(const char *b, size_t n, struct feed_result *r)
{
	return feed_yahoo_parse(b, n, r);
}

static int
p_stooq(const char *b, size_t n, struct feed_result *r)
{
	return feed_stooq_parse(b, n, "aapl.us", r);
}

static int
p_amfi(const char *b, size_t n, struct feed_result *r)
{
	return feed_amfi_parse(b, n, r);
}

static int
p_amfi_history(const char *b, size_t n, struct feed_result *r)
{
	static const char *const codes[] = { "119551", "100033" };

	return feed_amfi_history_parse(b, n, codes, 2, r);
}

static int
p_coingecko(const char *b, size_t n, struct feed_result *r)
{
	return feed_coingecko_parse(b, n, NOW, r);
}

static int
p_alphavantage(const char *b, size_t n, struct feed_result *r)
{
	return feed_alphavantage_parse(b, n, r);
}

static int
p_url_json(const char *b, size_t n, struct feed_result *r)
{
	return feed_url_parse(b, n, "data.quote.0.last", "XYZ", NOW, r);
}

static int
p_url_csv(const char *b, size_t n, struct feed_result *r)
{
	return feed_url_parse(b, n, "Close", "XYZ", NOW, r);
}

static int
p_ecb(const char *b, size_t n, struct feed_result *r)
{
	return feed_ecb_parse(b, n, r);
}

static const struct {
	const char *name;
	parser parse;
} parsers[] = {
	{ "yahoo", p_yahoo },
	{ "stooq", p_stooq },
	{ "amfi", p_amfi },
	{ "coingecko", p_coingecko },
	{ "alphavantage", p_alphavantage },
	{ "url-json", p_url_json },
	{ "url-csv", p_url_csv },
	{ "ecb", p_ecb },
};
#define NPARSERS (sizeof(parsers) / sizeof(parsers[0]))

/* Every fixture, with the parser it is for. */
static const struct {
	const char *file;
	parser parse;
} fixtures[] = {
	{ "yahoo-chart.json", p_yahoo },
	{ "yahoo-chart-notfound.json", p_yahoo },
	{ "yahoo-chart-gbp.json", p_yahoo },
	{ "yahoo-chart-fx.json", p_yahoo },
	{ "stooq-aapl.us.csv", p_stooq },
	{ "stooq-eurusd.csv", p_stooq },
	{ "stooq-nodata.txt", p_stooq },
	{ "stooq-html.html", p_stooq },
	{ "stooq-apikey.txt", p_stooq },
	{ "amfi-NAVAll.txt", p_amfi },
	{ "amfi-reordered.txt", p_amfi },
	{ "coingecko-simple-price.json", p_coingecko },
	{ "coingecko-multi.json", p_coingecko },
	{ "coingecko-ratelimit.json", p_coingecko },
	{ "alphavantage-global-quote.json", p_alphavantage },
	{ "alphavantage-empty.json", p_alphavantage },
	{ "alphavantage-note.json", p_alphavantage },
	{ "alphavantage-information.json", p_alphavantage },
	{ "alphavantage-error.json", p_alphavantage },
	{ "url-quote.json", p_url_json },
	{ "url-quote.csv", p_url_csv },
	{ "ecb-eurofxref-daily.xml", p_ecb },
	{ "ecb-hist.xml", p_ecb },
};
#define NFIXTURES (sizeof(fixtures) / sizeof(fixtures[0]))

/* The bytes of fixture name (malloc'd, not NUL-terminated) and *len. */
static char *
slurp(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *s;
	long n;

	snprintf(path, sizeof(path), "%s%s", FIXTURES, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	s = malloc((size_t)n);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return s;
}

/* 1 if day is YYYY-MM-DD shaped. */
static int
day_shaped(const char *day)
{
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? day[i] != '-' :
		    day[i] < '0' || day[i] > '9')
			return 0;
	return day[10] == '\0';
}

/* 1 if s is NUL-terminated within size bytes. */
static int
terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/*
 * What must hold after any parse of any bytes: 0 with FEED_OK or -1
 * with an error of printable ASCII and nothing kept; quotes and closes
 * well formed.
 */
static void
check_result(int rc, const struct feed_result *r)
{
	size_t n;

	assert_true(rc == 0 || rc == -1);
	assert_int_equal(rc == 0, r->status == FEED_OK);
	assert_true(terminated(r->error, sizeof(r->error)));
	n = strlen(r->error);
	for (size_t i = 0; i < n; i++)
		assert_true(r->error[i] >= 0x20 && r->error[i] < 0x7f);
	if (rc != 0) {
		assert_true(n > 0);
		assert_int_equal(r->nquotes, 0);
		assert_int_equal(r->ncloses, 0);
	}
	assert_true(r->nquotes <= r->capquotes);
	assert_true(r->ncloses <= r->capcloses);
	assert_true(terminated(r->kind, sizeof(r->kind)));
	for (size_t i = 0; i < r->nquotes; i++) {
		const struct feed_quote *q = &r->quotes[i];

		assert_true(terminated(q->symbol, sizeof(q->symbol)));
		assert_true(terminated(q->currency, sizeof(q->currency)));
		assert_true(strlen(q->currency) == 0 ||
		    strlen(q->currency) == 3);
		assert_true(day_shaped(q->day));
		assert_false(dec_bad(q->price));
	}
	for (size_t i = 0; i < r->ncloses; i++) {
		assert_true(terminated(r->closes[i].symbol,
		    sizeof(r->closes[i].symbol)));
		assert_true(day_shaped(r->closes[i].day));
		assert_false(dec_bad(r->closes[i].close));
	}
}

/*
 * Parses len bytes of body with p into *r (initialised here) from a copy
 * of exactly len bytes, and checks the invariants.  Returns p's answer.
 */
static int
run(parser p, const char *body, size_t len, struct feed_result *r)
{
	char *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, body, len);
	feed_result_init(r);
	rc = p(copy, len, r);
	free(copy);
	check_result(rc, r);
	return rc;
}

/* run() on a NUL-terminated string. */
static int
runs(parser p, const char *body, struct feed_result *r)
{
	return run(p, body, strlen(body), r);
}

/* run() on fixture file. */
static int
runf(parser p, const char *file, struct feed_result *r)
{
	size_t len;
	char *s = slurp(file, &len);
	int rc = run(p, s, len, r);

	free(s);
	return rc;
}

/* run() then feed_result_free(), for input that only must not break. */
static void
survive(parser p, const char *body, size_t len)
{
	struct feed_result r;

	run(p, body, len, &r);
	feed_result_free(&r);
}

/* The exact text of d. */
static const char *
F(dec d)
{
	static char buf[DEC_BUFSZ];

	return dec_format(d, -1, buf);
}

/* Checks quote q; prev NULL for none. */
static void
assert_quote(const struct feed_quote *q, const char *symbol,
    const char *currency, const char *price, const char *day, time_t as_of,
    const char *prev)
{
	assert_string_equal(q->symbol, symbol);
	assert_string_equal(q->currency, currency);
	assert_string_equal(F(q->price), price);
	assert_string_equal(q->day, day);
	assert_int_equal(q->as_of, as_of);
	assert_int_equal(q->has_prev, prev != NULL);
	if (prev != NULL)
		assert_string_equal(F(q->prev_close), prev);
}

static void
assert_close(const struct feed_close *c, const char *symbol,
    const char *day, const char *close)
{
	assert_string_equal(c->symbol, symbol);
	assert_string_equal(c->day, day);
	assert_string_equal(F(c->close), close);
}

/* Checks that parsing body fails with status and an error holding
 * words. */
static void
assert_fails(parser p, const char *body, enum feed_status status,
    const char *words)
{
	struct feed_result r;

	assert_int_equal(runs(p, body, &r), -1);
	assert_int_equal(r.status, status);
	if (strstr(r.error, words) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", r.error, words);
	feed_result_free(&r);
}

/* Like assert_fails for a fixture file. */
static void
assert_file_fails(parser p, const char *file, enum feed_status status,
    const char *words)
{
	struct feed_result r;

	assert_int_equal(runf(p, file, &r), -1);
	assert_int_equal(r.status, status);
	if (strstr(r.error, words) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", r.error, words);
	feed_result_free(&r);
}

/* Parses body expecting one quote, checks its price; returns r->rounded. */
static int
one_price(parser p, const char *body, const char *price)
{
	struct feed_result r;
	int rounded;

	assert_int_equal(runs(p, body, &r), 0);
	assert_int_equal(r.nquotes, 1);
	assert_string_equal(F(r.quotes[0].price), price);
	rounded = r.rounded;
	feed_result_free(&r);
	return rounded;
}

/* ---- results ---- */

static void
results_grow_and_free(void **state)
{
	struct feed_result r;
	struct feed_quote q;
	struct feed_close c;

	(void)state;
	feed_result_init(&r);
	assert_int_equal(r.status, FEED_OK);
	assert_null(r.quotes);
	assert_null(r.closes);
	memset(&q, 0, sizeof(q));
	memset(&c, 0, sizeof(c));
	for (int i = 0; i < 1000; i++) {
		snprintf(q.symbol, sizeof(q.symbol), "S%d", i);
		q.price = dec_from_int(i);
		feed_add_quote(&r, &q);
		snprintf(c.symbol, sizeof(c.symbol), "C%d", i);
		feed_add_close(&r, &c);
	}
	assert_int_equal(r.nquotes, 1000);
	assert_int_equal(r.ncloses, 1000);
	assert_string_equal(r.quotes[999].symbol, "S999");
	assert_string_equal(F(r.quotes[500].price), "500");
	assert_string_equal(r.closes[0].symbol, "C0");
	feed_result_free(&r);
	assert_null(r.quotes);
	assert_int_equal(r.nquotes, 0);
	assert_int_equal(r.capcloses, 0);
	feed_result_free(&r);		/* twice is fine */
}

static void
results_fail_text(void **state)
{
	struct feed_result r;
	char big[1000];

	(void)state;
	feed_result_init(&r);
	assert_int_equal(feed_fail(&r, FEED_REFUSED, "bad %s: %d", "key",
	    42), -1);
	assert_int_equal(r.status, FEED_REFUSED);
	assert_string_equal(r.error, "bad key: 42");
	feed_fail(&r, FEED_BAD, "a\tb\r\nc\x7f" "d\xc3\xa9" "e\x01");
	assert_string_equal(r.error, "abcde");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[0] = '\x80';		/* dropped before the cut */
	feed_fail(&r, FEED_RATE_LIMITED, "%s", big);
	assert_int_equal(r.status, FEED_RATE_LIMITED);
	assert_int_equal(strlen(r.error), FEED_ERR_MAX - 1);
	assert_int_equal(r.error[0], 'x');
	feed_result_free(&r);
}

/* ---- shared helpers (feedutil.h) ---- */

/* feed_day() of t: the day, or "ERR". */
static const char *
day_of(long long t, long long offset)
{
	static char day[11];

	return feed_day(t, offset, day) == 0 ? day : "ERR";
}

/* feed_iso_day() or feed_dmy_day() of s: the day and *midnight, or
 * "ERR". */
static const char *
read_day(const char *s, int dmy, time_t *midnight)
{
	static char day[11];
	int rc;

	*midnight = -1;
	rc = dmy ? feed_dmy_day(s, strlen(s), day, midnight) :
	    feed_iso_day(s, strlen(s), day, midnight);
	return rc == 0 ? day : "ERR";
}

static void
helpers_dates(void **state)
{
	time_t t;

	(void)state;
	assert_string_equal(day_of(0, 0), "1970-01-01");
	assert_string_equal(day_of(-1, 0), "1969-12-31");
	assert_string_equal(day_of(86399, 1), "1970-01-02");
	assert_string_equal(day_of(951782400, 0), "2000-02-29");
	assert_string_equal(day_of(1745498404, 7200), "2025-04-24");
	assert_string_equal(day_of(1715389200, -14400), "2024-05-10");
	assert_string_equal(day_of(FEED_TIME_MAX, 0), "9999-12-31");
	assert_string_equal(day_of(FEED_TIME_MIN, 0), "0001-01-01");
	assert_string_equal(day_of(FEED_TIME_MAX, 1), "ERR");
	assert_string_equal(day_of(FEED_TIME_MIN - 1, 0), "ERR");
	assert_string_equal(day_of(9223372036854775807LL, 1), "ERR");
	assert_string_equal(read_day("2024-02-29", 0, &t), "2024-02-29");
	assert_int_equal(t, 1709164800);
	assert_string_equal(read_day("1969-12-31", 0, &t), "1969-12-31");
	assert_int_equal(t, -86400);
	assert_string_equal(read_day("0001-01-01", 0, &t), "0001-01-01");
	assert_int_equal(t, FEED_TIME_MIN);
	assert_string_equal(read_day("2000-02-29", 0, &t), "2000-02-29");
	assert_string_equal(read_day("2023-02-29", 0, &t), "ERR");
	assert_string_equal(read_day("1900-02-29", 0, &t), "ERR");
	assert_string_equal(read_day("0000-01-01", 0, &t), "ERR");
	assert_string_equal(read_day("2024-13-01", 0, &t), "ERR");
	assert_string_equal(read_day("2024-04-31", 0, &t), "ERR");
	assert_string_equal(read_day("2024-00-10", 0, &t), "ERR");
	assert_string_equal(read_day("2024-1-01", 0, &t), "ERR");
	assert_string_equal(read_day("2024/01/01", 0, &t), "ERR");
	assert_string_equal(read_day("2024-01-01x", 0, &t), "ERR");
	assert_string_equal(read_day("+024-01-01", 0, &t), "ERR");
	assert_string_equal(read_day("16-May-2025", 1, &t), "2025-05-16");
	assert_int_equal(t, 1747353600);
	assert_string_equal(read_day("01-jan-2024", 1, &t), "2024-01-01");
	assert_string_equal(read_day("31-DEC-2024", 1, &t), "2024-12-31");
	assert_string_equal(read_day("16-Mai-2025", 1, &t), "ERR");
	assert_string_equal(read_day("29-Feb-2023", 1, &t), "ERR");
	assert_string_equal(read_day("6-May-2025", 1, &t), "ERR");
	assert_string_equal(read_day("16-May-25", 1, &t), "ERR");
	assert_int_equal(t, -1);
}

static void
helpers_text(void **state)
{
	static const char body[] = "a,b\r\n\r\nc\rd\n\ne";
	const char *line, *f;
	char out[16], scratch[64];
	struct feed_fields ff;
	size_t pos = 0, n, fn;
	const char *want[] = { "a,b", "", "c", "d", "", "e" };
	size_t i = 0;

	(void)state;
	/* Lines end at LF, CRLF or CR; the last needs no end. */
	while (feed_line(body, sizeof(body) - 1, &pos, &line, &n)) {
		assert_true(i < 6);
		assert_int_equal(n, strlen(want[i]));
		assert_memory_equal(line, want[i], n);
		i++;
	}
	assert_int_equal(i, 6);
	/* Fields: trimmed; quoted with "" escapes when given scratch. */
	line = " x ;\"y;\"\"z\"\" \" junk; ;";
	feed_fields_init(&ff, line, strlen(line), ';', scratch);
	assert_int_equal(feed_field(&ff, &f, &fn), 1);
	assert_int_equal(fn, 1);
	assert_memory_equal(f, "x", 1);
	assert_int_equal(feed_field(&ff, &f, &fn), 1);
	assert_int_equal(fn, 6);
	assert_memory_equal(f, "y;\"z\" ", 6);
	assert_int_equal(feed_field(&ff, &f, &fn), 1);
	assert_int_equal(fn, 0);
	assert_int_equal(feed_field(&ff, &f, &fn), 1);
	assert_int_equal(fn, 0);
	assert_int_equal(feed_field(&ff, &f, &fn), 0);
	assert_string_equal(feed_oneline(" a\r\n\tb  c\x01", 10, out,
	    sizeof(out)), "a b c");
	assert_string_equal(feed_oneline("abcdefghijklmnopq", 17, out,
	    sizeof(out)), "abcdefghijklmno");
	assert_int_equal(feed_has("xxNo DATAyy", 11, "no data"), 1);
	assert_int_equal(feed_has("No dat", 6, "no data"), 0);
	assert_int_equal(feed_code3("GBp", 3), 1);
	assert_int_equal(feed_code3("GB1", 3), 0);
}

/* ---- Yahoo ---- */

static void
yahoo_fixture(void **state)
{
	struct feed_result r;

	(void)state;
	assert_int_equal(runf(p_yahoo, "yahoo-chart.json", &r), 0);
	assert_int_equal(r.nquotes, 1);
	/* The quote's day is Frankfurt's (gmtoffset 7200); its previous
	 * close is the last close of a day before it. */
	assert_quote(&r.quotes[0], "MUV2.DE", "EUR", "608.8", "2025-04-24",
	    1745498404, "189.6");
	assert_int_equal(r.ncloses, 2);
	assert_close(&r.closes[0], "MUV2.DE", "2017-11-27", "188.55");
	assert_close(&r.closes[1], "MUV2.DE", "2017-11-28", "189.6");
	assert_string_equal(r.kind, "stock");
	assert_int_equal(r.rounded, 1);	/* 188.5500030517578 */
	feed_result_free(&r);
}

static void
yahoo_gbp_and_nulls(void **state)
{
	struct feed_result r;

	(void)state;
	assert_int_equal(runf(p_yahoo, "yahoo-chart-gbp.json", &r), 0);
	assert_int_equal(r.nquotes, 1);
	/* GBp kept as the source says; the null close of 2024-05-09 is
	 * skipped, so the previous close is 2024-05-08's. */
	assert_quote(&r.quotes[0], "VOD.L", "GBp", "72.9", "2024-05-10",
	    1715355310, "71.96");
	assert_int_equal(r.ncloses, 2);
	assert_close(&r.closes[0], "VOD.L", "2024-05-08", "71.96");
	assert_close(&r.closes[1], "VOD.L", "2024-05-10", "72.9");
	assert_string_equal(r.kind, "stock");
	feed_result_free(&r);
}

static void
yahoo_fx_days_by_offset(void **state)
{
	struct feed_result r;

	(void)state;
	/* Bars stamped 23:00 UTC are the next day in London (+3600). */
	assert_int_equal(runf(p_yahoo, "yahoo-chart-fx.json", &r), 0);
	assert_quote(&r.quotes[0], "EURUSD=X", "USD", "1.0773", "2024-05-10",
	    1715379600, "1.075");
	assert_int_equal(r.ncloses, 2);
	assert_close(&r.closes[0], "EURUSD=X", "2024-05-09", "1.075");
	assert_close(&r.closes[1], "EURUSD=X", "2024-05-10", "1.0773");
	assert_string_equal(r.kind, "cash");
	feed_result_free(&r);
}

static void
yahoo_errors(void **state)
{
	(void)state;
	assert_file_fails(p_yahoo, "yahoo-chart-notfound.json",
	    FEED_NOT_FOUND, "No data found, symbol may be delisted");
	assert_fails(p_yahoo, "{\"chart\":{\"result\":null,\"error\":{"
	    "\"code\":\"Bad Request\",\"description\":\"Invalid input - "
	    "interval=1x is not supported.\"}}}", FEED_REFUSED,
	    "Bad Request: Invalid input");
	assert_fails(p_yahoo, "{\"finance\":{\"result\":null,\"error\":{"
	    "\"code\":\"Unauthorized\",\"description\":\"Invalid Crumb\"}}}",
	    FEED_REFUSED, "Unauthorized: Invalid Crumb");
	assert_fails(p_yahoo, "Too Many Requests\r\n", FEED_RATE_LIMITED,
	    "Too Many Requests");
	assert_fails(p_yahoo, "{\"chart\":{\"result\":[],\"error\":null}}",
	    FEED_BAD, "without a result");
	assert_fails(p_yahoo, "{\"chart\":{}}", FEED_BAD, "without a result");
	assert_fails(p_yahoo, "[]", FEED_BAD, "not a chart");
	assert_fails(p_yahoo, "{\"quoteResponse\":{}}", FEED_BAD,
	    "not a chart");
	assert_fails(p_yahoo, "null", FEED_BAD, "not JSON");
	assert_fails(p_yahoo, "<html><body>Oops</body></html>", FEED_BAD,
	    "not JSON");
	assert_fails(p_yahoo, "{\"chart\":{\"result\":[{\"meta\":{}}]}}",
	    FEED_BAD, "meta.symbol");
	assert_fails(p_yahoo, "{\"chart\":{\"result\":[{}]}}", FEED_BAD,
	    "without meta");
	assert_fails(p_yahoo, "{\"chart\":{\"result\":[{\"meta\":{"
	    "\"symbol\":\"X\",\"gmtoffset\":999999,\"regularMarketPrice\":1,"
	    "\"regularMarketTime\":1715355310}}]}}", FEED_BAD, "gmtoffset");
	/* A chart with neither a price nor a close. */
	assert_fails(p_yahoo, "{\"chart\":{\"result\":[{\"meta\":{"
	    "\"symbol\":\"NEW\",\"currency\":\"USD\"},\"timestamp\":[],"
	    "\"indicators\":{\"quote\":[{}]}}],\"error\":null}}",
	    FEED_NOT_FOUND, "no price for NEW");
}

/* A one-result chart: meta fields, then the rest of the result. */
#define CHART(meta, rest) "{\"chart\":{\"result\":[{\"meta\":{" meta "}" \
	rest "}],\"error\":null}}"

static void
yahoo_price_hint(void **state)
{
	(void)state;
	/* Without priceHint: 4 decimals. */
	assert_int_equal(one_price(p_yahoo, CHART("\"symbol\":\"A\","
	    "\"regularMarketPrice\":12.345678,\"regularMarketTime\":"
	    "1715355310", ""), "12.3457"), 1);
	assert_int_equal(one_price(p_yahoo, CHART("\"symbol\":\"A\","
	    "\"regularMarketPrice\":12.5,\"regularMarketTime\":1715355310",
	    ""), "12.5"), 0);
	/* Clamped to 0..12. */
	one_price(p_yahoo, CHART("\"symbol\":\"A\",\"priceHint\":99,"
	    "\"regularMarketPrice\":1.2345678901234567,"
	    "\"regularMarketTime\":1715355310", ""), "1.234567890123");
	one_price(p_yahoo, CHART("\"symbol\":\"A\",\"priceHint\":-3,"
	    "\"regularMarketPrice\":12.5,\"regularMarketTime\":1715355310",
	    ""), "12");
	/* A priceHint that is not an integer is ignored. */
	one_price(p_yahoo, CHART("\"symbol\":\"A\",\"priceHint\":\"2\","
	    "\"regularMarketPrice\":0.123456,\"regularMarketTime\":"
	    "1715355310", ""), "0.1235");
	/* Integers and exponents. */
	one_price(p_yahoo, CHART("\"symbol\":\"A\",\"priceHint\":8,"
	    "\"regularMarketPrice\":2.5e-05,\"regularMarketTime\":"
	    "1715355310", ""), "0.000025");
	one_price(p_yahoo, CHART("\"symbol\":\"A\",\"regularMarketPrice\":"
	    "42,\"regularMarketTime\":1715355310", ""), "42");
}

static void
yahoo_quote_fallbacks(void **state)
{
	struct feed_result r;

	(void)state;
	/* No regularMarketPrice: the last close that is not null, as of
	 * 00:00 UTC of its day; the close before it is the previous. */
	assert_int_equal(runs(p_yahoo, CHART("\"symbol\":\"F\","
	    "\"currency\":\"EUR\",\"gmtoffset\":3600,"
	    "\"chartPreviousClose\":9.75",
	    ",\"timestamp\":[1715151600,1715238000,1715324400],"
	    "\"indicators\":{\"quote\":[{\"close\":[10.5,11.25,null]}]}"),
	    &r), 0);
	assert_quote(&r.quotes[0], "F", "EUR", "11.25", "2024-05-09",
	    1715212800, "10.5");
	assert_int_equal(r.ncloses, 2);
	feed_result_free(&r);
	/* Only one close, of the quote's day: chartPreviousClose. */
	assert_int_equal(runs(p_yahoo, CHART("\"symbol\":\"F\","
	    "\"chartPreviousClose\":9.75,\"regularMarketPrice\":10.5,"
	    "\"regularMarketTime\":1715355310",
	    ",\"timestamp\":[1715324400],"
	    "\"indicators\":{\"quote\":[{\"close\":[10.5]}]}"), &r), 0);
	assert_quote(&r.quotes[0], "F", "", "10.5", "2024-05-10",
	    1715355310, "9.75");
	feed_result_free(&r);
	/* Neither: no previous close. */
	assert_int_equal(runs(p_yahoo, CHART("\"symbol\":\"F\","
	    "\"currency\":null,\"regularMarketPrice\":10.5,"
	    "\"regularMarketTime\":1715355310", ""), &r), 0);
	assert_quote(&r.quotes[0], "F", "", "10.5", "2024-05-10",
	    1715355310, NULL);
	assert_int_equal(r.ncloses, 0);
	assert_string_equal(r.kind, "");
	feed_result_free(&r);
}

static void
yahoo_days_and_closes(void **state)
{
	struct feed_result r;

	(void)state;
	/* New York (-14400): 01:00 UTC on the 11th is still the 10th. */
	assert_int_equal(runs(p_yahoo, CHART("\"symbol\":\"SPY\","
	    "\"currency\":\"USD\",\"instrumentType\":\"ETF\","
	    "\"gmtoffset\":-14400,\"regularMarketPrice\":520.84,"
	    "\"regularMarketTime\":1715389200",
	    ",\"timestamp\":[1715261400,1715347800,1715350000,1715175000,"
	    "99999999999999999999,\"x\",1715400000],"
	    "\"indicators\":{\"quote\":[{\"close\":[518.0,519.5,520.84,1,2,3,"
	    "\"4\"]}]}"), &r), 0);
	assert_quote(&r.quotes[0], "SPY", "USD", "520.84", "2024-05-10",
	    1715389200, "518");
	/* Two bars of the 10th: the later one replaces the earlier; a bar
	 * of an earlier day after them and bad timestamps are dropped.  A
	 * close given as a numeric string is read. */
	assert_int_equal(r.ncloses, 3);
	assert_close(&r.closes[0], "SPY", "2024-05-09", "518");
	assert_close(&r.closes[1], "SPY", "2024-05-10", "520.84");
	assert_close(&r.closes[2], "SPY", "2024-05-11", "4");
	assert_string_equal(r.kind, "etf");
	feed_result_free(&r);
	/* Kinds. */
	assert_int_equal(runs(p_yahoo, CHART("\"symbol\":\"VFIAX\","
	    "\"instrumentType\":\"MUTUALFUND\",\"regularMarketPrice\":1,"
	    "\"regularMarketTime\":1715355310", ""), &r), 0);
	assert_string_equal(r.kind, "fund");
	feed_result_free(&r);
	assert_int_equal(runs(p_yahoo, CHART("\"symbol\":\"BTC-USD\","
	    "\"instrumentType\":\"CRYPTOCURRENCY\",\"regularMarketPrice\":1,"
	    "\"regularMarketTime\":1715355310", ""), &r), 0);
	assert_string_equal(r.kind, "crypto");
	feed_result_free(&r);
	assert_int_equal(runs(p_yahoo, CHART("\"symbol\":\"^GSPC\","
	    "\"instrumentType\":\"INDEX\",\"regularMarketPrice\":1,"
	    "\"regularMarketTime\":1715355310", ""), &r), 0);
	assert_string_equal(r.kind, "other");
	feed_result_free(&r);
	/* A currency that is not three letters is not kept. */
	assert_int_equal(runs(p_yahoo, CHART("\"symbol\":\"X\","
	    "\"currency\":\"EURO\",\"regularMarketPrice\":1,"
	    "\"regularMarketTime\":1715355310", ""), &r), 0);
	assert_string_equal(r.quotes[0].currency, "");
	feed_result_free(&r);
}

/* ---- Stooq ---- */

static void
stooq_fixture(void **state)
{
	struct feed_result r;

	(void)state;
	assert_int_equal(runf(p_stooq, "stooq-aapl.us.csv", &r), 0);
	assert_int_equal(r.nquotes, 1);
	assert_quote(&r.quotes[0], "aapl.us", "", "155", "2023-03-17",
	    1679011200, "155.85");
	assert_int_equal(r.ncloses, 3);
	assert_close(&r.closes[0], "aapl.us", "2023-03-15", "152.99");
	assert_close(&r.closes[1], "aapl.us", "2023-03-16", "155.85");
	assert_close(&r.closes[2], "aapl.us", "2023-03-17", "155");
	assert_int_equal(r.rounded, 0);
	feed_result_free(&r);
}

static void
stooq_line_ends_and_columns(void **state)
{
	struct feed_result r;
	char *s;
	size_t len, o = 0;

	(void)state;
	/* LF instead of CRLF. */
	s = slurp("stooq-aapl.us.csv", &len);
	for (size_t i = 0; i < len; i++)
		if (s[i] != '\r')
			s[o++] = s[i];
	assert_int_equal(run(p_stooq, s, o, &r), 0);
	assert_quote(&r.quotes[0], "aapl.us", "", "155", "2023-03-17",
	    1679011200, "155.85");
	assert_int_equal(r.ncloses, 3);
	feed_result_free(&r);
	free(s);
	/* FX: no Volume column. */
	assert_int_equal(runf(p_stooq, "stooq-eurusd.csv", &r), 0);
	assert_quote(&r.quotes[0], "aapl.us", "", "1.07705", "2024-05-10",
	    1715299200, "1.07823");
	assert_int_equal(r.ncloses, 3);
	feed_result_free(&r);
	/* Columns found by name, in any order; no final line end. */
	assert_int_equal(runs(p_stooq, "Close,Volume,Date\n10.5,1,2024-05-09\n"
	    "11,2,2024-05-10", &r), 0);
	assert_quote(&r.quotes[0], "aapl.us", "", "11", "2024-05-10",
	    1715299200, "10.5");
	feed_result_free(&r);
	/* Rows without a number in Close, or a date, or after a later
	 * date, are skipped; one row gives no previous close. */
	assert_int_equal(runs(p_stooq, "Date,Open,High,Low,Close\r\n"
	    "2024-01-02,1,1,1,N/A\r\n\r\n2024-01-03,1,1,1,2.5\r\n"
	    "2024-01-04,1,1,1,\r\n2024-02-30,1,1,1,3\r\n"
	    "2024-01-01,1,1,1,4\r\n2024-01-05\r\n", &r), 0);
	assert_int_equal(r.ncloses, 1);
	assert_quote(&r.quotes[0], "aapl.us", "", "2.5", "2024-01-03",
	    1704240000, NULL);
	feed_result_free(&r);
}

static void
stooq_not_csv(void **state)
{
	(void)state;
	assert_file_fails(p_stooq, "stooq-nodata.txt", FEED_NOT_FOUND,
	    "No data");
	assert_fails(p_stooq, "No data\r\n", FEED_NOT_FOUND, "No data");
	assert_file_fails(p_stooq, "stooq-html.html", FEED_BAD,
	    "not CSV: an HTML page");
	assert_fails(p_stooq, "\n  <p>Date,Close</p>", FEED_BAD,
	    "an HTML page");
	assert_file_fails(p_stooq, "stooq-apikey.txt", FEED_REFUSED,
	    "Get your apikey: 1. Open https://stooq.com/");
	assert_fails(p_stooq, "<html><body>Enter your API key</body></html>",
	    FEED_REFUSED, "API key");
	assert_fails(p_stooq, "Exceeded the daily hits limit",
	    FEED_RATE_LIMITED, "Exceeded the daily hits limit");
	assert_fails(p_stooq, "Date,Open,High,Low,Close,Volume\r\n",
	    FEED_BAD, "no row");
	assert_fails(p_stooq, "Date,Open,High,Low,Close\n2024-01-02,1,1,1,x\n",
	    FEED_BAD, "no row");
	assert_fails(p_stooq, "Date,Open,High,Low\n2024-01-02,1,1,1\n",
	    FEED_BAD, "not CSV");
	assert_fails(p_stooq, "", FEED_BAD, "empty");
	assert_fails(p_stooq, " \r\n \r\n", FEED_BAD, "empty");
}

/* ---- AMFI ---- */

static void
amfi_fixture(void **state)
{
	struct feed_result r;

	(void)state;
	assert_int_equal(runf(p_amfi, "amfi-NAVAll.txt", &r), 0);
	assert_int_equal(r.nquotes, 2);
	/* The second scheme has "-" for an ISIN. */
	assert_quote(&r.quotes[0], "119551", "INR", "107.0688", "2025-05-16",
	    1747353600, NULL);
	assert_quote(&r.quotes[1], "119552", "INR", "118.209", "2025-05-16",
	    1747353600, NULL);
	assert_int_equal(r.ncloses, 0);
	/* Each scheme is named as AMFI names it. */
	assert_string_equal(r.quotes[0].name, "Aditya Birla Sun Life Banking "
	    "& PSU Debt Fund  - DIRECT - IDCW");
	feed_result_free(&r);
}

/* ---- Names a source gives ---- */

static void
source_names(void **state)
{
	static const char head[] = "{\"chart\":{\"result\":[{\"meta\":{"
	    "\"currency\":\"USD\",\"symbol\":\"AAPL\",\"regularMarketTime\":"
	    "1745498404,\"regularMarketPrice\":190.5,\"gmtoffset\":0,";
	static const char tail[] = "},\"timestamp\":[],\"indicators\":{"
	    "\"quote\":[{\"close\":[]}]}}],\"error\":null}}";
	struct feed_result r;
	char body[1024], name[FEED_NAME_MAX];
	char big[300];

	(void)state;
	/* longName first, else shortName. */
	snprintf(body, sizeof(body), "%s\"longName\":\"  Apple Inc. \","
	    "\"shortName\":\"Apple\"%s", head, tail);
	assert_int_equal(runs(p_yahoo, body, &r), 0);
	assert_string_equal(r.quotes[0].name, "Apple Inc.");
	feed_result_free(&r);
	snprintf(body, sizeof(body), "%s\"shortName\":\"Apple\"%s", head,
	    tail);
	assert_int_equal(runs(p_yahoo, body, &r), 0);
	assert_string_equal(r.quotes[0].name, "Apple");
	feed_result_free(&r);
	/* A name with a control, direction or invisible character is no
	 * name: the next one is taken, or none. */
	snprintf(body, sizeof(body), "%s\"longName\":\"Apple\\u202eInc\","
	    "\"shortName\":\"Apple\\u200bX\"%s", head, tail);
	assert_int_equal(runs(p_yahoo, body, &r), 0);
	assert_string_equal(r.quotes[0].name, "");
	feed_result_free(&r);
	feed_set_name(name, "Caf\xc3\xa9 Fund", 10);
	assert_string_equal(name, "Caf\xc3\xa9 Fund");
	feed_set_name(name, "bad \xc3 utf", 9);
	assert_string_equal(name, "");
	memset(big, 'x', sizeof(big));
	feed_set_name(name, big, sizeof(big));
	assert_string_equal(name, "");
	feed_set_name(name, "  ", 2);
	assert_string_equal(name, "");
}

static void
amfi_history_report(void **state)
{
	struct feed_result r;

	(void)state;
	/* The report's layout: only the schemes asked for, as closes, in
	 * the order given; N.A. skipped. */
	assert_int_equal(runs(p_amfi_history, "Scheme Code;Scheme Name;ISIN "
	    "Div Payout/ISIN Growth;ISIN Div Reinvestment;Net Asset Value;"
	    "Repurchase Price;Sale Price;Date\r\n\r\n"
	    "Open Ended Schemes ( Debt Scheme - Banking and PSU Fund )\r\n"
	    "\r\nAditya Birla Sun Life Mutual Fund\r\n\r\n"
	    "119551;Aditya Birla Sun Life Banking & PSU Debt Fund - Direct - "
	    "IDCW;INF209KA12Z1;INF209KA13Z9;107.0688;;;02-Jan-2024\r\n"
	    "119552;Another;INF209KA14Z7;;55.1;;;02-Jan-2024\r\n"
	    "119551;Aditya Birla Sun Life Banking & PSU Debt Fund - Direct - "
	    "IDCW;INF209KA12Z1;INF209KA13Z9;N.A.;;;03-Jan-2024\r\n"
	    "119551;Aditya Birla Sun Life Banking & PSU Debt Fund - Direct - "
	    "IDCW;INF209KA12Z1;INF209KA13Z9;107.1;;;04-Jan-2024\r\n", &r), 0);
	assert_int_equal(r.nquotes, 0);
	assert_int_equal(r.ncloses, 2);
	assert_string_equal(r.closes[0].symbol, "119551");
	assert_string_equal(r.closes[0].day, "2024-01-02");
	assert_string_equal(F(r.closes[0].close), "107.0688");
	assert_string_equal(r.closes[1].day, "2024-01-04");
	feed_result_free(&r);
	assert_fails(p_amfi_history, "<html><body>No data</body></html>",
	    FEED_BAD, "no header");
}

static void
amfi_layouts(void **state)
{
	struct feed_result r;

	(void)state;
	/* Date before the NAV; N.A. and "-" NAVs skipped; months in any
	 * case. */
	assert_int_equal(runf(p_amfi, "amfi-reordered.txt", &r), 0);
	assert_int_equal(r.nquotes, 2);
	assert_quote(&r.quotes[0], "100032", "INR", "1102.418", "2025-05-16",
	    1747353600, NULL);
	assert_quote(&r.quotes[1], "100035", "INR", "12.5", "2025-05-15",
	    1747267200, NULL);
	feed_result_free(&r);
	/* A header seen again later maps the columns anew; LF only; short
	 * lines, bad codes and dates that do not exist are skipped. */
	assert_int_equal(runs(p_amfi, "Scheme Code;Scheme Name;"
	    "Net Asset Value;Date\n \t\n1;A;10.5;01-Jan-2024\n2;B;11\n"
	    "X3;C;1;01-Jan-2024\n4;D;1;31-Feb-2024\n5;E;1;1-Jan-2024\n"
	    "Interval Fund Schemes(Income)\n"
	    "Date;Net Asset Value (Rs.);Scheme Code\n"
	    "02-Jan-2024;20.25;6\n", &r), 0);
	assert_int_equal(r.nquotes, 2);
	assert_quote(&r.quotes[0], "1", "INR", "10.5", "2024-01-01",
	    1704067200, NULL);
	assert_quote(&r.quotes[1], "6", "INR", "20.25", "2024-01-02",
	    1704153600, NULL);
	feed_result_free(&r);
	/* A header without data is fine; no header is not. */
	assert_int_equal(runs(p_amfi, "Scheme Code;Scheme Name;Net Asset "
	    "Value;Date\r\n", &r), 0);
	assert_int_equal(r.nquotes, 0);
	feed_result_free(&r);
	assert_fails(p_amfi, "119551;X;-;-;Fund;107.0688;16-May-2025\r\n",
	    FEED_BAD, "no header");
	assert_fails(p_amfi, "Scheme Code;Scheme Name;Net Asset Value\r\n"
	    "1;A;10.5\r\n", FEED_BAD, "no header");
	assert_fails(p_amfi, "<html><body>Scheme Code</body></html>",
	    FEED_BAD, "no header");
	assert_fails(p_amfi, "", FEED_BAD, "no header");
}

/* ---- CoinGecko ---- */

static void
coingecko_fixture(void **state)
{
	struct feed_result r;

	(void)state;
	assert_int_equal(runf(p_coingecko, "coingecko-simple-price.json", &r),
	    0);
	assert_int_equal(r.nquotes, 2);
	assert_quote(&r.quotes[0], "bitcoin", "USD", "83749", "2026-10-07",
	    1791367550, NULL);
	assert_quote(&r.quotes[1], "bitcoin", "EUR", "74795", "2026-10-07",
	    1791367550, NULL);
	assert_int_equal(r.rounded, 0);
	feed_result_free(&r);
	/* Market caps, volumes and changes are not prices; exponents. */
	assert_int_equal(runf(p_coingecko, "coingecko-multi.json", &r), 0);
	assert_int_equal(r.nquotes, 2);
	assert_quote(&r.quotes[0], "ethereum", "USD", "3036.52", "2024-05-10",
	    1715356800, NULL);
	assert_quote(&r.quotes[1], "shiba-inu", "USD", "0.00002335",
	    "2024-05-10", 1715356790, NULL);
	feed_result_free(&r);
}

static void
coingecko_quirks(void **state)
{
	struct feed_result r;

	(void)state;
	/* An unknown id is absent. */
	assert_int_equal(runs(p_coingecko, "{}", &r), 0);
	assert_int_equal(r.nquotes, 0);
	feed_result_free(&r);
	/* No last_updated_at: now; 12 places, rounded; not prices: keys
	 * that are not three letters, nulls, numbers json-c clamps. */
	assert_int_equal(runs(p_coingecko, "{\"x\":{\"usd\":"
	    "1.23456789012345678,\"usdt\":1,\"eur\":null,\"gbp\":"
	    "99999999999999999999,\"jpy\":1e-15,\"chf\":-0.5,\"u1d\":3},"
	    "\"y\":[1],\"z\":{\"btc\":1.5e-05}}", &r), 0);
	assert_int_equal(r.nquotes, 4);
	assert_quote(&r.quotes[0], "x", "USD", "1.234567890123", "2024-05-10",
	    NOW, NULL);
	assert_quote(&r.quotes[1], "x", "JPY", "0", "2024-05-10", NOW, NULL);
	assert_quote(&r.quotes[2], "x", "CHF", "-0.5", "2024-05-10", NOW,
	    NULL);
	assert_quote(&r.quotes[3], "z", "BTC", "0.000015", "2024-05-10", NOW,
	    NULL);
	assert_int_equal(r.rounded, 1);
	feed_result_free(&r);
	assert_int_equal(one_price(p_coingecko, "{\"a\":{\"usd\":0.5}}",
	    "0.5"), 0);
}

static void
coingecko_errors(void **state)
{
	(void)state;
	assert_file_fails(p_coingecko, "coingecko-ratelimit.json",
	    FEED_RATE_LIMITED, "You've exceeded the Rate Limit.");
	assert_fails(p_coingecko, "{\"status\":{\"error_code\":10002,"
	    "\"error_message\":\"API Key Missing\"}}", FEED_REFUSED,
	    "error 10002: API Key Missing");
	assert_fails(p_coingecko, "{\"error\":\"invalid vs_currency\"}",
	    FEED_REFUSED, "invalid vs_currency");
	assert_fails(p_coingecko, "[]", FEED_BAD, "not an object");
	assert_fails(p_coingecko, "{\"bitcoin\":{\"usd\":1}", FEED_BAD,
	    "not JSON");
	assert_fails(p_coingecko, "{\"bitcoin\":{\"usd\":1}} {}", FEED_BAD,
	    "not JSON");
	assert_fails(p_coingecko, "error code: 1015", FEED_BAD, "not JSON");
}

/* ---- Alpha Vantage ---- */

static void
alphavantage_fixtures(void **state)
{
	struct feed_result r;

	(void)state;
	assert_int_equal(runf(p_alphavantage, "alphavantage-global-quote.json",
	    &r), 0);
	assert_int_equal(r.nquotes, 1);
	assert_quote(&r.quotes[0], "IBM", "", "167.15", "2024-05-10",
	    1715299200, "167.3");
	assert_int_equal(r.ncloses, 0);
	feed_result_free(&r);
	assert_file_fails(p_alphavantage, "alphavantage-empty.json",
	    FEED_NOT_FOUND, "empty Global Quote");
	assert_file_fails(p_alphavantage, "alphavantage-note.json",
	    FEED_RATE_LIMITED, "standard API call frequency is 5 calls");
	assert_file_fails(p_alphavantage, "alphavantage-information.json",
	    FEED_RATE_LIMITED, "standard API rate limit is 25 requests");
	assert_file_fails(p_alphavantage, "alphavantage-error.json",
	    FEED_REFUSED, "Invalid API call.");
}

static void
alphavantage_quirks(void **state)
{
	struct feed_result r;

	(void)state;
	/* No previous close is fine; numbers as JSON numbers too. */
	assert_int_equal(runs(p_alphavantage, "{\"Global Quote\":{"
	    "\"01. symbol\":\"TSCO.LON\",\"05. price\":287.1,"
	    "\"07. latest trading day\":\"2024-05-10\"}}", &r), 0);
	assert_quote(&r.quotes[0], "TSCO.LON", "", "287.1", "2024-05-10",
	    1715299200, NULL);
	feed_result_free(&r);
	assert_fails(p_alphavantage, "{\"Global Quote\":{\"01. symbol\":"
	    "\"IBM\",\"07. latest trading day\":\"2024-05-10\"}}", FEED_BAD,
	    "05. price");
	assert_fails(p_alphavantage, "{\"Global Quote\":{\"01. symbol\":"
	    "\"IBM\",\"05. price\":\"n/a\",\"07. latest trading day\":"
	    "\"2024-05-10\"}}", FEED_BAD, "05. price");
	assert_fails(p_alphavantage, "{\"Global Quote\":{\"01. symbol\":"
	    "\"IBM\",\"05. price\":\"1\",\"07. latest trading day\":"
	    "\"10/05/2024\"}}", FEED_BAD, "07. latest trading day");
	assert_fails(p_alphavantage, "{\"Global Quote\":{\"05. price\":"
	    "\"1\"}}", FEED_BAD, "01. symbol");
	assert_fails(p_alphavantage, "{}", FEED_BAD, "no Global Quote");
	assert_fails(p_alphavantage, "{\"Global Quote\":[]}", FEED_BAD,
	    "no Global Quote");
}

/* ---- url ---- */

static void
url_json(void **state)
{
	static const char *const paths[] = { "data.quote.0.last",
	    "$.data.quote[0].last", "$.data.quote.0.last",
	    "data.quote[0].last" };
	struct feed_result r;
	size_t len;
	char *s = slurp("url-quote.json", &len);

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_int_equal(feed_url_parse(s, len, paths[i], "XYZ", NOW,
		    (feed_result_init(&r), &r)), 0);
		check_result(0, &r);
		assert_int_equal(r.nquotes, 1);
		assert_quote(&r.quotes[0], "XYZ", "", "101.25", "2024-05-10",
		    NOW, NULL);
		feed_result_free(&r);
	}
	/* A JSON number. */
	feed_result_init(&r);
	assert_int_equal(feed_url_parse(s, len, "data.quote[0].bid", "XYZ",
	    NOW, &r), 0);
	assert_string_equal(F(r.quotes[0].price), "101.2");
	feed_result_free(&r);
	/* Missing fields are named; other values are not numbers. */
	feed_result_init(&r);
	assert_int_equal(feed_url_parse(s, len, "data.quote.1.last", "XYZ",
	    NOW, &r), -1);
	assert_int_equal(r.status, FEED_BAD);
	assert_non_null(strstr(r.error, "data.quote.1.last"));
	feed_result_free(&r);
	feed_result_init(&r);
	assert_int_equal(feed_url_parse(s, len, "data.symbol", "XYZ", NOW,
	    &r), -1);
	assert_non_null(strstr(r.error, "data.symbol is not a number"));
	feed_result_free(&r);
	feed_result_init(&r);
	assert_int_equal(feed_url_parse(s, len, "", "XYZ", NOW, &r), -1);
	assert_int_equal(r.status, FEED_BAD);
	feed_result_free(&r);
	free(s);
}

/* url on body with field: the price, or "ERR". */
static const char *
url_price(const char *body, const char *field)
{
	static char buf[DEC_BUFSZ];
	struct feed_result r;
	int rc;

	feed_result_init(&r);
	rc = feed_url_parse(body, strlen(body), field, "S", NOW, &r);
	check_result(rc, &r);
	strcpy(buf, rc == 0 ? F(r.quotes[0].price) : "ERR");
	feed_result_free(&r);
	return buf;
}

static void
url_paths(void **state)
{
	(void)state;
	assert_string_equal(url_price("[{\"p\":5}]", "0.p"), "5");
	assert_string_equal(url_price("[{\"p\":5}]", "[0].p"), "5");
	assert_string_equal(url_price("[{\"p\":5}]", "$[0].p"), "5");
	assert_string_equal(url_price("[[1,[2,3]]]", "[0][1][1]"), "3");
	assert_string_equal(url_price("{\"0\":{\"v\":\" 7.5 \"}}", "0.v"),
	    "7.5");
	assert_string_equal(url_price("{\"a\":{\"b\":1}}", "a.b.c"), "ERR");
	assert_string_equal(url_price("{\"a\":[1]}", "a.1"), "ERR");
	assert_string_equal(url_price("{\"a\":[1]}", "a.-1"), "ERR");
	assert_string_equal(url_price("{\"a\":[1]}", "a[x]"), "ERR");
	assert_string_equal(url_price("{\"a\":[1]}", "a[0"), "ERR");
	assert_string_equal(url_price("{\"a\":[1]}",
	    "a.99999999999999999999999"), "ERR");
	assert_string_equal(url_price("{\"a\":true}", "a"), "ERR");
	assert_string_equal(url_price("{\"a\":null}", "a"), "ERR");
	assert_string_equal(url_price("{\"a\":1e999}", "a"), "ERR");
	assert_string_equal(url_price("{\"a\":1}x", "a"), "ERR");
}

static void
url_csv(void **state)
{
	struct feed_result r;
	size_t len;
	char *s = slurp("url-quote.csv", &len);

	(void)state;
	/* Semicolons, quoted fields with "" escapes, a last row without a
	 * number. */
	feed_result_init(&r);
	assert_int_equal(feed_url_parse(s, len, "Close", "XYZ", NOW, &r), 0);
	check_result(0, &r);
	assert_quote(&r.quotes[0], "XYZ", "", "101.25", "2024-05-10", NOW,
	    NULL);
	feed_result_free(&r);
	feed_result_init(&r);
	assert_int_equal(feed_url_parse(s, len, "volume", "XYZ", NOW, &r), 0);
	assert_string_equal(F(r.quotes[0].price), "900");
	feed_result_free(&r);
	feed_result_init(&r);
	assert_int_equal(feed_url_parse(s, len, "Price", "XYZ", NOW, &r), -1);
	assert_int_equal(r.status, FEED_BAD);
	assert_non_null(strstr(r.error, "no column Price"));
	feed_result_free(&r);
	feed_result_init(&r);
	assert_int_equal(feed_url_parse(s, len, "Name", "XYZ", NOW, &r), -1);
	assert_non_null(strstr(r.error, "no number in column Name"));
	feed_result_free(&r);
	free(s);
	/* Commas, LF, a BOM, spaces. */
	assert_string_equal(url_price("\xef\xbb\xbf" "date,nav\n2024-05-09,"
	    "10.5\n2024-05-10, 10.75 \n\n", "nav"), "10.75");
	assert_string_equal(url_price("a,\"b,c\",d\n1,2,3\n", "d"), "3");
	assert_string_equal(url_price("a,\"b,c\",d\n1,2,3\n", "b,c"), "2");
	assert_string_equal(url_price("a;b\n1;\"unterminated\n", "b"), "ERR");
	assert_string_equal(url_price("<!DOCTYPE html><html></html>", "a"),
	    "ERR");
	assert_string_equal(url_price("", "a"), "ERR");
	assert_string_equal(url_price("a\n", "a"), "ERR");
}

/* ---- ECB ---- */

static void
ecb_daily(void **state)
{
	struct feed_result r;

	(void)state;
	assert_int_equal(runf(p_ecb, "ecb-eurofxref-daily.xml", &r), 0);
	assert_int_equal(r.nquotes, 3);
	assert_quote(&r.quotes[0], "USD", "EUR", "1.1252", "2025-05-09",
	    1746748800, NULL);
	assert_quote(&r.quotes[1], "GBP", "EUR", "0.8477", "2025-05-09",
	    1746748800, NULL);
	assert_quote(&r.quotes[2], "HUF", "EUR", "404.9", "2025-05-09",
	    1746748800, NULL);
	assert_int_equal(r.ncloses, 3);
	assert_close(&r.closes[0], "USD", "2025-05-09", "1.1252");
	assert_close(&r.closes[2], "HUF", "2025-05-09", "404.9");
	feed_result_free(&r);
}

static void
ecb_history(void **state)
{
	struct feed_result r;

	(void)state;
	/* Newest day first, as the history files have it. */
	assert_int_equal(runf(p_ecb, "ecb-hist.xml", &r), 0);
	assert_int_equal(r.nquotes, 3);
	assert_quote(&r.quotes[0], "USD", "EUR", "1.1252", "2025-05-09",
	    1746748800, "1.1297");
	assert_quote(&r.quotes[1], "JPY", "EUR", "163.63", "2025-05-09",
	    1746748800, "163.09");
	assert_quote(&r.quotes[2], "GBP", "EUR", "0.8477", "2025-05-09",
	    1746748800, "0.85115");
	assert_int_equal(r.ncloses, 6);
	assert_close(&r.closes[0], "USD", "2025-05-08", "1.1297");
	assert_close(&r.closes[1], "JPY", "2025-05-08", "163.09");
	assert_close(&r.closes[2], "GBP", "2025-05-08", "0.85115");
	assert_close(&r.closes[3], "USD", "2025-05-09", "1.1252");
	assert_close(&r.closes[5], "GBP", "2025-05-09", "0.8477");
	feed_result_free(&r);
	/* Rates outside a day, of a bad day, or not usable are skipped. */
	assert_int_equal(runs(p_ecb, "<Cube><Cube currency='USD' rate='2'/>"
	    "<Cube time='2025-02-30'><Cube currency='USD' rate='3'/></Cube>"
	    "<Cube time='2025-05-07'><Cube currency='usd' rate='4'/>"
	    "<Cube currency='CHF' rate='abc'/><Cube currency='EURO' rate='1'/>"
	    "<Cube currency='CHF' rate='0.9361'/></Cube>"
	    "<Cube currency='GBP' rate='5'/></Cube>", &r), 0);
	assert_int_equal(r.nquotes, 1);
	assert_quote(&r.quotes[0], "CHF", "EUR", "0.9361", "2025-05-07",
	    1746576000, NULL);
	feed_result_free(&r);
}

static void
ecb_bad(void **state)
{
	(void)state;
	assert_fails(p_ecb, "<Cube><Cube time='2025-05-09'><Cube currency="
	    "'USD' rate='1.1252'/>", FEED_BAD, "ECB: XML: ");
	assert_fails(p_ecb, "<a><b></a>", FEED_BAD, "mismatched tag");
	assert_fails(p_ecb, "<a/>", FEED_BAD, "no Cube rates");
	assert_fails(p_ecb, "{\"rates\":{}}", FEED_BAD, "XML");
	assert_fails(p_ecb, "", FEED_BAD, "XML");
	assert_fails(p_ecb, "<?xml version='1.0'?>\n<!DOCTYPE lolz [\n"
	    "<!ENTITY lol 'lol'>\n<!ENTITY lol2 '&lol;&lol;&lol;&lol;'>\n]>\n"
	    "<Cube><Cube time='2025-05-09'><Cube currency='USD' "
	    "rate='&lol2;'/></Cube></Cube>", FEED_BAD,
	    "document type declaration");
}

/* ---- hostile input, every parser ---- */

/* A deterministic pseudo-random sequence (xorshift64). */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
hostile_truncated(void **state)
{
	(void)state;
	for (size_t f = 0; f < NFIXTURES; f++) {
		size_t len, stride;
		char *s = slurp(fixtures[f].file, &len);

		stride = len <= 4096 ? 1 : len / 4096;
		for (size_t n = 0; n <= len; n += stride)
			survive(fixtures[f].parse, s, n);
		/* And every fixture with every parser. */
		for (size_t p = 0; p < NPARSERS; p++)
			survive(parsers[p].parse, s, len);
		free(s);
	}
}

static void
hostile_nul_bytes(void **state)
{
	(void)state;
	for (size_t f = 0; f < NFIXTURES; f++) {
		size_t len;
		char *s = slurp(fixtures[f].file, &len);

		for (size_t i = 0; i < len; i += 7) {
			struct feed_result r;
			char c = s[i];

			s[i] = '\0';
			assert_int_equal(run(fixtures[f].parse, s, len, &r),
			    -1);
			assert_int_equal(r.status, FEED_BAD);
			feed_result_free(&r);
			s[i] = c;
		}
		free(s);
	}
}

static void
hostile_random(void **state)
{
	static const char noise[] = "0123456789.,;-:{}[]\"<>/= \r\neE"
	    "Cube'time'rate'abDNACodeSchme";
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	char buf[2048];

	(void)state;
	for (size_t p = 0; p < NPARSERS; p++) {
		survive(parsers[p].parse, "", 0);
		for (int k = 0; k < 300; k++) {
			size_t n = rnd(&seed) % sizeof(buf);

			for (size_t i = 0; i < n; i++)
				buf[i] = (char)rnd(&seed);
			survive(parsers[p].parse, buf, n);
			/* Printable noise gets further into the parsers. */
			for (size_t i = 0; i < n; i++)
				buf[i] = noise[rnd(&seed) %
				    (sizeof(noise) - 1)];
			survive(parsers[p].parse, buf, n);
		}
	}
	/* Fixtures with a few bytes changed. */
	for (size_t f = 0; f < NFIXTURES; f++) {
		size_t len;
		char *s = slurp(fixtures[f].file, &len);
		char *m = malloc(len);

		assert_non_null(m);
		for (int k = 0; k < 300; k++) {
			memcpy(m, s, len);
			for (int j = 0; j < 1 + k % 4; j++)
				m[rnd(&seed) % len] = (char)rnd(&seed);
			survive(fixtures[f].parse, m, len);
		}
		free(m);
		free(s);
	}
}

/* n copies of s, then tail, in a malloc'd string. */
static char *
repeat(const char *s, size_t n, const char *tail)
{
	size_t len = strlen(s);
	char *out = malloc(len * n + strlen(tail) + 1);

	assert_non_null(out);
	for (size_t i = 0; i < n; i++)
		memcpy(out + i * len, s, len);
	strcpy(out + len * n, tail);
	return out;
}

static void
hostile_deep_and_long(void **state)
{
	char *deep[4], *s;

	(void)state;
	deep[0] = repeat("[", 100000, "");
	deep[1] = repeat("{\"chart\":", 5000, "1");
	deep[2] = repeat("<Cube>", 100000, "");
	deep[3] = repeat("<Cube time='2025-05-09'>", 20000,
	    "<Cube currency='USD' rate='1'/>");
	for (size_t i = 0; i < 4; i++) {
		for (size_t p = 0; p < NPARSERS; p++)
			survive(parsers[p].parse, deep[i], strlen(deep[i]));
		free(deep[i]);
	}
	assert_fails(p_yahoo, s = repeat("[", 1000, ""), FEED_BAD,
	    "not JSON");
	free(s);
	/* Very long lines. */
	s = repeat("A", 1 << 20, "");
	for (size_t p = 0; p < NPARSERS; p++)
		survive(parsers[p].parse, s, strlen(s));
	free(s);
	s = repeat("1,", 1 << 18, "\n");
	for (size_t p = 0; p < NPARSERS; p++)
		survive(parsers[p].parse, s, strlen(s));
	free(s);
	s = repeat(";", 1 << 18, "Scheme Code;Net Asset Value;Date\n");
	survive(p_amfi, s, strlen(s));
	free(s);
	s = repeat("9", 100000, "");
	for (size_t p = 0; p < NPARSERS; p++)
		survive(parsers[p].parse, s, strlen(s));
	free(s);
	/* A long Stooq history and AMFI file still parse whole. */
	{
		struct feed_result r;
		char *body = malloc(64 * 20000 + 64), *o = body;

		assert_non_null(body);
		o += sprintf(o, "Date,Open,High,Low,Close,Volume\r\n");
		for (int i = 0; i < 20000; i++)
			o += sprintf(o, "%04d-%02d-%02d,1,1,1,%d.5,7\r\n",
			    1950 + i / 336, 1 + i / 28 % 12, 1 + i % 28, i);
		assert_int_equal(run(p_stooq, body, (size_t)(o - body), &r), 0);
		assert_int_equal(r.ncloses, 20000);
		assert_string_equal(F(r.quotes[0].price), "19999.5");
		feed_result_free(&r);
		free(body);
	}
}

/* ---- the simulated market ---- */

static dec
D(const char *s)
{
	dec d;

	assert_int_equal(dec_parse(s, &d), 0);
	return d;
}

static void
sim_anchor(void **state)
{
	static const char *const syms[] = { "", "A", "AAPL", "MSFT", "VOD.L",
	    "EURUSD=X", "bitcoin", "a very long symbol name indeed" };

	(void)state;
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		dec a = feed_sim_anchor(syms[i]);

		assert_true(dec_cmp(a, dec_from_int(10)) >= 0);
		assert_true(dec_cmp(a, dec_from_int(500)) <= 0);
		assert_int_equal(dec_cmp(a, dec_round(a, 2)), 0);
		assert_int_equal(dec_cmp(a, feed_sim_anchor(syms[i])), 0);
	}
	assert_int_not_equal(dec_cmp(feed_sim_anchor("AAPL"),
	    feed_sim_anchor("MSFT")), 0);
}

static void
sim_walk(void **state)
{
	dec a = feed_sim_anchor("AAPL"), p, lo, hi, q;
	long m0 = 28400000;		/* minutes: about 2024 */
	int moved = 0;

	(void)state;
	/* Deterministic. */
	p = feed_sim_walk("AAPL", D("180.25"), m0, m0 + 60);
	assert_int_equal(dec_cmp(p, feed_sim_walk("AAPL", D("180.25"), m0,
	    m0 + 60)), 0);
	assert_int_equal(dec_cmp(p, dec_round(p, 4)), 0);
	/* Steps compose: a walk in two parts is the walk in one. */
	q = feed_sim_walk("AAPL", D("180.25"), m0, m0 + 25);
	assert_int_equal(dec_cmp(p, feed_sim_walk("AAPL", q, m0 + 25,
	    m0 + 60)), 0);
	/* Moves with the minutes, by at most 0.2% plus the pull. */
	p = a;
	lo = dec_div(a, dec_from_int(2));
	hi = dec_mul(a, dec_from_int(2));
	for (long m = m0; m < m0 + 1440; m++) {
		dec next = feed_sim_walk("AAPL", p, m, m + 1), change;

		moved += dec_cmp(next, p) != 0;
		change = dec_abs(dec_div(dec_sub(next, p), p));
		assert_true(dec_cmp(change, D("0.0026")) <= 0);
		p = next;
		assert_true(dec_cmp(p, lo) > 0 && dec_cmp(p, hi) < 0);
	}
	assert_true(moved > 1300);
	/* At most one day of steps. */
	assert_int_equal(dec_cmp(feed_sim_walk("AAPL", a, 0, m0),
	    feed_sim_walk("AAPL", a, m0 - 1440, m0)), 0);
	assert_int_equal(dec_cmp(feed_sim_walk("AAPL", a, -2147483647L,
	    2147483647L), feed_sim_walk("AAPL", a, 2147483647L - 1440,
	    2147483647L)), 0);
	/* A price far from the anchor is pulled back, and stays sane. */
	p = feed_sim_walk("AAPL", dec_from_int(1000000), m0, m0 + 1440);
	assert_true(dec_cmp(p, dec_from_int(1000000)) < 0);
	assert_true(dec_sign(p) > 0);
}

static void
sim_edges(void **state)
{
	dec a = feed_sim_anchor("X");

	(void)state;
	/* to <= from: last, rounded to 4 decimals. */
	assert_string_equal(F(feed_sim_walk("X", D("123.456789"), 100, 100)),
	    "123.4568");
	assert_string_equal(F(feed_sim_walk("X", D("123.45"), 100, 50)),
	    "123.45");
	/* Not above 0: the anchor. */
	assert_int_equal(dec_cmp(feed_sim_walk("X", DEC_ZERO, 5, 5), a), 0);
	assert_int_equal(dec_cmp(feed_sim_walk("X", D("-3"), 5, 5), a), 0);
	assert_int_equal(dec_cmp(feed_sim_walk("X", DEC_NAN, 5, 5), a), 0);
	assert_int_equal(dec_cmp(feed_sim_walk("X", D("0.00001"), 5, 5), a),
	    0);
	assert_true(dec_sign(feed_sim_walk("X", D("0.0001"), 5, 1445)) > 0);
	assert_false(dec_bad(feed_sim_walk("X", D("100000000000000000"), 0,
	    1440)));
	assert_int_equal(dec_cmp(feed_sim_walk(NULL, DEC_ZERO, 1, 1),
	    feed_sim_anchor("")), 0);
}

/* A history over a two-for-one split: Yahoo halves the closes before
 * it; they are taken back to what they were. */
static void
yahoo_history_unsplit(void **state)
{
	static const char body[] = "{\"chart\":{\"result\":[{\"meta\":{"
	    "\"currency\":\"USD\",\"symbol\":\"SPL\",\"regularMarketTime\":"
	    "1704297600,\"gmtoffset\":0,\"regularMarketPrice\":51,"
	    "\"priceHint\":2},\"timestamp\":[1704124800,1704211200,"
	    "1704297600],\"events\":{\"splits\":{\"1704211200\":{\"date\":"
	    "1704211200,\"numerator\":2,\"denominator\":1,"
	    "\"splitRatio\":\"2:1\"}}},\"indicators\":{\"quote\":[{"
	    "\"close\":[49.5,50.25,51]}]}}],\"error\":null}}";
	struct feed_result r;

	(void)state;
	feed_result_init(&r);
	assert_int_equal(feed_yahoo_parse(body, sizeof(body) - 1, &r), 0);
	assert_int_equal(r.ncloses, 3);
	/* 2024-01-01, before the split: 99 that day. */
	assert_string_equal(r.closes[0].day, "2024-01-01");
	assert_string_equal(F(r.closes[0].close), "99");
	assert_string_equal(F(r.closes[1].close), "50.25");
	assert_string_equal(F(r.closes[2].close), "51");
	feed_result_free(&r);
}

/* CoinGecko's market chart: each UTC day's last point is its close. */
static void
coingecko_chart_days(void **state)
{
	static const char body[] = "{\"prices\":[[1704067200000,42280.5],"
	    "[1704110400000,42500.25],[1704153600000,44100.125],"
	    "[1704196800000,44950.3333333333333]],\"market_caps\":[],"
	    "\"total_volumes\":[]}";
	static const char limited[] = "{\"status\":{\"error_code\":429,"
	    "\"error_message\":\"slow down\"}}";
	struct feed_result r;

	(void)state;
	feed_result_init(&r);
	assert_int_equal(feed_coingecko_chart_parse(body, sizeof(body) - 1,
	    "bitcoin", "usd", &r), 0);
	assert_int_equal(r.ncloses, 2);
	assert_string_equal(r.closes[0].day, "2024-01-01");
	assert_string_equal(F(r.closes[0].close), "42500.25");
	assert_string_equal(r.closes[1].day, "2024-01-02");
	assert_string_equal(F(r.closes[1].close), "44950.333333333333");
	assert_true(r.rounded);
	assert_int_equal(r.nquotes, 1);
	assert_string_equal(r.quotes[0].currency, "USD");
	assert_string_equal(r.quotes[0].symbol, "bitcoin");
	feed_result_free(&r);
	feed_result_init(&r);
	assert_int_equal(feed_coingecko_chart_parse(limited,
	    sizeof(limited) - 1, "bitcoin", "usd", &r), -1);
	assert_int_equal(r.status, FEED_RATE_LIMITED);
	feed_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(results_grow_and_free),
		cmocka_unit_test(results_fail_text),
		cmocka_unit_test(helpers_dates),
		cmocka_unit_test(helpers_text),
		cmocka_unit_test(yahoo_fixture),
		cmocka_unit_test(yahoo_history_unsplit),
		cmocka_unit_test(coingecko_chart_days),
		cmocka_unit_test(yahoo_gbp_and_nulls),
		cmocka_unit_test(yahoo_fx_days_by_offset),
		cmocka_unit_test(yahoo_errors),
		cmocka_unit_test(yahoo_price_hint),
		cmocka_unit_test(yahoo_quote_fallbacks),
		cmocka_unit_test(yahoo_days_and_closes),
		cmocka_unit_test(stooq_fixture),
		cmocka_unit_test(stooq_line_ends_and_columns),
		cmocka_unit_test(stooq_not_csv),
		cmocka_unit_test(amfi_fixture),
		cmocka_unit_test(source_names),
		cmocka_unit_test(amfi_layouts),
		cmocka_unit_test(amfi_history_report),
		cmocka_unit_test(coingecko_fixture),
		cmocka_unit_test(coingecko_quirks),
		cmocka_unit_test(coingecko_errors),
		cmocka_unit_test(alphavantage_fixtures),
		cmocka_unit_test(alphavantage_quirks),
		cmocka_unit_test(url_json),
		cmocka_unit_test(url_paths),
		cmocka_unit_test(url_csv),
		cmocka_unit_test(ecb_daily),
		cmocka_unit_test(ecb_history),
		cmocka_unit_test(ecb_bad),
		cmocka_unit_test(hostile_truncated),
		cmocka_unit_test(hostile_nul_bytes),
		cmocka_unit_test(hostile_random),
		cmocka_unit_test(hostile_deep_and_long),
		cmocka_unit_test(sim_anchor),
		cmocka_unit_test(sim_walk),
		cmocka_unit_test(sim_edges),
	};

	return cmocka_run_group_tests_name("feeds", tests, NULL, NULL);
}
