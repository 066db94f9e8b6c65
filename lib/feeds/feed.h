/*
 * feed.h - what price and exchange-rate sources answer, turned into
 * quotes.  One file per source under lib/feeds/.
 *
 * Every parser is pure: bytes in, quotes out.  No I/O, no clock (a
 * parser that needs the time is given it), no database, no globals.  A
 * parser takes any bytes at all (truncated, hostile, an HTML page served
 * with HTTP 200 where CSV was expected, embedded NULs) and either
 * returns quotes or says why not: it never crashes, never reads past
 * len and never needs body to be NUL-terminated.
 *
 * A parser only reads what the source says.  Whether a quote is good
 * enough to store (positive, not in the future, not older than what is
 * stored, not an outlier) is decided later, by validation (quote.h), for
 * every source alike.  Numbers are read with dec_parse_round() from the
 * text the source wrote, never through a double.
 */
#ifndef NESTEGG_FEED_H
#define NESTEGG_FEED_H

#include <stddef.h>
#include <time.h>

#include "money.h"

#define FEED_SYMBOL_MAX 64
#define FEED_ERR_MAX 200
#define FEED_NAME_MAX 128	/* bytes of a name, its NUL included */

/* One price as a source reports it. */
struct feed_quote {
	char symbol[FEED_SYMBOL_MAX];	/* the source's own name for it */
	char currency[4];	/* quote unit as the source says it ("GBp");
				   "" when the source does not say */
	dec price;		/* in that unit; may be anything, even <= 0 */
	time_t as_of;		/* when the price held, UTC; a daily close
				   counts from 00:00 UTC of its day */
	char day[11];		/* its trading day, YYYY-MM-DD, in the
				   exchange's own time zone */
	dec prev_close;		/* the close of the last day before day */
	int has_prev;
	char name[FEED_NAME_MAX];	/* the source's name for it, or "":
				   printable UTF-8, no control or invisible
				   characters (feed_set_name) */
};

/* One daily close, for the price history. */
struct feed_close {
	char symbol[FEED_SYMBOL_MAX];
	char day[11];		/* YYYY-MM-DD */
	dec close;
};

enum feed_status {
	FEED_OK,		/* parsed; quotes may still be empty */
	FEED_NOT_FOUND,		/* the source does not know the symbol */
	FEED_RATE_LIMITED,	/* the source said to slow down, in its body */
	FEED_REFUSED,		/* the source refused: bad or missing key,
				   a plan limit, an error it names */
	FEED_BAD,		/* not what this source sends: garbage, an HTML
				   page, truncated or malformed */
};

struct feed_result {
	enum feed_status status;
	char error[FEED_ERR_MAX];	/* why, when status != FEED_OK: one
					   line of printable ASCII, with the
					   source's own words where it gave
					   some (control bytes dropped) */
	struct feed_quote *quotes;	/* heap; feed_result_free() */
	size_t nquotes, capquotes;
	struct feed_close *closes;	/* heap; oldest first per symbol */
	size_t ncloses, capcloses;
	char kind[16];		/* the source's type for the instrument
				   mapped to nestegg's kinds ("stock", "etf",
				   "fund", "crypto", "cash", "other"), or "" */
	int rounded;		/* a number was rounded (float noise) */
};

/* Empties r; no memory is taken until a quote or close is added. */
void feed_result_init(struct feed_result *r);

/* Frees what r holds; r is then empty, as after feed_result_init(). */
void feed_result_free(struct feed_result *r);

/* Appends a copy of q or c (the process aborts on out-of-memory). */
void feed_add_quote(struct feed_result *r, const struct feed_quote *q);
void feed_add_close(struct feed_result *r, const struct feed_close *c);

/*
 * Copies the n bytes of name at s into out (FEED_NAME_MAX bytes), white
 * space trimmed, when it is well-formed UTF-8 without control,
 * direction or invisible characters and fits; else out is "".
 */
void feed_set_name(char out[FEED_NAME_MAX], const char *s, size_t n);

/*
 * Sets r->status and r->error from fmt; control bytes and non-ASCII
 * bytes of the text are dropped, and it is cut to FEED_ERR_MAX - 1.
 * Returns -1, for "return feed_fail(...)".
 */
int feed_fail(struct feed_result *r, enum feed_status status,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * The parsers.  Each returns 0 with r->status FEED_OK, or -1 with
 * r->status and r->error saying why; r must have been initialised.
 */

/*
 * Yahoo Finance chart JSON (/v8/finance/chart/{symbol}): the quote is
 * meta.regularMarketPrice at meta.regularMarketTime, in meta.currency,
 * for meta.symbol.  Numbers carry float noise and are rounded to
 * meta.priceHint decimals (4 without it).  Each timestamp with a close
 * that is not null gives a daily close; days are taken in the exchange's
 * zone (meta.gmtoffset).  The previous close is the last close of a day
 * before the quote's, else meta.chartPreviousClose.  An error object
 * ("Not Found") is FEED_NOT_FOUND; meta.instrumentType sets r->kind,
 * meta.longName (else shortName) the quote's name.
 * Also reads FX pairs ("EURUSD=X": one EUR is price USD).
 */
int feed_yahoo_parse(const char *body, size_t len, struct feed_result *r);

/*
 * Stooq daily CSV (Date,Open,High,Low,Close[,Volume], CRLF, columns
 * found by name): each row a close of symbol; the last row is the quote
 * (currency unknown), the row before it gives the previous close.  The
 * text "No data" is FEED_NOT_FOUND; anything else that is not this CSV
 * (an HTML page, a message about the API key) is FEED_BAD or
 * FEED_REFUSED.
 */
int feed_stooq_parse(const char *body, size_t len, const char *symbol,
    struct feed_result *r);

/*
 * AMFI India NAVAll.txt: one quote per scheme with a numeric NAV, symbol
 * = scheme code, currency INR, day and as_of from its date (dd-Mon-yyyy).
 * Columns are found by their header names ("Scheme Code", "Net Asset
 * Value", "Date"; "Scheme Name" names the quote), since the layout has
 * changed over the years; heading
 * lines, blank lines (even holding spaces) and N.A. values are skipped.
 */
int feed_amfi_parse(const char *body, size_t len, struct feed_result *r);

/*
 * AMFI India's NAV history report (DownloadNAVHistoryReport_Po.aspx:
 * "Scheme Code;Scheme Name;ISIN Div Payout/ISIN Growth;ISIN Div
 * Reinvestment;Net Asset Value;Repurchase Price;Sale Price;Date", then
 * one line per scheme and day under fund-house headings): one close for
 * each line of the schemes in codes[0..ncodes), read as NAVAll.txt is;
 * the others are skipped without being kept.
 */
int feed_amfi_history_parse(const char *body, size_t len,
    const char *const *codes, size_t ncodes, struct feed_result *r);

/*
 * CoinGecko /api/v3/simple/price: one quote per coin id and currency
 * ({"bitcoin":{"usd":83749,"last_updated_at":...}}: symbol "bitcoin",
 * currency "USD"); as_of from last_updated_at, else now.  Keys ending in
 * _24h_change, _market_cap, _24h_vol are not prices.  An unknown id is
 * simply absent ({}).  Errors inside a 200 body ({"status":{"error_code":
 * 429,...}}, {"error":"..."}) are FEED_RATE_LIMITED or FEED_REFUSED.
 */
/*
 * CoinGecko's market chart (/api/v3/coins/{id}/market_chart/range):
 * {"prices":[[ms, price], ...]} in currency: each UTC day's last point
 * is its close, the last point the quote (symbol id).  The error bodies
 * are read as for simple/price.
 */
int feed_coingecko_chart_parse(const char *body, size_t len, const char *id,
    const char *currency, struct feed_result *r);

int feed_coingecko_parse(const char *body, size_t len, time_t now,
    struct feed_result *r);

/*
 * Alpha Vantage GLOBAL_QUOTE: "01. symbol", "05. price", "07. latest
 * trading day" (day and as_of), "08. previous close"; currency unknown.
 * An empty "Global Quote" is FEED_NOT_FOUND; "Note" or "Information"
 * (rate limits, inside HTTP 200) FEED_RATE_LIMITED; "Error Message"
 * FEED_REFUSED.
 */
int feed_alphavantage_parse(const char *body, size_t len,
    struct feed_result *r);

/*
 * The generic source: a body fetched from an instrument's own URL.  When
 * the body is JSON, field is a path of object keys and array indexes
 * separated by dots ("data.quote.0.last"; a leading "$." is allowed) to a
 * number or a numeric string.  Otherwise the body is CSV (comma or
 * semicolon separated, header line first) and field names a column: the
 * last row with a number there is the quote.  The quote is for symbol,
 * as of now, currency unknown.
 */
int feed_url_parse(const char *body, size_t len, const char *field,
    const char *symbol, time_t now, struct feed_result *r);

/*
 * ECB euro reference rates (eurofxref-daily.xml, or the history files,
 * which hold one Cube per day): one quote per currency and day, symbol =
 * the currency ("USD"), currency "EUR": one EUR is price units of
 * symbol.  The newest day's rates are the quotes (day = its Cube time,
 * as_of its 00:00 UTC); every day's rates are also closes.
 */
int feed_ecb_parse(const char *body, size_t len, struct feed_result *r);

/*
 * The simulated market, for development and demonstrations: a
 * deterministic random walk per symbol, one step per minute.
 *
 * feed_sim_anchor() is the price a symbol starts at (between 10 and
 * 500, from a hash of the symbol).  feed_sim_walk() moves last, the price
 * at minute from (minutes since the epoch), to minute to: each minute m
 * in (from, to] multiplies it by 1 + step, where step is a pseudo-random
 * move of at most 0.2% taken from a hash of (symbol, m), plus a small
 * pull back towards the anchor; the result is rounded half-even to 4
 * decimals after each step.  At most 1440 steps are taken (the last
 * day's).  The same arguments always give the same price; a last price
 * that is not above 0 starts from the anchor.
 */
dec feed_sim_anchor(const char *symbol);
dec feed_sim_walk(const char *symbol, dec last, long from, long to);

#endif
