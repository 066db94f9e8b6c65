/*
 * value.c - valuation of holdings and portfolios (see value.h).
 */
#include "value.h"

#include <stdlib.h>
#include <string.h>

/* One leg: amount from -> to by a direct rate or its opposite. */
static int
leg(const struct fx_table *fx, dec amount, const char *from, const char *to,
    dec *out)
{
	for (size_t i = 0; i < fx->n; i++) {
		const struct fx_rate *x = &fx->v[i];

		if (strcmp(x->from, from) == 0 && strcmp(x->to, to) == 0) {
			*out = dec_mul(amount, x->rate);
			return 0;
		}
	}
	for (size_t i = 0; i < fx->n; i++) {
		const struct fx_rate *x = &fx->v[i];

		if (strcmp(x->from, to) == 0 && strcmp(x->to, from) == 0 &&
		    dec_sign(x->rate) > 0) {
			*out = dec_div(amount, x->rate);
			return 0;
		}
	}
	return -1;
}

int
fx_convert(const struct fx_table *fx, dec amount, const char *from,
    const char *to, dec *out)
{
	static const char *const pivots[] = { "USD", "EUR" };
	dec mid;

	if (strcmp(from, to) == 0) {
		*out = amount;
		return 0;
	}
	if (fx == NULL)
		return -1;
	if (leg(fx, amount, from, to, out) == 0)
		return 0;
	for (size_t i = 0; i < 2; i++)
		if (leg(fx, amount, from, pivots[i], &mid) == 0 &&
		    leg(fx, mid, pivots[i], to, out) == 0)
			return 0;
	return -1;
}

int
fx_lookup(const struct fx_table *fx, const char *from, const char *to,
    dec *rate)
{
	return fx_convert(fx, DEC_ONE, from, to, rate);
}

dec
value_pct(dec part, dec whole)
{
	if (dec_is_zero(whole))
		return DEC_ZERO;
	return dec_div_places(dec_mul(part, dec_from_int(100)), whole, 2);
}

void
value_holding(const struct position *p, const char *quote_currency,
    const struct quote *q, const char *base, const struct fx_table *fx,
    time_t now, long stale_after, struct holding_value *out)
{
	char major[4];
	dec factor, local;

	memset(out, 0, sizeof(*out));
	if (!q->known)
		return;
	out->price = q->price;
	/* Value in the quote's major currency, then one conversion. */
	local = dec_mul(p->quantity, q->price);
	if (currency_major(quote_currency, major, &factor) != 0 ||
	    fx_convert(fx, dec_mul(local, factor), major, base,
	    &out->value) != 0) {
		out->no_rate = 1;
		return;
	}
	out->priced = 1;
	out->stale = now - q->as_of > stale_after;
	out->unrealized = dec_sub(out->value, p->cost);
	if (dec_sign(p->cost) > 0) {
		out->unrealized_pct = value_pct(out->unrealized, p->cost);
		out->has_pct = 1;
	}
	if (q->has_prev && fx_convert(fx, dec_mul(dec_mul(p->quantity,
	    dec_sub(q->price, q->prev_close)), factor), major, base,
	    &out->day_change) == 0)
		out->has_day = 1;
}

void
totals_init(struct totals *t)
{
	memset(t, 0, sizeof(*t));
}

void
totals_add_holding(struct totals *t, const struct position *p,
    const struct holding_value *v)
{
	t->realized = dec_add(t->realized, p->realized);
	t->income = dec_add(t->income, p->income);
	t->fees = dec_add(t->fees, p->fees);
	t->taxes = dec_add(t->taxes, p->taxes);
	t->charges = dec_add(t->charges, p->charges);
	if (dec_is_zero(p->quantity))
		return;
	t->cost = dec_add(t->cost, p->cost);
	if (!v->priced) {
		t->unpriced++;
		return;
	}
	t->stale += v->stale;
	t->priced_cost = dec_add(t->priced_cost, p->cost);
	t->holdings_value = dec_add(t->holdings_value, v->value);
	t->unrealized = dec_add(t->unrealized, v->unrealized);
	if (v->has_day) {
		t->day_change = dec_add(t->day_change, v->day_change);
		t->day_known++;
	}
}

void
totals_add_cash(struct totals *t, const char *cur, dec balance,
    const char *base, const struct fx_table *fx)
{
	dec v;

	if (fx_convert(fx, balance, cur, base, &v) != 0) {
		if (!dec_is_zero(balance))
			t->unconverted_cash++;
		return;
	}
	t->cash = dec_add(t->cash, v);
}

void
totals_add_flows(struct totals *t, dec income, dec fees, dec taxes)
{
	t->income = dec_add(t->income, income);
	t->fees = dec_add(t->fees, fees);
	t->charges = dec_add(t->charges, fees);
	t->taxes = dec_add(t->taxes, taxes);
}

void
totals_finish(struct totals *t)
{
	t->value = dec_add(t->holdings_value, t->cash);
	t->total_gain = dec_sub(dec_sub(dec_add(dec_add(t->unrealized,
	    t->realized), t->income), t->taxes), t->charges);
}

void
alloc_add(struct slice *s, size_t *n, size_t max, const char *label,
    dec value)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(s[i].label, label) == 0)
			break;
	if (i == *n) {
		if (*n == max) {
			i = max - 1;
			strcpy(s[i].label, "other");
		} else {
			memset(&s[i], 0, sizeof(s[i]));
			strncpy(s[i].label, label, sizeof(s[i].label) - 1);
			(*n)++;
		}
	}
	s[i].value = dec_add(s[i].value, value);
}

static int
by_value(const void *a, const void *b)
{
	const struct slice *x = a, *y = b;
	int c = dec_cmp(y->value, x->value);

	return c ? c : strcmp(x->label, y->label);
}

void
alloc_finish(struct slice *s, size_t n)
{
	dec whole = DEC_ZERO;

	qsort(s, n, sizeof(*s), by_value);
	for (size_t i = 0; i < n; i++)
		whole = dec_add(whole, s[i].value);
	for (size_t i = 0; i < n; i++)
		s[i].pct = value_pct(s[i].value, whole);
}
