/*
 * buf.h - growable byte buffer for responses and rendered templates.
 *
 * A buf owns its heap memory; buf_free() releases it.  Appends abort the
 * process on out-of-memory.  The content is always NUL-terminated.
 */
#ifndef NESTEGG_BUF_H
#define NESTEGG_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len, cap;
};

void buf_init(struct buf *b);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

#endif
