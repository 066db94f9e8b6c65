/*
 * cmd_instrument.c - nestegg instrument add, list and set: the shared
 * catalogue as an admin keeps it.  An admin's instrument is listed: its
 * symbol resolves for every user.  Changing a shared instrument's
 * details changes them for everyone who holds it, which is the point; a
 * name given here is an admin's, which its source never replaces.  A
 * user's own url instrument, listed, becomes shared: its name for
 * everyone else is then an admin's or its source's, and its owner keeps
 * theirs.  No address is ever printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "instrument.h"

/* "SOURCE" or "SOURCE:SYMBOL" into source and symbol (arena). */
static void
split_fallback(struct arena *a, const char *arg, const char **source,
    const char **symbol)
{
	const char *colon = strchr(arg, ':');

	if (colon == NULL) {
		*source = arena_strdup(a, arg);
		*symbol = "";
		return;
	}
	*source = arena_strndup(a, arg, (size_t)(colon - arg));
	*symbol = arena_strdup(a, colon + 1);
}

int
cmd_instrument_add(struct cli *c, int argc, char **argv)
{
	struct instrument in;
	const char *why, *field, *cur = "";
	long long id;
	int what;

	memset(&in, 0, sizeof(in));
	in.source = "";
	for (int i = 0; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--name") == 0 && v)
			in.name = argv[++i];
		else if (strcmp(argv[i], "--kind") == 0 && v)
			in.kind = argv[++i];
		else if (strcmp(argv[i], "--currency") == 0 && v)
			cur = argv[++i];
		else if (strcmp(argv[i], "--source") == 0 && v)
			in.source = argv[++i];
		else if (strcmp(argv[i], "--source-symbol") == 0 && v)
			in.source_symbol = arena_strdup(&c->a, argv[++i]);
		else if (strcmp(argv[i], "--isin") == 0 && v)
			in.isin = argv[++i];
		else if (strcmp(argv[i], "--fallback") == 0 && v)
			split_fallback(&c->a, argv[++i], &in.fallback_source,
			    &in.fallback_symbol);
		else if (strcmp(argv[i], "--url") == 0 && v)
			in.url_template = argv[++i];
		else if (strcmp(argv[i], "--field") == 0 && v)
			in.url_field = argv[++i];
		else if (argv[i][0] == '-' || in.symbol != NULL)
			return 2;
		else
			in.symbol = arena_strdup(&c->a, argv[i]);
	}
	if (in.symbol == NULL)
		return 2;
	snprintf(in.currency, sizeof(in.currency), "%s", cur);
	if (strcmp(in.source, "manual") == 0)
		return cli_fail("%s", "manual instruments belong to a user; "
		    "they add them on the Instruments page");
	if ((why = inst_check(&in, &field)) != NULL) {
		fprintf(stderr, "nestegg: --%s: %s\n", field, why);
		return 1;
	}
	/* Owned by nobody's symbol list: user 0 has none. */
	if ((what = inst_add(&c->db, 0, 1, &in, &id)) < 0)
		return cli_db_fail(c);
	if (what == INST_LINKED || what == INST_HELD || what == INST_TAKEN ||
	    what == INST_OWN) {
		fprintf(stderr, "nestegg: %s:%s is already instrument %lld; "
		    "change it with nestegg instrument set\n", in.source,
		    in.source_symbol, id);
		return 1;
	}
	printf("added %s (id %lld): %s:%s, listed\n", in.symbol, id, in.source,
	    in.source_symbol);
	return 0;
}

int
cmd_instrument_list(struct cli *c, int argc, char **argv)
{
	static const char q[] = "SELECT i.id, i.owner_id, i.symbol, i.kind, "
	    "i.currency, i.source, i.source_symbol, "
	    "COALESCE(i.fallback_source, ''), i.listed, p.price, "
	    "DATE_FORMAT(p.as_of, '%Y-%m-%d %H:%i'), "
	    "(SELECT COUNT(DISTINCT portfolio_id) FROM positions s "
	    "WHERE s.instrument_id = i.id AND s.quantity <> 0) "
	    "FROM instruments i LEFT JOIN prices p ON p.instrument_id = i.id "
	    "WHERE i.owner_id = 0 OR ? = 1 ORDER BY i.symbol, i.id";
	struct dbres r;

	(void)argv;
	if (argc > 1 || (argc == 1 && strcmp(argv[0], "--all") != 0))
		return 2;
	if (db_exec(&c->db, &c->a, &r, q, "i", (long long)argc) != 0)
		return cli_db_fail(c);
	printf("%-6s %-12s %-6s %-4s %-26s %-10s %-7s %7s %s\n", "id", "symbol",
	    "kind", "cur", "source", "fallback", "listed", "holders",
	    "latest price");
	for (size_t i = 0; i < r.nrows; i++) {
		char src[200];

		snprintf(src, sizeof(src), "%s:%s", db_val(&r, i, 5),
		    db_val(&r, i, 6));
		printf("%-6s %-12s %-6s %-4s %-26s %-10s %-7s %7s %s %s%s\n",
		    db_val(&r, i, 0), db_val(&r, i, 2), db_val(&r, i, 3),
		    db_val(&r, i, 4), src, *db_val(&r, i, 7) ?
		    db_val(&r, i, 7) : "-",
		    db_int(&r, i, 1) ? "own" : db_int(&r, i, 8) ? "yes" : "no",
		    db_val(&r, i, 11), db_val(&r, i, 9) ? db_val(&r, i, 9) :
		    "none", db_val(&r, i, 10) ? db_val(&r, i, 10) : "",
		    db_val(&r, i, 10) ? " UTC" : "");
	}
	return 0;
}

int
cmd_instrument_set(struct cli *c, int argc, char **argv)
{
	static const char get[] = "SELECT id, owner_id, symbol, name, kind, "
	    "currency, source, source_symbol, fallback_source, "
	    "fallback_symbol, url_template, url_field, listed "
	    "FROM instruments WHERE id = ?";
	static const char upd[] = "UPDATE instruments SET name = ?, "
	    "name_by = IF(?, 'admin', name_by), kind = ?, currency = ?, "
	    "fallback_source = ?, fallback_symbol = ?, url_template = ?, "
	    "url_field = ?, listed = ? WHERE id = ?";
	static const char queue[] = "INSERT INTO revalue_pending "
	    "(instrument_id) VALUES (?)";
	/* A user's url instrument, listed: everyone's from now on, its
	 * owner's name kept as theirs. */
	static const char keep[] = "UPDATE user_symbols SET name = ? "
	    "WHERE user_id = ? AND instrument_id = ?";
	static const char share[] = "UPDATE instruments SET owner_id = 0, "
	    "name_by = 'user' WHERE id = ? AND owner_id = ?";
	struct instrument in;
	struct dbres r;
	const char *why, *field, *owner_name = NULL;
	char *end;
	long long id, owner;
	int listed, changed = 0, named = 0, tries = 0;

	if (argc < 2)
		return 2;
	id = strtoll(argv[0], &end, 10);
	if (*end != '\0' || id <= 0)
		return 2;
	if (db_exec(&c->db, &c->a, &r, get, "i", id) != 0)
		return cli_db_fail(c);
	if (r.nrows == 0)
		return cli_fail("no instrument %s", argv[0]);
	owner = db_int(&r, 0, 1);
	memset(&in, 0, sizeof(in));
	in.id = id;
	in.symbol = arena_strdup(&c->a, db_val(&r, 0, 2));
	in.name = db_val(&r, 0, 3);
	in.kind = db_val(&r, 0, 4);
	snprintf(in.currency, sizeof(in.currency), "%s", db_val(&r, 0, 5));
	in.source = db_val(&r, 0, 6);
	in.source_symbol = arena_strdup(&c->a, db_val(&r, 0, 7));
	in.fallback_source = db_val(&r, 0, 8);
	in.fallback_symbol = arena_strdup(&c->a, db_val(&r, 0, 9));
	in.url_template = db_val(&r, 0, 10);
	in.url_field = db_val(&r, 0, 11);
	listed = (int)db_int(&r, 0, 12);
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--name") == 0 && v) {
			in.name = argv[++i];
			named = 1;
		} else if (strcmp(argv[i], "--kind") == 0 && v)
			in.kind = argv[++i];
		else if (strcmp(argv[i], "--currency") == 0 && v) {
			snprintf(in.currency, sizeof(in.currency), "%s",
			    argv[++i]);
			changed = 1;
		} else if (strcmp(argv[i], "--fallback") == 0 && v)
			split_fallback(&c->a, argv[++i], &in.fallback_source,
			    &in.fallback_symbol);
		else if (strcmp(argv[i], "--no-fallback") == 0)
			in.fallback_source = NULL;
		else if (strcmp(argv[i], "--url") == 0 && v) {
			in.url_template = argv[++i];
			changed = 1;
		} else if (strcmp(argv[i], "--field") == 0 && v) {
			in.url_field = argv[++i];
			changed = 1;
		}
		else if (strcmp(argv[i], "--list") == 0)
			listed = 1;
		else if (strcmp(argv[i], "--unlist") == 0)
			listed = 0;
		else
			return 2;
	}
	if (owner != 0) {
		if (strcmp(in.source, "url") != 0 || listed != 1)
			return cli_fail("%s", "that is a user's own instrument: "
			    "only they change it (a url instrument of theirs "
			    "becomes shared with --list)");
		/* Everyone else sees an admin's name, or its source's. */
		owner_name = in.name;
		if (!named)
			in.name = in.source_symbol;
	}
	if ((why = inst_check(&in, &field)) != NULL) {
		fprintf(stderr, "nestegg: --%s: %s\n", field, why);
		return 1;
	}
	while (db_begin(&c->db) != 0 ||
	    (owner != 0 && (db_exec(&c->db, NULL, NULL, keep, "sii",
	    strcmp(owner_name, in.name) != 0 ? owner_name : NULL, owner,
	    id) != 0 || db_exec(&c->db, NULL, NULL, share, "ii", id,
	    owner) != 0)) ||
	    db_exec(&c->db, NULL, NULL, upd, "sissssssii", in.name,
	    (long long)named, in.kind, in.currency, in.fallback_source,
	    in.fallback_symbol, in.url_template, in.url_field,
	    (long long)listed, id) != 0 ||
	    (changed && db_exec(&c->db, NULL, NULL, queue, "i", id) != 0) ||
	    db_commit(&c->db) != 0) {
		if (db_duplicate(&c->db)) {
			db_rollback(&c->db);
			return cli_fail("%s", "a shared instrument with the same "
			    "source, symbol, address and field exists "
			    "already: see nestegg instrument list");
		}
		db_rollback(&c->db);
		if (!db_again(&c->db, &tries))
			return cli_db_fail(c);
	}
	printf("instrument %lld: %s, %s, %s%s%s\n", id, in.name, in.kind,
	    in.currency, owner != 0 ? ", shared" : "",
	    listed ? ", listed" : "");
	return 0;
}
