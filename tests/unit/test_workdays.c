/*
 * test_workdays.c - the working-day arithmetic (flow/calendar.c): dates,
 * weekdays, days set apart from the weekday rule, N working days from an
 * instant, working time between two instants and after one, checked on
 * examples and against a day-by-day count over two years.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "calendar.h"

#define HOUR ((lx_ms)3600000)
#define TZ 480

static int64_t day(const char *s)
{
	int64_t d;
	assert_int_equal(lx_cal_day_parse(s, &d), LX_OK);
	return d;
}

/* Local midnight of a date in the calendar's zone, plus hours. */
static lx_ms at(const lx_cal *c, const char *date, double hours)
{
	return lx_cal_day_start(c, day(date)) + (lx_ms)(hours * (double)HOUR);
}

static void test_dates(void **state)
{
	(void)state;
	char out[16];
	int64_t d;
	assert_int_equal(day("1970-01-01"), 0);
	assert_int_equal(lx_cal_weekday(0), 4); /* a Thursday */
	assert_int_equal(lx_cal_weekday(day("2026-12-01")), 2);
	assert_int_equal(lx_cal_weekday(day("2026-10-10")), 6);
	assert_string_equal(lx_cal_day_format(day("2024-02-29"), out, sizeof out), "2024-02-29");
	assert_string_equal(lx_cal_day_format(day("1900-01-01"), out, sizeof out), "1900-01-01");
	const char *bad[] = {"2026-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "2026-01-1", "20261001",
			     "2026-10-01x", "", "2200-01-01", "abcd-ef-gh", "2026/10/01"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (lx_cal_day_parse(bad[i], &d) == LX_OK)
			fail_msg("%s parsed as a date", bad[i]);
	assert_int_equal(lx_cal_day_parse(NULL, &d), LX_INVALID);
	/* every date of 1900-2199 survives format -> parse */
	for (int64_t k = day("1900-01-01"); k <= day("2199-12-31"); k += 37) {
		int64_t back;
		assert_int_equal(lx_cal_day_parse(lx_cal_day_format(k, out, sizeof out), &back), LX_OK);
		assert_int_equal(back, k);
	}
}

static void test_days_set_apart(void **state)
{
	(void)state;
	lx_cal c;
	lx_cal_init(&c, TZ);
	assert_true(lx_cal_workday(&c, day("2026-10-08")));   /* a Thursday */
	assert_false(lx_cal_workday(&c, day("2026-10-10")));  /* a Saturday */
	lx_cal_set(&c, day("2026-10-10"), true);               /* 调休 */
	lx_cal_set(&c, day("2026-10-08"), false);
	lx_cal_set(&c, day("2026-10-08"), true);               /* set again: the later wins */
	lx_cal_set(&c, day("2026-10-01"), false);
	lx_cal_sort(&c);
	assert_int_equal(c.n, 3);
	assert_true(lx_cal_workday(&c, day("2026-10-10")));
	assert_true(lx_cal_workday(&c, day("2026-10-08")));
	assert_false(lx_cal_workday(&c, day("2026-10-01")));
	bool w;
	assert_true(lx_cal_has(&c, day("2026-10-01"), &w) && !w);
	assert_false(lx_cal_has(&c, day("2026-10-02"), &w));
	lx_cal_free(&c);
}

/* The reference: walk the days one by one. */
static lx_ms ref_workdays_end(const lx_cal *c, lx_ms t, int n)
{
	int64_t d = lx_cal_day_of(c, t);
	while (n > 0) {
		d++;
		if (lx_cal_workday(c, d))
			n--;
	}
	return lx_cal_day_start(c, d + 1);
}

static void test_workdays_end(void **state)
{
	(void)state;
	lx_cal c;
	lx_cal_init(&c, TZ);
	/* National Day 2026: 10-01..10-07 off, Saturday 10-10 worked */
	for (int64_t d = day("2026-10-01"); d <= day("2026-10-07"); d++)
		lx_cal_set(&c, d, false);
	lx_cal_set(&c, day("2026-10-10"), true);
	lx_cal_sort(&c);
	/* strictly after the date of t, and to 24:00 of the last one */
	assert_int_equal(lx_cal_workdays_end(&c, at(&c, "2026-09-30", 23.99), 1), at(&c, "2026-10-09", 0));
	assert_int_equal(lx_cal_workdays_end(&c, at(&c, "2026-09-30", 0), 3), at(&c, "2026-10-11", 0));
	assert_int_equal(lx_cal_workdays_end(&c, at(&c, "2026-10-03", 12), 1), at(&c, "2026-10-09", 0));
	/* the date is the local one: 23:30 UTC on the 29th is the 30th in Beijing */
	lx_ms late = at(&c, "2026-09-30", 7.5);
	assert_int_equal(lx_cal_workdays_end(&c, late, 1), at(&c, "2026-10-09", 0));
	/* against the day-by-day count over two years, N from 1 to 30 */
	for (lx_ms t = at(&c, "2025-12-01", 9.5); t < at(&c, "2027-12-01", 0); t += 17 * HOUR)
		for (int n = 1; n <= 30; n += 7)
			assert_int_equal(lx_cal_workdays_end(&c, t, n), ref_workdays_end(&c, t, n));
	lx_cal_free(&c);
}

static void test_working_time(void **state)
{
	(void)state;
	lx_cal c;
	lx_cal_init(&c, TZ);
	/* Friday 16:00 to Monday 10:00: 8 + 10 hours of workdays */
	lx_ms fri = at(&c, "2026-11-20", 16), mon = at(&c, "2026-11-23", 10);
	assert_int_equal(lx_cal_work_between(&c, fri, mon), 18 * HOUR);
	assert_int_equal(lx_cal_work_between(&c, mon, fri), 0);
	assert_int_equal(lx_cal_work_between(&c, at(&c, "2026-11-21", 1), at(&c, "2026-11-22", 23)), 0);
	/* 18 working hours after Thursday 24:00 is Friday 18:00 */
	assert_int_equal(lx_cal_add_work(&c, at(&c, "2026-11-27", 0), 18 * HOUR), at(&c, "2026-11-27", 18));
	/* from Saturday, counting starts on Monday */
	assert_int_equal(lx_cal_add_work(&c, at(&c, "2026-11-21", 9), HOUR), at(&c, "2026-11-23", 1));
	/* a whole Friday ends at its 24:00, not Monday's 00:00 */
	assert_int_equal(lx_cal_add_work(&c, at(&c, "2026-11-27", 0), 24 * HOUR), at(&c, "2026-11-28", 0));
	assert_int_equal(lx_cal_add_work(&c, fri, 0), fri);
	/* add_work undoes work_between */
	for (lx_ms a = at(&c, "2026-01-01", 0); a < at(&c, "2026-03-01", 0); a += 5 * HOUR + 7) {
		lx_ms w = lx_cal_work_between(&c, a, a + 60 * HOUR);
		lx_ms b = lx_cal_add_work(&c, a, w);
		assert_int_equal(lx_cal_work_between(&c, a, b), w);
	}
	lx_cal_free(&c);
}

/* A calendar of rest days only: the walks end instead of looping. */
static void test_no_workdays_at_all(void **state)
{
	(void)state;
	lx_cal c;
	lx_cal_init(&c, TZ);
	for (int64_t d = day("2026-01-01"); d < day("2037-01-01"); d++)
		if (lx_cal_workday(&c, d))
			lx_cal_set(&c, d, false);
	lx_cal_sort(&c);
	lx_ms t = at(&c, "2026-06-01", 9);
	assert_true(lx_cal_workdays_end(&c, t, 1) > t);
	assert_true(lx_cal_add_work(&c, t, HOUR) > t);
	lx_cal_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_days_set_apart),
		cmocka_unit_test(test_workdays_end),
		cmocka_unit_test(test_working_time),
		cmocka_unit_test(test_no_workdays_at_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
