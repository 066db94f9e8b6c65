/*
 * value.c - valuation of holdings and portfolios (see value.h).
 */
#include "value.h"

#include <stdlib.h>
#include <string.h>

/* One leg from -> to: a direct rate or its opposite, the newer of the
 * two where both are known (the direct one on a tie).  0, or -1.  The
 * path's as_of becomes the leg's where that is older. */
static int
leg(const struct fx_table *fx, const char *from, const char *to, dec *rate,
    int *divide, struct fx_path *p)
{
	const struct fx_rate *best = NULL;
	int inverse = 0;

	for (size_t i = 0; i < fx->n; i++) {
		const struct fx_rate *x = &fx->v[i];
		int dir = strcmp(x->from, from) == 0 && strcmp(x->to, to) == 0;
		int inv = !dir && strcmp(x->from, to) == 0 &&
		    strcmp(x->to, from) == 0 && dec_sign(x->rate) > 0;

		if (!dir && !inv)
			continue;
		if (best == NULL || x->as_of > best->as_of ||
		    (x->as_of == best->as_of && dir && inverse)) {
			best = x;
			inverse = inv;
		}
	}
	if (best == NULL)
		return -1;
	*rate = best->rate;
	*divide = inverse;
	if (p->legs == 0 || best->as_of < p->as_of)
		p->as_of = best->as_of;
	return 0;
}

void
fx_path_find(const struct fx_table *fx, const char *from, const char *to,
    struct fx_path *p)
{
	static const char *const pivots[] = { "USD", "EUR" };
	struct fx_path direct, via;

	memset(p, 0, sizeof(*p));
	if (strcmp(from, to) == 0) {
		p->known = 1;
		return;
	}
	if (fx == NULL)
		return;
	memset(&direct, 0, sizeof(direct));
	if (leg(fx, from, to, &direct.leg[0].rate, &direct.leg[0].divide,
	    &direct) == 0) {
		direct.known = 1;
		direct.legs = 1;
		/* A rate of the day: taken. */
		if (direct.as_of >= 0) {
			*p = direct;
			return;
		}
	}
	for (size_t i = 0; i < 2; i++) {
		memset(&via, 0, sizeof(via));
		if (leg(fx, from, pivots[i], &via.leg[0].rate,
		    &via.leg[0].divide, &via) != 0)
			continue;
		via.legs = 1;
		if (leg(fx, pivots[i], to, &via.leg[1].rate,
		    &via.leg[1].divide, &via) != 0)
			continue;
		via.known = 1;
		via.legs = 2;
		/* Through a pivot at rates of the day, rather than a direct
		 * rate for want of one; else the direct one, if any. */
		if (!direct.known || via.as_of >= 0) {
			*p = via;
			return;
		}
	}
	if (direct.known)
		*p = direct;
}

dec
fx_path_apply(const struct fx_path *p, dec amount)
{
	for (int i = 0; i < p->legs; i++)
		amount = p->leg[i].divide ? dec_div(amount, p->leg[i].rate) :
		    dec_mul(amount, p->leg[i].rate);
	return amount;
}

int
fx_convert(const struct fx_table *fx, dec amount, const char *from,
    const char *to, dec *out)
{
	struct fx_path p;

	fx_path_find(fx, from, to, &p);
	if (!p.known)
		return -1;
	*out = fx_path_apply(&p, amount);
	return 0;
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

long
stale_limit(const struct stale_policy *p, const char *kind,
    const char *source)
{
	if (source != NULL && strcmp(source, "manual") == 0)
		return p->manual;
	if (kind == NULL)
		return p->other;
	if (strcmp(kind, "stock") == 0 || strcmp(kind, "etf") == 0 ||
	    strcmp(kind, "bond") == 0)
		return p->market;
	if (strcmp(kind, "fund") == 0)
		return p->fund;
	if (strcmp(kind, "crypto") == 0)
		return p->crypto;
	return p->other;
}

void
value_holding(const struct position *p, const char *quote_currency,
    const struct quote *q, const char *base, const struct fx_table *fx,
    time_t now, long stale_after, struct holding_value *out)
{
	struct fx_path path;
	char major[4];
	dec factor;

	memset(out, 0, sizeof(*out));
	if (!q->known)
		return;
	if (currency_major(quote_currency, major, &factor) != 0) {
		out->price = q->price;
		out->no_rate = 1;
		return;
	}
	fx_path_find(fx, major, base, &path);
	value_holding_path(p, factor, &path, q, now, stale_after, out);
	if (out->priced && dec_sign(p->cost) > 0) {
		out->unrealized_pct = value_pct(out->unrealized, p->cost);
		out->has_pct = 1;
	}
}

void
value_holding_path(const struct position *p, dec factor,
    const struct fx_path *path, const struct quote *q, time_t now,
    long stale_after, struct holding_value *out)
{
	memset(out, 0, sizeof(*out));
	if (!q->known)
		return;
	out->price = q->price;
	/* Value in the quote's major currency, then one conversion. */
	if (!path->known) {
		out->no_rate = 1;
		return;
	}
	out->value = fx_path_apply(path, dec_mul(dec_mul(p->quantity,
	    q->price), factor));
	if (!dec_storable(out->value) ||
	    !dec_storable(dec_sub(out->value, p->cost))) {
		/* Beyond what a value may be: not a price to value it by. */
		out->value = DEC_ZERO;
		out->too_large = 1;
		return;
	}
	out->priced = 1;
	out->stale = stale_after > 0 && now - q->as_of > stale_after;
	out->unrealized = dec_sub(out->value, p->cost);
	if (q->has_prev && !out->stale) {
		out->day_change = fx_path_apply(path, dec_mul(dec_mul(
		    p->quantity, dec_sub(q->price, q->prev_close)), factor));
		out->has_day = dec_storable(out->day_change);
	}
}

int
value_is_liability(const char *kind)
{
	return kind != NULL && strcmp(kind, "liability") == 0;
}

void
value_liability(struct position *p, struct holding_value *v)
{
	p->cost = dec_neg(p->cost);
	v->value = dec_neg(v->value);
	v->unrealized = dec_neg(v->unrealized);
	v->day_change = dec_neg(v->day_change);
	v->unrealized_pct = dec_neg(v->unrealized_pct);
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
	/* A sum past what a value may be counts the holding unpriced. */
	if (!v->priced ||
	    !dec_storable(dec_add(t->holdings_value, v->value)) ||
	    !dec_storable(dec_add(dec_add(t->holdings_value, v->value),
	    t->cash)) ||
	    !dec_storable(dec_add(t->unrealized, v->unrealized))) {
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

	if (fx_convert(fx, balance, cur, base, &v) != 0 ||
	    !dec_storable(dec_add(t->cash, v)) ||
	    !dec_storable(dec_add(dec_add(t->cash, v), t->holdings_value))) {
		if (!dec_is_zero(balance))
			t->unconverted_cash++;
		return;
	}
	t->cash = dec_add(t->cash, v);
}

void
totals_add_ledger(struct totals *t, dec realized, dec income, dec fees,
    dec taxes, dec charges)
{
	t->realized = dec_add(t->realized, realized);
	t->income = dec_add(t->income, income);
	t->fees = dec_add(t->fees, fees);
	t->taxes = dec_add(t->taxes, taxes);
	t->charges = dec_add(t->charges, charges);
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
