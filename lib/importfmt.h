/*
 * importfmt.h - reading the files people bring into transaction rows.
 * Pure code: no database, no I/O.
 *
 * Formats, recognised from the content (or named):
 *   nestegg      nestegg's own CSV (date,type,symbol,quantity,price,...)
 *   ghostfolio   Ghostfolio's JSON export ("activities")
 *   ghostfolio-csv  Ghostfolio's CSV (Date,Code,DataSource,Action,...)
 *   ibkr         Interactive Brokers' flex query trades (TradeDate,
 *                Buy/Sell, TradePrice, IBCommission, CurrencyPrimary)
 *   pp           Portfolio Performance's CSV of account or portfolio
 *                transactions, English or German
 *   generic      any CSV, through a column mapping
 * and the presets of importpre.c, brokers' and trackers' exports
 * recognised by their headers (wealthfolio, trading212, revolut,
 * schwab, freetrade, scalable, parqet, etoro, bux, coinbase, xtb,
 * degiro, traderepublic, pp-export, ibkr-cash).
 * Each row keeps where it came from and what the file says about its
 * instrument, so that an unknown symbol can be created from it.
 */
#ifndef NESTEGG_IMPORTFMT_H
#define NESTEGG_IMPORTFMT_H

#include <stddef.h>

#include "arena.h"
#include "portfolio.h"

#define IMPORT_MAX_BYTES (16u << 20)	/* 16 MiB */
#define IMPORT_MAX_ROWS 100000

enum import_format {
	IF_AUTO, IF_NESTEGG, IF_GHOSTFOLIO, IF_GHOSTFOLIO_CSV, IF_IBKR, IF_PP,
	IF_GENERIC,
	/* Presets (importpre.c): brokers' and trackers' exports. */
	IF_WEALTHFOLIO, IF_TRADING212, IF_REVOLUT, IF_SCHWAB, IF_FREETRADE,
	IF_SCALABLE, IF_PARQET, IF_ETORO, IF_BUX, IF_COINBASE, IF_XTB,
	IF_DEGIRO, IF_TRADEREPUBLIC, IF_PP_EXPORT,
	IF_IBKR_CASH, IF_DEGIRO_ACCOUNT, IF_IBKR_XML,
	IF_IBKR_ACTIVITY,
	IF__MAX
};

/* "auto", "nestegg", ... indexed by enum import_format, and what to call
 * them on a page. */
extern const char *const import_format_names[IF__MAX];
extern const char *const import_format_titles[IF__MAX];

/* The format named s, or -1. */
int import_format_parse(const char *s);

/* What the file says about a row's instrument ("" where it says
 * nothing): enough to offer to create it. */
struct import_hint {
	const char *name, *kind, *currency, *source, *source_symbol, *isin;
	/* Its latest trade's price in the file, and when ("YYYY-MM-DD
	 * HH:MM:SS"): an instrument priced by hand starts there.  Set by
	 * import_run(), "" until then. */
	const char *price, *date;
};

struct import_row {
	size_t line;		/* where it starts: CSV line, or activity # */
	const char *raw;	/* the line as written, for messages */
	struct tx_text t;
	struct import_hint hint;
	const char *error;	/* a problem the format itself sees, or NULL */
	const char *error_field;
	const char *skip;	/* why the row records nothing, or NULL */
	const char *word;	/* a generic CSV's type word, as written */
};

/*
 * A generic CSV's mapping: for each field of a transaction the column
 * that holds it (-1: none), how numbers and dates are written, the type
 * of every row when no column says, what each of the type column's
 * words means, and the lines around the rows to leave out.
 */
enum import_field {
	IM_DATE, IM_TYPE, IM_SYMBOL, IM_QUANTITY, IM_PRICE, IM_FEE, IM_AMOUNT,
	IM_CURRENCY, IM_FX, IM_NOTE, IM_NAME, IM__MAX
};
extern const char *const import_field_names[IM__MAX];

/* How a file writes a date whose day and month could be either
 * (03/04/2024): as written (nestegg asks when it cannot tell), or day
 * first, or month first. */
enum import_dates { DATES_AS_WRITTEN, DATES_DMY, DATES_MDY };
extern const char *const import_dates_names[3];	/* "auto", "dmy", "mdy" */

/* A file's word for a type and what it means: a nestegg type's name, or
 * "skip" (its rows record nothing and are skipped). */
struct import_word {
	const char *word, *type;
};

#define IMPORT_MAX_WORDS 64	/* words a mapping names */
#define IMPORT_MAX_SKIP 50	/* lines left out before or after */

struct import_mapping {
	int col[IM__MAX];
	/* A column named rather than counted (the API's "date": "Datum"):
	 * col[] is -2 and the header's first cell so named is meant. */
	const char *colname[IM__MAX];
	enum num_style style;
	enum import_dates dates;
	const char *type;	/* a type for every row, or "" */
	struct import_word *words;	/* the type column's words */
	size_t nwords;
	int skip_lines;		/* lines before the header */
	int footer_lines;	/* lines after the last row */
};

/* A mapping of no columns (every col -1), numbers plain, dates as
 * written. */
void import_mapping_init(struct import_mapping *m);

/*
 * The mapping as JSON, the form nestegg stores and its API takes:
 *   {"columns": {"date": 0, "type": "Typ", ...}, "numbers": "plain" |
 *    "point" | "comma", "dates": "auto" | "dmy" | "mdy", "every": "buy",
 *    "types": {"Kauf": "buy", "Storno": "skip"}, "skip_lines": 0,
 *    "footer_lines": 0}
 * a column by its place (from 0) or by its header's name.
 * import_mapping_format() writes it (memory from a);
 * import_mapping_parse() reads it (memory from a) and returns NULL, or
 * why it is not one.  The older stored form "date=2;type=0;...;
 * style=comma;every=buy" is read too.
 */
char *import_mapping_format(struct arena *a, const struct import_mapping *m);
const char *import_mapping_parse(struct arena *a, const char *text,
    struct import_mapping *m);

/* The type m's words give word: a nestegg type's name, "skip", or NULL
 * when m does not name it (case and spaces around it aside). */
const char *import_mapping_word(const struct import_mapping *m,
    const char *word);

#define IMPORT_TOP 10

struct import_line {
	char **fields;
	size_t n;
	size_t line;
};

struct import_file {
	enum import_format format;
	struct import_row *rows;
	size_t n;
	char **header;		/* a CSV's first line, split */
	size_t nheader;
	const char *error;	/* the file as a whole cannot be read */
	size_t error_line;
	int needs_mapping;	/* generic, and no mapping given */
	/* A CSV's first lines (up to IMPORT_TOP), split: where a saved
	 * mapping's header may be. */
	struct import_line *top;
	size_t ntop;
	int dates_open;		/* some dates could be day or month first,
				 * and none says which */
};

/*
 * Reads text (len bytes) as format (IF_AUTO: recognised from the
 * content), with map for a generic CSV (may be NULL).  Returns 0 with
 * out filled, rows with problems of their own carrying them, and rows
 * that record nothing (a trade of quantity 0 at price 0, an amount of
 * 0: placeholders some trackers write) marked skip; or -1
 * with out->error set (the file is empty, too large, not UTF-8, not
 * valid JSON, ...), or out->needs_mapping when a generic CSV needs a
 * mapping first (out->header then says its columns).
 */
int import_read(struct arena *a, const char *text, size_t len,
    enum import_format format, const struct import_mapping *map,
    struct import_file *out);

/* A generic CSV's mapping guessed from its header: columns whose names
 * say what they hold, decimal commas when the file uses ';', nothing
 * else (import_mapping_init). */
void import_mapping_guess(char **header, size_t n, int semicolons,
    struct import_mapping *m);

/* The type a file's word for it means (buy, Kauf, Verkauf, Einlage,
 * Dividende, ...), as a nestegg type name, or NULL. */
const char *import_type_word(const char *word);

#endif
