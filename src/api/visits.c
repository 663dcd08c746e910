/*
 * visits.c - the grid worker's day: the due list (GET /api/v1/visits/due,
 * overdue first, then nearest to ?lat=&lon= or longest due), a visit
 * recorded (POST /api/v1/visits: a resend with the same client_uuid is
 * answered 200 with the stored visit), and visits read back (GET
 * /api/v1/visits, GET /api/v1/visits/{id}).
 */
#include "field.h"
#include "geo.h"
#include "registry_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------- the due list ---------------- */

typedef struct lx_due {
	int64_t plan_id, form_id;
	char *plan_name;
	lx_target t;
	lx_ms due_since;
	bool overdue;
	double distance_m;   /* < 0: unknown */
} lx_due;

struct lx_due_ctx {
	lx_req *r;
	lx_due *items;
	size_t n, cap, max;
	bool capped;
	bool has_point;
	double lat, lon;
	const lx_plan *plan;
	lx_period_bounds b;
	int rc;
};

/* Every due target is read and sorted before the page is cut, so that the
 * first entries are the overdue and the nearest of all, not of the first
 * rows read; LX_DUE_CAP bounds what one list holds (a district's admin). */
#define LX_DUE_CAP 20000

static int lx_due_target(void *arg, lx_target *t)
{
	struct lx_due_ctx *d = arg;
	if (d->n == LX_DUE_CAP) {
		d->capped = true;
		return 1;
	}
	if (d->n == d->cap)
		d->items = lx_xrealloc(d->items, (d->cap = d->cap ? d->cap * 2 : 64) * sizeof *d->items);
	lx_due *e = &d->items[d->n++];
	memset(e, 0, sizeof *e);
	e->plan_id = d->plan->id;
	e->form_id = d->plan->form_id;
	e->plan_name = lx_xstrdup(d->plan->name);
	e->t = *t; /* its strings are the entry's now */
	memset(t, 0, sizeof *t);
	lx_target_due(d->plan, &e->t, &d->b, d->r->app->tz_offset_min, &e->due_since, &e->overdue);
	e->distance_m = d->has_point && e->t.has_point ? lx_geo_distance_m(d->lat, d->lon, e->t.lat, e->t.lon) : -1;
	return 0;
}

static int lx_due_plan(void *arg, const lx_plan *p)
{
	struct lx_due_ctx *d = arg;
	lx_req *r = d->r;
	lx_ms now = lx_now_ms();
	bool named = false;
	for (size_t i = 0; i < json_array_size(p->workers); i++)
		named |= json_integer_value(json_array_get(p->workers, i)) == r->user.id;
	/* a plan with named workers is theirs; else each grid's own people's */
	if ((json_array_size(p->workers) && !named) || p->starts_at > now || (p->ends_at && p->ends_at <= now))
		return 0;
	const char *in = named || lx_scope_contains(r->user.scope, p->unit_path) ? p->unit_path : r->user.scope;
	d->plan = p;
	d->b = lx_plan_bounds(p, now, r->app->tz_offset_min);
	d->rc = lx_targets_due_each(r->db, p->id, p->target_kind, in, &d->b, now, lx_due_target, d);
	return d->rc != LX_OK || d->capped;
}

static int lx_due_cmp(const void *a, const void *b)
{
	const lx_due *x = a, *y = b;
	if (x->overdue != y->overdue)
		return x->overdue ? -1 : 1;
	if ((x->distance_m >= 0) != (y->distance_m >= 0))
		return x->distance_m >= 0 ? -1 : 1;
	if (x->distance_m >= 0 && x->distance_m != y->distance_m)
		return x->distance_m < y->distance_m ? -1 : 1;
	if (x->due_since != y->due_since)
		return x->due_since < y->due_since ? -1 : 1;
	return x->t.id < y->t.id ? -1 : x->t.id > y->t.id;
}

static void lx_due_write(lx_jw *w, lx_req *r, const lx_due *e)
{
	lx_jw_open(w, '{');
	lx_jw_key(w, "plan_id");
	lx_jw_id(w, e->plan_id);
	lx_jw_key(w, "plan_name");
	lx_jw_str(w, e->plan_name);
	lx_jw_key(w, "form_id");
	lx_jw_id(w, e->form_id);
	lx_jw_key(w, "target");
	lx_jw_open(w, '{');
	lx_jw_key(w, "kind");
	lx_jw_str(w, e->t.kind);
	lx_jw_key(w, "id");
	lx_jw_id(w, e->t.id);
	lx_jw_key(w, "name");
	lx_jw_str(w, e->t.name);
	lx_jw_key(w, "address");
	lx_jw_str(w, e->t.address);
	lx_jw_key(w, "unit_id");
	lx_jw_id(w, e->t.unit_id);
	lx_jw_key(w, "lat");
	e->t.has_point ? lx_jw_real(w, e->t.lat) : lx_jw_null(w);
	lx_jw_key(w, "lon");
	e->t.has_point ? lx_jw_real(w, e->t.lon) : lx_jw_null(w);
	lx_jw_close(w, '}');
	lx_jw_key(w, "due_since");
	lx_jw_time(w, e->due_since, r->app->tz_offset_min);
	lx_jw_key(w, "overdue");
	lx_jw_bool(w, e->overdue);
	lx_jw_key(w, "followup");
	lx_jw_str(w, e->t.followup);
	lx_jw_key(w, "last_outcome");
	lx_jw_str(w, e->t.last_outcome);
	lx_jw_key(w, "distance_m");
	e->distance_m >= 0 ? lx_jw_int(w, (int64_t)llround(e->distance_m)) : lx_jw_null(w);
	lx_jw_close(w, '}');
}

/* lat and lon, both or neither; replies on error. */
static int lx_point_args_or_reply(lx_req *r, bool *has, double *lat, double *lon)
{
	const char *a = lx_req_arg(r, "lat"), *b = lx_req_arg(r, "lon");
	*has = false;
	if ((!a || !*a) && (!b || !*b))
		return LX_OK;
	if (!a || !b || !lx_parse_decimal(a, lat) || !lx_parse_decimal(b, lon) || !lx_geo_valid_point(*lat, *lon))
		return lx_reply_error(r, 400, "bad_parameter", "lat", "lat and lon are a point, given together");
	*has = true;
	return LX_OK;
}

int lx_api_visits_due(lx_req *r)
{
	int64_t limit = 0;
	struct lx_due_ctx d = {.r = r};
	if (!lx_query_posint_or_reply(r, "limit", 2000, &limit))
		return LX_BADREQ;
	int rc = lx_point_args_or_reply(r, &d.has_point, &d.lat, &d.lon);
	if (rc != LX_OK)
		return rc;
	d.max = (size_t)(limit ? limit : 500);
	/* one snapshot: the due targets, then the page's names */
	lx_db_read_begin(r->db);
	rc = lx_plans_each(r->db, r->user.scope, r->user.id, true, lx_due_plan, &d);
	if (rc == LX_OK)
		rc = d.rc;
	if (rc == LX_OK)
		qsort(d.items, d.n, sizeof *d.items, lx_due_cmp);
	for (size_t i = 0; rc == LX_OK && i < d.n && i < d.max; i++) {
		rc = lx_target_details(r->db, &d.items[i].t);
		if (rc == LX_NOTFOUND)
			rc = LX_OK;
	}
	lx_db_read_end(r->db);
	if (rc == LX_OK) {
		lx_buf b;
		lx_jw w;
		lx_api_list_open(&b, &w);
		for (size_t i = 0; i < d.n && i < d.max; i++)
			lx_due_write(&w, r, &d.items[i]);
		lx_jw_close(&w, ']');
		lx_jw_key(&w, "total");
		lx_jw_int(&w, (int64_t)d.n);
		lx_jw_key(&w, "truncated");
		lx_jw_bool(&w, d.n > d.max || d.capped);
		lx_jw_close(&w, '}');
		rc = lx_reply_jw(r, 200, &w);
	} else {
		rc = lx_reply_store_error(r, rc);
	}
	for (size_t i = 0; i < d.n; i++) {
		free(d.items[i].plan_name);
		lx_target_clear(&d.items[i].t);
	}
	free(d.items);
	return rc;
}

/* ---------------- a visit ---------------- */

static const char *const lx_kinds[] = {"resident", "household", "place", NULL};
static const char *const lx_outcome_names[] = {"home", "not_home", "refused", NULL};

struct lx_visit_body {
	int64_t plan_id, target_id, form_version;
	int kind, outcome;
	json_t *answers;
	const char *client_uuid;
	double lat, lon;
	bool has_lat, has_lon;
	lx_ms visited_at;
	bool has_visited_at;
};
#define VB struct lx_visit_body
static const lx_field lx_visit_target_fields[] = {
	{.name = "kind", .type = LX_F_ENUM, .off = offsetof(VB, kind), .required = true, .values = lx_kinds},
	{.name = "id", .type = LX_F_INT, .off = offsetof(VB, target_id), .required = true, .min = 1, .max = 1e15},
	LX_FIELD_END,
};
static const lx_schema lx_visit_target_schema = {"visit_target", lx_visit_target_fields, NULL, 0};
static const lx_field lx_visit_fields[] = {
	LX_FIELD(VB, plan_id, LX_F_INT, .required = true, .min = 1, .max = 1e15),
	{.name = "target", .type = LX_F_OBJECT, .required = true, .sub = &lx_visit_target_schema},
	LX_FIELD(VB, outcome, LX_F_ENUM, .required = true, .values = lx_outcome_names, .code = "unknown_outcome"),
	LX_FIELD(VB, answers, LX_F_JSON, .doc = "question name -> answer (checked at home only)"),
	LX_FIELD(VB, client_uuid, LX_F_STR, .required = true, .max = 36,
		 .doc = "the phone's id of this visit (a UUID): a resend is stored once"),
	LX_FIELD_HAS(VB, lat, LX_F_NUM, .min = -90, .max = 90),
	LX_FIELD_HAS(VB, lon, LX_F_NUM, .min = -180, .max = 180),
	LX_FIELD_HAS(VB, visited_at, LX_F_TIME, .doc = "when it happened (a visit sent later); default now"),
	LX_FIELD(VB, form_version, LX_F_INT, .min = 1, .max = 1e6, .doc = "the form version shown (default current)"),
	LX_FIELD_END,
};
const lx_schema lx_visit_schema = {"visit", lx_visit_fields, NULL, sizeof(VB)};

/* 8 to 36 letters, digits and dashes: a UUID, or the like. */
static bool lx_uuid_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 8 || n > 36)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '-'))
			return false;
	return true;
}

void lx_api_visit_write(lx_jw *w, lx_req *r, const lx_visit *v)
{
	lx_jw_open(w, '{');
	lx_jw_key(w, "id");
	lx_jw_id(w, v->id);
	lx_jw_key(w, "client_uuid");
	lx_jw_str(w, v->client_uuid);
	lx_jw_key(w, "plan_id");
	lx_jw_id(w, v->plan_id);
	lx_jw_key(w, "form_id");
	lx_jw_id(w, v->form_id);
	lx_jw_key(w, "form_version");
	lx_jw_int(w, v->form_version);
	lx_jw_key(w, "target");
	lx_jw_open(w, '{');
	lx_jw_key(w, "kind");
	lx_jw_str(w, v->target_kind);
	lx_jw_key(w, "id");
	lx_jw_id(w, v->target_id);
	lx_jw_close(w, '}');
	lx_jw_key(w, "unit_id");
	lx_jw_id(w, v->unit_id);
	lx_jw_key(w, "worker_id");
	lx_jw_id(w, v->worker_id);
	lx_jw_key(w, "outcome");
	lx_jw_str(w, v->outcome);
	lx_jw_key(w, "answers");
	lx_jw_raw(w, v->answers, "{}");
	lx_jw_key(w, "lat");
	v->has_point ? lx_jw_real(w, v->lat) : lx_jw_null(w);
	lx_jw_key(w, "lon");
	v->has_point ? lx_jw_real(w, v->lon) : lx_jw_null(w);
	lx_jw_key(w, "visited_at");
	lx_jw_time(w, v->visited_at, r->app->tz_offset_min);
	lx_jw_key(w, "hazards");
	lx_jw_open(w, '[');
	for (size_t i = 0; i < json_array_size(v->hazards); i++)
		lx_jw_id(w, json_integer_value(json_array_get(v->hazards, i)));
	lx_jw_close(w, ']');
	lx_jw_close(w, '}');
}

/* The body's checks that need no database; replies on error. */
static int lx_visit_body_or_reply(lx_req *r, const VB *b)
{
	lx_ms now = lx_now_ms();
	if (!lx_uuid_ok(b->client_uuid))
		return lx_reply_error(r, 422, "invalid", "client_uuid", "client_uuid is a UUID (8-36 letters, digits, -)");
	if (b->has_lat != b->has_lon)
		return lx_reply_error(r, 422, "invalid", b->has_lat ? "lon" : "lat", "lat and lon come together");
	if (b->answers && !json_is_object(b->answers))
		return lx_reply_error(r, 400, "bad_type", "answers", "answers is an object of question names");
	/* a phone's clock may be a little ahead; a visit kept offline for
	 * weeks (a village without a signal) is taken, anything older than a
	 * quarter is a wrong clock */
	if (b->has_visited_at && (b->visited_at > now + 10 * 60000 || b->visited_at < now - 92 * LX_DAY_MS))
		return lx_reply_error(r, 422, "invalid", "visited_at", "visited_at lies in the future or over three months back");
	return LX_OK;
}

int lx_api_visits_create(lx_req *r)
{
	const VB *b = r->in;
	lx_flow_error err = {0};
	lx_visit v = {0};
	bool replayed = false;
	int rc = lx_visit_body_or_reply(r, b);
	if (rc != LX_OK)
		return rc;
	lx_visit_in in = {.plan_id = b->plan_id, .target_kind = lx_kinds[b->kind], .target_id = b->target_id,
			  .outcome = lx_outcome_names[b->outcome], .answers = b->answers, .client_uuid = b->client_uuid,
			  .has_point = b->has_lat, .lat = b->lat, .lon = b->lon,
			  .visited_at = b->has_visited_at ? b->visited_at : 0, .form_version = b->form_version};
	lx_ms now = lx_now_ms();
	lx_flow_actor who = {r->user.id, r->user.roles, r->user.scope, false};
	lx_flow_ctx *x = lx_flow_ctx_new(r->db, &who, now, r->app->tz_offset_min);
	rc = lx_visit_record(x, r->db, &who, now, r->app->tz_offset_min, &in, &v, &replayed, &err);
	lx_flow_ctx_free(x);
	if (rc == LX_OK) {
		lx_buf buf;
		lx_jw w;
		lx_buf_init(&buf);
		lx_jw_init(&w, &buf);
		lx_api_visit_write(&w, r, &v);
		rc = lx_reply_jw(r, replayed ? 200 : 201, &w);
	} else {
		rc = lx_reply_flow_error(r, &err, rc);
	}
	lx_visit_clear(&v);
	return rc;
}

int lx_api_visits_get(lx_req *r)
{
	int64_t id;
	lx_visit v;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such visit");
	int rc = lx_visit_get(r->db, r->user.scope, id, &v);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	lx_api_visit_write(&w, r, &v);
	lx_visit_clear(&v);
	return lx_reply_jw(r, 200, &w);
}

struct lx_visit_list {
	lx_req *r;
	lx_jw *w;
	size_t n, max;
	int64_t last;
	bool more;
};

static int lx_visit_row(void *arg, const lx_visit *v)
{
	struct lx_visit_list *l = arg;
	if (l->n == l->max) {
		l->more = true;
		return 1;
	}
	lx_api_visit_write(l->w, l->r, v);
	l->n++;
	l->last = v->id;
	return 0;
}

int lx_api_visits_list(lx_req *r)
{
	int64_t plan_id = 0, target_id = 0, worker_id = 0, cursor = 0, limit = 0;
	if (!lx_query_posint_or_reply(r, "plan_id", INT64_MAX, &plan_id) ||
	    !lx_query_posint_or_reply(r, "target_id", INT64_MAX, &target_id) ||
	    !lx_query_posint_or_reply(r, "worker_id", INT64_MAX, &worker_id) ||
	    !lx_query_posint_or_reply(r, "cursor", INT64_MAX, &cursor) ||
	    !lx_query_posint_or_reply(r, "limit", 200, &limit))
		return LX_BADREQ;
	const char *kind = lx_req_arg(r, "target_kind");
	if (kind && !*kind)
		kind = NULL;
	if ((kind != NULL) != (target_id != 0) ||
	    (kind && strcmp(kind, "resident") && strcmp(kind, "household") && strcmp(kind, "place")))
		return lx_reply_error(r, 400, "bad_parameter", "target_kind",
				      "target_kind (resident, household, place) and target_id come together");
	lx_buf b;
	lx_jw w;
	lx_api_list_open(&b, &w);
	/* one row more than the page: whether another page follows */
	struct lx_visit_list l = {.r = r, .w = &w, .max = (size_t)(limit ? limit : 50)};
	int rc = lx_visits_each(r->db, r->user.scope, plan_id, kind, target_id, worker_id, cursor, (int)l.max + 1,
				lx_visit_row, &l);
	if (rc != LX_OK) {
		lx_buf_free(&b);
		return lx_reply_store_error(r, rc);
	}
	return lx_api_list_reply(r, &w, l.more, l.last);
}
