/*
 * gains.c - realized gains matched to lots (see gains.h).
 */
#include "gains.h"

#include <stdlib.h>
#include <string.h>

#include "perf.h"

struct dlot {
	char day[11];
	dec qty, cost;
};

struct book {
	long long id;
	struct dlot *lots;
	size_t head, n, cap;
	dec qty, cost;
	char first[11];		/* the pool's first purchase */
};

/* v (t's currency as entered) in base, at t's rate. */
static dec
base(const struct tx *t, dec v)
{
	char major[4];
	dec factor;

	if (currency_major(t->currency, major, &factor) != 0)
		return DEC_NAN;
	return dec_mul(dec_mul(v, factor), t->fx_rate);
}

static struct book *
book_of(struct book **v, size_t *n, size_t *cap, long long id)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].id == id)
			return &(*v)[i];
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 32;
		struct book *x = realloc(*v, c * sizeof(*x));

		if (x == NULL)
			return NULL;
		*v = x, *cap = c;
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].id = id;
	return &(*v)[(*n)++];
}

static int
emit(struct gain_line **out, size_t *nout, const struct gain_line *g)
{
	struct gain_line *x = realloc(*out, (*nout + 1) * sizeof(*x));

	if (x == NULL)
		return -1;
	*out = x;
	x[(*nout)++] = *g;
	return 0;
}

static dec
after_split(const struct tx *t, dec shares)
{
	if (t->has & TXF_PRICE)
		return dec_div(dec_mul(shares, t->quantity), t->price);
	return dec_mul(shares, t->quantity);
}

/* Takes t's quantity out of b, reporting the lots when report. */
static int
take(struct book *b, const struct tx *t, enum cost_method m, int report,
    struct gain_line **out, size_t *nout)
{
	dec q = t->quantity, left = q, proceeds = DEC_ZERO, given = DEC_ZERO;
	int all = dec_cmp(q, b->qty) == 0;
	struct gain_line g;

	if (dec_cmp(q, b->qty) > 0)
		return -1;
	if (t->type == TX_SELL)
		proceeds = dec_sub(base(t, ledger_gross(t)), (t->has &
		    TXF_FEE) ? base(t, t->fee) : DEC_ZERO);
	memset(&g, 0, sizeof(g));
	g.instrument = t->instrument;
	memcpy(g.sold, t->date, sizeof(g.sold));
	if (m == COST_AVERAGE) {
		g.pooled = 1;
		memcpy(g.acquired, b->first, sizeof(g.acquired));
		g.quantity = q;
		g.cost = all ? b->cost : dec_div(dec_mul(b->cost, q), b->qty);
		g.proceeds = proceeds;
		g.gain = dec_sub(g.proceeds, g.cost);
		g.days = perf_daynum(t->date) - perf_daynum(b->first);
		b->cost = dec_sub(b->cost, g.cost);
		if (report && emit(out, nout, &g) != 0)
			return -1;
	} else {
		while (dec_sign(left) > 0 && b->head < b->n) {
			struct dlot *l = &b->lots[b->head];
			int whole = dec_cmp(l->qty, left) <= 0;
			dec part = whole ? l->qty : left;

			g.quantity = part;
			g.cost = whole ? l->cost : dec_div(dec_mul(l->cost,
			    part), l->qty);
			memcpy(g.acquired, l->day, sizeof(g.acquired));
			left = dec_sub(left, part);
			/* The last share takes what is left: the parts add
			 * up to the proceeds exactly. */
			g.proceeds = dec_sign(left) > 0 ? dec_div(dec_mul(
			    proceeds, part), q) : dec_sub(proceeds, given);
			given = dec_add(given, g.proceeds);
			g.gain = dec_sub(g.proceeds, g.cost);
			g.days = perf_daynum(t->date) - perf_daynum(l->day);
			if (whole)
				b->head++;
			else {
				l->qty = dec_sub(l->qty, part);
				l->cost = dec_sub(l->cost, g.cost);
			}
			b->cost = dec_sub(b->cost, g.cost);
			if (report && emit(out, nout, &g) != 0)
				return -1;
		}
	}
	b->qty = dec_sub(b->qty, q);
	if (dec_is_zero(b->qty)) {
		b->cost = DEC_ZERO;
		b->head = b->n = 0;
		b->first[0] = '\0';
	}
	return 0;
}

int
gains_report(const struct tx *txs, size_t n, enum cost_method m,
    const char *from, const char *to, struct gain_line **out, size_t *nout)
{
	struct book *books = NULL;
	size_t nb = 0, cb = 0;
	int rc = -1;

	for (size_t i = 0; i < n; i++) {
		const struct tx *t = &txs[i];
		struct book *b;
		dec cost;

		if (t->instrument == 0)
			continue;
		if ((b = book_of(&books, &nb, &cb, t->instrument)) == NULL)
			goto out;
		switch (t->type) {
		case TX_BUY:
		case TX_TRANSFER_IN:
			cost = dec_add(base(t, ledger_gross(t)), (t->has &
			    TXF_FEE) ? base(t, t->fee) : DEC_ZERO);
			if (b->n == b->cap) {
				size_t c = b->cap ? b->cap * 2 : 8;
				struct dlot *x = realloc(b->lots,
				    c * sizeof(*x));

				if (x == NULL)
					goto out;
				b->lots = x, b->cap = c;
			}
			memcpy(b->lots[b->n].day, t->date, 11);
			b->lots[b->n].qty = t->quantity;
			b->lots[b->n].cost = cost;
			b->n++;
			if (dec_is_zero(b->qty))
				memcpy(b->first, t->date, 11);
			b->qty = dec_add(b->qty, t->quantity);
			b->cost = dec_add(b->cost, cost);
			break;
		case TX_SELL:
		case TX_TRANSFER_OUT:
			if (take(b, t, m, t->type == TX_SELL &&
			    strcmp(t->date, from) >= 0 &&
			    strcmp(t->date, to) <= 0, out, nout) != 0)
				goto out;
			break;
		case TX_SPLIT:
			b->qty = after_split(t, b->qty);
			for (size_t k = b->head; k < b->n; k++)
				b->lots[k].qty = after_split(t, b->lots[k].qty);
			break;
		default:
			break;
		}
	}
	rc = 0;
out:
	for (size_t i = 0; i < nb; i++)
		free(books[i].lots);
	free(books);
	return rc;
}
