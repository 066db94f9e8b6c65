/*
 * importfmt.c - reading import files into rows (see importfmt.h).
 */
#include "importfmt.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>
#include <json-c/json.h>

#include "csv.h"
#include "importint.h"
#include "text.h"

const char *const import_format_names[IF__MAX] = {
	"auto", "nestegg", "ghostfolio", "ghostfolio-csv", "ibkr", "pp",
	"generic", "wealthfolio", "trading212", "revolut", "schwab",
	"freetrade", "scalable", "parqet", "etoro", "bux", "coinbase", "xtb",
	"degiro", "traderepublic", "pp-export",
	"ibkr-cash", "degiro-account", "ibkr-xml",
	"ibkr-activity",
};

const char *const import_format_titles[IF__MAX] = {
	"Recognise it", "nestegg CSV", "Ghostfolio export (JSON)",
	"Ghostfolio CSV", "Interactive Brokers flex query (trades)",
	"Portfolio Performance CSV", "Other CSV (choose the columns)",
	"Wealthfolio", "Trading 212", "Revolut", "Charles Schwab", "Freetrade",
	"Scalable Capital", "Parqet", "eToro", "BUX", "Coinbase", "XTB",
	"DEGIRO transactions", "Trade Republic",
	"Portfolio Performance export of all transactions",
	"Interactive Brokers flex query (cash transactions)",
	"DEGIRO account statement", "Interactive Brokers flex query (XML)",
	"Interactive Brokers activity statement",
};

const char *const import_field_names[IM__MAX] = {
	"date", "type", "symbol", "quantity", "price", "fee", "amount",
	"currency", "fx_rate", "note", "name",
};

const char *const import_dates_names[3] = { "auto", "dmy", "mdy" };

static const char *const style_names[] = { "plain", "point", "comma" };

int
import_format_parse(const char *s)
{
	for (int i = 0; i < IF__MAX; i++)
		if (strcasecmp(s, import_format_names[i]) == 0)
			return i;
	return -1;
}

/* nestegg's columns, and the names spreadsheets and Ghostfolio's CSV
 * give them. */
static const struct alias nestegg_cols[] = {
	{ "date", R_DATE }, { "trade date", R_DATE }, { "datetime", R_DATE },
	{ "tradedate", R_DATE }, { "time", R_TIME },
	{ "type", R_TYPE }, { "action", R_TYPE },
	{ "symbol", R_SYMBOL }, { "ticker", R_SYMBOL }, { "code", R_SYMBOL },
	{ "quantity", R_QUANTITY }, { "shares", R_QUANTITY },
	{ "units", R_QUANTITY }, { "qty", R_QUANTITY },
	{ "price", R_PRICE }, { "unitprice", R_PRICE },
	{ "unit price", R_PRICE },
	{ "fee", R_FEE }, { "fees", R_FEE }, { "commission", R_FEE },
	{ "amount", R_AMOUNT }, { "total", R_AMOUNT },
	{ "currency", R_CURRENCY }, { "ccy", R_CURRENCY },
	{ "fx_rate", R_FX }, { "fxrate", R_FX }, { "exchange rate", R_FX },
	{ "note", R_NOTE }, { "notes", R_NOTE }, { "comment", R_NOTE },
	{ "name", R_NAME }, { "counter_currency", R_COUNTER },
	{ "datasource", R_SOURCE }, { "isin", R_ISIN },
	{ "account", R_ACCOUNT }, { "accountid", R_ACCOUNT },
	{ NULL, 0 }
};

/* Interactive Brokers' flex query trades. */
static const struct alias ibkr_cols[] = {
	{ "tradedate", R_DATE }, { "datetime", R_DATETIME },
	{ "buy/sell", R_TYPE }, { "symbol", R_SYMBOL },
	{ "quantity", R_QUANTITY }, { "tradeprice", R_PRICE },
	{ "ibcommission", R_FEE }, { "ibcommissioncurrency", R_FEECUR },
	{ "currencyprimary", R_CURRENCY }, { "fxratetobase", R_FX },
	{ "description", R_NAME }, { "isin", R_ISIN },
	{ "assetclass", R_CLASS }, { "listingexchange", R_EXCHANGE },
	{ "notes/codes", R_NOTE }, { "tradeid", R_NOTE },
	/* The same fields as a flex query's XML names them. */
	{ "buysell", R_TYPE }, { "currency", R_CURRENCY },
	{ "assetcategory", R_CLASS }, { "notes", R_NOTE },
	{ NULL, 0 }
};

/* Portfolio Performance, in English and German. */
static const struct alias pp_cols[] = {
	{ "date", R_DATE }, { "datum", R_DATE },
	{ "time", R_TIME }, { "uhrzeit", R_TIME },
	{ "type", R_TYPE }, { "typ", R_TYPE },
	{ "value", R_AMOUNT }, { "wert", R_AMOUNT },
	{ "transaction currency", R_CURRENCY },
	{ "buchungswährung", R_CURRENCY },
	{ "gross amount", R_GROSS }, { "bruttobetrag", R_GROSS },
	{ "exchange rate", R_FX }, { "wechselkurs", R_FX },
	{ "fees", R_FEE }, { "gebühren", R_FEE },
	{ "taxes", R_TAXES }, { "steuern", R_TAXES },
	{ "shares", R_QUANTITY }, { "stück", R_QUANTITY },
	{ "isin", R_ISIN }, { "wkn", R_WKN },
	{ "ticker symbol", R_SYMBOL }, { "ticker-symbol", R_SYMBOL },
	{ "security name", R_NAME }, { "wertpapiername", R_NAME },
	{ "note", R_NOTE }, { "notiz", R_NOTE },
	{ NULL, 0 }
};

/* The words files use for a type, lower case. */
static const struct {
	const char *word, *type;
} type_words[] = {
	{ "buy", "buy" }, { "bought", "buy" }, { "purchase", "buy" },
	{ "kauf", "buy" }, { "achat", "buy" }, { "compra", "buy" },
	{ "sell", "sell" }, { "sold", "sell" }, { "sale", "sell" },
	{ "verkauf", "sell" }, { "vente", "sell" }, { "venta", "sell" },
	{ "dividend", "dividend" }, { "dividends", "dividend" },
	{ "dividende", "dividend" }, { "ausschüttung", "dividend" },
	{ "interest", "interest" }, { "zinsen", "interest" },
	{ "fee", "fee" }, { "fees", "fee" }, { "gebühren", "fee" },
	{ "gebühr", "fee" }, { "interest charge", "fee" },
	{ "zinsbelastung", "fee" },
	{ "tax", "tax" }, { "taxes", "tax" }, { "steuern", "tax" },
	{ "steuer", "tax" },
	{ "split", "split" },
	{ "deposit", "deposit" }, { "einlage", "deposit" },
	{ "withdrawal", "withdrawal" }, { "removal", "withdrawal" },
	{ "entnahme", "withdrawal" },
	{ "transfer_in", "transfer_in" }, { "transfer in", "transfer_in" },
	{ "delivery (inbound)", "transfer_in" },
	{ "einlieferung", "transfer_in" },
	{ "transfer_out", "transfer_out" }, { "transfer out", "transfer_out" },
	{ "delivery (outbound)", "transfer_out" },
	{ "auslieferung", "transfer_out" },
	{ "exchange", "exchange" },
	/* More of the words brokers and other languages use. */
	{ "aankoop", "buy" }, { "koop", "buy" }, { "verkoop", "sell" },
	{ "storting", "deposit" }, { "opname", "withdrawal" },
	{ "rente", "interest" }, { "belasting", "tax" },
	{ "einzahlung", "deposit" }, { "auszahlung", "withdrawal" },
	{ "sparplan", "buy" }, { "intérêts", "interest" }, { "frais", "fee" },
	{ "impôt", "tax" }, { "taxe", "tax" }, { "dépôt", "deposit" },
	{ "versement", "deposit" }, { "retrait", "withdrawal" },
	{ "dividendo", "dividend" }, { "intereses", "interest" },
	{ "comisión", "fee" }, { "impuesto", "tax" }, { "depósito", "deposit" },
	{ "ingreso", "deposit" }, { "retirada", "withdrawal" },
	{ "market buy", "buy" }, { "limit buy", "buy" },
	{ "market sell", "sell" }, { "limit sell", "sell" },
	{ "buy - market", "buy" }, { "sell - market", "sell" },
	{ "reinvest shares", "buy" }, { "top_up", "deposit" },
	{ "top up", "deposit" },
};

const char *
import_type_word(const char *word)
{
	char w[40];
	size_t n = 0;

	while (isspace((unsigned char)*word))
		word++;
	for (; *word && n < sizeof(w) - 1; word++)
		w[n++] = (char)tolower((unsigned char)*word);
	while (n > 0 && isspace((unsigned char)w[n - 1]))
		n--;
	w[n] = '\0';
	for (size_t i = 0; i < sizeof(type_words) / sizeof(type_words[0]); i++)
		if (strcmp(w, type_words[i].word) == 0)
			return type_words[i].type;
	return NULL;
}

/* Lower-cased, trimmed copy of a header cell, quotes and all. */
static void
header_name(const char *h, char *out, size_t outsz)
{
	size_t n = 0;

	while (isspace((unsigned char)*h))
		h++;
	for (; *h && n < outsz - 1; h++)
		out[n++] = (char)tolower((unsigned char)*h);
	while (n > 0 && isspace((unsigned char)out[n - 1]))
		n--;
	out[n] = '\0';
}

/* Whether a header's name is the alias's: the same, or starting with
 * it where the alias ends with '*' ("total *": "total eur"). */
static int
alias_is(const char *alias, const char *name)
{
	size_t n = strlen(alias);

	if (n > 0 && alias[n - 1] == '*')
		return strncmp(name, alias, n - 1) == 0;
	return strcmp(name, alias) == 0;
}

/* Finds the columns of header (n cells) by the names in al; cols[role]
 * is the column or -1.  Returns how many roles were found. */
int
imp_find_cols(char **header, size_t n, const struct alias *al, int cols[R__MAX])
{
	int found = 0;

	for (int r = 0; r < R__MAX; r++)
		cols[r] = -1;
	for (size_t i = 0; i < n; i++) {
		char name[64];

		header_name(header[i], name, sizeof(name));
		for (const struct alias *x = al; x->name; x++)
			if (alias_is(x->name, name) && cols[x->role] < 0) {
				cols[x->role] = (int)i;
				found++;
				break;
			}
	}
	return found;
}

int
imp_has_col(char **header, size_t n, const char *name)
{
	char h[64];

	for (size_t i = 0; i < n; i++) {
		header_name(header[i], h, sizeof(h));
		if (strcmp(h, name) == 0)
			return 1;
	}
	return 0;
}

static char *
trimmed(struct arena *a, const char *s)
{
	const char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return arena_strndup(a, s, (size_t)(e - s));
}

/* The record's field for role, trimmed, or "". */
const char *
imp_cell(struct arena *a, const struct csv_record *rec, const int *cols, int role)
{
	if (cols[role] < 0 || (size_t)cols[role] >= rec->n)
		return "";
	return trimmed(a, rec->fields[cols[role]]);
}

/* The record as a line of text, for messages (at most 300 bytes). */
static const char *
raw_line(struct arena *a, const struct csv_record *rec, char delim)
{
	char buf[301];
	size_t n = 0;

	for (size_t i = 0; i < rec->n && n < 300; i++) {
		if (i > 0)
			buf[n++] = delim;
		for (const char *p = rec->fields[i]; *p && n < 300; p++)
			buf[n++] = *p;
	}
	buf[n] = '\0';
	return arena_strdup(a, buf);
}

/* A number without its sign ("-5" gives "5"); "" stays "". */
const char *
imp_unsigned(const char *s)
{
	return (*s == '-' || *s == '+') ? s + 1 : s;
}

struct import_row *
imp_new_row(struct import_file *f, size_t cap)
{
	struct import_row *r;

	if (f->n >= cap)
		return NULL;
	r = &f->rows[f->n++];
	memset(r, 0, sizeof(*r));
	r->hint.name = r->hint.kind = r->hint.currency = "";
	r->hint.source = r->hint.source_symbol = r->hint.isin = "";
	r->hint.price = r->hint.date = "";
	return r;
}

/* Ghostfolio's data sources as nestegg's price sources. */
static const char *
gf_source(const char *ds)
{
	if (strcasecmp(ds, "MANUAL") == 0)
		return "manual";
	if (strcasecmp(ds, "COINGECKO") == 0)
		return "coingecko";
	if (strcasecmp(ds, "ALPHA_VANTAGE") == 0)
		return "alphavantage";
	return "yahoo";
}

/* Ghostfolio's asset classes as nestegg's kinds. */
static const char *
gf_kind(const char *sub, const char *source)
{
	if (strcasecmp(sub, "ETF") == 0)
		return "etf";
	if (strcasecmp(sub, "CRYPTOCURRENCY") == 0)
		return "crypto";
	if (strcasecmp(sub, "MUTUALFUND") == 0)
		return "fund";
	if (strcasecmp(sub, "BOND") == 0)
		return "bond";
	if (strcasecmp(sub, "STOCK") == 0)
		return "stock";
	if (*sub)
		return "other";
	return strcmp(source, "coingecko") == 0 ? "crypto" :
	    strcmp(source, "manual") == 0 ? "other" : "stock";
}

/*
 * Maps one Ghostfolio activity (both formats) onto a row: its type
 * word, and what the activity leaves to quantity x unitPrice.
 */
static void
gf_activity(struct arena *a, struct import_row *r, const char *type)
{
	struct tx_text *t = &r->t;
	dec q, p;

	if (strcasecmp(type, "ITEM") == 0 || strcasecmp(type, "LIABILITY") ==
	    0) {
		/* A valuable or a debt: held, bought with no cash. */
		int debt = strcasecmp(type, "LIABILITY") == 0;

		t->type = "transfer_in";
		r->hint.kind = debt ? "liability" : "other";
		r->hint.source = "manual";
		return;
	}
	t->type = import_type_word(type);
	if (t->type == NULL) {
		r->error = arena_printf(a, "Ghostfolio's type %s is not one "
		    "nestegg knows.", type);
		r->error_field = "type";
		t->type = "";
		return;
	}
	if (strcmp(t->type, "dividend") != 0 && strcmp(t->type, "interest") !=
	    0 && strcmp(t->type, "fee") != 0)
		return;
	/* Cash-only: the amount is quantity x unitPrice, or a fee's fee. */
	if (*t->amount == '\0') {
		int qok = num_parse(t->quantity, NUM_PLAIN, &q, NULL) == NULL;
		int pok = num_parse(t->price, NUM_PLAIN, &p, NULL) == NULL;
		char buf[DEC_BUFSZ];

		if (qok && pok && !dec_is_zero(dec_mul(q, p)))
			t->amount = arena_strdup(a, dec_format(dec_mul(q, p),
			    -1, buf));
		else if (pok && !dec_is_zero(p))
			t->amount = t->price;
		else if (strcmp(t->type, "fee") == 0 && *t->fee) {
			t->amount = t->fee;
			t->fee = "";
		}
	}
	if (strcmp(t->type, "dividend") != 0)
		t->symbol = "";		/* interest and fees: the cash's */
	t->quantity = t->price = "";
}

/*
 * A manual asset bought or sold outside any account (a house, a car:
 * Ghostfolio's valuables) moves no cash: it is brought in or taken out.
 */
static void
gf_valuable(struct import_row *r, const char *account)
{
	if (*account || strcmp(r->hint.source, "manual") != 0 ||
	    r->t.type == NULL)
		return;
	if (strcmp(r->t.type, "buy") == 0)
		r->t.type = "transfer_in";
	else if (strcmp(r->t.type, "sell") == 0)
		r->t.type = "transfer_out";
}

/* JSON values as text: numbers exactly as written, NULL as "". */
static const char *
jtext(struct arena *a, json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return "";
	switch (json_object_get_type(v)) {
	case json_type_string:
		return arena_strdup(a, json_object_get_string(v));
	case json_type_int:
	case json_type_double:
		/* json-c keeps the text of a parsed number. */
		return arena_strdup(a, json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN));
	case json_type_boolean:
		return json_object_get_boolean(v) ? "true" : "false";
	default:
		return "";
	}
}

static int
read_ghostfolio(struct arena *a, const char *text, size_t len,
    struct import_file *f)
{
	json_tokener *tok = json_tokener_new_ex(16);
	json_object *root, *acts, *profiles = NULL;
	size_t n;

	if (tok == NULL) {
		f->error = "Out of memory.";
		return -1;
	}
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (root == NULL || tok->char_offset != (int)len) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		/* Trailing white space is fine; anything else is not. */
		if (root != NULL && e == json_tokener_success) {
			for (size_t i = (size_t)tok->char_offset; i < len; i++)
				if (!isspace((unsigned char)text[i])) {
					json_object_put(root);
					root = NULL;
					break;
				}
		}
		if (root == NULL) {
			f->error = arena_printf(a, "The file is not valid JSON "
			    "(%s, near byte %d).", e == json_tokener_success ?
			    "text after the end" : json_tokener_error_desc(e),
			    tok->char_offset);
			json_tokener_free(tok);
			return -1;
		}
	}
	json_tokener_free(tok);
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "activities", &acts) ||
	    !json_object_is_type(acts, json_type_array)) {
		json_object_put(root);
		f->error = "This JSON is not a Ghostfolio export: it has no "
		    "\"activities\" list.";
		return -1;
	}
	json_object_object_get_ex(root, "assetProfiles", &profiles);
	n = json_object_array_length(acts);
	if (n > IMPORT_MAX_ROWS) {
		json_object_put(root);
		f->error = "Too many activities: import at most 100000 at a "
		    "time.";
		return -1;
	}
	f->rows = arena_alloc(a, (n + 1) * sizeof(*f->rows));
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(acts, i);
		struct import_row *r = imp_new_row(f, n);
		const char *type, *ds, *sub = "", *js;

		r->line = i + 1;
		if (!json_object_is_type(o, json_type_object)) {
			r->raw = "";
			r->error = "This activity is not an object.";
			r->error_field = "activity";
			r->t.date = r->t.type = "";
			continue;
		}
		js = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
		r->raw = arena_strndup(a, js, strnlen(js, 300));
		r->t.date = jtext(a, o, "date");
		r->t.symbol = jtext(a, o, "symbol");
		r->t.quantity = jtext(a, o, "quantity");
		r->t.price = jtext(a, o, "unitPrice");
		r->t.fee = jtext(a, o, "fee");
		r->t.amount = "";
		r->t.currency = jtext(a, o, "currency");
		r->t.note = jtext(a, o, "comment");
		r->t.fx_rate = r->t.counter = "";
		type = jtext(a, o, "type");
		ds = jtext(a, o, "dataSource");
		r->hint.source = gf_source(ds);
		r->hint.currency = r->t.currency;
		r->hint.name = r->t.symbol;
		r->hint.source_symbol = r->t.symbol;
		/* The asset's own profile, where the export has it. */
		if (profiles && json_object_is_type(profiles,
		    json_type_array)) {
			size_t np = json_object_array_length(profiles);

			for (size_t k = 0; k < np; k++) {
				json_object *p = json_object_array_get_idx(
				    profiles, k);

				if (!json_object_is_type(p, json_type_object) ||
				    strcmp(jtext(a, p, "symbol"),
				    r->t.symbol) != 0)
					continue;
				if (*jtext(a, p, "name"))
					r->hint.name = jtext(a, p, "name");
				sub = jtext(a, p, "assetSubClass");
				if (*jtext(a, p, "isin"))
					r->hint.isin = jtext(a, p, "isin");
				break;
			}
		}
		r->hint.kind = gf_kind(sub, r->hint.source);
		gf_activity(a, r, type);
		gf_valuable(r, jtext(a, o, "accountId"));
	}
	json_object_put(root);
	return 0;
}

/* The type of an Interactive Brokers trade, from Buy/Sell or the sign
 * of its quantity. */
static const char *
ibkr_type(const char *bs, const char *qty)
{
	if (strchr(bs, '(') != NULL || strcasestr(bs, "SHORT") != NULL)
		return NULL;		/* cancelled, or short: not a holding */
	if (strncasecmp(bs, "BUY", 3) == 0)
		return "buy";
	if (strncasecmp(bs, "SELL", 4) == 0)
		return "sell";
	if (*bs == '\0' && *qty)
		return *qty == '-' ? "sell" : "buy";
	return NULL;
}

/* An activity statement's trade (rec, under the section's header of
 * nh names) as a flex query's: its columns into cols, its asset
 * category and its date and time ("2024-01-10, 14:30:01") as the flex
 * query writes them. */
static void
activity_trade(struct arena *a, char **hdr, size_t nh,
    struct csv_record *rec, int *cols)
{
	static const struct alias names[] = {
		{ "date/time", R_DATETIME }, { "symbol", R_SYMBOL },
		{ "quantity", R_QUANTITY }, { "t. price", R_PRICE },
		{ "comm/fee", R_FEE }, { "comm in eur", R_FEE },
		{ "currency", R_CURRENCY }, { "asset category", R_CLASS },
		{ NULL, 0 }
	};
	static const char *const classes[][2] = {
		{ "Stocks", "STK" }, { "Forex", "CASH" }, { "Funds", "FUND" },
		{ "Bonds", "BOND" }, { "Crypto", "CRYPTO" },
		{ "Crypto Currency", "CRYPTO" },
	};
	char *c, *comma;

	imp_find_cols(hdr, nh, names, cols);
	if (cols[R_CLASS] >= 0 && (size_t)cols[R_CLASS] < rec->n)
		for (size_t k = 0; k < sizeof(classes) / sizeof(classes[0]);
		    k++)
			if (strcmp(rec->fields[cols[R_CLASS]], classes[k][0]) == 0)
				rec->fields[cols[R_CLASS]] =
				    (char *)classes[k][1];
	if (cols[R_DATETIME] >= 0 && (size_t)cols[R_DATETIME] < rec->n &&
	    (comma = strstr(c = rec->fields[cols[R_DATETIME]], ", ")) != NULL)
		rec->fields[cols[R_DATETIME]] = arena_printf(a, "%.*s %s",
		    (int)(comma - c), c, comma + 2);
}

/* Yahoo's suffix for an Interactive Brokers listing exchange. */
static const char *
ibkr_suffix(const char *ex)
{
	static const struct {
		const char *ex, *suffix;
	} map[] = {
		{ "IBIS", ".DE" }, { "IBIS2", ".DE" }, { "FWB", ".F" },
		{ "LSE", ".L" }, { "LSEETF", ".L" }, { "SBF", ".PA" },
		{ "AEB", ".AS" }, { "EBS", ".SW" }, { "SWX", ".SW" },
		{ "TSE", ".TO" }, { "BVME", ".MI" }, { "BM", ".MC" },
		{ "ASX", ".AX" }, { "SEHK", ".HK" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(ex, map[i].ex) == 0)
			return map[i].suffix;
	return "";
}

/* One flex query trade. */
static void
ibkr_row(struct arena *a, const struct csv_record *rec, const int *cols,
    struct import_row *r)
{
	const char *cls = imp_cell(a, rec, cols, R_CLASS);
	const char *qty = imp_cell(a, rec, cols, R_QUANTITY);
	const char *dt = imp_cell(a, rec, cols, R_DATETIME);
	const char *type = ibkr_type(imp_cell(a, rec, cols, R_TYPE), qty);
	struct tx_text *t = &r->t;

	t->date = *dt ? dt : imp_cell(a, rec, cols, R_DATE);
	t->symbol = imp_cell(a, rec, cols, R_SYMBOL);
	if (*t->symbol == '\0')	/* a flex query of ISINs only */
		t->symbol = imp_cell(a, rec, cols, R_ISIN);
	t->quantity = imp_unsigned(qty);
	t->price = imp_cell(a, rec, cols, R_PRICE);
	t->fee = imp_unsigned(imp_cell(a, rec, cols, R_FEE));
	t->currency = imp_cell(a, rec, cols, R_CURRENCY);
	t->note = imp_cell(a, rec, cols, R_NOTE);
	t->amount = t->fx_rate = t->counter = "";
	t->type = type ? type : "";
	if (type == NULL) {
		r->error = arena_printf(a, "Buy/Sell says %s: only plain BUY "
		    "and SELL are holdings (leave out a cancelled trade and "
		    "the one it cancels).", imp_cell(a, rec, cols, R_TYPE));
		r->error_field = "Buy/Sell";
		return;
	}
	if (strcasecmp(cls, "CASH") == 0) {
		/* A currency trade, EUR.USD: quantity of EUR at price USD. */
		const char *dot = strchr(t->symbol, '.');
		dec q, p;
		char buf[DEC_BUFSZ];

		if (dot == NULL || strlen(dot + 1) != 3 || dot - t->symbol != 3 ||
		    num_parse(t->quantity, NUM_PLAIN, &q, NULL) != NULL ||
		    num_parse(t->price, NUM_PLAIN, &p, NULL) != NULL) {
			r->error = "A currency trade needs a pair like EUR.USD, "
			    "a quantity and a price.";
			r->error_field = "Symbol";
			return;
		}
		t->type = "exchange";
		if (strcmp(type, "buy") == 0) {
			t->currency = arena_strdup(a, dot + 1);
			t->counter = arena_strndup(a, t->symbol, 3);
			t->amount = arena_strdup(a, dec_format(dec_mul(q, p), -1,
			    buf));
			t->quantity = arena_strdup(a, dec_format(q, -1, buf));
		} else {
			t->currency = arena_strndup(a, t->symbol, 3);
			t->counter = arena_strdup(a, dot + 1);
			t->amount = arena_strdup(a, dec_format(q, -1, buf));
			t->quantity = arena_strdup(a, dec_format(dec_mul(q, p),
			    -1, buf));
		}
		t->price = "";
		t->symbol = "";
		return;
	}
	if (*cls && strcasecmp(cls, "STK") != 0 && strcasecmp(cls, "FUND") !=
	    0 && strcasecmp(cls, "BOND") != 0 && strcasecmp(cls, "CRYPTO") !=
	    0 && strcasecmp(cls, "ETF") != 0) {
		r->error = arena_printf(a, "Asset class %s (options, futures, "
		    "...) is not something nestegg values.", cls);
		r->error_field = "AssetClass";
		return;
	}
	r->hint.name = imp_cell(a, rec, cols, R_NAME);
	r->hint.isin = imp_cell(a, rec, cols, R_ISIN);
	r->hint.currency = t->currency;
	r->hint.kind = strcasecmp(cls, "FUND") == 0 ? "fund" :
	    strcasecmp(cls, "BOND") == 0 ? "bond" :
	    strcasecmp(cls, "CRYPTO") == 0 ? "crypto" : "stock";
	r->hint.source = "yahoo";
	/* Yahoo's symbol is the ticker and the exchange's suffix; an ISIN
	 * is none (the user gives it on creating the instrument). */
	r->hint.source_symbol = strcmp(t->symbol, r->hint.isin) == 0 ? "" :
	    arena_printf(a, "%s%s", t->symbol, ibkr_suffix(imp_cell(a, rec,
	    cols, R_EXCHANGE)));
}

/* Adds to f the rows of one Portfolio Performance line; returns 0. */
static void
pp_row(struct arena *a, struct import_file *f, size_t cap,
    const struct csv_record *rec, const int *cols, enum num_style style,
    const char *raw)
{
	struct import_row *r = imp_new_row(f, cap), *x;
	struct tx_text *t = &r->t;
	const char *word = imp_cell(a, rec, cols, R_TYPE), *type;
	const char *value = imp_unsigned(imp_cell(a, rec, cols, R_AMOUNT));
	const char *fees = imp_unsigned(imp_cell(a, rec, cols, R_FEE));
	const char *taxes = imp_unsigned(imp_cell(a, rec, cols, R_TAXES));
	const char *shares = imp_unsigned(imp_cell(a, rec, cols, R_QUANTITY));
	const char *sym = imp_cell(a, rec, cols, R_SYMBOL);
	const char *time = imp_cell(a, rec, cols, R_TIME);
	dec v, fe = DEC_ZERO, tx = DEC_ZERO, q, gross;
	char buf[DEC_BUFSZ];

	r->line = rec->line;
	r->raw = raw;
	t->date = imp_cell(a, rec, cols, R_DATE);
	if (*time)
		t->date = arena_printf(a, "%s %s", t->date, time);
	t->currency = imp_cell(a, rec, cols, R_CURRENCY);
	t->note = imp_cell(a, rec, cols, R_NOTE);
	t->style = style;
	t->symbol = t->quantity = t->price = t->fee = t->amount = "";
	t->fx_rate = t->counter = "";
	r->hint.name = imp_cell(a, rec, cols, R_NAME);
	r->hint.isin = imp_cell(a, rec, cols, R_ISIN);
	r->hint.source = "yahoo";
	r->hint.kind = "stock";
	if (*sym == '\0')
		sym = *r->hint.isin ? r->hint.isin : r->hint.name;
	r->hint.source_symbol = sym;
	type = import_type_word(word);
	if (strcasecmp(word, "Fees Refund") == 0 ||
	    strcasecmp(word, "Gebührenerstattung") == 0 ||
	    strcasecmp(word, "Tax Refund") == 0 ||
	    strcasecmp(word, "Steuerrückerstattung") == 0)
		type = "interest";	/* money back: income */
	else if (strncasecmp(word, "Transfer (In", 12) == 0 ||
	    strncasecmp(word, "Umbuchung (Ein", 14) == 0)
		type = *shares ? "transfer_in" : "deposit";
	else if (strncasecmp(word, "Transfer (Out", 13) == 0 ||
	    strncasecmp(word, "Umbuchung (Aus", 14) == 0)
		type = *shares ? "transfer_out" : "withdrawal";
	t->type = type ? type : "";
	if (type == NULL) {
		r->error = arena_printf(a, "Portfolio Performance's type %s is "
		    "not one nestegg knows.", word);
		r->error_field = "Type";
		return;
	}
	if (num_parse(*value ? value : "0", style, &v, NULL) != NULL ||
	    (*fees && num_parse(fees, style, &fe, NULL) != NULL) ||
	    (*taxes && num_parse(taxes, style, &tx, NULL) != NULL)) {
		r->error = style == NUM_COMMA ? "Value, Fees and Taxes must be "
		    "numbers like 1.234,56." : "Value, Fees and Taxes must be "
		    "numbers like 1,234.56.";
		r->error_field = "Value";
		return;
	}
	if (!strcmp(type, "buy") || !strcmp(type, "sell") ||
	    !strcmp(type, "transfer_in") || !strcmp(type, "transfer_out")) {
		/* Value is what the account paid or got: the price is what
		 * is left per share without fees and taxes. */
		if (num_parse(shares, style, &q, NULL) != NULL ||
		    dec_sign(q) <= 0) {
			r->error = "Shares must be a number above 0.";
			r->error_field = "Shares";
			return;
		}
		gross = (!strcmp(type, "sell") || !strcmp(type, "transfer_out")) ?
		    dec_add(dec_add(v, fe), tx) : dec_sub(dec_sub(v, fe), tx);
		t->symbol = sym;
		t->quantity = arena_strdup(a, dec_format(q, -1, buf));
		t->price = arena_strdup(a, dec_format(dec_div(gross, q), -1,
		    buf));
		t->fee = arena_strdup(a, dec_format(fe, -1, buf));
	} else if (!strcmp(type, "dividend")) {
		/* Value is net of fees and taxes. */
		t->symbol = sym;
		t->amount = arena_strdup(a, dec_format(dec_add(dec_add(v, fe),
		    tx), -1, buf));
		t->fee = arena_strdup(a, dec_format(fe, -1, buf));
	} else if (!strcmp(type, "interest")) {
		t->amount = arena_strdup(a, dec_format(dec_add(dec_add(v, fe),
		    tx), -1, buf));
		t->fee = arena_strdup(a, dec_format(fe, -1, buf));
	} else
		t->amount = arena_strdup(a, dec_format(v, -1, buf));
	t->style = NUM_PLAIN;		/* computed above */
	if (dec_sign(tx) > 0 && strcmp(type, "tax") != 0 &&
	    (x = imp_new_row(f, cap)) != NULL) {
		/* Taxes withheld: a tax of their own, on the same day. */
		*x = *r;
		x->t.type = "tax";
		x->t.quantity = x->t.price = x->t.fee = "";
		x->t.amount = arena_strdup(a, dec_format(tx, -1, buf));
		if (strcmp(type, "interest") == 0)
			x->t.symbol = "";
	}
}

/* Ghostfolio reads dd/MM/yyyy day first, never month first: the date
 * in the form nestegg reads so. */
static const char *
day_first(struct arena *a, const char *d)
{
	int dd, mm, yy, n = 0;

	if (sscanf(d, "%2d/%2d/%4d%n", &dd, &mm, &yy, &n) == 3 && n >= 8 &&
	    d[n] == '\0')
		return arena_printf(a, "%02d.%02d.%04d", dd, mm, yy);
	return d;
}

const char *
imp_date(struct arena *a, enum import_dates order, const char *d)
{
	const char *as = strcasestr(d, " as of ");
	int x, y, z, n = 0;
	char sep;

	if (as != NULL)
		d = arena_strndup(a, d, (size_t)(as - d));
	if (strlen(d) > 4 && strcmp(d + strlen(d) - 4, " UTC") == 0)
		d = arena_strndup(a, d, strlen(d) - 4);
	if (order == DATES_AS_WRITTEN)
		return d;
	if (sscanf(d, "%2d%c%2d%*[./-]%4d%n", &x, &sep, &y, &z, &n) != 4 ||
	    (sep != '.' && sep != '/' && sep != '-') || n < 8)
		return d;		/* as written: ledger_datetime says */
	if (z < 100)
		z += 2000;
	if (order == DATES_MDY) {
		int t = x;

		x = y;
		y = t;
	}
	return arena_printf(a, "%04d-%02d-%02d%s", z, y, x, d + n);
}

/* A generic CSV's numbers, read liberally (imp_number: "$1,234.56",
 * "(5.00)") and written plainly, costs, quantities and amounts by their
 * size (the type says which way they go: brokers write a fee or a sell
 * negative).  Where one is no number, all stay as written, for the
 * message tx_build gives them in the file's style. */
static void
loosen(struct arena *a, struct tx_text *t)
{
	const char **v[5] = { &t->quantity, &t->price, &t->fee, &t->amount,
	    &t->fx_rate };
	const char *out[5];

	for (int i = 0; i < 5; i++) {
		char buf[DEC_BUFSZ];
		dec d;

		if (*v[i] == NULL || text_blank(*v[i])) {
			out[i] = "";
			continue;
		}
		if (imp_number(*v[i], t->style, &d) != 0)
			return;
		out[i] = arena_strdup(a, dec_format(i < 4 ? dec_abs(d) : d, -1,
		    buf));
	}
	for (int i = 0; i < 5; i++)
		*v[i] = out[i];
	t->style = NUM_PLAIN;
}

/* A generic (generic 1) or nestegg row from the columns found. */
static void
plain_row(struct arena *a, const struct csv_record *rec, const int *cols,
    enum num_style style, const struct import_mapping *map,
    struct import_row *r, int ghostfolio, int generic)
{
	const char *every = map ? map->type : NULL;
	struct tx_text *t = &r->t;
	const char *time = imp_cell(a, rec, cols, R_TIME), *word, *type;

	t->date = imp_cell(a, rec, cols, R_DATE);
	if (*time)
		t->date = arena_printf(a, "%s %s", t->date, time);
	t->symbol = csv_text(imp_cell(a, rec, cols, R_SYMBOL));
	t->quantity = imp_cell(a, rec, cols, R_QUANTITY);
	t->price = imp_cell(a, rec, cols, R_PRICE);
	t->fee = imp_cell(a, rec, cols, R_FEE);
	t->amount = imp_cell(a, rec, cols, R_AMOUNT);
	t->currency = imp_cell(a, rec, cols, R_CURRENCY);
	t->fx_rate = imp_cell(a, rec, cols, R_FX);
	t->counter = imp_cell(a, rec, cols, R_COUNTER);
	/* The note is kept as written, spaces and all, but for the ' an
	 * export wrote before a formula's first character. */
	t->note = cols[R_NOTE] >= 0 && (size_t)cols[R_NOTE] < rec->n ?
	    csv_text(rec->fields[cols[R_NOTE]]) : "";
	t->style = style;
	word = imp_cell(a, rec, cols, R_TYPE);
	r->hint.name = imp_cell(a, rec, cols, R_NAME);
	r->hint.isin = imp_cell(a, rec, cols, R_ISIN);
	r->hint.currency = t->currency;
	r->hint.source_symbol = t->symbol;
	if (ghostfolio || cols[R_SOURCE] >= 0) {
		t->date = day_first(a, t->date);
		r->hint.source = gf_source(imp_cell(a, rec, cols, R_SOURCE));
		r->hint.kind = gf_kind("", r->hint.source);
		if (*r->hint.name == '\0')
			r->hint.name = t->symbol;
		t->type = word;
		gf_activity(a, r, word);
		if (cols[R_ACCOUNT] >= 0)
			gf_valuable(r, imp_cell(a, rec, cols, R_ACCOUNT));
		return;
	}
	if (*word == '\0' && every && *every)
		word = every;
	r->word = word;
	type = generic ? import_mapping_word(map, word) : NULL;
	if (type != NULL && strcmp(type, "skip") == 0) {
		r->skip = arena_printf(a, "The mapping skips rows of type "
		    "\"%s\".", word);
		type = NULL;
	} else if (type == NULL)
		type = import_type_word(word);
	t->type = type ? type : word;
	if (generic) {
		t->date = imp_date(a, map ? map->dates : DATES_AS_WRITTEN,
		    t->date);
		loosen(a, t);
	}
}

/* Whether two records hold the same fields. */
static int
same_record(const struct csv_record *x, const struct csv_record *y)
{
	if (x->n != y->n)
		return 0;
	for (size_t k = 0; k < x->n; k++)
		if (strcmp(x->fields[k], y->fields[k]) != 0)
			return 0;
	return 1;
}

/*
 * How many fields each row of csv from record first on must have: as
 * many as its header's n names, or one more where every row has one
 * more and it is empty (a writer that ends each line with a delimiter).
 * A row with any other count has a value missing or one split in two,
 * and each field after it would be read under the wrong column (but
 * for fields under the names a header leaves blank at its end, which
 * a row may leave out: see read_csv).
 */
static size_t
fields_per_row(const struct csv *csv, size_t first, size_t n)
{
	size_t rows = 0;

	for (size_t i = first; i < csv->n; i++) {
		const struct csv_record *rec = &csv->rec[i];

		if ((rec->n == 1 && text_blank(rec->fields[0])) ||
		    same_record(rec, &csv->rec[first - 1]))
			continue;
		if (rec->n != n + 1 || !text_blank(rec->fields[n]))
			return n;
		rows++;
	}
	return rows > 0 ? n + 1 : n;
}

/* Adds the row of a line that does not line up with the header, refused
 * with a message that says so. */
static void
misaligned(struct arena *a, struct import_file *f, size_t cap,
    const struct csv_record *rec, const char *raw, char delim)
{
	struct import_row *r = imp_new_row(f, cap);
	struct tx_text *t = &r->t;

	r->line = rec->line;
	r->raw = raw;
	t->date = t->type = t->symbol = t->quantity = t->price = "";
	t->fee = t->amount = t->currency = t->fx_rate = t->counter = "";
	t->note = "";
	r->error = arena_printf(a, "This line has %zu fields where the first "
	    "line names %zu columns: a value is missing, or one holds a %s "
	    "without quotes around it, so the values would be read under the "
	    "wrong columns.", rec->n, f->nheader, delim == ';' ?
	    "semicolon" : "comma");
}

/* Counts the times s occurs in text (len bytes). */
static size_t
occurs(const char *text, size_t len, const char *s)
{
	size_t n = 0, k = strlen(s);
	const char *p = text, *end = text + len;

	while ((p = memmem(p, (size_t)(end - p), s, k)) != NULL) {
		n++;
		p += k;
	}
	return n;
}

/*
 * Interactive Brokers' "section code and line descriptor" layout: rows
 * "HEADER","TRNT",... and "DATA","TRNT",... of the trades section are
 * kept without those two fields; every other section, and the BOF, BOA,
 * BOS, EOS, EOA and EOF records around them, are left out.
 */
static void
sections(struct csv *csv)
{
	static const char *const marks[] = { "BOF", "BOA", "BOS", "EOS",
	    "EOA", "EOF", NULL };
	size_t k = 0;
	int any = 0;

	for (size_t i = 0; i < csv->n && i < 5; i++)
		if (strcmp(csv->rec[i].fields[0], "HEADER") == 0 ||
		    strcmp(csv->rec[i].fields[0], "BOF") == 0)
			any = 1;
	if (!any)
		return;
	for (size_t i = 0; i < csv->n; i++) {
		struct csv_record *r = &csv->rec[i];

		if (text_in_list(marks, r->fields[0]))
			continue;
		if ((strcmp(r->fields[0], "HEADER") == 0 ||
		    strcmp(r->fields[0], "DATA") == 0) && r->n > 2) {
			if (strcmp(r->fields[1], "TRNT") != 0)
				continue;
			r->fields += 2;
			r->n -= 2;
		}
		csv->rec[k++] = *r;
	}
	csv->n = k;
}

/* How many of header's n cells are not blank. */
static size_t
named_cells(char **h, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += !text_blank(h[i]);
	return k;
}

/*
 * The number style under which every number of csv's rows from record
 * first on reads (quantities, prices, fees, amounts in cols): style when
 * it does, else the other of comma or point decimals when that does
 * ("1.5" fails under comma decimals only where a value has more than
 * one point or a point before fewer than three digits), else style.
 * Detection prefers the reading under which every row parses.
 */
static enum num_style
best_style(const struct csv *csv, size_t first, const int *cols,
    enum num_style style)
{
	static const int roles[] = { R_QUANTITY, R_PRICE, R_FEE, R_AMOUNT,
	    R_TAXES, R_GROSS };
	enum num_style other = style == NUM_COMMA ? NUM_POINT : NUM_COMMA;
	int bad[2] = { 0, 0 };

	for (size_t i = first; i < csv->n; i++) {
		const struct csv_record *rec = &csv->rec[i];

		for (size_t k = 0; k < sizeof(roles) / sizeof(roles[0]); k++) {
			const char *v;
			dec d;

			if (cols[roles[k]] < 0 || (size_t)cols[roles[k]] >= rec->n)
				continue;
			v = rec->fields[cols[roles[k]]];
			if (text_blank(v) || strcmp(v, "-") == 0)
				continue;
			bad[0] += imp_number(v, style, &d) != 0;
			bad[1] += imp_number(v, other, &d) != 0;
		}
	}
	return bad[0] > 0 && bad[1] == 0 ? other : style;
}

/* Whether csv is an Interactive Brokers activity statement: sections
 * of lines "Name,Header,..." and "Name,Data,...". */
static int
is_activity(const struct csv *csv)
{
	return csv->n > 1 && csv->rec[0].n >= 2 &&
	    strcmp(csv->rec[0].fields[0], "Statement") == 0 &&
	    strcmp(csv->rec[0].fields[1], "Header") == 0;
}

/*
 * An Interactive Brokers activity statement: each section's Header line
 * names the columns of the Data lines after it.  Trades (orders only,
 * not their subtotals) are read as a flex query's, with its asset
 * categories' names; the sections of money by their presets
 * (preset_section); totals and every other section left out.
 */
static int
read_activity(struct arena *a, const struct csv *csv, struct import_file *f)
{
	char **hdr = NULL;
	size_t nh = 0, cap = 2 * csv->n + 1;
	const char *sec = "";

	f->format = IF_IBKR_ACTIVITY;
	f->rows = arena_alloc(a, cap * sizeof(*f->rows));
	for (size_t i = 0; i < csv->n; i++) {
		const struct csv_record *in = &csv->rec[i];
		struct csv_record rec;
		const struct preset *pre;
		int cols[R__MAX];

		if (in->n < 3)
			continue;
		if (strcmp(in->fields[1], "Header") == 0) {
			sec = in->fields[0];
			hdr = in->fields + 2;
			nh = in->n - 2;
			continue;
		}
		if (strcmp(in->fields[1], "Data") != 0 || hdr == NULL ||
		    strcmp(in->fields[0], sec) != 0 ||
		    strncmp(in->fields[2], "Total", 5) == 0)
			continue;
		rec.fields = in->fields + 2;
		rec.n = in->n - 2;
		rec.line = in->line;
		if (strcmp(sec, "Trades") == 0) {
			struct import_row *r;

			if (strcmp(rec.fields[0], "Order") != 0 ||
			    (r = imp_new_row(f, cap)) == NULL)
				continue;
			activity_trade(a, hdr, nh, &rec, cols);
			r->line = rec.line;
			r->raw = raw_line(a, in, ',');
			ibkr_row(a, &rec, cols, r);
		} else if ((pre = preset_section(sec)) != NULL) {
			preset_map(pre, hdr, nh, cols);
			preset_row(a, pre, preset_style(pre), f, cap, &rec, cols,
			    raw_line(a, in, ','));
		}
	}
	if (f->n == 0) {
		f->error = "The activity statement holds no trades, dividends, "
		    "interest, fees or cash moves.";
		return -1;
	}
	return 0;
}

/* The header's format: IF_IBKR, IF_PP, IF_GHOSTFOLIO_CSV, IF_NESTEGG or
 * IF_GENERIC. */
static enum import_format
csv_format(char **h, size_t n)
{
	int cols[R__MAX];

	if (imp_has_col(h, n, "tradeprice") && (imp_has_col(h, n, "buy/sell") ||
	    imp_has_col(h, n, "tradedate")))
		return IF_IBKR;
	if ((imp_has_col(h, n, "value") || imp_has_col(h, n, "wert")) &&
	    (imp_has_col(h, n, "type") || imp_has_col(h, n, "typ")) &&
	    (imp_has_col(h, n, "transaction currency") ||
	    imp_has_col(h, n, "buchungswährung") ||
	    imp_has_col(h, n, "security name") || imp_has_col(h, n, "wertpapiername")))
		return IF_PP;
	if (imp_has_col(h, n, "datasource") && (imp_has_col(h, n, "code") ||
	    imp_has_col(h, n, "symbol")) && (imp_has_col(h, n, "action") ||
	    imp_has_col(h, n, "type")))
		return IF_GHOSTFOLIO_CSV;
	/* nestegg's own: a date and a type, and no column it does not
	 * know (a broker's file with a date and a type column holds others,
	 * and its words are the broker's: it gets a mapping). */
	if (imp_find_cols(h, n, nestegg_cols, cols) == (int)named_cells(h, n) &&
	    cols[R_DATE] >= 0 && cols[R_TYPE] >= 0)
		return IF_NESTEGG;
	return IF_GENERIC;
}

/* The names other files give nestegg's fields, in English, German,
 * French, Dutch and Spanish: a mapping's guesses (never nestegg's own
 * format, whose names are nestegg_cols). */
static const struct alias guess_cols[] = {
	{ "datum", R_DATE }, { "fecha", R_DATE }, { "buchungstag", R_DATE },
	{ "handelstag", R_DATE }, { "transaction date", R_DATE },
	{ "typ", R_TYPE }, { "art", R_TYPE }, { "transaktion", R_TYPE },
	{ "buchungsart", R_TYPE }, { "tipo", R_TYPE }, { "soort", R_TYPE },
	{ "omschrijving", R_TYPE }, { "operation", R_TYPE },
	{ "opération", R_TYPE }, { "transaction type", R_TYPE },
	{ "wertpapier", R_SYMBOL }, { "isin", R_SYMBOL }, { "valeur", R_SYMBOL },
	{ "fonds", R_SYMBOL }, { "instrument", R_SYMBOL },
	{ "stück", R_QUANTITY }, { "stueck", R_QUANTITY },
	{ "anzahl", R_QUANTITY }, { "menge", R_QUANTITY },
	{ "quantité", R_QUANTITY }, { "cantidad", R_QUANTITY },
	{ "aantal", R_QUANTITY }, { "títulos", R_QUANTITY },
	{ "kurs", R_PRICE }, { "preis", R_PRICE }, { "prix", R_PRICE },
	{ "cours", R_PRICE }, { "precio", R_PRICE }, { "koers", R_PRICE },
	{ "gebühr", R_FEE }, { "gebühren", R_FEE }, { "provision", R_FEE },
	{ "frais", R_FEE }, { "comisión", R_FEE }, { "comision", R_FEE },
	{ "kosten", R_FEE }, { "transactiekosten", R_FEE },
	{ "betrag", R_AMOUNT }, { "wert", R_AMOUNT }, { "montant", R_AMOUNT },
	{ "importe", R_AMOUNT }, { "bedrag", R_AMOUNT }, { "totaal", R_AMOUNT },
	{ "währung", R_CURRENCY }, { "devise", R_CURRENCY },
	{ "moneda", R_CURRENCY }, { "valuta", R_CURRENCY },
	{ "wechselkurs", R_FX }, { "taux de change", R_FX },
	{ "tipo de cambio", R_FX }, { "wisselkoers", R_FX },
	{ "notiz", R_NOTE }, { "bemerkung", R_NOTE }, { "nota", R_NOTE },
	{ "opmerking", R_NOTE }, { "bezeichnung", R_NAME }, { "nom", R_NAME },
	{ "naam", R_NAME }, { "descripción", R_NAME }, { "product", R_NAME },
	{ NULL, 0 }
};

void
import_mapping_guess(char **header, size_t n, int semicolons,
    struct import_mapping *m)
{
	int cols[R__MAX], more[R__MAX];

	import_mapping_init(m);
	imp_find_cols(header, n, nestegg_cols, cols);
	imp_find_cols(header, n, guess_cols, more);
	for (int i = 0; i < IM__MAX; i++)
		if (cols[i] < 0)
			cols[i] = more[i];
	for (int i = 0; i < IM__MAX; i++)
		m->col[i] = cols[i];
	m->style = semicolons ? NUM_COMMA : NUM_PLAIN;
}

void
import_mapping_init(struct import_mapping *m)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < IM__MAX; i++)
		m->col[i] = -1;
	m->style = NUM_PLAIN;
	m->dates = DATES_AS_WRITTEN;
	m->type = "";
}

static const char *
style_name(enum num_style st)
{
	return st == NUM_COMMA ? "comma" : st == NUM_POINT ? "point" :
	    "plain";
}

char *
import_mapping_format(struct arena *a, const struct import_mapping *m)
{
	json_object *o = json_object_new_object();
	json_object *cols = json_object_new_object();
	json_object *words = json_object_new_object();
	char *out;

	for (int i = 0; i < IM__MAX; i++)
		if (m->col[i] >= 0)
			json_object_object_add(cols, import_field_names[i],
			    json_object_new_int(m->col[i]));
		else if (m->col[i] == -2 && m->colname[i])
			json_object_object_add(cols, import_field_names[i],
			    json_object_new_string(m->colname[i]));
	json_object_object_add(o, "columns", cols);
	json_object_object_add(o, "numbers",
	    json_object_new_string(style_name(m->style)));
	json_object_object_add(o, "dates",
	    json_object_new_string(import_dates_names[m->dates]));
	json_object_object_add(o, "every",
	    json_object_new_string(m->type ? m->type : ""));
	for (size_t i = 0; i < m->nwords; i++)
		json_object_object_add(words, m->words[i].word,
		    json_object_new_string(m->words[i].type));
	json_object_object_add(o, "types", words);
	json_object_object_add(o, "skip_lines",
	    json_object_new_int(m->skip_lines));
	json_object_object_add(o, "footer_lines",
	    json_object_new_int(m->footer_lines));
	out = arena_strdup(a, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return out;
}

/* The field named name (klen bytes), or -1. */
static int
field_of(const char *name, size_t len)
{
	for (int i = 0; i < IM__MAX; i++)
		if (strlen(import_field_names[i]) == len &&
		    strncmp(name, import_field_names[i], len) == 0)
			return i;
	return -1;
}

/* A type a mapping may give: a nestegg type's name or "skip"; the
 * static name, or NULL. */
static const char *
mapped_type(const char *s)
{
	int t;

	if (strcmp(s, "skip") == 0)
		return "skip";
	t = tx_type_parse(s);
	return t >= 0 ? tx_type_names[t] : NULL;
}

/* The older form: "date=2;type=0;...;style=comma;every=buy". */
static const char *
parse_pairs(const char *text, struct import_mapping *m)
{
	const char *p = text;

	while (*p) {
		const char *eq = strchr(p, '='), *end = strchr(p, ';');
		char v[32];
		size_t klen, vlen;
		int f;

		if (end == NULL)
			end = p + strlen(p);
		if (eq == NULL || eq > end)
			return "not a mapping";
		klen = (size_t)(eq - p), vlen = (size_t)(end - eq - 1);
		snprintf(v, sizeof(v), "%.*s", (int)(vlen < 31 ? vlen : 31),
		    eq + 1);
		if ((f = field_of(p, klen)) >= 0) {
			m->col[f] = atoi(v);
			if (m->col[f] < -1 || m->col[f] > 200)
				return "not a mapping";
		} else if (klen == 5 && strncmp(p, "style", 5) == 0)
			m->style = strcmp(v, "comma") == 0 ? NUM_COMMA :
			    strcmp(v, "point") == 0 ? NUM_POINT : NUM_PLAIN;
		else if (klen == 5 && strncmp(p, "every", 5) == 0) {
			const char *t = *v ? mapped_type(v) : "";

			m->type = t && strcmp(t, "skip") != 0 ? t : "";
		} else
			return "not a mapping";
		p = *end ? end + 1 : end;
	}
	return NULL;
}

/* A line count of a mapping: 0 to IMPORT_MAX_SKIP. */
static const char *
line_count(json_object *v, const char *key, int *out)
{
	if (v == NULL)
		return NULL;
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0 ||
	    json_object_get_int64(v) > IMPORT_MAX_SKIP)
		return strcmp(key, "skip_lines") == 0 ? "skip_lines is a "
		    "number of lines from 0 to 50" : "footer_lines is a "
		    "number of lines from 0 to 50";
	*out = (int)json_object_get_int64(v);
	return NULL;
}

static const char *
parse_json(struct arena *a, json_object *o, struct import_mapping *m)
{
	json_object *v;
	const char *why;

	if (!json_object_is_type(o, json_type_object))
		return "the mapping is a JSON object";
	json_object_object_foreach(o, key, val) {
		if (strcmp(key, "columns") != 0 && strcmp(key, "numbers") != 0 &&
		    strcmp(key, "dates") != 0 && strcmp(key, "every") != 0 &&
		    strcmp(key, "types") != 0 && strcmp(key, "skip_lines") != 0 &&
		    strcmp(key, "footer_lines") != 0)
			return arena_printf(a, "the mapping has no \"%s\": it "
			    "has columns, numbers, dates, every, types, "
			    "skip_lines and footer_lines", key);
		(void)val;
	}
	if (json_object_object_get_ex(o, "columns", &v)) {
		if (!json_object_is_type(v, json_type_object))
			return "columns is an object: {\"date\": 0, ...}";
		json_object_object_foreach(v, name, col) {
			int f = field_of(name, strlen(name));

			if (f < 0)
				return arena_printf(a, "columns has no field "
				    "\"%s\": the fields are date, type, symbol, "
				    "quantity, price, fee, amount, currency, "
				    "fx_rate, note and name", name);
			if (json_object_is_type(col, json_type_int) &&
			    json_object_get_int64(col) >= 0 &&
			    json_object_get_int64(col) <= 200)
				m->col[f] = (int)json_object_get_int64(col);
			else if (json_object_is_type(col, json_type_string) &&
			    !text_blank(json_object_get_string(col))) {
				m->col[f] = -2;
				m->colname[f] = arena_strdup(a,
				    json_object_get_string(col));
			} else if (!json_object_is_type(col, json_type_null))
				return arena_printf(a, "columns.%s is a column's "
				    "place (from 0) or its name", name);
		}
	}
	if (json_object_object_get_ex(o, "numbers", &v)) {
		const char *n = json_object_get_string(v);
		int k = -1;

		for (int i = 0; i < 3 && n; i++)
			if (json_object_is_type(v, json_type_string) &&
			    strcmp(n, style_names[i]) == 0)
				k = i;
		if (k < 0)
			return "numbers is plain (1234.56), point (1,234.56) "
			    "or comma (1.234,56)";
		m->style = k == 2 ? NUM_COMMA : k == 1 ? NUM_POINT : NUM_PLAIN;
	}
	if (json_object_object_get_ex(o, "dates", &v)) {
		const char *n = json_object_get_string(v);
		int k = -1;

		for (int i = 0; i < 3 && n; i++)
			if (json_object_is_type(v, json_type_string) &&
			    strcmp(n, import_dates_names[i]) == 0)
				k = i;
		if (k < 0)
			return "dates is auto, dmy (day first) or mdy (month "
			    "first)";
		m->dates = (enum import_dates)k;
	}
	if (json_object_object_get_ex(o, "every", &v) &&
	    !json_object_is_type(v, json_type_null)) {
		const char *t = json_object_get_string(v);

		if (!json_object_is_type(v, json_type_string) ||
		    (*t && ((t = mapped_type(t)) == NULL ||
		    strcmp(t, "skip") == 0)))
			return "every is a transaction type, or \"\"";
		m->type = *t ? t : "";	/* static: the JSON is freed */
	}
	if (json_object_object_get_ex(o, "types", &v)) {
		size_t n = 0;

		if (!json_object_is_type(v, json_type_object))
			return "types is an object: {\"Kauf\": \"buy\", ...}";
		if (json_object_object_length(v) > IMPORT_MAX_WORDS)
			return "types names at most 64 words";
		m->words = arena_alloc(a, ((size_t)json_object_object_length(v) +
		    1) * sizeof(*m->words));
		json_object_object_foreach(v, word, t) {
			const char *type = json_object_is_type(t,
			    json_type_string) ? mapped_type(
			    json_object_get_string(t)) : NULL;

			if (type == NULL)
				return arena_printf(a, "types.%s is a "
				    "transaction type or \"skip\"", word);
			if (text_blank(word) || strlen(word) > 100)
				return "a word of types is 1 to 100 characters";
			m->words[n].word = arena_strdup(a, word);
			m->words[n].type = type;
			n++;
		}
		m->nwords = n;
	}
	if ((why = line_count(json_object_object_get_ex(o, "skip_lines", &v) ?
	    v : NULL, "skip_lines", &m->skip_lines)) != NULL ||
	    (why = line_count(json_object_object_get_ex(o, "footer_lines",
	    &v) ? v : NULL, "footer_lines", &m->footer_lines)) != NULL)
		return why;
	return NULL;
}

const char *
import_mapping_parse(struct arena *a, const char *text,
    struct import_mapping *m)
{
	const char *why;

	import_mapping_init(m);
	while (isspace((unsigned char)*text))
		text++;
	if (*text == '{') {
		json_tokener *tok = json_tokener_new();
		json_object *o = json_tokener_parse_ex(tok, text,
		    (int)strlen(text));
		int whole = json_tokener_get_error(tok) == json_tokener_success &&
		    (size_t)json_tokener_get_parse_end(tok) == strlen(text);

		json_tokener_free(tok);
		if (o == NULL || !whole) {
			json_object_put(o);
			return "the mapping is not valid JSON";
		}
		why = parse_json(a, o, m);
		json_object_put(o);
	} else
		why = parse_pairs(text, m);
	if (why == NULL && m->col[IM_DATE] == -1)
		why = "the mapping names no date column";
	if (why == NULL && m->col[IM_TYPE] == -1 && *m->type == '\0')
		why = "the mapping names no type column, and no type for every "
		    "row (every)";
	if (why != NULL)
		import_mapping_init(m);
	return why;
}

const char *
import_mapping_word(const struct import_mapping *m, const char *word)
{
	size_t len;

	while (isspace((unsigned char)*word))
		word++;
	len = strlen(word);
	while (len > 0 && isspace((unsigned char)word[len - 1]))
		len--;
	for (size_t i = 0; m && i < m->nwords; i++)
		if (strlen(m->words[i].word) == len &&
		    strncasecmp(m->words[i].word, word, len) == 0)
			return m->words[i].type;
	return NULL;
}

/* Whether d is a date written with slashes whose first two numbers
 * could each be the day or the month: 0 neither, 1 only day first,
 * 2 only month first, 3 either. */
static int
date_orders(const char *d)
{
	int x, y, z, n = 0, dm, md;

	if (sscanf(d, "%2d/%2d/%4d%n", &x, &y, &z, &n) != 3 || n < 8)
		return 0;
	dm = x >= 1 && x <= 31 && y >= 1 && y <= 12;
	md = y >= 1 && y <= 31 && x >= 1 && x <= 12;
	return x == y ? 0 : dm | md << 1;
}

/* A generic CSV's dates written dd/mm or mm/dd: where a date says which
 * (13/01/2024) and none says otherwise, every date is read so; where
 * none says, f->dates_open (the mapping is to say). */
static void
settle_dates(struct arena *a, struct import_file *f)
{
	int can = 3, open = 0;

	for (size_t i = 0; i < f->n; i++) {
		int o = date_orders(f->rows[i].t.date);

		if (o == 0)
			continue;
		can &= o;
		open |= o == 3;
	}
	if (!open)
		return;
	if (can == 3) {
		f->dates_open = 1;
		return;
	}
	for (size_t i = 0; can != 0 && i < f->n; i++)
		f->rows[i].t.date = imp_date(a, can == 1 ? DATES_DMY :
		    DATES_MDY, f->rows[i].t.date);
}

static int
read_csv(struct arena *a, const char *text, size_t len,
    enum import_format format, const struct import_mapping *map,
    struct import_file *f)
{
	struct csv csv;
	const char *why;
	size_t line, cap, hdr = 0, width, least;
	int cols[R__MAX], semis;
	const struct preset *pre;
	const char *semi, *comma;
	enum num_style style = NUM_PLAIN;
	char delim;

	if (occurs(text, len, "\n") > 2 * (size_t)IMPORT_MAX_ROWS + 10) {
		f->error = "Too many lines: import at most 100000 transactions "
		    "at a time.";
		return -1;
	}
	if ((why = csv_parse(a, text, len, &csv, &line)) != NULL) {
		f->error = why;
		f->error_line = line;
		return -1;
	}
	if (csv.n == 0) {
		f->error = "The file is empty: the first line names the "
		    "columns (date,type,symbol,quantity,price,...).";
		f->error_line = 1;
		return -1;
	}
	if (csv.n - 1 > IMPORT_MAX_ROWS) {
		f->error = "Too many lines: import at most 100000 transactions "
		    "at a time.";
		f->error_line = 1;
		return -1;
	}
	if (is_activity(&csv) && (format == IF_AUTO ||
	    format == IF_IBKR_ACTIVITY))
		return read_activity(a, &csv, f);
	sections(&csv);
	if (csv.n == 0) {
		f->error = "The file holds no trades.";
		return -1;
	}
	/* A preset's header may come after lines of its own (a title, the
	 * account); Interactive Brokers' too. */
	f->top = arena_alloc(a, IMPORT_TOP * sizeof(*f->top));
	for (size_t i = 0; i < csv.n && i < IMPORT_TOP; i++) {
		f->top[i].fields = csv.rec[i].fields;
		f->top[i].n = csv.rec[i].n;
		f->top[i].line = csv.rec[i].line;
		f->ntop++;
	}
	pre = format == IF_AUTO || preset_of(format) ? preset_header(&csv,
	    &hdr) : NULL;
	if (pre == NULL && format == IF_GENERIC && map &&
	    (map->skip_lines > 0 || map->footer_lines > 0)) {
		/* The lines the mapping leaves out, before and after. */
		size_t end = csv.n;

		hdr = 0;
		while (hdr < csv.n && csv.rec[hdr].line <= (size_t)map->skip_lines)
			hdr++;
		while (end > hdr && csv.rec[end - 1].n == 1 &&
		    text_blank(csv.rec[end - 1].fields[0]))
			end--;
		end = end - hdr > (size_t)map->footer_lines ?
		    end - (size_t)map->footer_lines : hdr + 1;
		if (hdr >= csv.n) {
			f->error = "The mapping leaves out every line of the "
			    "file.";
			f->error_line = 1;
			return -1;
		}
		csv.n = end;
	} else if (pre == NULL) {
		hdr = 0;
		while (hdr + 1 < csv.n && csv.rec[hdr].n <= 2 &&
		    csv.rec[hdr + 1].n > 2)
			hdr++;
	}
	f->header = csv.rec[hdr].fields;
	f->nheader = csv.rec[hdr].n;
	semi = memchr(text, ';', len);
	comma = memchr(text, ',', len);
	semis = semi != NULL && (comma == NULL || semi < comma);
	delim = semis ? ';' : ',';
	if (format == IF_AUTO)
		format = pre ? preset_format(pre) : csv_format(f->header,
		    f->nheader);
	else if (pre != NULL && preset_of(format) != pre)
		pre = NULL;	/* named, and not what the header is */
	f->format = format;
	if (preset_of(format) != NULL) {
		if (pre == NULL) {
			f->error = arena_printf(a, "This is not a %s export: no "
			    "line names its columns.",
			    import_format_titles[format]);
			f->error_line = 1;
			return -1;
		}
		why = preset_cols(pre, f->header, f->nheader, cols);
		style = best_style(&csv, hdr + 1, cols, preset_style(pre));
		format = IF_AUTO;	/* read by the preset, below */
	} else
	switch (format) {
	case IF_IBKR:
		imp_find_cols(f->header, f->nheader, ibkr_cols, cols);
		if (cols[R_DATE] < 0 && cols[R_DATETIME] < 0)
			why = "TradeDate";
		else if (cols[R_SYMBOL] < 0 && cols[R_ISIN] < 0)
			why = "Symbol";
		else if (cols[R_QUANTITY] < 0)
			why = "Quantity";
		else if (cols[R_PRICE] < 0)
			why = "TradePrice";
		break;
	case IF_PP:
		imp_find_cols(f->header, f->nheader, pp_cols, cols);
		/* Either delimiter with either decimal style. */
		style = best_style(&csv, hdr + 1, cols, semis ? NUM_COMMA :
		    NUM_POINT);
		why = cols[R_DATE] < 0 ? "Date" : cols[R_TYPE] < 0 ? "Type" :
		    cols[R_AMOUNT] < 0 ? "Value" : NULL;
		break;
	case IF_GENERIC:
		if (map == NULL) {
			f->needs_mapping = 1;
			f->error = "Choose which column holds what: the file's "
			    "columns are not nestegg's.";
			return -1;
		}
		for (int r = 0; r < R__MAX; r++)
			cols[r] = r < IM__MAX ? map->col[r] : -1;
		style = map->style;
		for (int r = 0; r < IM__MAX; r++) {
			if (cols[r] >= (int)f->nheader)
				cols[r] = -1;
			if (cols[r] != -2)
				continue;
			for (size_t c = 0; c < f->nheader && cols[r] == -2; c++)
				if (strcasecmp(trimmed(a, f->header[c]),
				    trimmed(a, map->colname[r])) == 0)
					cols[r] = (int)c;
			if (cols[r] == -2) {
				f->error = arena_printf(a, "The mapping's %s "
				    "column \"%s\" is not in the file's "
				    "header.", import_field_names[r],
				    map->colname[r]);
				f->error_line = csv.rec[hdr].line;
				return -1;
			}
		}
		why = cols[R_DATE] < 0 ? "date" : cols[R_TYPE] < 0 &&
		    (map->type == NULL || *map->type == '\0') ? "type" : NULL;
		break;
	default:
		imp_find_cols(f->header, f->nheader, nestegg_cols, cols);
		why = cols[R_DATE] < 0 ? "date" : cols[R_TYPE] < 0 ? "type" :
		    NULL;
		break;
	}
	if (why != NULL) {
		f->error = arena_printf(a, "The first line must name the "
		    "columns; the %s column is missing.", why);
		f->error_line = csv.rec[hdr].line;
		return -1;
	}
	cap = 2 * (csv.n - hdr) + 1;
	f->rows = arena_alloc(a, cap * sizeof(*f->rows));
	width = fields_per_row(&csv, hdr + 1, f->nheader);
	/* Columns the header leaves unnamed at its end (it ends with a
	 * delimiter) may be left out of a row: nothing is read there. */
	least = f->nheader;
	while (least > 1 && text_blank(f->header[least - 1]))
		least--;
	for (size_t i = hdr + 1; i < csv.n; i++) {
		const struct csv_record *rec = &csv.rec[i];
		const char *raw = raw_line(a, rec, delim);
		struct import_row *r;

		/* A header repeated (one section per account) is no row. */
		if (same_record(rec, &csv.rec[hdr]) ||
		    (rec->n == 1 && text_blank(rec->fields[0])))
			continue;
		if (pre != NULL && preset_footer(pre, rec))
			continue;
		if (rec->n != width && (rec->n < least || rec->n > f->nheader)) {
			misaligned(a, f, cap, rec, raw, delim);
			continue;
		}
		if (pre != NULL) {
			preset_row(a, pre, style, f, cap, rec, cols, raw);
			continue;
		}
		if (format == IF_PP) {
			pp_row(a, f, cap, rec, cols, style, raw);
			continue;
		}
		r = imp_new_row(f, cap);
		r->line = rec->line;
		r->raw = raw;
		if (format == IF_IBKR)
			ibkr_row(a, rec, cols, r);
		else
			plain_row(a, rec, cols, style, map, r,
			    format == IF_GHOSTFOLIO_CSV, format == IF_GENERIC);
	}
	if (format == IF_GENERIC && map->dates == DATES_AS_WRITTEN)
		settle_dates(a, f);
	return 0;
}

/* Whether s is empty or a number equal to 0 as style writes it. */
static int
zero_or_none(const char *s, enum num_style style)
{
	dec d;

	if (s == NULL || text_blank(s))
		return 1;
	return num_parse(s, style, &d, NULL) == NULL && dec_is_zero(d);
}

/* Marks the rows of f that record nothing: a trade or a transfer of
 * quantity 0 at price 0 with no amount, or money of amount 0; a row
 * with a problem of its own keeps it. */
static void
skip_empty(struct import_file *f)
{
	static const char *const trades[] = { "buy", "sell", "transfer_in",
	    "transfer_out", NULL };
	static const char *const money[] = { "dividend", "interest", "fee",
	    "tax", "deposit", "withdrawal", NULL };

	for (size_t i = 0; i < f->n; i++) {
		struct import_row *r = &f->rows[i];
		const struct tx_text *t = &r->t;

		if (r->error || t->type == NULL)
			continue;
		if (text_in_list(trades, t->type) && zero_or_none(t->quantity,
		    t->style) && zero_or_none(t->price, t->style) &&
		    zero_or_none(t->amount, t->style) &&
		    !text_blank(t->quantity ? t->quantity : ""))
			r->skip = "A trade of 0 shares at 0 records nothing.";
		else if (text_in_list(money, t->type) && t->amount &&
		    !text_blank(t->amount) && zero_or_none(t->amount,
		    t->style) && zero_or_none(t->quantity, t->style))
			r->skip = "An amount of 0 records nothing.";
	}
}

/* The state of reading a flex query's XML. */
struct flex {
	struct arena *a;
	struct import_file *f;
	size_t cap;
	XML_Parser p;
	int stop;		/* a DOCTYPE: not read further */
};

/* expat: a Trade or a CashTransaction element is one row (or two, with
 * a tax): its attributes are read as a CSV line whose header is their
 * names, by the flex query's trades or cash transactions. */
static void XMLCALL
flex_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct flex *x = ud;
	struct csv_record rec;
	char **names;
	size_t n = 0;
	int trade = strcmp(name, "Trade") == 0, cols[R__MAX];
	const char *raw;
	struct import_row *r;

	if (!trade && strcmp(name, "CashTransaction") != 0)
		return;
	while (atts[2 * n])
		n++;
	names = arena_alloc(x->a, (n + 1) * sizeof(*names));
	rec.fields = arena_alloc(x->a, (n + 1) * sizeof(*rec.fields));
	for (size_t i = 0; i < n; i++) {
		names[i] = arena_strdup(x->a, atts[2 * i]);
		rec.fields[i] = arena_strdup(x->a, atts[2 * i + 1]);
	}
	rec.n = n;
	rec.line = (size_t)XML_GetCurrentLineNumber(x->p);
	raw = arena_printf(x->a, "<%s>", name);
	if (!trade) {
		const struct preset *pre = preset_of(IF_IBKR_CASH);

		preset_map(pre, names, n, cols);
		preset_row(x->a, pre, preset_style(pre), x->f, x->cap, &rec,
		    cols, raw);
		return;
	}
	if ((r = imp_new_row(x->f, x->cap)) == NULL)
		return;
	imp_find_cols(names, n, ibkr_cols, cols);
	r->line = rec.line;
	r->raw = raw;
	ibkr_row(x->a, &rec, cols, r);
}

/* expat: a document type declaration stops the parse (no entities). */
static void XMLCALL
flex_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int has_internal_subset)
{
	struct flex *x = ud;

	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	x->stop = 1;
	XML_StopParser(x->p, XML_FALSE);
}

/* An Interactive Brokers flex query as XML: its trades and its cash
 * transactions.  0, or -1 with f->error set. */
static int
read_flex(struct arena *a, const char *text, size_t len,
    struct import_file *f)
{
	struct flex x = { a, f, 0, NULL, 0 };
	size_t n;

	f->format = IF_IBKR_XML;
	if (memmem(text, len, "<FlexQueryResponse", 18) == NULL) {
		f->error = "This XML is not an Interactive Brokers flex query "
		    "(FlexQueryResponse); nestegg reads no other XML.";
		return -1;
	}
	n = occurs(text, len, "<Trade ") + occurs(text, len,
	    "<CashTransaction ");
	if (n > IMPORT_MAX_ROWS) {
		f->error = "Too many transactions: import at most 100000 at a "
		    "time.";
		return -1;
	}
	x.cap = 2 * n + 1;
	f->rows = arena_alloc(a, x.cap * sizeof(*f->rows));
	if ((x.p = XML_ParserCreate(NULL)) == NULL) {
		f->error = "Out of memory.";
		return -1;
	}
	XML_SetUserData(x.p, &x);
	XML_SetStartElementHandler(x.p, flex_start);
	XML_SetStartDoctypeDeclHandler(x.p, flex_doctype);
	if (XML_Parse(x.p, text, (int)len, 1) != XML_STATUS_OK || x.stop) {
		f->error = x.stop ? "A flex query has no DOCTYPE." :
		    arena_printf(a, "The file is not valid XML: %s at line %lu.",
		    XML_ErrorString(XML_GetErrorCode(x.p)),
		    (unsigned long)XML_GetCurrentLineNumber(x.p));
		f->error_line = (size_t)XML_GetCurrentLineNumber(x.p);
		XML_ParserFree(x.p);
		return -1;
	}
	XML_ParserFree(x.p);
	if (f->n == 0) {
		f->error = "The flex query holds no trades or cash transactions.";
		return -1;
	}
	return 0;
}

int
import_read(struct arena *a, const char *text, size_t len,
    enum import_format format, const struct import_mapping *map,
    struct import_file *out)
{
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	if (len > IMPORT_MAX_BYTES) {
		out->error = "The file is too large: import at most 16 MB at a "
		    "time.";
		return -1;
	}
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	if (i == len) {
		out->error = "The file is empty.";
		return -1;
	}
	if (format == IF_GHOSTFOLIO || (format == IF_AUTO && text[i] == '{')) {
		out->format = IF_GHOSTFOLIO;
		if (memchr(text, '\0', len) != NULL || !utf8_valid(text, len)) {
			out->error = "The file is not UTF-8 text.";
			return -1;
		}
		if (read_ghostfolio(a, text + i, len - i, out) != 0)
			return -1;
	} else if (format == IF_IBKR_XML || (format == IF_AUTO &&
	    text[i] == '<')) {
		if (memchr(text, '\0', len) != NULL || !utf8_valid(text, len)) {
			out->error = "The file is not UTF-8 text.";
			return -1;
		}
		if (read_flex(a, text + i, len - i, out) != 0)
			return -1;
	} else if (read_csv(a, text, len, format, map, out) != 0)
		return -1;
	skip_empty(out);
	return 0;
}
