/*
 * cache.h - a small in-process cache of byte strings, shared by the
 * threads of one page worker.
 *
 * An entry is fresh while the change counters it was made under
 * (epoch.h) are unchanged and it is younger than the cache's age limit.
 * A reader must take the counters BEFORE reading what it will cache, so
 * a change that lands meanwhile makes the entry stale rather than
 * hiding it.  Each key maps to one slot; a colliding key simply
 * replaces the entry there.
 */
#ifndef NESTEGG_CACHE_H
#define NESTEGG_CACHE_H

#include <stddef.h>

#include "arena.h"
#include "epoch.h"

#define CACHE_KEY 32

struct cache;

/* Counters as taken by epoch_now(), to tag and check entries. */
struct epochs {
	unsigned long v[EPOCH__MAX];
};

void epoch_now(struct epochs *e);

/* A cache of nslots entries that live at most max_age seconds. */
struct cache *cache_new(size_t nslots, long max_age);

/*
 * Copies the fresh value of key (klen <= CACHE_KEY bytes) into the arena;
 * returns its length, or -1 when there is none.
 */
long cache_get(struct cache *c, const void *key, size_t klen,
    const struct epochs *now, struct arena *a, char **val);

/* Stores len bytes under key, tagged with the counters e. */
void cache_put(struct cache *c, const void *key, size_t klen,
    const struct epochs *e, const void *val, size_t len);

#endif
