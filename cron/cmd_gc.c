/*
 * cmd_gc.c - nestegg gc: forgets expired sessions, day-old sign-in
 * failures and ledger changes (a browser away longer gets the whole
 * state), imports left unfinished for a day, idempotency keys a day
 * old, and fetch and valuation
 * runs older than runs_keep; and rotates the logs of var/log (when
 * stderr of a process, not the journal, holds them) past LOG_MAX bytes:
 * copied to NAME.1 (the older to .2, .3), then emptied, so that the
 * processes appending to it go on.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/stat.h>

#include "cli.h"
#include "live.h"
#include "revalue.h"

#define LOG_MAX (10L << 20)
#define LOG_KEEP 3

/* Rotates dir/name when it has grown past LOG_MAX; 1 if it did. */
static int
rotate_log(const char *dir, const char *name)
{
	char path[1200], from[1220], to[1220], buf[1 << 16];
	struct stat st;
	ssize_t n;
	int in, out, ok = 1;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (stat(path, &st) != 0 || st.st_size < LOG_MAX)
		return 0;
	for (int k = LOG_KEEP - 1; k >= 1; k--) {
		snprintf(from, sizeof(from), "%s.%d", path, k);
		snprintf(to, sizeof(to), "%s.%d", path, k + 1);
		rename(from, to);
	}
	snprintf(to, sizeof(to), "%s.1", path);
	if ((in = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0640)) < 0) {
		close(in);
		return 0;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ok &= write(out, buf, (size_t)n) == n;
	close(in);
	ok &= close(out) == 0;
	/* The writers append (O_APPEND): they go on at the new start. */
	return ok && truncate(path, 0) == 0;
}

static int
rotate_logs(const char *var)
{
	char dir[600];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/log", var);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len > 4 && strcmp(e->d_name + len - 4, ".log") == 0)
			n += rotate_log(dir, e->d_name);
	}
	closedir(d);
	return n;
}

int
cmd_gc(struct cli *c, int argc, char **argv)
{
	static const char s[] = "DELETE FROM sessions WHERE "
	    "created_at < NOW() - INTERVAL ? SECOND OR "
	    "last_seen_at < NOW() - INTERVAL ? SECOND";
	static const char f[] = "DELETE FROM login_failures WHERE "
	    "last_failure_at < NOW() - INTERVAL 1 DAY";
	/* By time, not id (ids commit out of order on a cluster); the
	 * live worker serves cursors no older than this (live.h). */
	static const char l[] = "DELETE FROM ledger_changes WHERE "
	    "at < NOW(3) - INTERVAL " LIVE_STR(LIVE_CHANGES_KEPT) " SECOND";
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
	/* The API write counts of minutes past (limit_api_writes), and
	 * the idempotency keys of days past (and claims left by a connection
	 * that died, on this node: each node's claims are its own). */
	if (db_exec(&c->db, NULL, NULL, "DELETE FROM api_writes WHERE "
	    "minute < UNIX_TIMESTAMP() DIV 60", "") != 0 ||
	    db_exec(&c->db, NULL, NULL, "DELETE FROM idempotency_keys WHERE "
	    "created_at < NOW() - INTERVAL 1 DAY", "") != 0 ||
	    db_exec(&c->db, NULL, NULL, "DELETE FROM idempotency_claims WHERE "
	    "created_at < NOW() - INTERVAL 1 DAY", "") != 0)
		return cli_db_fail(c);
	if ((runs = runs_prune(&c->db, c->cfg.runs_keep)) < 0)
		return cli_db_fail(c);
	cli_job(0, "gc: removed %llu expired sessions, %llu old failure "
	    "counts, %llu old ledger changes, %llu unfinished imports, %ld old "
	    "runs; rotated %d logs", sessions, failures, changes, drafts, runs,
	    rotate_logs(c->cfg.var));
	return 0;
}

