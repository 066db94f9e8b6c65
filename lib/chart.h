/*
 * chart.h - the geometry of server-side SVG charts: numbers in, the
 * coordinates of lines and bars out (drawn by the templates).  Pure
 * code: no I/O.  Coordinates are for drawing only: binary floating
 * point is fine here, and no money comes back out.
 */
#ifndef NESTEGG_CHART_H
#define NESTEGG_CHART_H

#include <stddef.h>

#include "arena.h"
#include "money.h"

/* The plotting area of a chart's viewBox. */
struct chart_box {
	double x, y, w, h;	/* left, top, width, height */
	double lo, hi;		/* the values at the bottom and the top */
};

/*
 * A box of w x h at (x, y) whose range holds every value of the n
 * series v[k][0..len) (and 0 when zero is true), with a little room.
 */
void chart_fit(struct chart_box *b, double x, double y, double w, double h,
    const dec *const *v, size_t nseries, size_t len, int zero);

/*
 * The "x,y x,y ..." of a polyline through v[0..n), evenly spaced across
 * the box, at most max points (every k-th value, always the last), in
 * the arena.
 */
char *chart_line(struct arena *a, const struct chart_box *b, const dec *v,
    size_t n, size_t max);

/* The y of value v in the box. */
double chart_y(const struct chart_box *b, dec v);

/* A round step for about n grid lines between lo and hi. */
double chart_step(double lo, double hi, int n);

/* d as a double (for drawing). */
double chart_double(dec d);

#endif
