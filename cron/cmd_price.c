/*
 * cmd_price.c - nestegg price set and fx set: prices and rates by hand.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "portfolio.h"

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

int
cmd_price_set(struct cli *c, int argc, char **argv)
{
	/* A shared instrument by symbol or SOURCE:SYMBOL, else a user's
	 * own when only one user has that symbol. */
	static const char q[] = "SELECT id, currency, owner_id FROM instruments "
	    "WHERE symbol = ? OR CONCAT(source, ':', source_symbol) = ? "
	    "ORDER BY owner_id LIMIT 3";
	const char *sym = NULL, *price = NULL, *cur = NULL, *at = NULL, *why;
	char when[64], major[4], pbuf[DEC_BUFSZ], given[DEC_BUFSZ];
	struct dbres r;
	dec p, factor;
	time_t now = time(NULL);
	struct tm tm;

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
	if ((why = num_parse(price, NUM_PLAIN, &p, NULL)) != NULL)
		return cli_fail("%s", arena_printf(&c->a, "price %s: %s",
		    price, why));
	if (dec_sign(p) <= 0)
		return cli_fail("price %s: a price must be above 0", price);
	/* Any number of decimals, rounded half-even to the 12 stored. */
	price = dec_format(p, -1, given);
	if (at == NULL)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime_r(&now, &tm));
	else if (parse_at(at, when) != 0)
		return cli_fail("--at takes a UTC time like 2026-11-27T16:00:00Z, "
		    "not %s", at);
	if (db_exec(&c->db, &c->a, &r, q, "ss", sym, sym) != 0)
		return cli_db_fail(c);
	if (r.nrows == 0)
		return cli_fail("no instrument %s", sym);
	if (r.nrows > 1 && (db_int(&r, 1, 2) == 0 || db_int(&r, 0, 2) != 0))
		return cli_fail("%s names several instruments; name one as "
		    "SOURCE:SYMBOL (see nestegg instrument list)", sym);
	if (cur != NULL && strcmp(cur, db_val(&r, 0, 1)) != 0) {
		/* A price in pounds for a pence-quoted instrument. */
		if (currency_major(db_val(&r, 0, 1), major, &factor) != 0 ||
		    strcmp(cur, major) != 0)
			return cli_fail("that instrument is quoted in %s",
			    db_val(&r, 0, 1));
		p = dec_div(p, factor);
		price = dec_format(p, -1, pbuf);
	}
	if (price_set(&c->db, db_int(&r, 0, 0), price, when, "manual") != 0)
		return cli_db_fail(c);
	printf("%s %s %s at %s UTC\n", sym, price, db_val(&r, 0, 1), when);
	return 0;
}

int
cmd_fx_set(struct cli *c, int argc, char **argv)
{
	char text[DEC_BUFSZ], when[64], today[11];
	const char *arg[3], *at = NULL, *why;
	int n = 0;
	time_t now = time(NULL);
	struct tm tm;
	dec rate;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--at") == 0 && i + 1 < argc)
			at = argv[++i];
		else if ((argv[i][0] == '-' && argv[i][1] == '-') || n == 3)
			return 2;
		else
			arg[n++] = argv[i];
	}
	if (n != 3)
		return 2;
	if (!currency_valid(arg[0]) || !currency_valid(arg[1]) ||
	    strcmp(arg[0], arg[1]) == 0)
		return cli_fail("%s", "FROM and TO are two different ISO 4217 "
		    "codes, like EUR USD");
	if ((why = num_parse(arg[2], NUM_PLAIN, &rate, NULL)) != NULL)
		return cli_fail("%s", arena_printf(&c->a, "rate %s: %s",
		    arg[2], why));
	if (dec_sign(rate) <= 0)
		return cli_fail("rate %s: a rate must be above 0", arg[2]);
	dec_format(rate, -1, text);
	strftime(today, sizeof(today), "%Y-%m-%d", gmtime_r(&now, &tm));
	if (at != NULL && parse_at(at, when) != 0)
		return cli_fail("--at takes a day like 2024-06-03, not %s", at);
	if (at != NULL && strncmp(when, today, 10) > 0)
		return cli_fail("--at %s is in the future", at);
	if (at != NULL && strncmp(when, today, 10) < 0) {
		/* A rate of a day past: that day's, and the series from it. */
		when[10] = '\0';
		if (fx_set_day(&c->db, arg[0], arg[1], when, text, "manual"))
			return cli_db_fail(c);
		printf("1 %s = %s %s on %s\n", arg[0], text, arg[1], when);
		return 0;
	}
	if (fx_set(&c->db, arg[0], arg[1], text, "manual") != 0)
		return cli_db_fail(c);
	printf("1 %s = %s %s\n", arg[0], text, arg[1]);
	return 0;
}
