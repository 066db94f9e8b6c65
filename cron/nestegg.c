/*
 * nestegg.c - the command-line tool for jobs and administration.
 *
 *   nestegg migrate                  apply new sql/ migrations, in order
 *   nestegg user add EMAIL [--admin] create an account (password on stdin)
 *   nestegg user list                list accounts
 *   nestegg user disable EMAIL       disable an account, end its sessions
 *   nestegg gc                       forget expired sessions and failures
 *
 * It reaches the stack named by NESTEGG_VAR through the admin account
 * (config.h).  Exit status: 0 success, 1 failure, 2 bad usage.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mysql.h>

#include "auth.h"
#include "config.h"
#include "db.h"
#include "password.h"

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
