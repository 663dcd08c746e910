/*
 * test_notify.c - unit tests for notify/: a template's placeholders filled
 * from a notice (known, unknown, unclosed, repeated, UTF-8 around them),
 * and the notices the machines may declare (flow/notices.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "notify.h"

static lx_notice notice(void)
{
	lx_notice n = {.event = "case.accepted", .case_id = 7};
	lx_notice_var(&n, "number", "20261201000007");
	lx_notice_var(&n, "unit", "供热公司");
	lx_notice_var(&n, "reply", NULL);
	return n;
}

static void expect_render(const char *tmpl, const char *want)
{
	lx_notice n = notice();
	char *got = lx_notice_render(tmpl, &n);
	assert_string_equal(got, want);
	free(got);
}

static void test_placeholders_are_filled(void **state)
{
	(void)state;
	expect_render("【连心】您反映的问题（编号{number}）已由{unit}受理。",
		      "【连心】您反映的问题（编号20261201000007）已由供热公司受理。");
	expect_render("{number}{number}", "2026120100000720261201000007");
	expect_render("no placeholders", "no placeholders");
	expect_render("", "");
}

static void test_unknown_and_empty_values_leave_nothing(void **state)
{
	(void)state;
	/* an unknown name and a NULL value read as empty: no braces reach a phone */
	expect_render("答复：{reply}。{nonsense}完", "答复：。完");
	expect_render("{}", "");
}

static void test_an_unclosed_brace_is_text(void **state)
{
	(void)state;
	expect_render("{number", "{number");
	expect_render("价格{低", "价格{低");
	expect_render("a}b", "a}b");
}

static void test_the_notices_machines_may_name(void **state)
{
	(void)state;
	assert_true(lx_flow_notice_valid("handler:case.dispatched"));
	assert_true(lx_flow_notice_valid("desk:case.approval"));
	assert_true(lx_flow_notice_valid("reporter:case.accepted"));
	assert_false(lx_flow_notice_valid("leader:case.accepted"));
	assert_false(lx_flow_notice_valid("handler:"));
	assert_false(lx_flow_notice_valid("handler"));
	assert_false(lx_flow_notice_valid(":case.accepted"));
	assert_false(lx_flow_notice_valid(NULL));
	/* and every machine compiles with the notices it declares */
	lx_flow_init();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placeholders_are_filled),
		cmocka_unit_test(test_unknown_and_empty_values_leave_nothing),
		cmocka_unit_test(test_an_unclosed_brace_is_text),
		cmocka_unit_test(test_the_notices_machines_may_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
