/*
 * test_contrib.c - what one case contributes to the three rates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rules.h"

static void contrib(const lx_stat_facts *f, int64_t v[LX_STAT__N])
{
	lx_stat_contrib(f, v);
}

static void test_new_case_counts_as_received_only(void **state)
{
	(void)state;
	lx_stat_facts f = {.rating = -1, .solved = -1};
	int64_t v[LX_STAT__N];
	contrib(&f, v);
	assert_int_equal(v[LX_STAT_RECEIVED], 1);
	for (int i = 1; i < LX_STAT__N; i++)
		assert_int_equal(v[i], 0);
}

static void test_response_on_time_and_late(void **state)
{
	(void)state;
	int64_t v[LX_STAT__N];
	lx_stat_facts f = {.first_dispatched_at = 1000, .dispatched_at = 1000, .accept_due_at = 5000,
			   .rating = -1, .solved = -1};
	contrib(&f, v);
	assert_int_equal(v[LX_STAT_DISPATCHED], 1);
	assert_int_equal(v[LX_STAT_DUE], 0); /* not accepted, deadline not passed */
	f.accept_overdue = true;
	contrib(&f, v);
	assert_int_equal(v[LX_STAT_DUE], 1);
	assert_int_equal(v[LX_STAT_ON_TIME], 0);
	f.accept_overdue = false;
	f.accepted_at = 5000; /* exactly at the deadline is on time */
	contrib(&f, v);
	assert_int_equal(v[LX_STAT_DUE], 1);
	assert_int_equal(v[LX_STAT_ON_TIME], 1);
	f.accepted_at = 5001;
	contrib(&f, v);
	assert_int_equal(v[LX_STAT_ON_TIME], 0);
}

static void test_latest_rating_counts(void **state)
{
	(void)state;
	int64_t v[LX_STAT__N];
	lx_stat_facts f = {.rating = LX_RATING_BASIC, .solved = 0, .done = true};
	contrib(&f, v);
	assert_int_equal(v[LX_STAT_RATED], 1);
	assert_int_equal(v[LX_STAT_SOLVED], 0);
	assert_int_equal(v[LX_STAT_BASIC], 1);
	assert_int_equal(v[LX_STAT_SATISFIED] + v[LX_STAT_UNSATISFIED], 0);
	f.rating = LX_RATING_SATISFIED;
	f.solved = 1;
	contrib(&f, v);
	assert_int_equal(v[LX_STAT_SOLVED], 1);
	assert_int_equal(v[LX_STAT_SATISFIED], 1);
}

static void test_overdue_open_only_while_open(void **state)
{
	(void)state;
	int64_t v[LX_STAT__N];
	lx_stat_facts f = {.overdue = true, .rating = -1, .solved = -1};
	contrib(&f, v);
	assert_int_equal(v[LX_STAT_OVERDUE_OPEN], 1);
	f.done = true;
	contrib(&f, v);
	assert_int_equal(v[LX_STAT_OVERDUE_OPEN], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_case_counts_as_received_only),
		cmocka_unit_test(test_response_on_time_and_late),
		cmocka_unit_test(test_latest_rating_counts),
		cmocka_unit_test(test_overdue_open_only_while_open),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
