/*
 * csv.c - RFC 4180 CSV parsing (see csv.h).
 */
#include "csv.h"

#include <string.h>

#include "buf.h"
#include "http.h"

static char
delimiter(const char *s, size_t len)
{
	size_t commas = 0, semis = 0;
	int quoted = 0;

	for (size_t i = 0; i < len && (quoted || (s[i] != '\n' &&
	    s[i] != '\r')); i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && s[i] == ',')
			commas++;
		else if (!quoted && s[i] == ';')
			semis++;
	}
	return semis > commas ? ';' : ',';
}

const char *
csv_parse(struct arena *a, const char *s, size_t len, struct csv *out,
    size_t *line)
{
	struct buf field;
	char **fields = NULL;
	size_t nf = 0, capf = 0, cap = 0, i = 0, ln = 1, start = 1;
	int quoted = 0, was_quoted = 0, any = 0;
	char delim;

	memset(out, 0, sizeof(*out));
	*line = 0;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3, len -= 3;
	if (memchr(s, '\0', len) != NULL)
		return "The file holds a NUL byte: it is not a text file.";
	if (!utf8_valid(s, len))
		return "The file is not UTF-8 text. Save it as UTF-8 CSV.";
	delim = delimiter(s, len);
	buf_init(&field);
	for (;;) {
		int end_field = 0, end_rec = 0;
		char c = i < len ? s[i] : '\0';

		if (i >= len) {
			if (quoted) {
				buf_free(&field);
				*line = start;
				return "A quoted field is not closed.";
			}
			end_field = end_rec = 1;
		} else if (quoted) {
			if (c == '"' && i + 1 < len && s[i + 1] == '"') {
				buf_putc(&field, '"');
				i++;
			} else if (c == '"')
				quoted = 0;
			else {
				if (c == '\n')
					ln++;
				buf_putc(&field, c);
			}
			i++;
		} else if (c == '"' && field.len == 0 && !was_quoted) {
			quoted = was_quoted = 1;
			any = 1;
			i++;
		} else if (c == delim) {
			end_field = 1;
			any = 1;
			i++;
		} else if (c == '\r' || c == '\n') {
			end_field = end_rec = 1;
			i += (c == '\r' && i + 1 < len && s[i + 1] == '\n') ?
			    2 : 1;
		} else {
			buf_putc(&field, c);
			any = 1;
			i++;
		}
		if (!end_field)
			continue;
		if (nf == capf) {
			char **nfs;

			capf = capf ? capf * 2 : 16;
			nfs = arena_alloc(a, capf * sizeof(*nfs));
			if (nf)
				memcpy(nfs, fields, nf * sizeof(*nfs));
			fields = nfs;
		}
		fields[nf++] = arena_strndup(a, field.data ? field.data : "",
		    field.len);
		buf_reset(&field);
		was_quoted = 0;
		if (!end_rec)
			continue;
		if (any) {
			if (out->n == cap) {
				struct csv_record *r;

				cap = cap ? cap * 2 : 64;
				r = arena_alloc(a, cap * sizeof(*r));
				if (out->n)
					memcpy(r, out->rec, out->n * sizeof(*r));
				out->rec = r;
			}
			out->rec[out->n].fields = fields;
			out->rec[out->n].n = nf;
			out->rec[out->n].line = start;
			out->n++;
			fields = NULL;
			capf = 0;
		}
		nf = 0;
		any = 0;
		if (i >= len)
			break;
		ln++;
		start = ln;
	}
	buf_free(&field);
	return NULL;
}

void
csv_cell(struct buf *out, const char *s, int text, int last)
{
	int formula, quote;

	if (s == NULL)
		s = "";
	formula = text && *s && strchr("=+-@\t\r", *s) != NULL;
	quote = formula || strpbrk(s, ",;\"\r\n") != NULL ||
	    (*s && (strchr(" \t", *s) || strchr(" \t", s[strlen(s) - 1])));
	if (quote)
		buf_putc(out, '"');
	if (formula)
		buf_putc(out, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(out, '"');
		buf_putc(out, *s);
	}
	if (quote)
		buf_putc(out, '"');
	buf_puts(out, last ? "\r\n" : ",");
}

const char *
csv_text(const char *s)
{
	return s[0] == '\'' && s[1] && strchr("=+-@\t\r", s[1]) != NULL ?
	    s + 1 : s;
}
