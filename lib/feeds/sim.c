/*
 * sim.c - the simulated market: a deterministic random walk per symbol,
 * one step per minute (see feed.h).  Integers and exact decimals only:
 * the same arguments give the same price on every machine.
 */
#include "feeds/feed.h"

#include <stdint.h>

#define SIM_MAX_STEPS 1440	/* one day of minutes */
#define SIM_PLACES 4

/* splitmix64's output function: a well-mixed 64-bit value of x. */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* FNV-1a of symbol ("" for NULL). */
static uint64_t
fnv1a(const char *symbol)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const char *s = symbol ? symbol : ""; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* n / 10^places, exactly (places 0..12). */
static dec
frac(long long n, int places)
{
	long long scale = 1;

	for (int i = 0; i < places; i++)
		scale *= 10;
	return dec_div(dec_from_int(n), dec_from_int(scale));
}

dec
feed_sim_anchor(const char *symbol)
{
	/* 10.00 to 500.00 */
	return frac(1000 + (long long)(mix(fnv1a(symbol)) % 49001), 2);
}

/*
 * One minute's move of p towards anchor: p * (1 + step + pull), rounded
 * to SIM_PLACES, with step in [-0.002, 0.002] from hash h and pull
 * (anchor - p) / anchor * 0.0005, its ratio held within [-1, 1].
 */
static dec
move(dec p, dec anchor, uint64_t h)
{
	dec step, ratio, pull;

	step = frac((long long)(h % 4001) - 2000, 6);
	ratio = dec_div(dec_sub(anchor, p), anchor);
	if (dec_cmp(ratio, DEC_ONE) > 0)
		ratio = DEC_ONE;
	if (dec_cmp(ratio, dec_neg(DEC_ONE)) < 0)
		ratio = dec_neg(DEC_ONE);
	pull = dec_mul(ratio, frac(5, 4));
	return dec_round(dec_mul(p, dec_add(DEC_ONE, dec_add(step, pull))),
	    SIM_PLACES);
}

dec
feed_sim_walk(const char *symbol, dec last, long from, long to)
{
	dec anchor = feed_sim_anchor(symbol), p;
	uint64_t seed = fnv1a(symbol);
	unsigned long steps;

	p = dec_bad(last) ? anchor : dec_round(last, SIM_PLACES);
	if (dec_sign(p) <= 0)
		p = anchor;
	if (to <= from)
		return p;
	steps = (unsigned long)to - (unsigned long)from;
	if (steps > SIM_MAX_STEPS)
		steps = SIM_MAX_STEPS;
	for (unsigned long k = steps; k > 0; k--) {
		long m = to - (long)(k - 1);	/* from + 1 .. to */
		dec next = move(p, anchor, mix(seed ^ mix((uint64_t)m)));

		if (dec_bad(next) || dec_sign(next) <= 0)
			break;	/* beyond what a dec holds: stay */
		p = next;
	}
	return p;
}
