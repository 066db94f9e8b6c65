/*
 * cache.h - a small in-process cache of byte strings, shared by the
 * threads of one page worker.
 *
 * An entry is fresh while the change counters it was made under are
 * unchanged and it is younger than the cache's age limit.  The counters
 * are this host's (epoch.h: every process of the host bumps them at
 * once) and, for what other hosts change, the database's (cache_marks:
 * the count of shared changes and a user's own ledger changes and
 * settings), read on each request; a cache that cannot read those must
 * keep entries for well under a second.  A reader must take the
 * counters BEFORE reading what it will cache, so a change that lands
 * meanwhile makes the entry stale rather than hiding it.  Each key maps
 * to one slot; a colliding key simply replaces the entry there.
 */
#ifndef NESTEGG_CACHE_H
#define NESTEGG_CACHE_H

#include <stddef.h>

#include "arena.h"
#include "db.h"
#include "epoch.h"

#define CACHE_KEY 32

struct cache;

/* Counters as taken by epoch_now() (and cache_marks()), to tag and
 * check entries. */
struct epochs {
	unsigned long v[EPOCH__MAX];
	unsigned long long db[2];	/* cache_marks(); else 0 */
};

/* This host's counters (db zeroed). */
void epoch_now(struct epochs *e);

/*
 * Adds to e the database's marks for user uid: the count of shared
 * changes (cache_shared_changed) and a digest of uid's ledger changes
 * (each portfolio, transaction or import writes one) and currency, which
 * it copies to cur (the session's copy may be a moment older).  One
 * query; 0 or -1.
 */
int cache_marks(struct db *d, long long uid, struct epochs *e, char cur[4]);

/*
 * Counts a committed change to what every user sees (prices, rates,
 * instruments, a valuation run) for this host (EPOCH_DATA) and in the
 * database for every other.  A failure is logged: other hosts then see
 * the change when their entries age out.
 */
void cache_shared_changed(struct db *d);

/* A cache of nslots entries that live at most max_age_ms milliseconds. */
struct cache *cache_new(size_t nslots, long max_age_ms);

/*
 * Copies the fresh value of key (klen <= CACHE_KEY bytes) into the arena;
 * returns its length, or -1 when there is none.
 */
long cache_get(struct cache *c, const void *key, size_t klen,
    const struct epochs *now, struct arena *a, char **val);

/* Stores len bytes under key, tagged with the counters e; ends a claim
 * on key (cache_get_or_claim). */
void cache_put(struct cache *c, const void *key, size_t klen,
    const struct epochs *e, const void *val, size_t len);

/*
 * As cache_get, for a value that many threads would otherwise make at
 * once (an entry that expired under load, or a first request that
 * several arrive for together).  When there is no fresh value and no
 * other thread of the process is making one, *claimed is set to 1: the
 * caller makes it and must end the claim with cache_put() or, when it
 * cannot, cache_unclaim().  When another thread is making one, waits
 * for it (at most wait_ms) and looks once more; a miss then (the other
 * failed, was too slow, or read under older counters) returns -1 with
 * *claimed 0, and the caller makes its own.
 */
long cache_get_or_claim(struct cache *c, const void *key, size_t klen,
    const struct epochs *now, struct arena *a, char **val, int *claimed,
    long wait_ms);

/* Ends a claim on key without a value; threads waiting look again. */
void cache_unclaim(struct cache *c, const void *key, size_t klen);

#endif
