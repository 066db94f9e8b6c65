/*
 * arena.h - per-request bump allocator.
 *
 * Everything a request allocates (decoded parameters, strings for
 * templates, database rows) comes from one arena and is released at once
 * by arena_reset() when the request ends.  Allocation never fails
 * silently: on out-of-memory the process aborts, because a half-built
 * request cannot be answered correctly anyway.
 */
#ifndef NESTEGG_ARENA_H
#define NESTEGG_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;	/* newest block; older ones follow */
	size_t used;			/* bytes handed out (for limits) */
};

/* Initialises an empty arena; no memory is taken until the first use. */
void arena_init(struct arena *a);

/* Returns n zeroed bytes aligned for any type, valid until reset/free. */
void *arena_alloc(struct arena *a, size_t n);

/* Copies s (or its first n bytes) into the arena, NUL-terminated. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* printf into the arena; returns the new string. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/* Releases everything but the first block, ready for the next request. */
void arena_reset(struct arena *a);

/* Releases every block. */
void arena_free(struct arena *a);

#endif
