/*
 * cache.c - a small in-process cache (see cache.h).
 */
#include "cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct slot {
	unsigned char key[CACHE_KEY];
	size_t klen;
	struct epochs tag;
	time_t made;
	char *val;
	size_t len;
};

struct cache {
	pthread_mutex_t lock;
	struct slot *slots;
	size_t n;
	long max_age;
};

void
epoch_now(struct epochs *e)
{
	for (int i = 0; i < EPOCH__MAX; i++)
		e->v[i] = epoch_get((enum epoch)i);
}

struct cache *
cache_new(size_t nslots, long max_age)
{
	struct cache *c = calloc(1, sizeof(*c));

	if (c == NULL || (c->slots = calloc(nslots, sizeof(*c->slots))) ==
	    NULL) {
		free(c);
		return NULL;
	}
	pthread_mutex_init(&c->lock, NULL);
	c->n = nslots;
	c->max_age = max_age;
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

long
cache_get(struct cache *c, const void *key, size_t klen,
    const struct epochs *now, struct arena *a, char **val)
{
	struct slot *s;
	long len = -1;

	if (c == NULL || klen > CACHE_KEY)
		return -1;
	s = slot_of(c, key, klen);
	pthread_mutex_lock(&c->lock);
	if (s->val != NULL && s->klen == klen &&
	    memcmp(s->key, key, klen) == 0 &&
	    memcmp(&s->tag, now, sizeof(*now)) == 0 &&
	    time(NULL) - s->made < c->max_age) {
		*val = arena_alloc(a, s->len + 1);
		memcpy(*val, s->val, s->len);
		len = (long)s->len;
	}
	pthread_mutex_unlock(&c->lock);
	return len;
}

void
cache_put(struct cache *c, const void *key, size_t klen,
    const struct epochs *e, const void *val, size_t len)
{
	struct slot *s;
	char *copy;

	if (c == NULL || klen > CACHE_KEY || (copy = malloc(len + 1)) == NULL)
		return;
	memcpy(copy, val, len);
	copy[len] = '\0';
	s = slot_of(c, key, klen);
	pthread_mutex_lock(&c->lock);
	free(s->val);
	memcpy(s->key, key, klen);
	s->klen = klen;
	s->tag = *e;
	s->made = time(NULL);
	s->val = copy;
	s->len = len;
	pthread_mutex_unlock(&c->lock);
}
