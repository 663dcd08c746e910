/*
 * effects.c - the named effects the machines use
 * (machines.c names them; the engine resolves the names once at start).
 *
 * A guard reads and decides; an effect changes the case (and, under
 * lx_flow_apply only, may write other rows: assist tasks, the cases merged
 * into a master); an outcome picks the state from the input. None of them
 * writes the case itself or its event: the engine does, once, after them.
 */
#include "flow_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_MAX_SUSPEND_MS (366LL * 24 * 3600 * 1000)

/* ---------------- helpers ---------------- */

/* Replaces the note. */
static void lx_note_set(lx_event *ev, char *note)
{
	free(ev->note);
	ev->note = note;
}

/* The time t as RFC 3339 in x's zone, as a new JSON string (null for 0). */
static json_t *lx_time_json(lx_flow_ctx *x, lx_ms t)
{
	char buf[40];
	if (!t)
		return json_null();
	return json_string(lx_time_format(t, x->tz_offset_min, buf, sizeof buf));
}

/* Appends entry (a JSON object, stolen) to the JSON array text *list. */
static void lx_list_append(char **list, json_t *entry)
{
	/* spliced as text: the list is ours (written here), an array ending in ']' */
	char *e = json_dumps(entry, JSON_COMPACT | JSON_REAL_PRECISION(12));
	json_decref(entry);
	size_t n = *list ? strlen(*list) : 0;
	char *next;
	if (n >= 2 && (*list)[n - 1] == ']')
		next = lx_xasprintf("%.*s%s%s]", (int)(n - 1), *list, n > 2 ? "," : "", e);
	else
		next = lx_xasprintf("[%s]", e);
	free(e);
	free(*list);
	*list = next;
}

/* The last entry of list whose status is from_status, or NULL; borrowed
 * from *arr_out, the parsed list, which the caller frees. */
static json_t *lx_list_last(const char *list, const char *from_status, json_t **arr_out)
{
	json_t *arr = list ? json_loads(list, 0, NULL) : NULL;
	*arr_out = arr;
	for (size_t i = json_array_size(arr); i-- > 0;) {
		json_t *e = json_array_get(arr, i);
		const char *st = json_string_value(json_object_get(e, "status"));
		if (st && strcmp(st, from_status) == 0)
			return e;
	}
	return NULL;
}

/* Sets the fields of the last entry of *list whose "status" is from_status
 * (if any) from the object patch (stolen). */
static void lx_list_settle(char **list, const char *from_status, json_t *patch)
{
	json_t *arr;
	json_t *e = lx_list_last(*list, from_status, &arr);
	if (e) {
		json_object_update(e, patch);
		free(*list);
		*list = json_dumps(arr, JSON_COMPACT | JSON_REAL_PRECISION(12));
	}
	json_decref(patch);
	json_decref(arr);
}

/* An entry of a case's list: at, by and the given fields. */
static json_t *lx_entry(lx_flow_ctx *x)
{
	json_t *e = json_object();
	json_object_set_new(e, "at", lx_time_json(x, x->now));
	json_object_set_new(e, "by", x->who.user_id ? json_integer(x->who.user_id) : json_null());
	return e;
}

/* "48小时" or "3个工作日". */
static char *lx_amount_text(double hours, int workdays)
{
	if (workdays > 0)
		return lx_xasprintf("%d个工作日", workdays);
	if (hours == floor(hours))
		return lx_xasprintf("%.0f小时", hours);
	return lx_xasprintf("%g小时", hours);
}

/* The deadline as the timeline says it: "2026-10-09 24:00"-style local time. */
static char *lx_due_text(lx_flow_ctx *x, lx_ms t)
{
	char buf[40];
	lx_time_format(t, x->tz_offset_min, buf, sizeof buf);
	return lx_xasprintf("%.10s %.5s", buf, buf + 11);
}

/* ---------------- effects: dispatch and handling ---------------- */

/* Hands c to unit u with fresh clocks. */
static int lx_assign_to(lx_flow_ctx *x, lx_case *c, const lx_unit *u, lx_event *ev, lx_flow_error *err)
{
	c->handler_unit_id = u->id;
	free(c->scope_path);
	c->scope_path = lx_xstrdup(u->path);
	ev->unit_id = u->id;
	return lx_flow_clocks_fresh(x, c, ev, err);
}

static int e_assign(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	const lx_unit *u = lx_flow_unit(x, in->unit_id);
	if (!u || (!x->who.system && !lx_scope_contains(x->scope, u->path)))
		return lx_flow_fail(err, 422, "unknown_unit", "unit_id", "no such unit in your scope");
	int rc = lx_assign_to(x, c, u, ev, err);
	if (rc != LX_OK)
		return rc;
	if (x->who.system)
		lx_note_set(ev, lx_xasprintf("按履职事项清单派发至%s", u->name));
	else if (in->note)
		lx_note_set(ev, lx_xasprintf("派发至%s：%s", u->name, in->note));
	else
		lx_note_set(ev, lx_xasprintf("派发至%s", u->name));
	return LX_OK;
}

static int e_stamp_accepted(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)in;
	(void)err;
	c->accepted_at = x->now;
	ev->unit_id = c->handler_unit_id;
	return LX_OK;
}

/* 即知即办: the reporter's own grid handles what it resolved on the spot */
static int e_take_on_spot(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev,
			  lx_flow_error *err)
{
	(void)in;
	(void)err;
	c->handler_unit_id = c->unit_id;
	free(c->scope_path);
	c->scope_path = lx_xstrdup(c->unit_path ? c->unit_path : "/");
	c->accepted_at = x->now;
	ev->unit_id = c->unit_id;
	return LX_OK;
}

static int e_unassign(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)x;
	(void)in;
	(void)err;
	/* the event names the unit that returned it: the desk sees who */
	ev->unit_id = c->handler_unit_id;
	c->handler_unit_id = 0;
	free(c->scope_path);
	c->scope_path = lx_xstrdup(c->unit_path ? c->unit_path : "/");
	c->accepted_at = 0;
	return LX_OK;
}

static int e_assign_parent(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	const lx_unit *cur = lx_flow_unit(x, c->handler_unit_id);
	if (!cur)
		return lx_flow_fail(err, 500, "internal", NULL, "the handling unit is gone");
	if (!cur->parent_id)
		return lx_flow_fail(err, 409, "no_parent", NULL, "the handling unit has no parent to escalate to");
	const lx_unit *up = lx_flow_unit(x, cur->parent_id);
	if (!up)
		return lx_flow_fail(err, 500, "internal", NULL, "the parent unit is gone");
	/* a new accept clock; the resolve deadline stays as it was */
	lx_ms keep_due = c->resolve_due_at, keep_basis = c->resolve_basis_at, keep_extra = c->resolve_extra_ms;
	int keep_wd = c->resolve_workdays;
	bool keep_overdue = c->overdue;
	int rc = lx_assign_to(x, c, up, ev, err);
	if (rc != LX_OK)
		return rc;
	if (keep_due) {
		c->resolve_due_at = keep_due;
		c->resolve_basis_at = keep_basis;
		c->resolve_extra_ms = keep_extra;
		c->resolve_workdays = keep_wd;
		c->overdue = keep_overdue;
		ev->resolve_due_at = 0;
	}
	lx_note_set(ev, lx_xasprintf("上报至%s：%s", up->name, in->reason));
	return LX_OK;
}

static int e_assist_units(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	size_t i;
	json_t *e;
	lx_buf names;
	x->ntasks = 0;
	json_array_foreach(in->unit_ids, i, e) {
		if (json_integer_value(e) == c->handler_unit_id)
			return lx_flow_fail(err, 422, "invalid", "unit_ids", "the handling unit cannot assist itself");
		const lx_unit *u = lx_flow_unit(x, json_integer_value(e));
		if (!u)
			return lx_flow_fail(err, 422, "unknown_unit", "unit_ids", "no such unit");
		if (x->ntasks == LX_FLOW_MAX_TASKS)
			return lx_flow_fail(err, 422, "invalid", "unit_ids", "name at most %d units", LX_FLOW_MAX_TASKS);
		x->tasks[x->ntasks++] = u->id;
	}
	lx_buf_init(&names);
	for (int k = 0; k < x->ntasks; k++)
		lx_buf_printf(&names, "%s%s", k ? "、" : "", lx_flow_unit(x, x->tasks[k])->name);
	lx_note_set(ev, in->note ? lx_xasprintf("请%s协办：%s", names.data, in->note)
				 : lx_xasprintf("请%s协办", names.data));
	lx_buf_free(&names);
	c->open_tasks += x->ntasks;
	ev->unit_id = c->handler_unit_id;
	return LX_OK;
}

static int e_write_tasks(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)ev;
	int rc = LX_OK;
	for (int k = 0; rc == LX_OK && k < x->ntasks; k++) {
		int64_t tid;
		const lx_unit *u = lx_flow_unit(x, x->tasks[k]); /* cached by assist_units */
		rc = u ? lx_task_insert(x->db, c->id, u, in->note, x->now, &tid) : LX_ERR;
	}
	x->ntasks = 0;
	return rc == LX_OK ? LX_OK : lx_flow_fail(err, 500, "internal", NULL, "the store failed");
}

static int e_finish_task(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	int64_t unit = 0;
	bool open = false;
	if (!x->writing)
		return lx_flow_fail(err, 500, "internal", NULL, "assist tasks are written, not simulated");
	int rc = lx_task_find(x->db, x->scope, c->id, in->task_id, &unit, &open);
	if (rc == LX_OK)
		rc = lx_task_finish(x->db, in->task_id, x->who.user_id, x->now);
	if (rc == LX_CONFLICT)
		return lx_flow_fail(err, 409, "illegal_transition", NULL, "the task is done already");
	if (rc != LX_OK)
		return lx_flow_fail(err, 500, "internal", NULL, "the store failed");
	c->open_tasks--;
	ev->unit_id = unit;
	return LX_OK;
}

static int e_reply(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)err;
	free(c->reply);
	c->reply = lx_xstrdup(in->reply);
	c->resolved_at = x->now;
	lx_note_set(ev, lx_xstrdup(in->reply));
	return LX_OK;
}

static int e_rating(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)err;
	const char *rating = lx_rating_name((lx_rating)in->rating);
	snprintf(c->rating, sizeof c->rating, "%s", rating);
	c->solved = in->solved;
	c->rated_at = x->now;
	lx_note_set(ev, lx_xasprintf("%s，%s%s%s", lx_rating_label((lx_rating)in->rating), in->solved ? "已解决" : "未解决",
				     in->note ? "：" : "", in->note ? in->note : ""));
	return LX_OK;
}

static int e_supervise(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)x;
	(void)in;
	(void)ev;
	(void)err;
	c->supervised++;
	return LX_OK;
}

/* ---------------- effects: suspension ---------------- */

/* Checks the suspension's end, when given. */
static int lx_until_ok(lx_flow_ctx *x, const lx_flow_input *in, lx_flow_error *err)
{
	if (!in->has_until)
		return LX_OK;
	if (in->until <= x->now)
		return lx_flow_fail(err, 422, "invalid", "until", "until must lie in the future");
	if (in->until - x->now > LX_MAX_SUSPEND_MS)
		return lx_flow_fail(err, 422, "invalid", "until", "a suspension lasts at most a year");
	return LX_OK;
}

static json_t *lx_suspension_entry(lx_flow_ctx *x, const lx_flow_input *in, const char *status)
{
	json_t *e = lx_entry(x);
	json_object_set_new(e, "reason", json_string(in->reason));
	json_object_set_new(e, "until", in->has_until ? lx_time_json(x, in->until) : json_null());
	json_object_set_new(e, "status", json_string(status));
	return e;
}

static int e_suspend(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	int rc = lx_until_ok(x, in, err);
	if (rc != LX_OK)
		return rc;
	c->suspended_at = x->now;
	c->suspended_until = in->has_until ? in->until : 0;
	lx_list_append(&c->suspensions, lx_suspension_entry(x, in, "active"));
	ev->unit_id = c->handler_unit_id;
	return LX_OK;
}

static int e_request_suspension(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev,
				lx_flow_error *err)
{
	int rc = lx_until_ok(x, in, err);
	if (rc != LX_OK)
		return rc;
	snprintf(c->pending, sizeof c->pending, "suspension");
	lx_list_append(&c->suspensions, lx_suspension_entry(x, in, "pending"));
	lx_note_set(ev, lx_xasprintf("申请挂起：%s", in->reason));
	ev->unit_id = c->handler_unit_id;
	return LX_OK;
}

/* The decision on the pending entry of *list: its status, when and by whom. */
static json_t *lx_decision(lx_flow_ctx *x, const char *status, const char *note)
{
	json_t *p = json_object();
	json_object_set_new(p, "status", json_string(status));
	json_object_set_new(p, "decided_at", lx_time_json(x, x->now));
	json_object_set_new(p, "decided_by", x->who.user_id ? json_integer(x->who.user_id) : json_null());
	if (note)
		json_object_set_new(p, "decision", json_string(note));
	return p;
}

/* The list the pending request of c lives in (c->pending: "suspension",
 * "extension", "appeal"), or NULL when none is pending. */
static char **lx_pending_list(lx_case *c)
{
	if (strcmp(c->pending, "suspension") == 0)
		return &c->suspensions;
	if (strcmp(c->pending, "extension") == 0)
		return &c->extensions;
	if (strcmp(c->pending, "appeal") == 0)
		return &c->appeals;
	return NULL;
}

/* Settles the pending request of c (status, and the decision's note) and
 * clears c->pending. */
static void lx_settle_pending(lx_flow_ctx *x, lx_case *c, const char *status, const char *note)
{
	char **list = lx_pending_list(c);
	if (list)
		lx_list_settle(list, "pending", lx_decision(x, status, note));
	c->pending[0] = '\0';
}

static int e_approve_suspension(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev,
				lx_flow_error *err)
{
	json_t *arr;
	json_t *e = lx_list_last(c->suspensions, "pending", &arr);
	const char *until = e ? json_string_value(json_object_get(e, "until")) : NULL;
	lx_ms until_ms = 0;
	if (until)
		lx_time_parse(until, x->tz_offset_min, &until_ms);
	json_decref(arr);
	if (until_ms && until_ms <= x->now)
		return lx_flow_fail(err, 409, "until_passed", NULL, "the suspension asked for would have ended already");
	lx_settle_pending(x, c, "active", in->note);
	c->suspended_at = x->now;
	c->suspended_until = until_ms;
	lx_note_set(ev, lx_xasprintf("同意挂起%s%s", in->note ? "：" : "", in->note ? in->note : ""));
	return LX_OK;
}

/* the desk says no to a pending suspension or extension */
static int e_reject_pending(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)err;
	const char *what = strcmp(c->pending, "suspension") == 0 ? "挂起" : "延期";
	lx_note_set(ev, lx_xasprintf("不同意%s：%s", what, in->reason));
	lx_settle_pending(x, c, "rejected", in->reason);
	return LX_OK;
}

static int e_resume(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)in;
	if (!c->suspended_at)
		return LX_OK;
	int rc = lx_flow_clocks_shift(x, c, c->suspended_at, x->now, ev, err);
	if (rc != LX_OK)
		return rc;
	if (x->who.system && !ev->note)
		lx_note_set(ev, lx_xstrdup("挂起期满，恢复办理"));
	ev->unit_id = c->handler_unit_id;
	return LX_OK;
}

/* on leaving `suspended`, however: the time is counted and the entry closed */
static int e_end_suspension(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev,
			    lx_flow_error *err)
{
	(void)in;
	(void)ev;
	(void)err;
	if (!c->suspended_at)
		return LX_OK;
	lx_ms ms = x->now > c->suspended_at ? x->now - c->suspended_at : 0;
	c->suspended_ms += ms;
	json_t *p = json_object();
	json_object_set_new(p, "status", json_string("ended"));
	json_object_set_new(p, "resumed_at", lx_time_json(x, x->now));
	json_object_set_new(p, "ms", json_integer(ms));
	lx_list_settle(&c->suspensions, "active", p);
	c->suspended_at = 0;
	c->suspended_until = 0;
	return LX_OK;
}

/* ---------------- effects: extension ---------------- */

static int e_request_extension(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev,
			       lx_flow_error *err)
{
	(void)err;
	json_t *e = lx_entry(x);
	if (in->has_workdays)
		json_object_set_new(e, "workdays", json_integer(in->workdays));
	else
		json_object_set_new(e, "hours", json_real(in->hours));
	json_object_set_new(e, "reason", json_string(in->reason));
	json_object_set_new(e, "status", json_string("pending"));
	lx_list_append(&c->extensions, e);
	snprintf(c->pending, sizeof c->pending, "extension");
	char *amount = lx_amount_text(in->hours, in->has_workdays ? (int)in->workdays : 0);
	lx_note_set(ev, lx_xasprintf("申请延期%s：%s", amount, in->reason));
	free(amount);
	ev->unit_id = c->handler_unit_id;
	return LX_OK;
}

static int e_approve_extension(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev,
			       lx_flow_error *err)
{
	json_t *arr;
	json_t *e = lx_list_last(c->extensions, "pending", &arr);
	double hours = e ? json_number_value(json_object_get(e, "hours")) : 0;
	int workdays = e ? (int)json_integer_value(json_object_get(e, "workdays")) : 0;
	json_decref(arr);
	if (hours <= 0 && workdays <= 0)
		return lx_flow_fail(err, 500, "internal", NULL, "the pending extension is unreadable");
	int rc = lx_flow_clocks_extend(x, c, hours, workdays, ev, err);
	if (rc != LX_OK)
		return rc;
	lx_settle_pending(x, c, "approved", in->note);
	char *amount = lx_amount_text(hours, workdays), *due = lx_due_text(x, c->resolve_due_at);
	lx_note_set(ev, lx_xasprintf("同意延期%s，办理时限延至%s%s%s", amount, due, in->note ? "：" : "",
				     in->note ? in->note : ""));
	free(amount);
	free(due);
	return LX_OK;
}

/* A pending extension or suspension lapses when the case leaves the work
 * it was asked for (resolved, returned, escalated, merged, invalid). */
static int e_withdraw_pending(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev,
			      lx_flow_error *err)
{
	(void)in;
	(void)ev;
	(void)err;
	/* an appeal is about the rating, not the work: it stays */
	if (c->pending[0] && strcmp(c->pending, "appeal") != 0)
		lx_settle_pending(x, c, "withdrawn", NULL);
	return LX_OK;
}

/* ---------------- effects: verification, appeals, exclusion ---------------- */

static int e_verdict(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	json_t *e = lx_entry(x);
	json_object_set_new(e, "passed", json_boolean(in->passed));
	json_object_set_new(e, "note", in->note ? json_string(in->note) : json_null());
	lx_list_append(&c->verifications, e);
	lx_note_set(ev, lx_xasprintf("%s%s%s", in->passed ? "核查通过" : "核查未通过，退回重办", in->note ? "：" : "",
				     in->note ? in->note : ""));
	ev->unit_id = c->handler_unit_id;
	if (in->passed)
		return LX_OK;
	/* back to the handler with a fresh resolve deadline */
	c->resolved_at = 0;
	return lx_flow_resolve_fresh(x, c, ev, err);
}

static int e_file_appeal(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)err;
	json_t *e = lx_entry(x);
	json_object_set_new(e, "reason", json_string(in->reason));
	json_object_set_new(e, "rating", json_string(c->rating));
	json_object_set_new(e, "solved", json_boolean(c->solved == 1));
	json_object_set_new(e, "rated_at", lx_time_json(x, c->rated_at));
	json_object_set_new(e, "status", json_string("pending"));
	lx_list_append(&c->appeals, e);
	snprintf(c->pending, sizeof c->pending, "appeal");
	c->appealed_at = x->now;
	lx_note_set(ev, lx_xasprintf("申诉：%s", in->reason));
	ev->unit_id = c->handler_unit_id;
	return LX_OK;
}

static int e_decide_appeal(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)err;
	lx_settle_pending(x, c, in->upheld ? "upheld" : "rejected", in->note);
	if (in->upheld)
		c->excluded = true;
	lx_note_set(ev, lx_xasprintf("%s%s%s", in->upheld ? "申诉成立，该评价不计入解决率和满意率" : "申诉不成立",
				     in->note ? "：" : "", in->note ? in->note : ""));
	ev->unit_id = c->handler_unit_id;
	return LX_OK;
}

static int e_exclude(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)err;
	c->excluded = true;
	/* an appeal against a rating of an invalid call has nothing left to contest */
	if (strcmp(c->pending, "appeal") == 0)
		lx_settle_pending(x, c, "withdrawn", NULL);
	lx_note_set(ev, lx_xasprintf("无效诉求：%s", in->reason));
	return LX_OK;
}

/* ---------------- effects: merged duplicates ---------------- */

static int e_link_master(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	lx_case m = {0};
	if (in->into_id == c->id)
		return lx_flow_fail(err, 422, "invalid", "into_id", "a case cannot be merged into itself");
	int rc = lx_case_get(x->db, x->scope, in->into_id, &m);
	if (rc == LX_NOTFOUND)
		return lx_flow_fail(err, 422, "unknown_case", "into_id", "no such case in your scope");
	if (rc != LX_OK)
		return lx_flow_fail(err, 500, "internal", NULL, "the store failed");
	if (m.merged_into) {
		lx_case_clear(&m);
		return lx_flow_fail(err, 422, "invalid", "into_id", "that case is itself merged into another");
	}
	c->merged_into = m.id;
	char number[32];
	lx_flow_case_number(x->tz_offset_min, &m, number);
	const lx_state_class *ms = lx_store_state(m.status);
	if (m.reply && ms && ms->done) {
		/* the master is answered already: so is its duplicate */
		free(c->reply);
		c->reply = lx_xstrdup(m.reply);
		c->resolved_at = x->now;
		lx_note_set(ev, lx_xasprintf("并入%s（主件已答复，同步答复）%s%s", number, in->note ? "：" : "",
					     in->note ? in->note : ""));
	} else {
		lx_note_set(ev, lx_xasprintf("并入%s，随主件答复%s%s", number, in->note ? "：" : "",
					     in->note ? in->note : ""));
	}
	ev->unit_id = m.handler_unit_id;
	lx_case_clear(&m);
	return LX_OK;
}

/* after a merge: the master's timeline says who called again */
static int e_tell_master(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)in;
	(void)ev;
	char number[32];
	lx_flow_case_number(x->tz_offset_min, c, number);
	lx_flow_input note = {0};
	note.note = lx_xasprintf("重复来电%s并入本件%s%s", number, c->reporter_name && !c->reporter_anonymous ? "，来电人" : "",
				 c->reporter_name && !c->reporter_anonymous ? c->reporter_name : "");
	int rc = lx_flow_apply_system(x, c->merged_into, "merged_in", &note, err);
	free((char *)note.note);
	return rc;
}

/* after a master is resolved: every duplicate merged into it is answered */
static int e_answer_merged(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)in;
	(void)ev;
	const lx_state_class *cls = lx_store_state(c->status);
	if (!cls || !cls->done || !c->reply)
		return LX_OK;
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = lx_flow_merged_unanswered(x, c->id, &ids, &n);
	for (size_t i = 0; rc == LX_OK && i < n; i++)
		rc = lx_flow_apply_system(x, ids[i], "answer", NULL, err);
	free(ids);
	return rc;
}

static int e_copy_master_reply(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev,
			       lx_flow_error *err)
{
	(void)in;
	lx_case m = {0};
	int rc = lx_case_get(x->db, "/", c->merged_into, &m);
	if (rc != LX_OK)
		return lx_flow_fail(err, 500, "internal", NULL, "the master case is gone");
	free(c->reply);
	c->reply = lx_xstrdup(m.reply);
	c->resolved_at = x->now;
	char number[32];
	lx_flow_case_number(x->tz_offset_min, &m, number);
	lx_note_set(ev, lx_xasprintf("已按主件%s答复：%s", number, m.reply ? m.reply : ""));
	ev->unit_id = m.handler_unit_id;
	lx_case_clear(&m);
	return LX_OK;
}

/* ---------------- effects: clocks ---------------- */

static int e_mark_accept_overdue(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev,
				 lx_flow_error *err)
{
	(void)x;
	(void)in;
	(void)err;
	c->accept_overdue = true;
	lx_note_set(ev, lx_xstrdup("超过签收时限"));
	return LX_OK;
}

static int e_mark_overdue(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)x;
	(void)in;
	(void)err;
	c->overdue = true;
	lx_note_set(ev, lx_xstrdup("超过办理时限"));
	return LX_OK;
}

static int e_reschedule(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)in;
	bool moved = false;
	lx_ms acc = c->accept_due_at, res = c->resolve_due_at;
	int rc = lx_flow_clocks_recompute(x, c, &moved, ev, err);
	if (rc != LX_OK)
		return rc;
	lx_buf b;
	lx_buf_init(&b);
	lx_buf_puts(&b, "工作日历调整");
	if (acc != c->accept_due_at) {
		char *a = lx_due_text(x, acc), *n = lx_due_text(x, c->accept_due_at);
		lx_buf_printf(&b, "，签收时限由%s改为%s", a, n);
		free(a);
		free(n);
	}
	if (res != c->resolve_due_at) {
		char *a = lx_due_text(x, res), *n = lx_due_text(x, c->resolve_due_at);
		lx_buf_printf(&b, "，办理时限由%s改为%s", a, n);
		free(a);
		free(n);
	}
	lx_note_set(ev, lx_buf_steal(&b));
	ev->unit_id = c->handler_unit_id;
	return LX_OK;
}

/* on entering `reopened`: back to the same unit as a new dispatch */
static int e_redispatch(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)in;
	c->resolved_at = 0;
	c->closed_at = 0;
	if (!c->handler_unit_id)
		return LX_OK;
	const lx_unit *h = lx_flow_unit(x, c->handler_unit_id);
	if (!h)
		return lx_flow_fail(err, 500, "internal", NULL, "the handling unit is gone");
	return lx_assign_to(x, c, h, ev, err);
}

/* on entering `closed` */
static int e_stamp_closed(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)in;
	(void)ev;
	(void)err;
	c->closed_at = x->now;
	return LX_OK;
}

const lx_named_effect lx_flow_effects[] = {
	{"assign", e_assign},
	{"stamp_accepted", e_stamp_accepted},
	{"take_on_spot", e_take_on_spot},
	{"unassign", e_unassign},
	{"assign_parent", e_assign_parent},
	{"assist_units", e_assist_units},
	{"write_tasks", e_write_tasks},
	{"finish_task", e_finish_task},
	{"reply", e_reply},
	{"rating", e_rating},
	{"supervise", e_supervise},
	{"suspend", e_suspend},
	{"request_suspension", e_request_suspension},
	{"approve_suspension", e_approve_suspension},
	{"reject_pending", e_reject_pending},
	{"resume", e_resume},
	{"end_suspension", e_end_suspension},
	{"request_extension", e_request_extension},
	{"approve_extension", e_approve_extension},
	{"withdraw_pending", e_withdraw_pending},
	{"verdict", e_verdict},
	{"reinspection", lx_effect_reinspection},
	{"count_failure", lx_effect_count_failure},
	{"file_appeal", e_file_appeal},
	{"decide_appeal", e_decide_appeal},
	{"exclude", e_exclude},
	{"link_master", e_link_master},
	{"tell_master", e_tell_master},
	{"answer_merged", e_answer_merged},
	{"copy_master_reply", e_copy_master_reply},
	{"mark_accept_overdue", e_mark_accept_overdue},
	{"mark_overdue", e_mark_overdue},
	{"reschedule", e_reschedule},
	{"redispatch", e_redispatch},
	{"stamp_closed", e_stamp_closed},
	{"onekey_acked", lx_effect_onekey_acked},
	{"onekey_arrived", lx_effect_onekey_arrived},
	{"onekey_closed", lx_effect_onekey_closed},
	{NULL, NULL},
};
