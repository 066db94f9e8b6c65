/*
 * import.h - importing a file of transactions into a portfolio, and
 * exporting one.
 *
 * An import reads the file (importfmt.h), looks up every symbol once,
 * checks every row, and replays each instrument's ledger with the new
 * rows among those already recorded: every problem in the file is
 * found in one pass (unknown symbols, bad fields, sells of more than is
 * held).  It is all or nothing: nothing is written unless every row is
 * good, and then everything is written in one database transaction,
 * many rows per INSERT, each position derived once.  Rows already in
 * the portfolio (the same file imported twice) are counted; the caller
 * says whether to skip or keep them.
 */
#ifndef NESTEGG_IMPORT_H
#define NESTEGG_IMPORT_H

#include <stddef.h>

#include "buf.h"
#include "importfmt.h"
#include "portfolio.h"

#define IMPORT_MAX_ERRORS 200

enum dup_policy { DUP_ASK, DUP_SKIP, DUP_KEEP };

struct import_opts {
	enum import_format format;	/* IF_AUTO: recognise it */
	const struct import_mapping *map;	/* a generic CSV's, or NULL */
	int dry_run;			/* check and preview, write nothing */
	enum dup_policy dups;
};

struct import_error {
	size_t line;		/* the file's line (or activity number) */
	const char *raw;	/* the line as written */
	const char *field;	/* the field at fault */
	const char *reason;
};

struct import_unknown {
	const char *symbol;
	struct import_hint hint;	/* what the file says about it */
	size_t rows;			/* rows that name it */
};

struct import_holding {
	const char *symbol;
	long long instrument;
	dec quantity, cost;	/* after the import; cost in base */
};

struct import_cash {
	char currency[4];
	dec balance;		/* after the import */
};

struct import_result {
	enum import_format format;
	const char *message;	/* the file as a whole was refused */
	int needs_mapping;	/* a generic CSV: choose its columns first */
	char **header;		/* then, its columns */
	size_t nheader;
	size_t rows;		/* transaction rows in the file */
	size_t written;		/* written, or to be written by a dry run */
	size_t per_type[TX__MAX];	/* of those */
	size_t duplicates;	/* rows already in the portfolio */
	int needs_choice;	/* duplicates, and DUP_ASK */
	size_t rounded;		/* rows with a number rounded to 12 places */
	int cash_off;		/* turns the portfolio's cash tracking off */
	struct import_error *errors;	/* the first IMPORT_MAX_ERRORS */
	size_t nerrors;			/* all of them */
	struct import_unknown *unknown;
	size_t nunknown;
	struct import_holding *holdings;	/* instruments it touches */
	size_t nholdings;
	struct import_cash *cash;	/* every balance, after it */
	size_t ncash;
	long long import_id;	/* the imports row written */
};

/*
 * Imports text (len bytes) into pf with the rates in fx.  Returns 0
 * when it was written (or, on a dry run, would be: res is the preview),
 * 1 when it was refused (res says why: message, needs_mapping, errors
 * and unknown symbols, or needs_choice for duplicates; nothing
 * written), -1 on a database error (nothing written).
 */
int import_run(struct db *d, struct arena *a, const struct portfolio *pf,
    const struct fx_table *fx, const char *text, size_t len,
    const struct import_opts *o, struct import_result *res);

/*
 * The mapping user uid chose for generic CSVs whose header is h (n
 * cells): 1 and *m, 0 when none, -1 on a database error.  _save()
 * remembers m for that header; 0 or -1.  import_run() uses the mapping
 * remembered when it is given none.
 */
int import_mapping_load(struct db *d, struct arena *a, long long uid,
    char **h, size_t n, struct import_mapping *m);
int import_mapping_save(struct db *d, struct arena *a, long long uid,
    char **h, size_t n, const struct import_mapping *m);

/*
 * A file between its upload and its import, kept a day: the preview,
 * creating its unknown symbols and choosing its columns all read it
 * again without a new upload.
 */
struct import_draft {
	long long id;
	enum import_format format;	/* as chosen when uploaded */
	const char *name;		/* the file's name, or "" */
	const char *text;
	size_t len;
};

/* Keeps text (len bytes) for pf; returns its id, or -1. */
long long import_draft_save(struct db *d, const struct portfolio *pf,
    enum import_format format, const char *name, const char *text,
    size_t len);

/* Loads draft id of pf (its owner's only): 1, 0 when there is none,
 * -1 on a database error. */
int import_draft_load(struct db *d, struct arena *a,
    const struct portfolio *pf, long long id, struct import_draft *out);

/* Forgets draft id of pf; 0 or -1. */
int import_draft_delete(struct db *d, const struct portfolio *pf,
    long long id);

/* Appends pf's transactions as CSV, in the import format; 0 or -1. */
int export_csv(struct db *d, struct arena *a, const struct portfolio *pf,
    struct buf *out);

#endif
