/*
 * quote.c - whether a reported price may be stored (see quote.h).
 */
#include "quote.h"

#include <stdio.h>
#include <string.h>

/* |a - b| > pct% of |b| */
static int
beyond(dec a, dec b, int pct)
{
	dec diff = dec_abs(dec_sub(a, b));
	dec limit = dec_div(dec_mul(dec_abs(b), dec_from_int(pct)),
	    dec_from_int(100));

	return dec_cmp(diff, limit) > 0;
}

int
quote_disagree(dec a, dec b, int pct)
{
	return beyond(a, b, pct);
}

static enum quote_verdict
verdict(struct quote_outcome *out, enum quote_verdict v, const char *why)
{
	out->verdict = v;
	snprintf(out->reason, sizeof(out->reason), "%s", why);
	return v;
}

enum quote_verdict
quote_check(const struct quote_rules *rules, dec price,
    const char *source_currency, const char *inst_currency, time_t as_of,
    time_t now, const struct quote_last *last, struct quote_outcome *out)
{
	char smajor[4], imajor[4], b1[DEC_BUFSZ], b2[DEC_BUFSZ];
	dec sfactor, ifactor, expected;
	struct tm tm;

	memset(out, 0, sizeof(*out));
	if (dec_bad(price) || dec_sign(price) <= 0)
		return verdict(out, QUOTE_REJECT, "not a price above 0");
	if (currency_major(inst_currency, imajor, &ifactor) != 0)
		return verdict(out, QUOTE_REJECT, "the instrument has no "
		    "valid currency");
	if (source_currency != NULL && *source_currency) {
		if (currency_major(source_currency, smajor, &sfactor) != 0) {
			snprintf(out->reason, sizeof(out->reason), "the source "
			    "names no currency it knows (%.8s)",
			    source_currency);
			out->verdict = QUOTE_REJECT;
			return QUOTE_REJECT;
		}
		if (strcmp(smajor, imajor) != 0) {
			snprintf(out->reason, sizeof(out->reason), "the source "
			    "quotes it in %s, the instrument is in %s",
			    source_currency, inst_currency);
			out->verdict = QUOTE_REJECT;
			return QUOTE_REJECT;
		}
		/* Pence to pounds or back: same currency, other unit. */
		if (dec_cmp(sfactor, ifactor) != 0)
			price = dec_div(dec_mul(price, sfactor), ifactor);
	}
	if (!dec_storable(price) || dec_sign(price) <= 0)
		return verdict(out, QUOTE_REJECT, "not a price that can be "
		    "stored");
	out->price = price;
	if (as_of > now + rules->future_slack) {
		gmtime_r(&as_of, &tm);
		strftime(b1, sizeof(b1), "%Y-%m-%d %H:%M UTC", &tm);
		snprintf(out->reason, sizeof(out->reason), "dated in the future "
		    "(%s)", b1);
		out->verdict = QUOTE_REJECT;
		return QUOTE_REJECT;
	}
	if (!last->known)
		return verdict(out, QUOTE_STORE, "");
	if (as_of < last->as_of) {
		gmtime_r(&last->as_of, &tm);
		strftime(b1, sizeof(b1), "%Y-%m-%d %H:%M UTC", &tm);
		snprintf(out->reason, sizeof(out->reason), "older than the "
		    "stored price of %s", b1);
		out->verdict = QUOTE_REJECT;
		return QUOTE_REJECT;
	}
	if (dec_cmp(price, last->price) == 0 && as_of == last->as_of)
		return verdict(out, QUOTE_SAME, "");
	/* A recorded split moves the price it explains. */
	expected = last->price;
	if (dec_sign(last->split) > 0 && dec_cmp(last->split, DEC_ONE) != 0)
		expected = dec_div(last->price, last->split);
	if (rules->outlier_pct <= 0 || !beyond(price, expected,
	    rules->outlier_pct))
		return verdict(out, QUOTE_STORE, "");
	/* An outlier: it stands once seen often enough in a row. */
	out->pending = price;
	out->pending_count = 1;
	if (last->has_pending && !beyond(price, last->pending, 1))
		out->pending_count = last->pending_count + 1;
	if (out->pending_count >= rules->outlier_confirm)
		return verdict(out, QUOTE_STORE, "");
	snprintf(out->reason, sizeof(out->reason), "jumped from %s to %s, "
	    "past the %d%% outlier limit: kept the last price until it is "
	    "seen %d times in a row (%d so far)",
	    dec_format(expected, -1, b1), dec_format(price, -1, b2),
	    rules->outlier_pct, rules->outlier_confirm, out->pending_count);
	out->verdict = QUOTE_PENDING;
	return QUOTE_PENDING;
}
