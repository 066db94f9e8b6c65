/*
 * http.h - parsing of untrusted request input: percent-decoding, query
 * strings, application/x-www-form-urlencoded bodies, Cookie headers,
 * UTF-8 validation.  Pure code: no I/O, all memory from the caller's
 * arena.
 *
 * Every parser either accepts the whole input or rejects it with an
 * http_err; a rejected input leaves the list in an unspecified but
 * valid state, and the request is answered with 400.
 */
#ifndef NESTEGG_HTTP_H
#define NESTEGG_HTTP_H

#include <stddef.h>

#include "arena.h"
#include "text.h"

enum http_err {
	HTTP_OK = 0,
	HTTP_EENCODING,		/* bad %xx escape */
	HTTP_EUTF8,		/* decoded bytes are not valid UTF-8 */
	HTTP_ETOOMANY,		/* more than HTTP_MAX_PAIRS pairs */
	HTTP_ETOOLONG,		/* a key or the whole input is too long */
	HTTP_ESYNTAX,		/* malformed cookie header, NUL byte, ... */
};

#define HTTP_MAX_PAIRS	256
#define HTTP_MAX_KEY	64
#define HTTP_MAX_INPUT	(1024 * 1024)

struct kv {
	const char *key;
	const char *val;
	size_t vlen;		/* length of val (val is NUL-terminated too) */
};

/* A list of decoded pairs, in input order; duplicates are kept. */
struct kvlist {
	struct kv *v;
	size_t n, cap;
};

/* A readable message for an error code ("bad percent-encoding", ...). */
const char *http_strerror(enum http_err e);

/*
 * Decodes len bytes of in (percent escapes; '+' as space when plus is
 * set) into a new NUL-terminated arena string stored in *out, its length
 * in *outlen (may be NULL).  The result must be valid UTF-8 without NUL.
 */
enum http_err http_decode(struct arena *a, const char *in, size_t len,
    int plus, char **out, size_t *outlen);

/*
 * Parses "a=1&b=2" (query string or urlencoded body) and appends each
 * pair to l.  Empty segments ("a=1&&b") are skipped; a key without '='
 * has the empty value.
 */
enum http_err http_parse_urlencoded(struct arena *a, struct kvlist *l,
    const char *s, size_t len);

/*
 * Parses a Cookie header ("a=1; b=2") into l.  Values are taken as
 * sent (no percent-decoding, surrounding quotes removed).  Pairs
 * without a name, with control characters or an overlong name are
 * skipped: they belong to someone else.  Only a header over 8 KiB or
 * too many pairs is an error.
 */
enum http_err http_parse_cookies(struct arena *a, struct kvlist *l,
    const char *s);

/*
 * Parses a multipart/form-data body (len bytes) with the boundary from
 * content_type into l: each part's name and content.  A part with a
 * filename keeps its bytes as sent (text checked as UTF-8 later by its
 * user); other parts must be UTF-8.  Returns HTTP_OK or an error.
 */
enum http_err http_parse_multipart(struct arena *a, struct kvlist *l,
    const char *body, size_t len, const char *content_type);

/* The value of the first pair named key, or NULL. */
const char *kv_get(const struct kvlist *l, const char *key);

/* Number of pairs named key. */
size_t kv_count(const struct kvlist *l, const char *key);

/* Lower-cased media type of a Content-Type value without parameters,
 * into the arena ("Text/HTML; charset=x" -> "text/html"). */
char *http_media_type(struct arena *a, const char *content_type);

/* s percent-encoded for a query string: all but A-Z a-z 0-9 - . _ ~
 * (in a's memory). */
char *http_escape_url(struct arena *a, const char *s);

#endif
