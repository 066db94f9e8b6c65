/*
 * instrument.c - instruments, who defines them, and each user's symbols
 * (see instrument.h).
 */
#include "instrument.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

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

void
inst_row(const struct dbres *r, size_t i, size_t c, struct instrument *in)
{
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
	in->url_template = db_val(r, i, c + 11);
	in->url_field = db_val(r, i, c + 12);
	in->listed = (int)db_int(r, i, c + 13);
}

#define INST_FROM "FROM instruments i LEFT JOIN user_symbols us " \
	"ON us.user_id = ? AND us.instrument_id = i.id "

int
inst_find(struct db *d, struct arena *a, long long uid, const char *symbol,
    struct instrument *out)
{
	static const char mine[] = "SELECT " INST_COLS " FROM user_symbols us "
	    "JOIN instruments i ON i.id = us.instrument_id "
	    "WHERE us.user_id = ? AND us.symbol = ?";
	static const char listed[] = "SELECT " INST_COLS " " INST_FROM
	    "WHERE i.symbol = ? AND i.owner_id = 0 AND i.listed = 1 LIMIT 2";
	static const char adopt[] = "INSERT IGNORE INTO user_symbols "
	    "(user_id, symbol, instrument_id) VALUES (?, ?, ?)";
	struct dbres r;

	if (db_exec(d, a, &r, mine, "is", uid, symbol) != 0)
		return -1;
	if (r.nrows == 1) {
		inst_row(&r, 0, 0, out);
		return 1;
	}
	if (db_exec(d, a, &r, listed, "is", uid, symbol) != 0)
		return -1;
	/* Two listed instruments of one symbol: the user must choose. */
	if (r.nrows != 1)
		return 0;
	inst_row(&r, 0, 0, out);
	/* It holds that meaning for them from now on (ignored when they
	 * already have this instrument under another symbol). */
	if (db_exec(d, NULL, NULL, adopt, "isi", uid, out->symbol, out->id) != 0)
		return -1;
	return 1;
}

int
inst_get(struct db *d, struct arena *a, long long uid, long long id,
    struct instrument *out)
{
	static const char q[] = "SELECT " INST_COLS " " INST_FROM
	    "WHERE i.id = ? AND i.owner_id IN (0, ?)";
	struct dbres r;

	if (db_exec(d, a, &r, q, "iii", uid, id, uid) != 0)
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
	    "CONCAT('%', ?, '%') OR i.name LIKE CONCAT('%', ?, '%')) "
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

/* Checks a source symbol: printable ASCII, no spaces, at most 64. */
static const char *
check_source_symbol(const char *s)
{
	if (strlen(s) > 64)
		return "Use at most 64 characters.";
	for (; *s; s++)
		if (*s <= ' ' || *s > '~')
			return "Use letters, digits and punctuation, no "
			    "spaces.";
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
		const char *t = in->url_template ? in->url_template : "";

		if (strncmp(t, "http://", 7) != 0 &&
		    strncmp(t, "https://", 8) != 0)
			return *field = "url_template", "Enter an address that "
			    "starts with https://, with {symbol} where the "
			    "symbol goes.";
		if (strlen(t) > 500 || check_source_symbol(t) != NULL)
			return *field = "url_template", "Use at most 500 "
			    "characters, no spaces.";
		if (in->url_field == NULL || text_blank(in->url_field) ||
		    strlen(in->url_field) > 200 ||
		    check_source_symbol(in->url_field) != NULL)
			return *field = "url_field", "Enter a JSON path like "
			    "data.price, or a CSV column like Close.";
	} else {
		in->url_template = "";
		in->url_field = "";
	}
	return NULL;
}

/* The shared instrument with in's identity: 1 (*id, *same: kind and
 * currency agree), 0 none, -1. */
static int
shared_lookup(struct db *d, const struct instrument *in, long long *id,
    int *same)
{
	static const char q[] = "SELECT id, kind, currency FROM instruments "
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
		rc = 1;
	}
	arena_free(&a);
	return rc;
}

static long long
insert(struct db *d, long long owner, long long uid, int listed,
    const struct instrument *in)
{
	static const char q[] = "INSERT INTO instruments (owner_id, symbol, "
	    "name, kind, currency, isin, source, source_symbol, "
	    "fallback_source, fallback_symbol, url_template, url_field, "
	    "listed, created_by, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), NOW())";

	if (db_exec(d, NULL, NULL, q, "isssssssssssii", owner, in->symbol,
	    in->name, in->kind, in->currency,
	    in->isin && *in->isin ? in->isin : NULL, in->source,
	    in->source_symbol, in->fallback_source, in->fallback_symbol,
	    in->url_template, in->url_field, (long long)listed, uid) != 0)
		return -1;
	return (long long)d->insert_id;
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
	    "instrument_id) VALUES (?, ?, ?)";
	struct arena a;
	struct dbres r;
	int rc, same = 0, what;

	arena_init(&a);
	if (db_begin(d) != 0)
		goto fail;
	if (db_exec(d, &a, &r, taken, "is", uid, in->symbol) != 0)
		goto fail;
	if (r.nrows > 0) {
		*id = db_int(&r, 0, 0);
		what = INST_TAKEN;
		goto done;
	}
	if (strcmp(in->source, "manual") == 0) {
		what = INST_CREATED;
		if ((*id = insert(d, uid, uid, 0, in)) < 0)
			goto fail;
	} else {
		if ((rc = shared_lookup(d, in, id, &same)) < 0)
			goto fail;
		if (rc == 1 && same) {
			what = INST_LINKED;
			if (db_exec(d, &a, &r, held, "ii", uid, *id) != 0)
				goto fail;
			if (r.nrows > 0) {
				what = INST_HELD;
				goto done;
			}
		} else if (rc == 1) {
			what = INST_OWN;
			if ((*id = insert(d, uid, uid, 0, in)) < 0)
				goto fail;
		} else {
			what = INST_CREATED;
			if ((*id = insert(d, 0, uid, admin, in)) < 0)
				goto fail;
		}
	}
	/* The command line adds for nobody in particular (uid 0). */
	if (uid != 0 && db_exec(d, NULL, NULL, map, "isi", uid, in->symbol,
	    *id) != 0)
		goto fail;
done:
	if (db_commit(d) != 0)
		goto fail;
	arena_free(&a);
	if (what == INST_CREATED || what == INST_OWN || what == INST_LINKED)
		epoch_bump(EPOCH_DATA);
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
	for (int tries = 0; tries < 3; tries++) {
		rc = add_once(d, uid, admin, in, id);
		if (rc >= 0 || !(db_duplicate(d) || db_retry(d)))
			break;
	}
	return rc;
}
