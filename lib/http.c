/*
 * http.c - parsing of untrusted request input (see http.h).
 */
#include "http.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

const char *
http_strerror(enum http_err e)
{
	switch (e) {
	case HTTP_OK:		return "no error";
	case HTTP_EENCODING:	return "bad percent-encoding";
	case HTTP_EUTF8:	return "text is not valid UTF-8";
	case HTTP_ETOOMANY:	return "too many parameters";
	case HTTP_ETOOLONG:	return "parameter too long";
	case HTTP_ESYNTAX:	return "malformed input";
	}
	return "unknown error";
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum http_err
http_decode(struct arena *a, const char *in, size_t len, int plus,
    char **out, size_t *outlen)
{
	char *p = arena_alloc(a, len + 1);
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		char c = in[i];

		if (c == '%') {
			int hi, lo;

			if (len - i < 3)
				return HTTP_EENCODING;
			hi = hexval((unsigned char)in[i + 1]);
			lo = hexval((unsigned char)in[i + 2]);
			if (hi < 0 || lo < 0)
				return HTTP_EENCODING;
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus)
			c = ' ';
		if (c == '\0')
			return HTTP_ESYNTAX;
		p[o++] = c;
	}
	p[o] = '\0';
	if (!utf8_valid(p, o))
		return HTTP_EUTF8;
	*out = p;
	if (outlen != NULL)
		*outlen = o;
	return HTTP_OK;
}

static enum http_err
kv_add(struct arena *a, struct kvlist *l, const char *key, const char *val,
    size_t vlen)
{
	if (l->n >= HTTP_MAX_PAIRS)
		return HTTP_ETOOMANY;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct kv *v = arena_alloc(a, cap * sizeof(*v));

		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].key = key;
	l->v[l->n].val = val;
	l->v[l->n].vlen = vlen;
	l->n++;
	return HTTP_OK;
}

enum http_err
http_parse_urlencoded(struct arena *a, struct kvlist *l, const char *s,
    size_t len)
{
	size_t i = 0;

	if (len > HTTP_MAX_INPUT)
		return HTTP_ETOOLONG;
	while (i < len) {
		const char *seg = s + i, *amp, *eq;
		size_t seglen, klen;
		char *key, *val;
		size_t vlen;
		enum http_err e;

		amp = memchr(seg, '&', len - i);
		seglen = amp ? (size_t)(amp - seg) : len - i;
		i += seglen + 1;
		if (seglen == 0)
			continue;
		eq = memchr(seg, '=', seglen);
		klen = eq ? (size_t)(eq - seg) : seglen;
		if ((e = http_decode(a, seg, klen, 1, &key, NULL)) != HTTP_OK)
			return e;
		if (strlen(key) > HTTP_MAX_KEY)
			return HTTP_ETOOLONG;
		if (eq) {
			e = http_decode(a, eq + 1, seglen - klen - 1, 1, &val,
			    &vlen);
			if (e != HTTP_OK)
				return e;
		} else {
			val = arena_strdup(a, "");
			vlen = 0;
		}
		if ((e = kv_add(a, l, key, val, vlen)) != HTTP_OK)
			return e;
	}
	return HTTP_OK;
}

enum http_err
http_parse_cookies(struct arena *a, struct kvlist *l, const char *s)
{
	size_t len = strlen(s);

	if (len > 8192)
		return HTTP_ETOOLONG;
	while (*s != '\0') {
		const char *end, *eq, *k0, *k1, *v0, *v1;
		enum http_err e;
		int bad;

		while (*s == ' ' || *s == '\t' || *s == ';')
			s++;
		if (*s == '\0')
			break;
		end = strchr(s, ';');
		if (end == NULL)
			end = s + strlen(s);
		eq = memchr(s, '=', (size_t)(end - s));
		if (eq == NULL || eq == s) {
			/* Some other site's nameless or broken cookie: not
			 * ours, and no reason to refuse the request. */
			s = end;
			continue;
		}
		k0 = s, k1 = eq;
		while (k1 > k0 && (k1[-1] == ' ' || k1[-1] == '\t'))
			k1--;
		v0 = eq + 1, v1 = end;
		while (v0 < v1 && (*v0 == ' ' || *v0 == '\t'))
			v0++;
		while (v1 > v0 && (v1[-1] == ' ' || v1[-1] == '\t'))
			v1--;
		if (v1 - v0 >= 2 && *v0 == '"' && v1[-1] == '"')
			v0++, v1--;
		bad = k1 - k0 > HTTP_MAX_KEY;
		for (const char *p = k0; p < v1 && !bad; p++)
			bad = (unsigned char)*p < 0x20 || *p == 0x7f;
		if (bad) {
			s = end;
			continue;
		}
		e = kv_add(a, l, arena_strndup(a, k0, (size_t)(k1 - k0)),
		    arena_strndup(a, v0, (size_t)(v1 - v0)), (size_t)(v1 - v0));
		if (e != HTTP_OK)
			return e;
		s = end;
	}
	return HTTP_OK;
}

/* The value of parameter name in a header value ("a; name=x"), into
 * the arena, or NULL. */
static char *
header_param(struct arena *a, const char *h, size_t hlen, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i + n + 1 < hlen; i++) {
		const char *p = h + i;
		size_t k;

		if ((i > 0 && h[i - 1] != ' ' && h[i - 1] != ';') ||
		    strncasecmp(p, name, n) != 0 || p[n] != '=')
			continue;
		p += n + 1;
		k = (size_t)(h + hlen - p);
		if (k > 0 && *p == '"') {
			const char *q = memchr(p + 1, '"', k - 1);

			if (q == NULL)
				return NULL;
			return arena_strndup(a, p + 1, (size_t)(q - p - 1));
		}
		for (k = 0; p + k < h + hlen && p[k] != ';' && p[k] != ' ' &&
		    p[k] != '\r'; k++)
			;
		return arena_strndup(a, p, k);
	}
	return NULL;
}

enum http_err
http_parse_multipart(struct arena *a, struct kvlist *l, const char *body,
    size_t len, const char *content_type)
{
	char *boundary, *delim;
	size_t dlen;
	const char *p, *end = body + len;

	if (content_type == NULL ||
	    (boundary = header_param(a, content_type, strlen(content_type),
	    "boundary")) == NULL || *boundary == '\0' ||
	    strlen(boundary) > 70)
		return HTTP_ESYNTAX;
	delim = arena_printf(a, "--%s", boundary);
	dlen = strlen(delim);
	p = memmem(body, len, delim, dlen);
	if (p == NULL)
		return HTTP_ESYNTAX;
	for (;;) {
		const char *head, *head_end, *next;
		char *name = NULL, *filename = NULL, *val;

		p += dlen;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return HTTP_OK;			/* closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return HTTP_ESYNTAX;
		head = p + 2;
		head_end = memmem(head, (size_t)(end - head), "\r\n\r\n", 4);
		if (head_end == NULL)
			return HTTP_ESYNTAX;
		for (const char *h = head; h < head_end;) {
			const char *e = memmem(h, (size_t)(head_end - h), "\r\n",
			    2);
			size_t hl = e ? (size_t)(e - h) : (size_t)(head_end - h);

			if (hl > 20 && strncasecmp(h, "Content-Disposition:",
			    20) == 0) {
				name = header_param(a, h, hl, "name");
				filename = header_param(a, h, hl, "filename");
			}
			h += hl + 2;
		}
		{
			char *pat = arena_printf(a, "\r\n%s", delim);

			next = memmem(head_end + 4, (size_t)(end - head_end - 4),
			    pat, dlen + 2);
		}
		if (next == NULL || name == NULL)
			return HTTP_ESYNTAX;
		val = arena_strndup(a, head_end + 4,
		    (size_t)(next - head_end - 4));
		if (memchr(val, '\0', (size_t)(next - head_end - 4)) != NULL)
			return HTTP_ESYNTAX;
		if (filename == NULL && !utf8_valid(val, strlen(val)))
			return HTTP_EUTF8;
		if (strlen(name) > HTTP_MAX_KEY)
			return HTTP_ETOOLONG;
		if (kv_add(a, l, name, val, strlen(val)) != HTTP_OK)
			return HTTP_ETOOMANY;
		if (filename != NULL) {
			enum http_err e = kv_add(a, l, arena_printf(a,
			    "%s.filename", name), filename, strlen(filename));

			if (e != HTTP_OK)
				return e;
		}
		p = next + 2;
	}
}

const char *
kv_get(const struct kvlist *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].val;
	return NULL;
}

size_t
kv_count(const struct kvlist *l, const char *key)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			n++;
	return n;
}

char *
http_media_type(struct arena *a, const char *ct)
{
	size_t n;
	char *p;

	if (ct == NULL)
		return arena_strdup(a, "");
	while (*ct == ' ')
		ct++;
	n = strcspn(ct, "; \t");
	p = arena_strndup(a, ct, n);
	for (char *q = p; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return p;
}

char *
http_escape_url(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = arena_alloc(a, 3 * strlen(s) + 1), *p = out;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			*p++ = (char)c;
		else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return out;
}
