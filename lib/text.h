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
 * U+202A to U+202E, U+2066 to U+2069) or a line or paragraph separator
 * (U+2028, U+2029): what may make a name read other than it is.
 */
int text_controls(const char *s, const char *allow);

/* 1 if s is empty or holds only white space. */
int text_blank(const char *s);

/* 1 if s is one of the words of list (NULL-terminated), else 0. */
int text_in_list(const char *const *list, const char *s);

#endif
