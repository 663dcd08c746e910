/*
 * test_periods.c - a visit plan's periods (field/periods.c): where a day,
 * a week, a month, every n months and a once plan begin in the server's
 * zone, and when a target is done, due and overdue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "field.h"

#define TZ 480 /* Asia/Shanghai */
#define H (3600LL * 1000)

/* The instant of a local date and hour in TZ. */
static lx_ms local(int y, int m, int d, int hour)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = hour};
	return (lx_ms)timegm(&tm) * 1000 - (lx_ms)TZ * 60000;
}

static lx_plan plan(const char *freq, int n, lx_ms starts, lx_ms ends)
{
	lx_plan p;
	memset(&p, 0, sizeof p);
	snprintf(p.frequency, sizeof p.frequency, "%s", freq);
	p.every_n = n;
	p.starts_at = starts;
	p.ends_at = ends;
	return p;
}

static void test_period_starts(void **state)
{
	(void)state;
	lx_ms t = local(2026, 12, 2, 3); /* a Wednesday, 03:00 local (the day before in UTC) */
	lx_plan daily = plan("daily", 1, local(2026, 1, 1, 0), 0);
	assert_int_equal(lx_plan_period_start(&daily, t, TZ), local(2026, 12, 2, 0));
	lx_plan weekly = plan("weekly", 1, local(2026, 1, 1, 0), 0);
	assert_int_equal(lx_plan_period_start(&weekly, t, TZ), local(2026, 11, 30, 0)); /* Monday */
	assert_int_equal(lx_plan_period_start(&weekly, local(2026, 11, 30, 0), TZ), local(2026, 11, 30, 0));
	assert_int_equal(lx_plan_period_start(&weekly, local(2026, 11, 29, 23), TZ), local(2026, 11, 23, 0));
	lx_plan monthly = plan("monthly", 1, local(2026, 1, 15, 0), 0);
	assert_int_equal(lx_plan_period_start(&monthly, t, TZ), local(2026, 12, 1, 0));
	/* every 3 months from a plan begun in February: Feb, May, Aug, Nov */
	lx_plan quarterly = plan("every_n_months", 3, local(2026, 2, 10, 9), 0);
	assert_int_equal(lx_plan_period_start(&quarterly, t, TZ), local(2026, 11, 1, 0));
	assert_int_equal(lx_plan_period_start(&quarterly, local(2027, 1, 31, 12), TZ), local(2026, 11, 1, 0));
	assert_int_equal(lx_plan_period_start(&quarterly, local(2027, 2, 1, 0), TZ), local(2027, 2, 1, 0));
	lx_plan once = plan("once", 1, local(2026, 11, 15, 0), local(2027, 1, 31, 0));
	assert_int_equal(lx_plan_period_start(&once, t, TZ), local(2026, 11, 15, 0));
}

static void test_done_due_and_overdue(void **state)
{
	(void)state;
	lx_ms now = local(2026, 12, 2, 10);
	lx_plan daily = plan("daily", 1, local(2026, 1, 1, 0), 0);
	lx_period_bounds b = lx_plan_bounds(&daily, now, TZ);
	assert_int_equal(b.done_since, local(2026, 12, 2, 0));
	assert_int_equal(b.done_before, local(2026, 12, 1, 0));
	lx_target t;
	memset(&t, 0, sizeof t);
	lx_ms since;
	bool overdue;
	/* visited yesterday: due today, not overdue */
	t.first_due_at = local(2026, 1, 1, 0);
	t.done_at = local(2026, 12, 1, 15);
	lx_target_due(&daily, &t, &b, TZ, &since, &overdue);
	assert_int_equal(since, local(2026, 12, 2, 0));
	assert_false(overdue);
	/* last visited the day before: a whole day missed */
	t.done_at = local(2026, 11, 30, 15);
	lx_target_due(&daily, &t, &b, TZ, &since, &overdue);
	assert_int_equal(since, local(2026, 12, 1, 0));
	assert_true(overdue);
	/* never visited, due since today: not yet overdue; since yesterday: overdue */
	t.done_at = 0;
	t.first_due_at = local(2026, 12, 2, 8);
	lx_target_due(&daily, &t, &b, TZ, &since, &overdue);
	assert_false(overdue);
	t.first_due_at = local(2026, 12, 1, 8);
	lx_target_due(&daily, &t, &b, TZ, &since, &overdue);
	assert_true(overdue);
	/* a once plan is overdue only after its end */
	lx_plan once = plan("once", 1, local(2026, 11, 15, 0), local(2026, 12, 1, 0));
	b = lx_plan_bounds(&once, now, TZ);
	t.first_due_at = local(2026, 11, 15, 0);
	lx_target_due(&once, &t, &b, TZ, &since, &overdue);
	assert_true(overdue);
	once.ends_at = local(2027, 1, 31, 0);
	b = lx_plan_bounds(&once, now, TZ);
	lx_target_due(&once, &t, &b, TZ, &since, &overdue);
	assert_false(overdue);
	/* done once: done for good */
	t.done_at = local(2026, 11, 20, 10);
	lx_target_due(&once, &t, &b, TZ, &since, &overdue);
	assert_false(overdue);
	assert_true(t.done_at >= b.done_since);
}

static void test_names(void **state)
{
	(void)state;
	assert_true(lx_frequency_known("every_n_months"));
	assert_false(lx_frequency_known("hourly"));
	assert_false(lx_frequency_known(NULL));
	assert_true(lx_outcome_known("not_home"));
	assert_false(lx_outcome_known("away"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_period_starts),
		cmocka_unit_test(test_done_due_and_overdue),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
