/*
 * feedutil.h - helpers the feed parsers share (lib/feeds/ only): dates,
 * lines and fields of text bodies, JSON read safely and its numbers read
 * as exact decimals from the text the source wrote.  Pure code; defined
 * in feed.c.
 */
#ifndef NESTEGG_FEEDUTIL_H
#define NESTEGG_FEEDUTIL_H

#include <stddef.h>
#include <time.h>

#include <json-c/json.h>

#include "feeds/feed.h"

/* The instants whose dates have four-digit years (0001..9999). */
#define FEED_TIME_MIN (-62135596800LL)
#define FEED_TIME_MAX 253402300799LL

/* JSON nesting deeper than this is not what any source sends. */
#define FEED_JSON_DEPTH 32

/*
 * Writes the date (YYYY-MM-DD) of instant t shifted by offset seconds
 * into day.  Returns 0, or -1 (day untouched) when the date is outside
 * years 1..9999.
 */
int feed_day(long long t, long long offset, char day[11]);

/*
 * Reads a calendar date written YYYY-MM-DD (exactly len == 10) or
 * dd-Mon-yyyy ("16-May-2025", any case), into day and *midnight (its
 * 00:00 UTC).  Returns 0, or -1 (nothing written) for anything else,
 * including dates that do not exist.
 */
int feed_iso_day(const char *s, size_t len, char day[11], time_t *midnight);
int feed_dmy_day(const char *s, size_t len, char day[11], time_t *midnight);

/*
 * Copies a symbol a source named into dst: 1 to FEED_SYMBOL_MAX - 1
 * bytes of printable ASCII other than space.  Returns 0, or -1 (dst
 * untouched).
 */
int feed_symbol(char dst[FEED_SYMBOL_MAX], const char *s, size_t len);

/* 1 if s (len bytes) is three ASCII letters, else 0. */
int feed_code3(const char *s, size_t len);

/* Drops r's quotes and closes after the first nquotes and ncloses: a
 * parser that fails keeps none of its own. */
void feed_drop(struct feed_result *r, size_t nquotes, size_t ncloses);

/* ASCII case-insensitive: s equals word; s contains word; s starts
 * with word. */
int feed_eq(const char *s, size_t len, const char *word);
int feed_has(const char *s, size_t len, const char *word);
int feed_starts(const char *s, size_t len, const char *word);

/* Strips spaces, tabs, CRs and LFs from both ends of *s, *len. */
void feed_trim(const char **s, size_t *len);

/* Skips a UTF-8 byte-order mark at the start of *s, *len. */
void feed_skip_bom(const char **s, size_t *len);

/*
 * Writes s as one line into out (size bytes, NUL-terminated): runs of
 * white space and control bytes become one space, ends trimmed, cut to
 * fit.  Returns out.
 */
char *feed_oneline(const char *s, size_t len, char *out, size_t size);

/*
 * Lines of body (len bytes): each call gives the next line at *pos,
 * without its end (LF, CRLF or CR), and moves *pos past it.  Returns 1,
 * or 0 when there are no more.  Start with *pos = 0.
 */
int feed_line(const char *body, size_t len, size_t *pos, const char **line,
    size_t *n);

/*
 * Fields of one line, split at sep.  Each field is trimmed of spaces and
 * tabs.  With scratch (at least len bytes), a field that starts with a
 * quote mark (") runs to the closing one with "" read as one, and
 * is written into scratch: it is valid until the next call.  Without
 * scratch, quotes are plain bytes.
 */
struct feed_fields {
	const char *s;
	size_t len, pos;
	char sep;
	int done;
	char *scratch;
};
void feed_fields_init(struct feed_fields *f, const char *line, size_t len,
    char sep, char *scratch);
/* The next field in *out, *n: 1, or 0 when the line has no more. */
int feed_field(struct feed_fields *f, const char **out, size_t *n);

/*
 * Parses body as exactly one JSON object or array: no NUL bytes, no
 * text after it but white space, nesting at most FEED_JSON_DEPTH.
 * Returns it (json_object_put() it), or NULL with *why saying what is
 * wrong.
 */
struct json_object *feed_json(const char *body, size_t len,
    const char **why);

/* Member key of o when o is an object holding it, else NULL. */
struct json_object *feed_jget(struct json_object *o, const char *key);

/* The text of o when it is a JSON string, else NULL. */
const char *feed_jstr(struct json_object *o);

/*
 * dec_parse_round() of s (len bytes), except that *rounded is only ever
 * set to 1 (when rounding changed the value), never cleared.
 */
int feed_dec(const char *s, size_t len, int places, dec *out, int *rounded);

/*
 * Reads a JSON number, or a string holding one (spaces around allowed),
 * from its text, rounded half-even to places decimals; *rounded is set
 * to 1 when that changed it and left alone otherwise.  Integers json-c
 * clamped (out of 64-bit range) are refused.  Returns 0, or -1.
 */
int feed_jdec(struct json_object *o, int places, dec *out, int *rounded);

/* Reads a JSON integer within lo..hi into *out: 0, or -1. */
int feed_jint(struct json_object *o, long long lo, long long hi,
    long long *out);

#endif
