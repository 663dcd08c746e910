/*
 * test_flow.c - the workflow engine (src/flow/): its decisions checked
 * exhaustively against an independent specification written from the
 * contract (shared/API.md and the P6 issue), allowed_actions against the
 * decisions, and the 12345 rules step by step: working-day deadlines on
 * the holiday calendar, suspension, extension, verification, appeals,
 * invalid calls, a returned case's stopped clock, calendar changes.
 *
 * The engine reads categories, units and the calendar from a store: a
 * throw-away SQLite file, migrated as `init` would.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "flow.h"
#include "rules.h"

#define HOUR ((lx_ms)3600000)
#define DAY (24 * HOUR)
#define TZ 480

static lx_db *db;
static char dir[64];
static lx_unit district, street, community, grid, dept;

/* ---------------- the world ---------------- */

static void unit_make(lx_unit *u, const lx_unit *parent, const char *kind, const char *code, const char *name)
{
	memset(u, 0, sizeof *u);
	u->parent_id = parent ? parent->id : 0;
	snprintf(u->kind, sizeof u->kind, "%s", kind);
	u->code = strdup(code);
	u->name = strdup(name);
	assert_int_equal(lx_unit_insert(db, u), LX_OK);
}

static void category_make(const char *code, double acc_h, double res_h, int acc_wd, int res_wd, bool verify,
			  bool approval, int max_ext)
{
	lx_category c = {0};
	c.code = strdup(code);
	c.name = strdup(code);
	snprintf(c.case_type, sizeof c.case_type, "request");
	c.accept_hours = acc_h;
	c.resolve_hours = res_h;
	c.accept_workdays = acc_wd;
	c.resolve_workdays = res_wd;
	c.verify = verify;
	c.suspend_approval = approval;
	c.max_extensions = max_ext;
	assert_int_equal(lx_category_put(db, &c, false), LX_OK);
	lx_category_clear(&c);
}

static int setup(void **state)
{
	(void)state;
	char err[256], path[128];
	lx_flow_init();
	lx_store_set_tz(TZ);
	snprintf(dir, sizeof dir, "/tmp/lianxin-flow-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/flow.db", dir);
	assert_int_equal(lx_db_open(path, &db, err, sizeof err), LX_OK);
	assert_int_equal(lx_db_migrate(db, err, sizeof err), LX_OK);
	unit_make(&district, NULL, "district", "T1", "测试区");
	unit_make(&street, &district, "street", "T11", "测试街道");
	unit_make(&community, &street, "community", "T111", "测试社区");
	unit_make(&grid, &community, "grid", "T1111", "测试网格");
	unit_make(&dept, &district, "department", "T1D", "测试局");
	category_make("TH", 2, 24, 0, 0, false, false, 1);   /* hours */
	category_make("TW", 2, 24, 1, 5, false, false, 1);   /* working days */
	category_make("TV", 2, 24, 0, 0, true, false, 1);    /* verified */
	category_make("TA", 2, 24, 0, 0, false, true, 2);    /* suspensions approved */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	lx_db_close(db);
	lx_unit_clear(&district);
	lx_unit_clear(&street);
	lx_unit_clear(&community);
	lx_unit_clear(&grid);
	lx_unit_clear(&dept);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* 2026-04-01T09:30:00+08:00, a Wednesday and a workday */
static const lx_ms T0 = 1775007000000;

static lx_flow_actor desk = {1, LX_ROLE_DISPATCHER, "/", false};
static lx_flow_actor sys = {1, 0, "/", true};

static lx_flow_actor handler_of(const lx_unit *u)
{
	return (lx_flow_actor){2, LX_ROLE_HANDLER, u->path, false};
}

/* A new request located in the grid, started by the engine at t. */
static void case_new(lx_flow_ctx *x, lx_case *c, const char *code, lx_ms t)
{
	lx_event ev;
	memset(c, 0, sizeof *c);
	c->id = 1;
	c->version = 1;
	snprintf(c->type, sizeof c->type, "request");
	snprintf(c->channel, sizeof c->channel, "hotline");
	c->category_code = strdup(code);
	c->title = strdup("t");
	c->description = strdup("d");
	c->unit_id = grid.id;
	c->unit_path = strdup(grid.path);
	c->scope_path = strdup(grid.path);
	c->solved = -1;
	lx_flow_ctx_set_now(x, t);
	lx_flow_start(x, c, &ev);
	assert_string_equal(ev.action, "create");
	lx_event_clear(&ev);
}

/* Fires action at t by who; asserts it is allowed and returns the event's
 * deadline fields through ev (cleared by the caller) when given. */
static void step_ok(lx_flow_ctx *x, lx_case *c, lx_ms t, lx_flow_actor who, const char *action,
		    const lx_flow_input *in, lx_event *out)
{
	lx_event ev;
	lx_flow_error err = {0};
	lx_flow_ctx_set_now(x, t);
	lx_flow_ctx_set_actor(x, &who);
	int rc = lx_flow_step(x, c, action, in, &ev, &err);
	if (rc != LX_OK)
		fail_msg("%s from %s: %d %s %s", action, c->status, err.status, err.code, err.message);
	if (out)
		*out = ev;
	else
		lx_event_clear(&ev);
}

/* Fires action and expects a refusal with status and code. */
static void step_refused(lx_flow_ctx *x, lx_case *c, lx_ms t, lx_flow_actor who, const char *action,
			 const lx_flow_input *in, int status, const char *code)
{
	lx_event ev;
	lx_flow_error err = {0};
	lx_case before;
	lx_case_copy(&before, c);
	lx_flow_ctx_set_now(x, t);
	lx_flow_ctx_set_actor(x, &who);
	int rc = lx_flow_step(x, c, action, in, &ev, &err);
	if (rc == LX_OK)
		fail_msg("%s from %s was allowed; want %d %s", action, c->status, status, code);
	if (err.status != status || strcmp(err.code, code) != 0)
		fail_msg("%s from %s: got %d %s (%s), want %d %s", action, c->status, err.status, err.code,
			 err.message, status, code);
	/* a refused step leaves the case as it was */
	assert_string_equal(c->status, before.status);
	assert_int_equal(c->resolve_due_at, before.resolve_due_at);
	lx_case_clear(&before);
}

static lx_flow_ctx *ctx(void)
{
	return lx_flow_ctx_new(db, &desk, T0, TZ);
}

/* ---------------- the specification ---------------- */

#define DESK (LX_ROLE_ADMIN | LX_ROLE_DISPATCHER)
#define WORK (LX_ROLE_ADMIN | LX_ROLE_HANDLER | LX_ROLE_GRID_WORKER)
#define SAME "(same)"
#define GUARD "(409 unless the request is pending)"
#define ALL_STATES "new", "dispatched", "accepted", "suspended", "verifying", "returned", "reopened", \
		   "resolved", "closed", "merged"
#define OPEN_STATES "new", "dispatched", "accepted", "suspended", "verifying", "returned", "reopened"
#define AFTER_RATING "dispatched", "accepted", "suspended", "verifying", "reopened", "resolved", "closed"

/* One line per (action, who): from the contract, by name. A case in the
 * specification has a handling unit except when new or returned, no
 * pending request, no open assist task, a deadline ahead, and a category
 * in hours without verification. */
static const struct spec {
	const char *action;
	unsigned roles;
	bool handles; /* the actor's scope must hold the handling unit */
	const char *from[11];
	const char *to;
	bool covers;  /* ... or, for a grid worker's verification, the case's place */
} SPEC[] = {
	{"dispatch", DESK, false, {"new", "returned", "dispatched", "reopened"}, "dispatched", false},
	{"accept", WORK, true, {"dispatched", "reopened"}, "accepted", false},
	{"return", WORK, true, {"dispatched", "reopened", "accepted"}, "returned", false},
	{"escalate", WORK, true, {"dispatched", "reopened", "accepted"}, "dispatched", false},
	{"assist", WORK, true, {"accepted"}, SAME, false},
	{"resolve", WORK, true, {"accepted"}, "resolved", false},
	/* 即知即办: the reporting grid worker on the spot, when the category allows (a guard) */
	{"resolve", LX_ROLE_GRID_WORKER, false, {"new", "dispatched"}, GUARD, .covers = true},
	{"rate", DESK | LX_ROLE_GRID_WORKER | LX_ROLE_DEPUTY, false, {"resolved"}, "reopened", false},
	{"reopen", DESK, false, {"resolved", "closed"}, "reopened", false},
	{"close", DESK, false, {"resolved", "new", "returned", "reopened"}, "closed", false},
	{"supervise", DESK | LX_ROLE_LEADER, false, {OPEN_STATES}, SAME, false},
	{"comment", LX_ROLE__ALL, false, {ALL_STATES}, SAME, false},
	{"suspend", DESK, false, {"accepted"}, "suspended", false},
	{"suspend", WORK, true, {"accepted"}, "suspended", false},
	{"suspend_approve", DESK, false, {"accepted"}, GUARD, false},
	{"suspend_reject", DESK, false, {"accepted"}, GUARD, false},
	{"resume", DESK, false, {"suspended"}, "accepted", false},
	{"resume", WORK, true, {"suspended"}, "accepted", false},
	{"extend", WORK, true, {"accepted"}, SAME, false},
	{"extension_approve", DESK | LX_ROLE_LEADER, false, {"accepted"}, GUARD, false},
	{"extension_reject", DESK | LX_ROLE_LEADER, false, {"accepted"}, GUARD, false},
	{"verify", DESK, false, {"verifying"}, "accepted", false},
	{"verify", LX_ROLE_GRID_WORKER, false, {"verifying"}, "accepted", .covers = true},
	{"appeal", WORK, true, {AFTER_RATING}, GUARD, false},
	{"appeal_decide", DESK | LX_ROLE_LEADER, false, {AFTER_RATING}, GUARD, false},
	{"invalid", DESK, false, {OPEN_STATES, "resolved", "closed"}, "closed", false},
	{"merge", DESK, false, {"new", "returned", "dispatched", "accepted", "reopened"}, "merged", false},
};

static const char *const STATES[] = {ALL_STATES};
#define NSTATES (sizeof STATES / sizeof STATES[0])
static const char *const ACTIONS[] = {"dispatch", "accept", "return", "escalate", "assist", "resolve", "rate",
				      "reopen", "close", "supervise", "comment", "suspend", "suspend_approve",
				      "suspend_reject", "resume", "extend", "extension_approve",
				      "extension_reject", "verify", "appeal", "appeal_decide", "invalid",
				      "merge"};
#define NACTIONS (sizeof ACTIONS / sizeof ACTIONS[0])

/* What the specification says: 0 with *to, or 403 / 409. */
static int spec_decide(const char *action, const char *status, unsigned roles, bool handles, bool covers,
		       const char **to)
{
	bool any_role = false;
	for (size_t i = 0; i < sizeof SPEC / sizeof SPEC[0]; i++) {
		const struct spec *s = &SPEC[i];
		if (strcmp(s->action, action) != 0 || !(s->roles & roles) || (s->handles && !handles) ||
		    (s->covers && !covers))
			continue;
		any_role = true;
		for (int k = 0; k < 11 && s->from[k]; k++) {
			if (strcmp(s->from[k], status) != 0)
				continue;
			if (strcmp(s->to, GUARD) == 0)
				return 409;
			*to = strcmp(s->to, SAME) == 0 ? status : s->to;
			return 0;
		}
	}
	return any_role ? 409 : 403;
}

/* The specification's case in status, and an actor with roles whose scope
 * holds the handling unit (and the case's place) or not. */
static void spec_case(lx_case *c, const char *status)
{
	memset(c, 0, sizeof *c);
	c->id = 1;
	c->version = 1;
	snprintf(c->type, sizeof c->type, "request");
	snprintf(c->status, sizeof c->status, "%s", status);
	c->category_code = strdup("TH");
	c->unit_id = grid.id;
	c->unit_path = strdup(grid.path);
	bool unhandled = strcmp(status, "new") == 0 || strcmp(status, "returned") == 0;
	c->handler_unit_id = unhandled ? 0 : street.id;
	c->scope_path = strdup(unhandled ? grid.path : street.path);
	c->resolve_due_at = T0 + DAY;
	c->accept_due_at = T0 + HOUR;
	c->solved = -1;
}

static void test_decide_matches_specification(void **state)
{
	(void)state;
	lx_flow_ctx *x = ctx();
	size_t failures = 0, checked = 0;
	lx_flow_input good = {.rating = LX_RATING_UNSATISFIED, .has_rating = true, .solved = false,
			      .has_solved = true, .passed = false, .has_passed = true};
	for (size_t si = 0; si < NSTATES; si++) {
		for (size_t ai = 0; ai < NACTIONS; ai++) {
			for (int r = 0; r <= 7; r++) {
				unsigned roles = r == 7 ? 0 : 1u << r;
				for (int h = 0; h < 2; h++) {
					lx_case c;
					spec_case(&c, STATES[si]);
					lx_flow_actor who = {9, roles, h ? street.path : dept.path, false};
					lx_flow_ctx_set_actor(x, &who);
					lx_flow_ctx_set_now(x, T0);
					const char *want_to = NULL, *got_to = NULL;
					lx_flow_error err = {0};
					/* one handles a case only when it has a handling unit */
					bool handles = h && c.handler_unit_id;
					int want = spec_decide(ACTIONS[ai], STATES[si], roles, handles, h, &want_to);
					int got = lx_flow_decide(x, &c, ACTIONS[ai], &good, &got_to, &err);
					int got_status = got == LX_OK ? 0 : err.status;
					bool same = got_status == want && (want != 0 || strcmp(got_to, want_to) == 0);
					if (!same && failures++ < 20)
						print_error("%s from %s by roles %#x (%s): got %d %s (%s), want %d %s\n",
							    ACTIONS[ai], STATES[si], roles, h ? "handles" : "elsewhere",
							    got_status, got_to ? got_to : "", err.message, want,
							    want_to ? want_to : "");
					checked++;
					lx_case_clear(&c);
				}
			}
		}
	}
	lx_flow_ctx_free(x);
	if (failures)
		fail_msg("%zu of %zu decisions disagree with the specification", failures, checked);
}

struct allowed_acc {
	char list[1024];
};

static void allowed_cb(void *arg, const char *action)
{
	struct allowed_acc *a = arg;
	strcat(a->list, action);
	strcat(a->list, ",");
}

/* allowed_actions is exactly the set of actions decide allows. */
static void test_allowed_matches_decide(void **state)
{
	(void)state;
	lx_flow_ctx *x = ctx();
	for (size_t si = 0; si < NSTATES; si++) {
		for (int r = 0; r < 7; r++) {
			lx_case c;
			spec_case(&c, STATES[si]);
			lx_flow_actor who = {9, 1u << r, street.path, false};
			lx_flow_ctx_set_actor(x, &who);
			struct allowed_acc a = {""}, want = {""};
			lx_flow_allowed(x, &c, allowed_cb, &a);
			for (size_t ai = 0; ai < NACTIONS; ai++) {
				lx_flow_error err;
				if (lx_flow_decide(x, &c, ACTIONS[ai], NULL, NULL, &err) == LX_OK) {
					char needle[64];
					snprintf(needle, sizeof needle, "%s,", ACTIONS[ai]);
					if (!strstr(a.list, needle))
						fail_msg("%s allowed from %s for role %d but not listed: %s", ACTIONS[ai],
							 STATES[si], r, a.list);
					allowed_cb(&want, ACTIONS[ai]);
				}
			}
			assert_int_equal(strlen(a.list), strlen(want.list));
			lx_case_clear(&c);
		}
	}
	lx_flow_ctx_free(x);
}

/* A hazard is not rated by a resident; every other rule is the same. */
static void test_unrated_types(void **state)
{
	(void)state;
	lx_flow_ctx *x = ctx();
	const char *unrated[] = {"hazard", "opinion"}, *rated[] = {"request", "dispute", "proxy", "suggestion"};
	for (size_t i = 0; i < 2; i++) {
		lx_case c;
		spec_case(&c, "resolved");
		snprintf(c.type, sizeof c.type, "%s", unrated[i]);
		lx_flow_error err;
		assert_int_equal(lx_flow_decide(x, &c, "rate", NULL, NULL, &err), LX_FORBIDDEN);
		assert_int_equal(lx_flow_decide(x, &c, "close", NULL, NULL, &err), LX_OK);
		lx_case_clear(&c);
	}
	for (size_t i = 0; i < 4; i++) {
		lx_case c;
		spec_case(&c, "resolved");
		snprintf(c.type, sizeof c.type, "%s", rated[i]);
		lx_flow_error err;
		assert_int_equal(lx_flow_decide(x, &c, "rate", NULL, NULL, &err), LX_OK);
		lx_case_clear(&c);
	}
	assert_false(lx_flow_type_known("visit"));
	assert_true(lx_flow_type_known("hazard"));
	/* a press-9 call is its own machine: calling, acked, arrived, closed; never rated */
	const lx_flow_state *calling = lx_flow_state_of("onekey", "calling"), *closed = lx_flow_state_of("onekey", "closed");
	assert_non_null(calling);
	assert_non_null(closed);
	assert_true(calling->open && !calling->done && closed->done && !closed->open);
	assert_null(lx_flow_state_of("onekey", "resolved"));
	lx_case c;
	spec_case(&c, "calling");
	snprintf(c.type, sizeof c.type, "onekey");
	lx_flow_error err;
	assert_int_not_equal(lx_flow_decide(x, &c, "rate", NULL, NULL, &err), LX_OK);
	assert_int_not_equal(lx_flow_decide(x, &c, "arrive", NULL, NULL, &err), LX_OK); /* acknowledged first */
	assert_int_equal(err.status, 409);
	lx_case_clear(&c);
	lx_flow_ctx_free(x);
}

/* The store's classes come from the machines: open, done and clocks. */
static void test_state_classes(void **state)
{
	(void)state;
	const lx_state_class *c = lx_store_state("suspended");
	assert_non_null(c);
	assert_true(c->open);
	assert_false(c->done);
	assert_false(c->resolve_clock);
	c = lx_store_state("returned");
	assert_true(c->open && !c->resolve_clock && !c->accept_clock);
	c = lx_store_state("dispatched");
	assert_true(c->open && c->resolve_clock && c->accept_clock);
	c = lx_store_state("merged");
	assert_true(!c->open && c->done);
	assert_null(lx_store_state("flying"));
	assert_non_null(strstr(lx_store_states_sql(LX_STATES_OPEN), "'verifying'"));
	assert_null(strstr(lx_store_states_sql(LX_STATES_OPEN), "'closed'"));
	assert_non_null(strstr(lx_store_states_sql(LX_STATES_DONE), "'merged'"));
}

/* ---------------- deadlines ---------------- */

static lx_ms at(const char *rfc3339)
{
	lx_ms t;
	assert_int_equal(lx_time_parse(rfc3339, TZ, &t), LX_OK);
	return t;
}

static void test_hour_clocks(void **state)
{
	(void)state;
	lx_flow_ctx *x = ctx();
	lx_case c;
	lx_event ev;
	case_new(x, &c, "TH", T0);
	lx_flow_input in = {.unit_id = street.id};
	step_ok(x, &c, T0, sys, "dispatch", &in, &ev);
	assert_string_equal(c.status, "dispatched");
	assert_int_equal(c.accept_due_at, T0 + 2 * HOUR);
	assert_int_equal(c.resolve_due_at, T0 + 24 * HOUR);
	assert_int_equal(ev.accept_due_at, c.accept_due_at);
	assert_int_equal(ev.resolve_due_at, c.resolve_due_at);
	assert_non_null(strstr(ev.note, "按履职事项清单派发至测试街道"));
	assert_int_equal(c.accept_workdays, 0);
	lx_event_clear(&ev);
	lx_case_clear(&c);
	/* urgent: half an hour and two hours, whatever the category says */
	case_new(x, &c, "TW", T0);
	c.urgent = true;
	step_ok(x, &c, T0, sys, "dispatch", &in, NULL);
	assert_int_equal(c.accept_due_at, T0 + HOUR / 2);
	assert_int_equal(c.resolve_due_at, T0 + 2 * HOUR);
	assert_int_equal(c.resolve_workdays, 0);
	lx_case_clear(&c);
	lx_flow_ctx_free(x);
}

/* Working days on the State Council's 2026 calendar: National Day is off
 * 10-01..10-07, and Saturday 10-10 is a make-up workday. */
static void test_workday_clocks_on_the_holiday_calendar(void **state)
{
	(void)state;
	lx_flow_ctx *x = ctx();
	lx_case c;
	lx_ms t = at("2026-09-30T10:00:00+08:00");
	case_new(x, &c, "TW", t);
	lx_flow_input in = {.unit_id = street.id};
	step_ok(x, &c, t, desk, "dispatch", &in, NULL);
	assert_int_equal(c.accept_workdays, 1);
	assert_int_equal(c.resolve_workdays, 5);
	/* 1 workday: 10-08 (Thursday) ends at 24:00 */
	assert_int_equal(c.accept_due_at, at("2026-10-09T00:00:00+08:00"));
	/* 5: 10-08, 10-09, 10-10 (Saturday, worked), 10-12, 10-13 */
	assert_int_equal(c.resolve_due_at, at("2026-10-14T00:00:00+08:00"));
	lx_case_clear(&c);
	/* a Friday before a worked Sunday (2026-09-20 is a make-up day) */
	t = at("2026-09-18T16:00:00+08:00");
	case_new(x, &c, "TW", t);
	step_ok(x, &c, t, desk, "dispatch", &in, NULL);
	assert_int_equal(c.accept_due_at, at("2026-09-21T00:00:00+08:00"));
	lx_case_clear(&c);
	lx_flow_ctx_free(x);
}

/* ---------------- suspension ---------------- */

static void accepted_case(lx_flow_ctx *x, lx_case *c, const char *code, lx_ms t)
{
	case_new(x, c, code, t);
	lx_flow_input in = {.unit_id = street.id};
	step_ok(x, c, t, sys, "dispatch", &in, NULL);
	step_ok(x, c, t + HOUR / 2, handler_of(&street), "accept", NULL, NULL);
}

static void test_suspension_stops_the_clock(void **state)
{
	(void)state;
	lx_flow_ctx *x = ctx();
	lx_case c;
	accepted_case(x, &c, "TH", T0);
	lx_ms due = c.resolve_due_at;
	lx_flow_input in = {.reason = "等待反映人返回"};
	step_ok(x, &c, T0 + 2 * HOUR, handler_of(&street), "suspend", &in, NULL);
	assert_string_equal(c.status, "suspended");
	assert_int_equal(c.suspended_at, T0 + 2 * HOUR);
	assert_non_null(strstr(c.suspensions, "\"status\":\"active\""));
	/* the sweeper passes long after the old deadline: nothing is marked */
	int n = 0;
	lx_flow_error err;
	lx_flow_ctx_set_now(x, due + 10 * HOUR);
	assert_int_equal(lx_flow_tick(x, &c, false, NULL, NULL, &n, &err), LX_OK);
	assert_int_equal(n, 0);
	assert_false(c.overdue);
	/* extend and accept are not for a suspended case */
	lx_flow_input ext = {.hours = 5, .has_hours = true, .reason = "r"};
	step_refused(x, &c, due + 10 * HOUR, handler_of(&street), "extend", &ext, 409, "illegal_transition");
	/* resumed 30 hours later: the deadline moves 30 hours */
	step_ok(x, &c, T0 + 32 * HOUR, handler_of(&street), "resume", NULL, NULL);
	assert_string_equal(c.status, "accepted");
	assert_int_equal(c.resolve_due_at, due + 30 * HOUR);
	assert_int_equal(c.suspended_ms, 30 * HOUR);
	assert_int_equal(c.suspended_at, 0);
	assert_non_null(strstr(c.suspensions, "\"status\":\"ended\""));
	lx_case_clear(&c);
	lx_flow_ctx_free(x);
}

static void test_suspension_in_working_time(void **state)
{
	(void)state;
	lx_flow_ctx *x = ctx();
	lx_case c;
	lx_ms t = at("2026-11-19T09:00:00+08:00"); /* a Thursday */
	accepted_case(x, &c, "TW", t);
	/* 5 workdays: 11-20, 23, 24, 25, 26 -> 11-27 00:00 */
	assert_int_equal(c.resolve_due_at, at("2026-11-27T00:00:00+08:00"));
	lx_flow_input in = {.reason = "r"};
	/* Friday 16:00 to Monday 10:00: 8 + 10 hours of working days */
	step_ok(x, &c, at("2026-11-20T16:00:00+08:00"), handler_of(&street), "suspend", &in, NULL);
	step_ok(x, &c, at("2026-11-23T10:00:00+08:00"), desk, "resume", NULL, NULL);
	assert_int_equal(c.resolve_extra_ms, 18 * HOUR);
	/* 18 working hours after Thursday 11-26 24:00: Friday 11-27 18:00 */
	assert_int_equal(c.resolve_due_at, at("2026-11-27T18:00:00+08:00"));
	assert_int_equal(c.suspended_ms, at("2026-11-23T10:00:00+08:00") - at("2026-11-20T16:00:00+08:00"));
	lx_case_clear(&c);
	lx_flow_ctx_free(x);
}

static void test_suspension_by_approval(void **state)
{
	(void)state;
	lx_flow_ctx *x = ctx();
	lx_case c;
	accepted_case(x, &c, "TA", T0);
	lx_flow_input in = {.reason = "需业主大会表决", .until = T0 + 5 * DAY, .has_until = true};
	step_ok(x, &c, T0 + HOUR, handler_of(&street), "suspend", &in, NULL);
	/* the category asks the desk: a request, the case stays in hand */
	assert_string_equal(c.status, "accepted");
	assert_string_equal(c.pending, "suspension");
	step_refused(x, &c, T0 + HOUR, handler_of(&street), "suspend", &in, 409, "pending_request");
	step_refused(x, &c, T0 + HOUR, handler_of(&street), "suspend_approve", NULL, 403, "forbidden");
	step_ok(x, &c, T0 + 2 * HOUR, desk, "suspend_approve", NULL, NULL);
	assert_string_equal(c.status, "suspended");
	assert_string_equal(c.pending, "");
	assert_int_equal(c.suspended_until, T0 + 5 * DAY);
	/* the desk itself suspends without asking */
	lx_case d;
	accepted_case(x, &d, "TA", T0);
	lx_flow_input din = {.reason = "法院审理中"};
	step_ok(x, &d, T0 + HOUR, desk, "suspend", &din, NULL);
	assert_string_equal(d.status, "suspended");
	/* a suspension's end in the past is refused */
	lx_case e;
	accepted_case(x, &e, "TH", T0);
	lx_flow_input past = {.reason = "r", .until = T0, .has_until = true};
	step_refused(x, &e, T0 + HOUR, handler_of(&street), "suspend", &past, 422, "invalid");
	lx_case_clear(&c);
	lx_case_clear(&d);
	lx_case_clear(&e);
	lx_flow_ctx_free(x);
}

/* ---------------- extension ---------------- */

static void test_extension(void **state)
{
	(void)state;
	lx_flow_ctx *x = ctx();
	lx_case c;
	accepted_case(x, &c, "TH", T0);
	lx_ms due = c.resolve_due_at;
	lx_flow_input in = {.hours = 48, .has_hours = true, .reason = "需协调施工"};
	step_ok(x, &c, T0 + HOUR, handler_of(&street), "extend", &in, NULL);
	assert_string_equal(c.pending, "extension");
	assert_int_equal(c.resolve_due_at, due); /* not before the desk agrees */
	step_refused(x, &c, T0 + HOUR, handler_of(&dept), "extension_approve", NULL, 403, "forbidden");
	lx_flow_actor leader = {4, LX_ROLE_LEADER, "/", false};
	step_ok(x, &c, T0 + 2 * HOUR, leader, "extension_approve", NULL, NULL);
	assert_int_equal(c.resolve_due_at, due + 48 * HOUR);
	assert_non_null(strstr(c.extensions, "\"status\":\"approved\""));
	assert_non_null(strstr(c.extensions, "\"hours\":48"));
	/* one extension a case (the category's limit) */
	step_refused(x, &c, T0 + 3 * HOUR, handler_of(&street), "extend", &in, 409, "no_extensions_left");
	lx_case_clear(&c);
	/* a rejected request does not count; an extension after the deadline is refused */
	accepted_case(x, &c, "TH", T0);
	step_ok(x, &c, T0 + HOUR, handler_of(&street), "extend", &in, NULL);
	lx_flow_input no = {.reason = "理由不充分"};
	step_ok(x, &c, T0 + 2 * HOUR, desk, "extension_reject", &no, NULL);
	assert_string_equal(c.pending, "");
	assert_non_null(strstr(c.extensions, "\"status\":\"rejected\""));
	step_ok(x, &c, T0 + 3 * HOUR, handler_of(&street), "extend", &in, NULL);
	step_ok(x, &c, T0 + 4 * HOUR, desk, "extension_reject", &no, NULL);
	step_refused(x, &c, c.resolve_due_at + HOUR, handler_of(&street), "extend", &in, 409, "deadline_passed");
	lx_case_clear(&c);
	/* in working days on a working-day clock */
	lx_ms t = at("2026-11-19T09:00:00+08:00");
	accepted_case(x, &c, "TW", t);
	lx_flow_input wd = {.workdays = 2, .has_workdays = true, .reason = "r"};
	step_ok(x, &c, t + HOUR, handler_of(&street), "extend", &wd, NULL);
	step_ok(x, &c, t + 2 * HOUR, desk, "extension_approve", NULL, NULL);
	assert_int_equal(c.resolve_workdays, 7);
	assert_int_equal(c.resolve_due_at, at("2026-12-01T00:00:00+08:00"));
	lx_case_clear(&c);
	/* a pending extension lapses when the case is resolved */
	accepted_case(x, &c, "TH", T0);
	step_ok(x, &c, T0 + HOUR, handler_of(&street), "extend", &in, NULL);
	lx_flow_input rep = {.reply = "已办结"};
	step_ok(x, &c, T0 + 2 * HOUR, handler_of(&street), "resolve", &rep, NULL);
	assert_string_equal(c.pending, "");
	assert_non_null(strstr(c.extensions, "\"status\":\"withdrawn\""));
	lx_case_clear(&c);
	lx_flow_ctx_free(x);
}

/* ---------------- verification, rating, appeals ---------------- */

static void test_verification(void **state)
{
	(void)state;
	lx_flow_ctx *x = ctx();
	lx_case c;
	accepted_case(x, &c, "TV", T0);
	lx_flow_input rep = {.reply = "井盖已更换"};
	step_ok(x, &c, T0 + HOUR, handler_of(&street), "resolve", &rep, NULL);
	assert_string_equal(c.status, "verifying");
	assert_int_equal(c.resolved_at, T0 + HOUR);
	/* the grid worker of another place may not */
	lx_flow_actor gw_far = {3, LX_ROLE_GRID_WORKER, dept.path, false};
	lx_flow_input fail = {.passed = false, .has_passed = true, .note = "未整改"};
	step_refused(x, &c, T0 + 2 * HOUR, gw_far, "verify", &fail, 403, "forbidden");
	lx_flow_actor gw = {3, LX_ROLE_GRID_WORKER, community.path, false};
	step_ok(x, &c, T0 + 5 * HOUR, gw, "verify", &fail, NULL);
	/* failed: back to the handler with a fresh resolve deadline from now */
	assert_string_equal(c.status, "accepted");
	assert_int_equal(c.resolved_at, 0);
	assert_int_equal(c.resolve_due_at, T0 + 5 * HOUR + 24 * HOUR);
	step_ok(x, &c, T0 + 6 * HOUR, handler_of(&street), "resolve", &rep, NULL);
	lx_flow_input pass = {.passed = true, .has_passed = true};
	step_ok(x, &c, T0 + 7 * HOUR, desk, "verify", &pass, NULL);
	assert_string_equal(c.status, "resolved");
	assert_non_null(strstr(c.verifications, "\"passed\":false"));
	assert_non_null(strstr(c.verifications, "\"passed\":true"));
	lx_case_clear(&c);
	lx_flow_ctx_free(x);
}

static void rated_case(lx_flow_ctx *x, lx_case *c, int rating, bool solved, lx_ms t)
{
	accepted_case(x, c, "TH", t);
	lx_flow_input rep = {.reply = "已办结"};
	step_ok(x, c, t + HOUR, handler_of(&street), "resolve", &rep, NULL);
	lx_flow_input r = {.rating = rating, .has_rating = true, .solved = solved, .has_solved = true};
	step_ok(x, c, t + 2 * HOUR, desk, "rate", &r, NULL);
}

static void test_rating_outcomes(void **state)
{
	(void)state;
	lx_flow_ctx *x = ctx();
	struct {
		int rating;
		bool solved;
		const char *to;
	} cases[] = {
		{LX_RATING_SATISFIED, true, "closed"}, {LX_RATING_BASIC, true, "closed"},
		{LX_RATING_UNSATISFIED, true, "reopened"}, {LX_RATING_SATISFIED, false, "reopened"},
		{LX_RATING_BASIC, false, "reopened"}, {LX_RATING_UNSATISFIED, false, "reopened"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		lx_case c;
		rated_case(x, &c, cases[i].rating, cases[i].solved, T0);
		assert_string_equal(c.status, cases[i].to);
		if (strcmp(cases[i].to, "reopened") == 0) {
			/* back to the same unit as a new dispatch with fresh deadlines */
			assert_int_equal(c.handler_unit_id, street.id);
			assert_int_equal(c.dispatched_at, T0 + 2 * HOUR);
			assert_int_equal(c.resolve_due_at, T0 + 26 * HOUR);
			assert_int_equal(c.resolved_at, 0);
		} else {
			assert_int_equal(c.closed_at, T0 + 2 * HOUR);
		}
		lx_case_clear(&c);
	}
	lx_flow_ctx_free(x);
}

static void test_appeal(void **state)
{
	(void)state;
	lx_flow_ctx *x = ctx();
	lx_case c;
	rated_case(x, &c, LX_RATING_UNSATISFIED, false, T0);
	lx_flow_input in = {.reason = "诉求超出政策范围"};
	/* the desk cannot appeal for the unit; a leader decides */
	step_refused(x, &c, T0 + DAY, desk, "appeal", &in, 403, "forbidden");
	step_ok(x, &c, T0 + DAY, handler_of(&street), "appeal", &in, NULL);
	assert_string_equal(c.pending, "appeal");
	lx_flow_input yes = {.upheld = true, .has_upheld = true, .note = "办理合规"};
	lx_flow_actor leader = {4, LX_ROLE_LEADER, "/", false};
	step_ok(x, &c, T0 + 2 * DAY, leader, "appeal_decide", &yes, NULL);
	/* upheld: the rating leaves the figures, the reopened case is closed */
	assert_true(c.excluded);
	assert_string_equal(c.status, "closed");
	assert_non_null(strstr(c.appeals, "\"status\":\"upheld\""));
	/* once per rating */
	step_refused(x, &c, T0 + 3 * DAY, handler_of(&street), "appeal", &in, 409, "appeal_window");
	lx_case_clear(&c);
	/* only within 7 days, only after an unfavourable rating */
	rated_case(x, &c, LX_RATING_UNSATISFIED, false, T0);
	step_refused(x, &c, T0 + 8 * DAY, handler_of(&street), "appeal", &in, 409, "appeal_window");
	lx_case_clear(&c);
	rated_case(x, &c, LX_RATING_SATISFIED, true, T0);
	step_refused(x, &c, T0 + DAY, handler_of(&street), "appeal", &in, 409, "appeal_window");
	lx_case_clear(&c);
	/* rejected: the rating stays, the case goes on */
	rated_case(x, &c, LX_RATING_BASIC, false, T0);
	step_ok(x, &c, T0 + DAY, handler_of(&street), "appeal", &in, NULL);
	lx_flow_input no = {.upheld = false, .has_upheld = true};
	step_ok(x, &c, T0 + 2 * DAY, desk, "appeal_decide", &no, NULL);
	assert_false(c.excluded);
	assert_string_equal(c.status, "reopened");
	lx_case_clear(&c);
	lx_flow_ctx_free(x);
}

/* Only the desk marks a call invalid; a merged duplicate is not marked. */
static void test_invalid(void **state)
{
	(void)state;
	lx_flow_ctx *x = ctx();
	lx_case c;
	case_new(x, &c, "TH", T0);
	lx_flow_input in = {.reason = "恶意骚扰来电"};
	step_refused(x, &c, T0, handler_of(&street), "invalid", &in, 403, "forbidden");
	snprintf(c.status, sizeof c.status, "merged");
	step_refused(x, &c, T0, desk, "invalid", &in, 409, "illegal_transition");
	lx_case_clear(&c);
	lx_flow_ctx_free(x);
}

static void test_invalid_closes_and_excludes(void **state)
{
	(void)state;
	lx_flow_ctx *x = ctx();
	lx_case c;
	case_new(x, &c, "TH", T0);
	lx_flow_input in = {.reason = "恶意骚扰来电"};
	step_ok(x, &c, T0 + HOUR, desk, "invalid", &in, NULL);
	assert_string_equal(c.status, "closed");
	assert_true(c.excluded);
	assert_int_equal(c.closed_at, T0 + HOUR);
	assert_string_equal(c.status_note, "恶意骚扰来电");
	lx_case_clear(&c);
	lx_flow_ctx_free(x);
}

/* ---------------- a returned case, stopped clocks, the calendar ---------------- */

static void test_returned_case_has_no_running_clock(void **state)
{
	(void)state;
	lx_flow_ctx *x = ctx();
	lx_case c;
	case_new(x, &c, "TH", T0);
	lx_flow_input in = {.unit_id = dept.id};
	step_ok(x, &c, T0, sys, "dispatch", &in, NULL);
	/* returned after its accept deadline passed: the lateness is marked */
	lx_flow_input why = {.reason = "不属于本单位职责"};
	lx_event ev;
	step_ok(x, &c, T0 + 3 * HOUR, handler_of(&dept), "return", &why, &ev);
	assert_string_equal(c.status, "returned");
	assert_true(c.accept_overdue);
	/* the desk sees why and who: the unit that returned it */
	assert_string_equal(c.status_note, "不属于本单位职责");
	assert_int_equal(c.status_unit_id, dept.id);
	assert_int_equal(c.status_by, 2);
	assert_int_equal(ev.unit_id, dept.id);
	lx_event_clear(&ev);
	/* at the desk no clock runs: the sweeper marks nothing */
	int n = 0;
	lx_flow_error err;
	lx_flow_ctx_set_now(x, T0 + 30 * HOUR);
	assert_int_equal(lx_flow_tick(x, &c, false, NULL, NULL, &n, &err), LX_OK);
	assert_int_equal(n, 0);
	assert_false(c.overdue);
	assert_false(lx_flow_overdue(&c, T0 + 30 * HOUR));
	lx_case_clear(&c);
	/* while dispatched, the sweeper marks both clocks in turn */
	case_new(x, &c, "TH", T0);
	step_ok(x, &c, T0, sys, "dispatch", &in, NULL);
	lx_flow_ctx_set_now(x, T0 + 30 * HOUR);
	n = 0;
	assert_int_equal(lx_flow_tick(x, &c, false, NULL, NULL, &n, &err), LX_OK);
	assert_int_equal(n, 2);
	assert_true(c.accept_overdue && c.overdue);
	assert_true(lx_flow_overdue(&c, T0 + 30 * HOUR));
	lx_case_clear(&c);
	lx_flow_ctx_free(x);
}

static void test_calendar_change_moves_deadlines(void **state)
{
	(void)state;
	lx_flow_ctx *x = ctx();
	lx_case c;
	lx_ms t = at("2026-12-01T09:00:00+08:00"); /* Tuesday */
	accepted_case(x, &c, "TW", t);
	/* 5 workdays: 12-02, 03, 04, 07, 08 */
	assert_int_equal(c.resolve_due_at, at("2026-12-09T00:00:00+08:00"));
	lx_flow_ctx_free(x);
	/* Thursday 12-03 becomes a rest day: the deadline moves a workday later */
	assert_int_equal(lx_calendar_put(db, "2026-12-03", false, "测试假日", 1, t), LX_OK);
	x = ctx();
	bool moved = false;
	assert_int_equal(lx_flow_clocks_moved(x, &c, &moved), LX_OK);
	assert_true(moved);
	lx_event ev;
	step_ok(x, &c, t + HOUR, sys, "reschedule", NULL, &ev);
	assert_int_equal(c.resolve_due_at, at("2026-12-10T00:00:00+08:00"));
	assert_int_equal(ev.resolve_due_at, c.resolve_due_at);
	assert_non_null(strstr(ev.note, "工作日历调整"));
	lx_event_clear(&ev);
	moved = true;
	assert_int_equal(lx_flow_clocks_moved(x, &c, &moved), LX_OK);
	assert_false(moved);
	/* a case in hours does not move */
	lx_case h;
	accepted_case(x, &h, "TH", t);
	assert_int_equal(lx_flow_clocks_moved(x, &h, &moved), LX_OK);
	assert_false(moved);
	assert_int_equal(lx_calendar_put(db, "2026-12-03", true, NULL, 1, t), LX_OK);
	lx_case_clear(&c);
	lx_case_clear(&h);
	lx_flow_ctx_free(x);
}

/* The machines as the API describes them: the contract's fields. */
static void test_describe(void **state)
{
	(void)state;
	json_t *all = lx_flow_describe();
	assert_int_equal(json_array_size(all), 7);
	json_t *m = json_array_get(all, 0);
	assert_string_equal(json_string_value(json_object_get(m, "type")), "request");
	size_t i;
	json_t *s, *t;
	bool saw_suspended = false, saw_rate_null = false;
	json_array_foreach(json_object_get(m, "states"), i, s) {
		assert_true(json_is_boolean(json_object_get(s, "open")));
		assert_true(json_is_boolean(json_object_get(s, "clock")));
		if (strcmp(json_string_value(json_object_get(s, "name")), "suspended") == 0)
			saw_suspended = !json_is_true(json_object_get(s, "clock"));
	}
	json_array_foreach(json_object_get(m, "transitions"), i, t) {
		assert_true(json_is_array(json_object_get(t, "from")));
		assert_true(json_is_array(json_object_get(t, "roles")));
		if (strcmp(json_string_value(json_object_get(t, "action")), "rate") == 0)
			saw_rate_null = json_is_null(json_object_get(t, "to"));
	}
	assert_true(saw_suspended);
	assert_true(saw_rate_null);
	json_decref(all);
}

/* The parsed boundaries every node caches are stamped with a unit's
 * updated_at (api/geocache.c): each update must move it, also several in
 * one millisecond, or a cache keeps the old boundary. */
static void test_unit_update_always_moves_its_stamp(void **state)
{
	(void)state;
	lx_unit u = {0};
	assert_int_equal(lx_unit_head(db, grid.id, &u), LX_OK);
	assert_null(u.boundary);
	for (int i = 0; i < 5; i++) {
		lx_ms before = u.updated_at;
		assert_int_equal(lx_unit_update(db, &u), LX_OK);
		lx_unit_clear(&u);
		assert_int_equal(lx_unit_head(db, grid.id, &u), LX_OK);
		assert_true(u.updated_at > before);
	}
	lx_unit_clear(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide_matches_specification),
		cmocka_unit_test(test_allowed_matches_decide),
		cmocka_unit_test(test_unrated_types),
		cmocka_unit_test(test_state_classes),
		cmocka_unit_test(test_hour_clocks),
		cmocka_unit_test(test_workday_clocks_on_the_holiday_calendar),
		cmocka_unit_test(test_suspension_stops_the_clock),
		cmocka_unit_test(test_suspension_in_working_time),
		cmocka_unit_test(test_suspension_by_approval),
		cmocka_unit_test(test_extension),
		cmocka_unit_test(test_verification),
		cmocka_unit_test(test_rating_outcomes),
		cmocka_unit_test(test_appeal),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_invalid_closes_and_excludes),
		cmocka_unit_test(test_returned_case_has_no_running_clock),
		cmocka_unit_test(test_calendar_change_moves_deadlines),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_unit_update_always_moves_its_stamp),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
