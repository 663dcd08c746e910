/*
 * cases.c - intake, reading and listing of cases.
 *
 * An intake reads first (the location, the duty list's unit, the search
 * terms: on the request's own connection), then writes in a write job: the
 * engine starts the case, the duty list dispatches it, and it is inserted
 * once with its events (flow/: lx_flow_create). Every later change is a
 * workflow action (case_action.c). Shaping is case_json.c.
 */
#include "api.h"
#include "flow.h"
#include "geo.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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


/* An intake: the read half (lx_api_intake_prepare, on the request's
 * thread) and the write half (lx_api_intake_write, a write job's work). */
struct lx_intake_job {
	lx_req *r;
	const lx_intake *in;
	lx_category cat;        /* loaded when has_cat */
	bool has_cat;
	lx_intake_error *err;
	lx_unit loc, duty;      /* where it is, who the duty list names */
	bool has_loc, has_duty;
	char *terms;            /* search terms of title and description */
	lx_case c;              /* the written case (out) */
};

void lx_api_intake_free(void *p)
{
	struct lx_intake_job *job = p;
	if (!job)
		return;
	lx_category_clear(&job->cat);
	lx_unit_clear(&job->loc);
	lx_unit_clear(&job->duty);
	free(job->terms);
	lx_case_clear(&job->c);
	free(job);
}

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
			rc = lx_flow_fail(job->err, 422, "unknown_unit", "unit_id", "no such unit in your scope");
			goto cleanup;
		}
	} else if (in->has_point) {
		rc = lx_api_locate_point(db, in->lat, in->lon, &loc);
		/* the point decides the unit as unit_id would: inside the scope */
		if (rc == LX_OK && !lx_scope_contains(r->user.scope, loc.path)) {
			rc = lx_flow_fail(job->err, 422, "out_of_scope", "lat",
					  "the point lies outside your grid: file it with the unit it lies in");
			goto cleanup;
		}
		if (rc == LX_NOTFOUND && r->user.unit_id)
			rc = lx_unit_get(db, "/", r->user.unit_id, &loc);
	} else if (r->user.unit_id) {
		rc = lx_unit_get(db, "/", r->user.unit_id, &loc);
	} else {
		rc = LX_NOTFOUND;
	}
	/* a case nobody can place (an Open311 point outside every unit) is the
	 * district desk's: in its `new` list, not the admin's alone */
	if (rc == LX_NOTFOUND && !r->user.unit_id)
		rc = lx_unit_desk(db, r->app->desk_unit_id, &loc);
	if (rc == LX_OK)
		job->has_loc = true;
	else if (rc != LX_NOTFOUND)
		goto cleanup;
	job->loc = loc;
	memset(&loc, 0, sizeof loc);
	rc = LX_OK;
	if (job->has_cat) {
		rc = lx_flow_duty_unit(db, &job->cat, job->has_loc ? &job->loc : NULL, &job->duty);
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

/* The write half: a flow context for the caller, the case built from the
 * intake, the engine's create (with the duty list's dispatch), the
 * channel's own writes, and a repeat call merged into its master. */
int lx_api_intake_write(lx_db *db, lx_intake_job *job)
{
	lx_req *r = job->r;
	const lx_intake *in = job->in;
	lx_case *c = &job->c;
	lx_flow_error ferr = {0};
	int rc;

	lx_flow_actor who = {r->user.id, r->user.roles, r->user.scope, false};
	lx_flow_ctx *x = lx_flow_ctx_new(db, &who, lx_now_ms(), r->app->tz_offset_min);
	if (job->has_cat)
		lx_flow_category_put(x, &job->cat);
	memset(c, 0, sizeof *c);
	snprintf(c->type, sizeof c->type, "%s", in->type);
	snprintf(c->channel, sizeof c->channel, "%s", in->channel);
	c->category_code = lx_xstrdup(in->category_code);
	c->title = lx_xstrdup(in->title);
	c->description = lx_xstrdup(in->description);
	c->address = lx_xstrdup(in->address);
	c->has_point = in->has_point;
	c->lat = in->lat;
	c->lon = in->lon;
	c->unit_id = job->has_loc ? job->loc.id : 0;
	c->unit_path = job->has_loc ? lx_xstrdup(job->loc.path) : NULL;
	c->scope_path = lx_xstrdup(job->has_loc ? job->loc.path : "/");
	c->urgent = in->urgent;
	c->reporter_name = lx_xstrdup(in->reporter_name);
	c->reporter_phone = lx_xstrdup(in->reporter_phone);
	c->reporter_anonymous = in->anonymous;
	c->created_by = r->user.id;
	c->solved = -1;
	rc = lx_flow_create(x, c, job->terms, job->has_duty ? &job->duty : NULL, &ferr);
	if (rc == LX_OK && in->after)
		rc = in->after(db, c, in->after_arg);
	if (rc == LX_OK && in->repeat_of) {
		/* the desk records a repeat call: the new case joins its master */
		lx_flow_input mi = {.into_id = in->repeat_of, .note = "来电人再次反映同一问题，记为重复来电"};
		rc = lx_flow_apply(x, c, "merge", &mi, NULL, &ferr);
		if (ferr.field && strcmp(ferr.field, "into_id") == 0)
			ferr.field = "repeat_of";
	}
	if (rc != LX_OK && ferr.status)
		*job->err = ferr;
	lx_flow_ctx_free(x);
	return rc;
}

/* A 422 naming the allowed values (a NULL-terminated list). */
static int lx_fail_one_of(lx_intake_error *err, const char *code, const char *field, const char *const *names)
{
	lx_buf b;
	lx_buf_init(&b);
	for (const char *const *n = names; *n; n++)
		lx_buf_printf(&b, "%s%s", n == names ? "" : ", ", *n);
	int rc = lx_flow_fail(err, 422, code, field, "%s must be one of %s", field, b.data);
	lx_buf_free(&b);
	return rc;
}

/* Checks what needs no database, then reads (one read transaction, ended
 * before the write so it does not hold back checkpoints). */
int lx_api_intake_prepare(lx_req *r, const lx_intake *in, lx_intake_job **out, lx_intake_error *err)
{
	int rc = LX_OK;
	struct lx_intake_job *job = lx_xcalloc(1, sizeof *job);
	*out = job;
	memset(err, 0, sizeof *err);
	job->r = r;
	job->in = in;
	job->err = err;
	if (!lx_flow_type_known(in->type))
		return lx_fail_one_of(err, "unknown_type", "type", lx_flow_types());
	if (lx_channel_parse(in->channel) < 0)
		return lx_fail_one_of(err, "unknown_channel", "channel", lx_channel_names);
	if (in->has_point && !lx_geo_valid_point(in->lat, in->lon))
		return lx_flow_fail(err, 422, "out_of_range", in->lat < -90 || in->lat > 90 ? "lat" : "lon",
				      "lat must be in [-90, 90] and lon in [-180, 180]");
	if (in->reporter_phone && !lx_phone_ok(in->reporter_phone))
		return lx_flow_fail(err, 422, "invalid", "reporter.phone", "phone may hold 3-20 digits, + - and spaces");
	lx_db_read_begin(r->db);
	if (in->category_code) {
		rc = lx_category_get(r->db, in->category_code, &job->cat);
		if (rc == LX_NOTFOUND)
			rc = lx_flow_fail(err, 422, "unknown_category", "category_code", "no such category");
		else if (rc == LX_OK)
			job->has_cat = true;
	}
	if (rc == LX_OK)
		rc = lx_intake_read(r->db, job);
	lx_db_read_end(r->db);
	return rc;
}

/* ---------------- POST /api/v1/cases ---------------- */

/* The body: lx_intake's fields, with the reporter as an object. */
struct lx_intake_body {
	lx_intake in;
	bool has_lon;
	lx_intake_error err;
};

static int lx_intake_check(const void *out, lx_schema_error *err)
{
	const struct lx_intake_body *b = out;
	if (b->in.has_point != b->has_lon)
		return lx_schema_fail(err, 422, "invalid", b->in.has_point ? "lon" : "lat", "lat and lon go together");
	return LX_OK;
}

#define IB struct lx_intake_body
static const lx_field lx_reporter_fields[] = {
	{.name = "name", .type = LX_F_STR, .off = offsetof(IB, in.reporter_name), .max = 32},
	{.name = "phone", .type = LX_F_STR, .off = offsetof(IB, in.reporter_phone), .max = 20},
	{.name = "anonymous", .type = LX_F_BOOL, .off = offsetof(IB, in.anonymous),
	 .doc = "the reporter's name and phone are hidden from handlers"},
	LX_FIELD_END,
};
static const lx_schema lx_reporter_schema = {"reporter", lx_reporter_fields, NULL, 0};
static const lx_field lx_intake_fields[] = {
	{.name = "type", .type = LX_F_STR, .off = offsetof(IB, in.type), .required = true, .max = 16,
	 .doc = "a case type (GET /api/v1/workflows)"},
	{.name = "channel", .type = LX_F_STR, .off = offsetof(IB, in.channel), .required = true, .max = 16},
	{.name = "category_code", .type = LX_F_STR, .off = offsetof(IB, in.category_code), .max = 16},
	{.name = "title", .type = LX_F_STR, .off = offsetof(IB, in.title), .required = true, .max = 100},
	{.name = "description", .type = LX_F_STR, .off = offsetof(IB, in.description), .required = true, .max = 4000},
	{.name = "address", .type = LX_F_STR, .off = offsetof(IB, in.address), .max = 200},
	{.name = "lat", .type = LX_F_NUM, .off = offsetof(IB, in.lat), .tracked = true,
	 .has_off = offsetof(IB, in.has_point)},
	{.name = "lon", .type = LX_F_NUM, .off = offsetof(IB, in.lon), .tracked = true, .has_off = offsetof(IB, has_lon)},
	{.name = "unit_id", .type = LX_F_INT, .off = offsetof(IB, in.unit_id), .tracked = true,
	 .has_off = offsetof(IB, in.has_unit), .doc = "where it is, when not located from lat/lon"},
	{.name = "urgent", .type = LX_F_BOOL, .off = offsetof(IB, in.urgent)},
	{.name = "reporter", .type = LX_F_OBJECT, .sub = &lx_reporter_schema},
	{.name = "repeat_of", .type = LX_F_INT, .off = offsetof(IB, in.repeat_of),
	 .doc = "the desk records a repeat call: the new case is merged into this one"},
	LX_FIELD_END,
};
const lx_schema lx_intake_schema = {"intake", lx_intake_fields, lx_intake_check, sizeof(IB)};

int lx_api_cases_create_read(lx_req *r)
{
	struct lx_intake_body *b = r->in;
	lx_intake_job *job;
	int rc = lx_api_intake_prepare(r, &b->in, &job, &b->err);
	r->state = job;
	r->state_free = lx_api_intake_free;
	return rc == LX_OK ? LX_OK : lx_reply_flow_error(r, &b->err, rc);
}

const lx_case *lx_api_intake_case(const lx_intake_job *job)
{
	return &job->c;
}

int lx_api_cases_create(lx_req *r)
{
	struct lx_intake_body *b = r->in;
	int rc = lx_api_intake_write(r->db, r->state);
	return rc == LX_OK ? LX_OK : lx_reply_flow_error(r, &b->err, rc);
}

int lx_api_cases_create_reply(lx_req *r)
{
	return lx_api_reply_case(r, 201, lx_api_intake_case(r->state));
}

/* ---------------- read ---------------- */

int lx_api_cases_get(lx_req *r)
{
	int64_t id;
	lx_case c;
	int rc;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such case");
	/* the case, its timeline and tasks from one snapshot */
	lx_db_read_begin(r->db);
	rc = lx_case_get(r->db, r->user.scope, id, &c);
	if (rc == LX_OK) {
		rc = lx_api_reply_case(r, 200, &c);
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
	lx_api_case_write(ctx->w, ctx->r, c, true);
	lx_jw_close(ctx->w, '}');
	ctx->last_id = c->id;
	return 0;
}

void lx_api_list_open(lx_buf *b, lx_jw *w)
{
	lx_buf_init(b);
	lx_jw_init(w, b);
	lx_jw_open(w, '{');
	lx_jw_key(w, "items");
	lx_jw_open(w, '[');
}

int lx_api_list_reply(lx_req *r, lx_jw *w, bool more, int64_t last)
{
	lx_jw_close(w, ']');
	lx_jw_key(w, "next_cursor");
	if (more) {
		char cur[32];
		snprintf(cur, sizeof cur, "%lld", (long long)last);
		lx_jw_str(w, cur);
	} else {
		lx_jw_null(w);
	}
	lx_jw_close(w, '}');
	return lx_reply_jw(r, 200, w);
}

int lx_api_cases_list(lx_req *r)
{
	lx_case_query q;
	lx_buf b;
	lx_jw w;
	struct lx_list_ctx ctx = {.r = r, .w = &w};
	bool more = false;
	int rc = lx_api_case_query_parse(r, 50, 200, &q);
	if (rc != LX_OK)
		return rc;
	lx_api_list_open(&b, &w);
	/* a page merges several reads (store/repo_cases.c): one snapshot */
	lx_db_read_begin(r->db);
	rc = lx_case_list(r->db, r->user.scope, &q.f, lx_list_cb, &ctx, &more);
	lx_db_read_end(r->db);
	if (rc != LX_OK) {
		lx_buf_free(&b);
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	rc = lx_api_list_reply(r, &w, more, ctx.last_id);
cleanup:
	lx_api_case_query_clear(&q);
	return rc;
}

