/*
 * instrument.c - instruments, who defines them, and each user's symbols
 * (see instrument.h).
 */
#include "instrument.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "cache.h"
#include "epoch.h"
#include "money.h"
#include "text.h"

const char *const instrument_kinds[] = {
	"stock", "etf", "fund", "bond", "crypto", "cash", "other", "liability",
	NULL,
};

const char *const price_sources[] = {
	"sim", "yahoo", "stooq", "amfi", "coingecko", "alphavantage", "url",
	"manual", NULL,
};

/* Sources another source may fall back to: those that need nothing but
 * a symbol. */
static const char *const fallback_sources[] = {
	"sim", "yahoo", "stooq", "amfi", "coingecko", "alphavantage", NULL,
};

static void
copy_cur(char out[4], const char *in)
{
	snprintf(out, 4, "%s", in ? in : "");
}

char *
inst_url_host(char *out, const char *t)
{
	const char *p = strstr(t, "://"), *host, *end, *at;
	size_t n, k;

	if (p == NULL || p == t || strspn(t, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") != (size_t)(p - t)) {
		*out = '\0';
		return out;
	}
	host = p + 3;
	end = host + strcspn(host, "/?#\\");
	/* A user and password before the host are left out. */
	for (at = host; at < end; at++)
		if (*at == '@')
			host = at + 1;
	n = (size_t)(p + 3 - t);
	k = (size_t)(end - host);
	memmove(out, t, n);		/* the scheme and "://" */
	memmove(out + n, host, k);	/* never ahead of where it is read */
	out[n + k] = '\0';
	return out;
}

void
inst_row(const struct dbres *r, size_t i, size_t c, struct instrument *in)
{
	char *tmpl = r->rows[i][c + 11];

	in->id = db_int(r, i, c + 0);
	in->owner_id = db_int(r, i, c + 1);
	in->symbol = db_val(r, i, c + 2);
	in->name = db_val(r, i, c + 3);
	in->kind = db_val(r, i, c + 4);
	copy_cur(in->currency, db_val(r, i, c + 5));
	in->isin = db_val(r, i, c + 6);
	in->source = db_val(r, i, c + 7);
	in->source_symbol = db_val(r, i, c + 8);
	in->fallback_source = db_val(r, i, c + 9);
	in->fallback_symbol = db_val(r, i, c + 10);
	/* The address is a secret: only its scheme and host are kept. */
	in->url_host = tmpl ? inst_url_host(tmpl, tmpl) : "";
	in->url_template = "";
	in->url_field = db_val(r, i, c + 12);
	in->listed = (int)db_int(r, i, c + 13);
	in->mine = (int)db_int(r, i, c + 14);
}

#define INST_FROM "FROM instruments i LEFT JOIN user_symbols us " \
	"ON us.user_id = ? AND us.instrument_id = i.id "

int
isin_shaped(const char *s)
{
	if (strlen(s) != 12 || !isupper((unsigned char)s[0]) ||
	    !isupper((unsigned char)s[1]) || !isdigit((unsigned char)s[11]))
		return 0;
	for (int i = 2; i < 11; i++)
		if (!isdigit((unsigned char)s[i]) && !isupper((unsigned char)s[i]))
			return 0;
	return 1;
}

/* The instrument key names: uid's own by the query mine, else the one
 * listed shared instrument by the query listed, which then becomes
 * theirs under its symbol (ignored when they already have it under
 * another).  1 and *out, 0 when there is none or more than one, -1. */
static int
find_mine_or_listed(struct db *d, struct arena *a, long long uid,
    const char *mine, const char *listed, const char *key,
    struct instrument *out)
{
	static const char adopt[] = "INSERT IGNORE INTO user_symbols "
	    "(user_id, symbol, instrument_id) VALUES (?, ?, ?)";
	struct dbres r;

	if (db_exec(d, a, &r, mine, "is", uid, key) != 0)
		return -1;
	if (r.nrows == 1) {
		inst_row(&r, 0, 0, out);
		return 1;
	}
	if (r.nrows > 1)
		return 0;
	if (db_exec(d, a, &r, listed, "is", uid, key) != 0)
		return -1;
	/* Two listed instruments of one key: the user must choose. */
	if (r.nrows != 1)
		return 0;
	inst_row(&r, 0, 0, out);
	if (db_exec(d, NULL, NULL, adopt, "isi", uid, out->symbol, out->id) != 0)
		return -1;
	out->mine = d->affected > 0;
	return 1;
}

int
inst_find_isin(struct db *d, struct arena *a, long long uid,
    const char *isin, struct instrument *out)
{
	static const char mine[] = "SELECT " INST_COLS " FROM user_symbols us "
	    "JOIN instruments i ON i.id = us.instrument_id "
	    "WHERE us.user_id = ? AND i.isin = ? LIMIT 2";
	static const char listed[] = "SELECT " INST_COLS " " INST_FROM
	    "WHERE i.isin = ? AND i.owner_id = 0 AND i.listed = 1 LIMIT 2";

	if (!isin_shaped(isin))
		return 0;
	return find_mine_or_listed(d, a, uid, mine, listed, isin, out);
}

int
inst_find(struct db *d, struct arena *a, long long uid, const char *symbol,
    struct instrument *out)
{
	static const char mine[] = "SELECT " INST_COLS " FROM user_symbols us "
	    "JOIN instruments i ON i.id = us.instrument_id "
	    "WHERE us.user_id = ? AND us.symbol = ?";
	static const char listed[] = "SELECT " INST_COLS " " INST_FROM
	    "WHERE i.symbol = ? AND i.owner_id = 0 AND i.listed = 1 LIMIT 2";

	return find_mine_or_listed(d, a, uid, mine, listed, symbol, out);
}

int
inst_get(struct db *d, struct arena *a, long long uid, long long id,
    struct instrument *out)
{
	/* Not by walking ids: a shared instrument nobody listed shows to
	 * those who have it, and to admins, who may list it. */
	static const char q[] = "SELECT " INST_COLS " " INST_FROM
	    "WHERE i.id = ? AND (i.owner_id = ? OR (i.owner_id = 0 AND "
	    "(i.listed = 1 OR us.instrument_id IS NOT NULL OR "
	    "(SELECT is_admin FROM users WHERE id = ?) = 1)))";
	struct dbres r;

	if (db_exec(d, a, &r, q, "iiii", uid, id, uid, uid) != 0)
		return -1;
	if (r.nrows == 0)
		return 0;
	inst_row(&r, 0, 0, out);
	return 1;
}

int
inst_list(struct db *d, struct arena *a, long long uid, const char *q,
    long long limit, struct inst_line **out, size_t *n)
{
	static const char sql[] = "SELECT " INST_COLS ", p.price, "
	    "DATE_FORMAT(p.as_of, '%Y-%m-%d %H:%i UTC'), us.symbol IS NOT NULL "
	    INST_FROM "LEFT JOIN prices p ON p.instrument_id = i.id "
	    "WHERE (us.symbol IS NOT NULL OR (i.owner_id = 0 AND i.listed = 1)) "
	    "AND (? = '' OR COALESCE(us.symbol, i.symbol) LIKE "
	    "CONCAT('%', ?, '%') OR COALESCE(us.name, i.name) LIKE "
	    "CONCAT('%', ?, '%')) "
	    "ORDER BY COALESCE(us.symbol, i.symbol), i.id LIMIT ?";
	struct dbres r;
	char *esc = arena_alloc(a, strlen(q) * 2 + 1), *e = esc;

	/* LIKE's wildcards in the search text match themselves. */
	for (const char *p = q; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			*e++ = '\\';
		*e++ = *p;
	}
	*e = '\0';
	if (db_exec(d, a, &r, sql, "isssi", uid, esc, esc, esc, limit) != 0)
		return -1;
	*out = arena_alloc(a, (r.nrows + 1) * sizeof(**out));
	for (size_t i = 0; i < r.nrows; i++) {
		inst_row(&r, i, 0, &(*out)[i].inst);
		(*out)[i].price = db_val(&r, i, INST_NCOLS);
		(*out)[i].as_of = db_val(&r, i, INST_NCOLS + 1);
		(*out)[i].mine = (int)db_int(&r, i, INST_NCOLS + 2);
	}
	*n = r.nrows;
	return 0;
}

/* Upper- or lower-cases s in place. */
static void
set_case(char *s, int upper)
{
	for (; *s; s++)
		*s = (char)(upper ? toupper((unsigned char)*s) :
		    tolower((unsigned char)*s));
}

/* Puts a source symbol in the form its source uses. */
static void
source_case(const char *source, char *sym)
{
	if (strcmp(source, "yahoo") == 0 || strcmp(source, "alphavantage")
	    == 0 || strcmp(source, "sim") == 0)
		set_case(sym, 1);
	else if (strcmp(source, "stooq") == 0 || strcmp(source, "coingecko")
	    == 0)
		set_case(sym, 0);
}

/* 1 if s is printable ASCII without spaces: what a source's symbol and
 * an address are made of. */
static int
no_spaces(const char *s)
{
	for (; *s; s++)
		if (*s <= ' ' || *s > '~')
			return 0;
	return 1;
}

/* Checks a source symbol: printable ASCII, no spaces, at most 64. */
static const char *
check_source_symbol(const char *s)
{
	if (strlen(s) > 64)
		return "Use at most 64 characters.";
	if (!no_spaces(s))
		return "Use letters, digits and punctuation, no spaces.";
	return NULL;
}

const char *
inst_check_address(const char *t, const char *url_field, const char **field)
{
	char host[501];

	if (t == NULL || (strncmp(t, "http://", 7) != 0 &&
	    strncmp(t, "https://", 8) != 0))
		return *field = "url_template", "Enter an address that starts "
		    "with https://, with {symbol} where the symbol goes.";
	if (strlen(t) > 500)
		return *field = "url_template", "Use at most 500 characters.";
	if (!no_spaces(t))
		return *field = "url_template", "Write the address without "
		    "spaces or control characters (a space as %20).";
	if (strchr(inst_url_host(host, t), '\0')[-1] == '/')
		return *field = "url_template", "Enter an address with a "
		    "host name after https://.";
	if (url_field == NULL || text_blank(url_field) ||
	    strlen(url_field) > 200 || !no_spaces(url_field))
		return *field = "url_field", "Enter a JSON path like "
		    "data.price, or a CSV column like Close.";
	return NULL;
}

const char *
inst_check(struct instrument *in, const char **field)
{
	char *s = (char *)in->symbol, major[4];
	const char *why;
	int ticker = 1;
	dec f;

	if (s == NULL || text_blank(s))
		return *field = "symbol", "Enter a symbol, like AAPL.";
	if (utf8_chars(s) > 64)
		return *field = "symbol", "Use at most 64 characters.";
	if (isspace((unsigned char)s[0]) ||
	    isspace((unsigned char)s[strlen(s) - 1]))
		return *field = "symbol", "Start and end the symbol with "
		    "something other than a space.";
	if (text_controls(s, NULL))
		return *field = "symbol", "Use letters, digits, spaces and "
		    "punctuation, without control or invisible characters.";
	for (char *p = s; *p; p++) {
		if (!isalnum((unsigned char)*p) && !strchr(".-_^=:/", *p))
			ticker = 0;
	}
	/* A ticker is upper case; a name or an id of an instrument priced
	 * by hand (a house, a fund's id) stays as given. */
	if (in->source != NULL && strcmp(in->source, "manual") == 0)
		ticker = 0;
	for (char *p = s; ticker && *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (in->name == NULL || text_blank(in->name))
		return *field = "name", "Enter the instrument's name.";
	if (utf8_chars(in->name) > 200)
		return *field = "name", "Use at most 200 characters.";
	if (text_controls(in->name, NULL))
		return *field = "name", "Use text without control characters, "
		    "direction overrides or invisible characters.";
	if (in->kind == NULL || !text_in_list(instrument_kinds, in->kind))
		return *field = "kind", "Choose a kind.";
	if (currency_major(in->currency, major, &f) != 0)
		return *field = "currency", "Enter the quote currency, like USD "
		    "or GBp for pence.";
	if (in->isin && *in->isin) {
		const char *p = in->isin;

		if (strlen(p) != 12 || !isupper((unsigned char)p[0]) ||
		    !isupper((unsigned char)p[1]))
			return *field = "isin", "An ISIN is 12 characters, "
			    "like US0378331005.";
		for (; *p; p++)
			if (!isalnum((unsigned char)*p))
				return *field = "isin", "An ISIN has letters "
				    "and digits only.";
	}
	if (in->source == NULL || !text_in_list(price_sources, in->source))
		return *field = "source", "Choose a price source.";
	if (in->source_symbol == NULL || *in->source_symbol == '\0')
		in->source_symbol = in->symbol;
	if (strcmp(in->source, "manual") == 0)
		;			/* priced by hand: any name will do */
	else if ((why = check_source_symbol(in->source_symbol)) != NULL)
		return *field = "source_symbol", why;
	source_case(in->source, (char *)in->source_symbol);
	if (in->fallback_source && *in->fallback_source) {
		if (!text_in_list(fallback_sources, in->fallback_source) ||
		    strcmp(in->fallback_source, in->source) == 0)
			return *field = "fallback_source", "Choose another "
			    "source that needs only a symbol, or none.";
		if (strcmp(in->source, "manual") == 0 ||
		    strcmp(in->source, "url") == 0)
			return *field = "fallback_source", "Only instruments "
			    "priced from a public source take a fallback.";
		if (in->fallback_symbol == NULL || *in->fallback_symbol == '\0')
			in->fallback_symbol = in->source_symbol;
		if ((why = check_source_symbol(in->fallback_symbol)) != NULL)
			return *field = "fallback_symbol", why;
		source_case(in->fallback_source, (char *)in->fallback_symbol);
	} else {
		in->fallback_source = NULL;
		in->fallback_symbol = "";
	}
	if (strcmp(in->source, "url") == 0) {
		if ((why = inst_check_address(in->url_template, in->url_field,
		    field)) != NULL)
			return why;
	} else {
		in->url_template = "";
		in->url_field = "";
	}
	return NULL;
}

/* The shared instrument with in's identity: 1 (*id, *same: kind and
 * currency agree, *named: so does the name), 0 none, -1. */
static int
shared_lookup(struct db *d, const struct instrument *in, long long *id,
    int *same, int *named)
{
	static const char q[] = "SELECT id, kind, currency, name "
	    "FROM instruments "
	    "WHERE shared_key = UNHEX(SHA2(CONCAT_WS(CHAR(0), ?, ?, ?, ?), "
	    "256)) FOR UPDATE";
	int url = strcmp(in->source, "url") == 0;
	struct dbres r;
	struct arena a;
	int rc = 0;

	arena_init(&a);
	if (db_exec(d, &a, &r, q, "ssss", in->source, in->source_symbol,
	    url ? in->url_template : "", url ? in->url_field : "") != 0)
		rc = -1;
	else if (r.nrows > 0) {
		*id = db_int(&r, 0, 0);
		*same = strcmp(db_val(&r, 0, 1), in->kind) == 0 &&
		    strcmp(db_val(&r, 0, 2), in->currency) == 0;
		*named = strcmp(db_val(&r, 0, 3), in->name) == 0;
		rc = 1;
	}
	arena_free(&a);
	return rc;
}

/* Inserts in, owned by owner (0: shared), named name by name_by
 * ("admin", "user"); its id or -1. */
static long long
insert(struct db *d, long long owner, long long uid, int listed,
    const char *name, const char *name_by, const struct instrument *in)
{
	static const char q[] = "INSERT INTO instruments (owner_id, symbol, "
	    "name, name_by, kind, currency, isin, source, source_symbol, "
	    "fallback_source, fallback_symbol, url_template, url_field, "
	    "listed, created_by, created_at) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), NOW())";

	if (db_exec(d, NULL, NULL, q, "issssssssssssii", owner, in->symbol,
	    name, name_by, in->kind, in->currency,
	    in->isin && *in->isin ? in->isin : NULL, in->source,
	    in->source_symbol, in->fallback_source, in->fallback_symbol,
	    in->url_template, in->url_field, (long long)listed, uid) != 0)
		return -1;
	return (long long)d->insert_id;
}

/*
 * Whether uid's list may take one more instrument (own_url: one of
 * their own priced from an address): 0, INST_LIMIT or INST_LIMIT_URL,
 * -1.  Called with their row locked, in the transaction that adds it.
 */
static int
room(struct db *d, struct arena *a, long long uid, int own_url)
{
	static const char mine[] = "SELECT COUNT(*) FROM user_symbols "
	    "WHERE user_id = ?";
	static const char urls[] = "SELECT COUNT(*) FROM instruments "
	    "WHERE owner_id = ? AND source = 'url'";
	const struct config *c = d->cfg;
	struct dbres r;

	if (c->limit_instruments > 0) {
		if (db_exec(d, a, &r, mine, "i", uid) != 0)
			return -1;
		if (db_int(&r, 0, 0) >= c->limit_instruments)
			return INST_LIMIT;
	}
	if (own_url && c->limit_url_instruments > 0) {
		if (db_exec(d, a, &r, urls, "i", uid) != 0)
			return -1;
		if (db_int(&r, 0, 0) >= c->limit_url_instruments)
			return INST_LIMIT_URL;
	}
	return 0;
}

static int
add_once(struct db *d, long long uid, int admin, const struct instrument *in,
    long long *id)
{
	static const char taken[] = "SELECT instrument_id FROM user_symbols "
	    "WHERE user_id = ? AND symbol = ?";
	static const char held[] = "SELECT symbol FROM user_symbols "
	    "WHERE user_id = ? AND instrument_id = ?";
	static const char map[] = "INSERT INTO user_symbols (user_id, symbol, "
	    "instrument_id, name) VALUES (?, ?, ?, ?)";
	static const char lock[] = "SELECT id FROM users WHERE id = ? "
	    "FOR UPDATE";
	struct arena a;
	struct dbres r;
	const char *mine = NULL;	/* the user's own name for it */
	long long owner = uid;
	int rc, same = 0, named = 0, what, url;

	arena_init(&a);
	if (db_begin(d) != 0)
		goto fail;
	/* Two adds of one user at once take turns: both cannot pass a
	 * limit. */
	if (uid != 0 && db_exec(d, &a, &r, lock, "i", uid) != 0)
		goto fail;
	if (db_exec(d, &a, &r, taken, "is", uid, in->symbol) != 0)
		goto fail;
	if (r.nrows > 0) {
		*id = db_int(&r, 0, 0);
		what = INST_TAKEN;
		goto done;
	}
	/* An address a user gives may hold their key: theirs alone. */
	url = strcmp(in->source, "url") == 0;
	if (strcmp(in->source, "manual") == 0 || (url && !admin))
		what = INST_CREATED;
	else {
		if ((rc = shared_lookup(d, in, id, &same, &named)) < 0)
			goto fail;
		if (rc == 1 && same) {
			what = INST_LINKED;
			if (db_exec(d, &a, &r, held, "ii", uid, *id) != 0)
				goto fail;
			if (r.nrows > 0) {
				what = INST_HELD;
				goto done;
			}
			if (!named)
				mine = in->name;
		} else if (rc == 1) {
			what = INST_OWN;
			if (uid == 0)	/* the command line changes it instead */
				goto done;
		} else {
			what = INST_CREATED;
			owner = 0;
		}
	}
	if (uid != 0 && (rc = room(d, &a, uid, owner != 0 && url)) != 0) {
		if (rc < 0)
			goto fail;
		*id = 0;
		what = rc;
		goto done;
	}
	if (what == INST_LINKED)
		;
	else if (owner != 0 || admin) {
		/* Their own, or an admin's for everyone. */
		if ((*id = insert(d, owner, uid, owner == 0, in->name,
		    owner == 0 ? "admin" : "user", in)) < 0)
			goto fail;
	} else {
		/* A user names it for themselves; for everyone else its
		 * source does, or an admin. */
		if (strcmp(in->name, in->source_symbol) != 0)
			mine = in->name;
		if ((*id = insert(d, 0, uid, 0, in->source_symbol, "user",
		    in)) < 0)
			goto fail;
	}
	/* The command line adds for nobody in particular (uid 0). */
	if (uid != 0 && db_exec(d, NULL, NULL, map, "isis", uid, in->symbol,
	    *id, mine) != 0)
		goto fail;
done:
	if (db_commit(d) != 0)
		goto fail;
	arena_free(&a);
	if (what == INST_CREATED || what == INST_OWN || what == INST_LINKED)
		cache_shared_changed(d);
	return what;
fail:
	db_rollback(d);
	arena_free(&a);
	return -1;
}

int
inst_add(struct db *d, long long uid, int admin, const struct instrument *in,
    long long *id)
{
	int rc = -1;

	/* Two users adding one new instrument at once: the second meets
	 * the first's row (a duplicate key or a lock wait) and, tried
	 * again, links to it. */
	for (int tries = 0;;) {
		rc = add_once(d, uid, admin, in, id);
		if (rc >= 0 || !(db_duplicate(d) ? ++tries < 3 :
		    db_again(d, &tries)))
			break;
	}
	return rc;
}

const char *
inst_limit_message(struct arena *a, const struct config *c, int what,
    const char **field)
{
	if (what == INST_LIMIT) {
		*field = "symbol";
		return arena_printf(a, "This site allows each user %ld "
		    "instruments in their list (limit_instruments), and yours "
		    "is full. Remove one you no longer use (the Remove button "
		    "on its page) to add another, or ask an admin to raise "
		    "the limit.", c->limit_instruments);
	}
	if (what == INST_LIMIT_URL) {
		*field = "source";
		return arena_printf(a, "This site allows each user %ld "
		    "instruments priced from an address of their own "
		    "(limit_url_instruments), and you have them all. Remove "
		    "one you no longer use (the Remove button on its page), "
		    "choose another price source, or ask an admin to raise "
		    "the limit.", c->limit_url_instruments);
	}
	return NULL;
}

int
inst_remove(struct db *d, long long uid, long long id)
{
	static const char lock[] = "SELECT id FROM users WHERE id = ? "
	    "FOR UPDATE";
	static const char get[] = "SELECT i.owner_id FROM user_symbols us "
	    "JOIN instruments i ON i.id = us.instrument_id "
	    "WHERE us.user_id = ? AND us.instrument_id = ? FOR UPDATE";
	static const char used[] = "SELECT 1 FROM transactions t "
	    "JOIN portfolios p ON p.id = t.portfolio_id "
	    "WHERE p.user_id = ? AND t.instrument_id = ? LIMIT 1";
	static const char unmap[] = "DELETE FROM user_symbols "
	    "WHERE user_id = ? AND instrument_id = ?";
	/* Positions without a transaction are none; any left over would
	 * hold the instrument. */
	static const char pos[] = "DELETE x FROM positions x JOIN portfolios p "
	    "ON p.id = x.portfolio_id WHERE p.user_id = ? "
	    "AND x.instrument_id = ?";
	static const char del[] = "DELETE FROM instruments "
	    "WHERE id = ? AND owner_id = ?";
	struct arena a;
	struct dbres r;
	int rc = -1;

	arena_init(&a);
	for (int tries = 0;;) {
		long long owner;

		if (db_begin(d) != 0 ||
		    db_exec(d, &a, &r, lock, "i", uid) != 0 ||
		    db_exec(d, &a, &r, get, "ii", uid, id) != 0)
			goto again;
		if (r.nrows == 0) {
			rc = 0;
			break;
		}
		owner = db_int(&r, 0, 0);
		if (db_exec(d, &a, &r, used, "ii", uid, id) != 0)
			goto again;
		if (r.nrows > 0) {
			rc = 2;
			break;
		}
		if (db_exec(d, NULL, NULL, unmap, "ii", uid, id) != 0 ||
		    (owner == uid && (db_exec(d, NULL, NULL, pos, "ii", uid,
		    id) != 0 || db_exec(d, NULL, NULL, del, "ii", id,
		    uid) != 0)) || db_commit(d) != 0)
			goto again;
		rc = 1;
		break;
again:
		db_rollback(d);
		if (!db_again(d, &tries))
			break;
	}
	if (rc == 0 || rc == 2)
		db_rollback(d);
	arena_free(&a);
	if (rc == 1)
		cache_shared_changed(d);
	return rc;
}

int
inst_set_address(struct db *d, long long uid, long long id, const char *tmpl,
    const char *url_field)
{
	static const char q[] = "UPDATE instruments SET url_template = ?, "
	    "url_field = ? WHERE id = ? AND owner_id = ? AND source = 'url'";
	static const char same[] = "SELECT 1 FROM instruments WHERE id = ? "
	    "AND owner_id = ? AND source = 'url'";
	struct arena a;
	struct dbres r;
	int rc;

	if (db_exec(d, NULL, NULL, q, "ssii", tmpl, url_field, id, uid) != 0)
		return -1;
	if (d->affected > 0) {
		cache_shared_changed(d);
		return 1;
	}
	/* Nothing changed: the same address again, or not theirs. */
	arena_init(&a);
	rc = db_exec(d, &a, &r, same, "ii", id, uid) != 0 ? -1 :
	    r.nrows > 0;
	arena_free(&a);
	return rc;
}

const char *
inst_trouble_text(struct arena *a, const char *problem, const char *source,
    const char *detail, int admin)
{
	int url = source != NULL && strcmp(source, "url") == 0;

	if (admin || (problem != NULL && strcmp(problem, "refused") == 0))
		return arena_printf(a, "%s", detail ? detail : "");
	if (problem != NULL && strcmp(problem, "not_found") == 0 && !url)
		return arena_printf(a, "%s does not know this symbol.", source);
	if (problem != NULL && (strcmp(problem, "not_understood") == 0 ||
	    strcmp(problem, "not_found") == 0))
		return "The source's answer was not understood.";
	return "The source could not be reached.";
}
