/*
 * ledger.h - transactions and the positions derived from them.  Pure
 * code: no database, no I/O.
 *
 * All amounts are exact decimals (money.h).  A transaction's price, fee
 * and amount are in its currency as entered: pence for GBp.  They are
 * turned into the major currency (GBP), and by fx_rate (units of the
 * portfolio's base currency per unit of the major currency) into base.
 * Positions are kept in the base currency at the rates of their trades.
 */
#ifndef NESTEGG_LEDGER_H
#define NESTEGG_LEDGER_H

#include <stddef.h>

#include "money.h"

enum tx_type {
	TX_BUY, TX_SELL, TX_DIVIDEND, TX_INTEREST, TX_FEE, TX_TAX, TX_SPLIT,
	TX_DEPOSIT, TX_WITHDRAWAL, TX_TRANSFER_IN, TX_TRANSFER_OUT,
	TX_EXCHANGE, TX__MAX
};

/* "buy", "sell", ... indexed by enum tx_type. */
extern const char *const tx_type_names[TX__MAX];

/* The type named s (case-insensitive), or -1. */
int tx_type_parse(const char *s);

/* Which optional fields a transaction carries. */
#define TXF_QUANTITY	(1u << 0)
#define TXF_PRICE	(1u << 1)
#define TXF_FEE		(1u << 2)
#define TXF_AMOUNT	(1u << 3)
#define TXF_FX		(1u << 4)

/*
 * An exchange sells amount (plus fee) of currency's cash and buys
 * quantity of counter's; price, when given, is the rate (counter per
 * unit of currency) and quantity may then be left to amount x price.
 */
struct tx {
	long long id;
	char date[11];		/* YYYY-MM-DD */
	char time[9];		/* HH:MM:SS, or "" when not known */
	enum tx_type type;
	long long instrument;	/* 0: none (cash-only) */
	unsigned has;		/* TXF_* */
	dec quantity, price, fee, amount;
	char currency[4];	/* as entered: may be a minor unit (GBp) */
	dec fx_rate;		/* base per major unit; 1 in the base */
	char counter[4];	/* exchange: the currency bought; else "" */
	int fx_origin;		/* enum fx_origin (series.h): where fx_rate
				   came from; FX_LATEST is stored (marked) */
	long fx_day;		/* the day of that rate (perf_daynum) */
};

/*
 * The order of a portfolio's ledger: by date; on one day a split comes
 * first, then rows by time (those without one first), then in the order
 * they were entered (id, or file order).  ledger_order_key() writes a
 * key (LEDGER_KEYSZ bytes) that compares with strcmp() as the order
 * does, but for the last criterion; ledger_order_cmp() compares two
 * transactions the same way.
 */
#define LEDGER_KEYSZ 24
char *ledger_order_key(const struct tx *t, char out[LEDGER_KEYSZ]);
int ledger_order_cmp(const struct tx *a, const struct tx *b);

enum cost_method { COST_FIFO, COST_AVERAGE };

/* One instrument's position in one portfolio, in base currency. */
struct position {
	dec quantity;
	dec cost;		/* cost basis of the shares held, fees included */
	dec realized;		/* proceeds less fees less cost of shares sold */
	dec income;		/* dividends and interest */
	dec fees;		/* every fee paid (trades included) */
	dec taxes;		/* taxes (withholding) */
	dec charges;		/* fees not already in cost or realized */
};

/*
 * Checks a transaction's fields for its type and fills derived ones
 * (a dividend's amount from quantity x price).  Returns NULL when it is
 * complete and consistent, else a message, with *field naming the field
 * at fault ("quantity", "symbol", ...).
 */
const char *tx_check(struct tx *t, const char **field);

/* quantity x price in the major currency of t's currency. */
dec ledger_gross(const struct tx *t);

/*
 * A position with what it takes to apply the next transaction: the
 * open FIFO lots (none under average cost), oldest first, lots[head..n).
 */
struct lot {
	dec qty, cost;
};

struct ledger_state {
	struct position p;
	struct lot *lots;
	size_t head, n, cap;
};

void ledger_init(struct ledger_state *st);
void ledger_free(struct ledger_state *st);

/*
 * Applies one transaction, later than every one applied before, to st.
 * Returns 0, or -1 (st then unspecified) when it sells or transfers out
 * more than is held, or the amounts overflow: msg says which.
 */
int ledger_apply(struct ledger_state *st, const struct tx *t,
    enum cost_method m, char *msg, size_t msglen);

/* The open lots as text ("qty:cost;qty:cost"), for storing with the
 * position; ledger_lots_parse() reads it back (0, or -1 if malformed). */
struct buf;
void ledger_lots_format(const struct ledger_state *st, struct buf *out);
int ledger_lots_parse(struct ledger_state *st, const char *text);

/*
 * Derives the position of one instrument from its transactions, in date
 * order (then id), all of the same instrument.  Returns 0, or -1 when a
 * transaction sells or transfers out more than is held at that point:
 * then *bad is its index and msg (msglen bytes) says what is wrong.
 */
int ledger_position(const struct tx *txs, size_t n, enum cost_method m,
    struct position *out, size_t *bad, char *msg, size_t msglen);

/*
 * What one transaction does to cash, in its major currency (cur): money
 * in is positive.  Splits and transfers of shares do nothing (0).
 */
dec ledger_cash(const struct tx *t, char cur[4]);

/*
 * The second cash leg of an exchange: the currency bought (cur) and the
 * amount of it (positive); 0 for every other type.
 */
dec ledger_cash_counter(const struct tx *t, char cur[4]);

/*
 * Income, fees and taxes (base currency) of a transaction that has no
 * instrument; zero for those that have one (they are in the position).
 */
void ledger_flows(const struct tx *t, dec *income, dec *fees, dec *taxes);

/*
 * Money that came into the portfolio from outside, in base currency:
 * a deposit's amount and a transfer in's value (quantity x price) are
 * positive, a withdrawal's and a transfer out's negative; 0 for every
 * other type.  Net flows are what returns are measured against.
 */
dec ledger_external_flow(const struct tx *t);

/* Parses a date in a common form into YYYY-MM-DD: 2024-03-15,
 * 2024-03-15T10:00:00Z, 2024/03/15, 15.03.2024, 20240315, and
 * 15/03/2024 or 03/15/2024 when only one reading is a valid date.
 * Also 2024-3-5 and 15-03-2024 (Ghostfolio).  Nothing else: no signs,
 * spaces or trailing text but a time after the date.
 * Returns NULL, or a message. */
const char *ledger_date(const char *in, char out[11]);

/*
 * Like ledger_date, keeping the time of day when one follows the date
 * (after 'T', a space or ';' as Interactive Brokers writes it:
 * 10:00, 10:00:05, 10:00:05.123Z, 10:00:05+01:00, 100005) in time as
 * HH:MM:SS, "" when there is none.  The time is kept as written: a zone
 * is not converted.
 */
const char *ledger_datetime(const char *in, char date[11], char time[9]);

#endif
