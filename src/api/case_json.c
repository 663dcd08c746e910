/*
 * case_json.c - a case as the API shows it: its fields (phones masked for
 * who may not see them), its deadlines and lateness by the machine's
 * clocks, the engine's bookkeeping (suspension, extensions, verification,
 * appeals, merged duplicates), the actions the caller may fire, and, in
 * the full reply, the timeline and the assist tasks.
 *
 * Whoever may not see personal data (every list; in the detail, roles other
 * than an admin, a dispatcher and the handling unit's handlers and grid
 * workers, unless they filed the case) gets every text of the case with ID, mobile and landline numbers
 * masked (core/scrub.h): the written JSON of the case, and of its timeline,
 * tasks and merged calls, goes through lx_scrub_json_inplace.
 *
 * Written with the JSON writer (core/jw.h): the replies read most often.
 */
#include "api.h"
#include "repo_attachment.h"
#include "flow.h"
#include "scrub.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Is the caller, in the detail, an admin, a dispatcher, or a handler or
 * grid worker of the unit handling the case? Never in a list. */
static bool lx_sees_as_staff(lx_req *r, const lx_case *c, bool listing)
{
	if (listing)
		return false;
	if (lx_req_role(r, LX_ROLE_ADMIN | LX_ROLE_DISPATCHER))
		return true;
	return c->handler_unit_id && lx_scope_contains(r->user.scope, c->scope_path) &&
	       lx_req_role(r, LX_ROLE_HANDLER | LX_ROLE_GRID_WORKER);
}

/* May the caller see personal data in the case's texts as written? Staff
 * (above), and in the detail whoever filed the case. */
static bool lx_sees_personal(lx_req *r, const lx_case *c, bool listing)
{
	return lx_sees_as_staff(r, c, listing) || (!listing && r->authed && c->created_by && c->created_by == r->user.id);
}

/* May the caller see the reporter's phone and name in full? Staff, but an
 * anonymous reporter's only an admin or a dispatcher. */
static bool lx_sees_reporter(lx_req *r, const lx_case *c, bool listing)
{
	if (!lx_sees_as_staff(r, c, listing))
		return false;
	return !c->reporter_anonymous || lx_req_role(r, LX_ROLE_ADMIN | LX_ROLE_DISPATCHER);
}

void lx_api_case_number(lx_req *r, const lx_case *c, char out[32])
{
	lx_flow_case_number(r->app->tz_offset_min, c, out);
}


static void lx_jw_workdays(lx_jw *w, int n)
{
	if (n > 0)
		lx_jw_int(w, n);
	else
		lx_jw_null(w);
}

/* The reporter object: masked, or hidden for an anonymous reporter. */
static void lx_reporter_write(lx_jw *w, lx_req *r, const lx_case *c, bool listing)
{
	bool full = lx_sees_reporter(r, c, listing);
	bool hide = c->reporter_anonymous && !full;
	lx_jw_open(w, '{');
	lx_jw_key(w, "name");
	lx_jw_str(w, hide ? NULL : c->reporter_name);
	lx_jw_key(w, "phone");
	if (hide || !c->reporter_phone) {
		lx_jw_null(w);
	} else if (full) {
		char target[32];
		snprintf(target, sizeof target, "case:%lld", (long long)c->id);
		lx_trail_defer(r, "unmasked_read", target, "the reporter's phone");
		lx_jw_str(w, c->reporter_phone);
	} else {
		char *m = lx_mask_phone(c->reporter_phone);
		lx_jw_str(w, m);
		free(m);
	}
	lx_jw_key(w, "anonymous");
	lx_jw_bool(w, c->reporter_anonymous);
	lx_jw_close(w, '}');
}

/* Lateness as the machine's clocks say: overdue is open work past its
 * resolve deadline while that clock runs (or it ran out before stopping). */
static void lx_lateness_write(lx_jw *w, const lx_case *c)
{
	lx_ms now = lx_now_ms();
	lx_jw_key(w, "overdue");
	lx_jw_bool(w, lx_flow_overdue(c, now));
	lx_jw_key(w, "accept_overdue");
	lx_jw_bool(w, lx_flow_accept_overdue(c, now));
}

static void lx_engine_fields_write(lx_jw *w, lx_req *r, const lx_case *c)
{
	int tz = r->app->tz_offset_min;
	lx_jw_key(w, "accept_workdays");
	lx_jw_workdays(w, c->accept_workdays);
	lx_jw_key(w, "resolve_workdays");
	lx_jw_workdays(w, c->resolve_workdays);
	lx_jw_key(w, "pending");
	lx_jw_str(w, c->pending[0] ? c->pending : NULL);
	lx_jw_key(w, "suspended_at");
	lx_jw_time(w, c->suspended_at, tz);
	lx_jw_key(w, "suspended_until");
	lx_jw_time(w, c->suspended_until, tz);
	lx_jw_key(w, "suspended_ms");
	/* the total, with the suspension under way so far */
	lx_jw_int(w, c->suspended_ms + (c->suspended_at ? lx_now_ms() - c->suspended_at : 0));
	lx_jw_key(w, "excluded");
	lx_jw_bool(w, c->excluded);
	lx_jw_key(w, "merged_into");
	lx_jw_id(w, c->merged_into);
	lx_jw_key(w, "status_note");
	lx_jw_str(w, c->status_note);
	lx_jw_key(w, "status_by");
	lx_jw_id(w, c->status_by);
	lx_jw_key(w, "status_unit_id");
	lx_jw_id(w, c->status_unit_id);
	lx_jw_key(w, "extensions");
	lx_jw_raw(w, c->extensions, "[]");
	lx_jw_key(w, "suspensions");
	lx_jw_raw(w, c->suspensions, "[]");
	lx_jw_key(w, "verifications");
	lx_jw_raw(w, c->verifications, "[]");
	lx_jw_key(w, "appeals");
	lx_jw_raw(w, c->appeals, "[]");
}

struct lx_allowed_ctx {
	lx_jw *w;
	const char *needs[8]; /* allowed actions still waiting for a photo */
	int nneeds;
};

static void lx_allowed_cb(void *arg, const char *action)
{
	struct lx_allowed_ctx *a = arg;
	lx_jw_str(a->w, action);
	if (a->nneeds < 8)
		a->needs[a->nneeds++] = action;
}

/* allowed_actions, and photo_required: those of them that wait for an
 * after-photo (the form asks for one and sends it first). */
static void lx_allowed_write(lx_jw *w, lx_req *r, const lx_case *c)
{
	lx_flow_actor who = {r->user.id, r->user.roles, r->user.scope, false};
	lx_flow_ctx *x = lx_flow_ctx_new(r->db, &who, lx_now_ms(), r->app->tz_offset_min);
	struct lx_allowed_ctx a = {w, {0}, 0};
	lx_jw_key(w, "allowed_actions");
	lx_jw_open(w, '[');
	lx_flow_allowed(x, c, lx_allowed_cb, &a);
	lx_jw_close(w, ']');
	lx_jw_key(w, "photo_required");
	lx_jw_open(w, '[');
	for (int i = 0; i < a.nneeds; i++) {
		static const lx_flow_input now; /* not a probe: the photo is asked for */
		const char *to = NULL;
		lx_flow_error e = {0};
		if (lx_flow_decide(x, c, a.needs[i], &now, &to, &e) != LX_OK && e.code &&
		    strcmp(e.code, "photo_required") == 0)
			lx_jw_str(w, a.needs[i]);
	}
	lx_jw_close(w, ']');
	lx_flow_ctx_free(x);
}

void lx_api_case_write(lx_jw *w, lx_req *r, const lx_case *c, bool listing)
{
	char number[32];
	int tz = r->app->tz_offset_min;
	size_t start = w->b->len;
	lx_api_case_number(r, c, number);
	lx_jw_open(w, '{');
	lx_jw_key(w, "id");
	lx_jw_int(w, c->id);
	lx_jw_key(w, "number");
	lx_jw_str(w, number);
	lx_jw_key(w, "type");
	lx_jw_str(w, c->type);
	lx_jw_key(w, "channel");
	lx_jw_str(w, c->channel);
	lx_jw_key(w, "status");
	lx_jw_str(w, c->status);
	lx_jw_key(w, "category_code");
	lx_jw_str(w, c->category_code);
	lx_jw_key(w, "title");
	lx_jw_str(w, c->title);
	lx_jw_key(w, "description");
	lx_jw_str(w, c->description);
	lx_jw_key(w, "lat");
	if (c->has_point)
		lx_jw_real(w, c->lat);
	else
		lx_jw_null(w);
	lx_jw_key(w, "lon");
	if (c->has_point)
		lx_jw_real(w, c->lon);
	else
		lx_jw_null(w);
	lx_jw_key(w, "address");
	lx_jw_str(w, c->address);
	lx_jw_key(w, "unit_id");
	lx_jw_id(w, c->unit_id);
	lx_jw_key(w, "handler_unit_id");
	lx_jw_id(w, c->handler_unit_id);
	lx_jw_key(w, "urgent");
	lx_jw_bool(w, c->urgent);
	lx_jw_key(w, "created_by"); /* the staff member who took it in (0/null: the system, Open311) */
	lx_jw_id(w, c->created_by);
	lx_jw_key(w, "reporter");
	lx_reporter_write(w, r, c, listing);
	const struct {
		const char *key;
		lx_ms t;
	} times[] = {{"created_at", c->created_at}, {"dispatched_at", c->dispatched_at},
		     {"accept_due_at", c->accept_due_at}, {"resolve_due_at", c->resolve_due_at},
		     {"accepted_at", c->accepted_at}, {"resolved_at", c->resolved_at},
		     {"closed_at", c->closed_at}, {"updated_at", c->updated_at}};
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
		lx_jw_key(w, times[i].key);
		lx_jw_time(w, times[i].t, tz);
	}
	lx_jw_key(w, "reply");
	lx_jw_str(w, c->reply);
	lx_jw_key(w, "rating");
	lx_jw_str(w, c->rating[0] ? c->rating : NULL);
	lx_jw_key(w, "solved");
	if (c->solved < 0)
		lx_jw_null(w);
	else
		lx_jw_bool(w, c->solved);
	lx_lateness_write(w, c);
	lx_jw_key(w, "supervised");
	lx_jw_int(w, c->supervised);
	lx_engine_fields_write(w, r, c);
	lx_jw_key(w, "version");
	lx_jw_int(w, c->version);
	if (!listing)
		lx_allowed_write(w, r, c);
	if (!lx_sees_personal(r, c, listing))
		lx_scrub_json_inplace(w->b->data + start, w->b->len - start);
}

/* ---------------- the full reply ---------------- */

struct lx_tl_ctx {
	lx_jw *w;
	int tz;
};

static int lx_event_cb(void *arg, const lx_event_view *v)
{
	struct lx_tl_ctx *t = arg;
	lx_jw *w = t->w;
	const lx_event *e = v->e;
	lx_jw_open(w, '{');
	lx_jw_key(w, "id");
	lx_jw_int(w, e->id);
	lx_jw_key(w, "at");
	lx_jw_time(w, e->at, t->tz);
	lx_jw_key(w, "actor_id");
	lx_jw_id(w, e->actor_id);
	lx_jw_key(w, "actor_name");
	lx_jw_str(w, v->actor_name);
	lx_jw_key(w, "action");
	lx_jw_str(w, e->action);
	lx_jw_key(w, "from_status");
	lx_jw_str(w, e->from);
	lx_jw_key(w, "to_status");
	lx_jw_str(w, e->to);
	lx_jw_key(w, "note");
	lx_jw_str(w, e->note);
	lx_jw_key(w, "unit_id");
	lx_jw_id(w, e->unit_id);
	lx_jw_key(w, "unit_name");
	lx_jw_str(w, v->unit_name);
	lx_jw_key(w, "input");
	lx_jw_raw(w, e->input, "null");
	lx_jw_key(w, "accept_due_at");
	lx_jw_time(w, e->accept_due_at, t->tz);
	lx_jw_key(w, "resolve_due_at");
	lx_jw_time(w, e->resolve_due_at, t->tz);
	lx_jw_close(w, '}');
	return 0;
}

struct lx_merged_ctx {
	lx_jw *w;
	lx_req *r;
};

static int lx_merged_cb(void *arg, const lx_case *c)
{
	struct lx_merged_ctx *m = arg;
	char number[32];
	lx_api_case_number(m->r, c, number);
	lx_jw_open(m->w, '{');
	lx_jw_key(m->w, "id");
	lx_jw_int(m->w, c->id);
	lx_jw_key(m->w, "number");
	lx_jw_str(m->w, number);
	lx_jw_key(m->w, "channel");
	lx_jw_str(m->w, c->channel);
	lx_jw_key(m->w, "created_at");
	lx_jw_time(m->w, c->created_at, m->r->app->tz_offset_min);
	lx_jw_key(m->w, "reporter");
	/* a listing's mask: the master's page lists many callers */
	lx_reporter_write(m->w, m->r, c, true);
	lx_jw_key(m->w, "answered");
	lx_jw_bool(m->w, c->reply != NULL);
	lx_jw_close(m->w, '}');
	return 0;
}

static int lx_att_cb(void *arg, const lx_attachment *a)
{
	struct lx_merged_ctx *m = arg;
	lx_api_attachment_write(m->w, m->r, a);
	return 0;
}

/* The detail's names of its units and its files. */
static int lx_case_extras_write(lx_jw *w, lx_req *r, const lx_case *c)
{
	const struct {
		const char *key;
		int64_t id;
	} units[] = {{"unit_name", c->unit_id}, {"handler_unit_name", c->handler_unit_id}};
	int rc = LX_OK;
	for (size_t i = 0; i < 2 && rc == LX_OK; i++) {
		char *name = NULL, kind[16];
		lx_jw_key(w, units[i].key);
		/* a case's own units may be named by whoever sees the case: the plain lookup */
		rc = units[i].id ? lx_unit_name_visible(r->db, "/", units[i].id, &name, kind) : LX_NOTFOUND;
		if (name)
			lx_jw_str(w, name);
		else
			lx_jw_null(w);
		free(name);
		if (rc == LX_NOTFOUND)
			rc = LX_OK;
	}
	if (rc != LX_OK)
		return rc;
	struct lx_merged_ctx m = {w, r};
	lx_jw_key(w, "attachments");
	lx_jw_open(w, '[');
	rc = lx_attachments_each(r->db, c->id, lx_att_cb, &m);
	lx_jw_close(w, ']');
	return rc;
}

int lx_api_reply_case(lx_req *r, int status, const lx_case *c)
{
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	lx_db_read_begin(r->db);
	lx_api_case_write(&w, r, c, false);
	size_t rest = b.len; /* the timeline, tasks and merged calls */
	struct lx_tl_ctx t = {&w, r->app->tz_offset_min};
	struct lx_merged_ctx m = {&w, r};
	lx_jw_key(&w, "timeline");
	lx_jw_open(&w, '[');
	int rc = lx_case_events_each(r->db, c->id, lx_event_cb, &t);
	lx_jw_close(&w, ']');
	if (rc == LX_OK) {
		lx_jw_key(&w, "tasks");
		rc = lx_task_list_write(r->db, c->id, r->app->tz_offset_min, &w);
	}
	if (rc == LX_OK) {
		lx_jw_key(&w, "merged_cases");
		lx_jw_open(&w, '[');
		rc = lx_case_merged_each(r->db, c->id, lx_merged_cb, &m);
		lx_jw_close(&w, ']');
	}
	if (rc == LX_OK)
		rc = lx_case_extras_write(&w, r, c);
	lx_db_read_end(r->db);
	if (rc != LX_OK) {
		lx_buf_free(&b);
		return lx_reply_store_error(r, rc);
	}
	lx_jw_close(&w, '}');
	if (!lx_sees_personal(r, c, false))
		lx_scrub_json_inplace(b.data + rest, b.len - rest);
	return lx_reply_jw(r, status, &w);
}
