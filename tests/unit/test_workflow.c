/*
 * test_workflow.c - unit tests for core/workflow: the case state machines
 * checked exhaustively against an independent specification written from
 * the API contract, enumeration names, role lists, SLA deadlines and rates.
 *
 * The specification below is deliberately spelled with names, not with the
 * implementation's masks, so that it reads like the contract it encodes.
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
#include "workflow.h"

/* ---- the names the API speaks (API.md), indexed by the header's enums ---- */

static const char *const type_names[LX_TYPE__N] = {
	[LX_TYPE_REQUEST] = "request",       [LX_TYPE_HAZARD] = "hazard",
	[LX_TYPE_DISPUTE] = "dispute",       [LX_TYPE_PROXY] = "proxy",
	[LX_TYPE_OPINION] = "opinion",       [LX_TYPE_SUGGESTION] = "suggestion",
	[LX_TYPE_ONEKEY] = "onekey",
};

static const char *const status_names[LX_ST__N] = {
	[LX_ST_NEW] = "new",           [LX_ST_DISPATCHED] = "dispatched",
	[LX_ST_ACCEPTED] = "accepted", [LX_ST_RESOLVED] = "resolved",
	[LX_ST_CLOSED] = "closed",     [LX_ST_RETURNED] = "returned",
	[LX_ST_REOPENED] = "reopened",
};

static const char *const action_names[LX_ACT__N] = {
	[LX_ACT_DISPATCH] = "dispatch",   [LX_ACT_ACCEPT] = "accept",
	[LX_ACT_RETURN] = "return",       [LX_ACT_ESCALATE] = "escalate",
	[LX_ACT_ASSIST] = "assist",       [LX_ACT_RESOLVE] = "resolve",
	[LX_ACT_RATE] = "rate",           [LX_ACT_REOPEN] = "reopen",
	[LX_ACT_CLOSE] = "close",         [LX_ACT_SUPERVISE] = "supervise",
	[LX_ACT_COMMENT] = "comment",
};

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

/* ---- the specification -------------------------------------------------- */

/* Conditions beyond role and status. */
enum {
	NEED_HANDLING = 1 << 0, /* the actor handles the case, which has a handling unit */
	NEED_HANDLER = 1 << 1,  /* the case has a handling unit */
	NO_OPEN_TASKS = 1 << 2, /* every assist sub-task is done */
};

/*
 * One line per action, from the contract:
 *   types  - the case types the action exists for ("*" = all)
 *   from   - the statuses it may fire in ("*" = any)
 *   roles  - the roles that may fire it ("*" = any role)
 *   to     - the resulting status, "=" for unchanged, "by rating" for rate
 *
 * Outcome: no permitted role (or a handling role that does not handle the
 * case) -> LX_FORBIDDEN; permitted but wrong status, no handling unit where
 * one is needed, or open assist tasks on resolve -> LX_CONFLICT.
 */
struct spec_line {
	const char *action;
	const char *types;
	const char *from;
	const char *roles;
	const char *to;
	int needs;
};

#define WORKERS "admin handler grid_worker"
#define DESK "admin dispatcher"

static const struct spec_line spec_lines[] = {
	{"dispatch", "*", "new returned dispatched reopened", DESK, "dispatched", 0},
	{"accept", "*", "dispatched reopened", WORKERS, "accepted", NEED_HANDLING},
	{"return", "*", "dispatched accepted reopened", WORKERS, "returned", NEED_HANDLING},
	{"escalate", "*", "dispatched accepted reopened", WORKERS, "dispatched", NEED_HANDLING},
	{"assist", "*", "accepted", WORKERS, "=", NEED_HANDLING},
	{"resolve", "*", "accepted", WORKERS, "resolved", NEED_HANDLING | NO_OPEN_TASKS},
	{"rate", "request dispute proxy suggestion onekey", "resolved",
	 "admin dispatcher grid_worker deputy", "by rating", 0},
	{"reopen", "*", "resolved closed", DESK, "reopened", NEED_HANDLER},
	{"close", "*", "resolved new returned", DESK, "closed", 0},
	{"supervise", "*", "new dispatched accepted returned reopened", "admin dispatcher leader", "=", 0},
	{"comment", "*", "*", "*", "=", 0},
};

#define N_SPEC (sizeof spec_lines / sizeof spec_lines[0])

enum { TO_SAME = -1, TO_BY_RATING = -2 };

/* The specification compiled into masks, indexed by action. */
struct rule {
	unsigned types, from, roles;
	int to;
	int needs;
	bool present;
};
static struct rule rules[LX_ACT__N];

static int local_index(const char *const *names, int n, const char *s, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && strncmp(names[i], s, len) == 0)
			return i;
	return -1;
}

/* Turns "a b c" (or "*") into a mask over names; bits[i] gives name i's bit. */
static unsigned words_mask(const char *words, const char *const *names, int n, const unsigned *bits)
{
	unsigned m = 0;
	if (strcmp(words, "*") == 0) {
		for (int i = 0; i < n; i++)
			m |= bits ? bits[i] : 1u << i;
		return m;
	}
	const char *p = words;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *start = p;
		while (*p && *p != ' ')
			p++;
		if (p == start)
			break;
		int i = local_index(names, n, start, (size_t)(p - start));
		if (i < 0)
			fail_msg("spec names unknown word in \"%s\"", words);
		m |= bits ? bits[i] : 1u << i;
	}
	return m;
}

static int compile_spec(void **state)
{
	(void)state;
	memset(rules, 0, sizeof rules);
	for (size_t k = 0; k < N_SPEC; k++) {
		const struct spec_line *l = &spec_lines[k];
		int a = local_index(action_names, LX_ACT__N, l->action, strlen(l->action));
		if (a < 0 || rules[a].present)
			return -1; /* unknown or duplicate action in the spec */
		struct rule *r = &rules[a];
		r->present = true;
		r->types = words_mask(l->types, type_names, LX_TYPE__N, NULL);
		r->from = words_mask(l->from, status_names, LX_ST__N, NULL);
		r->roles = words_mask(l->roles, role_names, N_ROLES, role_bits);
		r->needs = l->needs;
		if (strcmp(l->to, "=") == 0)
			r->to = TO_SAME;
		else if (strcmp(l->to, "by rating") == 0)
			r->to = TO_BY_RATING;
		else
			r->to = local_index(status_names, LX_ST__N, l->to, strlen(l->to));
		if (r->to == -1 && strcmp(l->to, "=") != 0)
			return -1;
	}
	for (int a = 0; a < LX_ACT__N; a++)
		if (!rules[a].present)
			return -1; /* every action must be specified */
	return 0;
}

/* What the specification says lx_wf_decide must answer. */
static int expect_decide(lx_action a, const lx_wf_input *in, lx_status *to)
{
	const struct rule *r = &rules[a];

	if (!(r->types & (1u << in->type)) || !(r->roles & in->roles))
		return LX_FORBIDDEN;
	if ((r->needs & NEED_HANDLING) && !in->actor_handles)
		return LX_FORBIDDEN;
	if (!(r->from & (1u << in->status)))
		return LX_CONFLICT;
	if ((r->needs & (NEED_HANDLING | NEED_HANDLER)) && !in->has_handler)
		return LX_CONFLICT;
	if ((r->needs & NO_OPEN_TASKS) && in->open_tasks)
		return LX_CONFLICT;
	if (r->to == TO_SAME)
		*to = in->status;
	else if (r->to == TO_BY_RATING)
		*to = in->solved && (in->rating == LX_RATING_SATISFIED || in->rating == LX_RATING_BASIC)
			      ? LX_ST_CLOSED
			      : LX_ST_REOPENED;
	else
		*to = (lx_status)r->to;
	return LX_OK;
}

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

static void roles_text(unsigned mask, char *out, size_t outsz)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < N_ROLES; i++)
		if (mask & role_bits[i])
			len += (size_t)snprintf(out + len, outsz - len, "%s%s", len ? "|" : "", role_names[i]);
	if (!len)
		snprintf(out, outsz, "(none)");
}

static void describe_input(char *out, size_t outsz, const lx_wf_input *in)
{
	char roles[128];
	roles_text(in->roles, roles, sizeof roles);
	snprintf(out, outsz,
		 "%s case in %s by %s (handles=%d has_handler=%d open_tasks=%d rating=%s solved=%d)",
		 type_names[in->type], status_names[in->status], roles, in->actor_handles,
		 in->has_handler, in->open_tasks, rating_names[in->rating], in->solved);
}

static void describe(char *out, size_t outsz, lx_action a, const lx_wf_input *in)
{
	char d[224];
	describe_input(d, sizeof d, in);
	snprintf(out, outsz, "%s on %s", action_names[a], d);
}

/* Calls decide and compares with the specification; returns false on mismatch
 * after printing the case. */
static bool check_decide(lx_action a, const lx_wf_input *in, bool verbose)
{
	const lx_status sentinel = (lx_status)99;
	lx_status got_to = sentinel, want_to = sentinel;
	lx_wf_input copy = *in;
	int got = lx_wf_decide(a, &copy, &got_to);
	int want = expect_decide(a, in, &want_to);

	if (memcmp(&copy, in, sizeof copy) != 0) {
		char d[256];
		describe(d, sizeof d, a, in);
		if (verbose)
			print_error("%s: decide modified its input\n", d);
		return false;
	}
	if (got != want || (want == LX_OK && got_to != want_to) ||
	    (want != LX_OK && got_to != sentinel)) {
		char d[256];
		describe(d, sizeof d, a, in);
		if (verbose)
			print_error("%s: got %s to=%s, want %s to=%s\n", d, rc_name(got),
			    got_to < LX_ST__N ? status_names[got_to] : "(untouched)", rc_name(want),
			    want_to < LX_ST__N ? status_names[want_to] : "(untouched)");
		return false;
	}
	return true;
}

/* ---- exhaustive decide ------------------------------------------------------ */

static void test_spec_sanity(void **state)
{
	(void)state;
	/* The spec itself: admin may dispatch, volunteers may only comment. */
	assert_true(rules[LX_ACT_DISPATCH].roles & LX_ROLE_ADMIN);
	for (int a = 0; a < LX_ACT__N; a++)
		if (a != LX_ACT_COMMENT)
			assert_false(rules[a].roles & LX_ROLE_VOLUNTEER);
	assert_int_equal(rules[LX_ACT_COMMENT].roles, LX_ROLE__ALL);
	assert_int_equal(rules[LX_ACT_COMMENT].from, (1u << LX_ST__N) - 1);
	assert_false(rules[LX_ACT_RATE].types & (1u << LX_TYPE_HAZARD));
	assert_false(rules[LX_ACT_RATE].types & (1u << LX_TYPE_OPINION));
}

/* Every type x status x action x role set x flag x rating combination. */
static void test_decide_exhaustive(void **state)
{
	(void)state;
	size_t n = 0, failures = 0, ok = 0;
	for (int type = 0; type < LX_TYPE__N; type++)
		for (int st = 0; st < LX_ST__N; st++)
			for (unsigned roles = 0; roles <= LX_ROLE__ALL; roles++)
				for (int flags = 0; flags < 8; flags++)
					for (int rating = 0; rating < LX_RATING__N; rating++)
						for (int solved = 0; solved < 2; solved++)
							for (int a = 0; a < LX_ACT__N; a++) {
								lx_wf_input in = {
									.type = (lx_case_type)type,
									.status = (lx_status)st,
									.roles = roles,
									.actor_handles = flags & 1,
									.has_handler = (flags & 2) != 0,
									.open_tasks = (flags & 4) != 0,
									.rating = (lx_rating)rating,
									.solved = solved,
								};
								lx_status to;
								n++;
								if (!check_decide((lx_action)a, &in, failures < 10))
									failures++;
								if (lx_wf_decide((lx_action)a, &in, &to) == LX_OK)
									ok++;
							}
	if (failures)
		fail_msg("%zu of %zu combinations disagree with the spec", failures, n);
	assert_int_equal(n, (size_t)LX_TYPE__N * LX_ST__N * (LX_ROLE__ALL + 1) * 8 * LX_RATING__N * 2 *
				    LX_ACT__N);
	assert_true(ok > 0);
}

/* Role bits outside the known set are no role at all. */
static void test_decide_unknown_role_bits(void **state)
{
	(void)state;
	for (int a = 0; a < LX_ACT__N; a++)
		for (int st = 0; st < LX_ST__N; st++) {
			lx_wf_input in = {.type = LX_TYPE_REQUEST, .status = (lx_status)st,
					  .roles = 1u << 7, .actor_handles = true, .has_handler = true,
					  .rating = LX_RATING_SATISFIED, .solved = true};
			lx_status to;
			assert_int_equal(lx_wf_decide((lx_action)a, &in, &to), LX_FORBIDDEN);
		}
}

/* ---- readable spot checks ------------------------------------------------- */

static lx_wf_input input(lx_case_type type, lx_status st, unsigned roles, bool handles)
{
	lx_wf_input in = {.type = type, .status = st, .roles = roles, .actor_handles = handles,
			  .has_handler = true, .open_tasks = false,
			  .rating = LX_RATING_SATISFIED, .solved = true};
	return in;
}

static void expect_to(lx_action a, const lx_wf_input *in, lx_status want)
{
	lx_status to = LX_ST__N;
	assert_int_equal(lx_wf_decide(a, in, &to), LX_OK);
	assert_int_equal(to, want);
}

static void expect_rc(lx_action a, const lx_wf_input *in, int want)
{
	lx_status to = LX_ST__N;
	assert_int_equal(lx_wf_decide(a, in, &to), want);
	assert_int_equal(to, LX_ST__N); /* a refusal leaves *to alone */
}

static void test_lifecycle_request(void **state)
{
	(void)state;
	lx_wf_input in = input(LX_TYPE_REQUEST, LX_ST_NEW, LX_ROLE_DISPATCHER, false);
	expect_to(LX_ACT_DISPATCH, &in, LX_ST_DISPATCHED);
	in = input(LX_TYPE_REQUEST, LX_ST_DISPATCHED, LX_ROLE_HANDLER, true);
	expect_to(LX_ACT_ACCEPT, &in, LX_ST_ACCEPTED);
	in.status = LX_ST_ACCEPTED;
	expect_to(LX_ACT_ASSIST, &in, LX_ST_ACCEPTED);
	in.open_tasks = true;
	expect_rc(LX_ACT_RESOLVE, &in, LX_CONFLICT);
	in.open_tasks = false;
	expect_to(LX_ACT_RESOLVE, &in, LX_ST_RESOLVED);
	/* The resident is unhappy: the case goes back to the same handler. */
	in = input(LX_TYPE_REQUEST, LX_ST_RESOLVED, LX_ROLE_GRID_WORKER, false);
	in.rating = LX_RATING_UNSATISFIED;
	in.solved = false;
	expect_to(LX_ACT_RATE, &in, LX_ST_REOPENED);
	in = input(LX_TYPE_REQUEST, LX_ST_REOPENED, LX_ROLE_HANDLER, true);
	expect_to(LX_ACT_ACCEPT, &in, LX_ST_ACCEPTED);
	in.status = LX_ST_ACCEPTED;
	expect_to(LX_ACT_RESOLVE, &in, LX_ST_RESOLVED);
	in = input(LX_TYPE_REQUEST, LX_ST_RESOLVED, LX_ROLE_DEPUTY, false);
	in.rating = LX_RATING_BASIC;
	expect_to(LX_ACT_RATE, &in, LX_ST_CLOSED);
	/* Closed work can only be reopened by the desk, or commented on. */
	in = input(LX_TYPE_REQUEST, LX_ST_CLOSED, LX_ROLE_ADMIN, false);
	expect_to(LX_ACT_REOPEN, &in, LX_ST_REOPENED);
	expect_to(LX_ACT_COMMENT, &in, LX_ST_CLOSED);
	expect_rc(LX_ACT_DISPATCH, &in, LX_CONFLICT);
	expect_rc(LX_ACT_CLOSE, &in, LX_CONFLICT);
	expect_rc(LX_ACT_RATE, &in, LX_CONFLICT);
}

static void test_rating_outcomes(void **state)
{
	(void)state;
	lx_wf_input in = input(LX_TYPE_DISPUTE, LX_ST_RESOLVED, LX_ROLE_DISPATCHER, false);
	in.rating = LX_RATING_SATISFIED, in.solved = true;
	expect_to(LX_ACT_RATE, &in, LX_ST_CLOSED);
	in.rating = LX_RATING_BASIC, in.solved = true;
	expect_to(LX_ACT_RATE, &in, LX_ST_CLOSED);
	in.rating = LX_RATING_UNSATISFIED, in.solved = true;
	expect_to(LX_ACT_RATE, &in, LX_ST_REOPENED);
	in.rating = LX_RATING_SATISFIED, in.solved = false;
	expect_to(LX_ACT_RATE, &in, LX_ST_REOPENED);
	in.rating = LX_RATING_BASIC, in.solved = false;
	expect_to(LX_ACT_RATE, &in, LX_ST_REOPENED);
	in.rating = LX_RATING_UNSATISFIED, in.solved = false;
	expect_to(LX_ACT_RATE, &in, LX_ST_REOPENED);
}

static void test_unrated_types(void **state)
{
	(void)state;
	/* Hazards and opinion reports are verified and closed by the desk. */
	lx_case_type types[] = {LX_TYPE_HAZARD, LX_TYPE_OPINION};
	for (size_t i = 0; i < 2; i++) {
		lx_wf_input in = input(types[i], LX_ST_RESOLVED, LX_ROLE__ALL, true);
		expect_rc(LX_ACT_RATE, &in, LX_FORBIDDEN);
		expect_to(LX_ACT_CLOSE, &in, LX_ST_CLOSED);
	}
}

static void test_handling_scope(void **state)
{
	(void)state;
	/* A handler outside the handling unit's scope is forbidden, whatever the status. */
	lx_wf_input in = input(LX_TYPE_PROXY, LX_ST_DISPATCHED, LX_ROLE_HANDLER, false);
	expect_rc(LX_ACT_ACCEPT, &in, LX_FORBIDDEN);
	in.status = LX_ST_CLOSED;
	expect_rc(LX_ACT_ACCEPT, &in, LX_FORBIDDEN);
	/* ... even an admin, when the step is the handler's. */
	in = input(LX_TYPE_PROXY, LX_ST_ACCEPTED, LX_ROLE_ADMIN, false);
	expect_rc(LX_ACT_RESOLVE, &in, LX_FORBIDDEN);
	/* A handling actor in the wrong status is a conflict. */
	in = input(LX_TYPE_PROXY, LX_ST_NEW, LX_ROLE_GRID_WORKER, true);
	expect_rc(LX_ACT_ACCEPT, &in, LX_CONFLICT);
	/* No handling unit yet: nothing to accept, nothing to reopen to. */
	in = input(LX_TYPE_PROXY, LX_ST_DISPATCHED, LX_ROLE_HANDLER, true);
	in.has_handler = false;
	expect_rc(LX_ACT_ACCEPT, &in, LX_CONFLICT);
	in = input(LX_TYPE_PROXY, LX_ST_CLOSED, LX_ROLE_DISPATCHER, false);
	in.has_handler = false;
	expect_rc(LX_ACT_REOPEN, &in, LX_CONFLICT);
	/* A dispatcher who is also a handler elsewhere still dispatches. */
	in = input(LX_TYPE_PROXY, LX_ST_RETURNED, LX_ROLE_DISPATCHER | LX_ROLE_HANDLER, false);
	expect_to(LX_ACT_DISPATCH, &in, LX_ST_DISPATCHED);
	expect_rc(LX_ACT_ACCEPT, &in, LX_FORBIDDEN);
	/* Leaders supervise open work only; volunteers only comment. */
	in = input(LX_TYPE_ONEKEY, LX_ST_ACCEPTED, LX_ROLE_LEADER, false);
	expect_to(LX_ACT_SUPERVISE, &in, LX_ST_ACCEPTED);
	in.status = LX_ST_RESOLVED;
	expect_rc(LX_ACT_SUPERVISE, &in, LX_CONFLICT);
	in.roles = LX_ROLE_VOLUNTEER;
	expect_rc(LX_ACT_SUPERVISE, &in, LX_FORBIDDEN);
	expect_to(LX_ACT_COMMENT, &in, LX_ST_RESOLVED);
	in.roles = 0;
	expect_rc(LX_ACT_COMMENT, &in, LX_FORBIDDEN);
}

/* ---- lx_wf_allowed -------------------------------------------------------- */

/* allowed must list exactly the actions decide accepts. */
static bool check_allowed(const lx_wf_input *in, bool verbose)
{
	unsigned want = 0;
	for (int a = 0; a < LX_ACT__N; a++) {
		lx_status to;
		if (lx_wf_decide((lx_action)a, in, &to) == LX_OK)
			want |= 1u << a;
	}
	unsigned got = lx_wf_allowed(in);
	if (got == want)
		return true;
	if (!verbose)
		return false;
	char d[256];
	describe_input(d, sizeof d, in);
	for (int a = 0; a < LX_ACT__N; a++)
		if ((got ^ want) & (1u << a))
			print_error("allowed for %s: %s is %s by lx_wf_allowed but decide says %s\n",
				    d, action_names[a],
				    got & (1u << a) ? "listed" : "missing",
				    want & (1u << a) ? "LX_OK" : "refused");
	return false;
}

static void allowed_over_all(bool open_tasks)
{
	size_t failures = 0;
	for (int type = 0; type < LX_TYPE__N; type++)
		for (int st = 0; st < LX_ST__N; st++)
			for (unsigned roles = 0; roles <= LX_ROLE__ALL; roles++)
				for (int flags = 0; flags < 4; flags++)
					for (int rating = 0; rating < LX_RATING__N; rating++)
						for (int solved = 0; solved < 2; solved++) {
							lx_wf_input in = {
								.type = (lx_case_type)type,
								.status = (lx_status)st,
								.roles = roles,
								.actor_handles = flags & 1,
								.has_handler = (flags & 2) != 0,
								.open_tasks = open_tasks,
								.rating = (lx_rating)rating,
								.solved = solved,
							};
							if (!check_allowed(&in, failures < 5))
								failures++;
						}
	if (failures)
		fail_msg("%zu combinations where lx_wf_allowed disagrees with lx_wf_decide", failures);
}

static void test_allowed_matches_decide(void **state)
{
	(void)state;
	allowed_over_all(false);
}

/* "the actions the actor may fire now": with assist tasks still open, resolve
 * is refused (409 tasks_open), so it must not be offered either. */
static void test_allowed_matches_decide_open_tasks(void **state)
{
	(void)state;
	allowed_over_all(true);
}

static void test_allowed_examples(void **state)
{
	(void)state;
	lx_wf_input in = input(LX_TYPE_REQUEST, LX_ST_ACCEPTED, LX_ROLE_HANDLER, true);
	assert_int_equal(lx_wf_allowed(&in), (1u << LX_ACT_RETURN) | (1u << LX_ACT_ESCALATE) |
						     (1u << LX_ACT_ASSIST) | (1u << LX_ACT_RESOLVE) |
						     (1u << LX_ACT_COMMENT));
	in = input(LX_TYPE_HAZARD, LX_ST_RESOLVED, LX_ROLE_DISPATCHER, false);
	assert_int_equal(lx_wf_allowed(&in), (1u << LX_ACT_REOPEN) | (1u << LX_ACT_CLOSE) |
						     (1u << LX_ACT_COMMENT));
	in = input(LX_TYPE_REQUEST, LX_ST_RESOLVED, LX_ROLE_DISPATCHER, false);
	in.rating = LX_RATING_UNSATISFIED, in.solved = false; /* must not matter */
	assert_int_equal(lx_wf_allowed(&in), (1u << LX_ACT_RATE) | (1u << LX_ACT_REOPEN) |
						     (1u << LX_ACT_CLOSE) | (1u << LX_ACT_COMMENT));
	in = input(LX_TYPE_REQUEST, LX_ST_NEW, 0, false);
	assert_int_equal(lx_wf_allowed(&in), 0);
}

static void test_status_done(void **state)
{
	(void)state;
	for (int st = 0; st < LX_ST__N; st++)
		assert_int_equal(lx_status_done((lx_status)st),
				 st == LX_ST_RESOLVED || st == LX_ST_CLOSED);
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

static const char *type_name_of(int i) { return lx_type_name((lx_case_type)i); }
static const char *status_name_of(int i) { return lx_status_name((lx_status)i); }
static const char *action_name_of(int i) { return lx_action_name((lx_action)i); }
static const char *rating_name_of(int i) { return lx_rating_name((lx_rating)i); }
static const char *channel_name_of(int i) { return lx_channel_name((lx_channel)i); }

static void test_names_round_trip(void **state)
{
	(void)state;
	check_names(type_names, LX_TYPE__N, type_name_of, lx_type_parse);
	check_names(status_names, LX_ST__N, status_name_of, lx_status_parse);
	check_names(action_names, LX_ACT__N, action_name_of, lx_action_parse);
	check_names(rating_names, LX_RATING__N, rating_name_of, lx_rating_parse);
	check_names(channel_names, LX_CH__N, channel_name_of, lx_channel_parse);
	/* A name of one enumeration is not a name of another. */
	assert_int_equal(lx_type_parse("new"), -1);
	assert_int_equal(lx_status_parse("dispatch"), -1);
	assert_int_equal(lx_action_parse("dispatched"), -1);
	assert_int_equal(lx_channel_parse("request"), -1);
	assert_int_equal(lx_rating_parse("solved"), -1);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_sanity),
		cmocka_unit_test(test_decide_exhaustive),
		cmocka_unit_test(test_decide_unknown_role_bits),
		cmocka_unit_test(test_lifecycle_request),
		cmocka_unit_test(test_rating_outcomes),
		cmocka_unit_test(test_unrated_types),
		cmocka_unit_test(test_handling_scope),
		cmocka_unit_test(test_allowed_matches_decide),
		cmocka_unit_test(test_allowed_matches_decide_open_tasks),
		cmocka_unit_test(test_allowed_examples),
		cmocka_unit_test(test_status_done),
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_role_names),
		cmocka_unit_test(test_roles_format),
		cmocka_unit_test(test_roles_parse_list),
		cmocka_unit_test(test_roles_parse_list_trailing_comma),
		cmocka_unit_test(test_sla_deadlines),
		cmocka_unit_test(test_rate_value),
	};
	return cmocka_run_group_tests(tests, compile_spec, NULL);
}
