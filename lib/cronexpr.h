/*
 * cronexpr.h - crontab schedules: the five time fields of a crontab line
 * (minute, hour, day of month, month, day of week), each "*", a number,
 * a range "a-b", a step "*\/n" or "a-b/n", or a comma-separated list of
 * these.  As in cron, when both day fields are restricted a day matching
 * either one matches; day of week 0 and 7 are Sunday.  Pure code.
 */
#ifndef NESTEGG_CRONEXPR_H
#define NESTEGG_CRONEXPR_H

#include <time.h>

struct cronexpr {
	unsigned long long minute;	/* bit n: minute n */
	unsigned hour;
	unsigned dom;			/* bits 1..31 */
	unsigned month;			/* bits 1..12 */
	unsigned dow;			/* bits 0..6 */
	int dom_any, dow_any;
};

/*
 * Parses the five fields at the start of line into e; *rest points at
 * what follows them (the command).  0, or -1 for a malformed schedule.
 */
int cronexpr_parse(const char *line, struct cronexpr *e, const char **rest);

/* 1 if the schedule runs at the minute of tm (a broken-down time). */
int cronexpr_match(const struct cronexpr *e, const struct tm *tm);

#endif
