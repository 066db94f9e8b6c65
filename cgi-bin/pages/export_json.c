/*
 * GET /export.json - all of the signed-in user's data as JSON: the
 * account, their own instruments, and every portfolio with its
 * transactions, holdings and cash.
 */
#include <time.h>

#include "view.h"
#include "web.h"

static json_object *
jtext(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *
jdec(const struct tx *t, unsigned bit, dec v)
{
	char buf[DEC_BUFSZ];

	return (t->has & bit) ? json_object_new_string(dec_format(v, -1, buf))
	    : NULL;
}

int
page_export_json(struct req *r)
{
	struct portfolio *pfs;
	struct inst_line *insts;
	struct fx_table fx;
	struct tx_filter all = { "", "", "", "" };
	size_t n, ni;
	json_object *o = json_object_new_object(), *u, *arr, *iarr;
	time_t now = time(NULL);

	if (pf_list(r->db, r->a, r->user.id, &pfs, &n) != 0 ||
	    fx_load(r->db, r->a, &fx) != 0 ||
	    inst_list(r->db, r->a, r->user.id, "", 100000, &insts, &ni) != 0) {
		json_object_put(o);
		return web_db_error(r);
	}
	u = json_object_new_object();
	json_object_object_add(u, "email", jtext(r->user.email));
	json_object_object_add(u, "currency", jtext(r->user.currency));
	json_object_object_add(o, "user", u);
	iarr = json_object_new_array();
	for (size_t i = 0; i < ni; i++) {
		const struct instrument *in = &insts[i].inst;
		json_object *j;

		/* Every instrument under the user's own symbols. */
		if (!insts[i].mine)
			continue;
		j = json_object_new_object();
		json_object_object_add(j, "symbol", jtext(in->symbol));
		json_object_object_add(j, "name", jtext(in->name));
		json_object_object_add(j, "kind", jtext(in->kind));
		json_object_object_add(j, "currency", jtext(in->currency));
		json_object_object_add(j, "isin", jtext(in->isin));
		json_object_object_add(j, "source", jtext(in->source));
		json_object_object_add(j, "source_symbol",
		    jtext(in->source_symbol));
		json_object_object_add(j, "shared",
		    json_object_new_boolean(in->owner_id == 0));
		json_object_object_add(j, "price", jtext(insts[i].price));
		json_object_array_add(iarr, j);
	}
	json_object_object_add(o, "instruments", iarr);
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct pf_view v;
		struct tx_line *txs;
		size_t nt;
		json_object *p, *ta;

		if (web_value(r, &pfs[i], &fx, now, &v) != 0 ||
		    pf_tx_list(r->db, r->a, &pfs[i], &all, 0, 10000000, &txs,
		    &nt, NULL) != 0) {
			json_object_put(o);
			json_object_put(arr);
			return web_db_error(r);
		}
		p = json_view(&v);
		ta = json_object_new_array();
		for (size_t k = nt; k-- > 0;) {	/* oldest first */
			const struct tx *t = &txs[k].tx;
			json_object *j = json_object_new_object();

#define ADD(key, val) json_object_object_add(j, key, val)
			ADD("date", jtext(t->date));
			ADD("time", *t->time ? jtext(t->time) : NULL);
			ADD("type", jtext(tx_type_names[t->type]));
			ADD("symbol", *txs[k].symbol ? jtext(txs[k].symbol) :
			    NULL);
			ADD("quantity", jdec(t, TXF_QUANTITY, t->quantity));
			ADD("price", jdec(t, TXF_PRICE, t->price));
			ADD("fee", jdec(t, TXF_FEE, t->fee));
			ADD("amount", jdec(t, TXF_AMOUNT, t->amount));
			ADD("currency", jtext(t->currency));
			if (t->type == TX_EXCHANGE)
				ADD("counter_currency", jtext(t->counter));
			ADD("fx_rate", jdec(t, TXF_FX, t->fx_rate));
			ADD("note", jtext(txs[k].note));
#undef ADD
			json_object_array_add(ta, j);
		}
		json_object_object_add(p, "transactions", ta);
		json_object_array_add(arr, p);
	}
	json_object_object_add(o, "portfolios", arr);
	web_header(r, "Content-Disposition",
	    "attachment; filename=\"nestegg-export.json\"");
	return web_json(r, 200, o);
}
