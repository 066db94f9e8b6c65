/*
 * cache.c - a small in-process cache (see cache.h).
 */
#include "cache.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct slot {
	unsigned char key[CACHE_KEY];
	size_t klen;
	struct epochs tag;
	long long made;		/* CLOCK_MONOTONIC milliseconds */
	char *val;
	size_t len;
	/* The key a thread is making a value for (cache_get_or_claim). */
	unsigned char claim[CACHE_KEY];
	size_t claim_len;	/* 0: none */
};

struct cache {
	pthread_mutex_t lock;
	pthread_cond_t done;	/* a claim ended */
	struct slot *slots;
	size_t n;
	long max_age;		/* milliseconds */
};

static long long
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void
epoch_now(struct epochs *e)
{
	memset(e, 0, sizeof(*e));
	for (int i = 0; i < EPOCH__MAX; i++)
		e->v[i] = epoch_get((enum epoch)i);
}

int
cache_marks(struct db *d, long long uid, struct epochs *e, char cur[4])
{
	static const char q[] = "SELECT (SELECT n FROM change_marks WHERE "
	    "scope = 'shared'), (SELECT CONCAT(COUNT(*), '.', "
	    "COALESCE(SUM(id), 0), '.', COALESCE(MAX(at), '')) FROM "
	    "ledger_changes WHERE user_id = ?), (SELECT currency FROM users "
	    "WHERE id = ?)";
	unsigned long long h = 1469598103934665603ULL;
	struct dbres r;
	struct arena a;

	arena_init(&a);
	if (db_exec(d, &a, &r, q, "ii", uid, uid) != 0) {
		arena_free(&a);
		return -1;
	}
	e->db[0] = (unsigned long long)db_int(&r, 0, 0);
	/* FNV-1a of the user's part. */
	for (int k = 1; k <= 2; k++) {
		for (const char *p = db_val(&r, 0, k); p != NULL && *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h = (h ^ '|') * 1099511628211ULL;
	}
	e->db[1] = h;
	if (db_val(&r, 0, 2) != NULL)
		snprintf(cur, 4, "%s", db_val(&r, 0, 2));
	arena_free(&a);
	return 0;
}

void
cache_shared_changed(struct db *d)
{
	static const char q[] = "UPDATE change_marks SET n = n + 1 "
	    "WHERE scope = 'shared'";

	epoch_bump(EPOCH_DATA);
	for (int i = 0; i < DB_TRIES; i++) {
		if (db_exec(d, NULL, NULL, q, "") == 0)
			return;
		if (!db_retry(d))
			break;
	}
	log_warn("counting a shared change: %s", d->errmsg);
}

struct cache *
cache_new(size_t nslots, long max_age_ms)
{
	struct cache *c = calloc(1, sizeof(*c));
	pthread_condattr_t ca;

	if (c == NULL || (c->slots = calloc(nslots, sizeof(*c->slots))) ==
	    NULL) {
		free(c);
		return NULL;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->done, &ca);
	pthread_condattr_destroy(&ca);
	c->n = nslots;
	c->max_age = max_age_ms;
	return c;
}

/* FNV-1a of the key picks the slot. */
static struct slot *
slot_of(struct cache *c, const void *key, size_t klen)
{
	const unsigned char *k = key;
	unsigned long h = 1469598103934665603UL;

	for (size_t i = 0; i < klen; i++)
		h = (h ^ k[i]) * 1099511628211UL;
	return &c->slots[h % c->n];
}

/* The fresh value of key in slot s into the arena: its length, or -1.
 * Called with the lock held. */
static long
fresh(struct cache *c, struct slot *s, const void *key, size_t klen,
    const struct epochs *now, struct arena *a, char **val)
{
	if (s->val == NULL || s->klen != klen ||
	    memcmp(s->key, key, klen) != 0 ||
	    memcmp(&s->tag, now, sizeof(*now)) != 0 ||
	    now_ms() - s->made >= c->max_age)
		return -1;
	*val = arena_alloc(a, s->len + 1);
	memcpy(*val, s->val, s->len);
	return (long)s->len;
}

static int
claimed_by(const struct slot *s, const void *key, size_t klen)
{
	return s->claim_len == klen && memcmp(s->claim, key, klen) == 0;
}

long
cache_get(struct cache *c, const void *key, size_t klen,
    const struct epochs *now, struct arena *a, char **val)
{
	struct slot *s;
	long len;

	if (c == NULL || klen > CACHE_KEY)
		return -1;
	s = slot_of(c, key, klen);
	pthread_mutex_lock(&c->lock);
	len = fresh(c, s, key, klen, now, a, val);
	pthread_mutex_unlock(&c->lock);
	return len;
}

long
cache_get_or_claim(struct cache *c, const void *key, size_t klen,
    const struct epochs *now, struct arena *a, char **val, int *claimed,
    long wait_ms)
{
	struct slot *s;
	struct timespec until;
	long len;

	*claimed = 0;
	if (c == NULL || klen == 0 || klen > CACHE_KEY)
		return -1;
	s = slot_of(c, key, klen);
	pthread_mutex_lock(&c->lock);
	if ((len = fresh(c, s, key, klen, now, a, val)) >= 0)
		goto out;
	if (s->claim_len == 0) {
		/* Nobody is making one: this thread will. */
		memcpy(s->claim, key, klen);
		s->claim_len = klen;
		*claimed = 1;
		goto out;
	}
	if (!claimed_by(s, key, klen))
		goto out;	/* another key of this slot: make it alone */
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (claimed_by(s, key, klen))
		if (pthread_cond_timedwait(&c->done, &c->lock, &until) ==
		    ETIMEDOUT)
			break;
	len = fresh(c, s, key, klen, now, a, val);
out:
	pthread_mutex_unlock(&c->lock);
	return len;
}

/* Ends a claim on key, if there is one; called with the lock held. */
static void
unclaim(struct cache *c, struct slot *s, const void *key, size_t klen)
{
	if (claimed_by(s, key, klen)) {
		s->claim_len = 0;
		pthread_cond_broadcast(&c->done);
	}
}

void
cache_unclaim(struct cache *c, const void *key, size_t klen)
{
	struct slot *s;

	if (c == NULL || klen == 0 || klen > CACHE_KEY)
		return;
	s = slot_of(c, key, klen);
	pthread_mutex_lock(&c->lock);
	unclaim(c, s, key, klen);
	pthread_mutex_unlock(&c->lock);
}

void
cache_put(struct cache *c, const void *key, size_t klen,
    const struct epochs *e, const void *val, size_t len)
{
	struct slot *s;
	char *copy;

	if (c == NULL || klen > CACHE_KEY)
		return;
	if ((copy = malloc(len + 1)) == NULL) {
		cache_unclaim(c, key, klen);
		return;
	}
	memcpy(copy, val, len);
	copy[len] = '\0';
	s = slot_of(c, key, klen);
	pthread_mutex_lock(&c->lock);
	free(s->val);
	memcpy(s->key, key, klen);
	s->klen = klen;
	s->tag = *e;
	s->made = now_ms();
	s->val = copy;
	s->len = len;
	unclaim(c, s, key, klen);
	pthread_mutex_unlock(&c->lock);
}
