/*
 * cmd_demo.c - nestegg demo: the demonstration account make run shows on
 * a new stack.  When it does not exist yet, it is created with a random
 * password, a USD portfolio of simulated instruments (the sim source
 * needs no network) with a few years of transactions, and yesterday's
 * closes so that today's change shows at once.  Its email and password
 * are kept in $NESTEGG_VAR/etc/demo (mode 600) and printed every time.
 * Nothing but make run calls this: no other path creates accounts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "cli.h"
#include "feeds/feed.h"
#include "import.h"
#include "instrument.h"
#include "portfolio.h"
#include "token.h"

#define DEMO_EMAIL "demo@nestegg.example"

static const struct {
	const char *symbol, *name, *kind;
	const char *buys;	/* "date:qty:price-factor%" ... */
} holdings[] = {
	{ "ACME", "Acme Corporation", "stock", "2022-03-14:40:82 2023-06-01:20:95" },
	{ "GLOBEX", "Globex Industries", "stock", "2021-11-02:120:70" },
	{ "INITECH", "Initech Software", "stock", "2023-01-17:60:104" },
	{ "WIDX", "World Index ETF (simulated)", "etf",
	    "2021-05-03:150:78 2022-05-02:50:88 2023-05-02:50:96" },
	{ "BNDX", "Global Bond ETF (simulated)", "bond", "2022-09-20:200:101" },
	{ "SIMCOIN", "Simcoin (simulated crypto)", "crypto", "2024-02-05:3:64" },
};

/* The sim price of symbol at the end of yesterday (UTC). */
static dec
yesterday_close(const char *symbol, time_t now)
{
	long end = (long)(now / 86400 * 86400) / 60 - 1;

	return feed_sim_walk(symbol, DEC_ZERO, end - 1440, end);
}

/* The portfolio's transactions as CSV (buy prices around each
 * instrument's anchor, so that some gain and some lose), opened with a
 * deposit that pays for them and leaves some cash. */
static void
transactions(struct buf *csv)
{
	struct buf buys;
	char p[DEC_BUFSZ];
	dec spent = DEC_ZERO, deposit;

	buf_init(&buys);
	for (size_t i = 0; i < sizeof(holdings) / sizeof(holdings[0]); i++) {
		const char *s = holdings[i].buys;
		char date[11];
		int qty, pct, n;

		while (sscanf(s, "%10[0-9-]:%d:%d%n", date, &qty, &pct, &n)
		    == 3) {
			dec price = dec_round(dec_div(dec_mul(feed_sim_anchor(
			    holdings[i].symbol), dec_from_int(pct)),
			    dec_from_int(100)), 2);

			spent = dec_add(spent, dec_add(dec_mul(price,
			    dec_from_int(qty)), dec_div(dec_from_int(495),
			    dec_from_int(100))));
			buf_printf(&buys, "%s,buy,%s,%d,%s,4.95,,\n", date,
			    holdings[i].symbol, qty, dec_format(price, 2, p));
			s += n;
			while (*s == ' ')
				s++;
		}
	}
	/* A tenth more than the purchases, in whole thousands. */
	deposit = dec_mul(dec_round(dec_div(dec_mul(spent, dec_from_int(11)),
	    dec_from_int(10000)), 0), dec_from_int(1000));
	buf_puts(csv, "date,type,symbol,quantity,price,fee,amount,note\n");
	buf_printf(csv, "2021-05-01,deposit,,,,,%s,Opening deposit\n",
	    dec_format(deposit, 0, p));
	buf_append(csv, buys.data, buys.len);
	buf_free(&buys);
	buf_puts(csv, "2024-03-15,dividend,ACME,,,,46.20,Quarterly dividend\n");
	buf_puts(csv, "2024-06-14,dividend,WIDX,,,,112.80,\n");
	buf_puts(csv, "2024-08-01,sell,GLOBEX,40,");
	buf_puts(csv, dec_format(dec_round(feed_sim_anchor("GLOBEX"), 2), 2,
	    p));
	buf_puts(csv, ",4.95,,Took some profit\n");
	buf_puts(csv, "2025-01-02,interest,,,,,38.50,Cash interest\n");
}

static int
save(const char *path, const char *email, const char *password)
{
	FILE *f;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || (f = fdopen(fd, "w")) == NULL)
		return -1;
	fprintf(f, "%s %s\n", email, password);
	return fclose(f);
}

int
cmd_demo(struct cli *c, int argc, char **argv)
{
	char path[600], line[200], email[100], password[TOKEN_HEX + 1];
	char when[32];
	struct portfolio pf;
	struct import_result res;
	struct import_opts o;
	struct buf csv;
	FILE *f;
	long long uid, pid, id;
	time_t now = time(NULL), y = now / 86400 * 86400 - 60;
	struct tm tm;

	(void)argv;
	if (argc != 0)
		return 2;
	snprintf(path, sizeof(path), "%s/etc/demo", c->cfg.var);
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(line, sizeof(line), f) != NULL &&
		    sscanf(line, "%99s %64s", email, password) == 2)
			printf("demo account: %s  password: %s\n", email,
			    password);
		fclose(f);
		return 0;
	}
	if (token_new(password) != 0)
		return cli_fail("%s", "no random bytes for a password");
	password[20] = '\0';
	if ((uid = auth_user_add(&c->db, DEMO_EMAIL, password, 0)) < 0)
		return cli_db_fail(c);
	if (uid == 0)
		return cli_fail("%s exists already, but its password was not "
		    "kept here", DEMO_EMAIL);
	gmtime_r(&y, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	for (size_t i = 0; i < sizeof(holdings) / sizeof(holdings[0]); i++) {
		struct instrument in;
		const char *why, *field;
		char p[DEC_BUFSZ];

		memset(&in, 0, sizeof(in));
		in.symbol = arena_strdup(&c->a, holdings[i].symbol);
		in.name = holdings[i].name;
		in.kind = holdings[i].kind;
		memcpy(in.currency, "USD", 4);
		in.source = "sim";
		if ((why = inst_check(&in, &field)) != NULL)
			return cli_fail("demo instrument: %s", why);
		if (inst_add(&c->db, uid, 0, &in, &id) < 0)
			return cli_db_fail(c);
		/* Yesterday's close, for today's change. */
		if (price_set(&c->db, id, dec_format(yesterday_close(
		    holdings[i].symbol, now), 4, p), when, "sim") != 0)
			return cli_db_fail(c);
	}
	if ((pid = pf_create(&c->db, uid, "Demo portfolio", "USD", "fifo")) < 0
	    || pf_get(&c->db, &c->a, uid, pid, &pf) != 1)
		return cli_db_fail(c);
	buf_init(&csv);
	transactions(&csv);
	memset(&o, 0, sizeof(o));
	o.dups = DUP_KEEP;
	if (import_run(&c->db, &c->a, &pf, csv.data, csv.len, &o,
	    &res) != 0) {
		buf_free(&csv);
		return cli_fail("the demo transactions were refused: %s",
		    res.nerrors ? res.errors[0].reason : c->db.errmsg);
	}
	buf_free(&csv);
	if (save(path, DEMO_EMAIL, password) != 0)
		return cli_fail("cannot write %s", path);
	printf("demo account: %s  password: %s\n", DEMO_EMAIL, password);
	return 0;
}
