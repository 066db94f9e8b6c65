/*
 * cmd_user.c - nestegg user add, user list, user disable.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "cli.h"
#include "epoch.h"
#include "password.h"

int
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
		return cli_fail("%s", why);
	if (isatty(STDIN_FILENO))
		fputs("Password: ", stderr);
	if (fgets(line, sizeof(line), stdin) == NULL)
		return cli_fail("%s", "no password on standard input");
	line[strcspn(line, "\r\n")] = '\0';
	if ((why = password_policy(line)) != NULL)
		return cli_fail("password: %s", why);
	id = auth_user_add(&c->db, email, line, admin);
	explicit_bzero(line, sizeof(line));
	if (id < 0)
		return cli_db_fail(c);
	if (id == 0)
		return cli_fail("an account for %s already exists", email);
	printf("created %s (id %lld)%s\n", email, id, admin ? ", admin" : "");
	return 0;
}

int
cmd_user_list(struct cli *c, int argc, char **argv)
{
	static const char q[] = "SELECT id, email, is_admin, created_at, "
	    "disabled_at FROM users ORDER BY id";
	struct dbres res;

	(void)argv;
	if (argc != 0)
		return 2;
	if (db_exec(&c->db, &c->a, &res, q, "") != 0)
		return cli_db_fail(c);
	printf("%-6s %-40s %-5s %-19s %s\n", "id", "email", "admin",
	    "created", "disabled");
	for (size_t i = 0; i < res.nrows; i++)
		printf("%-6s %-40s %-5s %-19s %s\n", db_val(&res, i, 0),
		    db_val(&res, i, 1), db_int(&res, i, 2) ? "yes" : "no",
		    db_val(&res, i, 3),
		    db_val(&res, i, 4) ? db_val(&res, i, 4) : "-");
	return 0;
}

int
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
		return cli_fail("not an email address: %s", argv[0]);
	for (int tries = 0;;) {
		if (db_begin(&c->db) == 0 &&
		    db_exec(&c->db, NULL, NULL, q, "s", email) == 0) {
			if (c->db.affected == 0) {
				db_rollback(&c->db);
				return cli_fail("no enabled account for %s",
				    email);
			}
			if (db_exec(&c->db, NULL, NULL, end, "s", email) == 0 &&
			    db_commit(&c->db) == 0)
				break;
		}
		db_rollback(&c->db);
		if (!db_again(&c->db, &tries))
			return cli_db_fail(c);
	}
	epoch_bump(EPOCH_AUTH);
	printf("disabled %s\n", email);
	return 0;
}

