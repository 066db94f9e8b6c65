/*
 * instrument.h - instruments, who defines them, and each user's symbols.
 *
 * A shared instrument (owner_id 0) is identified by its price source and
 * the source's own symbol (for "url", also its address and field): one
 * fetch serves everyone who holds it.  Its kind and quote currency come
 * from an admin, or from the user who first added it; its name from an
 * admin or from its source (name_by), never from another user: each
 * user's own name for an instrument is kept with their symbol for it.
 * An admin "lists" a shared instrument, and only then does its symbol
 * resolve, and its id show, for users who never added it themselves.
 * A user whose kind or currency differ from the shared instrument's gets
 * an instrument of their own (owner_id = their id), priced from the same
 * source.  "manual" instruments are always their owner's, and priced by
 * them; so is a "url" instrument a user adds, whose address may hold
 * their key: nobody else sees it, and nobody, its owner included, is
 * shown its address again (only its scheme and host), until an admin
 * lists it, which makes it shared.
 *
 * Each user names instruments by their own symbols (table user_symbols,
 * one symbol and optionally a name per instrument): everything a user
 * sees or types goes through that mapping, so nothing another user adds
 * can change what a user's symbol means, nor refuse one of their own.
 * The rows are the user's list, which limit_instruments bounds.
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
	/* Source "url": the address, with {symbol} where the symbol goes,
	 * and the field.  The address is input only: inst_row() never
	 * reads it back (it sets ""), only url_host, what may be shown. */
	const char *url_template, *url_field;
	const char *url_host;	/* scheme and host of the address, or "" */
	char currency[4];	/* quote currency, may be GBp */
	int listed;		/* shared, and listed by an admin */
	int mine;		/* in the user's list (their symbols) */
};

/*
 * The columns inst_row() reads, for queries that join instruments as
 * "i" and user_symbols as "us" (LEFT JOIN user_symbols us ON
 * us.user_id = ? AND us.instrument_id = i.id): the user's own symbol
 * and name for it where they have them.
 */
#define INST_COLS "i.id, i.owner_id, COALESCE(us.symbol, i.symbol), " \
	"COALESCE(us.name, i.name), i.kind, i.currency, i.isin, i.source, " \
	"i.source_symbol, i.fallback_source, i.fallback_symbol, " \
	"i.url_template, i.url_field, i.listed, us.instrument_id IS NOT NULL"
#define INST_NCOLS 15

/* Reads INST_COLS starting at column c of row i into *in; the address
 * of a url instrument is cut down in place to its scheme and host. */
void inst_row(const struct dbres *r, size_t i, size_t c,
    struct instrument *in);

/*
 * The scheme and host of address t ("https://api.example.com", with its
 * port when it names one): never a user, password, path, query or
 * fragment.  Written to out, which needs strlen(t) + 1 bytes and may be
 * t itself; "" when t has no "://".  Returns out.
 */
char *inst_url_host(char *out, const char *t);

/*
 * The instrument uid means by symbol: their own symbol for it, else a
 * listed shared instrument with that symbol when there is exactly one
 * (which then becomes theirs under that symbol).  1 and *out, 0 when
 * unknown, -1 on a database error.
 */
int inst_find(struct db *d, struct arena *a, long long uid,
    const char *symbol, struct instrument *out);

/* Like inst_find, by ISIN: the one of uid's instruments with that
 * ISIN, or the one listed shared instrument with it; 0 when there is
 * none, or more than one. */
int inst_find_isin(struct db *d, struct arena *a, long long uid,
    const char *isin, struct instrument *out);

/* Whether s has an ISIN's shape: two letters, nine letters or digits,
 * a digit. */
int isin_shaped(const char *s);

/*
 * The instrument id if uid may see it: their own, a listed shared one,
 * a shared one in their list, or any shared one for an admin.  1 and
 * *out, 0 (anyone else's, or unknown), -1.
 */
int inst_get(struct db *d, struct arena *a, long long uid, long long id,
    struct instrument *out);

/* Instruments of uid (their symbols) and the listed catalogue whose
 * symbol or name (theirs) contains q ("" for all), by symbol, at most
 * limit, with their latest price; 0 or -1. */
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

/* Checks a url instrument's address and field as inst_check() does:
 * NULL, or a message with *field naming "url_template" or
 * "url_field". */
const char *inst_check_address(const char *tmpl, const char *url_field,
    const char **field);

enum inst_added {
	INST_CREATED,		/* a new instrument (shared, or own) */
	INST_LINKED,		/* the existing shared one, now the user's */
	INST_OWN,		/* the shared one's details differ: an own
				   instrument priced from the same source */
	INST_TAKEN,		/* the user already has this symbol */
	INST_HELD,		/* the user already has this instrument,
				   under another symbol (in *id) */
	INST_LIMIT,		/* refused: the user's list is full
				   (limit_instruments); nothing stored */
	INST_LIMIT_URL,		/* refused: the user has as many url
				   instruments as limit_url_instruments */
};

/*
 * Adds checked instrument in for user uid (0: an admin's command, for
 * no user's symbols): to the shared catalogue (listed, and named, by an
 * admin; a user's name is theirs alone and the shared row is named by
 * its source symbol until its source names it), linked to the existing
 * shared instrument of the same source and source symbol when its kind
 * and currency agree (the user's name kept as theirs), or as uid's own
 * ("manual", "url" from a user who is no admin, or details that
 * differ).  The user's limits are checked in the same transaction, with
 * their row locked.  Sets *id (0 when refused) and returns what
 * happened, or -1 on a database error.
 */
int inst_add(struct db *d, long long uid, int admin,
    const struct instrument *in, long long *id);

/*
 * What to tell a user inst_add() refused for a limit (INST_LIMIT,
 * INST_LIMIT_URL) under configuration c (arena text), with *field the
 * form field to show it at; NULL for any other result.
 */
const char *inst_limit_message(struct arena *a, const struct config *c,
    int what, const char **field);

/*
 * Takes instrument id out of uid's list, when no transaction of theirs
 * uses it: their own instrument is deleted with its prices, a shared one
 * only loses their symbol for it.  1 removed, 0 not in their list, 2
 * their transactions use it (nothing changed), -1 on a database error.
 */
int inst_remove(struct db *d, long long uid, long long id);

/*
 * Gives uid's own url instrument id a new address and field (checked
 * with inst_check_address() first).  1 done, 0 not their own url
 * instrument, -1 on a database error.
 */
int inst_set_address(struct db *d, long long uid, long long id,
    const char *tmpl, const char *url_field);

/*
 * What a user is told of an instrument's last fetch trouble, from its
 * kind (instrument_health.problem: "unreachable", "not_understood",
 * "not_found", "refused", or NULL), its source and the detail recorded:
 * the kind in words, never the detail (which may name an inner address,
 * a status or a parser's words), but for a price the checks refused,
 * whose reason names none.  An admin is told the detail itself.
 */
const char *inst_trouble_text(struct arena *a, const char *problem,
    const char *source, const char *detail, int admin);

#endif
