/*
 * coingecko.c - CoinGecko /api/v3/simple/price into one quote per coin
 * and currency (see feed.h).
 *
 *   {"bitcoin":{"usd":83749,"usd_24h_change":-2.58,"eur":74795,
 *   "last_updated_at":1791367550}}
 *
 * Errors come inside HTTP 200 bodies too: {"status":{"error_code":429,
 * "error_message":"..."}} or {"error":"..."}.
 */
#include "feeds/feed.h"

#include <string.h>

#include "feeds/feedutil.h"

#define COINGECKO_RATE_LIMIT 429

/*
 * The error body top holds, if any: sets r and returns -1; 0 when top
 * is not an error.
 */
static int
error_body(struct feed_result *r, struct json_object *top)
{
	struct json_object *status = feed_jget(top, "status");
	const char *msg;
	long long code;

	if (json_object_is_type(status, json_type_object) &&
	    feed_jget(status, "error_code") != NULL) {
		msg = feed_jstr(feed_jget(status, "error_message"));
		if (msg == NULL)
			msg = "no message";
		if (feed_jint(feed_jget(status, "error_code"), 0, 1000000000,
		    &code) != 0)
			return feed_fail(r, FEED_REFUSED, "CoinGecko: %s", msg);
		if (code == COINGECKO_RATE_LIMIT)
			return feed_fail(r, FEED_RATE_LIMITED, "CoinGecko: %s",
			    msg);
		return feed_fail(r, FEED_REFUSED, "CoinGecko: error %lld: %s",
		    code, msg);
	}
	if ((msg = feed_jstr(feed_jget(top, "error"))) != NULL)
		return feed_fail(r, FEED_REFUSED, "CoinGecko: %s", msg);
	return 0;
}

/* A three-letter code (CoinGecko writes "usd") as ISO writes it. */
static void
upper3(char out[4], const char *code)
{
	for (size_t i = 0; i < 3; i++)
		out[i] = code[i] >= 'a' && code[i] <= 'z' ?
		    (char)(code[i] - 'a' + 'A') : code[i];
	out[3] = '\0';
}

/*
 * Adds a quote for each vs-currency price of coin id (prices of three
 * letter keys; _24h_change and the like are not).
 */
static void
coin(struct feed_result *r, const char *id, struct json_object *prices,
    time_t now)
{
	struct json_object_iterator it, end;
	struct feed_quote q;
	long long t;

	memset(&q, 0, sizeof(q));
	if (feed_symbol(q.symbol, id, strlen(id)) != 0)
		return;
	if (feed_jint(feed_jget(prices, "last_updated_at"), FEED_TIME_MIN,
	    FEED_TIME_MAX, &t) == 0)
		q.as_of = (time_t)t;
	else
		q.as_of = now;
	if (feed_day(q.as_of, 0, q.day) != 0)
		return;
	it = json_object_iter_begin(prices);
	end = json_object_iter_end(prices);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		const char *key = json_object_iter_peek_name(&it);

		if (!feed_code3(key, strlen(key)) ||
		    feed_jdec(json_object_iter_peek_value(&it), DEC_PLACES,
		    &q.price, &r->rounded) != 0)
			continue;
		upper3(q.currency, key);
		feed_add_quote(r, &q);
	}
}

int
feed_coingecko_parse(const char *body, size_t len, time_t now,
    struct feed_result *r)
{
	struct json_object_iterator it, end;
	struct json_object *top;
	const char *why;

	if ((top = feed_json(body, len, &why)) == NULL)
		return feed_fail(r, FEED_BAD, "CoinGecko: not JSON: %s", why);
	if (!json_object_is_type(top, json_type_object)) {
		json_object_put(top);
		return feed_fail(r, FEED_BAD, "CoinGecko: not an object");
	}
	if (error_body(r, top) != 0) {
		json_object_put(top);
		return -1;
	}
	it = json_object_iter_begin(top);
	end = json_object_iter_end(top);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		struct json_object *v = json_object_iter_peek_value(&it);

		if (json_object_is_type(v, json_type_object))
			coin(r, json_object_iter_peek_name(&it), v, now);
	}
	json_object_put(top);
	return 0;
}

int
feed_coingecko_chart_parse(const char *body, size_t len, const char *id,
    const char *currency, struct feed_result *r)
{
	struct json_object *top, *prices;
	struct feed_quote q;
	const char *why;
	size_t n;

	if ((top = feed_json(body, len, &why)) == NULL)
		return feed_fail(r, FEED_BAD, "CoinGecko: not JSON: %s", why);
	if (!json_object_is_type(top, json_type_object)) {
		json_object_put(top);
		return feed_fail(r, FEED_BAD, "CoinGecko: not an object");
	}
	if (error_body(r, top) != 0) {
		json_object_put(top);
		return -1;
	}
	prices = feed_jget(top, "prices");
	if (!json_object_is_type(prices, json_type_array)) {
		json_object_put(top);
		return feed_fail(r, FEED_BAD, "CoinGecko: no prices");
	}
	memset(&q, 0, sizeof(q));
	if (feed_symbol(q.symbol, id, strlen(id)) != 0 ||
	    !feed_code3(currency, strlen(currency))) {
		json_object_put(top);
		return feed_fail(r, FEED_BAD, "CoinGecko: bad id or currency");
	}
	upper3(q.currency, currency);
	n = json_object_array_length(prices);
	for (size_t i = 0; i < n; i++) {
		struct json_object *p = json_object_array_get_idx(prices, i);
		struct feed_close fc;
		long long ms;
		dec v;

		if (!json_object_is_type(p, json_type_array) ||
		    json_object_array_length(p) < 2 ||
		    feed_jint(json_object_array_get_idx(p, 0),
		    (long long)FEED_TIME_MIN * 1000,
		    (long long)FEED_TIME_MAX * 1000, &ms) != 0 ||
		    feed_jdec(json_object_array_get_idx(p, 1), DEC_PLACES, &v,
		    &r->rounded) != 0)
			continue;
		memset(&fc, 0, sizeof(fc));
		memcpy(fc.symbol, q.symbol, sizeof(fc.symbol));
		if (feed_day((time_t)(ms / 1000), 0, fc.day) != 0)
			continue;
		fc.close = v;
		/* A day's last point is its close; points come in order. */
		if (r->ncloses > 0 && strcmp(r->closes[r->ncloses - 1].day,
		    fc.day) == 0)
			r->closes[r->ncloses - 1] = fc;
		else if (r->ncloses == 0 ||
		    strcmp(r->closes[r->ncloses - 1].day, fc.day) < 0)
			feed_add_close(r, &fc);
		q.price = v;
		q.as_of = (time_t)(ms / 1000);
		memcpy(q.day, fc.day, sizeof(q.day));
	}
	json_object_put(top);
	if (r->ncloses == 0)
		return feed_fail(r, FEED_NOT_FOUND, "CoinGecko: no prices for "
		    "%s", id);
	feed_add_quote(r, &q);
	return 0;
}
