/*
 * cronexpr.c - crontab schedules (see cronexpr.h).
 */
#include "cronexpr.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A number at *p within [lo, hi]; advances *p.  0, or -1. */
static int
number(const char **p, int lo, int hi, int *out)
{
	int n = 0, digits = 0;

	while (isdigit((unsigned char)**p) && digits < 3) {
		n = n * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	if (digits == 0 || isdigit((unsigned char)**p) || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

/* One field at *p into *bits; *any set for "*".  0, or -1. */
static int
field(const char **p, int lo, int hi, unsigned long long *bits, int *any)
{
	*bits = 0;
	*any = 0;
	for (;;) {
		int a = lo, b = hi, step = 1;

		if (**p == '*') {
			(*p)++;
			if (**p != '/')
				*any = 1;
		} else {
			if (number(p, lo, hi, &a) != 0)
				return -1;
			b = a;
			if (**p == '-') {
				(*p)++;
				if (number(p, lo, hi, &b) != 0 || b < a)
					return -1;
			}
		}
		if (**p == '/') {
			(*p)++;
			if (number(p, 1, hi, &step) != 0)
				return -1;
			if (b == a && step > 1)
				b = hi;		/* "5/10": from 5 on */
		}
		for (int n = a; n <= b; n += step)
			*bits |= 1ULL << n;
		if (**p != ',')
			break;
		(*p)++;
		*any = 0;
	}
	return **p == ' ' || **p == '\t' ? 0 : -1;
}

static void
skip(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

int
cronexpr_parse(const char *line, struct cronexpr *e, const char **rest)
{
	const char *p = line;
	unsigned long long b;
	int any;

	memset(e, 0, sizeof(*e));
	skip(&p);
	if (field(&p, 0, 59, &e->minute, &any) != 0)
		return -1;
	skip(&p);
	if (field(&p, 0, 23, &b, &any) != 0)
		return -1;
	e->hour = (unsigned)b;
	skip(&p);
	if (field(&p, 1, 31, &b, &e->dom_any) != 0)
		return -1;
	e->dom = (unsigned)b;
	skip(&p);
	if (field(&p, 1, 12, &b, &any) != 0)
		return -1;
	e->month = (unsigned)b;
	skip(&p);
	if (field(&p, 0, 7, &b, &e->dow_any) != 0)
		return -1;
	if (b & (1ULL << 7))
		b |= 1;			/* 7 is Sunday too */
	e->dow = (unsigned)(b & 0x7f);
	skip(&p);
	if (*p == '\0' || *p == '\n')
		return -1;		/* no command */
	*rest = p;
	return 0;
}

int
cronexpr_match(const struct cronexpr *e, const struct tm *tm)
{
	int dom = (e->dom >> tm->tm_mday) & 1;
	int dow = (e->dow >> tm->tm_wday) & 1;
	int day;

	if (!((e->minute >> tm->tm_min) & 1) || !((e->hour >> tm->tm_hour) & 1)
	    || !((e->month >> (tm->tm_mon + 1)) & 1))
		return 0;
	if (e->dom_any || e->dow_any)
		day = dom && dow;
	else
		day = dom || dow;
	return day;
}
