/*
 * present.c - portfolio figures as template data and as JSON (see
 * web.h).  Amounts in a currency are rounded half-even to its minor
 * unit here, at display, and nowhere else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "live.h"
#include "view.h"
#include "web.h"

static const char *
sign_class(dec v)
{
	int s = dec_sign(v);

	return s > 0 ? "gain" : s < 0 ? "loss" : "flat";
}

void
put_money(HDF *hdf, const char *name, dec v, const char *cur)
{
	char buf[DEC_BUFSZ], sname[160];

	view_set(hdf, name, dec_format_grouped(v, currency_places(cur), buf));
	snprintf(sname, sizeof(sname), "%s.sign", name);
	view_set(hdf, sname, sign_class(dec_round(v, currency_places(cur))));
}

void
put_signed(HDF *hdf, const char *name, dec v, const char *cur)
{
	char buf[DEC_BUFSZ + 1], sname[160];

	buf[0] = '+';
	dec_format_grouped(v, currency_places(cur), buf + 1);
	view_set(hdf, name, dec_sign(dec_round(v, currency_places(cur))) > 0 ?
	    buf : buf + 1);
	snprintf(sname, sizeof(sname), "%s.sign", name);
	view_set(hdf, sname, sign_class(dec_round(v, currency_places(cur))));
}

int
put_live_since(struct req *r, HDF *hdf)
{
	struct live_cursor c;
	char id[LIVE_CURSOR_MAX];

	if (live_cursor_now(r->db, &c) != 0)
		return -1;
	live_cursor_format(&c, id);
	view_set(hdf, "Live.since", id);
	return 0;
}

void
put_computed(HDF *hdf, time_t t)
{
	char buf[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	view_set(hdf, "Computed.iso", buf);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
	view_set(hdf, "Computed.text", buf);
}

void
put_dec(HDF *hdf, const char *name, dec v)
{
	char buf[DEC_BUFSZ];

	view_set(hdf, name, dec_format_grouped(v, -1, buf));
}

/* A price: exact, with at least two decimals. */
static char *
fmt_price(dec v, char *buf)
{
	char *dot;

	dec_format_grouped(v, -1, buf);
	dot = strchr(buf, '.');
	if (dot == NULL)
		strcat(buf, ".00");
	else if (strlen(dot) == 2)
		strcat(buf, "0");
	return buf;
}

void
put_pct(HDF *hdf, const char *name, dec pct)
{
	char buf[DEC_BUFSZ + 2], sname[160];

	buf[0] = '+';
	dec_format(pct, 2, buf + 1);
	strcat(buf, "%");
	view_set(hdf, name, dec_sign(pct) > 0 ? buf : buf + 1);
	snprintf(sname, sizeof(sname), "%s.sign", name);
	view_set(hdf, sname, sign_class(pct));
}

static void
put_time(HDF *hdf, const char *name, time_t t)
{
	char buf[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm);
	view_set(hdf, name, buf);
}

/* Sorting of the holdings table (qsort_r: no shared state). */
struct sorting {
	const char *key;
	int desc;
};

static int
holding_cmp(const void *x, const void *y, void *arg)
{
	const struct holding *a = x, *b = y;
	const struct sorting *s = arg;
	const char *sort_key = s->key;
	int c = 0;

	/* Unpriced holdings sort after priced ones whichever way. */
	if (strcmp(sort_key, "symbol") != 0 && strcmp(sort_key, "quantity")
	    != 0 && a->v.priced != b->v.priced)
		return b->v.priced - a->v.priced;
	if (strcmp(sort_key, "symbol") == 0)
		c = strcmp(a->inst.symbol, b->inst.symbol);
	else if (strcmp(sort_key, "quantity") == 0)
		c = dec_cmp(a->pos.quantity, b->pos.quantity);
	else if (strcmp(sort_key, "price") == 0)
		c = dec_cmp(a->v.price, b->v.price);
	else if (strcmp(sort_key, "gain") == 0)
		c = dec_cmp(a->v.unrealized, b->v.unrealized);
	else if (strcmp(sort_key, "gain_pct") == 0)
		c = dec_cmp(a->v.unrealized_pct, b->v.unrealized_pct);
	else if (strcmp(sort_key, "day") == 0)
		c = dec_cmp(a->v.day_change, b->v.day_change);
	else if (strcmp(sort_key, "cost") == 0)
		c = dec_cmp(a->pos.cost, b->pos.cost);
	else
		c = dec_cmp(a->v.value, b->v.value);
	if (c == 0)
		c = strcmp(a->inst.symbol, b->inst.symbol);
	return s->desc ? -c : c;
}

static const char *const sort_keys[] = {
	"symbol", "quantity", "price", "value", "cost", "gain", "gain_pct",
	"day", NULL,
};

/* The donut chart: each slice a circle arc of circumference 100. */
static const char *const palette[ALLOC_MAX] = {
	"#1d6b48", "#e9b949", "#3f7cac", "#c05746", "#7a5c99", "#5aa9a0",
	"#a0a05a", "#8c8c8c",
};

static void
put_alloc(HDF *hdf, const char *name, const struct slice *s, size_t n)
{
	dec offset = dec_from_int(25), used = DEC_ZERO;
	char key[128], buf[DEC_BUFSZ], rest[DEC_BUFSZ];

	for (size_t i = 0; i < n; i++) {
		dec pct = s[i].pct;

		snprintf(key, sizeof(key), "%s.%zu.label", name, i);
		view_set(hdf, key, s[i].label);
		snprintf(key, sizeof(key), "%s.%zu.pct", name, i);
		view_set(hdf, key, dec_format(pct, 2, buf));
		snprintf(key, sizeof(key), "%s.%zu.dash", name, i);
		view_setf(hdf, key, "%s %s", dec_format(pct, 3, buf),
		    dec_format(dec_sub(dec_from_int(100), pct), 3, rest));
		snprintf(key, sizeof(key), "%s.%zu.offset", name, i);
		view_set(hdf, key, dec_format(dec_sub(offset, used), 3, buf));
		snprintf(key, sizeof(key), "%s.%zu.color", name, i);
		view_set(hdf, key, palette[i % ALLOC_MAX]);
		used = dec_add(used, pct);
	}
}

void
put_view(struct req *r, const struct pf_view *v, const char *sort,
    const char *dir)
{
	HDF *h = r->hdf;
	const char *cur = v->pf.currency;
	const struct totals *t = &v->t;
	struct holding *open;
	struct sorting srt;
	char key[128], buf[DEC_BUFSZ + 8];
	size_t nclosed = 0, k;

	put_money(h, "T.value", t->value, cur);
	put_money(h, "T.holdings_value", t->holdings_value, cur);
	put_money(h, "T.cash", t->cash, cur);
	put_money(h, "T.cost", t->cost, cur);
	put_signed(h, "T.unrealized", t->unrealized, cur);
	if (dec_sign(t->priced_cost) > 0)
		put_pct(h, "T.unrealized_pct", value_pct(t->unrealized,
		    t->priced_cost));
	put_signed(h, "T.realized", t->realized, cur);
	put_money(h, "T.income", t->income, cur);
	put_money(h, "T.fees", t->fees, cur);
	put_money(h, "T.taxes", t->taxes, cur);
	if (t->day_known > 0)
		put_signed(h, "T.day_change", t->day_change, cur);
	if (t->day_known > 0 &&
	    dec_sign(dec_sub(t->holdings_value, t->day_change)) > 0)
		put_pct(h, "T.day_pct", value_pct(t->day_change,
		    dec_sub(t->holdings_value, t->day_change)));
	put_signed(h, "T.total_gain", t->total_gain, cur);
	view_set_int(h, "T.unpriced", t->unpriced);
	view_set_int(h, "T.stale", t->stale);
	view_set_int(h, "T.unconverted", t->unconverted_cash);
	view_set_int(h, "T.open", (long long)v->nopen);
	if (v->prices_as_of)
		put_time(h, "T.prices_as_of", v->prices_as_of);
	{
		/* The stale warning names the holdings it is about. */
		struct buf names;
		int named = 0;

		buf_init(&names);
		for (size_t i = 0; i < v->nopen; i++) {
			if (!v->h[i].v.priced || !v->h[i].v.stale)
				continue;
			if (named < 10)
				buf_printf(&names, "%s%s", named ? ", " : "",
				    v->h[i].inst.symbol);
			named++;
		}
		if (named > 10)
			buf_printf(&names, " and %d more", named - 10);
		if (named > 0)
			view_set(h, "T.stale_names", names.data);
		buf_free(&names);
	}

	srt.key = "value";
	for (k = 0; sort_keys[k]; k++)
		if (strcmp(sort, sort_keys[k]) == 0)
			srt.key = sort_keys[k];
	srt.desc = strcmp(dir, "asc") != 0;
	if (*dir == '\0' && (strcmp(srt.key, "symbol") == 0))
		srt.desc = 0;
	view_set(h, "Sort.key", srt.key);
	view_set(h, "Sort.dir", srt.desc ? "desc" : "asc");
	for (k = 0; sort_keys[k]; k++) {
		snprintf(key, sizeof(key), "Sort.next.%s", sort_keys[k]);
		view_set(h, key, strcmp(srt.key, sort_keys[k]) == 0 &&
		    srt.desc ? "asc" : "desc");
	}
	/* Open positions come first in v->h; sort a copy of them. */
	open = arena_alloc(r->a, (v->nopen + 1) * sizeof(*open));
	memcpy(open, v->h, v->nopen * sizeof(*open));
	qsort_r(open, v->nopen, sizeof(*open), holding_cmp, &srt);
	for (size_t i = 0; i < v->nopen; i++) {
		const struct holding *x = &open[i];
		const char *qc = x->inst.currency;

#define KEY(f) (snprintf(key, sizeof(key), "H.%zu." f, i), key)
		view_setf(h, KEY("id"), "%lld", x->inst.id);
		view_set(h, KEY("symbol"), x->inst.symbol);
		view_set(h, KEY("name"), x->inst.name);
		view_set(h, KEY("kind"), x->inst.kind);
		view_set(h, KEY("currency"), qc);
		put_dec(h, KEY("quantity"), x->pos.quantity);
		put_money(h, KEY("cost"), x->pos.cost, cur);
		put_signed(h, KEY("realized"), x->pos.realized, cur);
		put_money(h, KEY("income"), x->pos.income, cur);
		if (x->quote.known) {
			view_set(h, KEY("price"), fmt_price(x->quote.price,
			    buf));
			put_time(h, KEY("as_of"), x->quote.as_of);
			view_set(h, KEY("price_source"), x->price_source ?
			    x->price_source : "");
		}
		if (!x->v.priced) {
			view_set(h, KEY("missing"), x->v.no_rate ?
			    "no exchange rate" : "no price");
			continue;
		}
		view_set_int(h, KEY("stale"), x->v.stale);
		put_money(h, KEY("value"), x->v.value, cur);
		put_signed(h, KEY("gain"), x->v.unrealized, cur);
		if (x->v.has_pct)
			put_pct(h, KEY("gain_pct"), x->v.unrealized_pct);
		if (x->v.has_day)
			put_signed(h, KEY("day"), x->v.day_change, cur);
		/* Income it paid, and its whole return on what it cost:
		 * the gain held, realized and received, less its charges
		 * and taxes. */
		put_money(h, KEY("income"), x->pos.income, cur);
		if (dec_sign(x->pos.cost) > 0)
			put_pct(h, KEY("return"), value_pct(dec_sub(dec_sub(
			    dec_add(dec_add(x->v.unrealized, x->pos.realized),
			    x->pos.income), x->pos.taxes), x->pos.charges),
			    x->pos.cost));
		if (dec_sign(t->holdings_value) > 0)
			put_pct(h, KEY("weight"), value_pct(x->v.value,
			    t->holdings_value));
#undef KEY
	}
	for (size_t i = v->nopen; i < v->nh; i++) {
		const struct holding *x = &v->h[i];

		snprintf(key, sizeof(key), "Closed.%zu.symbol", nclosed);
		view_set(h, key, x->inst.symbol);
		snprintf(key, sizeof(key), "Closed.%zu.id", nclosed);
		view_setf(h, key, "%lld", x->inst.id);
		snprintf(key, sizeof(key), "Closed.%zu.realized", nclosed);
		put_signed(h, key, x->pos.realized, cur);
		snprintf(key, sizeof(key), "Closed.%zu.income", nclosed);
		put_money(h, key, x->pos.income, cur);
		nclosed++;
	}
	for (size_t i = 0; i < v->ncash; i++) {
		const struct cash_line *c = &v->cash[i];

		snprintf(key, sizeof(key), "Cash.%zu.currency", i);
		view_set(h, key, c->currency);
		snprintf(key, sizeof(key), "Cash.%zu.balance", i);
		put_money(h, key, c->balance, c->currency);
		if (c->converted && strcmp(c->currency, cur) != 0) {
			snprintf(key, sizeof(key), "Cash.%zu.value", i);
			put_money(h, key, c->value, cur);
		}
		if (!c->converted) {
			snprintf(key, sizeof(key), "Cash.%zu.missing", i);
			view_set(h, key, "no exchange rate");
		}
	}
	put_alloc(h, "Alloc.kind", v->by_kind, v->nkind);
	put_alloc(h, "Alloc.currency", v->by_currency, v->ncurrency);
}

void
put_tx(struct req *r, const char *prefix, const struct tx *t,
    const char *symbol, const char *note)
{
	char key[160], buf[DEC_BUFSZ];

#define KEY(f) (snprintf(key, sizeof(key), "%s." f, prefix), key)
	view_setf(r->hdf, KEY("id"), "%lld", t->id);
	view_set(r->hdf, KEY("date"), t->date);
	view_set(r->hdf, KEY("time"), t->time);
	view_set(r->hdf, KEY("type"), tx_type_names[t->type]);
	view_set(r->hdf, KEY("counter_currency"), t->counter);
	view_set(r->hdf, KEY("symbol"), symbol ? symbol : "");
	view_set(r->hdf, KEY("currency"), t->currency);
	view_set(r->hdf, KEY("note"), note ? note : "");
	if (t->has & TXF_QUANTITY)
		view_set(r->hdf, KEY("quantity"), dec_format(t->quantity, -1,
		    buf));
	if (t->has & TXF_PRICE)
		view_set(r->hdf, KEY("price"), dec_format(t->price, -1, buf));
	if (t->has & TXF_FEE)
		view_set(r->hdf, KEY("fee"), dec_format(t->fee, -1, buf));
	if (t->has & TXF_AMOUNT)
		view_set(r->hdf, KEY("amount"), dec_format(t->amount, -1, buf));
	if (t->has & TXF_FX)
		view_set(r->hdf, KEY("fx_rate"), dec_format(t->fx_rate, -1,
		    buf));
	view_set_int(r->hdf, KEY("fx_assumed"), t->fx_origin == FX_LATEST);
#undef KEY
}

json_object *
json_money(dec v, const char *cur)
{
	char buf[DEC_BUFSZ];

	return json_object_new_string(dec_format(v, currency_places(cur),
	    buf));
}

static json_object *
json_exact(dec v)
{
	char buf[DEC_BUFSZ];

	return json_object_new_string(dec_format(v, -1, buf));
}

json_object *
json_portfolio(const struct portfolio *pf)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(pf->id));
	json_object_object_add(o, "name", json_object_new_string(pf->name));
	json_object_object_add(o, "currency",
	    json_object_new_string(pf->currency));
	json_object_object_add(o, "cost_method", json_object_new_string(
	    pf->method == COST_AVERAGE ? "average" : "fifo"));
	return o;
}

json_object *
json_view(const struct pf_view *v)
{
	const char *cur = v->pf.currency;
	const struct totals *t = &v->t;
	json_object *o = json_portfolio(&v->pf), *tot, *hs, *cs;
	char buf[32];

	tot = json_object_new_object();
#define MONEY(k, x) json_object_object_add(tot, k, json_money(x, cur))
	MONEY("value", t->value);
	MONEY("holdings_value", t->holdings_value);
	MONEY("cash", t->cash);
	MONEY("cost", t->cost);
	MONEY("unrealized", t->unrealized);
	MONEY("realized", t->realized);
	MONEY("income", t->income);
	MONEY("fees", t->fees);
	MONEY("taxes", t->taxes);
	MONEY("day_change", t->day_change);
	MONEY("total_gain", t->total_gain);
#undef MONEY
	json_object_object_add(tot, "unpriced",
	    json_object_new_int(t->unpriced));
	json_object_object_add(tot, "stale", json_object_new_int(t->stale));
	{
		json_object *names = json_object_new_array();

		for (size_t i = 0; i < v->nopen; i++)
			if (v->h[i].v.priced && v->h[i].v.stale)
				json_object_array_add(names,
				    json_object_new_string(
				    v->h[i].inst.symbol));
		json_object_object_add(tot, "stale_holdings", names);
	}
	json_object_object_add(o, "totals", tot);

	hs = json_object_new_array();
	for (size_t i = 0; i < v->nh; i++) {
		const struct holding *x = &v->h[i];
		json_object *h = json_object_new_object();
		struct tm tm;

#define ADD(k, val) json_object_object_add(h, k, val)
		ADD("symbol", json_object_new_string(x->inst.symbol));
		ADD("name", json_object_new_string(x->inst.name));
		ADD("kind", json_object_new_string(x->inst.kind));
		ADD("currency", json_object_new_string(x->inst.currency));
		ADD("quantity", json_exact(x->pos.quantity));
		ADD("price", x->quote.known ? json_exact(x->quote.price) :
		    NULL);
		if (x->quote.known) {
			gmtime_r(&x->quote.as_of, &tm);
			strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
			ADD("price_as_of", json_object_new_string(buf));
			ADD("price_source", x->price_source ?
			    json_object_new_string(x->price_source) : NULL);
		} else {
			ADD("price_as_of", NULL);
			ADD("price_source", NULL);
		}
		ADD("stale", json_object_new_boolean(!x->v.priced ||
		    x->v.stale));
		ADD("value", x->v.priced ? json_money(x->v.value, cur) : NULL);
		ADD("cost", json_money(x->pos.cost, cur));
		ADD("unrealized", x->v.priced ? json_money(x->v.unrealized,
		    cur) : NULL);
		ADD("day_change", x->v.priced && x->v.has_day ?
		    json_money(x->v.day_change, cur) : NULL);
		ADD("realized", json_money(x->pos.realized, cur));
		ADD("income", json_money(x->pos.income, cur));
		ADD("fees", json_money(x->pos.fees, cur));
		ADD("taxes", json_money(x->pos.taxes, cur));
#undef ADD
		json_object_array_add(hs, h);
	}
	json_object_object_add(o, "holdings", hs);
	cs = json_object_new_array();
	for (size_t i = 0; i < v->ncash; i++) {
		json_object *c = json_object_new_object();

		json_object_object_add(c, "currency",
		    json_object_new_string(v->cash[i].currency));
		json_object_object_add(c, "balance",
		    json_money(v->cash[i].balance, v->cash[i].currency));
		json_object_object_add(c, "value", v->cash[i].converted ?
		    json_money(v->cash[i].value, cur) : NULL);
		json_object_array_add(cs, c);
	}
	json_object_object_add(o, "cash", cs);
	return o;
}
