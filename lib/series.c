/*
 * series.c - a portfolio's daily series (see series.h).
 */
#include "series.h"

#include <stdlib.h>
#include <string.h>

#include "value.h"

/*
 * What a holding or a cash balance carried from the last close to the
 * next: how much of it there was, and the rate of its currency then, so
 * that the next close can tell the rate's change from the price's.
 */
struct carry {
	dec amount;		/* quantity, or cash */
	dec rate;		/* one unit of cur in the portfolio's */
	char cur[4];		/* "": no rate known at the last close */
};

/* What is known of one instrument while the days go by. */
struct held {
	struct ledger_state st;
	char major[4];		/* its quote currency's */
	dec factor;
	size_t next;		/* closes[next] is the first after today */
	int has_trade;		/* the last trade's price, as a fallback */
	dec trade_price;
	char trade_cur[4];
	struct carry fx;	/* for the currency effect */
};

struct balance {
	char cur[4];
	dec v;
	struct carry fx;
};

/* The day's ways from each currency met to the portfolio's. */
struct paths {
	char cur[16][4];
	struct fx_path p[16];
	size_t n;
};

/* v in major currency cur converted to base the day's way; 0, or -1
 * without a rate. */
static int
convert(struct paths *ps, const struct fx_table *fx, const char *base,
    const char *cur, dec v, dec *out)
{
	size_t i;

	for (i = 0; i < ps->n && strcmp(ps->cur[i], cur) != 0; i++)
		;
	if (i == ps->n) {
		if (ps->n == 16)
			return fx_convert(fx, v, cur, base, out);
		memcpy(ps->cur[i], cur, 4);
		fx_path_find(fx, cur, base, &ps->p[i]);
		ps->n++;
	}
	if (!ps->p[i].known)
		return -1;
	*out = fx_path_apply(&ps->p[i], v);
	return 0;
}

/*
 * The currency effect on what c carried overnight (worth local, one
 * unit's worth now in cur's terms: price times factor, or 1 for cash)
 * now that cur is worth rate; then c carries amount at rate into the
 * next night.  rate_ok 0: no rate today (the effect is unknown: 0).
 */
static dec
carry_over(struct carry *c, dec unit, const char *cur, int rate_ok,
    dec rate, dec amount)
{
	dec e = DEC_ZERO;

	if (rate_ok && *c->cur != '\0' && strcmp(c->cur, cur) == 0 &&
	    !dec_is_zero(c->amount))
		e = dec_mul(dec_mul(c->amount, unit), dec_sub(rate, c->rate));
	c->amount = amount;
	c->rate = rate;
	if (rate_ok)
		memcpy(c->cur, cur, 4);
	else
		c->cur[0] = '\0';
	return e;
}

static int
cmp_inst(const void *key, const void *elem)
{
	long long id = *(const long long *)key;
	const struct series_inst *in = elem;

	return id < in->id ? -1 : id > in->id;
}

/* v in t's currency (minor units allowed) in the portfolio's currency,
 * at the rate recorded with t. */
static dec
to_base(const struct tx *t, dec v)
{
	char major[4];
	dec factor;

	if (currency_major(t->currency, major, &factor) != 0)
		return DEC_NAN;
	return dec_mul(dec_mul(v, factor), t->fx_rate);
}

static void
add_balance(struct balance *b, size_t *n, const char *cur, dec v)
{
	size_t i;

	if (dec_is_zero(v))
		return;
	for (i = 0; i < *n && strcmp(b[i].cur, cur) != 0; i++)
		;
	if (i == *n) {
		memcpy(b[i].cur, cur, 4);
		b[i].v = DEC_ZERO;
		(*n)++;
	}
	b[i].v = dec_add(b[i].v, v);
}

/* The money from outside t brings in, in base (see series.h). */
static dec
flow_of(const struct tx *t, int track_cash)
{
	char cur[4];

	if (track_cash)
		return ledger_external_flow(t);
	if (t->type == TX_DEPOSIT || t->type == TX_WITHDRAWAL ||
	    t->type == TX_EXCHANGE)
		return DEC_ZERO;
	/* No cash: what a trade paid came from outside, what it got went
	 * out. */
	return dec_sub(ledger_external_flow(t), dec_mul(ledger_cash(t, cur),
	    t->fx_rate));
}

/* How many distinct currencies the transactions move cash in (a bound:
 * minor units count apart). */
static size_t
currencies(const struct series_input *in)
{
	char seen[64][4];
	size_t n = 0;

	for (size_t i = 0; i < in->ntx; i++) {
		const char *c[2] = { in->txs[i].currency, in->txs[i].counter };

		for (int k = 0; k < 2; k++) {
			size_t j;

			if (c[k][0] == '\0')
				continue;
			for (j = 0; j < n && strcmp(seen[j], c[k]) != 0; j++)
				;
			if (j < n)
				continue;
			if (n == 64)
				return 2 * in->ntx;	/* many: the safe bound */
			memcpy(seen[n++], c[k], 4);
		}
	}
	return n;
}

/* Pair sp's rate as of the end of its k-th point (k > 0), or its latest
 * for want of any (k == 0, as of its moment less FX_WANT), into *out. */
static void
pair_rate(const struct series_pair *sp, size_t k, struct fx_rate *out)
{
	memcpy(out->from, sp->from, 4);
	memcpy(out->to, sp->to, 4);
	if (k > 0) {
		const struct series_point *x = &sp->rates[k - 1];

		out->rate = x->v;
		out->as_of = sp->has_latest && x->day ==
		    (long)(sp->latest_as_of / 86400) &&
		    dec_cmp(x->v, sp->latest) == 0 ? sp->latest_as_of :
		    (time_t)x->day * 86400;
	} else {
		out->rate = sp->latest;
		out->as_of = sp->latest_as_of - FX_WANT;
	}
}

size_t
series_rates_at(const struct series_pair *pairs, size_t npairs,
    size_t *cursor, long day, struct fx_rate *rates)
{
	size_t n = 0;

	for (size_t p = 0; p < npairs; p++) {
		const struct series_pair *sp = &pairs[p];

		while (cursor[p] < sp->nrate && sp->rates[cursor[p]].day <= day)
			cursor[p]++;
		if (cursor[p] == 0 && !sp->has_latest)
			continue;
		pair_rate(sp, cursor[p], &rates[n++]);
	}
	return n;
}

int
fx_rate_on(const struct fx_days *h, long day, const char *from,
    const char *to, dec *rate, enum fx_origin *origin, long *rate_day)
{
	struct fx_rate *v = malloc((h->npairs + 1) * sizeof(*v));
	struct fx_table fx = { v, 0 };
	struct fx_path path;
	int latest = 0;

	if (v == NULL)
		return -1;
	for (size_t p = 0; p < h->npairs; p++) {
		const struct series_pair *sp = &h->pairs[p];
		size_t lo = 0, hi = sp->nrate;

		/* k: how many of its points are on or before day. */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (sp->rates[mid].day <= day)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == 0 && !sp->has_latest)
			continue;
		pair_rate(sp, lo, &v[fx.n++]);
	}
	fx_path_find(&fx, from, to, &path);
	latest = path.legs > 0 && path.as_of < 0;
	if (latest)
		path.as_of += FX_WANT;
	free(v);
	if (!path.known)
		return -1;
	*rate = fx_path_apply(&path, DEC_ONE);
	*rate_day = (long)(path.as_of / 86400);
	*origin = path.legs == 0 ? FX_GIVEN : latest ? FX_LATEST :
	    *rate_day == day ? FX_OF_DAY : FX_EARLIER;
	return 0;
}

int
series_build(const struct series_input *in, long from, long to,
    struct perf_day *out)
{
	struct held *h = calloc(in->ninst + 1, sizeof(*h));
	struct balance *cash = calloc(currencies(in) + 1, sizeof(*cash));
	struct fx_rate *rates = calloc(in->npairs + 1, sizeof(*rates));
	size_t *rnext = calloc(in->npairs + 1, sizeof(*rnext));
	long *txday = calloc(in->ntx + 1, sizeof(*txday));
	size_t ncash = 0, k = 0;
	long start = from;
	struct perf_day eve;
	int rc = -1;
	char msg[200];

	if (h == NULL || cash == NULL || rates == NULL || rnext == NULL ||
	    txday == NULL)
		goto out;
	for (size_t i = 0; i < in->ninst; i++)
		if (currency_major(in->inst[i].currency, h[i].major,
		    &h[i].factor) != 0)
			h[i].major[0] = '\0';
	for (size_t i = 0; i < in->ntx; i++) {
		txday[i] = perf_daynum(in->txs[i].date);
		if (txday[i] < start)
			start = txday[i];
	}
	for (long day = start; day <= to; day++) {
		struct perf_day *o = day >= from ? &out[day - from] : NULL;
		struct fx_table fx = { rates, 0 };
		struct paths ps;
		dec flow = DEC_ZERO, inflow = DEC_ZERO, income = DEC_ZERO;
		dec fees = DEC_ZERO;

		/* The day's transactions, in the ledger's order. */
		for (; k < in->ntx && txday[k] == day; k++) {
			const struct tx *t = &in->txs[k];
			int owed = 0;
			char cur[4];
			dec v;

			if (t->instrument != 0) {
				const struct series_inst *si = bsearch(
				    &t->instrument, in->inst, in->ninst,
				    sizeof(*in->inst), cmp_inst);
				struct held *x;

				if (si == NULL)
					goto out;
				x = &h[si - in->inst];
				owed = si->liability;
				if (ledger_apply(&x->st, t, in->method, msg,
				    sizeof(msg)) != 0)
					goto out;
				if ((t->has & TXF_PRICE) && (t->type == TX_BUY ||
				    t->type == TX_SELL ||
				    t->type == TX_TRANSFER_IN ||
				    t->type == TX_TRANSFER_OUT)) {
					x->has_trade = 1;
					x->trade_price = t->price;
					memcpy(x->trade_cur, t->currency, 4);
				}
			}
			v = ledger_cash(t, cur);
			add_balance(cash, &ncash, cur, v);
			v = ledger_cash_counter(t, cur);
			add_balance(cash, &ncash, cur, v);
			/* A debt brought in is value taken out. */
			v = flow_of(t, in->track_cash);
			if (owed)
				v = dec_neg(v);
			flow = dec_add(flow, v);
			if (dec_sign(v) > 0)
				inflow = dec_add(inflow, v);
			if (t->type == TX_DIVIDEND || t->type == TX_INTEREST)
				income = dec_add(income, to_base(t, t->amount));
			if (t->type == TX_FEE || t->type == TX_TAX)
				fees = dec_add(fees, to_base(t, t->amount));
			if (t->has & TXF_FEE)
				fees = dec_add(fees, to_base(t, t->fee));
		}
		if (o == NULL && day == from - 1)
			o = &eve;	/* the eve of from: its rates and holdings */
		if (o == NULL)
			continue;
		memset(o, 0, sizeof(*o));
		ps.n = 0;
		perf_ymd(day, o->day);
		o->flow = flow, o->inflow = inflow;
		o->income = income, o->fees = fees;
		fx.n = series_rates_at(in->pairs, in->npairs, rnext, day,
		    rates);
		for (size_t i = 0; i < in->ninst; i++) {
			const struct series_inst *si = &in->inst[i];
			struct held *x = &h[i];
			const char *major = x->major;
			char tmajor[4];
			dec price, factor = x->factor, v, rate, e;
			dec cost = x->st.p.cost, q = x->st.p.quantity;
			int ok;

			while (x->next < si->nclose &&
			    si->closes[x->next].day <= day)
				x->next++;
			if (si->liability)
				cost = dec_neg(cost);
			o->cost = dec_add(o->cost, cost);
			if (dec_is_zero(q) && dec_is_zero(x->fx.amount))
				continue;
			if (x->next > 0)
				price = si->closes[x->next - 1].v;
			else if (x->has_trade &&
			    currency_major(x->trade_cur, tmajor, &factor) == 0) {
				price = x->trade_price;
				major = tmajor;
			} else {
				o->unpriced += !dec_is_zero(q);
				x->fx.cur[0] = '\0';
				x->fx.amount = q;
				continue;
			}
			ok = *major != '\0' && convert(&ps, &fx, in->base, major,
			    DEC_ONE, &rate) == 0;
			e = carry_over(&x->fx, dec_mul(price, factor), major,
			    ok && strcmp(major, in->base) != 0, rate, q);
			if (dec_is_zero(q))
				;
			else if (!ok || convert(&ps, &fx, in->base, major,
			    dec_mul(dec_mul(q, price), factor), &v) != 0 ||
			    !dec_storable(dec_add(o->value, v)))
				o->unpriced++;	/* no price, or past 10^18 */
			else
				o->value = dec_add(o->value, si->liability ?
				    dec_neg(v) : v);
			o->fx = dec_add(o->fx, si->liability ? dec_neg(e) : e);
		}
		for (size_t c = 0; in->track_cash && c < ncash; c++) {
			struct balance *b = &cash[c];
			dec v, rate;
			int ok;

			if (dec_is_zero(b->v) && dec_is_zero(b->fx.amount))
				continue;
			ok = convert(&ps, &fx, in->base, b->cur, DEC_ONE,
			    &rate) == 0;
			o->fx = dec_add(o->fx, carry_over(&b->fx, DEC_ONE,
			    b->cur, ok && strcmp(b->cur, in->base) != 0, rate,
			    b->v));
			if (dec_is_zero(b->v))
				continue;
			if (convert(&ps, &fx, in->base, b->cur, b->v, &v) != 0 ||
			    !dec_storable(dec_add(o->cash, v))) {
				o->unpriced++;
				continue;
			}
			o->cash = dec_add(o->cash, v);
		}
		if (!dec_storable(dec_add(o->value, o->cash)))
			o->unpriced++, o->cash = DEC_ZERO;
		o->value = dec_add(o->value, o->cash);
		if (!dec_storable(o->fx))
			o->fx = DEC_ZERO;
	}
	rc = 0;
out:
	for (size_t i = 0; h != NULL && i < in->ninst; i++)
		ledger_free(&h[i].st);
	free(h);
	free(cash);
	free(rates);
	free(rnext);
	free(txday);
	return rc;
}
