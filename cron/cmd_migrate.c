/*
 * cmd_migrate.c - nestegg migrate: applies the sql/ migrations not yet
 * applied, in order, each once (recorded in schema_migrations), then
 * derives what a migration left to derive (portfolio sums and flows).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "portfolio.h"

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
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
		return cli_fail("cannot read %s", dir);
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
		rc = cli_db_fail(c);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		long long version = strtoll(names[i], NULL, 10);
		struct dbres res;
		char *text;

		if (db_exec(&c->db, &c->a, &res, done, "i", version) != 0) {
			rc = cli_db_fail(c);
			goto out;
		}
		if (res.nrows > 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((text = cli_read_file(path, NULL)) == NULL) {
			rc = cli_fail("cannot read %s", path);
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
			rc = cli_db_fail(c);
			goto out;
		}
		printf("applied %s\n", names[i]);
		applied++;
	}
	if (applied == 0)
		printf("schema is up to date (%zu migrations)\n", n);
	{
		long derived = pf_derive_missing(&c->db);

		if (derived < 0)
			rc = cli_db_fail(c);
		else if (derived > 0)
			printf("derived the totals and flows of %ld "
			    "portfolios\n", derived);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	return rc;
}

