/*
 * ledger.c - positions from transactions (see ledger.h).
 */
#include "ledger.h"

#include "buf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const tx_type_names[TX__MAX] = {
	"buy", "sell", "dividend", "interest", "fee", "tax", "split",
	"deposit", "withdrawal", "transfer_in", "transfer_out", "exchange",
};

int
tx_type_parse(const char *s)
{
	for (int i = 0; i < TX__MAX; i++)
		if (strcasecmp(s, tx_type_names[i]) == 0)
			return i;
	return -1;
}

dec
ledger_gross(const struct tx *t)
{
	char major[4];
	dec factor;

	if (currency_major(t->currency, major, &factor) != 0)
		return DEC_NAN;
	return dec_mul(dec_mul(t->quantity, t->price), factor);
}

/* v, in t's currency as entered (pence for GBp), in the major unit. */
static dec
major(const struct tx *t, dec v)
{
	char cur[4];
	dec factor;

	if (currency_major(t->currency, cur, &factor) != 0)
		return DEC_NAN;
	return dec_mul(v, factor);
}

/* v, in the major unit of t's currency, in the base currency. */
static dec
base(const struct tx *t, dec v)
{
	return dec_mul(v, t->fx_rate);
}

static dec
fee_of(const struct tx *t)
{
	return (t->has & TXF_FEE) ? major(t, t->fee) : DEC_ZERO;
}

static dec
amount_of(const struct tx *t)
{
	return major(t, t->amount);
}

const char *
tx_check(struct tx *t, const char **field)
{
	int trade = t->type == TX_BUY || t->type == TX_SELL ||
	    t->type == TX_TRANSFER_IN || t->type == TX_TRANSFER_OUT;
	char major[4];
	dec f;

	if (t->type < 0 || t->type >= TX__MAX)
		return *field = "type", "Choose a transaction type.";
	if (currency_major(t->currency, major, &f) != 0)
		return *field = "currency", "Enter a currency code like USD.";
	if ((t->has & TXF_FX) && dec_sign(t->fx_rate) <= 0)
		return *field = "fx_rate", "The exchange rate must be above 0.";
	if (!(t->has & TXF_FX))
		t->fx_rate = DEC_ONE;
	if ((t->has & TXF_FEE) && dec_sign(t->fee) < 0)
		return *field = "fee", "A fee cannot be negative.";
	/* An explicit 0 is the same as no fee, and no amount where the
	 * amount may be derived. */
	if ((t->has & TXF_FEE) && dec_is_zero(t->fee))
		t->has &= ~TXF_FEE;
	if ((t->has & TXF_AMOUNT) && dec_is_zero(t->amount) &&
	    (trade || t->type == TX_SPLIT || (t->type == TX_DIVIDEND &&
	    (t->has & TXF_QUANTITY) && (t->has & TXF_PRICE))))
		t->has &= ~TXF_AMOUNT;
	if (((t->has & TXF_QUANTITY) && !dec_storable(t->quantity)) ||
	    ((t->has & TXF_PRICE) && !dec_storable(t->price)) ||
	    ((t->has & TXF_FEE) && !dec_storable(t->fee)) ||
	    ((t->has & TXF_AMOUNT) && !dec_storable(t->amount)) ||
	    ((t->has & TXF_FX) && !dec_storable(t->fx_rate)))
		return *field = (t->has & TXF_QUANTITY) &&
		    !dec_storable(t->quantity) ? "quantity" :
		    (t->has & TXF_PRICE) && !dec_storable(t->price) ? "price" :
		    (t->has & TXF_FEE) && !dec_storable(t->fee) ? "fee" :
		    (t->has & TXF_AMOUNT) && !dec_storable(t->amount) ?
		    "amount" : "fx_rate", "That number is too large.";
	if ((t->has & TXF_FEE) && (t->type == TX_FEE || t->type == TX_TAX ||
	    t->type == TX_SPLIT || t->type == TX_DEPOSIT ||
	    t->type == TX_WITHDRAWAL))
		return *field = "fee", "This type has no fee: record a fee as a "
		    "transaction of its own.";
	if ((t->has & TXF_AMOUNT) && dec_sign(t->amount) < 0)
		return *field = "amount", "Enter the amount as a positive "
		    "number.";
	if (trade || t->type == TX_SPLIT || t->type == TX_DIVIDEND) {
		if (t->instrument == 0)
			return *field = "symbol", "This type needs a symbol.";
	}
	if ((t->type == TX_DEPOSIT || t->type == TX_WITHDRAWAL ||
	    t->type == TX_EXCHANGE) && t->instrument != 0)
		return *field = "symbol", t->type == TX_EXCHANGE ? "An "
		    "exchange has no symbol: it moves cash." : "Deposits and "
		    "withdrawals have no symbol.";
	if (t->type != TX_EXCHANGE)
		t->counter[0] = '\0';
	if (trade) {
		if (!(t->has & TXF_QUANTITY) || dec_sign(t->quantity) <= 0)
			return *field = "quantity", "Enter a quantity above 0.";
		if (!(t->has & TXF_PRICE) || dec_sign(t->price) < 0)
			return *field = "price", "Enter the price per unit.";
		if (!dec_storable(ledger_gross(t)) ||
		    !dec_storable(dec_mul(ledger_gross(t), t->fx_rate)))
			return *field = "quantity", "Quantity times price is "
			    "too large to store.";
		return NULL;
	}
	switch (t->type) {
	case TX_EXCHANGE:
		if (!currency_valid(t->counter) ||
		    currency_major(t->counter, major, &f) != 0 ||
		    strcmp(major, t->counter) != 0)
			return *field = "counter_currency", "Enter the currency "
			    "bought, like EUR.";
		if (currency_major(t->currency, major, &f) != 0 ||
		    strcmp(major, t->counter) == 0)
			return *field = "counter_currency", "Choose a currency "
			    "other than the one sold.";
		if (!(t->has & TXF_AMOUNT) || dec_sign(t->amount) <= 0)
			return *field = "amount", "Enter the amount sold.";
		if (!(t->has & TXF_QUANTITY) && (t->has & TXF_PRICE) &&
		    dec_sign(t->price) > 0) {
			t->quantity = dec_mul(t->amount, t->price);
			t->has |= TXF_QUANTITY;
		}
		if (!(t->has & TXF_QUANTITY) || dec_sign(t->quantity) <= 0)
			return *field = "quantity", "Enter the amount bought, "
			    "or the rate.";
		if (dec_bad(t->quantity) || !dec_storable(t->quantity))
			return *field = "quantity", "That number is too large.";
		return NULL;
	case TX_SPLIT:
		if (!(t->has & TXF_QUANTITY) || dec_sign(t->quantity) <= 0)
			return *field = "quantity", "Enter the split ratio: new "
			    "shares per old share (2 for two-for-one).";
		if ((t->has & TXF_PRICE) && dec_sign(t->price) <= 0)
			return *field = "price", "Enter the old shares of the "
			    "ratio (3 for one-for-three), or leave it empty.";
		return NULL;
	case TX_DIVIDEND:
		if (!(t->has & TXF_AMOUNT)) {
			if (!(t->has & TXF_QUANTITY) || !(t->has & TXF_PRICE))
				return *field = "amount", "Enter the amount, "
				    "or quantity and dividend per share.";
			if (dec_sign(t->quantity) <= 0 ||
			    dec_sign(t->price) < 0)
				return *field = "quantity", "Enter a quantity "
				    "and a dividend per share above 0.";
			t->amount = dec_mul(t->quantity, t->price);
			t->has |= TXF_AMOUNT;
		}
		if (!dec_storable(t->amount))
			return *field = "amount", "Quantity times dividend per "
			    "share is too large to store.";
		return NULL;
	default:
		if (!(t->has & TXF_AMOUNT))
			return *field = "amount", "Enter the amount.";
		return NULL;
	}
}

/*
 * Shares after split t: quantity x new / old, where new is t's quantity
 * and old its price when given (1 and 3 for one-for-three, exact where
 * 0.333... is not), else 1.
 */
static dec
split(const struct tx *t, dec shares)
{
	if (t->has & TXF_PRICE)
		return dec_div(dec_mul(shares, t->quantity), t->price);
	return dec_mul(shares, t->quantity);
}

void
ledger_init(struct ledger_state *st)
{
	memset(st, 0, sizeof(*st));
}

void
ledger_free(struct ledger_state *st)
{
	free(st->lots);
	ledger_init(st);
}

static int
lots_push(struct ledger_state *st, dec qty, dec cost)
{
	if (st->head > 0 && st->n == st->cap) {
		/* Reuse the room of lots already sold. */
		memmove(st->lots, st->lots + st->head,
		    (st->n - st->head) * sizeof(*st->lots));
		st->n -= st->head;
		st->head = 0;
	}
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 16;
		struct lot *v = realloc(st->lots, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		st->lots = v;
		st->cap = cap;
	}
	st->lots[st->n].qty = qty;
	st->lots[st->n].cost = cost;
	st->n++;
	return 0;
}

/* Takes qty out of the position; returns the cost basis that leaves. */
static dec
take(struct ledger_state *st, enum cost_method m, dec qty)
{
	struct position *p = &st->p;
	dec out = DEC_ZERO;

	if (dec_cmp(qty, p->quantity) == 0) {
		/* Everything: exactly the remaining cost, no rounding. */
		out = p->cost;
		st->head = st->n;
	} else if (m == COST_AVERAGE) {
		out = dec_div(dec_mul(p->cost, qty), p->quantity);
	} else {
		dec left = qty;

		while (dec_sign(left) > 0 && st->head < st->n) {
			struct lot *l = &st->lots[st->head];

			if (dec_cmp(l->qty, left) <= 0) {
				out = dec_add(out, l->cost);
				left = dec_sub(left, l->qty);
				st->head++;
			} else {
				dec part = dec_div(dec_mul(l->cost, left),
				    l->qty);

				out = dec_add(out, part);
				l->qty = dec_sub(l->qty, left);
				l->cost = dec_sub(l->cost, part);
				left = DEC_ZERO;
			}
		}
	}
	p->quantity = dec_sub(p->quantity, qty);
	p->cost = dec_sub(p->cost, out);
	if (dec_is_zero(p->quantity)) {
		p->cost = DEC_ZERO;
		st->head = st->n = 0;
	}
	return out;
}

int
ledger_apply(struct ledger_state *st, const struct tx *t, enum cost_method m,
    char *msg, size_t msglen)
{
	struct position *p = &st->p;
	dec fee = base(t, fee_of(t)), cost, got;
	char q[DEC_BUFSZ], h[DEC_BUFSZ];

	switch (t->type) {
	case TX_BUY:
	case TX_TRANSFER_IN:
		cost = dec_add(base(t, ledger_gross(t)), fee);
		p->quantity = dec_add(p->quantity, t->quantity);
		p->cost = dec_add(p->cost, cost);
		p->fees = dec_add(p->fees, fee);
		if (m == COST_FIFO && lots_push(st, t->quantity, cost) != 0) {
			snprintf(msg, msglen, "Out of memory.");
			return -1;
		}
		break;
	case TX_SELL:
	case TX_TRANSFER_OUT:
		if (dec_cmp(t->quantity, p->quantity) > 0) {
			snprintf(msg, msglen, "On %s this %s %s, but only %s %s "
			    "held then.", t->date, t->type == TX_SELL ?
			    "sells" : "transfers out",
			    dec_format(t->quantity, -1, q),
			    dec_format(p->quantity, -1, h),
			    dec_cmp(p->quantity, DEC_ONE) == 0 ? "was" :
			    "were");
			return -1;
		}
		cost = take(st, m, t->quantity);
		p->fees = dec_add(p->fees, fee);
		if (t->type == TX_SELL) {
			got = dec_sub(base(t, ledger_gross(t)), fee);
			p->realized = dec_add(p->realized, dec_sub(got, cost));
		} else
			p->charges = dec_add(p->charges, fee);
		break;
	case TX_SPLIT:
		p->quantity = split(t, p->quantity);
		for (size_t k = st->head; k < st->n; k++)
			st->lots[k].qty = split(t, st->lots[k].qty);
		break;
	case TX_DIVIDEND:
	case TX_INTEREST:
		p->income = dec_add(p->income, base(t, amount_of(t)));
		p->fees = dec_add(p->fees, fee);
		p->charges = dec_add(p->charges, fee);
		break;
	case TX_FEE:
		p->fees = dec_add(p->fees, base(t, amount_of(t)));
		p->charges = dec_add(p->charges, base(t, amount_of(t)));
		break;
	case TX_TAX:
		p->taxes = dec_add(p->taxes, base(t, amount_of(t)));
		break;
	default:
		break;
	}
	/* What is stored must fit its column (DECIMAL(30,12)). */
	if (!dec_storable(p->quantity) || !dec_storable(p->cost) ||
	    !dec_storable(p->realized) || !dec_storable(p->income) ||
	    !dec_storable(p->fees) || !dec_storable(p->taxes) ||
	    !dec_storable(p->charges)) {
		snprintf(msg, msglen, "On %s the %s would be too large to "
		    "store.", t->date, !dec_storable(p->quantity) ?
		    "quantity held" : "holding's cost or totals");
		return -1;
	}
	return 0;
}

int
ledger_position(const struct tx *txs, size_t n, enum cost_method m,
    struct position *p, size_t *bad, char *msg, size_t msglen)
{
	struct ledger_state st;
	int rc = 0;

	ledger_init(&st);
	for (size_t i = 0; i < n && rc == 0; i++)
		if ((rc = ledger_apply(&st, &txs[i], m, msg, msglen)) != 0)
			*bad = i;
	*p = st.p;
	ledger_free(&st);
	return rc;
}

void
ledger_lots_format(const struct ledger_state *st, struct buf *out)
{
	char q[DEC_BUFSZ], c[DEC_BUFSZ];

	for (size_t k = st->head; k < st->n; k++)
		buf_printf(out, "%s%s:%s", k > st->head ? ";" : "",
		    dec_format(st->lots[k].qty, -1, q),
		    dec_format(st->lots[k].cost, -1, c));
}

int
ledger_lots_parse(struct ledger_state *st, const char *text)
{
	const char *p = text;

	st->head = st->n = 0;
	while (*p) {
		const char *colon = strchr(p, ':'), *end;
		dec qty, cost;

		if (colon == NULL)
			return -1;
		end = colon + strcspn(colon, ";");
		if (dec_parsen(p, (size_t)(colon - p), &qty) != 0 ||
		    dec_parsen(colon + 1, (size_t)(end - colon - 1), &cost) != 0 ||
		    lots_push(st, qty, cost) != 0)
			return -1;
		p = *end ? end + 1 : end;
	}
	return 0;
}

dec
ledger_cash(const struct tx *t, char cur[4])
{
	dec fee = fee_of(t), f;

	if (currency_major(t->currency, cur, &f) != 0)
		return DEC_NAN;
	switch (t->type) {
	case TX_DEPOSIT:
		return amount_of(t);
	case TX_INTEREST:
		return dec_sub(amount_of(t), fee);
	case TX_WITHDRAWAL:
	case TX_FEE:
	case TX_TAX:
		return dec_neg(amount_of(t));
	case TX_BUY:
		return dec_neg(dec_add(ledger_gross(t), fee));
	case TX_SELL:
		return dec_sub(ledger_gross(t), fee);
	case TX_DIVIDEND:
		return dec_sub(amount_of(t), fee);
	case TX_TRANSFER_IN:
	case TX_TRANSFER_OUT:
		return dec_neg(fee);
	case TX_EXCHANGE:
		return dec_neg(dec_add(amount_of(t), fee));
	default:
		return DEC_ZERO;
	}
}

dec
ledger_cash_counter(const struct tx *t, char cur[4])
{
	cur[0] = '\0';
	if (t->type != TX_EXCHANGE)
		return DEC_ZERO;
	memcpy(cur, t->counter, 4);
	return t->quantity;
}

void
ledger_flows(const struct tx *t, dec *income, dec *fees, dec *taxes)
{
	*income = *fees = *taxes = DEC_ZERO;
	if (t->instrument != 0)
		return;
	if (t->type == TX_INTEREST) {
		*income = base(t, amount_of(t));
		*fees = base(t, fee_of(t));
	}
	else if (t->type == TX_FEE)
		*fees = base(t, amount_of(t));
	else if (t->type == TX_EXCHANGE)
		*fees = base(t, fee_of(t));
	else if (t->type == TX_TAX)
		*taxes = base(t, amount_of(t));
}

dec
ledger_external_flow(const struct tx *t)
{
	switch (t->type) {
	case TX_DEPOSIT:
		return base(t, amount_of(t));
	case TX_WITHDRAWAL:
		return dec_neg(base(t, amount_of(t)));
	case TX_TRANSFER_IN:
		return base(t, ledger_gross(t));
	case TX_TRANSFER_OUT:
		return dec_neg(base(t, ledger_gross(t)));
	default:
		return DEC_ZERO;
	}
}

char *
ledger_order_key(const struct tx *t, char out[LEDGER_KEYSZ])
{
	snprintf(out, LEDGER_KEYSZ, "%.10s|%c|%.8s", t->date,
	    t->type == TX_SPLIT ? '0' : '1', t->time);
	return out;
}

int
ledger_order_cmp(const struct tx *a, const struct tx *b)
{
	/* The key's parts, without writing it (imports sort with this). */
	int c = strcmp(a->date, b->date);

	if (c == 0)
		c = (a->type != TX_SPLIT) - (b->type != TX_SPLIT);
	return c != 0 ? c : strcmp(a->time, b->time);
}

static int
valid_ymd(int y, int m, int d)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

/* Reads 1 to max digits at *p into *v; returns how many, 0 if none. */
static int
digits(const char **p, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (n < max && **p >= '0' && **p <= '9') {
		*v = *v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return (**p >= '0' && **p <= '9') ? 0 : n;
}

/*
 * Reads a time of day at p (see ledger_datetime) into time; returns 0,
 * or -1 if p is not one.
 */
static int
time_of_day(const char *p, char time[9])
{
	int h, m, sec = 0, n;

	n = digits(&p, 6, &h);
	if (n == 6 || n == 4) {				/* HHMMSS, HHMM */
		if (n == 6)
			sec = h % 100, h /= 100;
		m = h % 100, h /= 100;
	} else {
		if (n < 1 || n > 2 || *p != ':')
			return -1;
		p++;
		if (digits(&p, 2, &m) != 2)
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec) != 2)
				return -1;
			if (*p == '.' || *p == ',') {	/* a fraction */
				int f;

				p++;
				if (digits(&p, 9, &f) == 0)
					return -1;
			}
		}
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == ' ' && isupper((unsigned char)p[1])) {
		/* A zone's abbreviation (EST), kept as well. */
		p++;
		while (isupper((unsigned char)*p))
			p++;
	} else if (*p == '+' || *p == '-') {		/* a zone, kept */
		int zh, zm;

		p++;
		n = digits(&p, 4, &zh);
		if (n == 2 && *p == ':') {
			p++;
			if (digits(&p, 2, &zm) != 2)
				return -1;
		} else if (n != 2 && n != 4)
			return -1;
	}
	if (*p != '\0' || h > 23 || m > 59 || sec > 60)
		return -1;
	if (sec > 59)
		sec = 59;			/* a leap second */
	time[0] = (char)('0' + h / 10), time[1] = (char)('0' + h % 10);
	time[3] = (char)('0' + m / 10), time[4] = (char)('0' + m % 10);
	time[6] = (char)('0' + sec / 10), time[7] = (char)('0' + sec % 10);
	time[2] = time[5] = ':';
	time[8] = '\0';
	return 0;
}

const char *
ledger_date(const char *in, char out[11])
{
	char time[9];

	return ledger_datetime(in, out, time);
}

const char *
ledger_datetime(const char *in, char out[11], char time[9])
{
	const char *p = in;
	int a, b, c, na, nb, nc, y, m, d;
	char s1, s2;

	time[0] = '\0';
	na = digits(&p, 8, &a);
	if (na == 8 && (*p == '\0' || *p == ';' || *p == ' ' ||
	    *p == 'T')) {				/* YYYYMMDD */
		y = a / 10000, m = a / 100 % 100, d = a % 100;
		goto time;
	}
	if (na == 0 || na > 4 || na == 3 || strchr("-/.", *p) == NULL)
		return "Enter the date as YYYY-MM-DD.";
	s1 = *p++;
	nb = digits(&p, 2, &b);
	s2 = *p;
	if (nb == 0 || s2 != s1)
		return "Enter the date as YYYY-MM-DD.";
	p++;
	nc = digits(&p, 4, &c);
	if (na == 4 && nc >= 1 && nc <= 2 && s1 != '.') {
		/* YYYY-MM-DD, YYYY/MM/DD */
		y = a, m = b, d = c;
	} else if (na <= 2 && nc == 4) {
		if (s1 == '.' || s1 == '-') {		/* DD.MM.YYYY */
			y = c, m = b, d = a;
		} else {				/* DD/MM or MM/DD */
			int dm = valid_ymd(c, b, a), md = valid_ymd(c, a, b);

			if (dm && md && a != b)
				return "This date could be day/month or "
				    "month/day; write it as YYYY-MM-DD.";
			y = c;
			if (dm)
				m = b, d = a;
			else
				m = a, d = b;
		}
	} else
		return "Enter the date as YYYY-MM-DD.";
time:
	if (*p != '\0') {
		if ((*p != 'T' && *p != ' ' && *p != ';') ||
		    time_of_day(p + 1 + (p[0] == ';' && p[1] == ' '), time) != 0)
			return "Enter the date as YYYY-MM-DD, and a time as "
			    "HH:MM:SS after it.";
	}
	if (!valid_ymd(y, m, d))
		return "That date does not exist.";
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = out[7] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
	return NULL;
}
