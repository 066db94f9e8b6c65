/*
 * money.h - exact decimal numbers for amounts, prices, quantities and
 * rates, and currency codes.
 *
 * A dec holds a value times 10^12 in a 128-bit integer: twelve decimal
 * places, about 26 integer digits.  There is no floating point anywhere.
 * An operation whose result does not fit, or a division by zero, gives
 * DEC_NAN, which every later operation passes on; check with dec_bad()
 * once at the end of a calculation.
 *
 * Rounding is explicit and half-even: dec_mul and dec_div round to 12
 * places, dec_div_places and dec_round to any number of places,
 * dec_format for display.  DB_LIMIT bounds what the database stores.
 */
#ifndef NESTEGG_MONEY_H
#define NESTEGG_MONEY_H

#include <stddef.h>

#define DEC_PLACES 12

typedef struct {
	__int128 v;		/* value * 10^DEC_PLACES */
} dec;

extern const dec DEC_ZERO, DEC_ONE, DEC_NAN;

/* 1 when |d| fits the database's DECIMAL(30,12): below 10^18. */
int dec_storable(dec d);

/*
 * Parses a plain decimal ("12", "-0.5", "+1234.567", ".5") with at most
 * DEC_PLACES decimals and no exponent, grouping or spaces.  Returns 0, or
 * -1 (and *out untouched) for anything else.
 */
int dec_parse(const char *s, dec *out);

/* Like dec_parse for the first len bytes of s. */
int dec_parsen(const char *s, size_t len, dec *out);

/*
 * Parses a number as files and price feeds write it, liberally: an
 * optional sign, digits with any number of decimals (".5" and "5." too),
 * and an optional exponent ("1.5e-3", "2E+4"); no spaces or grouping.
 * The value is rounded half-even to places (0..12) decimals; *rounded
 * (when not NULL) is set to 1 if that changed it, else 0.  Returns 0,
 * or -1 (and *out untouched) for anything else or a value too large.
 */
int dec_parse_round(const char *s, size_t len, int places, dec *out,
    int *rounded);

/*
 * How a file writes its numbers: NUM_PLAIN "1234.5" (also "1.5e-3"),
 * NUM_POINT "1,234.5" (a comma, space or apostrophe between thousands),
 * NUM_COMMA "1.234,5" (a point, space or apostrophe between thousands).
 */
enum num_style { NUM_PLAIN, NUM_POINT, NUM_COMMA };

/*
 * Parses a number in style, with any number of decimals, rounded
 * half-even to the 12 places stored (*rounded, when not NULL, is set to
 * 1 if that changed it, else left alone).  The number must fit a
 * DECIMAL(30,12) column.  Returns NULL, or a message saying what is
 * wrong with it ("Use a point for decimals ...", "too large ...").
 */
const char *num_parse(const char *s, enum num_style style, dec *out,
    int *rounded);

/*
 * Writes d rounded half-even to places decimals (0..12), or with as
 * few decimals as represent it exactly when places < 0, into buf
 * (DEC_BUFSZ bytes suffice).  DEC_NAN prints as "NaN".  Returns buf.
 */
#define DEC_BUFSZ 64
char *dec_format(dec d, int places, char *buf);

/* Like dec_format, with thousands separators (",") for display. */
char *dec_format_grouped(dec d, int places, char *buf);

dec dec_from_int(long long n);
dec dec_add(dec a, dec b);
dec dec_sub(dec a, dec b);
dec dec_neg(dec a);
dec dec_abs(dec a);
dec dec_mul(dec a, dec b);	/* rounded half-even to 12 places */
dec dec_div(dec a, dec b);	/* rounded half-even to 12 places */
/* a / b rounded half-even once, to places (0..12) decimals. */
dec dec_div_places(dec a, dec b, int places);
dec dec_round(dec a, int places);	/* half-even, places 0..12 */

/* -1, 0 or 1; DEC_NAN compares below everything. */
int dec_cmp(dec a, dec b);
int dec_is_zero(dec a);
int dec_sign(dec a);		/* -1, 0, 1 */
int dec_bad(dec a);		/* 1 for DEC_NAN */

/*
 * Currency codes.  A quote currency may be a minor unit: GBp/GBX (pence),
 * ZAc/ZAC (South African cents), ILA (agorot).  currency_major() gives
 * the ISO 4217 code prices in that unit are converted to and the factor
 * (0.01 for the minor units, else 1).  Returns 0, or -1 for a code that
 * is not three letters.
 */
int currency_major(const char *code, char major[4], dec *factor);

/* 1 if code is an ISO 4217-shaped code of three upper-case letters. */
int currency_valid(const char *code);

/* Number of minor-unit decimals of an ISO 4217 currency (2 by default;
 * JPY 0, KWD 3, ...). */
int currency_places(const char *code);

#endif
