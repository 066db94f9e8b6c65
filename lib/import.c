/*
 * import.c - CSV import and export (see import.h).
 */
#include "import.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "csv.h"

enum col {
	C_DATE, C_TYPE, C_SYMBOL, C_QUANTITY, C_PRICE, C_FEE, C_AMOUNT,
	C_CURRENCY, C_FX, C_NOTE, C__MAX
};

static const struct {
	const char *name;
	enum col col;
} aliases[] = {
	{ "date", C_DATE }, { "trade date", C_DATE }, { "datetime", C_DATE },
	{ "tradedate", C_DATE }, { "code", C_SYMBOL }, { "ccy", C_CURRENCY },
	{ "qty", C_QUANTITY },
	{ "type", C_TYPE }, { "action", C_TYPE },
	{ "symbol", C_SYMBOL }, { "ticker", C_SYMBOL },
	{ "quantity", C_QUANTITY }, { "shares", C_QUANTITY },
	{ "units", C_QUANTITY },
	{ "price", C_PRICE }, { "unitprice", C_PRICE },
	{ "unit price", C_PRICE },
	{ "fee", C_FEE }, { "fees", C_FEE }, { "commission", C_FEE },
	{ "amount", C_AMOUNT }, { "total", C_AMOUNT },
	{ "currency", C_CURRENCY },
	{ "fx_rate", C_FX }, { "fxrate", C_FX }, { "exchange rate", C_FX },
	{ "note", C_NOTE }, { "notes", C_NOTE }, { "comment", C_NOTE },
};

static int
header_col(const char *h)
{
	char name[64];
	size_t n = 0;

	while (isspace((unsigned char)*h))
		h++;
	for (; *h && n < sizeof(name) - 1; h++)
		name[n++] = (char)tolower((unsigned char)*h);
	while (n > 0 && isspace((unsigned char)name[n - 1]))
		n--;
	name[n] = '\0';
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(name, aliases[i].name) == 0)
			return (int)aliases[i].col;
	return -1;		/* dataSource, account, ...: not needed */
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

static void
add_error(struct arena *a, struct import_result *res, size_t line,
    const char *fmt, const char *arg)
{
	if (res->nerrors < IMPORT_MAX_ERRORS) {
		res->errors[res->nerrors].line = line;
		res->errors[res->nerrors].reason = arena_printf(a, fmt, arg);
	}
	res->nerrors++;
}

static void
add_unknown(struct arena *a, struct import_result *res, const char *sym)
{
	for (size_t i = 0; i < res->nunknown; i++)
		if (strcasecmp(res->unknown[i], sym) == 0)
			return;
	if (res->nunknown < IMPORT_MAX_ERRORS)
		res->unknown[res->nunknown++] = arena_strdup(a, sym);
}

/* Fills what Ghostfolio's exports leave to quantity x unitPrice. */
static void
ghostfolio_amounts(struct arena *a, struct tx_text *t)
{
	int cash_only = strcasecmp(t->type, "fee") == 0 ||
	    strcasecmp(t->type, "interest") == 0 ||
	    strcasecmp(t->type, "tax") == 0;
	dec q, p;

	if (!cash_only || *t->amount)
		return;
	if (*t->quantity && *t->price && dec_parse(t->quantity, &q) == 0 &&
	    dec_parse(t->price, &p) == 0 && !dec_is_zero(dec_mul(q, p))) {
		char buf[DEC_BUFSZ];

		t->amount = arena_strdup(a, dec_format(dec_mul(q, p), -1, buf));
	} else if (strcasecmp(t->type, "fee") == 0 && *t->fee) {
		t->amount = t->fee;
		t->fee = "";
	}
	t->quantity = t->price = "";
}

int
import_csv(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct fx_table *fx, const char *text, size_t len,
    struct import_result *res)
{
	int cols[C__MAX];
	struct csv csv;
	struct tx *txs;
	const char **notes;
	const char *why;
	size_t line, n = 0, bad;
	char msg[256];
	int rc;

	memset(res, 0, sizeof(*res));
	res->errors = arena_alloc(a, IMPORT_MAX_ERRORS * sizeof(*res->errors));
	res->unknown = arena_alloc(a, IMPORT_MAX_ERRORS *
	    sizeof(*res->unknown));
	if ((why = csv_parse(a, text, len, &csv, &line)) != NULL) {
		add_error(a, res, line, "%s", why);
		return 1;
	}
	if (csv.n == 0) {
		add_error(a, res, 1, "%s", "The file is empty: the first line "
		    "names the columns (date,type,symbol,quantity,price,...).");
		return 1;
	}
	if (csv.n - 1 > IMPORT_MAX_ROWS) {
		add_error(a, res, 1, "%s", "Too many lines: import at most "
		    "100000 transactions at a time.");
		return 1;
	}
	for (int c = 0; c < C__MAX; c++)
		cols[c] = -1;
	for (size_t i = 0; i < csv.rec[0].n; i++) {
		int c = header_col(csv.rec[0].fields[i]);

		if (c >= 0 && cols[c] < 0)
			cols[c] = (int)i;
	}
	if (cols[C_DATE] < 0 || cols[C_TYPE] < 0) {
		add_error(a, res, csv.rec[0].line, "%s", "The first line must "
		    "name the columns, with at least date and type.");
		return 1;
	}
	txs = arena_alloc(a, csv.n * sizeof(*txs));
	notes = arena_alloc(a, csv.n * sizeof(*notes));
	for (size_t r = 1; r < csv.n; r++) {
		const struct csv_record *rec = &csv.rec[r];
		const char *v[C__MAX], *field;
		struct tx_text t;
		int dberr;

		/* Every field is trimmed but the note, kept as written. */
		for (int c = 0; c < C__MAX; c++)
			v[c] = cols[c] < 0 || (size_t)cols[c] >= rec->n ? "" :
			    c == C_NOTE ? rec->fields[cols[c]] :
			    trimmed(a, rec->fields[cols[c]]);
		t.date = v[C_DATE], t.type = v[C_TYPE], t.symbol = v[C_SYMBOL];
		t.quantity = v[C_QUANTITY], t.price = v[C_PRICE];
		t.fee = v[C_FEE], t.amount = v[C_AMOUNT];
		t.currency = v[C_CURRENCY], t.fx_rate = v[C_FX];
		t.note = v[C_NOTE];
		ghostfolio_amounts(a, &t);
		why = tx_parse(d, a, pf, &t, fx, &txs[n], &field, &dberr);
		if (dberr)
			return -1;
		if (why != NULL) {
			if (strcmp(field, "symbol") == 0 && *t.symbol &&
			    strncmp(why, "Unknown", 7) == 0) {
				add_unknown(a, res, t.symbol);
				add_error(a, res, rec->line, "unknown symbol %s",
				    t.symbol);
			} else
				add_error(a, res, rec->line, arena_printf(a,
				    "%s: %%s", field), why);
			continue;
		}
		notes[n++] = t.note;
	}
	if (res->nerrors > 0)
		return 1;
	rc = pf_tx_import(d, a, pf, txs, notes, n, msg, sizeof(msg), &bad);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		/* n transactions came from lines 2.. in order, skipping
		 * none (no errors), so the line is the record's. */
		add_error(a, res, bad < n ? csv.rec[bad + 1].line : 0, "%s",
		    msg);
		return 1;
	}
	res->imported = n;
	return 0;
}

/* Appends a CSV field, quoted when it needs to be. */
static void
csv_field(struct buf *out, const char *s, int last)
{
	if (s == NULL)
		s = "";
	if (strpbrk(s, ",\"\r\n;") != NULL || (*s && (isspace((unsigned char)
	    *s) || isspace((unsigned char)s[strlen(s) - 1])))) {
		buf_putc(out, '"');
		for (; *s; s++) {
			if (*s == '"')
				buf_putc(out, '"');
			buf_putc(out, *s);
		}
		buf_putc(out, '"');
	} else
		buf_puts(out, s);
	buf_puts(out, last ? "\r\n" : ",");
}

int
export_csv(struct db *d, struct arena *a, const struct portfolio *pf,
    struct buf *out)
{
	/* The owner's own symbols, so that importing it gives the same. */
	static const char q[] = "SELECT DATE_FORMAT(t.date, '%Y-%m-%d'), "
	    "t.type, COALESCE(us.symbol, i.symbol), t.quantity, t.price, "
	    "t.fee, t.amount, t.currency, t.fx_rate, t.note FROM transactions t "
	    "LEFT JOIN instruments i ON i.id = t.instrument_id "
	    "LEFT JOIN user_symbols us ON us.user_id = ? "
	    "AND us.instrument_id = i.id "
	    "WHERE t.portfolio_id = ? ORDER BY t.date, t.id";
	struct dbres r;

	if (db_exec(d, a, &r, q, "ii", pf->user_id, pf->id) != 0)
		return -1;
	buf_puts(out, "date,type,symbol,quantity,price,fee,amount,currency,"
	    "fx_rate,note\r\n");
	for (size_t i = 0; i < r.nrows; i++) {
		for (size_t c = 0; c < 10; c++) {
			const char *v = db_val(&r, i, c);
			char buf[DEC_BUFSZ];
			dec x;

			/* Decimals as short as they are exact. */
			if (c >= 3 && c <= 8 && c != 7 && v != NULL &&
			    dec_parse(v, &x) == 0)
				v = dec_format(x, -1, buf);
			csv_field(out, v, c == 9);
		}
	}
	return 0;
}
