/*
 * live.c - what the live panel tells open browsers (see live.h).
 */
#include "live.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portfolio.h"

int
live_cursor_now(struct db *d, struct live_cursor *c)
{
	static const char q[] = "SELECT COALESCE((SELECT MAX(id) FROM "
	    "valuation_runs), 0), COALESCE((SELECT MAX(id) FROM "
	    "ledger_changes), 0)";
	struct dbres r;
	struct arena a;
	int rc;

	arena_init(&a);
	rc = db_exec(d, &a, &r, q, "");
	if (rc == 0) {
		c->run = db_int(&r, 0, 0);
		c->change = db_int(&r, 0, 1);
	}
	arena_free(&a);
	return rc;
}

void
live_cursor_format(const struct live_cursor *c, char out[48])
{
	snprintf(out, 48, "%lld.%lld", c->run, c->change);
}

int
live_cursor_parse(const char *s, struct live_cursor *c)
{
	long long r = 0, ch = 0;
	int n = 0;

	if (s == NULL || sscanf(s, "%18lld.%18lld%n", &r, &ch, &n) != 2 ||
	    s[n] != '\0' || r < 0 || ch < 0 || s[0] == '+' || s[0] == ' ')
		return -1;
	c->run = r;
	c->change = ch;
	return 0;
}

int
live_cursor_kept(struct db *d, const struct live_cursor *c)
{
	static const char q[] = "SELECT COALESCE((SELECT MAX(id) FROM "
	    "valuation_runs), 0), COALESCE((SELECT MIN(id) FROM "
	    "ledger_changes), 0), COALESCE((SELECT MAX(id) FROM "
	    "ledger_changes), 0)";
	struct dbres r;
	struct arena a;
	int rc = -1;

	arena_init(&a);
	if (db_exec(d, &a, &r, q, "") == 0) {
		long long maxrun = db_int(&r, 0, 0), minch = db_int(&r, 0, 1);
		long long maxch = db_int(&r, 0, 2);

		/* A run's values stay in portfolio_latest: any run cursor
		 * up to now is good.  Changes are pruned after a day. */
		rc = c->run <= maxrun && c->change <= maxch &&
		    (minch == 0 || c->change >= minch - 1);
	}
	arena_free(&a);
	return rc;
}

/* Appends s as a JSON string; "<" and ">" escaped too. */
static void
json_str(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	buf_putc(b, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
		} else if (c == '\n')
			buf_puts(b, "\\n");
		else if (c < 0x20 || c == '<' || c == '>' || c == 0x7f) {
			buf_puts(b, "\\u00");
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		} else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

/* Appends an amount rounded to cur's minor unit as a JSON string. */
static void
json_money(struct buf *b, dec v, const char *cur)
{
	char t[DEC_BUFSZ];

	buf_printf(b, "\"%s\"", dec_format(v, currency_places(cur), t));
}

/* A percentage (2 places) as a JSON string. */
static void
json_pct(struct buf *b, dec pct)
{
	char t[DEC_BUFSZ];

	buf_printf(b, "\"%s\"", dec_format(pct, 2, t));
}

static void
json_time(struct buf *b, time_t t)
{
	char s[32];
	struct tm tm;

	if (t == 0) {
		buf_puts(b, "null");
		return;
	}
	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "\"%Y-%m-%dT%H:%M:%SZ\"", &tm);
	buf_puts(b, s);
}

/* Appends one open holding's object. */
static void
holding_json(struct buf *b, const struct holding *h, const char *base)
{
	char t[DEC_BUFSZ];

	buf_printf(b, "{\"id\":%lld,\"symbol\":", h->inst.id);
	json_str(b, h->inst.symbol);
	buf_puts(b, ",\"currency\":");
	json_str(b, h->inst.currency);
	if (h->quote.known) {
		buf_printf(b, ",\"price\":\"%s\",\"price_as_of\":",
		    dec_format(h->quote.price, -1, t));
		json_time(b, h->quote.as_of);
		buf_puts(b, ",\"price_source\":");
		json_str(b, h->price_source);
	} else
		buf_puts(b, ",\"price\":null,\"price_as_of\":null,"
		    "\"price_source\":null");
	buf_printf(b, ",\"stale\":%s,\"value\":", !h->v.priced || h->v.stale ?
	    "true" : "false");
	if (h->v.priced)
		json_money(b, h->v.value, base);
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"day_change\":");
	if (h->v.priced && h->v.has_day)
		json_money(b, h->v.day_change, base);
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"unrealized\":");
	if (h->v.priced)
		json_money(b, h->v.unrealized, base);
	else
		buf_puts(b, "null");
	buf_putc(b, '}');
}

/* Appends the figures of view v (its open holdings' objects in hold). */
static void
portfolio_json(struct buf *b, const struct pf_view *v, const char *ucur,
    const struct fx_table *fx, const struct buf *hold, time_t now)
{
	const struct totals *t = &v->t;
	const char *cur = v->pf.currency;
	dec uv, ud, ug;

	buf_printf(b, "{\"id\":%lld,\"name\":", v->pf.id);
	json_str(b, v->pf.name);
	buf_puts(b, ",\"currency\":");
	json_str(b, cur);
	buf_puts(b, ",\"value\":");
	json_money(b, t->value, cur);
	buf_puts(b, ",\"holdings_value\":");
	json_money(b, t->holdings_value, cur);
	buf_puts(b, ",\"cash\":");
	json_money(b, t->cash, cur);
	buf_puts(b, ",\"day_change\":");
	if (t->day_known > 0)
		json_money(b, t->day_change, cur);
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"day_pct\":");
	if (t->day_known > 0 && dec_sign(dec_sub(t->holdings_value,
	    t->day_change)) > 0)
		json_pct(b, value_pct(t->day_change, dec_sub(t->holdings_value,
		    t->day_change)));
	else
		buf_puts(b, "null");
	buf_puts(b, ",\"total_gain\":");
	json_money(b, t->total_gain, cur);
	buf_puts(b, ",\"unrealized\":");
	json_money(b, t->unrealized, cur);
	buf_puts(b, ",\"unrealized_pct\":");
	if (dec_sign(t->priced_cost) > 0)
		json_pct(b, value_pct(t->unrealized, t->priced_cost));
	else
		buf_puts(b, "null");
	/* In the owner's currency, for the total across portfolios. */
	buf_puts(b, ",\"user\":");
	if (fx_convert(fx, t->value, cur, ucur, &uv) == 0 &&
	    fx_convert(fx, t->day_change, cur, ucur, &ud) == 0 &&
	    fx_convert(fx, t->total_gain, cur, ucur, &ug) == 0) {
		buf_puts(b, "{\"currency\":");
		json_str(b, ucur);
		buf_puts(b, ",\"value\":");
		json_money(b, uv, ucur);
		buf_puts(b, ",\"day_change\":");
		json_money(b, ud, ucur);
		buf_puts(b, ",\"total_gain\":");
		json_money(b, ug, ucur);
		buf_putc(b, '}');
	} else
		buf_puts(b, "null");
	buf_puts(b, ",\"prices_as_of\":");
	json_time(b, v->prices_as_of);
	buf_printf(b, ",\"stale\":%d,\"unpriced\":%d,\"computed_at\":",
	    t->stale, t->unpriced);
	json_time(b, now);
	buf_puts(b, ",\"holdings\":[");
	buf_append(b, hold->data ? hold->data : "", hold->len);
	buf_puts(b, "]}");
}

/* The ids as a JSON array (heap). */
static char *
ids_json(const long long *pids, size_t n)
{
	struct buf b;

	buf_init(&b);
	buf_putc(&b, '[');
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, i ? ",%lld" : "%lld", pids[i]);
	buf_putc(&b, ']');
	return b.data;
}

#define IDS "JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j "

int
live_portfolios(struct db *d, struct arena *a, const long long *pids,
    size_t n, const struct stale_policy *sp, time_t now, struct buf *text,
    struct live_piece *pieces)
{
	static const char pq[] = "SELECT pf.id, pf.user_id, pf.name, "
	    "pf.currency, pf.cost_method, pf.cash_income, pf.cash_fees, "
	    "pf.cash_taxes, u.currency FROM " IDS "JOIN portfolios pf "
	    "ON pf.id = j.id JOIN users u ON u.id = pf.user_id ORDER BY pf.id";
	static const char cq[] = "SELECT c.portfolio_id, c.currency, "
	    "c.balance FROM " IDS "JOIN cash_balances c ON c.portfolio_id = "
	    "j.id ORDER BY c.portfolio_id, c.currency";
	static const char hq[] = "SELECT p.portfolio_id, " HOLDING_COLS
	    " FROM " IDS "JOIN positions p ON p.portfolio_id = j.id "
	    "JOIN portfolios f ON f.id = p.portfolio_id "
	    "JOIN instruments i ON i.id = p.instrument_id "
	    "LEFT JOIN user_symbols us ON us.user_id = f.user_id "
	    "AND us.instrument_id = i.id "
	    "LEFT JOIN prices pr ON pr.instrument_id = p.instrument_id "
	    "ORDER BY p.portfolio_id, p.quantity = 0, "
	    "COALESCE(us.symbol, i.symbol)";
	struct dbres pr, cr;
	struct db_stream *s = NULL;
	struct fx_table fx;
	struct buf hold;
	char *ids = ids_json(pids, n);
	char **row = NULL;
	size_t k = 0, c = 0;
	int rc = -1, got = 0;

	buf_init(&hold);
	if (n == 0) {
		rc = 0;
		goto out;
	}
	if (fx_load(d, a, &fx) != 0 ||
	    db_exec(d, a, &pr, pq, "s", ids) != 0 ||
	    db_exec(d, a, &cr, cq, "s", ids) != 0 ||
	    db_stream_open(d, &s, hq, "s", ids) != 0)
		goto out;
	got = db_stream_next(s, &row);
	for (size_t i = 0; i < n; i++) {
		long long pid = pids[i];
		struct pf_view v;
		struct portfolio pf;

		pieces[i].pid = pid;
		pieces[i].uid = 0;
		pieces[i].off = text->len;
		while (k < pr.nrows && db_int(&pr, k, 0) < pid)
			k++;
		/* Rows of this portfolio; skip those of others. */
		while (got == 1 && strtoll(row[0], NULL, 10) < pid)
			got = db_stream_next(s, &row);
		if (k == pr.nrows || db_int(&pr, k, 0) != pid) {
			buf_printf(text, "{\"id\":%lld,\"deleted\":true}", pid);
			pieces[i].len = text->len - pieces[i].off;
			continue;
		}
		pf_row(&pr, k, &pf);
		pieces[i].uid = pf.user_id;
		pf_view_start(&v, &pf);
		buf_reset(&hold);
		while (got == 1 && strtoll(row[0], NULL, 10) == pid) {
			struct dbres one = { 1, HOLDING_NCOLS + 1, &row, NULL };
			struct holding h;

			pf_holding_row(&one, 0, 1, &h);
			pf_view_add_holding(&v, &h, &fx, sp, now);
			if (!dec_is_zero(h.pos.quantity)) {
				if (hold.len > 0)
					buf_putc(&hold, ',');
				holding_json(&hold, &h, pf.currency);
			}
			got = db_stream_next(s, &row);
		}
		if (got < 0)
			goto out;
		while (c < cr.nrows && db_int(&cr, c, 0) < pid)
			c++;
		for (; c < cr.nrows && db_int(&cr, c, 0) == pid; c++) {
			struct cash_line cl;
			dec bal = DEC_ZERO;

			memset(&cl, 0, sizeof(cl));
			snprintf(cl.currency, sizeof(cl.currency), "%s",
			    db_val(&cr, c, 1));
			if (dec_parse(db_val(&cr, c, 2), &bal) != 0)
				bal = DEC_NAN;
			cl.balance = bal;
			pf_view_add_cash(&v, &cl, &fx);
		}
		pf_view_finish(&v);
		portfolio_json(text, &v, db_val(&pr, k, 8), &fx, &hold, now);
		pieces[i].len = text->len - pieces[i].off;
	}
	rc = 0;
out:
	if (s != NULL)
		db_stream_close(s);
	buf_free(&hold);
	free(ids);
	return rc;
}

int
live_user_portfolios(struct db *d, struct arena *a, long long uid,
    long long **pids, size_t *n)
{
	static const char q[] = "SELECT id FROM portfolios WHERE user_id = ? "
	    "ORDER BY id";
	struct dbres r;

	if (db_exec(d, a, &r, q, "i", uid) != 0)
		return -1;
	*pids = arena_alloc(a, (r.nrows + 1) * sizeof(**pids));
	for (size_t i = 0; i < r.nrows; i++)
		(*pids)[i] = db_int(&r, i, 0);
	*n = r.nrows;
	return 0;
}

int
live_user_changed(struct db *d, struct arena *a, long long uid,
    const struct live_cursor *c, long long **pids, size_t *n)
{
	static const char q[] = "SELECT l.portfolio_id FROM portfolios p "
	    "JOIN portfolio_latest l ON l.portfolio_id = p.id "
	    "WHERE p.user_id = ? AND l.run_id > ? UNION "
	    "SELECT portfolio_id FROM ledger_changes WHERE user_id = ? "
	    "AND (id > ? OR at >= NOW(3) - INTERVAL 30 SECOND) "
	    "ORDER BY 1";
	struct dbres r;

	if (db_exec(d, a, &r, q, "iiii", uid, c->run, uid, c->change) != 0)
		return -1;
	*pids = arena_alloc(a, (r.nrows + 1) * sizeof(**pids));
	for (size_t i = 0; i < r.nrows; i++)
		(*pids)[i] = db_int(&r, i, 0);
	*n = r.nrows;
	return 0;
}

void
live_event_data(struct buf *out, const struct live_cursor *c, int full,
    const char *text, const struct live_piece *pieces, const size_t *idx,
    size_t n)
{
	buf_printf(out, "{\"run\":%lld,\"change\":%lld,\"full\":%s,"
	    "\"portfolios\":[", c->run, c->change, full ? "true" : "false");
	for (size_t i = 0; i < n; i++) {
		const struct live_piece *p = &pieces[idx[i]];

		if (i > 0)
			buf_putc(out, ',');
		buf_append(out, text + p->off, p->len);
	}
	buf_puts(out, "]}");
}
