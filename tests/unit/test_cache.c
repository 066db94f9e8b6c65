/*
 * Unit tests for lib/cache.c: entries, and one thread making a value
 * while the others asking for the same key wait for it.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cache.h"

static struct epochs at;	/* the counters every entry is made under */
static struct cache *made[8];	/* kept, for the leak checker */
static int nmade;

static struct cache *
new_cache(size_t nslots)
{
	return made[nmade++] = cache_new(nslots, 60000);
}

struct asker {
	struct cache *c;
	const char *key;
	long wait_ms;
	long len;
	int claimed;
	char val[16];
};

static void *
ask(void *arg)
{
	struct asker *q = arg;
	struct arena a;
	char *v = NULL;

	arena_init(&a);
	q->len = cache_get_or_claim(q->c, q->key, strlen(q->key), &at, &a, &v,
	    &q->claimed, q->wait_ms);
	if (q->len >= 0)
		snprintf(q->val, sizeof(q->val), "%.*s", (int)q->len, v);
	arena_free(&a);
	return NULL;
}

static void
sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&t, NULL);
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void
a_fresh_entry_is_found_and_stale_counters_miss(void **state)
{
	struct cache *c = new_cache(64);
	struct epochs later = at;
	struct arena a;
	char *v;

	(void)state;
	arena_init(&a);
	assert_int_equal(cache_get(c, "k", 1, &at, &a, &v), -1);
	cache_put(c, "k", 1, &at, "value", 5);
	assert_int_equal(cache_get(c, "k", 1, &at, &a, &v), 5);
	assert_memory_equal(v, "value", 5);
	later.v[0]++;
	assert_int_equal(cache_get(c, "k", 1, &later, &a, &v), -1);
	/* The database's marks count as much as this host's counters. */
	later = at;
	later.db[1]++;
	assert_int_equal(cache_get(c, "k", 1, &later, &a, &v), -1);
	arena_free(&a);
}

static void
an_entry_lives_its_milliseconds(void **state)
{
	struct cache *c = made[nmade++] = cache_new(16, 100);
	struct arena a;
	char *v;

	(void)state;
	arena_init(&a);
	cache_put(c, "k", 1, &at, "value", 5);
	assert_int_equal(cache_get(c, "k", 1, &at, &a, &v), 5);
	sleep_ms(150);
	assert_int_equal(cache_get(c, "k", 1, &at, &a, &v), -1);
	arena_free(&a);
}

static void
the_first_claims_and_the_others_wait_for_its_value(void **state)
{
	struct cache *c = new_cache(64);
	struct asker first = { c, "home", 1000, 0, 0, "" };
	struct asker others[4];
	pthread_t t[4];
	struct timespec t0;

	(void)state;
	ask(&first);
	assert_int_equal(first.len, -1);
	assert_int_equal(first.claimed, 1);
	for (int i = 0; i < 4; i++) {
		others[i] = first;
		pthread_create(&t[i], NULL, ask, &others[i]);
	}
	sleep_ms(50);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cache_put(c, "home", 4, &at, "figures", 7);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(others[i].claimed, 0);
		assert_int_equal(others[i].len, 7);
		assert_string_equal(others[i].val, "figures");
	}
	assert_true(ms_since(&t0) < 500);
}

static void
an_unclaim_sends_the_waiters_to_make_their_own(void **state)
{
	struct cache *c = new_cache(64);
	struct asker first = { c, "home", 1000, 0, 0, "" }, second;
	pthread_t t;

	(void)state;
	ask(&first);
	assert_int_equal(first.claimed, 1);
	second = first;
	pthread_create(&t, NULL, ask, &second);
	sleep_ms(50);
	cache_unclaim(c, "home", 4);
	pthread_join(t, NULL);
	assert_int_equal(second.len, -1);
	assert_int_equal(second.claimed, 0);
	/* The claim is over: the next one to ask claims. */
	ask(&first);
	assert_int_equal(first.claimed, 1);
}

static void
a_waiter_gives_up_after_its_wait(void **state)
{
	struct cache *c = new_cache(64);
	struct asker first = { c, "home", 100, 0, 0, "" }, second;
	struct timespec t0;

	(void)state;
	ask(&first);
	assert_int_equal(first.claimed, 1);
	second = first;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ask(&second);		/* the claim is never ended */
	assert_int_equal(second.len, -1);
	assert_int_equal(second.claimed, 0);
	assert_true(ms_since(&t0) >= 90);
	assert_true(ms_since(&t0) < 1000);
}

static void
other_keys_do_not_wait(void **state)
{
	struct cache *c = new_cache(1);	/* every key in one slot */
	struct asker first = { c, "one", 1000, 0, 0, "" };
	struct asker other = { c, "two", 1000, 0, 0, "" };
	struct timespec t0;

	(void)state;
	ask(&first);
	assert_int_equal(first.claimed, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ask(&other);
	assert_int_equal(other.len, -1);
	assert_int_equal(other.claimed, 0);
	assert_true(ms_since(&t0) < 500);
	/* Its value does not end the first one's claim. */
	cache_put(c, "two", 3, &at, "2", 1);
	other.key = "one";
	other.wait_ms = 50;
	ask(&other);
	assert_int_equal(other.claimed, 0);
	cache_put(c, "one", 3, &at, "1", 1);
	ask(&other);
	assert_int_equal(other.len, 1);
	assert_string_equal(other.val, "1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_fresh_entry_is_found_and_stale_counters_miss),
		cmocka_unit_test(an_entry_lives_its_milliseconds),
		cmocka_unit_test(the_first_claims_and_the_others_wait_for_its_value),
		cmocka_unit_test(an_unclaim_sends_the_waiters_to_make_their_own),
		cmocka_unit_test(a_waiter_gives_up_after_its_wait),
		cmocka_unit_test(other_keys_do_not_wait),
	};

	return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
