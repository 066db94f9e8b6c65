/*
 * cli.h - the nestegg command-line tool: what every subcommand gets,
 * and the table of subcommands (main.c), one file per job.
 *
 * A subcommand is a function taking the tool's state and its own
 * arguments (after the command's words); it returns 0 on success, 1 on
 * failure (after saying why on standard error) and 2 for bad usage
 * (main prints the usage line).
 */
#ifndef NESTEGG_CLI_H
#define NESTEGG_CLI_H

#include <stdio.h>

#include "arena.h"
#include "config.h"
#include "db.h"

struct cli {
	struct config cfg;
	struct db db;		/* the admin account, connected */
	struct arena a;
};

struct command {
	const char *name;	/* "user add" */
	const char *args;	/* usage after the name */
	const char *help;
	int (*fn)(struct cli *, int, char **);
};

/* Prints "nestegg: " and fmt with arg to standard error (and with
 * "log = syslog", to syslog as an error); returns 1. */
int cli_fail(const char *fmt, const char *arg);

/* A job's one-line summary: printed on standard output unless quiet;
 * with "log = syslog", also sent to syslog whatever quiet says. */
void cli_job(int quiet, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Says what the database answered; returns 1. */
int cli_db_fail(struct cli *c);

/* The whole file at path, NUL-terminated (heap), or NULL. */
char *cli_read_file(const char *path, size_t *len);

/* 1 if argv holds flag. */
int cli_flag(int argc, char **argv, const char *flag);

/* Runs a valuation run (all: every portfolio) and says so; 0 or 1. */
int cli_revalue(struct cli *c, int all);

#define CMD(name) int cmd_##name(struct cli *, int, char **)
CMD(migrate);
CMD(user_add);
CMD(user_list);
CMD(user_disable);
CMD(gc);
CMD(price_set);
CMD(fx_set);
CMD(instrument_add);
CMD(instrument_list);
CMD(instrument_set);
CMD(fetch);
CMD(backfill);
CMD(revalue);
CMD(backup);
CMD(restore);
CMD(status);
CMD(schedule);
CMD(demo);
#undef CMD

#endif
