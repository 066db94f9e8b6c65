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

/* Whether to record an opening position for each instrument the file
 * sells more of than is held (a file that starts mid-history). */
enum open_policy {
	OPEN_NONE,		/* no: such sells are refused */
	OPEN_AT_FIRST_PRICE,	/* at the first price the file gives it */
	OPEN_AT_COST		/* at the costs a share given */
};

struct import_opts {
	enum import_format format;	/* IF_AUTO: recognise it */
	const struct import_mapping *map;	/* a generic CSV's, or NULL */
	int dry_run;			/* check and preview, write nothing */
	enum dup_policy dups;
	enum open_policy open;
	/* OPEN_AT_COST: the cost a share of each opening position, in the
	 * order of res->openings (an instrument without one is refused). */
	const char *const *open_costs;
	size_t nopen_costs;
};

/* An opening position the file needs: the quantity of an instrument it
 * sells before it holds it, on the file's first day, and the first
 * price the file gives it ("" when it gives none). */
struct import_opening {
	long long instrument;
	const char *symbol;
	char date[11];
	dec quantity;
	const char *first_price;
	char currency[4];
	dec cost;		/* recorded at, when recorded */
	int recorded;
};

struct import_error {
	size_t line;		/* the file's line (or activity number) */
	const char *raw;	/* the line as written */
	const char *field;	/* the field at fault */
	const char *reason;
};

/* A row in another currency without a rate of its own, whose rate is
 * not of its own day: an earlier day's, or with none stored on or
 * before it the latest (and the row is marked as such). */
struct import_rate {
	size_t line;
	char date[11];		/* the row's day */
	char from[4], to[4];	/* one unit of from is rate of to */
	dec rate;
	char rate_day[11];	/* the day of the rate */
	int latest;		/* no history: the latest rate, marked */
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

/* One of the words of a generic CSV's type column, the rows that have
 * it, and the type it is read as: the mapping's, nestegg's guess, or
 * NULL (no type: those rows are refused). */
struct import_word_use {
	const char *word, *type;
	size_t rows;
};

#define IMPORT_SAMPLE 10	/* rows shown as read */

struct import_result {
	enum import_format format;
	/* A generic CSV: the mapping it was read with (given, or saved:
	 * mapping_id > 0), whether some of its dates could be day or month
	 * first and none says which, the words of its type column (the
	 * first IMPORT_MAX_WORDS, and how many in all), and its first
	 * IMPORT_SAMPLE rows as read. */
	const struct import_mapping *mapping;
	long long mapping_id;
	int dates_open;
	struct import_word_use *words;
	size_t nwords, allwords;
	const struct import_row *sample;
	size_t nsample;
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
	struct import_rate *rates;	/* the first IMPORT_MAX_ERRORS */
	size_t nrates;			/* all rows with an earlier rate */
	size_t nlatest;			/* of those, at the latest rate */
	int cash_off;		/* turns the portfolio's cash tracking off */
	struct import_error *errors;	/* the first IMPORT_MAX_ERRORS */
	size_t nerrors;			/* all of them */
	struct import_error *skipped;	/* rows that record nothing: the */
	size_t nskipped;		/* first IMPORT_MAX_ERRORS, and all */
	struct import_opening *openings;	/* by instrument id */
	size_t nopenings;
	struct import_unknown *unknown;
	size_t nunknown;
	struct import_holding *holdings;	/* instruments it touches */
	size_t nholdings;
	struct import_cash *cash;	/* every balance, after it */
	size_t ncash;
	long long import_id;	/* the imports row written */
};

/*
 * Imports text (len bytes) into pf.  A row in another currency without
 * a rate takes the rate of its day (tx_build, fx_rate_on; res->rates
 * says which were of another day).  Returns 0
 * when it was written (or, on a dry run, would be: res is the preview),
 * 1 when it was refused (res says why: message, needs_mapping, errors
 * and unknown symbols, or needs_choice for duplicates; nothing
 * written), -1 on a database error (nothing written).
 */
int import_run(struct db *d, struct arena *a, const struct portfolio *pf,
    const char *text, size_t len, const struct import_opts *o,
    struct import_result *res);

/* A mapping a user saved, as listed. */
struct import_saved {
	long long id;
	char **header;		/* the columns it is for */
	size_t nheader;
	const char *mapping;	/* as JSON (import_mapping_format) */
	struct import_mapping map;
	const char *updated;	/* "YYYY-MM-DD HH:MM" UTC */
};

/*
 * The mapping user uid saved for a generic CSV whose first lines are
 * top (ntop of them): the one whose header is the first of those lines
 * to be one, at the line its skip_lines says.  1 with *m and *id set,
 * 0 when there is none, -1 on a database error.  import_run() uses it
 * when it is given no mapping.
 */
int import_mapping_load(struct db *d, struct arena *a, long long uid,
    const struct import_line *top, size_t ntop, struct import_mapping *m,
    long long *id);

/* Remembers m for the header h (n cells), in place of any mapping for
 * it: 0 or -1. */
int import_mapping_save(struct db *d, struct arena *a, long long uid,
    char **h, size_t n, const struct import_mapping *m);

/* User uid's saved mappings, the 100 latest changed first: 0 or -1. */
int import_mapping_list(struct db *d, struct arena *a, long long uid,
    struct import_saved **out, size_t *n);

/* User uid's saved mapping id: 1, 0 when there is none, -1. */
int import_mapping_get(struct db *d, struct arena *a, long long uid,
    long long id, struct import_saved *out);

/* Changes user uid's saved mapping id to m, or deletes it: 1, 0 when
 * there is none, -1 on a database error. */
int import_mapping_change(struct db *d, struct arena *a, long long uid,
    long long id, const struct import_mapping *m);
int import_mapping_delete(struct db *d, long long uid, long long id);

/*
 * A file between its upload and its import, kept a day: the preview,
 * creating its unknown symbols and choosing its columns all read it
 * again without a new upload.  A user has one draft per file (the
 * SHA-256 of its content, a unique key): the same file uploaded again,
 * to any of the user's portfolios, is the same draft, moved there.  The
 * body is kept compressed (zlib), its size uncompressed beside it.  A
 * draft older than a day is gone, whether or not nestegg gc has deleted
 * it yet.
 */
struct import_draft {
	long long id;
	enum import_format format;	/* as chosen when uploaded */
	const char *name;		/* the file's name, or "" */
	const char *text;		/* NUL-terminated */
	size_t len;
};

/* What one user's drafts younger than a day hold. */
struct import_draft_use {
	long drafts;
	long long bytes;		/* uncompressed */
};

/*
 * Pure: whether one more draft of len bytes fits beside use, with at
 * most max_drafts drafts holding at most max_bytes together (0: no
 * limit).  NULL when it does; else the refusal to show next to the
 * file field, saying what to do (memory from a).
 */
const char *import_draft_refusal(struct arena *a, long max_drafts,
    long max_bytes, const struct import_draft_use *use, size_t len);

/* Pure: bytes as the limits are told ("64 MB", "1.5 MB", "12 KB", in
 * units of 1024), in a. */
const char *import_draft_size_text(struct arena *a, long long bytes);

/*
 * Keeps text (len bytes, at most IMPORT_MAX_BYTES) for pf as its
 * owner's draft of that file, under the limits of
 * import_draft_refusal().  The same file already waiting is the same
 * draft: its portfolio becomes pf, its format and name these, its day
 * starts again, and its body is not written again.  A new one is
 * compressed first, then written unless a limit refuses it; one user's
 * saves wait for each other, so that concurrent uploads cannot pass a
 * limit together.  Returns the draft's id (> 0); 0 when a limit refused
 * it (nothing stored; *use says what the user's drafts hold); -1 on a
 * database error.
 */
long long import_draft_save(struct db *d, const struct portfolio *pf,
    enum import_format format, const char *name, const char *text,
    size_t len, long max_drafts, long max_bytes,
    struct import_draft_use *use);

/* Loads draft id of pf (its owner's only, younger than a day), its text
 * uncompressed into a: 1, 0 when there is none (a body that does not
 * uncompress is forgotten: 0), -1 on a database error. */
int import_draft_load(struct db *d, struct arena *a,
    const struct portfolio *pf, long long id, struct import_draft *out);

/* Forgets draft id of pf (its owner's only, younger than a day: an
 * older one is gone already, and nestegg gc deletes it): 1, 0 when
 * there was none, -1 on a database error. */
int import_draft_delete(struct db *d, const struct portfolio *pf,
    long long id);

/* A draft waiting for its preview, as the import form lists it. */
struct import_draft_info {
	long long id, portfolio_id;
	const char *portfolio;		/* its name */
	const char *format;		/* import_format_names[] */
	long long bytes;		/* uncompressed */
	const char *created;		/* "YYYY-MM-DD HH:MM" UTC */
};

/* User uid's drafts younger than a day, the 20 newest, newest first,
 * into *out (*n of them; memory from a): 0 or -1. */
int import_draft_list(struct db *d, struct arena *a, long long uid,
    struct import_draft_info **out, size_t *n);

/* Appends pf's transactions as CSV, in the import format; 0 or -1. */
int export_csv(struct db *d, struct arena *a, const struct portfolio *pf,
    struct buf *out);

#endif
