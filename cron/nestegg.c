/*
 * nestegg.c - the command-line tool for jobs and administration.
 *
 *   nestegg migrate                  apply new sql/ migrations, in order
 *   nestegg user add EMAIL [--admin] create an account (password on stdin)
 *   nestegg user list                list accounts
 *   nestegg user disable EMAIL       disable an account, end its sessions
 *   nestegg gc                       forget expired sessions and failures
 *   nestegg price set SYMBOL PRICE [--currency CUR] [--at TIME]
 *   nestegg fx set FROM TO RATE      one FROM is RATE TO
 *   nestegg revalue                  value every portfolio, record the run
 *
 * It reaches the stack named by NESTEGG_VAR through the admin account
 * (config.h).  Exit status: 0 success, 1 failure, 2 bad usage.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#include "auth.h"
#include "config.h"
#include "db.h"
#include "epoch.h"
#include "password.h"
#include "portfolio.h"

struct cli {
	struct config cfg;
	struct db db;
	struct arena a;
};

struct command {
	const char *name;	/* "user add" */
	const char *args;	/* usage after the name */
	const char *help;
	int (*fn)(struct cli *, int, char **);
};

static int
fail(const char *fmt, const char *arg)
{
	fputs("nestegg: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 1;
}

static int
db_fail(struct cli *c)
{
	return fail("database: %s", c->db.errmsg);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
read_file(const char *path)
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
	return s;
}

static int
cmd_migrate(struct cli *c, int argc, char **argv)
{
	static const char create[] =
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version INT UNSIGNED NOT NULL PRIMARY KEY, "
	    "name VARCHAR(255) NOT NULL, applied_at DATETIME NOT NULL) "
	    "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
	static const char done[] =
	    "SELECT 1 FROM schema_migrations WHERE version = ?";
	static const char record[] = "INSERT INTO schema_migrations "
	    "(version, name, applied_at) VALUES (?, ?, NOW())";
	char dir[700], path[1000];
	char *names[1000];
	size_t n = 0, applied = 0;
	struct dirent *de;
	DIR *dp;
	int rc = 0;

	(void)argv;
	if (argc != 0)
		return 2;
	snprintf(dir, sizeof(dir), "%s/sql", c->cfg.home);
	if ((dp = opendir(dir)) == NULL)
		return fail("cannot read %s", dir);
	while ((de = readdir(dp)) != NULL && n < 1000) {
		size_t len = strlen(de->d_name);

		if (len > 8 && strspn(de->d_name, "0123456789") == 3 &&
		    de->d_name[3] == '_' &&
		    strcmp(de->d_name + len - 4, ".sql") == 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(dp);
	qsort(names, n, sizeof(names[0]), name_cmp);
	if (db_exec(&c->db, NULL, NULL, create, "") != 0) {
		rc = db_fail(c);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		long long version = strtoll(names[i], NULL, 10);
		struct dbres res;
		char *text;

		if (db_exec(&c->db, &c->a, &res, done, "i", version) != 0) {
			rc = db_fail(c);
			goto out;
		}
		if (res.nrows > 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((text = read_file(path)) == NULL) {
			rc = fail("cannot read %s", path);
			goto out;
		}
		if (db_run_script(&c->db, text) != 0) {
			fprintf(stderr, "nestegg: %s: %s\n", names[i],
			    c->db.errmsg);
			free(text);
			rc = 1;
			goto out;
		}
		free(text);
		if (db_exec(&c->db, NULL, NULL, record, "is", version,
		    names[i]) != 0) {
			rc = db_fail(c);
			goto out;
		}
		printf("applied %s\n", names[i]);
		applied++;
	}
	if (applied == 0)
		printf("schema is up to date (%zu migrations)\n", n);
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return rc;
}

static int
cmd_user_add(struct cli *c, int argc, char **argv)
{
	char line[PASSWORD_MAX + 2], *email;
	const char *why;
	int admin = 0;
	const char *raw = NULL;
	long long id;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--admin") == 0)
			admin = 1;
		else if (argv[i][0] == '-' || raw != NULL)
			return 2;
		else
			raw = argv[i];
	}
	if (raw == NULL)
		return 2;
	if ((why = auth_email_check(&c->a, raw, &email)) != NULL)
		return fail("%s", why);
	if (isatty(STDIN_FILENO))
		fputs("Password: ", stderr);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return fail("%s", "no password on standard input");
	line[strcspn(line, "\r\n")] = '\0';
	if ((why = password_policy(line)) != NULL)
		return fail("password: %s", why);
	id = auth_user_add(&c->db, email, line, admin);
	explicit_bzero(line, sizeof(line));
	if (id < 0)
		return db_fail(c);
	if (id == 0)
		return fail("an account for %s already exists", email);
	printf("created %s (id %lld)%s\n", email, id, admin ? ", admin" : "");
	return 0;
}

static int
cmd_user_list(struct cli *c, int argc, char **argv)
{
	static const char q[] = "SELECT id, email, is_admin, created_at, "
	    "disabled_at FROM users ORDER BY id";
	struct dbres res;

	(void)argv;
	if (argc != 0)
		return 2;
	if (db_exec(&c->db, &c->a, &res, q, "") != 0)
		return db_fail(c);
	printf("%-6s %-40s %-5s %-19s %s\n", "id", "email", "admin",
	    "created", "disabled");
	for (size_t i = 0; i < res.nrows; i++)
		printf("%-6s %-40s %-5s %-19s %s\n", db_val(&res, i, 0),
		    db_val(&res, i, 1), db_int(&res, i, 2) ? "yes" : "no",
		    db_val(&res, i, 3),
		    db_val(&res, i, 4) ? db_val(&res, i, 4) : "-");
	return 0;
}

static int
cmd_user_disable(struct cli *c, int argc, char **argv)
{
	static const char q[] = "UPDATE users SET disabled_at = NOW() "
	    "WHERE email = ? AND disabled_at IS NULL";
	static const char end[] = "DELETE s FROM sessions s JOIN users u "
	    "ON u.id = s.user_id WHERE u.email = ?";
	char *email;

	if (argc != 1)
		return 2;
	if (auth_email_check(&c->a, argv[0], &email) != NULL)
		return fail("not an email address: %s", argv[0]);
	if (db_begin(&c->db) != 0 ||
	    db_exec(&c->db, NULL, NULL, q, "s", email) != 0)
		return db_fail(c);
	if (c->db.affected == 0) {
		db_rollback(&c->db);
		return fail("no enabled account for %s", email);
	}
	if (db_exec(&c->db, NULL, NULL, end, "s", email) != 0 ||
	    db_commit(&c->db) != 0)
		return db_fail(c);
	epoch_bump(EPOCH_AUTH);
	printf("disabled %s\n", email);
	return 0;
}

static int
cmd_gc(struct cli *c, int argc, char **argv)
{
	static const char s[] = "DELETE FROM sessions WHERE "
	    "created_at < NOW() - INTERVAL ? SECOND OR "
	    "last_seen_at < NOW() - INTERVAL ? SECOND";
	static const char f[] = "DELETE FROM login_failures WHERE "
	    "last_failure_at < NOW() - INTERVAL 1 DAY";
	unsigned long long sessions;

	(void)argv;
	if (argc != 0)
		return 2;
	if (db_exec(&c->db, NULL, NULL, s, "ii",
	    (long long)c->cfg.session_max, (long long)c->cfg.session_idle))
		return db_fail(c);
	sessions = c->db.affected;
	if (db_exec(&c->db, NULL, NULL, f, "") != 0)
		return db_fail(c);
	printf("removed %llu expired sessions, %llu old failure counts\n",
	    sessions, c->db.affected);
	return 0;
}


/* "2026-11-27", "2026-11-27T10:00:00Z", "2026-11-27 10:00:00" -> SQL. */
static int
parse_at(const char *in, char out[64])
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	size_t len = strlen(in);

	if (sscanf(in, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return -1;
	if (len > 10) {
		if ((in[10] != 'T' && in[10] != ' ') ||
		    sscanf(in + 11, "%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3)
			return -1;
		if (strcmp(in + 11 + n, "") != 0 && strcmp(in + 11 + n, "Z")
		    != 0 && strcmp(in + 11 + n, "+00:00") != 0)
			return -1;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	if (y < 1900 || y > 2200 || h < 0 || mi < 0 || sec < 0)
		return -1;
	snprintf(out, 64, "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi,
	    sec % 60);
	return 0;
}

static int
cmd_price_set(struct cli *c, int argc, char **argv)
{
	static const char q[] = "SELECT id, currency, owner_id FROM instruments "
	    "WHERE symbol = ? ORDER BY owner_id LIMIT 2";
	const char *sym = NULL, *price = NULL, *cur = NULL, *at = NULL;
	char when[64], major[4], pbuf[DEC_BUFSZ];
	struct dbres r;
	dec p, factor;
	time_t now = time(NULL);

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--currency") == 0 && i + 1 < argc)
			cur = argv[++i];
		else if (strcmp(argv[i], "--at") == 0 && i + 1 < argc)
			at = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1] == '-')
			return 2;
		else if (sym == NULL)
			sym = argv[i];
		else if (price == NULL)
			price = argv[i];
		else
			return 2;
	}
	if (sym == NULL || price == NULL)
		return 2;
	if (dec_parse(price, &p) != 0 || dec_sign(p) <= 0)
		return fail("not a price above 0: %s", price);
	if (at == NULL)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime(&now));
	else if (parse_at(at, when) != 0)
		return fail("--at takes a UTC time like 2026-11-27T16:00:00Z, "
		    "not %s", at);
	if (db_exec(&c->db, &c->a, &r, q, "s", sym) != 0)
		return db_fail(c);
	if (r.nrows == 0)
		return fail("no instrument %s", sym);
	if (r.nrows > 1 && db_int(&r, 0, 2) != 0)
		return fail("%s is the symbol of several users' own "
		    "instruments; they price them themselves", sym);
	if (cur != NULL && strcmp(cur, db_val(&r, 0, 1)) != 0) {
		/* A price in pounds for a pence-quoted instrument. */
		if (currency_major(db_val(&r, 0, 1), major, &factor) != 0 ||
		    strcmp(cur, major) != 0)
			return fail("that instrument is quoted in %s",
			    db_val(&r, 0, 1));
		p = dec_div(p, factor);
		price = dec_format(p, -1, pbuf);
	}
	if (price_set(&c->db, db_int(&r, 0, 0), price, when, "manual") != 0)
		return db_fail(c);
	printf("%s %s %s at %s UTC\n", sym, price, db_val(&r, 0, 1), when);
	return 0;
}

static int
cmd_fx_set(struct cli *c, int argc, char **argv)
{
	dec rate;

	if (argc != 3)
		return 2;
	if (!currency_valid(argv[0]) || !currency_valid(argv[1]) ||
	    strcmp(argv[0], argv[1]) == 0)
		return fail("%s", "FROM and TO are two different ISO 4217 "
		    "codes, like EUR USD");
	if (dec_parse(argv[2], &rate) != 0 || dec_sign(rate) <= 0)
		return fail("not a rate above 0: %s", argv[2]);
	if (fx_set(&c->db, argv[0], argv[1], argv[2]) != 0)
		return db_fail(c);
	printf("1 %s = %s %s\n", argv[0], argv[2], argv[1]);
	return 0;
}

static int
cmd_revalue(struct cli *c, int argc, char **argv)
{
	static const char ids[] = "SELECT " "id, user_id FROM portfolios "
	    "ORDER BY id";
	static const char run[] = "INSERT INTO valuation_runs (started_at, "
	    "prices_as_of, portfolios, duration_ms) VALUES "
	    "(NOW(3), (SELECT MAX(as_of) FROM prices), 0, 0)";
	static const char val[] = "INSERT INTO portfolio_values (run_id, "
	    "portfolio_id, value, cost, day_change, unpriced) "
	    "VALUES (?, ?, ?, ?, ?, ?)";
	static const char fin[] = "UPDATE valuation_runs SET portfolios = ?, "
	    "duration_ms = ? WHERE id = ?";
	struct timespec t0, t1;
	struct fx_table fx;
	struct dbres r;
	long long run_id, ms;
	char b1[DEC_BUFSZ], b2[DEC_BUFSZ], b3[DEC_BUFSZ];

	(void)argv;
	if (argc != 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (db_begin(&c->db) != 0)
		return db_fail(c);
	if (db_exec(&c->db, NULL, NULL, run, "") != 0)
		goto fail;
	run_id = (long long)c->db.insert_id;
	if (fx_load(&c->db, &c->a, &fx) != 0 ||
	    db_exec(&c->db, &c->a, &r, ids, "") != 0)
		goto fail;
	for (size_t i = 0; i < r.nrows; i++) {
		struct portfolio pf;
		struct pf_view v;

		if (pf_get(&c->db, &c->a, db_int(&r, i, 1), db_int(&r, i, 0),
		    &pf) != 1 ||
		    pf_value(&c->db, &c->a, &pf, &fx, time(NULL), &v) != 0)
			goto fail;
		if (db_exec(&c->db, NULL, NULL, val, "iisssi", run_id, pf.id,
		    dec_format(v.t.value, DEC_PLACES, b1),
		    dec_format(v.t.cost, DEC_PLACES, b2),
		    dec_format(v.t.day_change, DEC_PLACES, b3),
		    (long long)v.t.unpriced) != 0)
			goto fail;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) /
	    1000000;
	if (db_exec(&c->db, NULL, NULL, fin, "iii", (long long)r.nrows, ms,
	    run_id) != 0 || db_commit(&c->db) != 0)
		goto fail;
	printf("valuation run %lld: %zu portfolios in %lld ms\n", run_id,
	    r.nrows, ms);
	return 0;
fail:
	db_rollback(&c->db);
	return db_fail(c);
}

static const struct command commands[] = {
	{ "migrate", "", "apply the sql/ migrations not yet applied, in "
	    "order", cmd_migrate },
	{ "user add", "EMAIL [--admin]", "create an account; the password "
	    "is read from standard input", cmd_user_add },
	{ "user list", "", "list every account", cmd_user_list },
	{ "user disable", "EMAIL", "disable an account and end its "
	    "sessions", cmd_user_disable },
	{ "gc", "", "forget expired sessions and day-old sign-in failures",
	    cmd_gc },
	{ "price set", "SYMBOL PRICE [--currency CUR] [--at TIME]", "record "
	    "a price (default now; TIME in UTC, like 2026-11-27T16:00:00Z)",
	    cmd_price_set },
	{ "fx set", "FROM TO RATE", "record that one FROM is RATE TO",
	    cmd_fx_set },
	{ "revalue", "", "value every portfolio at the latest prices and "
	    "record the run", cmd_revalue },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

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
		return fail("configuration: %s", err);
	db_init(&c.db, &c.cfg, 1);
	arena_init(&c.a);
	/* Changes made here must reach the page workers' caches. */
	epoch_open(c.cfg.var);
	if (db_connect(&c.db) != 0) {
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
