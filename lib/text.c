/*
 * text.c - small text helpers (see text.h).
 */
#include "text.h"

#include <ctype.h>
#include <string.h>

int
utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned cp, min;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, cp = c & 0x07, min = 0x10000;
		} else
			return 0;
		if (len - i <= n)
			return 0;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/*
 * What text_controls() refuses besides C0 controls, in order: DEL and
 * C1; bidirectional controls; line and paragraph separators; and
 * characters that show nothing (zero-width ones, fillers, invisible
 * operators, tags).  Variation selectors (U+FE00 to U+FE0F, U+E0100 to
 * U+E01EF) are not here: emoji need them.
 */
static const struct {
	unsigned lo, hi;
} refused[] = {
	{ 0x007f, 0x009f },	/* DEL, C1 controls */
	{ 0x00ad, 0x00ad },	/* soft hyphen */
	{ 0x034f, 0x034f },	/* combining grapheme joiner */
	{ 0x061c, 0x061c },	/* Arabic letter mark */
	{ 0x115f, 0x1160 },	/* Hangul choseong and jungseong fillers */
	{ 0x17b4, 0x17b5 },	/* Khmer inherent vowels */
	{ 0x180b, 0x180f },	/* Mongolian variation selectors, vowel
				   separator */
	{ 0x200b, 0x200f },	/* zero width space, non-joiner, joiner;
				   left-to-right and right-to-left marks */
	{ 0x2028, 0x202e },	/* line and paragraph separators;
				   embeddings and overrides */
	{ 0x2060, 0x206f },	/* word joiner, invisible operators;
				   isolates; deprecated format controls */
	{ 0x3164, 0x3164 },	/* Hangul filler */
	{ 0xfeff, 0xfeff },	/* zero width no-break space (BOM) */
	{ 0xffa0, 0xffa0 },	/* halfwidth Hangul filler */
	{ 0xfff9, 0xfffb },	/* interlinear annotation controls */
	{ 0x1d173, 0x1d17a },	/* musical symbol format controls */
	{ 0xe0000, 0xe007f },	/* tags */
};

int
text_controls(const char *str, const char *allow)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned cp = *s;
		size_t n = cp < 0x80 ? 0 : cp < 0xe0 ? 1 : cp < 0xf0 ? 2 : 3;

		if (n > 0)
			cp &= 0x3f >> n;
		for (size_t k = 1; k <= n && s[k]; k++)
			cp = (cp << 6) | (s[k] & 0x3f);
		if (cp < 0x20 && (allow == NULL || strchr(allow, (int)cp) ==
		    NULL))
			return 1;
		/* refused[] is in order: stop at the first range above. */
		for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]) &&
		    cp >= refused[i].lo; i++)
			if (cp <= refused[i].hi)
				return 1;
		for (s++; n > 0 && *s; n--)
			s++;
	}
	return 0;
}

int
text_blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

int
text_in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}
