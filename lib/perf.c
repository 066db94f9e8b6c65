/*
 * perf.c - returns over a period (see perf.h).
 */
#include "perf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ledger.h"

/* Days from civil: the proleptic Gregorian calendar, day 0 1970-01-01. */
long
perf_daynum(const char *ymd)
{
	long y = strtol(ymd, NULL, 10), m = strtol(ymd + 5, NULL, 10);
	long d = strtol(ymd + 8, NULL, 10), era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
perf_ymd(long z, char out[11])
{
	long era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	y %= 10000;
	out[0] = (char)('0' + y / 1000), out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10), out[3] = (char)('0' + y % 10);
	out[5] = (char)('0' + m / 10), out[6] = (char)('0' + m % 10);
	out[8] = (char)('0' + d / 10), out[9] = (char)('0' + d % 10);
	out[4] = out[7] = '-';
	out[10] = '\0';
}

/* The same day months earlier (the month's last day if shorter). */
static long
months_back(const char *ymd, int months)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	long y = strtol(ymd, NULL, 10), m = strtol(ymd + 5, NULL, 10);
	long d = strtol(ymd + 8, NULL, 10), last;
	char buf[32];

	m -= months;
	while (m < 1)
		m += 12, y--;
	last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0));
	if (d > last)
		d = last;
	snprintf(buf, sizeof(buf), "%04ld-%02ld-%02ld", y % 10000, m % 100,
	    d % 100);
	return perf_daynum(buf);
}

int
perf_range(const char *period, const char *first, const char *today,
    char from[11], char to[11])
{
	static const struct {
		const char *name;
		int days, months;
	} p[] = {
		{ "1D", 1, 0 }, { "1W", 7, 0 }, { "1M", 0, 1 }, { "3M", 0, 3 },
		{ "1Y", 0, 12 }, { "3Y", 0, 36 }, { "5Y", 0, 60 },
		{ "YTD", 0, 0 }, { "MAX", 0, 0 },
	};
	long start = -1, f = perf_daynum(first), t = perf_daynum(today);

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		if (strcasecmp(period, p[i].name) != 0)
			continue;
		if (p[i].days)
			start = t - p[i].days;
		else if (p[i].months)
			start = months_back(today, p[i].months);
		else if (strcasecmp(period, "YTD") == 0) {
			char jan1[11];

			snprintf(jan1, sizeof(jan1), "%.4s-01-01", today);
			start = perf_daynum(jan1) - 1;
		} else
			start = f;
	}
	if (start < 0 && strcasecmp(period, "MAX") != 0)
		return -1;
	if (start < f)
		start = f;
	if (start > t)
		start = t;
	perf_ymd(start, from);
	perf_ymd(t, to);
	return 0;
}

/* sum(amount / (1 + r)^t) and its derivative, t in years. */
static void
npv(const struct xirr_flow *f, size_t n, double r, double *v, double *dv)
{
	/* (1 + r)^-t as exp(-t log(1 + r)): one logarithm a call. */
	double s = 0, ds = 0, l = log1p(r);

	for (size_t i = 0; i < n; i++) {
		double t = (double)(f[i].day - f[0].day) / 365.0;
		double p = exp(-t * l);

		s += f[i].amount * p;
		ds -= t * f[i].amount * p / (1.0 + r);
	}
	*v = s;
	*dv = ds;
}

int
perf_xirr(const struct xirr_flow *f, size_t n, double *rate)
{
	double r = 0.1, v, dv, lo, hi, vlo, vhi, scale = 0;
	int pos = 0, neg = 0;

	for (size_t i = 0; i < n; i++) {
		pos |= f[i].amount > 0;
		neg |= f[i].amount < 0;
		scale += fabs(f[i].amount);
	}
	if (!pos || !neg)
		return -1;
	/* Newton from 10%, while it stays in range and converges. */
	for (int k = 0; k < 100; k++) {
		double next;

		npv(f, n, r, &v, &dv);
		if (fabs(v) < 1e-9 * scale) {
			*rate = r;
			return 0;
		}
		if (dv == 0 || !isfinite(dv))
			break;
		next = r - v / dv;
		if (!isfinite(next) || next <= -1.0)
			break;
		if (fabs(next - r) < 1e-12) {
			*rate = next;
			return 0;
		}
		r = next;
	}
	/* Bisection over a bracket where the value changes sign: from
	 * just above -100% upwards. */
	lo = -1.0 + 1e-12;
	npv(f, n, lo, &vlo, &dv);
	for (hi = 0.0; hi < 1e300; hi = hi == 0 ? 0.5 : hi * 16) {
		npv(f, n, hi, &vhi, &dv);
		if (isfinite(vhi) && isfinite(vlo) && (vlo < 0) != (vhi < 0))
			break;
		lo = hi, vlo = vhi;
	}
	if (hi >= 1e300 || !isfinite(vlo) || !isfinite(vhi) ||
	    (vlo < 0) == (vhi < 0))
		return -1;
	for (int k = 0; k < 300; k++) {
		double mid = (lo + hi) / 2, vm;

		npv(f, n, mid, &vm, &dv);
		if ((vm < 0) == (vlo < 0))
			lo = mid, vlo = vm;
		else
			hi = mid;
		if (hi - lo < 1e-13 * (1 + fabs(lo)))
			break;
	}
	*rate = (lo + hi) / 2;
	return 0;
}

/* A rate as an exact decimal, rounded to 12 places from its text. */
static dec
rate_dec(double r)
{
	char buf[64];
	dec d;

	snprintf(buf, sizeof(buf), "%.12f", r);
	if (dec_parse_round(buf, strlen(buf), 12, &d, NULL) != 0)
		return DEC_NAN;
	return d;
}

static double
to_double(dec d)
{
	char buf[DEC_BUFSZ];

	return strtod(dec_format(d, -1, buf), NULL);
}

const char *const perf_missing_reasons[PERF__MAX] = {
	NULL, "no capital", "no answer", "too large", "under a year",
};

const char *const perf_missing_sentences[PERF__MAX] = {
	NULL,
	"Nothing was invested over this period.",
	"No rate of return fits these flows.",
	"Too large to show: the period is short for so large a change.",
	"Shown for periods over a year.",
};

/* A return of 10^26 or more, as a fraction, is past what a dec holds
 * (XIRR's annualising takes a fortnight's tenfold rise there). */
#define RETURN_MAX 1e26

/* Sets *has, *why and *out from a rate r computed in binary. */
static void
take_rate(double r, int *has, enum perf_missing *why, dec *out)
{
	*has = 0;
	if (!isfinite(r) || fabs(r) >= RETURN_MAX) {
		*why = PERF_TOO_LARGE;
		return;
	}
	*out = rate_dec(r);
	if (dec_bad(*out)) {
		*why = PERF_TOO_LARGE;
		return;
	}
	*has = 1;
	*why = PERF_HAS;
}

/*
 * Links days[i] into *growth: its growth over the day before's close
 * (from nothing, for i == 0 with zero: the day's money in is its
 * capital, and its close with what went out that day what became of it,
 * so that a buy and a sell of the first day are money in and money out,
 * not their balance).  Returns 1, or 0 when the day had no capital (and
 * so earned nothing).
 */
static int
link_day(const struct perf_day *days, size_t i, int zero, dec *growth)
{
	const struct perf_day *d = &days[i];

	if (i == 0) {
		dec in = dec_sign(d->inflow) > 0 ? d->inflow : d->flow;

		if (!zero || dec_sign(in) <= 0)
			return 0;
		*growth = dec_div(dec_mul(*growth, dec_add(d->value,
		    dec_sub(in, d->flow))), in);
		return 1;
	}
	if (dec_sign(days[i - 1].value) <= 0)
		return 0;
	*growth = dec_div(dec_mul(*growth, dec_sub(d->value, d->flow)),
	    days[i - 1].value);
	return 1;
}

void
perf_growth(const struct perf_day *days, size_t n, int zero, dec *growth)
{
	dec g = DEC_ONE;

	for (size_t i = 0; i < n; i++) {
		link_day(days, i, zero, &g);
		growth[i] = g;
	}
}

/* perf_period(), or with zero perf_period_from_zero(). */
static void
period(const struct perf_day *days, size_t n, int zero,
    struct perf_result *out)
{
	dec growth = DEC_ONE;
	struct xirr_flow *f;
	size_t nf = 0;
	int capital = 0;
	double r;

	memset(out, 0, sizeof(*out));
	out->twr_why = out->irr_why = PERF_NO_CAPITAL;
	out->twr_annual_why = PERF_SHORT;
	if (n == 0)
		return;
	out->start_value = zero ? DEC_ZERO : days[0].value;
	out->end_value = days[n - 1].value;
	out->days = (int)(perf_daynum(days[n - 1].day) -
	    perf_daynum(days[0].day));
	/* One day from its close to itself: nothing earned, not nothing
	 * invested. */
	capital = n == 1 && !zero && dec_sign(days[0].value) > 0;
	for (size_t i = zero ? 0 : 1; i < n; i++) {
		const struct perf_day *d = &days[i];

		out->net_flows = dec_add(out->net_flows, d->flow);
		out->income = dec_add(out->income, d->income);
		out->fees = dec_add(out->fees, d->fees);
		out->fx = dec_add(out->fx, d->fx);
		capital |= link_day(days, i, zero, &growth);
	}
	out->gain = dec_sub(dec_sub(out->end_value, out->start_value),
	    out->net_flows);
	out->price_gain = dec_sub(dec_add(dec_sub(out->gain, out->income),
	    out->fees), out->fx);
	out->has_twr = capital && !dec_bad(growth) &&
	    dec_storable(dec_sub(growth, DEC_ONE));
	out->twr_why = !capital ? PERF_NO_CAPITAL : !out->has_twr ?
	    PERF_TOO_LARGE : PERF_HAS;
	if (out->has_twr) {
		out->twr = dec_sub(growth, DEC_ONE);
		if (out->days <= 365)
			out->twr_annual_why = PERF_SHORT;
		else if (dec_sign(growth) <= 0)
			out->twr_annual_why = PERF_NO_ANSWER;
		else
			take_rate(pow(to_double(growth), 365.0 / out->days) -
			    1.0, &out->has_twr_annual, &out->twr_annual_why,
			    &out->twr_annual);
	} else if (out->days > 365)
		out->twr_annual_why = out->twr_why;
	/* Money-weighted: the investor pays the start value and each flow
	 * in, and gets the end value out. */
	out->irr_why = capital ? PERF_NO_ANSWER : PERF_NO_CAPITAL;
	if (out->days == 0)
		return;
	f = malloc((n + 1) * sizeof(*f));
	if (f == NULL)
		return;
	f[nf].day = perf_daynum(days[0].day);
	f[nf++].amount = -to_double(zero ? days[0].flow : days[0].value);
	for (size_t i = 1; i < n; i++)
		if (!dec_is_zero(days[i].flow)) {
			f[nf].day = perf_daynum(days[i].day);
			f[nf++].amount = -to_double(days[i].flow);
		}
	f[nf].day = perf_daynum(days[n - 1].day);
	f[nf++].amount = to_double(days[n - 1].value);
	if (perf_xirr(f, nf, &r) == 0)
		take_rate(r, &out->has_irr, &out->irr_why, &out->irr);
	else if (out->twr_why == PERF_TOO_LARGE || (out->has_twr &&
	    dec_sign(growth) > 0 && log(to_double(growth)) * 365.0 /
	    out->days >= log(RETURN_MAX)))
		out->irr_why = PERF_TOO_LARGE;	/* past a double, even */
	free(f);
}

void
perf_period(const struct perf_day *days, size_t n, struct perf_result *out)
{
	period(days, n, 0, out);
}

void
perf_period_from_zero(const struct perf_day *days, size_t n,
    struct perf_result *out)
{
	period(days, n, 1, out);
}

void
perf_span(const struct perf_day *days, size_t a, size_t b,
    struct perf_result *out)
{
	period(days + a, b - a, a == 0, out);
}

int
perf_benchmark(const struct perf_day *days, const dec *price, size_t n,
    dec *twr, dec *values)
{
	dec units, p;
	size_t k = 0;

	while (k < n && dec_sign(price[k]) <= 0)
		values[k] = days[k].value, k++;
	if (k == n)
		return -1;
	p = price[k];
	units = dec_div(days[k].value, p);
	values[k] = days[k].value;
	for (size_t i = k + 1; i < n; i++) {
		if (dec_sign(price[i]) > 0)
			p = price[i];
		units = dec_add(units, dec_div(days[i].flow, p));
		values[i] = dec_mul(units, p);
	}
	*twr = dec_sub(dec_div(p, price[k]), DEC_ONE);
	return (int)k;
}

const char *
perf_choose(const char *period, const char *dflt, const char *given_from,
    const char *given_to, const char *first, const char *last,
    const char *today, char from[11], char to[11], const char **field)
{
	if (*given_from == '\0' && *given_to == '\0') {
		*field = "period";
		if (perf_range(*period ? period : dflt, first, today, from,
		    to) != 0)
			return "Choose a period: 1D, 1W, 1M, 3M, YTD, 1Y, 3Y, "
			    "5Y or MAX.";
		return NULL;
	}
	snprintf(from, 11, "%s", first);
	snprintf(to, 11, "%s", last);
	*field = "from";
	if (*given_from && ledger_date(given_from, from) != NULL)
		return "Give from as YYYY-MM-DD.";
	*field = "to";
	if (*given_to && ledger_date(given_to, to) != NULL)
		return "Give to as YYYY-MM-DD.";
	*field = "from";
	if (strcmp(from, to) > 0)
		return "from is after to.";
	return NULL;
}
