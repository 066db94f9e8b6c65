/*
 * instrument.h - instruments, who defines them, and each user's symbols.
 *
 * A shared instrument (owner_id 0) is identified by its price source and
 * the source's own symbol (for "url", also its address and field): one
 * fetch serves everyone who holds it.  Its details (name, kind, quote
 * currency) come from an admin, or from the user who first added it; an
 * admin "lists" it, and only then does its symbol resolve for users who
 * never added it themselves.  A user whose details differ from the
 * shared instrument's gets an instrument of their own (owner_id = their
 * id), priced from the same source.  "manual" instruments are always
 * their owner's, and priced by them.
 *
 * Each user names instruments by their own symbols (table user_symbols,
 * one symbol per instrument): everything a user sees or types goes
 * through that mapping, so nothing another user adds can change what a
 * user's symbol means, nor refuse one of their own.
 *
 * Strings in results live in the caller's arena.
 */
#ifndef NESTEGG_INSTRUMENT_H
#define NESTEGG_INSTRUMENT_H

#include "arena.h"
#include "db.h"

extern const char *const instrument_kinds[];	/* NULL-terminated */
extern const char *const price_sources[];	/* NULL-terminated */

struct instrument {
	long long id, owner_id;
	const char *symbol;	/* the user's own symbol for it, where known */
	const char *name, *kind, *isin, *source, *source_symbol;
	const char *fallback_source;	/* NULL or "" for none */
	const char *fallback_symbol;
	const char *url_template, *url_field;	/* source "url" */
	char currency[4];	/* quote currency, may be GBp */
	int listed;		/* shared, and listed by an admin */
};

/*
 * The columns inst_row() reads, for queries that join instruments as
 * "i" and user_symbols as "us" (LEFT JOIN user_symbols us ON
 * us.user_id = ? AND us.instrument_id = i.id).
 */
#define INST_COLS "i.id, i.owner_id, COALESCE(us.symbol, i.symbol), " \
	"i.name, i.kind, i.currency, i.isin, i.source, i.source_symbol, " \
	"i.fallback_source, i.fallback_symbol, i.url_template, i.url_field, " \
	"i.listed"
#define INST_NCOLS 14

/* Reads INST_COLS starting at column c of row i into *in. */
void inst_row(const struct dbres *r, size_t i, size_t c,
    struct instrument *in);

/*
 * The instrument uid means by symbol: their own symbol for it, else a
 * listed shared instrument with that symbol when there is exactly one
 * (which then becomes theirs under that symbol).  1 and *out, 0 when
 * unknown, -1 on a database error.
 */
int inst_find(struct db *d, struct arena *a, long long uid,
    const char *symbol, struct instrument *out);

/* The instrument id if visible to uid (shared, or their own); 1, 0, -1. */
int inst_get(struct db *d, struct arena *a, long long uid, long long id,
    struct instrument *out);

/* Instruments of uid (their symbols) and the listed catalogue whose
 * symbol or name contains q ("" for all), by symbol, at most limit,
 * with their latest price; 0 or -1. */
struct inst_line {
	struct instrument inst;
	const char *price, *as_of;	/* NULL when never priced */
	int mine;			/* in uid's symbols */
};
int inst_list(struct db *d, struct arena *a, long long uid, const char *q,
    long long limit, struct inst_line **out, size_t *n);

/*
 * Checks an instrument's fields, normalising them in place: the symbol
 * upper-cased, an empty source symbol taken from the symbol, and the
 * source symbol in the form its source uses (Yahoo and Alpha Vantage
 * upper case, Stooq and CoinGecko lower case).  The strings must be
 * writable.  NULL when fine, else a message with *field naming the
 * field.
 */
const char *inst_check(struct instrument *in, const char **field);

enum inst_added {
	INST_CREATED,		/* a new instrument (shared, or own) */
	INST_LINKED,		/* the existing shared one, now the user's */
	INST_OWN,		/* the shared one's details differ: an own
				   instrument priced from the same source */
	INST_TAKEN,		/* the user already has this symbol */
	INST_HELD,		/* the user already has this instrument,
				   under another symbol (in *id) */
};

/*
 * Adds checked instrument in for user uid (0: an admin's command, for
 * no user's symbols): to the shared catalogue
 * (listed when admin), linked to the existing shared instrument of the
 * same source and source symbol when its kind and currency agree, or as
 * uid's own ("manual", or details that differ).  Sets *id and returns
 * what happened, or -1 on a database error.
 */
int inst_add(struct db *d, long long uid, int admin,
    const struct instrument *in, long long *id);

#endif
