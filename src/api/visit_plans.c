/*
 * visit_plans.c - visit plans (GET|POST /api/v1/visit-plans, GET
 * /api/v1/visit-plans/{id}) and their coverage for leaders (GET
 * /api/v1/visits/coverage): due, done and overdue per unit, plan and grid
 * worker, counted from the targets' rows (field/periods.c says what the
 * current period is).
 */
#include "field.h"
#include "registry_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const lx_target_kinds[] = {"resident", "household", "place", NULL};
static const char *const lx_frequencies[] = {"daily", "weekly", "monthly", "every_n_months", "once", NULL};

struct lx_plan_in {
	const char *name, *tag, *type;
	int64_t form_id, unit_id, n;
	bool has_n;
	int kind, frequency;
	json_t *workers;
	lx_ms starts_at, ends_at;
	bool has_starts_at, has_ends_at;
};
#define PI struct lx_plan_in
static const lx_field lx_plan_target_fields[] = {
	{.name = "kind", .type = LX_F_ENUM, .off = offsetof(PI, kind), .required = true, .values = lx_target_kinds},
	{.name = "tag", .type = LX_F_STR, .off = offsetof(PI, tag), .max = 16, .doc = "residents with this tag"},
	{.name = "type", .type = LX_F_STR, .off = offsetof(PI, type), .max = 32, .doc = "places of this type"},
	LX_FIELD_END,
};
static const lx_schema lx_plan_target_schema = {"plan_target", lx_plan_target_fields, NULL, 0};
static const lx_field lx_plan_fields[] = {
	LX_FIELD(PI, name, LX_F_STR, .required = true, .max = 64),
	LX_FIELD(PI, form_id, LX_F_INT, .required = true, .min = 1, .max = 1e15),
	LX_FIELD(PI, unit_id, LX_F_INT, .required = true, .min = 1, .max = 1e15, .doc = "the subtree it covers"),
	{.name = "target", .type = LX_F_OBJECT, .required = true, .sub = &lx_plan_target_schema},
	LX_FIELD(PI, frequency, LX_F_ENUM, .required = true, .values = lx_frequencies, .code = "unknown_frequency"),
	LX_FIELD_HAS(PI, n, LX_F_INT, .min = 1, .max = 24, .doc = "every_n_months: the n"),
	LX_FIELD(PI, workers, LX_F_IDS, .min = 0, .max = 50, .doc = "assigned users (default: each grid's own)"),
	LX_FIELD_HAS(PI, starts_at, LX_F_TIME, .doc = "default: now"),
	LX_FIELD_HAS(PI, ends_at, LX_F_TIME),
	LX_FIELD_END,
};
const lx_schema lx_plan_schema = {"visit_plan", lx_plan_fields, NULL, sizeof(PI)};

void lx_api_plan_write(lx_jw *w, lx_req *r, const lx_plan *p, int64_t targets)
{
	lx_jw_open(w, '{');
	lx_jw_key(w, "id");
	lx_jw_id(w, p->id);
	lx_jw_key(w, "name");
	lx_jw_str(w, p->name);
	lx_jw_key(w, "form_id");
	lx_jw_id(w, p->form_id);
	lx_jw_key(w, "unit_id");
	lx_jw_id(w, p->unit_id);
	lx_jw_key(w, "target");
	lx_jw_open(w, '{');
	lx_jw_key(w, "kind");
	lx_jw_str(w, p->target_kind);
	lx_jw_key(w, "tag");
	lx_jw_str(w, p->target_tag);
	lx_jw_key(w, "type");
	lx_jw_str(w, p->target_type);
	lx_jw_close(w, '}');
	lx_jw_key(w, "frequency");
	lx_jw_str(w, p->frequency);
	lx_jw_key(w, "n");
	lx_jw_int(w, p->every_n);
	lx_jw_key(w, "workers");
	lx_jw_open(w, '[');
	for (size_t i = 0; i < json_array_size(p->workers); i++)
		lx_jw_id(w, json_integer_value(json_array_get(p->workers, i)));
	lx_jw_close(w, ']');
	lx_jw_key(w, "starts_at");
	lx_jw_time(w, p->starts_at, r->app->tz_offset_min);
	lx_jw_key(w, "ends_at");
	lx_jw_time(w, p->ends_at, r->app->tz_offset_min);
	lx_jw_key(w, "active");
	lx_jw_bool(w, p->active);
	if (targets >= 0) {
		lx_jw_key(w, "targets");
		lx_jw_int(w, targets);
	}
	lx_jw_close(w, '}');
}

/* The plan's target set, its form and its workers checked; replies on error. */
static int lx_plan_check_or_reply(lx_req *r, const PI *in, lx_plan *p)
{
	lx_form_row f;
	int rc = lx_form_load(r->db, in->form_id, 0, &f);
	if (rc == LX_NOTFOUND)
		return lx_reply_error(r, 422, "unknown_form", "form_id", "no such form");
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	lx_form_row_clear(&f);
	if (in->tag && in->kind != 0)
		return lx_reply_error(r, 422, "invalid", "target.tag", "a tag picks residents only");
	if (in->type && in->kind != 2)
		return lx_reply_error(r, 422, "invalid", "target.type", "a type picks places only");
	if (in->tag) {
		lx_reg_tags tags = {0};
		if (lx_reg_tags_load(r->db, &tags) != LX_OK)
			return lx_reply_store_error(r, LX_ERR);
		const lx_tag *t = lx_reg_tag(&tags, in->tag);
		bool known = t != NULL, hidden = t && t->sensitive && !lx_reg_sees_sensitive(r);
		lx_reg_tags_free(&tags);
		if (!known)
			return lx_reply_error(r, 422, "unknown_tag", "target.tag", "no such tag");
		if (hidden)
			return lx_reply_error(r, 403, "sensitive_tag", "target.tag", "this tag needs registry_sensitive");
	}
	if (in->frequency == 3 && !in->has_n)
		return lx_reply_error(r, 422, "required", "n", "every_n_months needs n");
	if (in->has_ends_at && in->ends_at <= (in->has_starts_at ? in->starts_at : lx_now_ms()))
		return lx_reply_error(r, 422, "invalid", "ends_at", "a plan ends after it starts");
	size_t i;
	json_t *w;
	json_array_foreach(in->workers, i, w) {
		lx_user u;
		rc = lx_user_get(r->db, "/", json_integer_value(w), &u);
		bool ok = rc == LX_OK && u.active && lx_scope_contains(p->unit_path, u.scope);
		if (rc == LX_OK)
			lx_user_clear(&u);
		else if (rc != LX_NOTFOUND)
			return lx_reply_store_error(r, rc);
		if (!ok)
			return lx_reply_error(r, 422, "unknown_user", "workers", "worker %lld is no active user of the plan's unit",
					      (long long)json_integer_value(w));
	}
	return LX_OK;
}

int lx_api_plans_create(lx_req *r)
{
	const PI *in = r->in;
	lx_unit u = {0};
	lx_plan p = {0};
	int64_t n = 0;
	int rc = lx_reg_unit_or_reply(r, in->unit_id, "unit_id", &u);
	if (rc != LX_OK)
		return rc;
	p.unit_id = u.id;
	p.unit_path = lx_xstrdup(u.path);
	lx_unit_clear(&u);
	if (!*in->name) {
		rc = lx_reply_error(r, 422, "required", "name", "a plan needs a name");
		goto cleanup;
	}
	if ((rc = lx_plan_check_or_reply(r, in, &p)) != LX_OK)
		goto cleanup;
	p.name = lx_xstrdup(in->name);
	p.form_id = in->form_id;
	snprintf(p.target_kind, sizeof p.target_kind, "%s", lx_target_kinds[in->kind]);
	p.target_tag = in->tag && *in->tag ? lx_xstrdup(in->tag) : NULL;
	p.target_type = in->type && *in->type ? lx_xstrdup(in->type) : NULL;
	snprintf(p.frequency, sizeof p.frequency, "%s", lx_frequencies[in->frequency]);
	p.every_n = in->has_n ? (int)in->n : 1;
	lx_ms now = lx_now_ms();
	p.starts_at = in->has_starts_at ? in->starts_at : now;
	p.ends_at = in->has_ends_at ? in->ends_at : 0;
	p.workers = in->workers ? json_incref(in->workers) : json_array();
	p.created_by = r->user.id;
	rc = lx_plan_insert(r->db, &p, now, &n);
	if (rc != LX_OK) {
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	lx_api_plan_write(&w, r, &p, n);
	rc = lx_reply_jw(r, 201, &w);
cleanup:
	lx_plan_clear(&p);
	return rc;
}

struct lx_plan_list {
	lx_req *r;
	lx_jw *w;
	int rc;
};

static int lx_plan_row(void *arg, const lx_plan *p)
{
	struct lx_plan_list *l = arg;
	int64_t n = 0;
	/* the targets the caller sees: the plan's inside the caller's scope */
	const char *in = lx_scope_contains(l->r->user.scope, p->unit_path) ? p->unit_path : l->r->user.scope;
	l->rc = lx_plan_target_count(l->r->db, p->id, in, &n);
	lx_api_plan_write(l->w, l->r, p, n);
	return l->rc != LX_OK;
}

int lx_api_plans_list(lx_req *r)
{
	lx_buf b;
	lx_jw w;
	lx_api_list_open(&b, &w);
	struct lx_plan_list l = {r, &w, LX_OK};
	const char *all = lx_req_arg(r, "all");
	int rc = lx_plans_each(r->db, r->user.scope, r->user.id, !(all && strcmp(all, "true") == 0), lx_plan_row, &l);
	if (rc != LX_OK || l.rc != LX_OK) {
		lx_buf_free(&b);
		return lx_reply_store_error(r, rc != LX_OK ? rc : l.rc);
	}
	lx_jw_close(&w, ']');
	lx_jw_close(&w, '}');
	return lx_reply_jw(r, 200, &w);
}

int lx_api_plans_get(lx_req *r)
{
	int64_t id, n = 0;
	lx_plan p;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such plan");
	int rc = lx_plan_get(r->db, r->user.scope, r->user.id, id, &p);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	const char *in = lx_scope_contains(r->user.scope, p.unit_path) ? p.unit_path : r->user.scope;
	rc = lx_plan_target_count(r->db, p.id, in, &n);
	if (rc == LX_OK) {
		lx_buf b;
		lx_jw w;
		lx_buf_init(&b);
		lx_jw_init(&w, &b);
		lx_api_plan_write(&w, r, &p, n);
		rc = lx_reply_jw(r, 200, &w);
	} else {
		rc = lx_reply_store_error(r, rc);
	}
	lx_plan_clear(&p);
	return rc;
}

/* ---------------- coverage ---------------- */

/* Sums of one row of the reply (a unit, a plan, a worker). */
typedef struct lx_cov {
	int64_t id;
	char *path;         /* units and workers: the subtree summed */
	char *name;
	int64_t due, done, overdue;
} lx_cov;

struct lx_cov_ctx {
	const char *base;   /* the unit asked about */
	lx_cov total;
	lx_cov *units, *plans, *workers;
	size_t nunits, nplans, nworkers;
	lx_cov *plan;       /* the plan being counted */
};

static void lx_cov_add(lx_cov *c, int64_t due, int64_t done, int64_t overdue)
{
	c->due += due;
	c->done += done;
	c->overdue += overdue;
}

/* The child of base that path lies in ('/1/7/' in '/1/' -> '/1/7/'); base
 * itself for a row at base. */
static char *lx_child_path(const char *base, const char *path)
{
	size_t n = strlen(base);
	const char *end = strchr(path + n, '/');
	return end ? lx_xstrndup(path, (size_t)(end - path) + 1) : lx_xstrdup(path);
}

static int lx_cov_row(void *arg, int64_t unit_id, const char *path, int64_t due, int64_t done, int64_t overdue)
{
	struct lx_cov_ctx *c = arg;
	(void)unit_id;
	lx_cov_add(&c->total, due, done, overdue);
	lx_cov_add(c->plan, due, done, overdue);
	char *child = lx_child_path(c->base, path);
	size_t i = 0;
	while (i < c->nunits && strcmp(c->units[i].path, child) != 0)
		i++;
	if (i == c->nunits) {
		c->units = lx_xrealloc(c->units, (c->nunits + 1) * sizeof *c->units);
		c->units[c->nunits++] = (lx_cov){.id = lx_path_unit_id(child), .path = child};
	} else {
		free(child);
	}
	lx_cov_add(&c->units[i], due, done, overdue);
	for (size_t k = 0; k < c->nworkers; k++)
		if (lx_scope_contains(c->workers[k].path, path))
			lx_cov_add(&c->workers[k], due, done, overdue);
	return 0;
}

struct lx_cov_plans {
	lx_req *r;
	struct lx_cov_ctx *c;
	int64_t only;
	int rc;
};

static int lx_cov_plan(void *arg, const lx_plan *p)
{
	struct lx_cov_plans *cp = arg;
	struct lx_cov_ctx *c = cp->c;
	if (cp->only && p->id != cp->only)
		return 0;
	const char *in = lx_scope_contains(c->base, p->unit_path) ? p->unit_path : c->base;
	if (!lx_scope_contains(p->unit_path, in) && !lx_scope_contains(in, p->unit_path))
		return 0;
	c->plans = lx_xrealloc(c->plans, (c->nplans + 1) * sizeof *c->plans);
	c->plan = &c->plans[c->nplans++];
	*c->plan = (lx_cov){.id = p->id, .name = lx_xstrdup(p->name)};
	lx_period_bounds b = lx_plan_bounds(p, lx_now_ms(), cp->r->app->tz_offset_min);
	cp->rc = lx_targets_coverage(cp->r->db, p->id, in, &b, lx_cov_row, c);
	return cp->rc != LX_OK;
}

/* The grid workers whose unit lies in base: one row each. */
static int lx_cov_workers(lx_req *r, struct lx_cov_ctx *c)
{
	json_t *users = lx_user_list(r->db, c->base);
	if (!users)
		return LX_ERR;
	size_t i;
	json_t *u;
	json_array_foreach(users, i, u) {
		json_t *roles = json_object_get(u, "roles");
		bool gw = false;
		for (size_t k = 0; k < json_array_size(roles); k++)
			gw |= strcmp(json_string_value(json_array_get(roles, k)), "grid_worker") == 0;
		lx_unit unit;
		if (!gw || lx_unit_head(r->db, json_integer_value(json_object_get(u, "unit_id")), &unit) != LX_OK)
			continue;
		c->workers = lx_xrealloc(c->workers, (c->nworkers + 1) * sizeof *c->workers);
		c->workers[c->nworkers++] = (lx_cov){.id = json_integer_value(json_object_get(u, "id")),
						     .path = lx_xstrdup(unit.path),
						     .name = lx_xstrdup(json_string_value(json_object_get(u, "name")))};
		lx_unit_clear(&unit);
	}
	json_decref(users);
	return LX_OK;
}

static void lx_cov_write(lx_jw *w, const lx_cov *c, const char *id_key, const char *name)
{
	lx_jw_open(w, '{');
	if (id_key) {
		lx_jw_key(w, id_key);
		lx_jw_id(w, c->id);
		lx_jw_key(w, "name");
		lx_jw_str(w, name);
	}
	lx_jw_key(w, "due");
	lx_jw_int(w, c->due);
	lx_jw_key(w, "done");
	lx_jw_int(w, c->done);
	lx_jw_key(w, "overdue");
	lx_jw_int(w, c->overdue);
	lx_jw_close(w, '}');
}

static void lx_cov_free(lx_cov *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].path);
		free(rows[i].name);
	}
	free(rows);
}

static int lx_cov_reply(lx_req *r, struct lx_cov_ctx *c)
{
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	lx_jw_open(&w, '{');
	lx_jw_key(&w, "due");
	lx_jw_int(&w, c->total.due);
	lx_jw_key(&w, "done");
	lx_jw_int(&w, c->total.done);
	lx_jw_key(&w, "overdue");
	lx_jw_int(&w, c->total.overdue);
	lx_jw_key(&w, "by_unit");
	lx_jw_open(&w, '[');
	for (size_t i = 0; i < c->nunits; i++) {
		char *name = NULL, kind[16];
		lx_unit_name_visible(r->db, "/", c->units[i].id, &name, kind);
		lx_cov_write(&w, &c->units[i], "unit_id", name);
		free(name);
	}
	lx_jw_close(&w, ']');
	lx_jw_key(&w, "by_plan");
	lx_jw_open(&w, '[');
	for (size_t i = 0; i < c->nplans; i++)
		lx_cov_write(&w, &c->plans[i], "plan_id", c->plans[i].name);
	lx_jw_close(&w, ']');
	lx_jw_key(&w, "by_worker");
	lx_jw_open(&w, '[');
	/* the workers with something to do */
	for (size_t i = 0; i < c->nworkers; i++)
		if (c->workers[i].due || c->workers[i].done)
			lx_cov_write(&w, &c->workers[i], "user_id", c->workers[i].name);
	lx_jw_close(&w, ']');
	lx_jw_close(&w, '}');
	return lx_reply_jw(r, 200, &w);
}

int lx_api_visits_coverage(lx_req *r)
{
	int64_t plan_id = 0, unit_id = 0;
	lx_unit u = {0};
	if (!lx_query_posint_or_reply(r, "plan_id", INT64_MAX, &plan_id) ||
	    !lx_query_posint_or_reply(r, "unit_id", INT64_MAX, &unit_id))
		return LX_BADREQ;
	if (unit_id) {
		int rc = lx_unit_get(r->db, r->user.scope, unit_id, &u);
		if (rc != LX_OK)
			return rc == LX_NOTFOUND ? lx_reply_error(r, 404, "not_found", "unit_id", "no such unit")
						 : lx_reply_store_error(r, rc);
	}
	struct lx_cov_ctx c = {.base = unit_id ? u.path : r->user.scope};
	int rc = lx_cov_workers(r, &c);
	struct lx_cov_plans cp = {r, &c, plan_id, LX_OK};
	/* one snapshot for every plan's counts */
	lx_db_read_begin(r->db);
	if (rc == LX_OK)
		rc = lx_plans_each(r->db, c.base, r->user.id, true, lx_cov_plan, &cp);
	lx_db_read_end(r->db);
	if (rc == LX_OK)
		rc = cp.rc;
	if (rc == LX_OK && plan_id && c.nplans == 0)
		rc = lx_reply_error(r, 404, "not_found", "plan_id", "no such plan");
	else
		rc = rc == LX_OK ? lx_cov_reply(r, &c) : lx_reply_store_error(r, rc);
	lx_cov_free(c.units, c.nunits);
	lx_cov_free(c.plans, c.nplans);
	lx_cov_free(c.workers, c.nworkers);
	lx_unit_clear(&u);
	return rc;
}
