/*
 * Unit tests for lib/text.c: what text_controls() refuses in a name,
 * and what it lets through.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"

/* Encodes code point cp as UTF-8 into out (5 bytes); returns out. */
static char *
utf8(unsigned cp, char out[5])
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		o[1] = 0;
	} else if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		o[2] = 0;
	} else if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		o[3] = 0;
	} else {
		o[0] = (unsigned char)(0xf0 | cp >> 18);
		o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[3] = (unsigned char)(0x80 | (cp & 0x3f));
		o[4] = 0;
	}
	return out;
}

/* 1 if "Ab<cp>cd" is refused, checking that the text is valid UTF-8. */
static int
refused_in_name(unsigned cp)
{
	char c[5], s[32];

	snprintf(s, sizeof(s), "Ab%scd", utf8(cp, c));
	assert_true(utf8_valid(s, strlen(s)));
	return text_controls(s, NULL);
}

/* Every code point lo to hi is refused, alone and inside a name, and
 * the ones just outside are not (unless told they are refused too). */
static void
assert_range_refused(unsigned lo, unsigned hi, int below, int above)
{
	char c[5];

	for (unsigned cp = lo; cp <= hi; cp++) {
		if (!refused_in_name(cp) || !text_controls(utf8(cp, c), NULL))
			fail_msg("U+%04X is not refused", cp);
	}
	if (below >= 0 && refused_in_name(lo - 1) != below)
		fail_msg("U+%04X: expected %d", lo - 1, below);
	if (above >= 0 && refused_in_name(hi + 1) != above)
		fail_msg("U+%04X: expected %d", hi + 1, above);
}

static void
plain_text_passes(void **state)
{
	(void)state;
	assert_false(text_controls("", NULL));
	assert_false(text_controls("Retirement 2045", NULL));
	assert_false(text_controls("Épargne 老後 Ελλάδα عربي", NULL));
	assert_false(text_controls("S&P 500 (Vanguard) - £/€ ~ 1½", NULL));
	assert_false(text_controls("\U0001F331 seeds", NULL));
	assert_false(text_controls("\xc2\xa0no-break space", NULL));
	assert_false(text_controls("Anne\xe2\x80\x90Marie", NULL)); /* U+2010 */
}

static void
c0_c1_and_allow(void **state)
{
	(void)state;
	assert_true(text_controls("Bell\a", NULL));
	assert_true(text_controls("Tab\there", NULL));
	assert_true(text_controls("Line\nbreak", NULL));
	assert_true(text_controls("\x1b[31mred", NULL));
	assert_false(text_controls("Tab\there", "\t\n\r"));
	assert_false(text_controls("first\r\nsecond", "\t\n\r"));
	assert_true(text_controls("Bell\a", "\t\n\r"));
	assert_range_refused(0x7f, 0x9f, 0, 0);
}

static void
bidi_controls_and_separators(void **state)
{
	(void)state;
	assert_true(text_controls("Evil\xe2\x80\xaegnp.exe", NULL)); /* 202E */
	assert_range_refused(0x061c, 0x061c, 0, 0);
	assert_range_refused(0x200e, 0x200f, 1, 0);
	assert_range_refused(0x2028, 0x202e, 0, 0);
	assert_range_refused(0x2066, 0x2069, 1, 1);
}

static void
invisible_characters_are_refused(void **state)
{
	(void)state;
	/* "Acme" with a zero width joiner, and with a byte order mark. */
	assert_true(text_controls("Ac\xe2\x80\x8dme", NULL));
	assert_true(text_controls("\xef\xbb\xbf" "Acme", NULL));
	assert_true(text_controls("Acme\xef\xbb\xbf", NULL));
	assert_range_refused(0x00ad, 0x00ad, 0, 0);
	assert_range_refused(0x034f, 0x034f, 0, 0);
	assert_range_refused(0x115f, 0x1160, 0, 0);
	assert_range_refused(0x17b4, 0x17b5, 0, 0);
	assert_range_refused(0x180b, 0x180f, 0, 0);
	assert_range_refused(0x200b, 0x200d, 0, 1);
	assert_range_refused(0x2060, 0x2064, 0, 1);
	assert_range_refused(0x206a, 0x206f, 1, 0);
	assert_range_refused(0x3164, 0x3164, 0, 0);
	assert_range_refused(0xfeff, 0xfeff, 0, 0);
	assert_range_refused(0xffa0, 0xffa0, 0, 0);
	assert_range_refused(0xfff9, 0xfffb, 0, 0);
	assert_range_refused(0x1d173, 0x1d17a, 0, 0);
	assert_range_refused(0xe0000, 0xe007f, 0, 0);
}

static void
variation_selectors_pass(void **state)
{
	(void)state;
	for (unsigned cp = 0xfe00; cp <= 0xfe0f; cp++)
		if (refused_in_name(cp))
			fail_msg("U+%04X is refused", cp);
	for (unsigned cp = 0xe0100; cp <= 0xe01ef; cp++)
		if (refused_in_name(cp))
			fail_msg("U+%04X is refused", cp);
	/* A heart with its emoji presentation selector. */
	assert_false(text_controls("Love \xe2\x9d\xa4\xef\xb8\x8f", NULL));
	/* The last code point of each encoded length. */
	assert_false(refused_in_name(0x7ff));
	assert_false(refused_in_name(0xfffd));
	assert_false(refused_in_name(0x10ffff));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_text_passes),
		cmocka_unit_test(c0_c1_and_allow),
		cmocka_unit_test(bidi_controls_and_separators),
		cmocka_unit_test(invisible_characters_are_refused),
		cmocka_unit_test(variation_selectors_pass),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
