/*
 * text.h - small text helpers shared by the core: UTF-8 checks, blank
 * text, membership in a list of words.  Pure: no I/O.
 */
#ifndef NESTEGG_TEXT_H
#define NESTEGG_TEXT_H

#include <stddef.h>

/* 1 if the len bytes of s are well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF), else 0. */
int utf8_valid(const char *s, size_t len);

/* The number of characters (code points) of well-formed UTF-8 s. */
size_t utf8_chars(const char *s);

/*
 * 1 if well-formed UTF-8 s holds a control character (C0 but those in
 * allow, DEL, C1), a bidirectional control (U+061C, U+200E, U+200F,
 * U+202A to U+202E, U+2066 to U+2069), a line or paragraph separator
 * (U+2028, U+2029) or an invisible character (U+00AD, U+034F, U+115F,
 * U+1160, U+17B4, U+17B5, U+180B to U+180F, U+200B to U+200D, U+2060 to
 * U+2064, U+206A to U+206F, U+3164, U+FEFF, U+FFA0, U+FFF9 to U+FFFB,
 * U+1D173 to U+1D17A, the tags U+E0000 to U+E007F; U+2065 too): what
 * may make a name read other than it is, or two names that look the
 * same differ.  Variation selectors (U+FE00 to U+FE0F, U+E0100 to
 * U+E01EF) are allowed, since emoji use them; so a name cannot hold an
 * emoji joined by U+200D (a family), only its parts.
 */
int text_controls(const char *s, const char *allow);

/* 1 if s is empty or holds only white space. */
int text_blank(const char *s);

/* 1 if s is one of the words of list (NULL-terminated), else 0. */
int text_in_list(const char *const *list, const char *s);

#endif
