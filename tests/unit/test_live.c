/*
 * Unit tests for lib/live.c's pure parts: cursors as event ids, their
 * order, and the seen-set of rows told.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "live.h"

static void
a_cursor_round_trips_with_its_time(void **state)
{
	struct live_cursor c = { 1042, 977, 1733581174123LL }, d;
	char s[LIVE_CURSOR_MAX];

	(void)state;
	live_cursor_format(&c, s);
	assert_string_equal(s, "1042.977.1733581174123");
	assert_int_equal(live_cursor_parse(s, &d), 0);
	assert_memory_equal(&c, &d, sizeof(c));
	/* An earlier version's id: no time. */
	assert_int_equal(live_cursor_parse("12.34", &d), 0);
	assert_true(d.run == 12 && d.change == 34 && d.ms == 0);
}

static void
anything_else_is_no_cursor(void **state)
{
	static const char *bad[] = { "", "1", "1.", ".1", "1..2", "1.2.",
	    "1.2.3.4", "-1.2", "+1.2", " 1.2", "1.2 ", "1.-2", "1.+2",
	    "1.2.-3", "a.b", "1e3.2", "1234567890123456789.1", "1.2\n" };
	struct live_cursor c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(live_cursor_parse(bad[i], &c), -1);
	assert_int_equal(live_cursor_parse(NULL, &c), -1);
}

static void
a_cursor_is_before_when_any_part_is(void **state)
{
	struct live_cursor a = { 10, 20, 1000 }, b = a;

	(void)state;
	assert_false(live_cursor_before(&a, &b));
	b.ms++;			/* a late row of a lower id moves only this */
	assert_true(live_cursor_before(&a, &b));
	assert_false(live_cursor_before(&b, &a));
	b = a;
	b.change++;
	assert_true(live_cursor_before(&a, &b));
}

static void
the_seen_set_keeps_rows_until_their_time_is_out(void **state)
{
	struct live_seen s = { NULL, 0, 0 };

	(void)state;
	for (long long k = 200; k > 0; k--)	/* out of order, many */
		live_seen_add(&s, k % 2 ? k : -k, 1000 + k);
	assert_int_equal(s.n, 200);
	assert_true(live_seen_has(&s, 7));
	assert_true(live_seen_has(&s, -8));
	assert_false(live_seen_has(&s, 8));	/* runs and changes apart */
	assert_false(live_seen_has(&s, 201));
	live_seen_add(&s, 7, 5000);		/* again: its time moves */
	assert_int_equal(s.n, 200);
	live_seen_prune(&s, 1101);
	assert_int_equal(s.n, 101);		/* 101..200, and 7 */
	assert_true(live_seen_has(&s, 7));
	assert_false(live_seen_has(&s, 99));
	assert_false(live_seen_has(&s, -100));
	assert_true(live_seen_has(&s, -102));
	for (size_t i = 1; i < s.n; i++)
		assert_true(s.v[i - 1].key < s.v[i].key);
	live_seen_free(&s);
	assert_int_equal(s.n, 0);
	assert_false(live_seen_has(&s, 7));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_cursor_round_trips_with_its_time),
		cmocka_unit_test(anything_else_is_no_cursor),
		cmocka_unit_test(a_cursor_is_before_when_any_part_is),
		cmocka_unit_test(the_seen_set_keeps_rows_until_their_time_is_out),
	};

	return cmocka_run_group_tests_name("live", tests, NULL, NULL);
}
