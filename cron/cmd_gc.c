/*
 * cmd_gc.c - nestegg gc: forgets expired sessions, day-old sign-in
 * failures and ledger changes (a browser away longer gets the whole
 * state), imports left unfinished for a day, and fetch and valuation
 * runs older than runs_keep.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "revalue.h"

int
cmd_gc(struct cli *c, int argc, char **argv)
{
	static const char s[] = "DELETE FROM sessions WHERE "
	    "created_at < NOW() - INTERVAL ? SECOND OR "
	    "last_seen_at < NOW() - INTERVAL ? SECOND";
	static const char f[] = "DELETE FROM login_failures WHERE "
	    "last_failure_at < NOW() - INTERVAL 1 DAY";
	static const char l[] = "DELETE FROM ledger_changes WHERE "
	    "at < NOW(3) - INTERVAL 1 DAY";
	static const char dr[] = "DELETE FROM import_drafts WHERE "
	    "created_at < NOW() - INTERVAL 1 DAY";
	unsigned long long sessions, failures, changes, drafts;
	long runs;

	(void)argv;
	if (argc != 0)
		return 2;
	if (db_exec(&c->db, NULL, NULL, s, "ii",
	    (long long)c->cfg.session_max, (long long)c->cfg.session_idle))
		return cli_db_fail(c);
	sessions = c->db.affected;
	if (db_exec(&c->db, NULL, NULL, f, "") != 0)
		return cli_db_fail(c);
	failures = c->db.affected;
	if (db_exec(&c->db, NULL, NULL, l, "") != 0)
		return cli_db_fail(c);
	changes = c->db.affected;
	if (db_exec(&c->db, NULL, NULL, dr, "") != 0)
		return cli_db_fail(c);
	drafts = c->db.affected;
	if ((runs = runs_prune(&c->db, c->cfg.runs_keep)) < 0)
		return cli_db_fail(c);
	printf("removed %llu expired sessions, %llu old failure counts, %llu "
	    "old ledger changes, %llu unfinished imports, %ld old runs\n",
	    sessions, failures, changes, drafts, runs);
	return 0;
}

