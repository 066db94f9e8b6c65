/*
 * main.c - the nestegg command-line tool for jobs and administration:
 * the table of subcommands, one file per job (cmd_*.c).
 *
 * It reaches the stack named by NESTEGG_VAR through the admin account
 * (config.h).  Exit status: 0 success, 1 failure, 2 bad usage.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#include "cli.h"
#include "epoch.h"
#include "log.h"
#include "password.h"

static const struct command commands[] = {
	{ "migrate", "", "apply the sql/ migrations not yet applied, in "
	    "order", cmd_migrate },
	{ "user add", "EMAIL [--admin]", "create an account; the password "
	    "is read from standard input", cmd_user_add },
	{ "user list", "", "list every account", cmd_user_list },
	{ "user disable", "EMAIL", "disable an account and end its "
	    "sessions", cmd_user_disable },
	{ "gc", "", "forget expired sessions, day-old sign-in failures and "
	    "old fetch and valuation runs", cmd_gc },
	{ "price set", "SYMBOL PRICE [--currency CUR] [--at TIME]", "record "
	    "a price (default now; TIME in UTC, like 2026-11-27T16:00:00Z)",
	    cmd_price_set },
	{ "fx set", "FROM TO RATE [--at DAY]", "record that one FROM is RATE TO "
	    "(now, or that day's rate for a day past)",
	    cmd_fx_set },
	{ "instrument add", "SYMBOL --name NAME --kind KIND --currency CUR "
	    "--source SOURCE [--source-symbol S] [--fallback SOURCE[:S]] "
	    "[--url TEMPLATE --field FIELD]", "add a listed shared instrument "
	    "(its symbol resolves for every user)", cmd_instrument_add },
	{ "instrument list", "[--all]", "list the shared instruments (--all: "
	    "users' own too), with their sources and latest prices",
	    cmd_instrument_list },
	{ "instrument set", "ID [--name N] [--kind K] [--currency C] "
	    "[--fallback SOURCE[:S] | --no-fallback] [--url T --field F] "
	    "[--list | --unlist]",
	    "change a shared instrument's details: everyone who holds it sees "
	    "the change; --list shares a user's url instrument",
	    cmd_instrument_set },
	{ "fetch", "[--quiet] [--force]", "fetch the latest prices of every "
	    "held instrument and the exchange rates in use, then revalue what "
	    "changed (--force: even soon after the last fetch); exits 1 when a "
	    "source failed", cmd_fetch },
	{ "backfill", "[SYMBOL] [--quiet]", "fetch the daily closes of every "
	    "held instrument (or SYMBOL) back to its first transaction, where "
	    "its source has them (Yahoo, Stooq), and recompute the daily "
	    "series from then on", cmd_backfill },
	{ "revalue", "[--all]", "value the portfolios whose prices, rates or "
	    "transactions changed (--all: every portfolio) and record the "
	    "run", cmd_revalue },
	{ "status", "[--json]", "source health, the last fetch and valuation "
	    "runs, stale and flagged instruments", cmd_status },
	{ "schedule", "[--every-fetch SECONDS] [--file CRONTAB]", "run the "
	    "crontab's entries on their schedule, in the foreground (make run "
	    "uses it)", cmd_schedule },
	{ "demo", "", "create the demo account and its sample portfolio if "
	    "missing, and print its sign-in (make run uses it)", cmd_demo },
	{ "backup", "[--quiet]", "write a consistent, compressed backup of "
	    "the database to backup_dir (var/backups), then keep the newest "
	    "backup_keep of them and none older than backup_days",
	    cmd_backup },
	{ "restore", "FILE --yes", "replace the whole database with a "
	    "backup's", cmd_restore },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int syslogged;		/* log = syslog */

int
cli_fail(const char *fmt, const char *arg)
{
	fputs("nestegg: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	if (syslogged) {
		char line[1024];

		snprintf(line, sizeof(line), fmt, arg);
		log_error("%s", line);
	}
	return 1;
}

void
cli_job(int quiet, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!quiet) {
		puts(line);
		fflush(stdout);
	}
	if (syslogged)
		log_info("%s", line);
}

int
cli_db_fail(struct cli *c)
{
	return cli_fail("database: %s", c->db.errmsg);
}

char *
cli_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (s = malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	if (fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		fclose(f);
		return NULL;
	}
	s[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return s;
}

int
cli_flag(int argc, char **argv, const char *flag)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], flag) == 0)
			return 1;
	return 0;
}

static void
usage(FILE *f)
{
	fputs("usage: nestegg COMMAND [ARGS]   (NESTEGG_VAR names the "
	    "stack)\n\n", f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  nestegg %s %s\n      %s\n", commands[i].name,
		    commands[i].args, commands[i].help);
	fputs("\nEvery command takes --help.\n", f);
}

/* How many words of argv name command cmd ("user add" is two), or 0. */
static int
words_match(const char *name, int argc, char **argv)
{
	int k = 0;

	while (*name) {
		size_t n = strcspn(name, " ");

		if (k >= argc || strlen(argv[k]) != n ||
		    strncmp(argv[k], name, n) != 0)
			return 0;
		k++;
		name += n;
		if (*name == ' ')
			name++;
	}
	return k;
}

int
main(int argc, char **argv)
{
	static struct cli c;
	const struct command *cmd = NULL;
	char err[512];
	int k = 0, rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < NCOMMANDS && cmd == NULL; i++)
		if ((k = words_match(commands[i].name, argc - 1, argv + 1)))
			cmd = &commands[i];
	if (cmd == NULL) {
		fprintf(stderr, "nestegg: unknown command '%s'\n\n", argv[1]);
		usage(stderr);
		return 2;
	}
	for (int i = 1 + k; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			printf("usage: nestegg %s %s\n%s\n", cmd->name,
			    cmd->args, cmd->help);
			return 0;
		}
	if (config_load(&c.cfg, err, sizeof(err)) != 0)
		return cli_fail("configuration: %s", err);
	password_set_cost(c.cfg.password_cost);	/* in range: config_load */
	if (strcmp(c.cfg.log, "syslog") == 0) {
		log_to_syslog("nestegg");
		syslogged = 1;
	}
	db_init(&c.db, &c.cfg, 1);
	arena_init(&c.a);
	/* Changes made here must reach the page workers' caches. */
	epoch_open(c.cfg.var);
	/* A restore may find no database to connect to: it makes it. */
	if (cmd->fn != cmd_restore && db_connect(&c.db) != 0) {
		fprintf(stderr, "nestegg: cannot reach the database of %s: "
		    "%s\n(is the stack running? start it with 'make start')\n",
		    c.cfg.var, c.db.errmsg);
		return 1;
	}
	rc = cmd->fn(&c, argc - 1 - k, argv + 1 + k);
	if (rc == 2)
		fprintf(stderr, "usage: nestegg %s %s\n", cmd->name,
		    cmd->args);
	db_close(&c.db);
	arena_free(&c.a);
	mysql_library_end();
	return rc;
}
