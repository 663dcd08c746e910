/*
 * cases.c - intake, reading, listing and the workflow actions of cases.
 *
 * Every change is one write transaction: load the case in the caller's
 * scope, let core/workflow decide, write the case with its version check and
 * append the timeline event, commit. Intake also locates the case in the
 * grid and dispatches it by the duty list in that same transaction.
 */
#include "api.h"
#include "workflow.h"
#include "geo.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_DEFAULT_ACCEPT_H 2.0
#define LX_DEFAULT_RESOLVE_H 168.0

/* ---------------- shaping ---------------- */

/* Fills the workflow input for the caller and case c. */
static void lx_wf_input_for(lx_req *r, const lx_case *c, lx_wf_input *in)
{
	memset(in, 0, sizeof *in);
	in->type = (lx_case_type)lx_type_parse(c->type);
	in->status = (lx_status)lx_status_parse(c->status);
	in->roles = r->user.roles;
	in->has_handler = c->handler_unit_id != 0;
	in->actor_handles = in->has_handler && lx_scope_contains(r->user.scope, c->scope_path);
	in->open_tasks = c->open_tasks > 0;
}

/* May the caller see the reporter's phone and name in full? */
static bool lx_sees_reporter(lx_req *r, const lx_case *c, bool listing)
{
	if (lx_req_role(r, LX_ROLE_ADMIN))
		return !listing;
	if (listing)
		return false;
	if (lx_req_role(r, LX_ROLE_DISPATCHER))
		return true;
	return !c->reporter_anonymous && c->handler_unit_id &&
	       lx_scope_contains(r->user.scope, c->scope_path) &&
	       lx_req_role(r, LX_ROLE_HANDLER | LX_ROLE_GRID_WORKER);
}

void lx_api_case_number(lx_req *r, const lx_case *c, char out[32])
{
	char day[40];
	lx_time_format(c->created_at, r->app->tz_offset_min, day, sizeof day);
	snprintf(out, 32, "%.4s%.2s%.2s%06lld", day, day + 5, day + 8, (long long)c->id);
}

/* Writes id, or null for 0. */
static void lx_jw_id(lx_jw *w, int64_t id)
{
	if (id)
		lx_jw_int(w, id);
	else
		lx_jw_null(w);
}

/* Writes case c as the API shows it to the caller; a list leaves out
 * what needs more than the row (allowed actions) and masks the reporter.
 * The object is left open for the caller to add to and close. */
static void lx_case_write(lx_jw *w, lx_req *r, const lx_case *c, bool listing)
{
	char number[32];
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
	bool full = lx_sees_reporter(r, c, listing);
	bool hide = c->reporter_anonymous && !full;
	lx_jw_key(w, "reporter");
	lx_jw_open(w, '{');
	lx_jw_key(w, "name");
	lx_jw_str(w, hide ? NULL : c->reporter_name);
	lx_jw_key(w, "phone");
	if (hide || !c->reporter_phone) {
		lx_jw_null(w);
	} else if (full) {
		lx_jw_str(w, c->reporter_phone);
	} else {
		char *m = lx_mask_phone(c->reporter_phone);
		lx_jw_str(w, m);
		free(m);
	}
	lx_jw_key(w, "anonymous");
	lx_jw_bool(w, c->reporter_anonymous);
	lx_jw_close(w, '}');
	lx_jw_key(w, "created_at");
	lx_jw_time(w, c->created_at, r->app->tz_offset_min);
	lx_jw_key(w, "dispatched_at");
	lx_jw_time(w, c->dispatched_at, r->app->tz_offset_min);
	lx_jw_key(w, "accept_due_at");
	lx_jw_time(w, c->accept_due_at, r->app->tz_offset_min);
	lx_jw_key(w, "resolve_due_at");
	lx_jw_time(w, c->resolve_due_at, r->app->tz_offset_min);
	lx_jw_key(w, "accepted_at");
	lx_jw_time(w, c->accepted_at, r->app->tz_offset_min);
	lx_jw_key(w, "resolved_at");
	lx_jw_time(w, c->resolved_at, r->app->tz_offset_min);
	lx_jw_key(w, "closed_at");
	lx_jw_time(w, c->closed_at, r->app->tz_offset_min);
	lx_jw_key(w, "updated_at");
	lx_jw_time(w, c->updated_at, r->app->tz_offset_min);
	lx_jw_key(w, "reply");
	lx_jw_str(w, c->reply);
	lx_jw_key(w, "rating");
	lx_jw_str(w, c->rating[0] ? c->rating : NULL);
	lx_jw_key(w, "solved");
	if (c->solved < 0)
		lx_jw_null(w);
	else
		lx_jw_bool(w, c->solved);
	lx_status st = (lx_status)lx_status_parse(c->status);
	lx_ms now = lx_now_ms();
	lx_jw_key(w, "overdue");
	lx_jw_bool(w, !lx_status_done(st) && c->resolve_due_at && c->resolve_due_at < now);
	lx_jw_key(w, "accept_overdue");
	lx_jw_bool(w, (st == LX_ST_DISPATCHED || st == LX_ST_REOPENED) && c->accept_due_at &&
			      c->accept_due_at < now);
	lx_jw_key(w, "supervised");
	lx_jw_int(w, c->supervised);
	lx_jw_key(w, "version");
	lx_jw_int(w, c->version);
	if (!listing) {
		lx_wf_input in;
		lx_wf_input_for(r, c, &in);
		unsigned allowed = lx_wf_allowed(&in);
		lx_jw_key(w, "allowed_actions");
		lx_jw_open(w, '[');
		for (int a = 0; a < LX_ACT__N; a++)
			if (allowed & (1u << a))
				lx_jw_str(w, lx_action_name((lx_action)a));
		lx_jw_close(w, ']');
	}
}

/* The full case with timeline and tasks, written straight to the reply
 * (core/jw.h: the read most often made, without a jansson tree). */
static int lx_reply_case(lx_req *r, int status, const lx_case *c)
{
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	lx_case_write(&w, r, c, false);
	lx_db_read_begin(r->db);
	lx_jw_key(&w, "timeline");
	int rc = lx_case_events_write(r->db, c->id, r->app->tz_offset_min, &w);
	if (rc == LX_OK) {
		lx_jw_key(&w, "tasks");
		rc = lx_task_list_write(r->db, c->id, r->app->tz_offset_min, &w);
	}
	lx_db_read_end(r->db);
	if (rc != LX_OK) {
		lx_buf_free(&b);
		return lx_reply_store_error(r, rc);
	}
	lx_jw_close(&w, '}');
	return lx_reply_jw(r, status, &w);
}

/* ---------------- dispatch by the duty list ---------------- */

/* Finds the unit a category's rule names for a case located at loc (may be
 * NULL). Returns LX_OK with *out, LX_NOTFOUND when the rule gives none. */
static int lx_duty_unit(lx_db *db, const lx_category *cat, const lx_unit *loc, lx_unit *out)
{
	int rc = LX_NOTFOUND;
	lx_unit *anc = NULL;
	size_t n = 0;
	if (!cat || !cat->resp_kind || !cat->resp_value)
		return LX_NOTFOUND;
	if (strcmp(cat->resp_kind, "unit_id") == 0)
		return lx_unit_get(db, "/", strtoll(cat->resp_value, NULL, 10), out);
	if (loc) {
		rc = lx_unit_ancestors(db, loc, &anc, &n);
		if (rc != LX_OK)
			return rc;
		rc = LX_NOTFOUND;
	}
	if (strcmp(cat->resp_kind, "unit_kind") == 0) {
		for (size_t i = n; i-- > 0;) {
			if (strcmp(anc[i].kind, cat->resp_value) == 0) {
				*out = anc[i];
				memset(&anc[i], 0, sizeof anc[i]);
				rc = LX_OK;
				break;
			}
		}
	} else if (strcmp(cat->resp_kind, "unit_name") == 0) {
		const char *under = NULL;
		for (size_t i = 0; i < n && !under; i++)
			if (strcmp(anc[i].kind, "district") == 0)
				under = anc[i].path;
		rc = lx_unit_find_named(db, under, "department", cat->resp_value, out);
	}
	for (size_t i = 0; i < n; i++)
		lx_unit_clear(&anc[i]);
	free(anc);
	return rc;
}

/* Loads the category's hours (defaults when none). */
static void lx_case_hours(lx_db *db, const char *code, double *acc, double *res)
{
	lx_category cat;
	*acc = LX_DEFAULT_ACCEPT_H;
	*res = LX_DEFAULT_RESOLVE_H;
	if (code && lx_category_get(db, code, &cat) == LX_OK) {
		*acc = cat.accept_hours;
		*res = cat.resolve_hours;
		lx_category_clear(&cat);
	}
}

/* Hands c to unit u as a new dispatch with fresh deadlines; the hours are
 * cat's when given (the intake has it loaded), else looked up. */
static void lx_case_assign(lx_db *db, lx_case *c, const lx_unit *u, const lx_category *cat, lx_ms now)
{
	double acc, res;
	if (cat) {
		acc = cat->accept_hours;
		res = cat->resolve_hours;
	} else {
		lx_case_hours(db, c->category_code, &acc, &res);
	}
	c->handler_unit_id = u->id;
	free(c->scope_path);
	c->scope_path = lx_xstrdup(u->path);
	c->dispatched_at = now;
	if (!c->first_dispatched_at)
		c->first_dispatched_at = now;
	lx_sla_deadlines(now, acc, res, c->urgent, &c->accept_due_at, &c->resolve_due_at);
	c->accepted_at = 0;
	c->accept_overdue = false;
	c->overdue = false;
}

/* ---------------- intake ---------------- */

static bool lx_phone_ok(const char *s)
{
	size_t digits = 0;
	for (; *s; s++) {
		if (isdigit((unsigned char)*s))
			digits++;
		else if (*s != '-' && *s != '+' && *s != ' ')
			return false;
	}
	return digits >= 3 && digits <= 20;
}

/* Records an intake error for the caller to shape. Returns LX_INVALID. */
static int lx_intake_fail(lx_intake_error *e, int status, const char *code, const char *field,
			  const char *msg)
{
	e->status = status;
	e->code = code;
	e->field = field;
	snprintf(e->message, sizeof e->message, "%s", msg);
	return LX_INVALID;
}

/* An intake: read half (lx_intake_read, in the request's thread) and
 * write half (lx_intake_write, run by the store's writer: lx_pool_write). */
struct lx_intake_job {
	lx_req *r;
	const lx_intake *in;
	const lx_category *cat; /* NULL: no category */
	lx_intake_error *err;
	lx_unit loc, duty;      /* where it is, who the duty list names */
	bool has_loc, has_duty;
	char *terms;            /* search terms of title and description */
	lx_case c;              /* the written case (out) */
};

/* Everything an intake reads: the location, the duty-list unit and the
 * search terms. Done before the write, on the request's own connection
 * and thread, so that the one writer spends its time writing. (Unit ids
 * and paths never change once made; a boundary edited meanwhile gives the
 * answer an intake a moment earlier would have had.) */
static int lx_intake_read(lx_db *db, struct lx_intake_job *job)
{
	lx_req *r = job->r;
	const lx_intake *in = job->in;
	lx_unit loc = {0};
	int rc;

	/* Locate: an explicit unit, else the point, else the caller's own unit. */
	if (in->has_unit) {
		rc = lx_unit_get(db, r->user.scope, in->unit_id, &loc);
		if (rc == LX_NOTFOUND) {
			rc = lx_intake_fail(job->err, 422, "unknown_unit", "unit_id", "no such unit in your scope");
			goto cleanup;
		}
	} else if (in->has_point) {
		rc = lx_api_locate_point(db, in->lat, in->lon, &loc);
		if (rc == LX_NOTFOUND && r->user.unit_id)
			rc = lx_unit_get(db, "/", r->user.unit_id, &loc);
	} else if (r->user.unit_id) {
		rc = lx_unit_get(db, "/", r->user.unit_id, &loc);
	} else {
		rc = LX_NOTFOUND;
	}
	if (rc == LX_OK)
		job->has_loc = true;
	else if (rc != LX_NOTFOUND)
		goto cleanup;
	job->loc = loc;
	memset(&loc, 0, sizeof loc);
	rc = LX_OK;
	if (job->cat) {
		rc = lx_duty_unit(db, job->cat, job->has_loc ? &job->loc : NULL, &job->duty);
		if (rc == LX_OK)
			job->has_duty = true;
		else if (rc == LX_NOTFOUND)
			rc = LX_OK;
	}
	job->terms = lx_case_terms(in->title, in->description);
cleanup:
	lx_unit_clear(&loc);
	return rc;
}

static int lx_intake_write(lx_db *db, void *arg)
{
	struct lx_intake_job *job = arg;
	lx_req *r = job->r;
	const lx_intake *in = job->in;
	lx_case *c = &job->c;
	const lx_unit *loc = &job->loc, *duty = &job->duty;
	bool has_loc = job->has_loc, has_duty = job->has_duty;
	int rc;

	lx_ms now = lx_now_ms();
	memset(c, 0, sizeof *c);
	snprintf(c->type, sizeof c->type, "%s", in->type);
	snprintf(c->channel, sizeof c->channel, "%s", in->channel);
	snprintf(c->status, sizeof c->status, "new");
	c->category_code = lx_xstrdup(in->category_code);
	c->title = lx_xstrdup(in->title);
	c->description = lx_xstrdup(in->description);
	c->address = lx_xstrdup(in->address);
	c->has_point = in->has_point;
	c->lat = in->lat;
	c->lon = in->lon;
	c->unit_id = has_loc ? loc->id : 0;
	c->unit_path = has_loc ? lx_xstrdup(loc->path) : NULL;
	c->scope_path = lx_xstrdup(has_loc ? loc->path : "/");
	c->urgent = in->urgent;
	c->reporter_name = lx_xstrdup(in->reporter_name);
	c->reporter_phone = lx_xstrdup(in->reporter_phone);
	c->reporter_anonymous = in->anonymous;
	c->created_by = r->user.id;
	c->created_at = c->updated_at = now;
	c->solved = -1;
	if (has_duty) {
		lx_case_assign(db, c, duty, job->cat, now);
		snprintf(c->status, sizeof c->status, "dispatched");
	}
	rc = lx_case_insert(db, c, job->terms);
	if (rc == LX_OK)
		rc = lx_case_event(db, c->id, now, r->user.id, "create", NULL, "new", has_loc ? loc->id : 0, NULL);
	if (rc == LX_OK && has_duty) {
		char *note = lx_xasprintf("按履职事项清单派发至%s", duty->name);
		rc = lx_case_event(db, c->id, now, r->user.id, "dispatch", "new", "dispatched", duty->id, note);
		free(note);
	}
	if (rc == LX_OK && in->after)
		rc = in->after(db, c, in->after_arg);
	return rc;
}

int lx_api_intake(lx_req *r, const lx_intake *in, lx_case *out, lx_intake_error *err)
{
	lx_category cat = {0};
	bool has_cat = false;
	int rc;

	memset(err, 0, sizeof *err);
	if (lx_type_parse(in->type) < 0) {
		rc = lx_intake_fail(err, 422, "unknown_type", "type", "type must be one of request, hazard, "
				    "dispute, proxy, opinion, suggestion, onekey");
		goto cleanup;
	}
	if (lx_channel_parse(in->channel) < 0) {
		rc = lx_intake_fail(err, 422, "unknown_channel", "channel", "channel must be one of hotline, web, "
				    "grid_visit, deputy_station, onekey, open311, import, inspection");
		goto cleanup;
	}
	if (in->has_point && !lx_geo_valid_point(in->lat, in->lon)) {
		rc = lx_intake_fail(err, 422, "out_of_range", in->lat < -90 || in->lat > 90 ? "lat" : "lon",
				    "lat must be in [-90, 90] and lon in [-180, 180]");
		goto cleanup;
	}
	if (in->reporter_phone && !lx_phone_ok(in->reporter_phone)) {
		rc = lx_intake_fail(err, 422, "invalid", "reporter.phone", "phone may hold 3-20 digits, + - and spaces");
		goto cleanup;
	}
	/* the reads before the write share one read transaction, ended
	 * before waiting on the writer (an open snapshot holds checkpoints) */
	lx_db_read_begin(r->db);
	if (in->category_code) {
		rc = lx_category_get(r->db, in->category_code, &cat);
		if (rc == LX_NOTFOUND)
			rc = lx_intake_fail(err, 422, "unknown_category", "category_code", "no such category");
		else if (rc == LX_OK)
			has_cat = true;
	}
	struct lx_intake_job job = {.r = r, .in = in, .cat = has_cat ? &cat : NULL, .err = err};
	if (!in->category_code || rc == LX_OK)
		rc = lx_intake_read(r->db, &job);
	lx_db_read_end(r->db);
	if (rc == LX_OK)
		rc = lx_pool_write(r->app->pool, lx_intake_write, &job);
	if (rc == LX_OK) {
		*out = job.c;
		memset(&job.c, 0, sizeof job.c);
	}
	lx_case_clear(&job.c);
	lx_unit_clear(&job.loc);
	lx_unit_clear(&job.duty);
	free(job.terms);
cleanup:
	if (rc != LX_OK && !err->status) {
		err->status = rc == LX_BUSY ? 503 : 500;
		err->code = rc == LX_BUSY ? "unavailable" : "internal";
		snprintf(err->message, sizeof err->message, "%s",
			 rc == LX_BUSY ? "database busy, try again" : "internal error");
	}
	lx_category_clear(&cat);
	return rc == LX_OK ? LX_OK : LX_INVALID;
}

int lx_api_cases_create(lx_req *r)
{
	json_t *body = NULL;
	lx_case c = {0};
	lx_intake in = {0};
	lx_intake_error err;
	bool has_lon = false;
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	if (!lx_req_role(r, LX_ROLE__ALL & ~LX_ROLE_LEADER))
		return lx_reply_error(r, 403, "forbidden", NULL, "leaders read; they do not file cases");
	rc = lx_req_json(r, &body);
	if (rc != LX_OK)
		goto cleanup;
	rc = LX_BADREQ;
	if (!lx_in_str(r, body, "type", true, 16, &in.type) ||
	    !lx_in_str(r, body, "channel", true, 16, &in.channel) ||
	    !lx_in_str(r, body, "category_code", false, 16, &in.category_code) ||
	    !lx_in_str(r, body, "title", true, 100, &in.title) ||
	    !lx_in_str(r, body, "description", true, 4000, &in.description) ||
	    !lx_in_str(r, body, "address", false, 200, &in.address) ||
	    !lx_in_num(r, body, "lat", &in.lat, &in.has_point) || !lx_in_num(r, body, "lon", &in.lon, &has_lon) ||
	    !lx_in_int(r, body, "unit_id", false, &in.unit_id, &in.has_unit) ||
	    !lx_in_bool(r, body, "urgent", &in.urgent, NULL))
		goto cleanup;
	json_t *rep = json_object_get(body, "reporter");
	if (rep && !json_is_null(rep)) {
		if (!json_is_object(rep)) {
			rc = lx_reply_error(r, 400, "bad_type", "reporter", "reporter must be an object");
			goto cleanup;
		}
		if (!lx_in_str(r, rep, "name", false, 32, &in.reporter_name) ||
		    !lx_in_str(r, rep, "phone", false, 20, &in.reporter_phone) ||
		    !lx_in_bool(r, rep, "anonymous", &in.anonymous, NULL))
			goto cleanup;
	}
	if (in.has_point != has_lon) {
		rc = lx_reply_error(r, 422, "invalid", in.has_point ? "lon" : "lat", "lat and lon go together");
		goto cleanup;
	}
	rc = lx_api_intake(r, &in, &c, &err);
	if (rc != LX_OK) {
		rc = lx_reply_error(r, err.status, err.code, err.field, "%s", err.message);
		goto cleanup;
	}
	rc = lx_reply_case(r, 201, &c);
cleanup:
	lx_case_clear(&c);
	json_decref(body);
	return rc;
}

/* ---------------- read ---------------- */

int lx_api_cases_get(lx_req *r)
{
	int64_t id;
	lx_case c;
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such case");
	/* the case, its timeline and tasks from one snapshot */
	lx_db_read_begin(r->db);
	rc = lx_case_get(r->db, r->user.scope, id, &c);
	if (rc == LX_OK) {
		rc = lx_reply_case(r, 200, &c);
		lx_case_clear(&c);
	} else {
		rc = rc == LX_NOTFOUND ? lx_reply_error(r, 404, "not_found", NULL, "no such case")
				       : lx_reply_store_error(r, rc);
	}
	lx_db_read_end(r->db);
	return rc;
}

struct lx_list_ctx {
	lx_req *r;
	lx_jw *w;
	int64_t last_id;
};

static int lx_list_cb(void *arg, const lx_case *c)
{
	struct lx_list_ctx *ctx = arg;
	lx_case_write(ctx->w, ctx->r, c, true);
	lx_jw_close(ctx->w, '}');
	ctx->last_id = c->id;
	return 0;
}

int lx_api_cases_list(lx_req *r)
{
	lx_case_query q;
	lx_buf b;
	lx_jw w;
	struct lx_list_ctx ctx = {.r = r, .w = &w};
	bool more = false;
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	rc = lx_api_case_query_parse(r, 50, 200, &q);
	if (rc != LX_OK)
		return rc;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	lx_jw_open(&w, '{');
	lx_jw_key(&w, "items");
	lx_jw_open(&w, '[');
	/* a page merges several reads (store/repo_cases.c): one snapshot */
	lx_db_read_begin(r->db);
	rc = lx_case_list(r->db, r->user.scope, &q.f, lx_list_cb, &ctx, &more);
	lx_db_read_end(r->db);
	if (rc != LX_OK) {
		lx_buf_free(&b);
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	lx_jw_close(&w, ']');
	lx_jw_key(&w, "next_cursor");
	if (more) {
		char cur[32];
		snprintf(cur, sizeof cur, "%lld", (long long)ctx.last_id);
		lx_jw_str(&w, cur);
	} else {
		lx_jw_null(&w);
	}
	lx_jw_close(&w, '}');
	rc = lx_reply_jw(r, 200, &w);
cleanup:
	lx_api_case_query_clear(&q);
	return rc;
}

/* ---------------- workflow actions ---------------- */

/* Parses the action's own fields and applies it to c; replies on error.
 * `to` is the status the workflow chose. *event_unit receives the unit the
 * event concerns, *note the timeline note (malloc'd). */
static int lx_apply_action(lx_req *r, json_t *body, lx_action act, lx_status to, lx_case *c,
			   int64_t *event_unit, char **note)
{
	const char *s = NULL;
	lx_ms now = lx_now_ms();
	int rc = LX_OK;
	lx_unit u = {0};

	switch (act) {
	case LX_ACT_DISPATCH: {
		int64_t uid = 0;
		const char *n;
		if (!lx_in_int(r, body, "unit_id", true, &uid, NULL) || !lx_in_str(r, body, "note", false, 500, &n))
			return LX_BADREQ;
		rc = lx_unit_get(r->db, r->user.scope, uid, &u);
		if (rc == LX_NOTFOUND)
			return lx_reply_error(r, 422, "unknown_unit", "unit_id", "no such unit in your scope");
		if (rc != LX_OK)
			return lx_reply_store_error(r, rc);
		lx_case_assign(r->db, c, &u, NULL, now);
		*event_unit = u.id;
		*note = n ? lx_xasprintf("派发至%s：%s", u.name, n) : lx_xasprintf("派发至%s", u.name);
		break;
	}
	case LX_ACT_ACCEPT:
		if (!lx_in_str(r, body, "note", false, 500, &s))
			return LX_BADREQ;
		c->accepted_at = now;
		*event_unit = c->handler_unit_id;
		*note = lx_xstrdup(s);
		break;
	case LX_ACT_RETURN:
		if (!lx_in_str(r, body, "reason", true, 500, &s))
			return LX_BADREQ;
		*event_unit = c->handler_unit_id;
		c->handler_unit_id = 0;
		free(c->scope_path);
		c->scope_path = lx_xstrdup(c->unit_path ? c->unit_path : "/");
		c->accepted_at = 0;
		*note = lx_xstrdup(s);
		break;
	case LX_ACT_ESCALATE: {
		lx_unit cur = {0};
		if (!lx_in_str(r, body, "reason", true, 500, &s))
			return LX_BADREQ;
		rc = lx_unit_get(r->db, "/", c->handler_unit_id, &cur);
		if (rc != LX_OK)
			return lx_reply_store_error(r, rc);
		int64_t parent = cur.parent_id;
		lx_unit_clear(&cur);
		if (!parent)
			return lx_reply_error(r, 409, "no_parent", NULL, "the handling unit has no parent to escalate to");
		rc = lx_unit_get(r->db, "/", parent, &u);
		if (rc != LX_OK)
			return lx_reply_store_error(r, rc);
		lx_ms keep_resolve = c->resolve_due_at;
		lx_case_assign(r->db, c, &u, NULL, now);
		c->resolve_due_at = keep_resolve ? keep_resolve : c->resolve_due_at;
		*event_unit = u.id;
		*note = lx_xasprintf("上报至%s：%s", u.name, s);
		break;
	}
	case LX_ACT_ASSIST: {
		json_t *ids = json_object_get(body, "unit_ids"), *e;
		size_t i;
		const char *n;
		if (!lx_in_str(r, body, "note", false, 500, &n))
			return LX_BADREQ;
		if (!json_is_array(ids))
			return lx_reply_error(r, ids ? 400 : 422, ids ? "bad_type" : "required", "unit_ids",
					      "unit_ids must be an array of unit ids");
		if (json_array_size(ids) == 0 || json_array_size(ids) > 20)
			return lx_reply_error(r, 422, "invalid", "unit_ids", "name 1 to 20 assisting units");
		json_array_foreach(ids, i, e) {
			if (!json_is_integer(e))
				return lx_reply_error(r, 400, "bad_type", "unit_ids", "unit_ids must be integers");
			for (size_t k = 0; k < i; k++)
				if (json_integer_value(json_array_get(ids, k)) == json_integer_value(e))
					return lx_reply_error(r, 422, "invalid", "unit_ids", "a unit is named twice");
			if (json_integer_value(e) == c->handler_unit_id)
				return lx_reply_error(r, 422, "invalid", "unit_ids", "the handling unit cannot assist itself");
		}
		lx_buf names;
		lx_buf_init(&names);
		json_array_foreach(ids, i, e) {
			int64_t tid;
			rc = lx_unit_get(r->db, "/", json_integer_value(e), &u);
			if (rc == LX_OK)
				rc = lx_task_insert(r->db, c->id, &u, n, now, &tid);
			if (rc == LX_OK) {
				lx_buf_printf(&names, "%s%s", i ? "、" : "", u.name);
				c->open_tasks++;
			}
			lx_unit_clear(&u);
			if (rc != LX_OK) {
				lx_buf_free(&names);
				if (rc == LX_NOTFOUND)
					return lx_reply_error(r, 422, "unknown_unit", "unit_ids", "no such unit");
				return lx_reply_store_error(r, rc);
			}
		}
		*note = n ? lx_xasprintf("请%s协办：%s", names.data, n) : lx_xasprintf("请%s协办", names.data);
		lx_buf_free(&names);
		*event_unit = c->handler_unit_id;
		break;
	}
	case LX_ACT_RESOLVE:
		if (!lx_in_str(r, body, "reply", true, 2000, &s))
			return LX_BADREQ;
		free(c->reply);
		c->reply = lx_xstrdup(s);
		c->resolved_at = now;
		*event_unit = c->handler_unit_id;
		*note = lx_xstrdup(s);
		break;
	case LX_ACT_RATE: {
		/* validated before the decision; see lx_api_cases_action */
		const char *rating = json_string_value(json_object_get(body, "rating"));
		bool solved = json_is_true(json_object_get(body, "solved"));
		const char *n;
		if (!lx_in_str(r, body, "note", false, 500, &n))
			return LX_BADREQ;
		snprintf(c->rating, sizeof c->rating, "%s", rating);
		c->solved = solved;
		c->rated_at = now;
		if (to == LX_ST_CLOSED)
			c->closed_at = now;
		*note = lx_xasprintf("%s，%s%s%s", strcmp(rating, "satisfied") == 0 ? "满意"
						   : strcmp(rating, "basic") == 0 ? "基本满意" : "不满意",
				     solved ? "已解决" : "未解决", n ? "：" : "", n ? n : "");
		*event_unit = c->handler_unit_id;
		break;
	}
	case LX_ACT_REOPEN:
		if (!lx_in_str(r, body, "reason", true, 500, &s))
			return LX_BADREQ;
		*note = lx_xstrdup(s);
		*event_unit = c->handler_unit_id;
		break;
	case LX_ACT_CLOSE:
		if (!lx_in_str(r, body, "note", false, 500, &s))
			return LX_BADREQ;
		c->closed_at = now;
		*note = lx_xstrdup(s);
		*event_unit = c->handler_unit_id;
		break;
	case LX_ACT_SUPERVISE:
		if (!lx_in_str(r, body, "note", true, 500, &s))
			return LX_BADREQ;
		c->supervised++;
		*note = lx_xstrdup(s);
		*event_unit = c->handler_unit_id;
		break;
	case LX_ACT_COMMENT:
		if (!lx_in_str(r, body, "note", true, 2000, &s))
			return LX_BADREQ;
		*note = lx_xstrdup(s);
		*event_unit = c->handler_unit_id;
		break;
	default:
		assert(0);
	}
	/* A reopened case is back with its handling unit as a new dispatch. */
	if (to == LX_ST_REOPENED && c->handler_unit_id) {
		lx_unit h = {0};
		rc = lx_unit_get(r->db, "/", c->handler_unit_id, &h);
		if (rc != LX_OK)
			return lx_reply_store_error(r, rc);
		lx_case_assign(r->db, c, &h, NULL, now);
		lx_unit_clear(&h);
		c->resolved_at = 0;
		c->closed_at = 0;
	}
	lx_unit_clear(&u);
	snprintf(c->status, sizeof c->status, "%s", lx_status_name(to));
	c->updated_at = now;
	return LX_OK;
}

int lx_api_cases_action(lx_req *r)
{
	json_t *body = NULL;
	lx_case c = {0};
	int64_t id, version = 0;
	bool has_version, in_tx = false;
	char *note = NULL;
	int64_t event_unit = 0;
	lx_wf_input in = {0};
	lx_status to;
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	int act = lx_action_parse(r->params[1]);
	if (!lx_req_id(r, 0, &id) || act < 0)
		return lx_reply_error(r, 404, "not_found", NULL, "no such case or action");
	if (r->body.len || r->too_large) {
		rc = lx_req_json(r, &body);
		if (rc != LX_OK)
			return rc;
	} else {
		body = json_object();
	}
	if (!lx_in_int(r, body, "version", false, &version, &has_version)) {
		rc = LX_BADREQ;
		goto cleanup;
	}
	if (act == LX_ACT_RATE) {
		const char *rating;
		json_t *solved = json_object_get(body, "solved");
		if (!lx_in_str(r, body, "rating", true, 16, &rating)) {
			rc = LX_BADREQ;
			goto cleanup;
		}
		if (lx_rating_parse(rating) < 0) {
			rc = lx_reply_error(r, 422, "unknown_rating", "rating", "rating must be satisfied, basic or unsatisfied");
			goto cleanup;
		}
		if (!solved || json_is_null(solved)) {
			rc = lx_reply_error(r, 422, "required", "solved", "solved is required");
			goto cleanup;
		}
		if (!json_is_boolean(solved)) {
			rc = lx_reply_error(r, 400, "bad_type", "solved", "solved must be true or false");
			goto cleanup;
		}
		in.rating = (lx_rating)lx_rating_parse(rating);
		in.solved = json_is_true(solved);
	}
	rc = lx_db_begin(r->db, true);
	if (rc != LX_OK) {
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	in_tx = true;
	rc = lx_case_get(r->db, r->user.scope, id, &c);
	if (rc != LX_OK) {
		rc = rc == LX_NOTFOUND ? lx_reply_error(r, 404, "not_found", NULL, "no such case")
				       : lx_reply_store_error(r, rc);
		goto cleanup;
	}
	if (has_version && version != c.version) {
		rc = lx_reply_error(r, 409, "stale_version", "version",
				    "the case changed since version %lld (now %lld)", (long long)version,
				    (long long)c.version);
		goto cleanup;
	}
	lx_rating keep_rating = in.rating;
	bool keep_solved = in.solved;
	lx_wf_input_for(r, &c, &in);
	in.rating = keep_rating;
	in.solved = keep_solved;
	rc = lx_wf_decide((lx_action)act, &in, &to);
	if (rc == LX_FORBIDDEN) {
		rc = lx_reply_error(r, 403, "forbidden", NULL, "you may not %s this case", lx_action_name((lx_action)act));
		goto cleanup;
	}
	if (rc == LX_CONFLICT) {
		if (act == LX_ACT_RESOLVE && in.open_tasks && strcmp(c.status, "accepted") == 0)
			rc = lx_reply_error(r, 409, "tasks_open", NULL, "assisting units have not finished");
		else
			rc = lx_reply_error(r, 409, "illegal_transition", NULL, "cannot %s a case that is %s",
					    lx_action_name((lx_action)act), c.status);
		goto cleanup;
	}
	const char *from = lx_status_name(in.status);
	int64_t expected = c.version;
	rc = lx_apply_action(r, body, (lx_action)act, to, &c, &event_unit, &note);
	if (rc != LX_OK)
		goto cleanup;
	rc = lx_case_update(r->db, &c, expected);
	if (rc == LX_CONFLICT) {
		rc = lx_reply_error(r, 409, "stale_version", "version", "the case changed meanwhile; reload it");
		goto cleanup;
	}
	if (rc == LX_OK)
		rc = lx_case_event(r->db, c.id, c.updated_at, r->user.id, lx_action_name((lx_action)act), from,
				   c.status, event_unit, note);
	if (rc == LX_OK)
		rc = lx_db_commit(r->db);
	in_tx = false;
	if (rc != LX_OK) {
		lx_db_rollback(r->db);
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	rc = lx_reply_case(r, 200, &c);
cleanup:
	if (in_tx)
		lx_db_rollback(r->db);
	free(note);
	lx_case_clear(&c);
	json_decref(body);
	return rc;
}

int lx_api_cases_task_done(lx_req *r)
{
	json_t *body = NULL;
	lx_case c = {0};
	int64_t id, task_id, unit_id = 0;
	const char *note = NULL;
	bool in_tx = false;
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	if (!lx_req_id(r, 0, &id) || !lx_req_id(r, 1, &task_id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such case or task");
	if (!lx_req_role(r, LX_ROLE_ADMIN | LX_ROLE_HANDLER | LX_ROLE_GRID_WORKER))
		return lx_reply_error(r, 403, "forbidden", NULL, "only handlers finish assist tasks");
	if (r->body.len || r->too_large) {
		rc = lx_req_json(r, &body);
		if (rc != LX_OK)
			return rc;
		if (!lx_in_str(r, body, "note", false, 2000, &note)) {
			rc = LX_BADREQ;
			goto cleanup;
		}
	}
	rc = lx_db_begin(r->db, true);
	if (rc != LX_OK) {
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	in_tx = true;
	rc = lx_case_get(r->db, r->user.scope, id, &c);
	if (rc == LX_OK && strcmp(c.status, "accepted") != 0)
		rc = LX_CONFLICT;
	if (rc == LX_OK)
		rc = lx_task_done(r->db, r->user.scope, id, task_id, r->user.id, lx_now_ms(), &unit_id);
	if (rc == LX_NOTFOUND) {
		rc = lx_reply_error(r, 404, "not_found", NULL, "no such task in your scope");
		goto cleanup;
	}
	if (rc == LX_CONFLICT) {
		rc = lx_reply_error(r, 409, "illegal_transition", NULL, "the task is done or the case is not in hand");
		goto cleanup;
	}
	lx_ms now = lx_now_ms();
	c.updated_at = now;
	if (rc == LX_OK)
		rc = lx_case_update(r->db, &c, c.version);
	if (rc == LX_OK)
		rc = lx_case_event(r->db, id, now, r->user.id, "assist_done", c.status, c.status, unit_id, note);
	if (rc == LX_OK)
		rc = lx_db_commit(r->db);
	in_tx = false;
	if (rc != LX_OK) {
		lx_db_rollback(r->db);
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	c.open_tasks--;
	rc = lx_reply_case(r, 200, &c);
cleanup:
	if (in_tx)
		lx_db_rollback(r->db);
	lx_case_clear(&c);
	json_decref(body);
	return rc;
}
