/*
 * test_calendar.c - the month arithmetic of the monthly roll-ups
 * (store/repo_stats.c), checked against the C library's own calendar
 * (gmtime_r) day by day over 1900-2199, and the parsing of materialised
 * paths shared by the visibility index and the roll-ups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include "repo.h"

static void test_month_of_every_day_agrees_with_gmtime(void **state)
{
	(void)state;
	int64_t first = -25567, last = 84006; /* 1900-01-01 .. 2199-12-31 */
	int64_t prev_month = 0;
	for (int64_t d = first; d <= last; d++) {
		time_t t = (time_t)(d * 86400);
		struct tm tm;
		assert_non_null(gmtime_r(&t, &tm));
		int64_t want = (int64_t)(tm.tm_year + 1900) * 12 + tm.tm_mon;
		int64_t m = lx_month_of_day(d);
		assert_int_equal(m, want);
		if (tm.tm_mday == 1)
			assert_int_equal(lx_month_first_day(m), d);
		else
			assert_true(lx_month_first_day(m) < d && lx_month_first_day(m + 1) > d);
		if (d > first)
			assert_true(m == prev_month || m == prev_month + 1);
		prev_month = m;
	}
}

static void test_path_names_its_unit(void **state)
{
	(void)state;
	assert_int_equal(lx_path_unit_id("/1/2/45/"), 45);
	assert_int_equal(lx_path_unit_id("/7/"), 7);
	assert_int_equal(lx_path_unit_id("/"), 0);
	assert_int_equal(lx_path_unit_id(NULL), 0);
	assert_int_equal(lx_path_unit_id("/1/x/"), 0);
	assert_int_equal(lx_path_unit_id("/1/2"), 0);
}

static void test_path_ids_root_first_all_or_nothing(void **state)
{
	(void)state;
	int64_t ids[3];
	assert_int_equal(lx_path_ids("/1/7/42/", ids, 3), 3);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 7);
	assert_int_equal(ids[2], 42);
	assert_int_equal(lx_path_ids("/", ids, 3), 0);
	assert_int_equal(lx_path_ids(NULL, ids, 3), 0);
	assert_int_equal(lx_path_ids("/1/x/", ids, 3), 0);
	assert_int_equal(lx_path_ids("/1//", ids, 3), 0);
	assert_int_equal(lx_path_ids("1/2/", ids, 3), 0);
	/* deeper than the room given: nothing rather than a prefix */
	assert_int_equal(lx_path_ids("/1/2/3/4/", ids, 3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_month_of_every_day_agrees_with_gmtime),
		cmocka_unit_test(test_path_names_its_unit),
		cmocka_unit_test(test_path_ids_root_first_all_or_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
