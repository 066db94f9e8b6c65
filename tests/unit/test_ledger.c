/*
 * Unit tests for lib/ledger.c and lib/value.c with known answers worked
 * out by hand: partial sells under FIFO and average cost, selling out and
 * buying again, splits and reverse splits, dividends, fees, foreign
 * currency, pence-quoted prices, cash, and valuation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "ledger.h"
#include "value.h"

static dec
D(const char *s)
{
	dec d;

	assert_int_equal(dec_parse(s, &d), 0);
	return d;
}

#define assert_dec(d, s) assert_string_equal(fmt(d), s)

static const char *
fmt(dec d)
{
	static char buf[4][DEC_BUFSZ];
	static int k;

	k = (k + 1) % 4;
	return dec_format(d, -1, buf[k]);
}

/* A transaction from text fields; NULL for a field not given. */
static struct tx
T(const char *date, const char *type, const char *qty, const char *price,
    const char *fee, const char *amount, const char *cur, const char *fx)
{
	struct tx t;
	const char *field;

	memset(&t, 0, sizeof(t));
	strcpy(t.date, date);
	t.type = tx_type_parse(type);
	t.instrument = (t.type == TX_DEPOSIT || t.type == TX_WITHDRAWAL) ? 0 : 1;
	if (qty) { t.quantity = D(qty); t.has |= TXF_QUANTITY; }
	if (price) { t.price = D(price); t.has |= TXF_PRICE; }
	if (fee) { t.fee = D(fee); t.has |= TXF_FEE; }
	if (amount) { t.amount = D(amount); t.has |= TXF_AMOUNT; }
	if (fx) { t.fx_rate = D(fx); t.has |= TXF_FX; }
	strcpy(t.currency, cur ? cur : "USD");
	assert_null(tx_check(&t, &field));
	return t;
}

static struct position
run(const struct tx *txs, size_t n, enum cost_method m)
{
	struct position p;
	size_t bad;
	char msg[200];

	assert_int_equal(ledger_position(txs, n, m, &p, &bad, msg,
	    sizeof(msg)), 0);
	return p;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
buys_then_partial_sell_fifo(void **state)
{
	struct tx t[] = {
		T("2024-01-02", "buy", "10", "100", "5", NULL, NULL, NULL),
		T("2024-02-01", "buy", "10", "120", "5", NULL, NULL, NULL),
		T("2024-03-01", "sell", "15", "130", "10", NULL, NULL, NULL),
	};
	struct position p = run(t, N(t), COST_FIFO);

	(void)state;
	/* Sold: lot 1 (1005) + half of lot 2 (602.5) = 1607.5;
	 * proceeds 15 x 130 - 10 = 1940. */
	assert_dec(p.quantity, "5");
	assert_dec(p.cost, "602.5");
	assert_dec(p.realized, "332.5");
	assert_dec(p.fees, "20");
}

static void
buys_then_partial_sell_average(void **state)
{
	struct tx t[] = {
		T("2024-01-02", "buy", "10", "100", "5", NULL, NULL, NULL),
		T("2024-02-01", "buy", "10", "120", "5", NULL, NULL, NULL),
		T("2024-03-01", "sell", "15", "130", "10", NULL, NULL, NULL),
	};
	struct position p = run(t, N(t), COST_AVERAGE);

	(void)state;
	/* Average cost 2210 / 20 = 110.5; 15 sold cost 1657.5. */
	assert_dec(p.quantity, "5");
	assert_dec(p.cost, "552.5");
	assert_dec(p.realized, "282.5");
}

static void
sell_everything_and_buy_again(void **state)
{
	struct tx t[] = {
		T("2023-05-01", "buy", "10", "50", NULL, NULL, NULL, NULL),
		T("2023-06-01", "sell", "10", "60", NULL, NULL, NULL, NULL),
		T("2023-07-01", "buy", "5", "70", NULL, NULL, NULL, NULL),
		T("2023-08-01", "sell", "2", "80", NULL, NULL, NULL, NULL),
	};

	(void)state;
	for (int m = COST_FIFO; m <= COST_AVERAGE; m++) {
		struct position p = run(t, N(t), (enum cost_method)m);

		/* The first round's cost must not leak into the second. */
		assert_dec(p.quantity, "3");
		assert_dec(p.cost, "210");
		assert_dec(p.realized, "120");	/* 100 + 2 x (80 - 70) */
	}
}

static void
split_mid_history(void **state)
{
	struct tx t[] = {
		T("2020-01-02", "buy", "10", "100", NULL, NULL, NULL, NULL),
		T("2020-06-01", "buy", "10", "140", NULL, NULL, NULL, NULL),
		T("2020-08-31", "split", "4", NULL, NULL, NULL, NULL, NULL),
		T("2021-01-04", "sell", "50", "40", NULL, NULL, NULL, NULL),
	};
	struct position p = run(t, N(t), COST_FIFO);

	(void)state;
	/* After 4:1, lot 1 is 40 shares for 1000, lot 2 40 for 1400;
	 * selling 50 takes lot 1 and 10/40 of lot 2 (350). */
	assert_dec(p.quantity, "30");
	assert_dec(p.cost, "1050");
	assert_dec(p.realized, "650");		/* 2000 - 1350 */
	p = run(t, N(t), COST_AVERAGE);
	assert_dec(p.cost, "900");		/* 2400 x 30/80 */
	assert_dec(p.realized, "500");
}

static void
reverse_split(void **state)
{
	struct tx t[] = {
		T("2022-01-03", "buy", "100", "1", NULL, NULL, NULL, NULL),
		T("2022-03-01", "split", "0.1", NULL, NULL, NULL, NULL, NULL),
		T("2022-04-01", "sell", "5", "12", NULL, NULL, NULL, NULL),
	};
	struct position p = run(t, N(t), COST_FIFO);

	(void)state;
	assert_dec(p.quantity, "5");
	assert_dec(p.cost, "50");
	assert_dec(p.realized, "10");
}

static void
dividend_before_later_buys(void **state)
{
	struct tx t[] = {
		T("2024-01-02", "buy", "10", "10", NULL, NULL, NULL, NULL),
		T("2024-03-15", "dividend", "10", "0.5", NULL, NULL, NULL, NULL),
		T("2024-03-15", "tax", NULL, NULL, NULL, "0.75", NULL, NULL),
		T("2024-04-02", "buy", "10", "20", NULL, NULL, NULL, NULL),
		T("2024-06-15", "dividend", NULL, NULL, NULL, "7.20", NULL, NULL),
	};
	struct position p = run(t, N(t), COST_FIFO);
	char cur[4];

	(void)state;
	assert_dec(t[1].amount, "5");		/* quantity x per share */
	assert_dec(p.income, "12.2");
	assert_dec(p.taxes, "0.75");
	assert_dec(p.cost, "300");		/* dividends are not cost */
	assert_dec(p.quantity, "20");
	assert_dec(ledger_cash(&t[1], cur), "5");
	assert_dec(ledger_cash(&t[2], cur), "-0.75");
}

static void
fees_everywhere(void **state)
{
	struct tx t[] = {
		T("2024-01-02", "buy", "4", "25", "1.50", NULL, NULL, NULL),
		T("2024-02-02", "fee", NULL, NULL, NULL, "2", NULL, NULL),
		T("2024-03-02", "sell", "4", "30", "1.50", NULL, NULL, NULL),
	};
	struct position p = run(t, N(t), COST_FIFO);
	char cur[4];

	(void)state;
	assert_dec(p.quantity, "0");
	assert_dec(p.cost, "0");
	assert_dec(p.realized, "17");		/* 118.5 - 101.5 */
	assert_dec(p.fees, "5");
	assert_dec(p.charges, "2");		/* only the standalone fee */
	assert_dec(ledger_cash(&t[0], cur), "-101.5");
	assert_dec(ledger_cash(&t[2], cur), "118.5");
}

static void
foreign_currency_trades(void **state)
{
	/* A EUR portfolio buys US shares: fx_rate is EUR per USD. */
	struct tx t[] = {
		T("2024-01-02", "buy", "10", "150", "1", NULL, "USD", "0.9"),
		T("2024-05-02", "sell", "4", "160", "1", NULL, "USD", "0.8"),
	};
	struct position p = run(t, N(t), COST_FIFO);
	char cur[4];

	(void)state;
	/* Cost 1501 USD at 0.9 = 1350.9 EUR; 4/10 of it (540.36) sold for
	 * (640 - 1) x 0.8 = 511.2 EUR. */
	assert_dec(p.cost, "810.54");
	assert_dec(p.realized, "-29.16");
	assert_dec(p.fees, "1.7");
	assert_dec(ledger_cash(&t[0], cur), "-1501");
	assert_string_equal(cur, "USD");
	assert_dec(ledger_cash(&t[1], cur), "639");
}

static void
pence_quoted(void **state)
{
	/* London shares quoted in pence, in a GBP portfolio. */
	struct tx t[] = {
		T("2024-01-02", "buy", "100", "250.5", "9.95", NULL, "GBp", NULL),
		T("2024-02-02", "sell", "40", "300", NULL, NULL, "GBp", NULL),
	};
	struct position p = run(t, N(t), COST_FIFO);
	struct quote q = { 1, { 0 }, { 0 }, 1, 1000 };
	struct holding_value v;
	struct fx_table fx = { NULL, 0 };
	char cur[4];

	(void)state;
	/* The fee is entered in the transaction's currency: 9.95 pence. */
	assert_dec(ledger_cash(&t[0], cur), "-250.5995");
	assert_string_equal(cur, "GBP");
	assert_dec(p.cost, "150.3597");
	assert_dec(p.realized, "19.7602");	/* 120 - 100.2398 */
	q.price = D("310");
	q.prev_close = D("305");
	value_holding(&p, "GBp", &q, "GBP", &fx, 1000, 60, &v);
	assert_true(v.priced);
	assert_dec(v.value, "186");		/* 60 x 3.10 GBP */
	assert_dec(v.day_change, "3");		/* 60 x 0.05 GBP */
	assert_dec(v.unrealized, "35.6403");
}

static void
oversell_is_an_error(void **state)
{
	struct tx t[] = {
		T("2024-01-02", "buy", "5", "10", NULL, NULL, NULL, NULL),
		T("2024-01-03", "sell", "6", "10", NULL, NULL, NULL, NULL),
	};
	struct position p;
	size_t bad = 99;
	char msg[200];

	(void)state;
	assert_int_equal(ledger_position(t, 2, COST_FIFO, &p, &bad, msg,
	    sizeof(msg)), -1);
	assert_int_equal(bad, 1);
	assert_string_equal(msg, "On 2024-01-03 this sells 6, but only 5 "
	    "were held then.");
}

static void
sell_before_split_counts_old_shares(void **state)
{
	struct tx t[] = {
		T("2024-01-02", "buy", "5", "10", NULL, NULL, NULL, NULL),
		T("2024-02-01", "split", "2", NULL, NULL, NULL, NULL, NULL),
		T("2024-03-01", "sell", "10", "6", NULL, NULL, NULL, NULL),
	};
	struct position p = run(t, N(t), COST_FIFO);

	(void)state;
	assert_dec(p.quantity, "0");
	assert_dec(p.realized, "10");
}

static void
cash_and_flows(void **state)
{
	struct tx dep = T("2024-01-01", "deposit", NULL, NULL, NULL, "1000", "EUR",
	    NULL);
	struct tx wd = T("2024-01-01", "withdrawal", NULL, NULL, NULL, "100",
	    "EUR", NULL);
	struct tx in = T("2024-01-01", "interest", NULL, NULL, NULL, "3.5", "USD",
	    "0.9");
	struct tx split = T("2024-01-01", "split", "2", NULL, NULL, NULL, NULL,
	    NULL);
	dec inc, fees, taxes;
	char cur[4];

	(void)state;
	in.instrument = 0;
	assert_dec(ledger_cash(&dep, cur), "1000");
	assert_string_equal(cur, "EUR");
	assert_dec(ledger_cash(&wd, cur), "-100");
	assert_dec(ledger_cash(&in, cur), "3.5");
	assert_dec(ledger_cash(&split, cur), "0");
	ledger_flows(&in, &inc, &fees, &taxes);
	assert_dec(inc, "3.15");
	assert_dec(fees, "0");
}

static void
checks_per_type(void **state)
{
	struct tx t;
	const char *field;

	(void)state;
	memset(&t, 0, sizeof(t));
	strcpy(t.currency, "USD");
	t.type = TX_BUY;
	assert_non_null(tx_check(&t, &field));
	assert_string_equal(field, "symbol");
	t.instrument = 1;
	assert_non_null(tx_check(&t, &field));
	assert_string_equal(field, "quantity");
	t.quantity = D("1");
	t.has = TXF_QUANTITY;
	assert_non_null(tx_check(&t, &field));
	assert_string_equal(field, "price");
	t.type = TX_DEPOSIT;
	assert_non_null(tx_check(&t, &field));
	assert_string_equal(field, "symbol");
	t.instrument = 0;
	assert_non_null(tx_check(&t, &field));
	assert_string_equal(field, "amount");
	t.amount = D("-5");
	t.has |= TXF_AMOUNT;
	assert_non_null(tx_check(&t, &field));
	t.amount = D("5");
	assert_null(tx_check(&t, &field));
	strcpy(t.currency, "usd");
	assert_non_null(tx_check(&t, &field));
	assert_string_equal(field, "currency");
}

static void
dates(void **state)
{
	char out[11];

	(void)state;
	assert_null(ledger_date("2024-03-15", out));
	assert_string_equal(out, "2024-03-15");
	assert_null(ledger_date("2024-03-15T00:00:00.000Z", out));
	assert_string_equal(out, "2024-03-15");
	assert_null(ledger_date("2024/03/15", out));
	assert_null(ledger_date("15.03.2024", out));
	assert_string_equal(out, "2024-03-15");
	assert_null(ledger_date("20240315", out));
	assert_null(ledger_date("15/03/2024", out));
	assert_string_equal(out, "2024-03-15");
	assert_null(ledger_date("03/15/2024", out));
	assert_string_equal(out, "2024-03-15");
	assert_non_null(ledger_date("03/04/2024", out));	/* ambiguous */
	assert_null(ledger_date("04/04/2024", out));
	assert_non_null(ledger_date("2023-02-29", out));
	assert_null(ledger_date("2024-02-29", out));
	assert_non_null(ledger_date("yesterday", out));
	assert_non_null(ledger_date("2024-13-01", out));
}

static void
fx_lookups(void **state)
{
	struct fx_rate r[] = {
		{ "EUR", "USD", { 0 }, 0 }, { "GBP", "USD", { 0 }, 0 },
	};
	struct fx_table fx = { r, 2 };
	dec rate;

	(void)state;
	r[0].rate = D("1.25");
	r[1].rate = D("1.5");
	assert_int_equal(fx_lookup(&fx, "EUR", "USD", &rate), 0);
	assert_dec(rate, "1.25");
	assert_int_equal(fx_lookup(&fx, "USD", "EUR", &rate), 0);
	assert_dec(rate, "0.8");
	assert_int_equal(fx_lookup(&fx, "GBP", "EUR", &rate), 0);
	assert_dec(rate, "1.2");		/* 1.5 x 0.8 through USD */
	assert_int_equal(fx_lookup(&fx, "CHF", "EUR", &rate), -1);
	assert_int_equal(fx_lookup(&fx, "CHF", "CHF", &rate), 0);
	assert_dec(rate, "1");
}

static void
valuation_and_totals(void **state)
{
	struct fx_rate r[] = { { "USD", "EUR", { 0 }, 0 } };
	struct fx_table fx = { r, 1 };
	struct position a, b;
	struct quote qa = { 1, { 0 }, { 0 }, 1, 1000 };
	struct quote qb = { 0, { 0 }, { 0 }, 0, 0 };
	struct holding_value va, vb;
	struct totals t;

	(void)state;
	r[0].rate = D("0.9");
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.quantity = D("10");
	a.cost = D("1350.9");
	a.realized = D("-29.16");
	a.income = D("4");
	b.quantity = D("3");
	b.cost = D("300");
	qa.price = D("170");
	qa.prev_close = D("168");
	value_holding(&a, "USD", &qa, "EUR", &fx, 1000 + 86400 * 5, 86400 * 4,
	    &va);
	assert_true(va.priced);
	assert_true(va.stale);
	assert_dec(va.value, "1530");
	assert_dec(va.unrealized, "179.1");
	assert_dec(va.unrealized_pct, "13.26");
	/* A stale price says nothing about today. */
	assert_false(va.has_day);
	value_holding(&a, "USD", &qa, "EUR", &fx, 1000 + 86400 * 3, 86400 * 4,
	    &va);
	assert_false(va.stale);
	assert_true(va.has_day);
	assert_dec(va.day_change, "18");
	value_holding(&a, "USD", &qa, "EUR", &fx, 1000 + 86400 * 5, 86400 * 4,
	    &va);
	value_holding(&b, "USD", &qb, "EUR", &fx, 1000, 60, &vb);
	assert_false(vb.priced);

	totals_init(&t);
	totals_add_holding(&t, &a, &va);
	totals_add_holding(&t, &b, &vb);
	totals_add_cash(&t, "USD", D("100"), "EUR", &fx);
	totals_add_cash(&t, "EUR", D("10"), "EUR", &fx);
	totals_add_cash(&t, "JPY", D("1000"), "EUR", &fx);
	totals_add_flows(&t, D("1"), D("0.5"), D("0"));
	totals_finish(&t);
	assert_int_equal(t.unpriced, 1);
	assert_int_equal(t.stale, 1);
	assert_int_equal(t.unconverted_cash, 1);
	assert_dec(t.holdings_value, "1530");	/* never counts b as 0 */
	assert_dec(t.cash, "100");
	assert_dec(t.value, "1630");
	assert_dec(t.cost, "1650.9");
	assert_dec(t.income, "5");
	assert_dec(t.total_gain, "154.44");	/* 179.1 - 29.16 + 5 - 0.5 */
	assert_int_equal(t.day_known, 0);
	assert_dec(t.day_change, "0");
}

static void
allocation(void **state)
{
	struct slice s[3];
	size_t n = 0;

	(void)state;
	alloc_add(s, &n, 3, "stock", D("600"));
	alloc_add(s, &n, 3, "crypto", D("100"));
	alloc_add(s, &n, 3, "stock", D("150"));
	alloc_add(s, &n, 3, "bond", D("125"));
	alloc_add(s, &n, 3, "fund", D("25"));
	alloc_finish(s, n);
	assert_int_equal(n, 3);
	assert_string_equal(s[0].label, "stock");
	assert_dec(s[0].value, "750");
	assert_dec(s[0].pct, "75");
	assert_string_equal(s[1].label, "other");	/* bond + fund */
	assert_dec(s[1].value, "150");
	assert_string_equal(s[2].label, "crypto");
	assert_dec(s[2].pct, "10");
}

static void
reverse_split_by_ratio_is_exact(void **state)
{
	struct tx t[] = {
		T("2022-01-03", "buy", "300", "2", NULL, NULL, NULL, NULL),
		/* One-for-three as new 1, old 3: 0.333... would lose shares. */
		T("2022-03-01", "split", "1", "3", NULL, NULL, NULL, NULL),
		T("2022-04-01", "sell", "100", "7", NULL, NULL, NULL, NULL),
	};

	(void)state;
	for (int m = COST_FIFO; m <= COST_AVERAGE; m++) {
		struct position p = run(t, N(t), (enum cost_method)m);

		assert_dec(p.quantity, "0");
		assert_dec(p.realized, "100");		/* 700 - 600 */
	}
}

static void
interest_fee_reduces_cash(void **state)
{
	struct tx in = T("2024-01-01", "interest", NULL, NULL, "5", "50", "USD",
	    NULL);
	dec inc, fees, taxes;
	char cur[4];

	(void)state;
	in.instrument = 0;
	assert_dec(ledger_cash(&in, cur), "45");
	ledger_flows(&in, &inc, &fees, &taxes);
	assert_dec(inc, "50");
	assert_dec(fees, "5");
}

static void
checks_reject_odd_fields(void **state)
{
	struct tx t;
	const char *field;

	(void)state;
	memset(&t, 0, sizeof(t));
	strcpy(t.currency, "USD");
	t.type = TX_DEPOSIT;
	t.amount = D("10");
	t.fee = D("1");
	t.has = TXF_AMOUNT | TXF_FEE;
	assert_non_null(tx_check(&t, &field));
	assert_string_equal(field, "fee");
	t.has = TXF_AMOUNT;
	t.amount = D("1000000000000000000");	/* 10^18: beyond the database */
	assert_non_null(tx_check(&t, &field));
	assert_string_equal(field, "amount");
	t.amount = D("999999999999999999.999999999999");
	assert_null(tx_check(&t, &field));
}

static void
dates_are_strict(void **state)
{
	char out[11];

	(void)state;
	assert_null(ledger_date("2024-3-5", out));
	assert_string_equal(out, "2024-03-05");
	assert_null(ledger_date("16-09-2021", out));	/* Ghostfolio */
	assert_string_equal(out, "2021-09-16");
	assert_null(ledger_date("1.3.2024", out));
	assert_string_equal(out, "2024-03-01");
	assert_null(ledger_date("2024-03-15 10:00:00", out));
	assert_non_null(ledger_date("2024-+3-15", out));
	assert_non_null(ledger_date("2024- 3-15", out));
	assert_non_null(ledger_date("+1.+3.2024", out));
	assert_non_null(ledger_date("2024-03-15garbage", out));
	assert_non_null(ledger_date("2024-03/15", out));
	assert_non_null(ledger_date("2024.03.15", out));
	assert_non_null(ledger_date("", out));
	assert_non_null(ledger_date("99999999", out));
}

static void
percentages_round_once(void **state)
{
	(void)state;
	/* 100 / 799.999999999 = 0.125000000000156..: 0.13, not 0.12. */
	assert_dec(value_pct(DEC_ONE, D("799.999999999")), "0.13");
	assert_dec(value_pct(D("1"), D("3")), "33.33");
	assert_dec(value_pct(D("-2"), D("3")), "-66.67");
}

static void
inverse_rates_divide(void **state)
{
	struct fx_rate r[] = {
		{ "USD", "JPY", { 0 }, 0 }, { "USD", "GBP", { 0 }, 0 },
	};
	struct fx_table fx = { r, 2 };
	dec out;

	(void)state;
	r[0].rate = D("151.23");
	r[1].rate = D("0.79");
	/* 10^10 JPY / 151.23 x 0.79 = 52,238,312.504133...: .50 */
	assert_int_equal(fx_convert(&fx, D("10000000000"), "JPY", "GBP", &out),
	    0);
	assert_string_equal(dec_format(out, 2, (char[DEC_BUFSZ]){0}),
	    "52238312.50");
	assert_int_equal(fx_convert(&fx, D("1"), "CHF", "GBP", &out), -1);
}

static void
unrealized_pct_uses_priced_cost(void **state)
{
	struct position a, b;
	struct holding_value va, vb;
	struct totals t;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&va, 0, sizeof(va));
	memset(&vb, 0, sizeof(vb));
	a.quantity = b.quantity = D("1");
	a.cost = b.cost = D("1000");
	va.priced = 1;
	va.value = D("1100");
	va.unrealized = D("100");
	totals_init(&t);
	totals_add_holding(&t, &a, &va);
	totals_add_holding(&t, &b, &vb);		/* no price */
	totals_finish(&t);
	assert_dec(t.cost, "2000");
	assert_dec(t.priced_cost, "1000");
	assert_dec(value_pct(t.unrealized, t.priced_cost), "10");
}

static void
apply_one_at_a_time_through_stored_lots(void **state)
{
	struct tx t[] = {
		T("2020-01-02", "buy", "10", "100", "5", NULL, NULL, NULL),
		T("2020-02-01", "buy", "7", "120.5", "5", NULL, NULL, NULL),
		T("2020-03-01", "sell", "12", "130", "10", NULL, NULL, NULL),
		T("2020-04-01", "split", "1", "3", NULL, NULL, NULL, NULL),
		T("2020-05-01", "buy", "4", "390", NULL, NULL, NULL, NULL),
		T("2020-06-01", "dividend", NULL, NULL, NULL, "7.77", NULL, NULL),
		T("2020-07-01", "transfer_out", "1", "0", NULL, NULL, NULL, NULL),
		T("2020-08-01", "sell", "2", "400", "1", NULL, NULL, NULL),
	};

	(void)state;
	for (int m = COST_FIFO; m <= COST_AVERAGE; m++) {
		struct position whole = run(t, N(t), (enum cost_method)m);
		struct ledger_state st;
		struct buf text;
		char msg[200];

		/* As the database does it: state saved as text between
		 * transactions, read back, the next one applied. */
		ledger_init(&st);
		buf_init(&text);
		for (size_t i = 0; i < N(t); i++) {
			struct ledger_state next;

			ledger_init(&next);
			buf_reset(&text);
			ledger_lots_format(&st, &text);
			assert_int_equal(ledger_lots_parse(&next,
			    text.data ? text.data : ""), 0);
			next.p = st.p;
			ledger_free(&st);
			st = next;
			assert_int_equal(ledger_apply(&st, &t[i],
			    (enum cost_method)m, msg, sizeof(msg)), 0);
		}
		assert_dec(st.p.quantity, fmt(whole.quantity));
		assert_dec(st.p.cost, fmt(whole.cost));
		assert_dec(st.p.realized, fmt(whole.realized));
		assert_dec(st.p.income, fmt(whole.income));
		assert_dec(st.p.fees, fmt(whole.fees));
		ledger_free(&st);
		buf_free(&text);
	}
	{
		struct ledger_state st;

		ledger_init(&st);
		assert_int_equal(ledger_lots_parse(&st, "1:2;x:3"), -1);
		assert_int_equal(ledger_lots_parse(&st, "1;2"), -1);
		ledger_free(&st);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buys_then_partial_sell_fifo),
		cmocka_unit_test(buys_then_partial_sell_average),
		cmocka_unit_test(sell_everything_and_buy_again),
		cmocka_unit_test(split_mid_history),
		cmocka_unit_test(reverse_split),
		cmocka_unit_test(dividend_before_later_buys),
		cmocka_unit_test(fees_everywhere),
		cmocka_unit_test(foreign_currency_trades),
		cmocka_unit_test(pence_quoted),
		cmocka_unit_test(oversell_is_an_error),
		cmocka_unit_test(sell_before_split_counts_old_shares),
		cmocka_unit_test(cash_and_flows),
		cmocka_unit_test(checks_per_type),
		cmocka_unit_test(dates),
		cmocka_unit_test(fx_lookups),
		cmocka_unit_test(valuation_and_totals),
		cmocka_unit_test(allocation),
		cmocka_unit_test(reverse_split_by_ratio_is_exact),
		cmocka_unit_test(interest_fee_reduces_cash),
		cmocka_unit_test(checks_reject_odd_fields),
		cmocka_unit_test(dates_are_strict),
		cmocka_unit_test(percentages_round_once),
		cmocka_unit_test(inverse_rates_divide),
		cmocka_unit_test(unrealized_pct_uses_priced_cost),
		cmocka_unit_test(apply_one_at_a_time_through_stored_lots),
	};

	return cmocka_run_group_tests_name("ledger", tests, NULL, NULL);
}
