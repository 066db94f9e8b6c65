/*
 * money.c - exact decimal arithmetic (see money.h).
 */
#include "money.h"

#include <stdint.h>
#include <string.h>

#define SCALE ((__int128)1000000000000LL)	/* 10^12 */
#define I128_MAX ((__int128)(((unsigned __int128)1 << 127) - 1))
#define I128_MIN (-I128_MAX - 1)

const dec DEC_ZERO = { 0 };
const dec DEC_ONE = { SCALE };
const dec DEC_NAN = { I128_MIN };

static dec
mk(__int128 v)
{
	dec d;

	d.v = v;
	return d;
}

int
dec_bad(dec a)
{
	return a.v == I128_MIN;
}

int
dec_storable(dec d)
{
	static const __int128 limit = (__int128)1000000000000000000LL * SCALE;

	return !dec_bad(d) && d.v < limit && d.v > -limit;
}

/* 10^n for n in 0..18. */
static const unsigned long long pow10_u64[] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
	10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
	100000000000ULL, 1000000000000ULL, 10000000000000ULL,
	100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL,
};

/*
 * The common case of dec_parsen: at most 18 integer digits and 12
 * decimals, read in 64-bit arithmetic.  0, or -1 to take the general
 * path (which also decides what is malformed).
 */
static int
parse_fast(const char *s, size_t len, dec *out)
{
	unsigned long long ip = 0, fp = 0;
	size_t i = 0;
	int neg = 0, nint = 0, nfrac = 0;

	if (len > 0 && (s[0] == '-' || s[0] == '+'))
		neg = s[i++] == '-';
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, nint++)
		ip = ip * 10 + (unsigned long long)(s[i] - '0');
	if (i < len && s[i] == '.')
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, nfrac++)
			fp = fp * 10 + (unsigned long long)(s[i] - '0');
	if (i != len || nint > 18 || nfrac > DEC_PLACES || nint + nfrac == 0)
		return -1;
	out->v = (__int128)ip * SCALE + (__int128)(fp *
	    pow10_u64[DEC_PLACES - nfrac]);
	if (neg)
		out->v = -out->v;
	return 0;
}

int
dec_parsen(const char *s, size_t len, dec *out)
{
	__int128 v = 0;
	size_t i = 0;
	int neg = 0, digits = 0, places = 0, dot = 0;

	if (len <= 32 && parse_fast(s, len, out) == 0)
		return 0;

	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i++;
	}
	for (; i < len; i++) {
		char c = s[i];

		if (c == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (c < '0' || c > '9')
			return -1;
		if (dot && ++places > DEC_PLACES)
			return -1;
		if (v > (I128_MAX - 9) / 10)
			return -1;
		v = v * 10 + (c - '0');
		digits++;
	}
	if (digits == 0)
		return -1;
	for (; places < DEC_PLACES; places++) {
		if (v > I128_MAX / 10)
			return -1;
		v *= 10;
	}
	if (v >= I128_MAX / 1000)	/* keep head room for sums */
		return -1;
	out->v = neg ? -v : v;
	return 0;
}

/* 1 if s[0..len) is an optional sign, digits and at most one '.'. */
static int
plain_number(const char *s, size_t len)
{
	size_t i = 0, nd = 0;
	int dot = 0;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < len; i++) {
		if (s[i] == '.' && !dot)
			dot = 1;
		else if (s[i] >= '0' && s[i] <= '9')
			nd++;
		else
			return 0;
	}
	return nd > 0;
}

const char *
num_parse(const char *s, enum num_style style, dec *out, int *rounded)
{
	char buf[128];
	size_t n = 0, len = strlen(s), group = 0;
	char mark = style == NUM_COMMA ? ',' : '.';
	char sep = style == NUM_COMMA ? '.' : ',';
	int seen_mark = 0, seen_sep = 0, r = 0;
	dec v;

	if (len == 0)
		return "Enter a number.";
	if (len >= sizeof(buf))
		return "That is not a number: it is too long.";
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (style != NUM_PLAIN && !seen_mark && (c == sep ||
		    c == ' ' || c == '\'')) {
			/* Thousands: groups of three digits. */
			if (n == 0 || group == 0 || (seen_sep && group != 3))
				return style == NUM_COMMA ? "Write the number "
				    "like 1.234,56: a comma for decimals." :
				    "Write the number like 1,234.56: a point "
				    "for decimals.";
			seen_sep = 1, group = 0;
			continue;
		}
		if (c == mark) {
			if (seen_sep && group != 3)
				break;
			seen_mark = 1;
			buf[n++] = '.';
			continue;
		}
		if (c >= '0' && c <= '9')
			group++;
		buf[n++] = c;
	}
	if (seen_sep && !seen_mark && group != 3)
		return style == NUM_COMMA ? "Write the number like 1.234,56: a "
		    "comma for decimals." : "Write the number like 1,234.56: "
		    "a point for decimals.";
	buf[n] = '\0';
	if (style == NUM_PLAIN && strchr(s, ',') != NULL)
		return "Use a point for decimals and no thousands separators, "
		    "like 1234.56.";
	if (dec_parse_round(buf, n, DEC_PLACES, &v, &r) != 0) {
		if (plain_number(buf, n))
			return "That number is too large: at most 18 digits "
			    "before the decimal point.";
		return style == NUM_COMMA ? "That is not a number like "
		    "1.234,56." : "That is not a number like 1234.56.";
	}
	if (!dec_storable(v))
		return "That number is too large: at most 18 digits before "
		    "the decimal point.";
	*out = v;
	if (r && rounded)
		*rounded = 1;
	return NULL;
}

int
dec_parse_round(const char *s, size_t len, int places, dec *out,
    int *rounded)
{
	char digits[80];		/* significant digits, no leading 0s */
	size_t i = 0, nd = 0, keep;
	long exp10 = 0, e = 0;		/* value = digits x 10^exp10 */
	int neg = 0, seen = 0, dot = 0, lost = 0, esign = 1;
	__int128 v = 0;

	if (places < 0 || places > DEC_PLACES)
		return -1;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < len; i++) {
		char c = s[i];

		if (c == '.' && !dot) {
			dot = 1;
			continue;
		}
		if (c < '0' || c > '9')
			break;
		seen = 1;
		if (dot)
			exp10--;
		if (nd == 0 && c == '0')
			continue;
		if (nd < sizeof(digits))
			digits[nd++] = c;
		else {
			/* Beyond 80 significant digits: only whether
			 * anything non-zero follows can matter. */
			exp10++;
			lost |= c != '0';
		}
	}
	if (!seen)
		return -1;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t start;

		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			esign = s[i++] == '-' ? -1 : 1;
		start = i;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			if (e < 100000)
				e = e * 10 + (s[i] - '0');
		if (i == start)
			return -1;
		exp10 += esign * e;
	}
	if (i != len)
		return -1;
	/* Keep the digits down to 10^-places; round on the rest. */
	if (nd == 0)
		keep = 0;
	else if (exp10 + places >= 0)
		keep = nd;
	else if ((long)nd + exp10 + places <= 0)
		keep = 0;
	else
		keep = (size_t)((long)nd + exp10 + places);
	for (size_t k = 0; k < keep; k++) {
		if (v > (I128_MAX - 9) / 10)
			return -1;
		v = v * 10 + (digits[k] - '0');
	}
	if (keep < nd || lost) {
		int first = 0, rest = lost, up;

		if (keep < nd && (long)nd + exp10 + places >= 0)
			first = digits[keep] - '0';
		else if (keep < nd)
			rest = 1;	/* every digit is far below */
		for (size_t k = keep + 1; k < nd; k++)
			rest |= digits[k] != '0';
		if (keep < nd && (long)nd + exp10 + places < 0)
			first = 0;
		up = first > 5 || (first == 5 && (rest || (v & 1)));
		if (up)
			v++;
		if (rounded)
			*rounded = first != 0 || rest;
	} else if (rounded)
		*rounded = 0;
	/* Scale what was kept to 10^-DEC_PLACES. */
	{
		long shift = DEC_PLACES;

		if (keep == nd && !lost)
			shift = DEC_PLACES + exp10;
		else
			shift = DEC_PLACES - places;
		for (; shift > 0; shift--) {
			if (v > I128_MAX / 10)
				return -1;
			v *= 10;
		}
		for (; shift < 0; shift++)	/* not reached: kept digits */
			v /= 10;		/* are never below 10^-places */
	}
	if (v >= I128_MAX / 1000)
		return -1;
	out->v = neg ? -v : v;
	return 0;
}

int
dec_parse(const char *s, dec *out)
{
	return dec_parsen(s, strlen(s), out);
}

dec
dec_from_int(long long n)
{
	return mk((__int128)n * SCALE);
}

dec
dec_add(dec a, dec b)
{
	__int128 r;

	if (dec_bad(a) || dec_bad(b) || __builtin_add_overflow(a.v, b.v, &r) ||
	    r == I128_MIN)
		return DEC_NAN;
	return mk(r);
}

dec
dec_neg(dec a)
{
	return dec_bad(a) ? DEC_NAN : mk(-a.v);
}

dec
dec_sub(dec a, dec b)
{
	return dec_add(a, dec_neg(b));
}

dec
dec_abs(dec a)
{
	return a.v < 0 ? dec_neg(a) : a;
}

/* Divides n by d (d > 0) rounding half-even. */
static __int128
div_round(__int128 n, __int128 d)
{
	__int128 q = n / d, r = n % d;
	__int128 twice;

	if (r < 0)
		r = -r;
	twice = r * 2;		/* r < d, so no overflow while d < 2^126 */
	if (twice > d || (twice == d && (q & 1)))
		q += n < 0 ? -1 : 1;
	return q;
}

dec
dec_mul(dec a, dec b)
{
	__int128 ah, al, bh, bl, t, r = 0;
	int neg;

	if (dec_bad(a) || dec_bad(b))
		return DEC_NAN;
	neg = (a.v < 0) != (b.v < 0);
	if (a.v < 0)
		a.v = -a.v;
	if (b.v < 0)
		b.v = -b.v;
	/* Both below 2^63 (amounts below about 9 million): the whole
	 * product fits, and one division rounds it. */
	if (a.v < ((__int128)1 << 63) && b.v < ((__int128)1 << 63)) {
		unsigned __int128 p = (unsigned __int128)a.v *
		    (unsigned __int128)b.v;
		unsigned long long rem;
		unsigned __int128 q;

		q = p / (unsigned long long)SCALE;
		rem = (unsigned long long)(p - q * (unsigned long long)SCALE);
		if (rem * 2 > (unsigned long long)SCALE ||
		    (rem * 2 == (unsigned long long)SCALE && (q & 1)))
			q++;
		if (q > (unsigned __int128)I128_MAX)
			return DEC_NAN;
		return mk(neg ? -(__int128)q : (__int128)q);
	}
	/* a*b/S = ah*bh*S + ah*bl + al*bh + al*bl/S */
	ah = a.v / SCALE, al = a.v % SCALE;
	bh = b.v / SCALE, bl = b.v % SCALE;
	if (__builtin_mul_overflow(ah, bh, &t) ||
	    __builtin_mul_overflow(t, SCALE, &t) ||
	    __builtin_add_overflow(r, t, &r) ||
	    __builtin_mul_overflow(ah, bl, &t) ||
	    __builtin_add_overflow(r, t, &r) ||
	    __builtin_mul_overflow(al, bh, &t) ||
	    __builtin_add_overflow(r, t, &r))
		return DEC_NAN;
	t = al * bl;		/* < 10^24 */
	{
		__int128 q = t / SCALE, rem = t % SCALE;

		if (rem * 2 > SCALE || (rem * 2 == SCALE && ((r + q) & 1)))
			q++;
		if (__builtin_add_overflow(r, q, &r))
			return DEC_NAN;
	}
	return mk(neg ? -r : r);
}

dec
dec_div_places(dec a, dec b, int places)
{
	unsigned __int128 n, d, r, q;
	int neg;

	if (dec_bad(a) || dec_bad(b) || b.v == 0)
		return DEC_NAN;
	if (places < 0)
		places = 0;
	if (places > DEC_PLACES)
		places = DEC_PLACES;
	neg = (a.v < 0) != (b.v < 0);
	n = (unsigned __int128)(a.v < 0 ? -a.v : a.v);
	d = (unsigned __int128)(b.v < 0 ? -b.v : b.v);
	/* Both carry the same scale, so n / d is the quotient itself.  A
	 * divisor so large that r * 10 could wrap is scaled down with the
	 * dividend; what that drops is far below the last decimal kept. */
	while (d > (~(unsigned __int128)0) / 10) {
		n >>= 4;
		d >>= 4;
	}
	{
		/* n x 10^places fits: one division gives the same quotient
		 * and remainder as the long division below. */
		unsigned __int128 scale = 1;

		for (int i = 0; i < places; i++)
			scale *= 10;
		if (n <= (~(unsigned __int128)0) / scale) {
			q = n * scale / d;
			r = n * scale - q * d;
			if (q > (unsigned __int128)I128_MAX)
				return DEC_NAN;
			goto rounded;
		}
	}
	q = n / d;
	r = n % d;
	if (q > (unsigned __int128)I128_MAX)
		return DEC_NAN;
	/* Long division: one decimal at a time, then one rounding. */
	for (int i = 0; i < places; i++) {
		if (q > ((unsigned __int128)I128_MAX - 9) / 10)
			return DEC_NAN;
		r *= 10;
		q = q * 10 + r / d;
		r %= d;
	}
rounded:
	if (r > d - r || (r == d - r && (q & 1)))
		q++;
	for (int i = places; i < DEC_PLACES; i++) {
		if (q > (unsigned __int128)I128_MAX / 10)
			return DEC_NAN;
		q *= 10;
	}
	if (q >= (unsigned __int128)I128_MAX)
		return DEC_NAN;
	return mk(neg ? -(__int128)q : (__int128)q);
}

dec
dec_div(dec a, dec b)
{
	return dec_div_places(a, b, DEC_PLACES);
}

dec
dec_round(dec a, int places)
{
	__int128 unit = 1;

	if (dec_bad(a))
		return a;
	if (places < 0)
		places = 0;
	for (int i = places; i < DEC_PLACES; i++)
		unit *= 10;
	return mk(div_round(a.v, unit) * unit);
}

int
dec_cmp(dec a, dec b)
{
	return a.v < b.v ? -1 : a.v > b.v;
}

int
dec_is_zero(dec a)
{
	return a.v == 0;
}

int
dec_sign(dec a)
{
	return a.v < 0 ? -1 : a.v > 0;
}

static char *
format(dec d, int places, char *buf, int group)
{
	char digits[64];
	size_t n = 0, intlen, o = 0;
	__int128 v;
	int neg;

	if (dec_bad(d)) {
		strcpy(buf, "NaN");
		return buf;
	}
	if (places > DEC_PLACES)
		places = DEC_PLACES;
	if (places >= 0)
		d = dec_round(d, places);
	neg = d.v < 0;
	v = neg ? -d.v : d.v;
	/* Digits, last first, 18 at a time in 64-bit arithmetic. */
	do {
		unsigned long long chunk = (unsigned long long)(v %
		    (__int128)1000000000000000000LL);
		int k = 0;

		v /= (__int128)1000000000000000000LL;
		do {
			digits[n++] = (char)('0' + (int)(chunk % 10));
			chunk /= 10;
			k++;
		} while (v > 0 ? k < 18 : chunk > 0);
	} while (v > 0);
	while (n <= DEC_PLACES)
		digits[n++] = '0';
	/* digits[] is reversed: [0..11] decimals, the rest the integer. */
	if (places < 0) {
		places = DEC_PLACES;
		while (places > 0 && digits[DEC_PLACES - places] == '0')
			places--;
	}
	intlen = n - DEC_PLACES;
	if (neg && (d.v != 0))
		buf[o++] = '-';
	for (size_t i = 0; i < intlen; i++) {
		buf[o++] = digits[n - 1 - i];
		if (group && (intlen - 1 - i) % 3 == 0 && i + 1 < intlen)
			buf[o++] = ',';
	}
	if (places > 0) {
		buf[o++] = '.';
		for (int i = 0; i < places; i++)
			buf[o++] = digits[DEC_PLACES - 1 - i];
	}
	buf[o] = '\0';
	if (neg && strspn(buf + 1, "0.,") == strlen(buf + 1))
		memmove(buf, buf + 1, o);	/* no "-0.00" */
	return buf;
}

char *
dec_format(dec d, int places, char *buf)
{
	return format(d, places, buf, 0);
}

char *
dec_format_grouped(dec d, int places, char *buf)
{
	return format(d, places, buf, 1);
}

int
currency_valid(const char *c)
{
	return c != NULL && strlen(c) == 3 && c[0] >= 'A' && c[0] <= 'Z' &&
	    c[1] >= 'A' && c[1] <= 'Z' && c[2] >= 'A' && c[2] <= 'Z';
}

int
currency_major(const char *code, char major[4], dec *factor)
{
	static const struct { const char *minor, *major; } minors[] = {
		{ "GBp", "GBP" }, { "GBX", "GBP" }, { "ZAc", "ZAR" },
		{ "ZAC", "ZAR" }, { "ILA", "ILS" },
	};

	if (code == NULL || strlen(code) != 3)
		return -1;
	for (size_t i = 0; i < sizeof(minors) / sizeof(minors[0]); i++)
		if (strcmp(code, minors[i].minor) == 0) {
			strcpy(major, minors[i].major);
			*factor = mk(SCALE / 100);
			return 0;
		}
	if (!currency_valid(code))
		return -1;
	strcpy(major, code);
	*factor = DEC_ONE;
	return 0;
}

int
currency_places(const char *code)
{
	static const struct { const char *code; int places; } t[] = {
		{ "JPY", 0 }, { "KRW", 0 }, { "CLP", 0 }, { "ISK", 0 },
		{ "VND", 0 }, { "HUF", 2 }, { "KWD", 3 }, { "BHD", 3 },
		{ "OMR", 3 }, { "JOD", 3 }, { "TND", 3 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (code && strcmp(code, t[i].code) == 0)
			return t[i].places;
	return 2;
}
