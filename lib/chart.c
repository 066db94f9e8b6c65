/*
 * chart.c - chart geometry (see chart.h).
 */
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"

double
chart_double(dec d)
{
	char buf[DEC_BUFSZ];

	return strtod(dec_format(d, 6, buf), NULL);
}

void
chart_fit(struct chart_box *b, double x, double y, double w, double h,
    const dec *const *v, size_t nseries, size_t len, int zero)
{
	double lo = zero ? 0 : INFINITY, hi = zero ? 0 : -INFINITY, pad;

	for (size_t k = 0; k < nseries; k++)
		for (size_t i = 0; i < len; i++) {
			double d = chart_double(v[k][i]);

			if (d < lo)
				lo = d;
			if (d > hi)
				hi = d;
		}
	if (!isfinite(lo) || !isfinite(hi))
		lo = 0, hi = 1;
	if (hi - lo < 1e-9)
		hi = lo + (fabs(lo) > 0 ? fabs(lo) * 0.1 : 1);
	pad = (hi - lo) * 0.05;
	b->x = x, b->y = y, b->w = w, b->h = h;
	b->lo = lo < 0 || !zero ? lo - pad : lo;
	b->hi = hi + pad;
}

double
chart_y(const struct chart_box *b, dec v)
{
	return b->y + b->h - (chart_double(v) - b->lo) / (b->hi - b->lo) *
	    b->h;
}

char *
chart_line(struct arena *a, const struct chart_box *b, const dec *v,
    size_t n, size_t max)
{
	size_t step = max > 1 && n > max ? (n + max - 2) / (max - 1) : 1;
	struct buf out;
	char *s;

	buf_init(&out);
	for (size_t i = 0; i < n; i += step) {
		size_t k = i + step >= n ? n - 1 : i;
		double x = b->x + (n > 1 ? b->w * (double)k / (double)(n - 1) :
		    b->w / 2);

		buf_printf(&out, "%s%.1f,%.1f", i ? " " : "", x, chart_y(b,
		    v[k]));
		if (k == n - 1)
			break;
	}
	s = arena_strdup(a, out.data ? out.data : "");
	buf_free(&out);
	return s;
}

double
chart_step(double lo, double hi, int n)
{
	double raw = (hi - lo) / (n > 0 ? n : 1), mag, f;

	if (raw <= 0 || !isfinite(raw))
		return 1;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}
