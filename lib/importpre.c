/*
 * importpre.c - presets: the exports of the brokers and trackers people
 * leave, each recognised by its header and read by one table row (its
 * columns, its words for each type, how it writes dates and numbers)
 * through one reader (see importint.h).
 *
 * What every preset shares: a type word of the broker's is looked up in
 * its own words, then in nestegg's (import_type_word).  Its own words
 * may name a nestegg type, or what decides one:
 *   ""          no transaction (an order cancelled, a statement): the
 *               row is skipped with its reason
 *   "trade"     a buy or a sell, as the side column or the quantity's
 *               sign says (shares at a price of 0: a transfer)
 *   "money"     a deposit, or a withdrawal when the amount is negative
 *   "taxback"   a tax, or income when positive (a tax given back)
 *   "feeback"   a fee, or income when positive
 *   "in", "out" shares moved in or out, or money when there are none
 *   "shares"    shares moved in, or out when the quantity is negative
 *   "added"     shares a split added (no ratio): in at no cost
 *   "leg:buy"   one of a trade's two rows: its shares (kept) or its
 *               money (skipped), as the side column says
 *   "convert"   one coin converted to another: a sell and a buy
 * Costs (fees, taxes) count by their size whatever their sign; so do
 * quantities and amounts, the type saying which way they go.  A
 * dividend's or interest's tax withheld becomes a tax of its own on the
 * same day; so does a sale's tax on its gain where the preset says so.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "importint.h"
#include "text.h"

/* A broker's word for a type, lower case (a '*' at its end: any word
 * that starts so), and the nestegg type, "trade", or "" for none. */
struct word {
	const char *word, *type;
};

/* Flags of a preset. */
#define P_DIV_NET	0x1	/* a dividend's amount is after its tax */
#define P_DIV_SHARES	0x2	/* a dividend is its shares x the amount a
				 * share, in the price's currency */
#define P_FEE_RATE	0x4	/* a trade's costs are in the account's
				 * currency: times the rate (R_FX, the
				 * price's currency a unit of the account's)
				 * in the price's */
#define P_TAX_APART	0x8	/* a trade's tax (on its gain) is a tax of
				 * its own, not a cost of the trade */
#define P_SYMBOL_PAIR	0x10	/* the symbol is written SYMBOL/CURRENCY */
#define P_TRADE_NOTE	0x20	/* a trade's quantity and price are in its
				 * note: "OPEN BUY 2/3.5 @ 533.50" (2 of
				 * an order of 3.5), in the instrument's
				 * currency */
#define P_CUR_PREFIX	0x40	/* an amount in another currency than the
				 * file's starts with its code ("USD 2.50");
				 * the file's is the portfolio's */
#define P_SYMBOL_DESC	0x80	/* the symbol and ISIN begin the note:
				 * "AAPL(US0378331005) ..." */

struct preset {
	enum import_format format;
	const char *const *needs;	/* header names that identify it */
	const struct alias *cols;
	const struct word *words;
	enum num_style style;
	enum import_dates dates;
	const char *footer;	/* a record whose first field starts so */
	unsigned flags;
	const char *currency;	/* of every row, where no column says */
	const char *done;	/* R_STATUS of a row carried out */
	const char *kind;	/* of its instruments ("stock" if NULL) */
	const char *every;	/* the type of a row, where no column says */
	/* Unnamed columns: each the one after a named one ({ "price",
	 * R_CURRENCY }: the price's currency). */
	const struct alias *after;
	const char *section;	/* of an activity statement: its name */
};

/* Wealthfolio's activities (its import template and its export). */
static const char *const wf_needs[] = { "activitytype", "unitprice", NULL };
static const struct alias wf_cols[] = {
	{ "date", R_DATE }, { "symbol", R_SYMBOL }, { "quantity", R_QUANTITY },
	{ "activitytype", R_TYPE }, { "unitprice", R_PRICE },
	{ "currency", R_CURRENCY }, { "fee", R_FEE }, { "amount", R_AMOUNT },
	{ "comment", R_NOTE }, { NULL, 0 }
};
static const struct word wf_words[] = {
	{ "add_holding", "transfer_in" }, { "remove_holding", "transfer_out" },
	{ "transfer_in", "in" }, { "transfer_out", "out" },
	{ "split", "split" }, { "conversion_in", "deposit" },
	{ "conversion_out", "withdrawal" }, { "credit", "interest" },
	{ "adjustment", "" }, { "unknown", "" }, { NULL, NULL }
};

/* Trading 212's history export: prices in the instrument's currency,
 * totals and costs in the account's. */
static const char *const t212_needs[] = { "action", "no. of shares",
    "price / share", NULL };
static const struct alias t212_cols[] = {
	{ "action", R_TYPE }, { "time", R_DATE }, { "isin", R_ISIN },
	{ "ticker", R_SYMBOL }, { "name", R_NAME },
	{ "no. of shares", R_QUANTITY }, { "price / share", R_PRICE },
	{ "currency (price / share)", R_CURRENCY }, { "exchange rate", R_FX },
	{ "total", R_AMOUNT }, { "currency (total)", R_AMOUNTCUR },
	{ "withholding tax", R_TAXES },
	{ "stamp duty reserve tax", R_FEE }, { "stamp duty", R_FEE },
	{ "currency conversion fee", R_FEE2 }, { "transaction fee", R_FEE3 },
	{ "finra fee", R_FEE3 }, { "notes", R_NOTE }, { NULL, 0 }
};
static const struct word t212_words[] = {
	{ "stop buy", "buy" }, { "stop limit buy", "buy" },
	{ "stop sell", "sell" }, { "stop limit sell", "sell" },
	{ "dividend*", "dividend" },
	{ "interest on cash", "interest" }, { "lending interest", "interest" },
	{ "spending cashback", "interest" }, { "deposit", "deposit" },
	{ "withdrawal", "withdrawal" }, { "currency conversion", "" },
	{ "card debit", "withdrawal" }, { NULL, NULL }
};

/* Revolut's trading account statement: amounts with their currency's
 * code ("USD 925.70"), a fee or a tax written negative. */
static const char *const rev_needs[] = { "ticker", "type",
    "price per share", "total amount", NULL };
static const struct alias rev_cols[] = {
	{ "date", R_DATE }, { "ticker", R_SYMBOL }, { "type", R_TYPE },
	{ "quantity", R_QUANTITY }, { "price per share", R_PRICE },
	{ "total amount", R_AMOUNT }, { "currency", R_CURRENCY },
	{ NULL, 0 }
};
static const struct word rev_words[] = {
	{ "buy*", "buy" }, { "sell*", "sell" }, { "cash top-up", "deposit" },
	{ "cash withdrawal", "withdrawal" }, { "custody fee", "fee" },
	{ "dividend", "dividend" }, { "dividend tax*", "taxback" },
	{ "stock split", "added" }, { "transfer from*", "deposit" },
	{ NULL, NULL }
};

/* Charles Schwab's transactions: month-first dates, some "as of"
 * another day, "$" amounts, a total at the end. */
static const char *const schwab_needs[] = { "action", "fees & comm",
    "amount", "description", NULL };
static const struct alias schwab_cols[] = {
	{ "date", R_DATE }, { "action", R_TYPE }, { "symbol", R_SYMBOL },
	{ "description", R_NAME }, { "quantity", R_QUANTITY },
	{ "price", R_PRICE }, { "fees & comm", R_FEE }, { "amount", R_AMOUNT },
	{ NULL, 0 }
};
static const struct word schwab_words[] = {
	{ "buy to open", "buy" }, { "sell to close", "sell" },
	{ "reinvest dividend", "dividend" }, { "qualified dividend", "dividend" },
	{ "non-qualified div", "dividend" }, { "cash dividend", "dividend" },
	{ "special dividend", "dividend" }, { "pr yr div reinvest", "dividend" },
	{ "pr yr cash div", "dividend" }, { "long term cap gain", "dividend" },
	{ "short term cap gain", "dividend" },
	{ "qual div reinvest", "dividend" }, { "credit interest", "interest" },
	{ "bank interest", "interest" }, { "bond interest", "interest" },
	{ "cash in lieu", "interest" }, { "journal", "money" },
	{ "moneylink transfer", "money" }, { "moneylink deposit", "deposit" },
	{ "wire sent", "withdrawal" }, { "wire received", "deposit" },
	{ "wire funds", "deposit" }, { "wire funds received", "deposit" },
	{ "funds received", "deposit" }, { "service fee", "fee" },
	{ "adr mgmt fee", "fee" }, { "margin interest", "fee" },
	{ "foreign tax paid", "tax" }, { "nra tax adj", "taxback" },
	{ "nra withholding", "tax" }, { "stock split", "added" },
	{ "security transfer", "shares" }, { NULL, NULL }
};

/* Freetrade's activity export: trades in the account's currency (its
 * price a share in it, stamp duty and the FX fee), a dividend gross in
 * the instrument's with its tax withheld. */
static const char *const ft_needs[] = { "buy / sell",
    "price per share in account currency", "fx fee amount", NULL };
static const struct alias ft_cols[] = {
	{ "title", R_NAME }, { "type", R_TYPE }, { "timestamp", R_DATE },
	{ "account currency", R_CURRENCY },
	{ "total amount in account currency", R_AMOUNT },
	{ "total amount", R_AMOUNT }, { "buy / sell", R_SIDE },
	{ "ticker", R_SYMBOL }, { "isin", R_ISIN },
	{ "price per share in account currency", R_PRICE },
	{ "stamp duty", R_FEE }, { "quantity", R_QUANTITY },
	{ "instrument currency", R_GROSSCUR }, { "fx fee amount", R_FEE2 },
	{ "dividend gross distribution amount", R_GROSS },
	{ "dividend withheld tax amount", R_TAXES }, { NULL, 0 }
};
static const struct word ft_words[] = {
	{ "order", "trade" }, { "freeshare_order", "transfer_in" },
	{ "dividend", "dividend" }, { "property", "dividend" },
	{ "interest_from_cash", "interest" },
	{ "withdrawal", "withdrawal" }, { "monthly_statement", "" },
	{ "tax_certificate", "" }, { NULL, NULL }
};

/* Scalable Capital's transactions: ';' and decimal commas, a status
 * (only what was executed counts), a sale's tax on its gain. */
static const char *const scal_needs[] = { "status", "reference",
    "assettype", "isin", "shares", NULL };
static const struct alias scal_cols[] = {
	{ "date", R_DATE }, { "time", R_TIME }, { "status", R_STATUS },
	{ "description", R_NAME }, { "type", R_TYPE }, { "isin", R_SYMBOL },
	{ "shares", R_QUANTITY }, { "price", R_PRICE }, { "amount", R_AMOUNT },
	{ "fee", R_FEE }, { "tax", R_TAXES }, { "currency", R_CURRENCY },
	{ NULL, 0 }
};
static const struct word scal_words[] = {
	{ "savings plan", "buy" }, { "distribution", "dividend" },
	{ "taxes", "taxback" }, { "security transfer", "shares" },
	{ "corporate action", "" }, { NULL, NULL }
};

/* Parqet's activities: ';' and decimal commas, cash moves as transfers
 * of its cash holding, a sale's tax on its gain. */
static const char *const pq_needs[] = { "holding", "assettype",
    "identifier", "realizedgains", NULL };
static const struct alias pq_cols[] = {
	{ "datetime", R_DATETIME }, { "price", R_PRICE },
	{ "shares", R_QUANTITY }, { "amount", R_AMOUNT }, { "tax", R_TAXES },
	{ "fee", R_FEE }, { "type", R_TYPE }, { "identifier", R_SYMBOL },
	{ "currency", R_CURRENCY }, { "holdingname", R_NAME }, { NULL, 0 }
};
static const struct word pq_words[] = {
	{ "transferin", "in" }, { "transferout", "out" }, { NULL, NULL }
};

/* eToro's account activity (its XLSX saved as CSV): amounts in
 * dollars, no price (the amount over the units), "-" for nothing. */
static const char *const etoro_needs[] = { "realized equity change",
    "position id", "details", NULL };
static const struct alias etoro_cols[] = {
	{ "date", R_DATE }, { "type", R_TYPE }, { "details", R_SYMBOL },
	{ "amount", R_AMOUNT }, { "units / contracts", R_QUANTITY },
	{ "units", R_QUANTITY }, { NULL, 0 }
};
static const struct word etoro_words[] = {
	{ "open position", "buy" }, { "position closed", "sell" },
	{ "interest payment", "interest" }, { "withdraw request", "withdrawal" },
	{ "withdraw request cancelled", "deposit" },
	{ "withdraw fee", "fee" }, { "deposit conversion fee", "fee" },
	{ "withdrawal conversion fee", "fee" }, { "commission", "fee" },
	{ "sdrt", "fee" }, { "overnight fee", "fee" }, { "rollover fee", "fee" },
	{ "overnight refund", "interest" }, { "adjustment", "money" },
	{ "edit stop loss", "" }, { "edit take profit", "" },
	{ "start copy", "" }, { "stop copy", "" },
	{ "account balance to mirror", "" }, { "mirror balance to account", "" },
	{ NULL, NULL }
};

/* BUX's transactions: a trade is two rows, its shares (kept) and its
 * money (skipped); a dividend's gross and tax in its own currency. */
static const char *const bux_needs[] = { "transaction time (cet)",
    "transfer type", "asset id", NULL };
static const struct alias bux_cols[] = {
	{ "transaction time (cet)", R_DATE }, { "transaction type", R_TYPE },
	{ "transfer type", R_SIDE }, { "transaction amount", R_AMOUNT },
	{ "transaction currency", R_AMOUNTCUR }, { "asset id", R_SYMBOL },
	{ "asset name", R_NAME }, { "asset quantity", R_QUANTITY },
	{ "asset price", R_PRICE }, { "asset currency", R_CURRENCY },
	{ "dividend currency", R_GROSSCUR },
	{ "dividend gross amount", R_GROSS },
	{ "dividend tax amount", R_TAXES }, { NULL, 0 }
};
static const struct word bux_words[] = {
	{ "buy trade", "leg:buy" }, { "buy  trade", "leg:buy" },
	{ "sell trade", "leg:sell" }, { "sell  trade", "leg:sell" },
	{ "trading fee", "fee" }, { "subscription fee", "fee" },
	{ "sepa deposit", "deposit" }, { "payment deposit", "deposit" },
	{ "sepa withdrawal", "withdrawal" }, { "cash dividend", "dividend" },
	{ "manufactured cash dividend", "dividend" },
	{ "interest payment", "interest" }, { "promotional", "interest" },
	{ "security lending revenue", "interest" },
	{ "to user corrections", "money" }, { "tob*", "taxback" },
	{ "financial transaction tax*", "taxback" }, { NULL, NULL }
};

/* Coinbase's transaction history: lines before its header, prices in
 * the account's money ("€2300.00"), income received in coins, and a
 * conversion of one coin to another as one row. */
static const char *const cb_needs[] = { "transaction type", "asset",
    "quantity transacted", NULL };
static const struct alias cb_cols[] = {
	{ "timestamp", R_DATE }, { "transaction type", R_TYPE },
	{ "asset", R_SYMBOL }, { "quantity transacted", R_QUANTITY },
	{ "price currency", R_CURRENCY }, { "spot price currency", R_CURRENCY },
	{ "price at transaction", R_PRICE },
	{ "spot price at transaction", R_PRICE }, { "subtotal", R_GROSS },
	{ "total (inclusive of fees and/or spread)", R_AMOUNT },
	{ "fees and/or spread", R_FEE }, { "notes", R_NOTE }, { NULL, 0 }
};
static const struct word cb_words[] = {
	{ "buy", "buy" }, { "advance trade buy", "buy" },
	{ "advanced trade buy", "buy" }, { "credit", "buy" },
	{ "sell", "sell" }, { "advance trade sell", "sell" },
	{ "advanced trade sell", "sell" }, { "retail simple dust", "sell" },
	{ "convert", "convert" }, { "staking income", "transfer_in" },
	{ "reward income", "transfer_in" }, { "rewards income", "transfer_in" },
	{ "inflation reward", "transfer_in" }, { "interest payout", "transfer_in" },
	{ "learning reward", "transfer_in" }, { "coinbase earn", "transfer_in" },
	{ "subscription rebate*", "transfer_in" }, { "receive", "transfer_in" },
	{ "send", "transfer_out" }, { "donation", "transfer_out" },
	{ "deposit", "deposit" }, { "withdrawal", "withdrawal" },
	{ "cash to savings", "" }, { "savings to cash", "" },
	{ "retail staking transfer", "" }, { "retail unstaking transfer", "" },
	{ "retail eth2 deprecation", "" }, { NULL, NULL }
};

/* XTB's cash operations: lines before its header and a total after,
 * ';' and decimal commas, a trade's quantity and price in its comment,
 * money in the account's currency, which it does not name. */
static const char *const xtb_needs[] = { "ticker", "instrument", "comment",
    "product", NULL };
static const struct alias xtb_cols[] = {
	{ "type", R_TYPE }, { "ticker", R_SYMBOL }, { "instrument", R_NAME },
	{ "time", R_DATE }, { "amount", R_AMOUNT }, { "comment", R_NOTE },
	{ NULL, 0 }
};
static const struct word xtb_words[] = {
	{ "stock purchase", "buy" }, { "stocks/etf purchase", "buy" },
	{ "kauf aktien/etfs", "buy" }, { "stock sell", "sell" },
	{ "stock sale", "sell" }, { "stocks/etf sale", "sell" },
	{ "aktien/etf verkauf", "sell" }, { "divident", "dividend" },
	{ "withholding tax", "tax" }, { "free funds interest tax", "tax" },
	{ "free funds interests tax", "tax" }, { "free funds interest*", "interest" },
	{ "tax ifft", "tax" }, { "sec fee", "fee" }, { "commission", "fee" },
	{ "swap", "fee" }, { "ike deposit", "deposit" }, { "transfer", "money" },
	{ "ike cash transfer in", "deposit" }, { NULL, NULL }
};

/* DEGIRO's transactions, in English, Dutch or German: no type (the
 * quantity's sign says), the price's currency in the unnamed column
 * after it, costs in the account's currency. */
static const char *const dg_needs_en[] = { "isin", "venue", "local value",
    "order id", NULL };
static const char *const dg_needs_nl[] = { "isin", "uitvoeringsplaats",
    "lokale waarde", "order id", NULL };
static const char *const dg_needs_de[] = { "isin", "ausführungsort",
    "wert in lokalwährung", "order-id", NULL };
static const struct alias dg_cols[] = {
	{ "date", R_DATE }, { "datum", R_DATE }, { "time", R_TIME },
	{ "tijd", R_TIME }, { "uhrzeit", R_TIME }, { "product", R_NAME },
	{ "produkt", R_NAME }, { "isin", R_SYMBOL }, { "quantity", R_QUANTITY },
	{ "aantal", R_QUANTITY }, { "anzahl", R_QUANTITY },
	{ "price", R_PRICE }, { "koers", R_PRICE }, { "kurs", R_PRICE },
	{ "exchange rate", R_FX }, { "wisselkoers", R_FX },
	{ "wechselkurs", R_FX }, { "autofx fee", R_FEE2 },
	{ "autofx kosten", R_FEE2 }, { "autofx-gebühr", R_FEE2 },
	{ "transaction and/or third*", R_FEE }, { "transactiekosten*", R_FEE },
	{ "transaktionsgebühren*", R_FEE }, { NULL, 0 }
};
static const struct alias dg_after[] = {
	{ "price", R_CURRENCY }, { "koers", R_CURRENCY }, { "kurs", R_CURRENCY },
	{ NULL, 0 }
};

/* Trade Republic's transactions (as exported by pytr and the app's
 * own CSV): every field quoted, signed amounts, a sale's tax apart. */
static const char *const tr_needs[] = { "account_type", "category",
    "asset_class", "shares", NULL };
static const struct alias tr_cols[] = {
	{ "datetime", R_DATE }, { "type", R_TYPE }, { "name", R_NAME },
	{ "symbol", R_SYMBOL }, { "shares", R_QUANTITY }, { "price", R_PRICE },
	{ "amount", R_AMOUNT }, { "fee", R_FEE }, { "tax", R_TAXES },
	{ "currency", R_CURRENCY }, { "description", R_NOTE }, { NULL, 0 }
};
static const struct word tr_words[] = {
	{ "redemption", "sell" }, { "liquidation_dividend", "dividend" },
	{ "final_maturity", "" }, { "interest_payment", "interest" },
	{ "tax_optimization", "taxback" }, { "customer_inbound", "deposit" },
	{ "customer_inpayment", "deposit" },
	{ "transfer_instant_inbound", "deposit" },
	{ "transfer_inbound", "deposit" },
	{ "transfer_direct_debit_inbound", "deposit" },
	{ "customer_outbound_request", "withdrawal" },
	{ "transfer_instant_outbound", "withdrawal" },
	{ "transfer_outbound", "withdrawal" },
	{ "card_transaction*", "withdrawal" },
	{ "benefits_saveback", "interest" }, { "bonus", "interest" },
	{ "stockperk", "interest" }, { "free_receipt", "transfer_in" },
	{ "free_delivery", "transfer_out" }, { "migration", "" },
	{ "private_market_buy", "" }, { "*_cancelled", "" }, { NULL, NULL }
};

/* Portfolio Performance's export of all transactions (its current
 * layout), in English or German: no symbol but the security's name,
 * amounts in another currency than the file's after its code. */
static const char *const ppc_needs_en[] = { "security", "quote",
    "net transaction value", NULL };
static const char *const ppc_needs_de[] = { "wertpapier", "kurs",
    "gesamtpreis", "gegenkonto", NULL };
static const struct alias ppc_cols[] = {
	{ "date", R_DATE }, { "datum", R_DATE }, { "type", R_TYPE },
	{ "typ", R_TYPE }, { "security", R_SYMBOL }, { "wertpapier", R_SYMBOL },
	{ "shares", R_QUANTITY }, { "stück", R_QUANTITY }, { "quote", R_PRICE },
	{ "kurs", R_PRICE }, { "amount", R_AMOUNT }, { "betrag", R_AMOUNT },
	{ "fees", R_FEE }, { "gebühren", R_FEE }, { "taxes", R_TAXES },
	{ "steuern", R_TAXES }, { "note", R_NOTE }, { "notiz", R_NOTE },
	{ NULL, 0 }
};
static const struct word ppc_words[] = {
	{ "tax refund", "interest" }, { "fees refund", "interest" },
	{ "steuerrückerstattung", "interest" },
	{ "gebührenerstattung", "interest" }, { "transfer (inbound)", "in" },
	{ "transfer (outbound)", "out" }, { "umbuchung (eingang)", "in" },
	{ "umbuchung (ausgang)", "out" }, { NULL, NULL }
};

/* Interactive Brokers' flex query cash transactions: dividends,
 * payments in lieu, withholding tax and its corrections, interest,
 * fees, deposits and withdrawals, each signed; summary rows skipped. */
static const char *const ibc_needs[] = { "clientaccountid",
    "currencyprimary", "levelofdetail", "amount", "type", NULL };
static const struct alias ibc_cols[] = {
	{ "currencyprimary", R_CURRENCY }, { "currency", R_CURRENCY },
	{ "symbol", R_SYMBOL }, { "isin", R_ISIN }, { "date/time", R_DATE },
	{ "datetime", R_DATE },
	{ "amount", R_AMOUNT }, { "type", R_TYPE },
	{ "levelofdetail", R_STATUS }, { "description", R_NOTE }, { NULL, 0 }
};
static const struct word ibc_words[] = {
	{ "dividends", "dividend" }, { "payment in lieu of dividends", "dividend" },
	{ "withholding tax", "taxback" }, { "broker interest received", "interest" },
	{ "bond interest received", "interest" },
	{ "broker interest paid", "fee" }, { "bond interest paid", "fee" },
	{ "other fees", "feeback" }, { "advisor fees", "feeback" },
	{ "commission adjustments", "feeback" },
	{ "deposits/withdrawals", "money" }, { "deposits & withdrawals", "money" },
	{ NULL, NULL }
};

/* DEGIRO's account statement (Account.csv), in English or Dutch: the
 * description says what a row is; the currency is in the named column
 * and the amount in the unnamed one after it.  A trade's rows are left
 * to Transactions.csv, a currency exchange's two legs are skipped, and
 * a line that only continues the one before (a long order id) too. */
static const char *const dga_needs_en[] = { "value date", "description",
    "change", "balance", NULL };
static const char *const dga_needs_nl[] = { "valutadatum", "omschrijving",
    "mutatie", "saldo", NULL };
static const struct alias dga_cols[] = {
	{ "date", R_DATE }, { "datum", R_DATE }, { "time", R_TIME },
	{ "tijd", R_TIME }, { "product", R_NAME }, { "isin", R_SYMBOL },
	{ "description", R_TYPE }, { "omschrijving", R_TYPE },
	{ "change", R_CURRENCY }, { "mutatie", R_CURRENCY }, { NULL, 0 }
};
static const struct alias dga_after[] = {
	{ "change", R_AMOUNT }, { "mutatie", R_AMOUNT }, { NULL, 0 }
};
static const struct word dga_words[] = {
	{ "buy *", "" }, { "sell *", "" }, { "koop *", "" },
	{ "verkoop *", "" }, { "degiro transaction*", "" },
	{ "degiro transactiekosten*", "" }, { "dividend", "dividend" },
	{ "fund distribution", "dividend" }, { "dividende", "dividend" },
	{ "dividend tax", "taxback" }, { "dividendbelasting", "taxback" },
	{ "transactiebelasting", "tax" },
	{ "flatex interest income", "interest" },
	{ "flatex interest", "feeback" },
	{ "degiro exchange connection fee*", "fee" },
	{ "degiro aansluitingskosten*", "fee" }, { "adr/gdr*", "fee" },
	{ "trustly/sofort*", "fee" }, { "flatex deposit", "deposit" },
	{ "ideal deposit", "deposit" }, { "ideal storting", "deposit" },
	{ "storting", "deposit" }, { "deposit", "deposit" },
	{ "processed flatex withdrawal", "withdrawal" },
	{ "flatex terugstorting", "withdrawal" },
	{ "terugstorting", "withdrawal" }, { "withdrawal", "withdrawal" },
	{ "fx debit", "" }, { "fx credit", "" }, { "valuta debitering", "" },
	{ "valuta creditering", "" }, { "reservation ideal*", "" },
	{ "degiro cash sweep transfer", "" },
	{ "transfer to your cash account*", "" },
	{ "transfer from your cash account*", "" },
	{ "money market fund conversion*", "" }, { NULL, NULL }
};

/* The sections of Interactive Brokers' activity statement that hold
 * money (its trades are read as a flex query's): each a preset without
 * a type column, the symbol and ISIN in the description
 * ("AAPL(US0378331005) Cash Dividend ..."). */
static const struct alias iba_cols[] = {
	{ "currency", R_CURRENCY }, { "date", R_DATE },
	{ "settle date", R_DATE }, { "description", R_NOTE },
	{ "amount", R_AMOUNT }, { NULL, 0 }
};

static const struct preset sections[] = {
	{ .format = IF_IBKR_ACTIVITY, .cols = iba_cols, .style = NUM_PLAIN,
	    .dates = DATES_AS_WRITTEN, .every = "dividend", .flags = P_SYMBOL_DESC,
	    .section = "Dividends" },
	{ .format = IF_IBKR_ACTIVITY, .cols = iba_cols, .style = NUM_PLAIN,
	    .dates = DATES_AS_WRITTEN, .every = "dividend", .flags = P_SYMBOL_DESC,
	    .section = "Payment In Lieu Of Dividends" },
	{ .format = IF_IBKR_ACTIVITY, .cols = iba_cols, .style = NUM_PLAIN,
	    .dates = DATES_AS_WRITTEN, .every = "taxback", .flags = P_SYMBOL_DESC,
	    .section = "Withholding Tax" },
	{ .format = IF_IBKR_ACTIVITY, .cols = iba_cols, .style = NUM_PLAIN,
	    .dates = DATES_AS_WRITTEN, .every = "money", .section = "Deposits & Withdrawals" },
	{ .format = IF_IBKR_ACTIVITY, .cols = iba_cols, .style = NUM_PLAIN,
	    .dates = DATES_AS_WRITTEN, .every = "feeback", .section = "Interest" },
	{ .format = IF_IBKR_ACTIVITY, .cols = iba_cols, .style = NUM_PLAIN,
	    .dates = DATES_AS_WRITTEN, .every = "feeback", .section = "Fees" },
};

const struct preset *
preset_section(const char *name)
{
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (strcmp(sections[i].section, name) == 0)
			return &sections[i];
	return NULL;
}

static const struct preset presets[] = {
	{ .format = IF_WEALTHFOLIO, .needs = wf_needs, .cols = wf_cols,
	    .words = wf_words, .style = NUM_PLAIN, .dates = DATES_AS_WRITTEN },
	{ .format = IF_TRADING212, .needs = t212_needs, .cols = t212_cols,
	    .words = t212_words, .style = NUM_PLAIN, .dates = DATES_AS_WRITTEN,
	    .flags = P_DIV_SHARES | P_FEE_RATE },
	{ .format = IF_REVOLUT, .needs = rev_needs, .cols = rev_cols,
	    .words = rev_words, .style = NUM_PLAIN, .dates = DATES_AS_WRITTEN },
	{ .format = IF_FREETRADE, .needs = ft_needs, .cols = ft_cols,
	    .words = ft_words, .style = NUM_PLAIN, .dates = DATES_AS_WRITTEN },
	{ .format = IF_SCALABLE, .needs = scal_needs, .cols = scal_cols,
	    .words = scal_words, .style = NUM_COMMA, .dates = DATES_AS_WRITTEN,
	    .flags = P_DIV_NET | P_TAX_APART, .done = "executed" },
	{ .format = IF_PARQET, .needs = pq_needs, .cols = pq_cols,
	    .words = pq_words, .style = NUM_COMMA, .dates = DATES_AS_WRITTEN,
	    .flags = P_TAX_APART },
	{ .format = IF_ETORO, .needs = etoro_needs, .cols = etoro_cols,
	    .words = etoro_words, .style = NUM_POINT, .dates = DATES_DMY,
	    .flags = P_SYMBOL_PAIR, .currency = "USD" },
	{ .format = IF_BUX, .needs = bux_needs, .cols = bux_cols,
	    .words = bux_words, .style = NUM_PLAIN, .dates = DATES_AS_WRITTEN },
	{ .format = IF_COINBASE, .needs = cb_needs, .cols = cb_cols,
	    .words = cb_words, .style = NUM_PLAIN, .dates = DATES_AS_WRITTEN,
	    .kind = "crypto" },
	{ .format = IF_XTB, .needs = xtb_needs, .cols = xtb_cols,
	    .words = xtb_words, .style = NUM_COMMA, .dates = DATES_AS_WRITTEN,
	    .footer = "Total", .flags = P_TRADE_NOTE,
	    .currency = TX_CURRENCY_PORTFOLIO },
	{ .format = IF_DEGIRO, .needs = dg_needs_en, .cols = dg_cols,
	    .style = NUM_COMMA, .dates = DATES_DMY, .flags = P_FEE_RATE,
	    .every = "trade", .after = dg_after },
	{ .format = IF_DEGIRO, .needs = dg_needs_nl, .cols = dg_cols,
	    .style = NUM_COMMA, .dates = DATES_DMY, .flags = P_FEE_RATE,
	    .every = "trade", .after = dg_after },
	{ .format = IF_DEGIRO, .needs = dg_needs_de, .cols = dg_cols,
	    .style = NUM_COMMA, .dates = DATES_DMY, .flags = P_FEE_RATE,
	    .every = "trade", .after = dg_after },
	{ .format = IF_TRADEREPUBLIC, .needs = tr_needs, .cols = tr_cols,
	    .words = tr_words, .style = NUM_PLAIN, .dates = DATES_AS_WRITTEN,
	    .flags = P_TAX_APART },
	{ .format = IF_PP_EXPORT, .needs = ppc_needs_en, .cols = ppc_cols,
	    .words = ppc_words, .style = NUM_POINT, .dates = DATES_AS_WRITTEN,
	    .flags = P_TAX_APART | P_CUR_PREFIX },
	{ .format = IF_PP_EXPORT, .needs = ppc_needs_de, .cols = ppc_cols,
	    .words = ppc_words, .style = NUM_COMMA, .dates = DATES_AS_WRITTEN,
	    .flags = P_TAX_APART | P_CUR_PREFIX },
	{ .format = IF_IBKR_CASH, .needs = ibc_needs, .cols = ibc_cols,
	    .words = ibc_words, .style = NUM_PLAIN, .dates = DATES_AS_WRITTEN,
	    .done = "detail" },
	{ .format = IF_DEGIRO_ACCOUNT, .needs = dga_needs_en, .cols = dga_cols,
	    .words = dga_words, .style = NUM_PLAIN, .dates = DATES_DMY,
	    .after = dga_after },
	{ .format = IF_DEGIRO_ACCOUNT, .needs = dga_needs_nl, .cols = dga_cols,
	    .words = dga_words, .style = NUM_COMMA, .dates = DATES_DMY,
	    .after = dga_after },
	{ .format = IF_SCHWAB, .needs = schwab_needs, .cols = schwab_cols,
	    .words = schwab_words, .style = NUM_POINT, .dates = DATES_MDY,
	    .footer = "Transactions Total", .currency = "USD" },
};

#define NPRESETS (sizeof(presets) / sizeof(presets[0]))

const struct preset *
preset_find(char **header, size_t n)
{
	for (size_t i = 0; i < NPRESETS; i++) {
		const char *const *k = presets[i].needs;

		while (*k && imp_has_col(header, n, *k))
			k++;
		if (*k == NULL)
			return &presets[i];
	}
	return NULL;
}

const struct preset *
preset_header(const struct csv *csv, size_t *hdr)
{
	for (size_t i = 0; i < csv->n && i < 20; i++) {
		const struct preset *p = preset_find(csv->rec[i].fields,
		    csv->rec[i].n);

		if (p != NULL) {
			*hdr = i;
			return p;
		}
	}
	return NULL;
}

enum import_format
preset_format(const struct preset *p)
{
	return p->format;
}

const struct preset *
preset_of(enum import_format format)
{
	for (size_t i = 0; i < NPRESETS; i++)
		if (presets[i].format == format)
			return &presets[i];
	return NULL;
}

enum num_style
preset_style(const struct preset *p)
{
	return p->style;
}

void
preset_map(const struct preset *p, char **header, size_t n,
    int cols[R__MAX])
{
	imp_find_cols(header, n, p->cols, cols);
	for (const struct alias *x = p->after; x && x->name; x++)
		for (size_t i = 0; i + 1 < n; i++)
			if (imp_has_col(&header[i], 1, x->name) &&
			    cols[x->role] < 0)
				cols[x->role] = (int)i + 1;
}

const char *
preset_cols(const struct preset *p, char **header, size_t n,
    int cols[R__MAX])
{
	preset_map(p, header, n, cols);
	for (const char *const *k = p->needs; *k; k++)
		if (!imp_has_col(header, n, *k))
			return *k;
	if (cols[R_DATE] < 0 && cols[R_DATETIME] < 0)
		return "date";
	return NULL;
}

int
preset_footer(const struct preset *p, const struct csv_record *rec)
{
	return p->footer != NULL && rec->n > 0 &&
	    strncasecmp(rec->fields[0], p->footer, strlen(p->footer)) == 0;
}

/* The type word w means in p's files: a nestegg type, "trade", "" (no
 * transaction), or NULL (a word nestegg does not know). */
static const char *
type_of(const struct preset *p, const char *w)
{
	for (const struct word *x = p->words; x && x->word; x++) {
		size_t n = strlen(x->word);

		if (n > 0 && x->word[n - 1] == '*' ?
		    strncasecmp(w, x->word, n - 1) == 0 :
		    strcasecmp(w, x->word) == 0)
			return x->type;
	}
	return import_type_word(w);
}

int
imp_number(const char *s, enum num_style style, dec *out)
{
	char buf[80];
	size_t n = 0;
	int neg = 0;

	*out = DEC_ZERO;
	for (; *s && n < sizeof(buf) - 1; s++) {
		unsigned char c = (unsigned char)*s;

		if (isdigit(c) || c == '.' || c == ',' || c == '\'')
			buf[n++] = (char)c;
		else if (c == '-' && n == 0)
			neg = !neg;
		else if (c == '(' && n == 0)
			neg = 1;
		else if (c == '+' || c == ')' || c == ' ' || c == '$' ||
		    isupper(c) || c >= 0x80)
			continue;	/* signs, codes, spaces of any kind */
		else
			return -1;
	}
	buf[n] = '\0';
	if (n == 0)
		return -1;
	if (num_parse(buf, style, out, NULL) != NULL)
		return -1;
	if (neg)
		*out = dec_neg(*out);
	return 0;
}

/* A currency as a file writes it, as nestegg does: GBX (pence) is
 * GBp. */
static const char *
currency_text(const char *c)
{
	return strcasecmp(c, "GBX") == 0 ? "GBp" : c;
}

/* Formats d as plain text in the arena. */
static const char *
plain(struct arena *a, dec d)
{
	char buf[DEC_BUFSZ];

	return arena_strdup(a, dec_format(d, -1, buf));
}

/* The sum of the sizes of the costs in columns roles (n of them). */
static int
costs(struct arena *a, enum num_style st, const struct csv_record *rec,
    const int *cols, const int *roles, size_t n, dec *sum)
{
	*sum = DEC_ZERO;
	for (size_t i = 0; i < n; i++) {
		const char *s = imp_cell(a, rec, cols, roles[i]);
		dec d;

		if (text_blank(s))
			continue;
		if (imp_number(s, st, &d) != 0)
			return -1;
		*sum = dec_add(*sum, dec_abs(d));
	}
	return 0;
}

/* The currency of the market a ticker's suffix names (XTB's AAPL.US,
 * SXR8.DE), or "". */
static const char *
suffix_currency(const char *sym)
{
	static const char *const map[][2] = {
		{ ".US", "USD" }, { ".DE", "EUR" }, { ".FR", "EUR" },
		{ ".NL", "EUR" }, { ".ES", "EUR" }, { ".IT", "EUR" },
		{ ".BE", "EUR" }, { ".PT", "EUR" }, { ".FI", "EUR" },
		{ ".IE", "EUR" }, { ".UK", "GBp" }, { ".PL", "PLN" },
		{ ".CZ", "CZK" }, { ".CH", "CHF" }, { ".DK", "DKK" },
		{ ".SE", "SEK" }, { ".NO", "NOK" },
	};
	const char *dot = strrchr(sym, '.');

	for (size_t i = 0; dot && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(dot, map[i][0]) == 0)
			return map[i][1];
	return "";
}

/* The quantity and price in a trade's note: "OPEN BUY 3 @ 187.68",
 * "CLOSE BUY 1/3 @ 228.50" (1 of 3).  0, or -1. */
static int
note_trade(const char *note, dec *q, dec *price)
{
	const char *at = strchr(note, '@'), *s = note;
	char qty[64], px[64];

	while (*s && !isdigit((unsigned char)*s))
		s++;
	if (at == NULL || s >= at || sscanf(s, "%63[0-9.]", qty) != 1 ||
	    sscanf(at + 1, " %63[0-9.]", px) != 1)
		return -1;
	if (num_parse(qty, NUM_PLAIN, q, NULL) != NULL ||
	    num_parse(px, NUM_PLAIN, price, NULL) != NULL ||
	    dec_sign(*q) <= 0)
		return -1;
	return 0;
}

/* A cell that says nothing ("-", as spreadsheets write it) as "". */
static const char *
nothing(const char *s)
{
	return strcmp(s, "-") == 0 ? "" : s;
}

/* Adds to f after r the tax of r's own (withheld from a dividend, or
 * on a sale's gain), when not 0: a tax row on the same day, of r's
 * instrument and currency. */
static void
withheld(struct arena *a, struct import_file *f, size_t cap,
    const struct import_row *r, dec tax)
{
	struct import_row *x;

	if (dec_is_zero(tax) || (x = imp_new_row(f, cap)) == NULL)
		return;
	*x = *r;
	x->t.type = "tax";
	x->t.quantity = x->t.price = x->t.fee = "";
	x->t.amount = plain(a, tax);
}

/*
 * A conversion of one coin to another in one row (Coinbase's Convert:
 * "Converted 0.005 BTC to 0.098 ETH", the value given up in the total,
 * the value received in the subtotal): a sell of the one at the value
 * given up, the spread its fee, and a buy of the other at the value
 * received.  r is the sell; the buy is added after it.
 */
static void
converted(struct arena *a, enum num_style st, struct import_file *f,
    size_t cap, struct import_row *r, const struct csv_record *rec,
    const int *cols, dec q, dec price)
{
	char qty[64], sym[64];
	const char *note = imp_cell(a, rec, cols, R_NOTE), *to;
	struct import_row *x;
	dec total, got, q2;

	to = strstr(note, " to ");
	q = dec_abs(q);
	if (imp_number(imp_cell(a, rec, cols, R_AMOUNT), st, &total) != 0)
		total = dec_mul(q, price);
	if (imp_number(imp_cell(a, rec, cols, R_GROSS), st, &got) != 0)
		got = total;
	total = dec_abs(total);
	got = dec_abs(got);
	if (to == NULL || sscanf(to, " to %63s %63s", qty, sym) != 2 ||
	    imp_number(qty, NUM_PLAIN, &q2) != 0 || dec_sign(q2) <= 0 ||
	    dec_is_zero(q)) {
		r->error = "A conversion's note must say what it was converted "
		    "to, like \"Converted 0.005 BTC to 0.098 ETH\".";
		r->error_field = "Notes";
		return;
	}
	r->t.type = "sell";
	r->t.quantity = plain(a, q);
	r->t.price = plain(a, dec_div(total, q));
	r->t.fee = dec_cmp(total, got) > 0 ? plain(a, dec_sub(total, got)) :
	    "";
	r->t.amount = r->t.fx_rate = r->t.counter = "";
	if ((x = imp_new_row(f, cap)) == NULL)
		return;
	*x = *r;
	x->t.type = "buy";
	x->t.symbol = arena_strdup(a, sym);
	x->t.quantity = plain(a, q2);
	x->t.price = plain(a, dec_div(got, q2));
	x->t.fee = "";
	x->hint.source_symbol = x->t.symbol;
	x->hint.isin = "";
}

void
preset_row(struct arena *a, const struct preset *p, enum num_style st,
    struct import_file *f, size_t cap, const struct csv_record *rec,
    const int *cols, const char *raw)
{
	static const int fee_roles[] = { R_FEE, R_FEE2, R_FEE3 };
	static const int tax_roles[] = { R_TAXES };
	struct import_row *r = imp_new_row(f, cap);
	struct tx_text *t;
	const char *word = imp_cell(a, rec, cols, R_TYPE), *type;
	const char *time = imp_cell(a, rec, cols, R_TIME);
	const char *qs = nothing(imp_cell(a, rec, cols, R_QUANTITY));
	const char *ps = nothing(imp_cell(a, rec, cols, R_PRICE));
	const char *as = nothing(imp_cell(a, rec, cols, R_AMOUNT));
	const char *amount_cur = currency_text(imp_cell(a, rec, cols,
	    R_AMOUNTCUR));
	const char *gross_cur = currency_text(imp_cell(a, rec, cols,
	    R_GROSSCUR));
	dec q = DEC_ZERO, price = DEC_ZERO, amount = DEC_ZERO, fee, tax, rate;
	dec gross;
	int hasq, hasp, hasa;

	if (r == NULL)
		return;
	t = &r->t;
	r->line = rec->line;
	r->raw = raw;
	t->style = NUM_PLAIN;		/* numbers are written again below */
	t->date = imp_cell(a, rec, cols, cols[R_DATE] >= 0 ? R_DATE :
	    R_DATETIME);
	if (*time)
		t->date = arena_printf(a, "%s %s", t->date, time);
	t->date = imp_date(a, p->dates, t->date);
	t->symbol = imp_cell(a, rec, cols, R_SYMBOL);
	if ((p->flags & P_SYMBOL_DESC) && *t->symbol == '\0') {
		const char *note = imp_cell(a, rec, cols, R_NOTE);
		const char *open = strchr(note, '('), *close;

		if (open && open > note && (close = strchr(open, ')')) &&
		    !memchr(note, ' ', (size_t)(open - note))) {
			t->symbol = arena_strndup(a, note, (size_t)(open - note));
			r->hint.isin = arena_strndup(a, open + 1,
			    (size_t)(close - open - 1));
		}
	}
	if ((p->flags & P_SYMBOL_PAIR) && strchr(t->symbol, '/'))
		t->symbol = arena_strndup(a, t->symbol,
		    (size_t)(strchr(t->symbol, '/') - t->symbol));
	t->currency = currency_text(imp_cell(a, rec, cols, R_CURRENCY));
	if (*t->currency == '\0' && p->currency)
		t->currency = p->currency;
	t->note = imp_cell(a, rec, cols, R_NOTE);
	if (p->flags & P_CUR_PREFIX) {
		const char *v = imp_cell(a, rec, cols, R_AMOUNT);

		t->currency = strlen(v) > 4 && v[3] == ' ' &&
		    isupper((unsigned char)v[0]) && isupper((unsigned char)v[1])
		    && isupper((unsigned char)v[2]) ? arena_strndup(a, v, 3) :
		    TX_CURRENCY_PORTFOLIO;
	}
	r->hint.name = imp_cell(a, rec, cols, R_NAME);
	if (*r->hint.name == '\0')
		r->hint.name = t->symbol;
	if (*r->hint.isin == '\0')
		r->hint.isin = imp_cell(a, rec, cols, R_ISIN);
	r->hint.currency = t->currency;
	r->hint.kind = p->kind ? p->kind : "stock";
	r->hint.source = "yahoo";
	if (*t->symbol == '\0')
		t->symbol = r->hint.isin;
	else if (*r->hint.isin == '\0' && strlen(t->symbol) == 12 &&
	    isupper((unsigned char)t->symbol[0]) &&
	    isupper((unsigned char)t->symbol[1]) &&
	    isdigit((unsigned char)t->symbol[11]))
		r->hint.isin = t->symbol;	/* the symbol is an ISIN */
	r->hint.source_symbol = t->symbol;
	if (*word == '\0' && !p->every && text_blank(imp_cell(a, rec, cols,
	    R_DATE))) {
		r->skip = "This line only continues the one before.";
		return;
	}
	type = *word == '\0' && p->every ? p->every : type_of(p, word);
	if (type == NULL) {
		t->type = word;
		r->error = arena_printf(a, "%s's type %s is not one nestegg "
		    "knows.", import_format_titles[p->format], word);
		r->error_field = "type";
		return;
	}
	if (strncmp(type, "leg:", 4) == 0) {
		/* One of a trade's two rows: its shares, or its money. */
		if (strncasecmp(imp_cell(a, rec, cols, R_SIDE), "ASSET_", 6)
		    != 0)
			type = "";
		else
			type += 4;
	}
	t->type = type;
	if (p->done && cols[R_STATUS] >= 0 && strcasecmp(imp_cell(a, rec,
	    cols, R_STATUS), p->done) != 0) {
		r->skip = arena_printf(a, "%s, not carried out.",
		    imp_cell(a, rec, cols, R_STATUS));
		return;
	}
	if (*type == '\0') {
		r->skip = arena_printf(a, "A %s row records no transaction.",
		    word);
		return;
	}
	hasq = imp_number(qs, st, &q) == 0;
	hasp = imp_number(ps, st, &price) == 0;
	hasa = imp_number(as, st, &amount) == 0;
	if ((*qs && !hasq) || (*ps && !hasp) || (*as && !hasa) ||
	    costs(a, st, rec, cols, fee_roles, 3, &fee) != 0 ||
	    costs(a, st, rec, cols, tax_roles, 1, &tax) != 0) {
		r->error = "A number here is not one: quantities, prices, "
		    "amounts and costs must be numbers.";
		r->error_field = "amount";
		return;
	}
	/* Types the signs decide. */
	if (strcmp(type, "trade") == 0) {
		const char *side = type_of(p, imp_cell(a, rec, cols, R_SIDE));

		if (side && (!strcmp(side, "buy") || !strcmp(side, "sell")))
			type = side;
		else if (hasq && dec_sign(q) != 0 && hasp && dec_is_zero(price))
			/* Shares in or out at no price: a corporate action's. */
			type = dec_sign(q) < 0 ? "transfer_out" : "transfer_in";
		else if (hasq && dec_sign(q) != 0)
			type = dec_sign(q) < 0 ? "sell" : "buy";
		else
			type = hasa && dec_sign(amount) > 0 ? "sell" : "buy";
	} else if (strcmp(type, "money") == 0)
		type = dec_sign(amount) < 0 ? "withdrawal" : "deposit";
	else if (strcmp(type, "taxback") == 0)
		type = dec_sign(amount) > 0 ? "interest" : "tax";
	else if (strcmp(type, "feeback") == 0)
		type = dec_sign(amount) > 0 ? "interest" : "fee";
	else if (strcmp(type, "in") == 0 || strcmp(type, "out") == 0)
		/* Shares moved in or out, or money without any. */
		type = hasq && dec_sign(q) != 0 && *t->symbol ?
		    (*type == 'i' ? "transfer_in" : "transfer_out") :
		    (*type == 'i' ? "deposit" : "withdrawal");
	else if (strcmp(type, "shares") == 0)
		type = dec_sign(q) < 0 ? "transfer_out" : "transfer_in";
	else if (strcmp(type, "added") == 0) {
		/* Shares a split added, not its ratio: they come in at no
		 * cost, which leaves the holding's cost as it was. */
		type = "transfer_in";
		price = DEC_ZERO;
		hasp = 1;
		hasa = 0;
		t->note = "Shares added by a split";
	}
	if (strcmp(type, "convert") == 0) {
		converted(a, st, f, cap, r, rec, cols, q, price);
		return;
	}
	t->type = type;
	t->quantity = t->price = t->fee = t->amount = "";
	t->fx_rate = t->counter = "";
	/* Costs in the account's currency, in the price's. */
	if ((p->flags & P_FEE_RATE) && !dec_is_zero(fee) &&
	    imp_number(imp_cell(a, rec, cols, R_FX), st, &rate) == 0 &&
	    dec_sign(rate) > 0)
		fee = dec_mul(fee, rate);
	if ((p->flags & P_TRADE_NOTE) && (!strcmp(type, "buy") ||
	    !strcmp(type, "sell"))) {
		if (note_trade(t->note, &q, &price) != 0) {
			r->error = "The comment must say the quantity and the "
			    "price, like \"OPEN BUY 2 @ 533.50\".";
			r->error_field = "comment";
			return;
		}
		hasq = hasp = 1;
		t->currency = "";	/* the instrument's */
	}
	if (strcmp(r->hint.currency, TX_CURRENCY_PORTFOLIO) == 0)
		r->hint.currency = (p->flags & P_TRADE_NOTE) ?
		    suffix_currency(t->symbol) : "";
	if (!strcmp(type, "buy") || !strcmp(type, "sell") ||
	    !strcmp(type, "transfer_in") || !strcmp(type, "transfer_out") ||
	    !strcmp(type, "split")) {
		if (!strcmp(type, "split") && hasa && !dec_is_zero(amount)) {
			q = amount;	/* its ratio, where it is written so */
			hasq = 1;
		}
		q = dec_abs(q);
		if (!hasp && hasa && hasq && !dec_is_zero(q))
			price = dec_div(dec_abs(amount), q);
		t->quantity = hasq ? plain(a, q) : "";
		if (strcmp(type, "split") != 0)
			t->price = hasp || hasa ? plain(a, dec_abs(price)) : "";
		if (!(p->flags & P_TAX_APART)) {
			/* A trade's taxes (stamp duty) are among its costs. */
			fee = dec_add(fee, tax);
			tax = DEC_ZERO;
		}
		if (!dec_is_zero(fee))
			t->fee = plain(a, fee);
		withheld(a, f, cap, r, tax);
		return;
	}
	if (!strcmp(type, "dividend") && imp_number(imp_cell(a, rec, cols,
	    R_GROSS), st, &gross) == 0 && dec_sign(gross) != 0) {
		/* Gross, in its own currency, with the tax withheld. */
		amount = dec_abs(gross);
		hasa = 1;
		if (*gross_cur)
			t->currency = gross_cur;
	} else if (!strcmp(type, "dividend") && (p->flags & P_DIV_SHARES) &&
	    hasq && hasp) {
		/* Shares x the amount a share, in the price's currency. */
		amount = dec_mul(dec_abs(q), dec_abs(price));
		hasa = 1;
	} else if (*amount_cur)
		t->currency = amount_cur;
	/* Money: its size, the type saying which way it went. */
	amount = dec_abs(amount);
	if (!hasa && hasq && hasp)
		amount = dec_abs(dec_mul(q, price));
	if (!strcmp(type, "dividend") && (p->flags & P_DIV_NET))
		amount = dec_add(amount, tax);
	t->amount = hasa || (hasq && hasp) ? plain(a, amount) : "";
	if (!dec_is_zero(fee))
		t->fee = plain(a, fee);
	if (strcmp(type, "dividend") != 0 && strcmp(type, "interest") != 0)
		tax = DEC_ZERO;
	if (!strcmp(type, "interest") || !strcmp(type, "deposit") ||
	    !strcmp(type, "withdrawal") || !strcmp(type, "fee"))
		t->symbol = "";		/* the cash's */
	withheld(a, f, cap, r, tax);
}
