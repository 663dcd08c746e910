/*
 * guards.c - the named guards and outcomes the machines use (machines.c):
 * a guard reads the case, the actor and the input and says whether a
 * transition may fire (and why not, in the contract's terms); an outcome
 * picks the state a transition enters from its input.
 */
#include "flow_int.h"
#include "repo_attachment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_APPEAL_WINDOW_MS (7LL * 24 * 3600 * 1000)

/* ---------------- guards ---------------- */

static int g_no_pending(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, lx_flow_error *err)
{
	(void)x;
	(void)in;
	if (!c->pending[0])
		return LX_OK;
	return lx_flow_fail(err, 409, "pending_request", NULL, "a %s request awaits the desk's decision",
			    c->pending);
}

/* Guards on the pending request's kind. */
static int lx_pending_is(const lx_case *c, const char *kind, lx_flow_error *err)
{
	if (strcmp(c->pending, kind) == 0)
		return LX_OK;
	return lx_flow_fail(err, 409, "no_pending_request", NULL, "no %s request awaits a decision", kind);
}

/* pending_<kind>: a request of that kind awaits the decision */
#define LX_PENDING_GUARD(kind) \
	static int g_pending_##kind(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, \
				    lx_flow_error *err) \
	{ \
		(void)x; \
		(void)in; \
		return lx_pending_is(c, #kind, err); \
	}
LX_PENDING_GUARD(suspension)
LX_PENDING_GUARD(extension)
LX_PENDING_GUARD(appeal)

/* A flag of the case's category, as a guard: true (want) or false (!want). */
static int lx_category_flag(bool set, bool want, const char *code, const char *msg, lx_flow_error *err)
{
	if (set == want)
		return LX_OK;
	return lx_flow_fail(err, 409, code, NULL, "%s", msg);
}

static int g_suspend_approval(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, lx_flow_error *err)
{
	(void)in;
	const lx_category *cat = lx_flow_category(x, c->category_code);
	return lx_category_flag(cat && cat->suspend_approval, true, "no_approval",
				"this category suspends without approval", err);
}

static int g_no_suspend_approval(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, lx_flow_error *err)
{
	(void)in;
	const lx_category *cat = lx_flow_category(x, c->category_code);
	return lx_category_flag(cat && cat->suspend_approval, false, "approval_required",
				"a suspension in this category needs the desk", err);
}

static int g_verify_required(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, lx_flow_error *err)
{
	(void)in;
	const lx_category *cat = lx_flow_category(x, c->category_code);
	return lx_category_flag(cat && cat->verify, true, "no_verify", "this category is not verified", err);
}

static int g_no_verify(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, lx_flow_error *err)
{
	(void)in;
	const lx_category *cat = lx_flow_category(x, c->category_code);
	return lx_category_flag(cat && cat->verify, false, "verify_required",
				"this category is verified before it counts", err);
}

static int g_before_resolve_due(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, lx_flow_error *err)
{
	(void)in;
	if (c->resolve_due_at && x->now < c->resolve_due_at)
		return LX_OK;
	return lx_flow_fail(err, 409, "deadline_passed", NULL,
			    "an extension is asked for before the resolve deadline passes");
}

/* Whether the case has an after-photo (an attachment of stage resolve).
 * A probe (allowed_actions) does not ask: the form takes the photo and
 * sends it just before the action. */
static int lx_has_after_photo(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in,
			      lx_flow_error *err)
{
	int64_t n = 0;
	if (in->probe)
		return LX_OK;
	if (lx_attachments_count(x->db, c->id, "resolve", &n) != LX_OK)
		return lx_flow_fail(err, 500, "internal", NULL, "the store failed");
	if (n > 0)
		return LX_OK;
	return lx_flow_fail(err, 409, "photo_required", NULL,
			    "attach a photo of the finished work (stage resolve) first");
}

/* resolve_photo: where the category asks for it, an after-photo is there */
static int g_resolve_photo(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, lx_flow_error *err)
{
	(void)in;
	const lx_category *cat = lx_flow_category(x, c->category_code);
	return cat && cat->photo_on_resolve ? lx_has_after_photo(x, c, in, err) : LX_OK;
}

/* after_photo: an after-photo is there, whatever the category says */
static int g_after_photo(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, lx_flow_error *err)
{
	return lx_has_after_photo(x, c, in, err);
}

/* on_spot (即知即办): the actor reported the case, and its category lets
 * the reporter resolve it on the spot (the row's `covers` holds the place) */
static int g_on_spot(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, lx_flow_error *err)
{
	(void)in;
	const lx_category *cat = lx_flow_category(x, c->category_code);
	if (!cat || !cat->on_spot)
		return lx_flow_fail(err, 409, "not_on_spot", NULL,
				    "this category is not resolved on the spot");
	if (!c->created_by || c->created_by != x->who.user_id)
		return lx_flow_fail(err, 409, "not_on_spot", NULL,
				    "only who reported it resolves a case on the spot");
	return LX_OK;
}

/* The extensions a case was granted (approved entries). */
static int lx_granted(const lx_case *c)
{
	json_t *arr = c->extensions ? json_loads(c->extensions, 0, NULL) : NULL, *e;
	size_t i;
	int n = 0;
	json_array_foreach(arr, i, e) {
		const char *st = json_string_value(json_object_get(e, "status"));
		if (st && strcmp(st, "approved") == 0)
			n++;
	}
	json_decref(arr);
	return n;
}

static int g_extensions_left(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, lx_flow_error *err)
{
	(void)in;
	const lx_category *cat = lx_flow_category(x, c->category_code);
	int max = cat ? cat->max_extensions : 1;
	if (lx_granted(c) < max)
		return LX_OK;
	return lx_flow_fail(err, 409, "no_extensions_left", NULL, "this case may be extended %d time(s)", max);
}

static int g_tasks_done(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, lx_flow_error *err)
{
	(void)x;
	(void)in;
	if (c->open_tasks <= 0)
		return LX_OK;
	return lx_flow_fail(err, 409, "tasks_open", NULL, "assisting units have not finished");
}

static int g_appeal_window(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, lx_flow_error *err)
{
	(void)in;
	bool unfavourable = c->rating[0] && (lx_rating_parse(c->rating) == LX_RATING_UNSATISFIED || c->solved == 0);
	if (unfavourable && c->rated_at && x->now - c->rated_at <= LX_APPEAL_WINDOW_MS &&
	    c->appealed_at < c->rated_at && !c->excluded)
		return LX_OK;
	return lx_flow_fail(err, 409, "appeal_window", NULL,
			    "an appeal is made once, within 7 days of an unsatisfied or unsolved rating");
}

static int g_own_task(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, lx_flow_error *err)
{
	int64_t unit = 0;
	bool open = false;
	/* a probe (allowed actions) names no task: the case page offers this
	 * per task, from the case's task list, so the probe reads nothing */
	if (!in->task_id)
		return lx_flow_fail(err, 404, "not_found", NULL, "no such task in your scope");
	int rc = lx_task_find(x->db, x->scope, c->id, in->task_id, &unit, &open);
	if (rc == LX_NOTFOUND)
		return lx_flow_fail(err, 404, "not_found", NULL, "no such task in your scope");
	if (rc != LX_OK)
		return lx_flow_fail(err, 500, "internal", NULL, "the store failed");
	if (!open)
		return lx_flow_fail(err, 409, "illegal_transition", NULL, "the task is done already");
	return LX_OK;
}

/* note_given: the step says what happened (a press-9 call's close) */
static int g_note_given(lx_flow_ctx *x, const lx_case *c, const lx_flow_input *in, lx_flow_error *err)
{
	(void)x;
	(void)c;
	if (in && in->note && in->note[0])
		return LX_OK;
	return lx_flow_fail(err, 422, "required", "note", "say what happened (note)");
}

const lx_named_guard lx_flow_guards[] = {
	{"no_pending", g_no_pending},
	{"pending_suspension", g_pending_suspension},
	{"pending_extension", g_pending_extension},
	{"pending_appeal", g_pending_appeal},
	{"suspend_approval", g_suspend_approval},
	{"no_suspend_approval", g_no_suspend_approval},
	{"verify_required", g_verify_required},
	{"no_verify", g_no_verify},
	{"before_resolve_due", g_before_resolve_due},
	{"extensions_left", g_extensions_left},
	{"tasks_done", g_tasks_done},
	{"appeal_window", g_appeal_window},
	{"own_task", g_own_task},
	{"resolve_photo", g_resolve_photo},
	{"after_photo", g_after_photo},
	{"on_spot", g_on_spot},
	{"onekey_told", lx_guard_onekey_told},
	{"note_given", g_note_given},
	{NULL, NULL},
};

/* ---------------- outcomes ---------------- */

static const char *o_by_rating(const lx_case *c, const lx_flow_input *in)
{
	(void)c;
	bool good = in->solved && (in->rating == LX_RATING_SATISFIED || in->rating == LX_RATING_BASIC);
	return good ? "closed" : "reopened";
}

static const char *o_by_verdict(const lx_case *c, const lx_flow_input *in)
{
	(void)c;
	return in->passed ? "resolved" : "accepted";
}

/* a hazard's re-inspection: passed closes it, failed sends it back */
static const char *o_by_reinspection(const lx_case *c, const lx_flow_input *in)
{
	(void)c;
	return in->passed ? "closed" : "accepted";
}

/* an upheld appeal closes a case its rating had reopened */
static const char *o_by_appeal(const lx_case *c, const lx_flow_input *in)
{
	return in->upheld && strcmp(c->status, "reopened") == 0 ? "closed" : NULL;
}

const lx_named_outcome lx_flow_outcomes[] = {
	{"by_rating", o_by_rating, {"closed", "reopened"}},
	{"by_verdict", o_by_verdict, {"resolved", "accepted"}},
	{"by_appeal", o_by_appeal, {"closed", NULL}},
	{"by_reinspection", o_by_reinspection, {"closed", "accepted"}},
	{NULL, NULL, {NULL}},
};
