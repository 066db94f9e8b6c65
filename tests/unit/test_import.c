/*
 * Unit tests for reading import files (lib/importfmt.c) and what the
 * ledger makes of them, with the known answers of
 * tests/fixtures/import/EXPECTED.md worked out by hand: each format's
 * sample read, every row built into a transaction (as an import does,
 * tx_build) and replayed in the ledger's order; and the pieces under
 * it: numbers as files write them, times in dates, the order within a
 * day, currency exchanges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "csv.h"
#include "importfmt.h"
#include "ledger.h"

#define FIXTURES NESTEGG_HOME "/tests/fixtures/import/"

static const char *
fmt(dec d)
{
	static char buf[8][DEC_BUFSZ];
	static int k;

	k = (k + 1) % 8;
	return dec_format(d, -1, buf[k]);
}

static const char *
fmt2(dec d)
{
	static char buf[8][DEC_BUFSZ];
	static int k;

	k = (k + 1) % 8;
	return dec_format(d, 2, buf[k]);
}

/* num_parse() as text, or its message's first word. */
static const char *
N(const char *s, enum num_style st, int *rounded)
{
	static char buf[200];
	const char *why;
	dec d;

	if ((why = num_parse(s, st, &d, rounded)) != NULL) {
		snprintf(buf, sizeof(buf), "ERR %s", why);
		return buf;
	}
	return dec_format(d, -1, buf);
}

static void
numbers_as_files_write_them(void **state)
{
	int r = 0;

	(void)state;
	assert_string_equal(N("0.3333333333333333", NUM_PLAIN, &r),
	    "0.333333333333");
	assert_int_equal(r, 1);
	r = 0;
	assert_string_equal(N("237.8000030517578", NUM_PLAIN, &r),
	    "237.800003051758");
	assert_int_equal(r, 1);
	r = 0;
	assert_string_equal(N("0.9941099999999999", NUM_PLAIN, &r),
	    "0.99411");
	assert_int_equal(r, 1);
	r = 0;
	assert_string_equal(N("12.5", NUM_PLAIN, &r), "12.5");
	assert_int_equal(r, 0);
	/* Half-even at the 12th place. */
	assert_string_equal(N("0.0000000000005", NUM_PLAIN, NULL), "0");
	assert_string_equal(N("0.0000000000015", NUM_PLAIN, NULL),
	    "0.000000000002");
	assert_string_equal(N("1.5e-3", NUM_PLAIN, NULL), "0.0015");
	assert_string_equal(N("0", NUM_PLAIN, NULL), "0");
	assert_string_equal(N("1,234.56", NUM_POINT, NULL), "1234.56");
	assert_string_equal(N("1234.56", NUM_POINT, NULL), "1234.56");
	assert_string_equal(N("-10,000.00", NUM_POINT, NULL), "-10000");
	assert_string_equal(N("1.234,56", NUM_COMMA, NULL), "1234.56");
	assert_string_equal(N("0,5", NUM_COMMA, NULL), "0.5");
	assert_string_equal(N("1 234,5", NUM_COMMA, NULL), "1234.5");
	assert_string_equal(N("1'234.5", NUM_POINT, NULL), "1234.5");
	/* What each style cannot be, said precisely. */
	assert_string_equal(N("1,5", NUM_PLAIN, NULL), "ERR Use a point for "
	    "decimals and no thousands separators, like 1234.56.");
	assert_string_equal(N("1,5", NUM_POINT, NULL), "ERR Write the number "
	    "like 1,234.56: a point for decimals.");
	assert_string_equal(N("12,34.5", NUM_POINT, NULL), "ERR Write the "
	    "number like 1,234.56: a point for decimals.");
	assert_string_equal(N("1e19", NUM_PLAIN, NULL), "ERR That number is "
	    "too large: at most 18 digits before the decimal point.");
	assert_string_equal(N("1000000000000000000", NUM_PLAIN, NULL),
	    "ERR That number is too large: at most 18 digits before the "
	    "decimal point.");
	assert_string_equal(N("999999999999999999.5", NUM_PLAIN, NULL),
	    "999999999999999999.5");
	assert_string_equal(N("abc", NUM_PLAIN, NULL), "ERR That is not a "
	    "number like 1234.56.");
	assert_string_equal(N("", NUM_PLAIN, NULL), "ERR Enter a number.");
	assert_string_equal(N("12 EUR", NUM_COMMA, NULL), "ERR Write the "
	    "number like 1.234,56: a comma for decimals.");
	assert_string_equal(N("12EUR", NUM_COMMA, NULL), "ERR That is not a "
	    "number like 1.234,56.");
}

static void
times_in_dates(void **state)
{
	char d[11], t[9];

	(void)state;
	assert_null(ledger_datetime("2023-06-01T13:35:00.000Z", d, t));
	assert_string_equal(d, "2023-06-01");
	assert_string_equal(t, "13:35:00");
	assert_null(ledger_datetime("2024-01-15T00:00", d, t));
	assert_string_equal(t, "00:00:00");
	assert_null(ledger_datetime("20240202;100512", d, t));	/* IBKR */
	assert_string_equal(d, "2024-02-02");
	assert_string_equal(t, "10:05:12");
	assert_null(ledger_datetime("2025-01-02;07:43:28", d, t));
	assert_string_equal(t, "07:43:28");
	assert_null(ledger_datetime("2025-11-14 11:36:04 EST", d, t));
	assert_string_equal(t, "11:36:04");
	assert_null(ledger_datetime("2024-03-15 10:00:00+01:00", d, t));
	assert_string_equal(t, "10:00:00");
	assert_null(ledger_datetime("15.03.2024 09:30", d, t));
	assert_string_equal(d, "2024-03-15");
	assert_string_equal(t, "09:30:00");
	assert_null(ledger_datetime("2024-03-15", d, t));
	assert_string_equal(t, "");
	assert_non_null(ledger_datetime("2024-03-15T25:00", d, t));
	assert_non_null(ledger_datetime("2024-03-15T10:61", d, t));
	assert_non_null(ledger_datetime("2024-03-15 soon", d, t));
	assert_non_null(ledger_datetime("2024-03-15T10:00:00Zjunk", d, t));
}

static struct tx
O(const char *date, const char *time, enum tx_type type, long long id)
{
	struct tx t;

	memset(&t, 0, sizeof(t));
	snprintf(t.date, sizeof(t.date), "%s", date);
	snprintf(t.time, sizeof(t.time), "%s", time);
	t.type = type;
	t.id = id;
	return t;
}

static void
order_within_a_day(void **state)
{
	struct tx sell = O("2024-06-10", "", TX_SELL, 1);
	struct tx split = O("2024-06-10", "", TX_SPLIT, 2);
	struct tx late = O("2024-06-10", "19:50:00", TX_SELL, 3);
	struct tx early = O("2024-06-10", "13:35:00", TX_BUY, 4);
	struct tx next = O("2024-06-11", "", TX_SPLIT, 5);
	char a[LEDGER_KEYSZ], b[LEDGER_KEYSZ];

	(void)state;
	/* A split first, whatever was entered before it that day. */
	assert_true(ledger_order_cmp(&split, &sell) < 0);
	assert_true(ledger_order_cmp(&split, &early) < 0);
	/* Then by time; rows without one first. */
	assert_true(ledger_order_cmp(&early, &late) < 0);
	assert_true(ledger_order_cmp(&sell, &early) < 0);
	assert_true(ledger_order_cmp(&late, &next) < 0);
	/* Same day and time: level (the entry order decides). */
	assert_int_equal(ledger_order_cmp(&sell, &sell), 0);
	/* The stored key compares the same way. */
	assert_true(strcmp(ledger_order_key(&split, a),
	    ledger_order_key(&sell, b)) < 0);
	assert_true(strcmp(ledger_order_key(&sell, a),
	    ledger_order_key(&early, b)) < 0);
	assert_true(strcmp(ledger_order_key(&early, a),
	    ledger_order_key(&late, b)) < 0);
}

static void
exchange_moves_cash_between_currencies(void **state)
{
	struct tx t;
	const char *field;
	char cur[4];

	(void)state;
	memset(&t, 0, sizeof(t));
	strcpy(t.date, "2024-03-01");
	t.type = TX_EXCHANGE;
	strcpy(t.currency, "EUR");
	strcpy(t.counter, "GBP");
	assert_int_equal(num_parse("1000", NUM_PLAIN, &t.amount, NULL), NULL);
	assert_int_equal(num_parse("0.8571", NUM_PLAIN, &t.price, NULL), NULL);
	assert_int_equal(num_parse("2", NUM_PLAIN, &t.fee, NULL), NULL);
	t.has = TXF_AMOUNT | TXF_PRICE | TXF_FEE;
	assert_null(tx_check(&t, &field));
	/* Sold 1000 EUR and the fee; bought 1000 x 0.8571 GBP. */
	assert_string_equal(fmt(ledger_cash(&t, cur)), "-1002");
	assert_string_equal(cur, "EUR");
	assert_string_equal(fmt(ledger_cash_counter(&t, cur)), "857.1");
	assert_string_equal(cur, "GBP");
	assert_string_equal(fmt(ledger_external_flow(&t)), "0");
	/* Into the same currency, or without what was bought: refused. */
	strcpy(t.counter, "EUR");
	assert_non_null(tx_check(&t, &field));
	assert_string_equal(field, "counter_currency");
	strcpy(t.counter, "GBP");
	t.has = TXF_AMOUNT;
	assert_non_null(tx_check(&t, &field));
	assert_string_equal(field, "quantity");
}

static void
explicit_zero_fee_is_no_fee(void **state)
{
	static const enum tx_type types[] = { TX_DEPOSIT, TX_WITHDRAWAL,
	    TX_FEE, TX_TAX };
	struct tx t;
	const char *field;

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		memset(&t, 0, sizeof(t));
		strcpy(t.date, "2024-01-01");
		strcpy(t.currency, "USD");
		t.type = types[i];
		t.amount = dec_from_int(10);
		t.has = TXF_AMOUNT | TXF_FEE;	/* fee 0 */
		assert_null(tx_check(&t, &field));
		assert_false(t.has & TXF_FEE);
		t.fee = dec_from_int(1);
		t.has |= TXF_FEE;
		assert_non_null(tx_check(&t, &field));
		assert_string_equal(field, "fee");
	}
}

/* A file's text, read whole. */
static char *
slurp(const char *name, size_t *len)
{
	FILE *f = fopen(name, "rb");
	char *s;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return s;
}

/* One instrument's replay of a file. */
struct book {
	char symbol[65];
	char currency[4];
	struct tx *tx;
	size_t n;
	struct position p;
};

struct replay {
	struct book b[32];
	size_t n;
	dec cash[4];
	char cur[4][4];
	size_t ncur;
	enum import_format format;
	int rounded;
	size_t skipped;
};

static int
by_order(const void *x, const void *y)
{
	const struct tx *a = x, *b = y;
	int c = ledger_order_cmp(a, b);

	return c ? c : (a->id < b->id ? -1 : a->id > b->id);
}

static void
add_cash(struct replay *r, const char *cur, dec v)
{
	size_t i;

	if (dec_is_zero(v))
		return;
	for (i = 0; i < r->ncur && strcmp(r->cur[i], cur) != 0; i++)
		;
	if (i == r->ncur) {
		assert_true(r->ncur < 4);
		strcpy(r->cur[r->ncur], cur);
		r->cash[r->ncur++] = DEC_ZERO;
	}
	r->cash[i] = dec_add(r->cash[i], v);
}

/*
 * Reads fixture name as format (or recognised) into a portfolio in
 * base, every row a transaction built as an import builds it (no row
 * may be refused; rows that record nothing are counted), and replays
 * each instrument under FIFO.  Rates: 1 EUR = 1.1 USD, 1 GBP = 1.25
 * USD.
 */
static void
replay(const char *name, enum import_format format,
    const struct import_mapping *map, const char *base, struct replay *out)
{
	struct series_pair pair[2] = { { "EUR", "USD", NULL, 0, 1, { 0 }, 1 },
	    { "GBP", "USD", NULL, 0, 1, { 0 }, 1 } };
	struct fx_days fx = { pair, 2 };
	struct portfolio pf;
	struct import_file f;
	struct arena a;
	size_t len;
	char *text = slurp(name, &len);

	assert_null(num_parse("1.1", NUM_PLAIN, &pair[0].latest, NULL));
	assert_null(num_parse("1.25", NUM_PLAIN, &pair[1].latest, NULL));
	memset(out, 0, sizeof(*out));
	memset(&pf, 0, sizeof(pf));
	strcpy(pf.currency, base);
	pf.track_cash = 1;
	arena_init(&a);
	assert_int_equal(import_read(&a, text, len, format, map, &f), 0);
	out->format = f.format;
	for (size_t i = 0; i < f.n; i++) {
		const struct import_row *row = &f.rows[i];
		struct instrument inst, *ip = NULL;
		struct tx t;
		const char *why, *field = "";
		char cur[4];
		size_t k = 0;

		if (row->error)
			fail_msg("line %zu: %s: %s", row->line,
			    row->error_field, row->error);
		if (row->skip) {
			out->skipped++;
			continue;
		}
		if (row->t.symbol && *row->t.symbol) {
			for (k = 0; k < out->n && strcasecmp(out->b[k].symbol,
			    row->t.symbol) != 0; k++)
				;
			if (k == out->n) {
				assert_true(out->n < 32);
				snprintf(out->b[k].symbol, 65, "%s",
				    row->t.symbol);
				snprintf(out->b[k].currency, 4, "%s",
				    *row->hint.currency ? row->hint.currency :
				    *row->t.currency ? row->t.currency : base);
				out->b[k].tx = calloc(64, sizeof(struct tx));
				out->n++;
			}
			memset(&inst, 0, sizeof(inst));
			inst.id = (long long)k + 1;
			inst.symbol = out->b[k].symbol;
			memcpy(inst.currency, out->b[k].currency, 4);
			ip = &inst;
		}
		why = tx_build(&pf, &row->t, ip, &fx, &t, &field,
		    &out->rounded);
		if (why != NULL)
			fail_msg("line %zu (%s): %s: %s", row->line, row->raw,
			    field, why);
		t.id = (long long)i;
		add_cash(out, (ledger_cash(&t, cur), cur), ledger_cash(&t,
		    cur));
		if (t.type == TX_EXCHANGE) {
			dec v = ledger_cash_counter(&t, cur);

			add_cash(out, cur, v);
		}
		if (ip != NULL) {
			assert_true(out->b[k].n < 64);
			out->b[k].tx[out->b[k].n++] = t;
		}
	}
	for (size_t k = 0; k < out->n; k++) {
		struct book *b = &out->b[k];
		char msg[200];
		size_t bad;

		qsort(b->tx, b->n, sizeof(*b->tx), by_order);
		if (ledger_position(b->tx, b->n, COST_FIFO, &b->p, &bad, msg,
		    sizeof(msg)) != 0)
			fail_msg("%s: %s", b->symbol, msg);
	}
	arena_free(&a);
	free(text);
}

static void
replay_free(struct replay *r)
{
	for (size_t k = 0; k < r->n; k++)
		free(r->b[k].tx);
}

static const struct position *
pos(const struct replay *r, const char *sym)
{
	for (size_t k = 0; k < r->n; k++)
		if (strcasecmp(r->b[k].symbol, sym) == 0)
			return &r->b[k].p;
	fail_msg("no holding %s", sym);
	return NULL;
}

static const char *
cash(const struct replay *r, const char *cur)
{
	for (size_t i = 0; i < r->ncur; i++)
		if (strcmp(r->cur[i], cur) == 0)
			return fmt2(r->cash[i]);
	return "0.00";
}

static void
ghostfolio_json(void **state)
{
	static const char *const files[] = { FIXTURES "ghostfolio.json",
	    FIXTURES "ghostfolio_v3.json" };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct replay r;

		replay(files[i], IF_AUTO, NULL, "USD", &r);
		assert_int_equal(r.format, IF_GHOSTFOLIO);
		assert_true(r.rounded);		/* 0.3333333333333333 */
		assert_string_equal(fmt(pos(&r, "VTI")->quantity), "6");
		assert_string_equal(fmt2(pos(&r, "VTI")->cost), "1200.60");
		assert_string_equal(fmt2(pos(&r, "VTI")->realized), "38.60");
		assert_string_equal(fmt2(pos(&r, "MSFT")->cost), "475.60");
		assert_string_equal(fmt(pos(&r, "AMZN")->quantity),
		    "0.333333333333");
		assert_string_equal(fmt2(pos(&r, "AMZN")->cost), "50.00");
		/* The sell listed before its buy, ordered by time. */
		assert_string_equal(fmt(pos(&r, "TSLA")->quantity), "0");
		assert_string_equal(fmt2(pos(&r, "TSLA")->realized), "23.00");
		/* EUR at 1.1 in a USD portfolio. */
		assert_string_equal(fmt(pos(&r, "SAP.DE")->quantity), "3");
		assert_string_equal(fmt2(pos(&r, "SAP.DE")->cost), "400.40");
		assert_string_equal(fmt2(pos(&r, "VTI")->income), "5.10");
		replay_free(&r);
	}
}

static void
ghostfolio_csv(void **state)
{
	struct replay r;

	(void)state;
	replay(FIXTURES "ghostfolio.csv", IF_AUTO, NULL, "USD", &r);
	assert_int_equal(r.format, IF_GHOSTFOLIO_CSV);
	assert_string_equal(fmt2(pos(&r, "VTI")->cost), "1200.60");
	assert_string_equal(fmt(pos(&r, "TSLA")->quantity), "0");
	assert_string_equal(fmt(pos(&r, "Penthouse Apartment")->quantity),
	    "1");
	assert_string_equal(fmt2(pos(&r, "Mortgage")->cost), "350000.00");
	replay_free(&r);
}

static void
ibkr_trades(void **state)
{
	static const char *const files[] = { FIXTURES "ibkr_trades.csv",
	    FIXTURES "ibkr_trades_sections.csv" };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct replay r;

		replay(files[i], IF_AUTO, NULL, "USD", &r);
		assert_int_equal(r.format, IF_IBKR);
		assert_string_equal(fmt(pos(&r, "VTI")->quantity), "6");
		assert_string_equal(fmt2(pos(&r, "VTI")->cost), "1411.32");
		assert_string_equal(fmt2(pos(&r, "VTI")->realized), "18.12");
		assert_string_equal(fmt(pos(&r, "AAPL")->quantity), "12");
		assert_string_equal(fmt2(pos(&r, "AAPL")->cost), "2226.61");
		assert_string_equal(fmt2(pos(&r, "AAPL")->realized), "52.58");
		assert_string_equal(fmt2(pos(&r, "TSLA")->realized), "32.95");
		assert_string_equal(fmt(pos(&r, "SAP")->quantity), "5");
		/* The EUR.USD trade is an exchange, not a holding. */
		assert_int_equal(r.n, 4);
		assert_string_equal(cash(&r, "USD"), "-4617.48");
		assert_string_equal(cash(&r, "EUR"), "135.00");
		replay_free(&r);
	}
}

static void
portfolio_performance(void **state)
{
	static const char *const files[] = { FIXTURES "pp_portfolio.csv",
	    FIXTURES "pp_portfolio_de.csv" };
	struct replay r;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		replay(files[i], IF_AUTO, NULL, "EUR", &r);
		assert_int_equal(r.format, IF_PP);
		assert_string_equal(fmt(pos(&r, "EUNL.DE")->quantity), "6");
		assert_string_equal(fmt2(pos(&r, "EUNL.DE")->cost), "902.34");
		assert_string_equal(fmt2(pos(&r, "EUNL.DE")->realized),
		    "34.54");
		assert_string_equal(fmt2(pos(&r, "AAPL")->cost), "856.00");
		assert_string_equal(fmt(pos(&r, "ALV.DE")->quantity), "3");
		assert_string_equal(fmt2(pos(&r, "ALV.DE")->cost), "754.50");
		assert_string_equal(fmt(pos(&r, "SIE.DE")->quantity), "2.5");
		assert_string_equal(fmt2(pos(&r, "SIE.DE")->cost), "340.00");
		replay_free(&r);
	}
	replay(FIXTURES "pp_account.csv", IF_AUTO, NULL, "EUR", &r);
	assert_int_equal(r.format, IF_PP);
	assert_string_equal(cash(&r, "EUR"), "6807.09");
	assert_string_equal(fmt2(pos(&r, "ALV.DE")->income), "55.20");
	assert_string_equal(fmt2(pos(&r, "ALV.DE")->taxes), "14.56");
	replay_free(&r);
}


/* import_mapping_parse() as 0 or -1, its memory kept for the run. */
static int
parse_map(const char *text, struct import_mapping *m)
{
	static struct arena a;
	static int ready;

	if (!ready) {
		arena_init(&a);
		ready = 1;
	}
	return import_mapping_parse(&a, text, m) == NULL ? 0 : -1;
}

static void
generic_with_a_mapping(void **state)
{
	struct import_mapping m;
	struct import_file f;
	struct replay r;
	struct arena a;
	size_t len;
	char *text = slurp(FIXTURES "generic.csv", &len);

	(void)state;
	/* Without a mapping it asks for one, naming the columns. */
	arena_init(&a);
	assert_int_equal(import_read(&a, text, len, IF_AUTO, NULL, &f), -1);
	assert_true(f.needs_mapping);
	assert_int_equal(f.nheader, 6);
	assert_string_equal(f.header[4], "Cost per piece");
	arena_free(&a);
	free(text);
	/* The mapping survives its text form. */
	assert_int_equal(parse_map("date=0;type=1;symbol=2;"
	    "quantity=3;price=4;fee=5;amount=-1;currency=-1;fx_rate=-1;"
	    "note=-1;name=-1;style=comma;every=", &m), 0);
	arena_init(&a);
	assert_int_equal(parse_map(import_mapping_format(&a, &m),
	    &m), 0);
	arena_free(&a);
	assert_int_equal(m.col[IM_PRICE], 4);
	assert_int_equal(m.style, NUM_COMMA);
	replay(FIXTURES "generic.csv", IF_GENERIC, &m, "EUR", &r);
	assert_string_equal(fmt(pos(&r, "SAP")->quantity), "3");
	assert_string_equal(fmt2(pos(&r, "SAP")->cost), "453.57");
	assert_string_equal(fmt2(pos(&r, "SAP")->realized), "271.72");
	assert_string_equal(fmt2(pos(&r, "ALV")->realized), "63.60");
	assert_string_equal(fmt(pos(&r, "BAS")->quantity), "20.5");
	assert_string_equal(fmt2(pos(&r, "BAS")->cost), "940.00");
	assert_string_equal(fmt2(pos(&r, "RHM")->cost), "2304.95");
	replay_free(&r);
	assert_int_equal(parse_map("date=0;bogus=1", &m), -1);
	assert_int_equal(parse_map("type=1", &m), -1);
}

static void
hostile_files_are_refused(void **state)
{
	struct import_file f;
	struct arena a;
	char *big;
	size_t n = 0;

	(void)state;
	arena_init(&a);
	assert_int_equal(import_read(&a, "date,type\n\xff\xfe\n", 12, IF_AUTO,
	    NULL, &f), -1);
	assert_non_null(strstr(f.error, "UTF-8"));
	assert_int_equal(import_read(&a, "  \n ", 4, IF_AUTO, NULL, &f), -1);
	assert_non_null(strstr(f.error, "empty"));
	assert_int_equal(import_read(&a, "{\"activities\": 5}", 17, IF_AUTO,
	    NULL, &f), -1);
	assert_non_null(strstr(f.error, "activities"));
	assert_int_equal(import_read(&a, "{\"activities\": []} x", 20,
	    IF_AUTO, NULL, &f), -1);
	assert_non_null(strstr(f.error, "JSON"));
	/* Nested 100,000 deep: refused at the parser's depth. */
	big = malloc(200001);
	big[n++] = '{';
	memcpy(big + n, "\"activities\":", 13);
	n += 13;
	while (n < 100000)
		big[n++] = '[';
	while (n < 199999)
		big[n++] = ']';
	big[n++] = '}';
	assert_int_equal(import_read(&a, big, n, IF_AUTO, NULL, &f), -1);
	assert_non_null(strstr(f.error, "JSON"));
	free(big);
	/* A million lines: refused before they are parsed. */
	big = malloc(4000001);
	memcpy(big, "date,type\n", 10);
	for (n = 10; n + 4 <= 4000000; n += 4)
		memcpy(big + n, "1,2\n", 4);
	assert_int_equal(import_read(&a, big, n, IF_AUTO, NULL, &f), -1);
	assert_non_null(strstr(f.error, "Too many lines"));
	free(big);
	/* Larger than 16 MiB. */
	assert_int_equal(import_read(&a, "x", IMPORT_MAX_BYTES + 1, IF_AUTO,
	    NULL, &f), -1);
	assert_non_null(strstr(f.error, "too large"));
	arena_free(&a);
}

static void
rows_keep_their_line_and_field(void **state)
{
	static const char csv[] = "date,type,symbol,quantity,price,note\n"
	    "2024-01-02,buy,AAPL,10,100,\"=HYPERLINK(\"\"x\"\")\"\n"
	    "2024-01-03,kauf,SAP,1,2,\n"
	    "\n"
	    "2024-01-04,split,AAPL,2,,\n";
	struct import_file f;
	struct arena a;

	(void)state;
	arena_init(&a);
	assert_int_equal(import_read(&a, csv, sizeof(csv) - 1, IF_AUTO, NULL,
	    &f), 0);
	assert_int_equal(f.format, IF_NESTEGG);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.rows[0].line, 2);
	assert_int_equal(f.rows[2].line, 5);
	/* A formula in a note is text, kept as written. */
	assert_string_equal(f.rows[0].t.note, "=HYPERLINK(\"x\")");
	assert_string_equal(f.rows[1].t.type, "buy");
	assert_string_equal(f.rows[2].raw, "2024-01-04,split,AAPL,2,,");
	arena_free(&a);
}

/*
 * Rows that record nothing are skipped, not refused: Ghostfolio's
 * placeholder buy of 0 at 0 (dated 2050), a nestegg row of 0 shares at
 * 0, a deposit of 0.  A buy of 0 shares at a price, or a deposit with
 * no amount, still says something wrong and is not skipped.
 */
static void
rows_that_record_nothing_are_skipped(void **state)
{
	static const char csv[] = "date,type,symbol,quantity,price,amount\n"
	    "2024-01-02,buy,AAPL,10,100,\n"
	    "2024-01-03,buy,AAPL,0,0,\n"
	    "2024-01-04,deposit,,,,0.00\n"
	    "2024-01-05,buy,AAPL,0,12,\n"
	    "2024-01-06,deposit,,,,\n"
	    "2024-01-07,dividend,AAPL,,,0\n";
	static const char json[] = "{\"activities\": ["
	    "{\"type\": \"BUY\", \"symbol\": \"MSFT\", \"quantity\": 0, "
	    "\"unitPrice\": 0, \"fee\": 0, \"currency\": \"USD\", "
	    "\"dataSource\": \"YAHOO\", \"date\": \"2050-01-01T00:00:00.000Z\"},"
	    "{\"type\": \"BUY\", \"symbol\": \"MSFT\", \"quantity\": 2, "
	    "\"unitPrice\": 300, \"fee\": 1, \"currency\": \"USD\", "
	    "\"dataSource\": \"YAHOO\", \"date\": \"2024-01-02T00:00:00.000Z\"}]}";
	struct import_file f;
	struct arena a;

	(void)state;
	arena_init(&a);
	assert_int_equal(import_read(&a, csv, sizeof(csv) - 1, IF_AUTO, NULL,
	    &f), 0);
	assert_int_equal(f.n, 6);
	assert_null(f.rows[0].skip);
	assert_non_null(f.rows[1].skip);
	assert_non_null(strstr(f.rows[1].skip, "0 shares"));
	assert_non_null(f.rows[2].skip);
	assert_null(f.rows[3].skip);		/* 0 shares at 12 */
	assert_null(f.rows[4].skip);		/* no amount at all */
	assert_non_null(f.rows[5].skip);
	assert_int_equal(import_read(&a, json, sizeof(json) - 1, IF_AUTO, NULL,
	    &f), 0);
	assert_int_equal(f.n, 2);
	assert_non_null(f.rows[0].skip);
	assert_null(f.rows[0].error);
	assert_null(f.rows[1].skip);
	arena_free(&a);
}

/*
 * A generic CSV's numbers as brokers write them: a currency's sign or
 * code, thousands separators, a negative in brackets, costs and a
 * sell's quantity negative; read by their size, the type saying which
 * way they go.  A value that is no number stays as written.
 */
static void
generic_numbers_as_brokers_write_them(void **state)
{
	static const char csv[] = "When,What,Paper,Pieces,Each,Costs,Total\n"
	    "2024-01-02,Buy,AAPL,10,\"$1,234.56\",-4.95,\n"
	    "2024-01-03,Sell,AAPL,-4,USD 1300.00,(1.00),\n"
	    "2024-01-04,Deposit,,,,,\"-2,000.00 $\"\n"
	    "2024-01-05,Buy,AAPL,ten,1,,\n";
	struct import_mapping m;
	struct import_file f;
	struct arena a;

	(void)state;
	assert_int_equal(parse_map("date=0;type=1;symbol=2;"
	    "quantity=3;price=4;fee=5;amount=6;style=point", &m), 0);
	arena_init(&a);
	assert_int_equal(import_read(&a, csv, sizeof(csv) - 1, IF_GENERIC, &m,
	    &f), 0);
	assert_int_equal(f.n, 4);
	assert_string_equal(f.rows[0].t.price, "1234.56");
	assert_string_equal(f.rows[0].t.fee, "4.95");
	assert_int_equal(f.rows[0].t.style, NUM_PLAIN);
	assert_string_equal(f.rows[1].t.type, "sell");
	assert_string_equal(f.rows[1].t.quantity, "4");
	assert_string_equal(f.rows[1].t.price, "1300");
	assert_string_equal(f.rows[1].t.fee, "1");
	assert_string_equal(f.rows[2].t.amount, "2000");
	assert_string_equal(f.rows[3].t.quantity, "ten");
	assert_int_equal(f.rows[3].t.style, NUM_POINT);
	arena_free(&a);
}

/*
 * Presets: each broker's export, in its own layout (the samples in
 * tests/fixtures/import/presets/, and what each layout is in its .md
 * beside it), recognised without a mapping and read to the known
 * answers worked out from the file.
 */
#define PRESETS FIXTURES "presets/"

static void
preset_trading212(void **state)
{
	struct replay r;

	(void)state;
	replay(PRESETS "trading212.csv", IF_AUTO, NULL, "GBP", &r);
	assert_int_equal(r.format, IF_TRADING212);
	/* 20 bought at 77.50, 8 sold at 86.20: its Result, 69.60. */
	assert_string_equal(fmt(pos(&r, "VUSA")->quantity), "12");
	assert_string_equal(fmt2(pos(&r, "VUSA")->cost), "930.00");
	assert_string_equal(fmt2(pos(&r, "VUSA")->realized), "69.60");
	assert_string_equal(fmt(pos(&r, "AAPL")->quantity), "7");
	/* 1,000 at 42.10 pence and 2.11 pounds of stamp duty: its Total. */
	assert_string_equal(fmt(pos(&r, "LLOY")->quantity), "1000");
	assert_string_equal(fmt2(pos(&r, "LLOY")->cost), "423.11");
	/* Dividends in the price's currency: 12 x 0.2125 USD (0.45 USD
	 * withheld) and 20 x 0.1850 GBP; the cash's interest. */
	assert_string_equal(cash(&r, "GBP"), "2724.14");
	replay_free(&r);
}

static void
preset_revolut(void **state)
{
	struct replay r;

	(void)state;
	replay(PRESETS "revolut.csv", IF_AUTO, NULL, "USD", &r);
	assert_int_equal(r.format, IF_REVOLUT);
	assert_string_equal(fmt(pos(&r, "AAPL")->quantity), "3");
	assert_string_equal(fmt2(pos(&r, "AAPL")->cost), "555.42");
	assert_string_equal(fmt2(pos(&r, "AAPL")->realized), "12.12");
	assert_string_equal(fmt(pos(&r, "MSFT")->quantity), "1.5");
	assert_string_equal(fmt2(pos(&r, "MSFT")->realized), "34.20");
	/* The split's 4.5 shares added at no cost. */
	assert_string_equal(fmt(pos(&r, "NVDA")->quantity), "5");
	assert_string_equal(fmt2(pos(&r, "NVDA")->cost), "440.00");
	assert_string_equal(fmt(pos(&r, "ASML")->quantity), "1.2");
	/* A tax withheld and given back: nothing. */
	assert_string_equal(cash(&r, "USD"), "990.18");
	assert_string_equal(cash(&r, "EUR"), "55.40");
	replay_free(&r);
}

static void
preset_freetrade(void **state)
{
	struct replay r;

	(void)state;
	replay(PRESETS "freetrade.csv", IF_AUTO, NULL, "GBP", &r);
	assert_int_equal(r.format, IF_FREETRADE);
	assert_int_equal(r.skipped, 3);		/* its statements */
	assert_string_equal(fmt(pos(&r, "AAPL")->quantity), "2.5");
	/* Bought in pounds, the FX fee of 3.09 in its cost. */
	assert_string_equal(fmt2(pos(&r, "AAPL")->cost), "383.70");
	/* 500 bought with 1.30 of stamp duty, and a free share. */
	assert_string_equal(fmt(pos(&r, "LLOY")->quantity), "501");
	assert_string_equal(fmt(pos(&r, "VUSA")->quantity), "10");
	/* Its cash, but for the dividend in dollars: 1.08 less 0.16. */
	assert_string_equal(cash(&r, "GBP"), "130.17");
	assert_string_equal(cash(&r, "USD"), "0.92");
	replay_free(&r);
}

static void
preset_scalable(void **state)
{
	struct replay r;

	(void)state;
	replay(PRESETS "scalable.csv", IF_AUTO, NULL, "EUR", &r);
	assert_int_equal(r.format, IF_SCALABLE);
	/* Pending, expired, rejected and cancelled orders. */
	assert_int_equal(r.skipped, 4);
	assert_string_equal(fmt(pos(&r, "US0378331005")->quantity), "4");
	assert_string_equal(fmt(pos(&r, "DE0007164600")->quantity), "6");
	/* Three savings plan executions. */
	assert_string_equal(fmt(pos(&r, "IE00BK5BQT80")->quantity), "6.765");
	/* The taxes on gains and dividends paid, a fee, interest. */
	assert_string_equal(cash(&r, "EUR"), "1977.18");
	replay_free(&r);
}

static void
preset_parqet(void **state)
{
	struct replay r;

	(void)state;
	replay(PRESETS "parqet.csv", IF_AUTO, NULL, "EUR", &r);
	assert_int_equal(r.format, IF_PARQET);
	assert_string_equal(fmt(pos(&r, "US0378331005")->quantity), "6");
	assert_string_equal(fmt(pos(&r, "DE0007164600")->quantity), "7");
	assert_string_equal(fmt2(pos(&r, "IE00BK5BQT80")->cost), "3352.20");
	/* Its cash holding's transfers are deposits and withdrawals. */
	assert_string_equal(cash(&r, "EUR"), "3381.11");
	replay_free(&r);
}

static void
preset_etoro(void **state)
{
	struct replay r;

	(void)state;
	replay(PRESETS "etoro.csv", IF_AUTO, NULL, "USD", &r);
	assert_int_equal(r.format, IF_ETORO);
	assert_int_equal(r.skipped, 1);		/* a stop loss edited */
	assert_string_equal(fmt(pos(&r, "AAPL")->quantity), "5.405405");
	assert_string_equal(fmt2(pos(&r, "AAPL")->cost), "1000.00");
	/* Two positions, the first closed for 1,680.00: 2 left for 820. */
	assert_string_equal(fmt(pos(&r, "MSFT")->quantity), "2");
	assert_string_equal(fmt2(pos(&r, "MSFT")->cost), "820.00");
	assert_string_equal(fmt2(pos(&r, "MSFT")->realized), "180.00");
	assert_string_equal(fmt2(pos(&r, "ASML.NV")->cost), "1090.00");
	/* Its last Balance. */
	assert_string_equal(cash(&r, "USD"), "2773.19");
	replay_free(&r);
}

static void
preset_bux(void **state)
{
	struct replay r;

	(void)state;
	replay(PRESETS "bux.csv", IF_AUTO, NULL, "EUR", &r);
	assert_int_equal(r.format, IF_BUX);
	assert_int_equal(r.skipped, 3);		/* the trades' money rows */
	assert_string_equal(fmt(pos(&r, "NL0011821202")->quantity), "30");
	assert_string_equal(fmt2(pos(&r, "NL0011821202")->cost), "397.26");
	assert_string_equal(fmt(pos(&r, "US0378331005")->quantity), "4");
	/* Trades in the shares' currency: the dollars of Apple's buy and
	 * dividend (0.96 less 0.14 withheld) apart from the euros. */
	assert_string_equal(cash(&r, "EUR"), "1697.14");
	assert_string_equal(cash(&r, "USD"), "-741.58");
	replay_free(&r);
}

static void
preset_coinbase(void **state)
{
	struct replay r;

	(void)state;
	replay(PRESETS "coinbase.csv", IF_AUTO, NULL, "EUR", &r);
	assert_int_equal(r.format, IF_COINBASE);
	/* Bought, received, converted in part to ETH, sold in part. */
	assert_string_equal(fmt(pos(&r, "BTC")->quantity), "0.006");
	/* Bought, staked four times, converted to, sent away in part. */
	assert_string_equal(fmt(pos(&r, "ETH")->quantity), "0.399607");
	assert_string_equal(fmt(pos(&r, "GRT")->quantity), "6.4");
	/* The conversion's spread a fee: no money moves with it. */
	assert_string_equal(cash(&r, "EUR"), "131.11");
	replay_free(&r);
}

static void
preset_xtb(void **state)
{
	struct replay r;

	(void)state;
	replay(PRESETS "xtb.csv", IF_AUTO, NULL, "EUR", &r);
	assert_int_equal(r.format, IF_XTB);
	/* Quantities and prices from the comments, partial fills too. */
	assert_string_equal(fmt(pos(&r, "SXR8.DE")->quantity), "3.5");
	assert_string_equal(fmt2(pos(&r, "SXR8.DE")->realized), "53.60");
	assert_string_equal(fmt(pos(&r, "AAPL.US")->quantity), "2");
	/* The account's money in euros: deposits, interest and its tax,
	 * the dividend and its tax, a withdrawal; the trades of SXR8 in
	 * euros, those of Apple in dollars. */
	assert_string_equal(cash(&r, "EUR"), "2190.43");
	assert_string_equal(cash(&r, "USD"), "-334.54");
	replay_free(&r);
}

static void
preset_degiro(void **state)
{
	struct replay r;

	(void)state;
	replay(PRESETS "degiro_transactions.csv", IF_AUTO, NULL, "EUR", &r);
	assert_int_equal(r.format, IF_DEGIRO);
	/* The quantity's sign says buy or sell; one order in two fills;
	 * a last row without the empty field newer rows have. */
	assert_string_equal(fmt(pos(&r, "IE00BK5BQT80")->quantity), "35");
	assert_string_equal(fmt2(pos(&r, "IE00BK5BQT80")->cost), "3989.10");
	assert_string_equal(fmt(pos(&r, "US5949181045")->quantity), "6");
	assert_string_equal(fmt(pos(&r, "DE0007164600")->quantity), "7");
	assert_string_equal(fmt(pos(&r, "US0378331005")->quantity), "6");
	/* Its euro trades' Total EUR. */
	assert_string_equal(cash(&r, "EUR"), "-5075.20");
	replay_free(&r);
}

static void
preset_wealthfolio(void **state)
{
	struct replay r;

	(void)state;
	replay(PRESETS "wealthfolio.csv", IF_AUTO, NULL, "USD", &r);
	assert_int_equal(r.format, IF_WEALTHFOLIO);
	assert_string_equal(fmt(pos(&r, "AAPL")->quantity), "25");
	assert_string_equal(fmt2(pos(&r, "AAPL")->realized), "403.48");
	assert_string_equal(fmt(pos(&r, "MSFT")->quantity), "20");
	assert_string_equal(fmt(pos(&r, "SAP.DE")->quantity), "15");
	/* Cash held as a quantity of 1 at 1 and an amount. */
	assert_string_equal(cash(&r, "USD"), "5451.29");
	assert_string_equal(cash(&r, "EUR"), "-2080.70");
	replay_free(&r);
}

static void
preset_traderepublic(void **state)
{
	struct replay r;

	(void)state;
	replay(PRESETS "traderepublic.csv", IF_AUTO, NULL, "EUR", &r);
	assert_int_equal(r.format, IF_TRADEREPUBLIC);
	assert_string_equal(fmt(pos(&r, "US0378331005")->quantity), "6");
	/* Savings plans, and a buy of its saveback. */
	assert_string_equal(fmt(pos(&r, "IE00BK5BQT80")->quantity),
	    "5.4329427206");
	assert_string_equal(fmt2(pos(&r, "DE0007164600")->cost), "1377.80");
	/* Taxes on interest, dividends and a sale, each apart. */
	assert_string_equal(cash(&r, "EUR"), "-194.16");
	replay_free(&r);
}

static void
preset_pp_export(void **state)
{
	static const char *const files[] = { PRESETS "pp_current_en.csv",
	    PRESETS "pp_current_de.csv" };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct replay r;

		replay(files[i], IF_AUTO, NULL, "EUR", &r);
		assert_int_equal(r.format, IF_PP_EXPORT);
		/* Named by the security's name: its only identity here. */
		assert_string_equal(fmt(pos(&r, "Apple Inc.")->quantity), "6");
		assert_string_equal(fmt(pos(&r, "Microsoft Corp.")->quantity),
		    "5");
		assert_string_equal(fmt(pos(&r, "SAP SE")->quantity), "7");
		assert_string_equal(fmt2(pos(&r, "Vanguard FTSE All-World UCITS "
		    "ETF (USD) Accumulating")->cost), "3352.20");
		/* The file's own currency is the portfolio's; dollars are
		 * written with their code. */
		assert_string_equal(cash(&r, "EUR"), "3799.27");
		assert_string_equal(cash(&r, "USD"), "1494.39");
		replay_free(&r);
	}
}

static void
preset_ibkr_cash(void **state)
{
	struct replay r;

	(void)state;
	replay(PRESETS "ibkr_cash.csv", IF_AUTO, NULL, "EUR", &r);
	assert_int_equal(r.format, IF_IBKR_CASH);
	/* Dividends, a payment in lieu, withholding tax and its
	 * correction, interest received and paid, a fee, money in and out:
	 * its net cash by currency. */
	assert_string_equal(cash(&r, "EUR"), "8511.51");
	assert_string_equal(cash(&r, "USD"), "-5.33");
	assert_int_equal(r.n, 3);		/* AAPL, MSFT, SAP */
	replay_free(&r);
}

static void
preset_degiro_account(void **state)
{
	struct replay r;

	(void)state;
	replay(PRESETS "degiro_account.csv", IF_AUTO, NULL, "EUR", &r);
	assert_int_equal(r.format, IF_DEGIRO_ACCOUNT);
	/* Trades (left to Transactions.csv), currency exchanges, the cash
	 * sweep, iDEAL reservations and a continued line. */
	assert_int_equal(r.skipped, 15);
	/* Deposits, interest, a dividend and its tax, a fee, a withdrawal;
	 * the dollars of two dividends less their tax, not exchanged. */
	assert_string_equal(cash(&r, "EUR"), "5517.79");
	assert_string_equal(cash(&r, "USD"), "4.16");
	replay_free(&r);
}

static void
preset_ibkr_xml(void **state)
{
	struct replay r;

	(void)state;
	replay(PRESETS "ibkr_flex_xml.xml", IF_AUTO, NULL, "EUR", &r);
	assert_int_equal(r.format, IF_IBKR_XML);
	/* Its trades as the flex query's CSV reads them, its cash
	 * transactions as the cash preset does. */
	assert_string_equal(fmt(pos(&r, "AAPL")->quantity), "12");
	/* 52.58 dollars realized, in euros at the test's 1.1. */
	assert_string_equal(fmt2(pos(&r, "AAPL")->realized), "47.80");
	assert_string_equal(fmt(pos(&r, "MSFT")->quantity), "10");
	assert_string_equal(fmt2(pos(&r, "SAP")->cost), "865.00");
	/* The currency trade's commission (2 dollars) is taken in euros,
	 * as from the flex query's CSV: 2 off the euros, not the dollars. */
	assert_string_equal(cash(&r, "EUR"), "5644.51");
	assert_string_equal(cash(&r, "USD"), "-4048.36");
	replay_free(&r);
}

static void
preset_ibkr_activity(void **state)
{
	struct replay r;

	(void)state;
	replay(PRESETS "ibkr_activity.csv", IF_AUTO, NULL, "EUR", &r);
	assert_int_equal(r.format, IF_IBKR_ACTIVITY);
	/* The same account as the flex query's XML: the same answers, but
	 * for the currency trade's commission, here 1.84078 in euros. */
	assert_string_equal(fmt(pos(&r, "AAPL")->quantity), "12");
	assert_string_equal(fmt2(pos(&r, "AAPL")->realized), "47.80");
	assert_string_equal(fmt(pos(&r, "MSFT")->quantity), "10");
	assert_string_equal(fmt2(pos(&r, "SAP")->cost), "865.00");
	assert_string_equal(cash(&r, "EUR"), "5644.67");
	assert_string_equal(cash(&r, "USD"), "-4048.36");
	replay_free(&r);
}

static void
preset_schwab(void **state)
{
	struct replay r;

	(void)state;
	replay(PRESETS "schwab.csv", IF_AUTO, NULL, "USD", &r);
	assert_int_equal(r.format, IF_SCHWAB);
	assert_string_equal(fmt(pos(&r, "AAPL")->quantity), "25");
	assert_string_equal(fmt2(pos(&r, "AAPL")->cost), "4529.50");
	assert_string_equal(fmt2(pos(&r, "AAPL")->realized), "145.78");
	/* A dividend reinvested: 0.0556 more. */
	assert_string_equal(fmt(pos(&r, "MSFT")->quantity), "30.0556");
	assert_string_equal(fmt2(pos(&r, "SAP")->cost), "3086.00");
	/* Its Transactions Total (the footer, not a row). */
	assert_string_equal(cash(&r, "USD"), "5611.67");
	replay_free(&r);
}

/* Portfolio Performance's own documentation writes ';' with point
 * decimals: the style is the one under which every number reads. */
/* A generic CSV read through a mapping in JSON: columns by name, the
 * file's own words for its types (one skipped), day-first dates, the
 * lines before its header and its footer left out. */
static void
mapping_words_dates_and_lines(void **state)
{
	static const char csv[] =
	    "Rekening;NL01BANK0123;Export;2024\n"
	    "Periode;01-01-2024;31-12-2024;EUR\n"
	    "Datum;Soort;Fonds;Aantal;Koers;Kosten;Bedrag\n"
	    "03/02/2024;Storting;;;;;\"1.000,00\"\n"
	    "04/02/2024;Koop Pro;ASML;2;\"800,50\";\"-2,00\";\n"
	    "05/02/2024;Rente;;;;;\"1,25\"\n"
	    "06/02/2024; verkoop ;ASML;1;\"810,00\";2;\n"
	    "Totaal;;;;;;\"1.001,25\"\n";
	static const char json[] = "{\"columns\": {\"date\": \"datum\", "
	    "\"type\": \"Soort\", \"symbol\": 2, \"quantity\": \"Aantal\", "
	    "\"price\": \"Koers\", \"fee\": \"Kosten\", \"amount\": \"Bedrag\"}, "
	    "\"numbers\": \"comma\", \"dates\": \"dmy\", \"types\": "
	    "{\"koop pro\": \"buy\", \"Rente\": \"skip\"}, \"skip_lines\": 2, "
	    "\"footer_lines\": 1}";
	struct import_mapping m, back;
	struct import_file f;
	struct arena a;

	(void)state;
	arena_init(&a);
	assert_null(import_mapping_parse(&a, json, &m));
	assert_int_equal(m.col[IM_DATE], -2);
	assert_int_equal(m.col[IM_SYMBOL], 2);
	assert_int_equal(m.nwords, 2);
	assert_int_equal(m.skip_lines, 2);
	/* Its JSON reads back as the same mapping. */
	assert_null(import_mapping_parse(&a, import_mapping_format(&a, &m),
	    &back));
	assert_string_equal(import_mapping_format(&a, &back),
	    import_mapping_format(&a, &m));
	assert_string_equal(import_mapping_word(&back, "  KOOP PRO "), "buy");
	assert_null(import_mapping_word(&back, "Koop"));
	assert_int_equal(import_read(&a, csv, sizeof(csv) - 1, IF_GENERIC, &m,
	    &f), 0);
	assert_string_equal(f.header[0], "Datum");
	assert_int_equal(f.n, 4);		/* the total left out */
	assert_string_equal(f.rows[0].t.type, "deposit");
	assert_string_equal(f.rows[0].t.amount, "1000");
	assert_string_equal(f.rows[0].t.date, "2024-02-03");
	assert_string_equal(f.rows[1].t.type, "buy");
	assert_string_equal(f.rows[1].t.fee, "2");
	assert_string_equal(f.rows[1].t.price, "800.5");
	assert_non_null(f.rows[2].skip);	/* Rente: skipped */
	assert_string_equal(f.rows[3].t.type, "sell");	/* nestegg's guess */
	assert_int_equal(f.rows[3].line, 7);
	/* A column named that the header lacks is said. */
	assert_null(import_mapping_parse(&a, "{\"columns\": {\"date\": "
	    "\"Datum\", \"type\": \"Typ\"}, \"skip_lines\": 2}", &m));
	assert_int_equal(import_read(&a, csv, sizeof(csv) - 1, IF_GENERIC, &m,
	    &f), -1);
	assert_non_null(strstr(f.error, "\"Typ\" is not in the file's header"));
	/* Mappings that are none, each with its reason. */
	assert_non_null(import_mapping_parse(&a, "{\"columns\": {\"date\": 0, "
	    "\"type\": 1}, \"types\": {\"Koop\": \"purchase\"}}", &m));
	assert_non_null(import_mapping_parse(&a, "{\"columns\": {\"date\": 0, "
	    "\"type\": 1}, \"skip_lines\": 51}", &m));
	assert_non_null(import_mapping_parse(&a, "{\"columns\": {\"date\": 0, "
	    "\"type\": 1}, \"colour\": 1}", &m));
	assert_non_null(import_mapping_parse(&a, "{\"columns\": {\"day\": 0}}",
	    &m));
	assert_non_null(import_mapping_parse(&a, "{\"columns\": {\"date\": 0}}",
	    &m));				/* no type, none for every row */
	assert_non_null(import_mapping_parse(&a, "{\"columns\": {\"date\": 0, "
	    "\"type\": 1}} trailing", &m));
	arena_free(&a);
}

/* Dates written dd/mm or mm/dd: one date that says which decides for
 * all; where none says, the file says the order is open. */
static void
ambiguous_dates_are_settled_or_asked(void **state)
{
	static const char said[] = "when,what,amount\n03/04/2024,deposit,5\n"
	    "13/04/2024,deposit,5\n";
	static const char open[] = "when,what,amount\n03/04/2024,deposit,5\n"
	    "05/04/2024,deposit,5\n";
	struct import_mapping m;
	struct import_file f;
	struct arena a;

	(void)state;
	arena_init(&a);
	assert_null(import_mapping_parse(&a, "{\"columns\": {\"date\": 0, "
	    "\"type\": 1, \"amount\": 2}}", &m));
	assert_int_equal(import_read(&a, said, sizeof(said) - 1, IF_GENERIC,
	    &m, &f), 0);
	assert_false(f.dates_open);
	assert_string_equal(f.rows[0].t.date, "2024-04-03");
	assert_int_equal(import_read(&a, open, sizeof(open) - 1, IF_GENERIC,
	    &m, &f), 0);
	assert_true(f.dates_open);
	assert_string_equal(f.rows[0].t.date, "03/04/2024");
	m.dates = DATES_MDY;
	assert_int_equal(import_read(&a, open, sizeof(open) - 1, IF_GENERIC,
	    &m, &f), 0);
	assert_false(f.dates_open);
	assert_string_equal(f.rows[1].t.date, "2024-05-04");
	arena_free(&a);
}

static void
either_delimiter_either_decimals(void **state)
{
	static const char csv[] = "Date;Type;Value;Transaction Currency;"
	    "Fees;Taxes;Shares;ISIN;Ticker Symbol;Security Name\n"
	    "2024-01-15;Buy;1503.90;EUR;3.90;;10;IE00B4L5Y983;EUNL.DE;"
	    "iShares Core MSCI World\n";
	struct import_file f;
	struct arena a;

	(void)state;
	arena_init(&a);
	assert_int_equal(import_read(&a, csv, sizeof(csv) - 1, IF_AUTO, NULL,
	    &f), 0);
	assert_int_equal(f.format, IF_PP);
	assert_null(f.rows[0].error);
	assert_string_equal(f.rows[0].t.quantity, "10");
	assert_string_equal(f.rows[0].t.price, "150");
	assert_string_equal(f.rows[0].t.fee, "3.9");
	arena_free(&a);
}

/* Writes rec's fields with delim, each quoted, and a line end. */
static void
put_record(struct buf *out, char *const *v, size_t n, char delim)
{
	for (size_t c = 0; c < n; c++) {
		if (c > 0)
			buf_putc(out, delim);
		buf_putc(out, '"');
		for (const char *p = v[c]; *p; p++) {
			if (*p == '"')
				buf_putc(out, '"');
			buf_putc(out, *p);
		}
		buf_putc(out, '"');
	}
	buf_putc(out, '\n');
}

/*
 * A row whose fields do not line up with its header is refused at its
 * line, never read shifted: in each format's sample, one row at a time
 * loses a field, gains an empty one or a copy of one before another, or
 * has one split in two, at every place; that line must carry a problem
 * (or the whole file be refused), whatever the values it shifts.
 */
static void
shifted_rows_are_never_read(void **state)
{
	static const struct {
		const char *file;
		enum import_format format;
		char delim;
	} samples[] = {
		{ "generic.csv", IF_GENERIC, ';' },
		{ "ghostfolio.csv", IF_AUTO, ',' },
		{ "ibkr_trades.csv", IF_AUTO, ',' },
		{ "pp_account.csv", IF_AUTO, ';' },
		{ "pp_portfolio.csv", IF_AUTO, ',' },
		{ "pp_portfolio_de.csv", IF_AUTO, ';' },
	};
	struct import_mapping m;
	size_t tried = 0;

	(void)state;
	assert_int_equal(parse_map("date=0;type=1;symbol=2;"
	    "quantity=3;price=4;fee=5;style=comma", &m), 0);
	for (size_t s = 0; s < sizeof(samples) / sizeof(samples[0]); s++) {
		char name[256];
		size_t len, line;
		char *text;
		struct csv csv;
		struct arena a;

		snprintf(name, sizeof(name), FIXTURES "%s", samples[s].file);
		text = slurp(name, &len);
		arena_init(&a);
		assert_null(csv_parse(&a, text, len, &csv, &line));
		for (size_t k = 1; k < csv.n; k++)
			for (int op = 0; op < 4; op++)
				for (size_t j = 0; j < csv.rec[k].n; j++) {
			const struct csv_record *rec = &csv.rec[k];
			char *v[256], first[2] = { 0, 0 };
			size_t n = 0, hit = 0;
			struct import_file f;
			struct buf out;
			struct arena b;

			if (op == 3 && *rec->fields[j] == '\0')
				continue;	/* nothing to split */
			for (size_t c = 0; c < rec->n && n < 250; c++) {
				if (c == j && op == 0)
					continue;
				if (c == j && op == 1)
					v[n++] = "";
				if (c == j && op == 2)
					v[n++] = rec->fields[c];
				if (c == j && op == 3 && *rec->fields[c]) {
					first[0] = rec->fields[c][0];
					v[n++] = first;
					v[n++] = rec->fields[c] + 1;
					continue;
				}
				v[n++] = rec->fields[c];
			}
			buf_init(&out);
			for (size_t i = 0; i < csv.n; i++)
				if (i == k)
					put_record(&out, v, n, samples[s].delim);
				else
					put_record(&out, csv.rec[i].fields,
					    csv.rec[i].n, samples[s].delim);
			arena_init(&b);
			if (import_read(&b, out.data, out.len, samples[s].format,
			    samples[s].format == IF_GENERIC ? &m : NULL, &f) == 0) {
				for (size_t i = 0; i < f.n; i++)
					if (f.rows[i].line == k + 1) {
						hit++;
						if (f.rows[i].error == NULL)
							fail_msg("%s line %zu, op %d at "
							    "field %zu: read as %s,%s,%s",
							    samples[s].file, k + 1, op, j,
							    f.rows[i].t.date,
							    f.rows[i].t.type,
							    f.rows[i].t.symbol);
					}
				assert_true(hit > 0);
			}
			tried++;
			arena_free(&b);
			buf_free(&out);
		}
		arena_free(&a);
		free(text);
	}
	assert_true(tried > 500);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers_as_files_write_them),
		cmocka_unit_test(times_in_dates),
		cmocka_unit_test(order_within_a_day),
		cmocka_unit_test(exchange_moves_cash_between_currencies),
		cmocka_unit_test(explicit_zero_fee_is_no_fee),
		cmocka_unit_test(ghostfolio_json),
		cmocka_unit_test(ghostfolio_csv),
		cmocka_unit_test(ibkr_trades),
		cmocka_unit_test(portfolio_performance),
		cmocka_unit_test(generic_with_a_mapping),
		cmocka_unit_test(hostile_files_are_refused),
		cmocka_unit_test(rows_keep_their_line_and_field),
		cmocka_unit_test(shifted_rows_are_never_read),
		cmocka_unit_test(rows_that_record_nothing_are_skipped),
		cmocka_unit_test(generic_numbers_as_brokers_write_them),
		cmocka_unit_test(preset_trading212),
		cmocka_unit_test(preset_revolut),
		cmocka_unit_test(preset_schwab),
		cmocka_unit_test(preset_freetrade),
		cmocka_unit_test(preset_scalable),
		cmocka_unit_test(preset_parqet),
		cmocka_unit_test(preset_etoro),
		cmocka_unit_test(preset_bux),
		cmocka_unit_test(preset_coinbase),
		cmocka_unit_test(preset_xtb),
		cmocka_unit_test(preset_degiro),
		cmocka_unit_test(preset_wealthfolio),
		cmocka_unit_test(preset_traderepublic),
		cmocka_unit_test(preset_pp_export),
		cmocka_unit_test(preset_ibkr_cash),
		cmocka_unit_test(preset_degiro_account),
		cmocka_unit_test(preset_ibkr_xml),
		cmocka_unit_test(preset_ibkr_activity),
		cmocka_unit_test(either_delimiter_either_decimals),
		cmocka_unit_test(mapping_words_dates_and_lines),
		cmocka_unit_test(ambiguous_dates_are_settled_or_asked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
