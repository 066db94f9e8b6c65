/*
 * import.h - CSV import and export of a portfolio's transactions.
 *
 * Columns are found by header name, in any order and case:
 *   date, type, symbol, quantity, price, fee, amount, currency, fx_rate,
 *   note
 * and Ghostfolio's export names (unitPrice, comment, dataSource, ...).
 * An import is all or nothing: every bad line is reported with the
 * reason, and nothing is written unless every line is good.
 */
#ifndef NESTEGG_IMPORT_H
#define NESTEGG_IMPORT_H

#include <stddef.h>

#include "buf.h"
#include "portfolio.h"

#define IMPORT_MAX_ROWS 100000
#define IMPORT_MAX_ERRORS 200

struct import_error {
	size_t line;		/* counting the header as line 1 */
	const char *reason;
};

struct import_result {
	size_t imported;		/* transactions written */
	struct import_error *errors;	/* the first IMPORT_MAX_ERRORS */
	size_t nerrors;			/* all of them */
	const char **unknown;		/* distinct unknown symbols */
	size_t nunknown;
};

/*
 * Imports text (len bytes of CSV) into pf.  Returns 0 when every line
 * was written, 1 when the file was rejected (res says why; nothing
 * written), -1 on a database error (nothing written).
 */
int import_csv(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct fx_table *fx, const char *text, size_t len,
    struct import_result *res);

/* Appends pf's transactions as CSV, in the import format; 0 or -1. */
int export_csv(struct db *d, struct arena *a, const struct portfolio *pf,
    struct buf *out);

#endif
