/*
 * importint.h - what the readers of import files share inside lib/
 * (importfmt.c, the formats nestegg names itself; importpre.c, the
 * presets for brokers' and trackers' exports).  Not an interface of
 * nestegg: see importfmt.h for that.  Pure code.
 */
#ifndef NESTEGG_IMPORTINT_H
#define NESTEGG_IMPORTINT_H

#include "csv.h"
#include "importfmt.h"

/* What a column holds: the fields of a transaction and what some
 * formats add. */
enum role {
	R_DATE, R_TYPE, R_SYMBOL, R_QUANTITY, R_PRICE, R_FEE, R_AMOUNT,
	R_CURRENCY, R_FX, R_NOTE, R_NAME,	/* = enum import_field */
	R_TIME, R_DATETIME, R_COUNTER, R_SOURCE, R_ISIN, R_CLASS, R_TAXES,
	R_GROSS, R_FEECUR, R_WKN, R_EXCHANGE, R_ACCOUNT,
	R_SIDE,			/* buy or sell, where the type says "trade" */
	R_FEE2, R_FEE3,		/* more costs of a trade, added to its fee */
	R_STATUS,		/* a row not carried out says so here */
	R_AMOUNTCUR,		/* the currency of the amount, where the
				 * price's is another */
	R_GROSSCUR,		/* the currency of R_GROSS and R_TAXES */
	R__MAX
};

/* A header's name for a column (lower case, trimmed; ending with '*':
 * any name that starts so) and its role. */
struct alias {
	const char *name;
	enum role role;
};

/* Finds the columns of header (n cells) by the names in al; cols[role]
 * is the first column of that role, or -1.  Returns how many roles were
 * found. */
int imp_find_cols(char **header, size_t n, const struct alias *al,
    int cols[R__MAX]);

/* Whether header (n cells) has a column named name (lower case). */
int imp_has_col(char **header, size_t n, const char *name);

/* The record's field for role, trimmed, or "" (no such column, or the
 * record is shorter). */
const char *imp_cell(struct arena *a, const struct csv_record *rec,
    const int *cols, int role);

/* A number without its sign ("-5" gives "5"); "" stays "". */
const char *imp_unsigned(const char *s);

/* A new row at the end of f's rows (cap of them at most: NULL past
 * that), every text "" and nothing set. */
struct import_row *imp_new_row(struct import_file *f, size_t cap);

/*
 * Reads s, a number as a broker writes it in style: a currency's sign
 * or code before or after it ("$1,234.56", "USD 12.50", "12,50 €"),
 * spaces inside, a negative in brackets ("(12.34)").  0 with *out set,
 * -1 when s is no number, or empty (*out is 0 then).
 */
int imp_number(const char *s, enum num_style style, dec *out);

/*
 * A date as a file writes it, as nestegg reads it: text after it (" as
 * of 04/15/2023", " UTC") left out; with order DATES_DMY or DATES_MDY a
 * day-first or month-first date written YYYY-MM-DD, its time kept.
 */
const char *imp_date(struct arena *a, enum import_dates order,
    const char *d);

/* A preset: a broker's or tracker's export, read by importpre.c. */
struct preset;

/* The preset whose header names header (n cells) has, or NULL. */
const struct preset *preset_find(char **header, size_t n);

/* The preset whose header is one of csv's first 20 records, and in
 * *hdr which; or NULL. */
const struct preset *preset_header(const struct csv *csv, size_t *hdr);

/* The preset of the section of an Interactive Brokers activity
 * statement named name ("Dividends", "Withholding Tax", ...), or NULL
 * for a section of no transactions (or the trades: read as a flex
 * query's). */
const struct preset *preset_section(const char *name);

/* The format p reads. */
enum import_format preset_format(const struct preset *p);

/* The preset of format, or NULL when format is not a preset's. */
const struct preset *preset_of(enum import_format format);

/* p's columns in header (n cells), into cols. */
void preset_map(const struct preset *p, char **header, size_t n,
    int cols[R__MAX]);

/* p's columns in header (n cells), into cols; NULL, or the name of a
 * column it needs and header lacks. */
const char *preset_cols(const struct preset *p, char **header, size_t n,
    int cols[R__MAX]);

/* Whether rec is no row of p's (a footer, a total). */
int preset_footer(const struct preset *p, const struct csv_record *rec);

/* Adds to f (cap rows at most) the rows of one record of p's, read by
 * cols with its numbers in style st: one, or two where a tax was
 * withheld or a coin converted.  raw is the line as written. */
void preset_row(struct arena *a, const struct preset *p, enum num_style st,
    struct import_file *f, size_t cap, const struct csv_record *rec,
    const int *cols, const char *raw);

/* The number style of p's files. */
enum num_style preset_style(const struct preset *p);

#endif
