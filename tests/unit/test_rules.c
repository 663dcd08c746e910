/*
 * test_rules.c - unit tests for core/rules: the names of ratings, channels
 * and roles the API speaks, role lists, deadlines in hours and rates.
 * (The case types and their machines are tested in test_flow.c.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lx.h"
#include "rules.h"

static const char *const rating_names[LX_RATING__N] = {
	[LX_RATING_SATISFIED] = "satisfied",
	[LX_RATING_BASIC] = "basic",
	[LX_RATING_UNSATISFIED] = "unsatisfied",
};

static const char *const channel_names[LX_CH__N] = {
	[LX_CH_HOTLINE] = "hotline",       [LX_CH_WEB] = "web",
	[LX_CH_GRID_VISIT] = "grid_visit", [LX_CH_DEPUTY_STATION] = "deputy_station",
	[LX_CH_ONEKEY] = "onekey",         [LX_CH_OPEN311] = "open311",
	[LX_CH_IMPORT] = "import",         [LX_CH_INSPECTION] = "inspection",
};

/* Role names by bit number (bit i is 1 << i). */
#define N_ROLES 7
static const char *const role_names[N_ROLES] = {
	"admin", "dispatcher", "handler", "grid_worker", "leader", "deputy", "volunteer",
};
static const unsigned role_bits[N_ROLES] = {
	LX_ROLE_ADMIN,  LX_ROLE_DISPATCHER, LX_ROLE_HANDLER,  LX_ROLE_GRID_WORKER,
	LX_ROLE_LEADER, LX_ROLE_DEPUTY,     LX_ROLE_VOLUNTEER,
};

static const char *rc_name(int rc)
{
	switch (rc) {
	case LX_OK: return "LX_OK";
	case LX_CONFLICT: return "LX_CONFLICT";
	case LX_FORBIDDEN: return "LX_FORBIDDEN";
	case LX_INVALID: return "LX_INVALID";
	default: return "other";
	}
}

/* ---- names ------------------------------------------------------------------- */

static void check_names(const char *const *names, int n, const char *(*name_of)(int),
			int (*parse)(const char *))
{
	for (int i = 0; i < n; i++) {
		assert_non_null(names[i]);
		assert_string_equal(name_of(i), names[i]);
		assert_int_equal(parse(names[i]), i);
		assert_int_equal(parse(name_of(i)), i);
		/* Near misses are unknown. */
		char buf[64];
		snprintf(buf, sizeof buf, "%s ", names[i]);
		assert_int_equal(parse(buf), -1);
		snprintf(buf, sizeof buf, "%.*s", (int)strlen(names[i]) - 1, names[i]);
		assert_int_equal(parse(buf), -1);
		snprintf(buf, sizeof buf, "%s", names[i]);
		buf[0] = (char)(buf[0] - 'a' + 'A');
		assert_int_equal(parse(buf), -1);
	}
	assert_int_equal(parse(NULL), -1);
	assert_int_equal(parse(""), -1);
	assert_int_equal(parse("unknown"), -1);
}

static const char *rating_name_of(int i) { return lx_rating_name((lx_rating)i); }
static const char *channel_name_of(int i) { return lx_channel_name((lx_channel)i); }

static void test_names_round_trip(void **state)
{
	(void)state;
	check_names(rating_names, LX_RATING__N, rating_name_of, lx_rating_parse);
	check_names(channel_names, LX_CH__N, channel_name_of, lx_channel_parse);
	/* A name of one enumeration is not a name of another. */
	assert_int_equal(lx_channel_parse("request"), -1);
	assert_int_equal(lx_rating_parse("solved"), -1);
	/* The exported lists end with NULL and hold the same names. */
	for (int i = 0; i < LX_RATING__N; i++)
		assert_string_equal(lx_rating_names[i], rating_names[i]);
	assert_null(lx_rating_names[LX_RATING__N]);
	for (int i = 0; i < LX_CH__N; i++)
		assert_string_equal(lx_channel_names[i], channel_names[i]);
	assert_null(lx_channel_names[LX_CH__N]);
	for (int i = 0; i < N_ROLES; i++)
		assert_string_equal(lx_role_names[i], role_names[i]);
	assert_null(lx_role_names[N_ROLES]);
}

static void test_role_names(void **state)
{
	(void)state;
	for (int i = 0; i < N_ROLES; i++) {
		assert_int_equal(role_bits[i], 1u << i);
		assert_string_equal(lx_role_name(role_bits[i]), role_names[i]);
		assert_int_equal(lx_role_parse(role_names[i]), role_bits[i]);
	}
	assert_int_equal(LX_ROLE__ALL, (1u << N_ROLES) - 1);
	assert_null(lx_role_name(0));
	assert_null(lx_role_name(LX_ROLE_ADMIN | LX_ROLE_HANDLER));
	assert_null(lx_role_name(1u << N_ROLES));
	assert_int_equal(lx_role_parse(NULL), 0);
	assert_int_equal(lx_role_parse(""), 0);
	assert_int_equal(lx_role_parse("root"), 0);
	assert_int_equal(lx_role_parse("Admin"), 0);
}

static void test_roles_format(void **state)
{
	(void)state;
	char out[128];
	assert_string_equal(lx_roles_format(LX_ROLE_ADMIN | LX_ROLE_HANDLER, out, sizeof out),
			    "admin,handler");
	assert_string_equal(lx_roles_format(0, out, sizeof out), "");
	assert_string_equal(lx_roles_format(LX_ROLE_VOLUNTEER, out, sizeof out), "volunteer");
	assert_string_equal(lx_roles_format(LX_ROLE__ALL, out, sizeof out),
			    "admin,dispatcher,handler,grid_worker,leader,deputy,volunteer");
	/* Unknown bits are not printed. */
	assert_string_equal(lx_roles_format(LX_ROLE_LEADER | (1u << 9), out, sizeof out), "leader");
	/* A short buffer stays NUL-terminated within its size. */
	memset(out, 'x', sizeof out);
	lx_roles_format(LX_ROLE__ALL, out, 12);
	assert_true(strlen(out) < 12);
	assert_memory_equal(out, "admin", 5);
}

static void test_roles_parse_list(void **state)
{
	(void)state;
	unsigned m = 12345;
	assert_int_equal(lx_roles_parse_list("admin,handler", &m), LX_OK);
	assert_int_equal(m, LX_ROLE_ADMIN | LX_ROLE_HANDLER);
	assert_int_equal(lx_roles_parse_list("handler,admin,handler", &m), LX_OK);
	assert_int_equal(m, LX_ROLE_ADMIN | LX_ROLE_HANDLER);
	assert_int_equal(lx_roles_parse_list("deputy", &m), LX_OK);
	assert_int_equal(m, LX_ROLE_DEPUTY);
	m = 12345;
	assert_int_equal(lx_roles_parse_list("", &m), LX_OK); /* no roles */
	assert_int_equal(m, 0);

	/* Every mask survives format -> parse. */
	for (unsigned mask = 0; mask <= LX_ROLE__ALL; mask++) {
		char out[128];
		m = 12345;
		assert_int_equal(lx_roles_parse_list(lx_roles_format(mask, out, sizeof out), &m), LX_OK);
		assert_int_equal(m, mask);
	}

	/* Unknown names and empty entries are invalid and leave the mask alone. */
	const char *bad[] = {"root",         "admin,root", "admin, handler", "Admin",
			     "admin,,handler", ",admin",   ",",
			     "a_role_name_that_is_much_longer_than_any_buffer_would_hold"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		m = 12345;
		int rc = lx_roles_parse_list(bad[i], &m);
		if (rc != LX_INVALID || m != 12345)
			fail_msg("lx_roles_parse_list(\"%s\") = %s mask %u, want LX_INVALID and mask untouched",
				 bad[i], rc_name(rc), m);
	}
}

/* An empty entry is invalid at the end of the list as it is anywhere else. */
static void test_roles_parse_list_trailing_comma(void **state)
{
	(void)state;
	const char *bad[] = {"admin,", "admin,handler,"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		unsigned m = 12345;
		int rc = lx_roles_parse_list(bad[i], &m);
		if (rc != LX_INVALID || m != 12345)
			fail_msg("lx_roles_parse_list(\"%s\") = %s mask %u, want LX_INVALID and mask untouched",
				 bad[i], rc_name(rc), m);
	}
}

/* ---- SLA and rates ---------------------------------------------------------- */

#define HOUR_MS ((lx_ms)3600000)

static void sla(lx_ms from, double acc, double res, bool urgent, lx_ms want_acc, lx_ms want_res)
{
	lx_ms a = -1, r = -1;
	lx_sla_deadlines(from, acc, res, urgent, &a, &r);
	assert_int_equal(a, from + want_acc);
	assert_int_equal(r, from + want_res);
}

static void test_sla_deadlines(void **state)
{
	(void)state;
	const lx_ms t0 = 1775007000000; /* 2026-04-01T09:30:00+08:00 */
	sla(t0, 4, 72, false, 4 * HOUR_MS, 72 * HOUR_MS);
	sla(t0, 0.001, 0.001, false, 3600, 3600);
	sla(t0, 0.1, 1.5, false, 360000, 5400000);
	sla(t0, 0.25, 0.75, false, 900000, 2700000);
	/* Urgent: at most half an hour to accept and two hours to resolve. */
	sla(t0, 4, 72, true, HOUR_MS / 2, 2 * HOUR_MS);
	sla(t0, 0.5, 2, true, HOUR_MS / 2, 2 * HOUR_MS);
	sla(t0, 0.6, 2.001, true, HOUR_MS / 2, 2 * HOUR_MS);
	/* ... but never longer than the category's own deadlines. */
	sla(t0, 0.25, 1, true, 900000, HOUR_MS);
	sla(t0, 0.001, 0.002, true, 3600, 7200);
	sla(t0, 1, 1.5, true, HOUR_MS / 2, 5400000);
	/* Any epoch works, including 0 and before it. */
	sla(0, 2, 48, false, 2 * HOUR_MS, 48 * HOUR_MS);
	sla(-HOUR_MS, 1, 1, false, HOUR_MS, HOUR_MS);
}

static void test_rate_value(void **state)
{
	(void)state;
	double v = -7;
	assert_false(lx_rate_value((lx_rate){0, 0}, &v));
	assert_true(v == -7); /* untouched */
	assert_true(lx_rate_value((lx_rate){3, 4}, &v));
	assert_true(v == 0.75);
	assert_true(lx_rate_value((lx_rate){0, 5}, &v));
	assert_true(v == 0.0);
	assert_true(lx_rate_value((lx_rate){5, 5}, &v));
	assert_true(v == 1.0);
	assert_true(lx_rate_value((lx_rate){1, 3}, &v));
	assert_true(fabs(v - 1.0 / 3.0) < 1e-15);
	assert_true(lx_rate_value((lx_rate){INT64_C(1) << 40, INT64_C(1) << 41}, &v));
	assert_true(v == 0.5);
}

/* An excluded case stays received and leaves every rated figure. */
static void test_contrib_excluded(void **state)
{
	(void)state;
	lx_stat_facts f = {.first_dispatched_at = 1, .dispatched_at = 1, .accepted_at = 2, .accept_due_at = 3,
			   .done = true, .rating = LX_RATING_UNSATISFIED, .solved = 0};
	int64_t v[LX_STAT__N];
	lx_stat_contrib(&f, v);
	assert_int_equal(v[LX_STAT_RATED], 1);
	assert_int_equal(v[LX_STAT_UNSATISFIED], 1);
	assert_int_equal(v[LX_STAT_EXCLUDED], 0);
	f.excluded = true;
	lx_stat_contrib(&f, v);
	assert_int_equal(v[LX_STAT_RECEIVED], 1);
	assert_int_equal(v[LX_STAT_DISPATCHED], 1);
	assert_int_equal(v[LX_STAT_DUE], 1);
	assert_int_equal(v[LX_STAT_ON_TIME], 1);
	assert_int_equal(v[LX_STAT_RATED], 0);
	assert_int_equal(v[LX_STAT_SOLVED], 0);
	assert_int_equal(v[LX_STAT_SATISFIED] + v[LX_STAT_BASIC] + v[LX_STAT_UNSATISFIED], 0);
	assert_int_equal(v[LX_STAT_EXCLUDED], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_role_names),
		cmocka_unit_test(test_roles_format),
		cmocka_unit_test(test_roles_parse_list),
		cmocka_unit_test(test_roles_parse_list_trailing_comma),
		cmocka_unit_test(test_sla_deadlines),
		cmocka_unit_test(test_rate_value),
		cmocka_unit_test(test_contrib_excluded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
