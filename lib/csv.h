/*
 * csv.h - RFC 4180 CSV parsing: quoted fields with "" escapes, commas or
 * semicolons, CRLF or LF line ends, a UTF-8 byte-order mark.  Pure code.
 */
#ifndef NESTEGG_CSV_H
#define NESTEGG_CSV_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"

struct csv_record {
	char **fields;		/* NUL-terminated, in the arena */
	size_t n;
	size_t line;		/* physical line the record starts on, from 1 */
};

struct csv {
	struct csv_record *rec;
	size_t n;
};

/*
 * Splits text (len bytes) into records.  The delimiter is ',' unless the
 * first line has more ';' than ',' outside quotes.  Blank lines are
 * skipped.  Returns NULL, or a message (with *line set) for an
 * unterminated quote, a NUL byte, or text that is not UTF-8.
 */
const char *csv_parse(struct arena *a, const char *text, size_t len,
    struct csv *out, size_t *line);

/*
 * Appends s (NULL: empty) to out as one CSV field, quoted when it must
 * be, then a comma, or CRLF when last.  A text field (text 1: a name, a
 * symbol, a note, anything a person typed) that begins with =, +, -, @,
 * a tab or a carriage return is written after a ' so that no
 * spreadsheet reads it as a formula; numbers nestegg writes (text 0)
 * are written as they are.
 */
void csv_cell(struct buf *out, const char *s, int text, int last);

/* A text field as it was before csv_cell kept it from being a formula:
 * s without the ' before =, +, -, @, a tab or a carriage return. */
const char *csv_text(const char *s);

#endif
