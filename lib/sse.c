/*
 * sse.c - Server-Sent Events and their FastCGI records (see sse.h).
 */
#include "sse.h"

#include <stdio.h>
#include <string.h>

/* Appends s without line breaks. */
static void
one_line(struct buf *out, const char *s)
{
	for (; *s; s++)
		if (*s != '\r' && *s != '\n')
			buf_putc(out, *s);
}

void
sse_event(struct buf *out, const char *id, const char *name,
    const char *data, size_t len)
{
	size_t i = 0;

	if (id != NULL) {
		buf_puts(out, "id: ");
		one_line(out, id);
		buf_putc(out, '\n');
	}
	if (name != NULL) {
		buf_puts(out, "event: ");
		one_line(out, name);
		buf_putc(out, '\n');
	}
	do {
		size_t start = i;

		while (i < len && data[i] != '\r' && data[i] != '\n')
			i++;
		buf_puts(out, "data: ");
		buf_append(out, data + start, i - start);
		buf_putc(out, '\n');
		/* CRLF is one break; CR or LF alone one each. */
		if (i < len && data[i] == '\r' && i + 1 < len &&
		    data[i + 1] == '\n')
			i += 2;
		else if (i < len)
			i++;
		else
			break;
	} while (1);
	buf_putc(out, '\n');
}

void
sse_comment(struct buf *out, const char *text)
{
	buf_puts(out, ": ");
	one_line(out, text);
	buf_puts(out, "\n\n");
}

void
sse_retry(struct buf *out, long ms)
{
	buf_printf(out, "retry: %ld\n\n", ms);
}

#define FCGI_VERSION_1 1
#define FCGI_STDOUT 6
#define FCGI_END_REQUEST 3

static void
header(struct buf *out, int type, int id, size_t len)
{
	unsigned char h[8];

	h[0] = FCGI_VERSION_1;
	h[1] = (unsigned char)type;
	h[2] = (unsigned char)((id >> 8) & 0xff);
	h[3] = (unsigned char)(id & 0xff);
	h[4] = (unsigned char)((len >> 8) & 0xff);
	h[5] = (unsigned char)(len & 0xff);
	h[6] = 0;			/* no padding */
	h[7] = 0;
	buf_append(out, h, sizeof(h));
}

void
fcgi_stdout(struct buf *out, int id, const char *data, size_t len)
{
	while (len > 0) {
		size_t n = len > 65535 ? 65535 : len;

		header(out, FCGI_STDOUT, id, n);
		buf_append(out, data, n);
		data += n;
		len -= n;
	}
}

void
fcgi_end(struct buf *out, int id)
{
	static const unsigned char body[8] = { 0, 0, 0, 0, 0, 0, 0, 0 };

	header(out, FCGI_STDOUT, id, 0);
	header(out, FCGI_END_REQUEST, id, sizeof(body));
	/* appStatus 0, protocolStatus FCGI_REQUEST_COMPLETE (0). */
	buf_append(out, body, sizeof(body));
}
