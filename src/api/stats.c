/*
 * stats.c - the three rates (response, resolution, satisfaction) for a unit
 * subtree and period, with the same figures per child unit and category.
 * Definitions: README.md, "The three rates". `basis` says which unit of a
 * case must lie in the subtree: its handling unit (the default) or its
 * location unit; every figure means the same on either.
 */
#include "api.h"

#include <stdlib.h>
#include <string.h>


static json_t *lx_rate_json(int64_t num, int64_t den)
{
	lx_rate rt = {num, den};
	double v;
	json_t *o = json_object();
	json_object_set_new(o, "value", lx_rate_value(rt, &v) ? json_real(v) : json_null());
	json_object_set_new(o, "numerator", json_integer(num));
	json_object_set_new(o, "denominator", json_integer(den));
	return o;
}

static void lx_stats_fill(json_t *o, const lx_stats *s)
{
	json_object_set_new(o, "received", json_integer(s->received));
	json_object_set_new(o, "dispatched", json_integer(s->dispatched));
	json_object_set_new(o, "due_for_response", json_integer(s->due_for_response));
	json_object_set_new(o, "accepted_on_time", json_integer(s->accepted_on_time));
	json_object_set_new(o, "response_rate", lx_rate_json(s->accepted_on_time, s->due_for_response));
	json_object_set_new(o, "rated", json_integer(s->rated));
	json_object_set_new(o, "solved", json_integer(s->solved));
	json_object_set_new(o, "resolution_rate", lx_rate_json(s->solved, s->rated));
	json_object_set_new(o, "satisfaction_rate", lx_rate_json(s->satisfied + s->basic, s->rated));
	json_object_set_new(o, "satisfied", json_integer(s->satisfied));
	json_object_set_new(o, "basic", json_integer(s->basic));
	json_object_set_new(o, "unsatisfied", json_integer(s->unsatisfied));
	json_object_set_new(o, "overdue_open", json_integer(s->overdue_open));
	json_object_set_new(o, "excluded", json_integer(s->excluded));
}

/* Accumulates the summary: the whole, each child unit, each category. */
struct lx_sum {
	lx_stats total;
	lx_unit *kids;
	size_t nkids;
	lx_stats *kid_stats;
	char **codes;
	lx_stats *code_stats;
	size_t ncodes, capcodes;
};

static lx_stats *lx_sum_code(struct lx_sum *sm, const char *code)
{
	for (size_t i = 0; i < sm->ncodes; i++)
		if (strcmp(sm->codes[i], code) == 0)
			return &sm->code_stats[i];
	if (sm->ncodes == sm->capcodes) {
		sm->capcodes = sm->capcodes ? sm->capcodes * 2 : 64;
		sm->codes = lx_xrealloc(sm->codes, sm->capcodes * sizeof *sm->codes);
		sm->code_stats = lx_xrealloc(sm->code_stats, sm->capcodes * sizeof *sm->code_stats);
	}
	sm->codes[sm->ncodes] = lx_xstrdup(code);
	memset(&sm->code_stats[sm->ncodes], 0, sizeof *sm->code_stats);
	return &sm->code_stats[sm->ncodes++];
}

static int lx_sum_total(void *arg, int64_t unit_id, const char *code, const lx_stats *s)
{
	(void)unit_id;
	(void)code;
	lx_stats_add(&((struct lx_sum *)arg)->total, s);
	return 0;
}

static int lx_sum_kid(void *arg, int64_t unit_id, const char *code, const lx_stats *s)
{
	struct lx_sum *sm = arg;
	(void)code;
	for (size_t i = 0; i < sm->nkids; i++)
		if (sm->kids[i].id == unit_id)
			lx_stats_add(&sm->kid_stats[i], s);
	return 0;
}

static int lx_sum_cat(void *arg, int64_t unit_id, const char *code, const lx_stats *s)
{
	(void)unit_id;
	lx_stats_add(lx_sum_code(arg, code), s);
	return 0;
}

/* A row counted from the cases themselves (a partial day); path is the
 * case's unit on the summary's basis. */
static int lx_sum_scan(void *arg, const char *path, const char *code, const lx_stats *s)
{
	struct lx_sum *sm = arg;
	lx_stats_add(&sm->total, s);
	for (size_t i = 0; i < sm->nkids; i++)
		if (lx_scope_contains(sm->kids[i].path, path))
			lx_stats_add(&sm->kid_stats[i], s);
	lx_stats_add(lx_sum_code(sm, code), s);
	return 0;
}


/* The summary's basis from the query: handler (the default, also for an
 * empty value, as every query argument) or location; replies 400 otherwise. */
static int lx_summary_basis_or_reply(lx_req *r, int *basis)
{
	const char *s = lx_req_arg(r, "basis");
	*basis = LX_BASIS_HANDLER;
	if (!s || !*s || strcmp(s, "handler") == 0)
		return LX_OK;
	if (strcmp(s, "location") == 0) {
		*basis = LX_BASIS_LOCATION;
		return LX_OK;
	}
	return lx_reply_error(r, 400, "bad_parameter", "basis", "basis must be handler or location");
}

/* The summary's window, unit and basis from the query (default: the last
 * 30 whole days including today, the caller's unit, by handler); replies
 * on bad input. */
static int lx_summary_args_or_reply(lx_req *r, lx_ms *from, lx_ms *to, lx_unit *u, int *basis)
{
	int64_t id;
	if (!lx_query_time_or_reply(r, "from", from) || !lx_query_time_or_reply(r, "to", to) ||
	    !lx_query_posint_or_reply(r, "unit_id", INT64_MAX / 2, &id))
		return LX_BADREQ;
	if (lx_summary_basis_or_reply(r, basis) != LX_OK)
		return LX_BADREQ;
	if (!*to)
		*to = lx_day_start(lx_day_of(lx_now_ms()) + 1);
	if (!*from)
		*from = lx_day_start(lx_day_of(*to - 1) - 29);
	if (*from >= *to)
		return lx_reply_error(r, 422, "invalid", "from", "from must be before to");
	int rc = LX_OK;
	if (id) {
		rc = lx_unit_get(r->db, r->user.scope, id, u);
		if (rc == LX_NOTFOUND)
			return lx_reply_error(r, 404, "not_found", "unit_id", "no such unit in your scope");
	} else if (r->user.unit_id) {
		rc = lx_unit_get(r->db, "/", r->user.unit_id, u);
	}
	return rc == LX_OK ? LX_OK : lx_reply_store_error(r, rc);
}

/* The order of by_unit: streets first, then by kind, then by code (units
 * without one after those with one), then by id; the store's order of a
 * unit's children, made total and the same on both backends (which sort
 * NULL codes apart). For qsort. */
static int lx_kid_cmp(const void *a, const void *b)
{
	const lx_unit *x = a, *y = b;
	bool xs = strcmp(x->kind, "street") == 0, ys = strcmp(y->kind, "street") == 0;
	int c;
	if (xs != ys)
		return xs ? -1 : 1;
	if ((c = strcmp(x->kind, y->kind)) != 0)
		return c;
	if (!x->code != !y->code)
		return x->code ? -1 : 1;
	if (x->code && (c = strcmp(x->code, y->code)) != 0)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The children a summary breaks down by, every one of them (also those
 * without a counted case) in lx_kid_cmp's order: of the unit, or the
 * top-level units for the whole system. */
static int lx_summary_children(lx_req *r, const lx_unit *u, struct lx_sum *sm)
{
	int rc;
	if (u->id) {
		rc = lx_unit_children(r->db, u->id, &sm->kids, &sm->nkids);
	} else {
		json_t *tops = lx_unit_list(r->db, "/", 0, NULL, false, 1 << 30, 0);
		size_t i;
		json_t *t;
		rc = tops ? LX_OK : LX_ERR;
		sm->kids = lx_xcalloc(json_array_size(tops) + 1, sizeof *sm->kids);
		json_array_foreach(tops, i, t) {
			if (!json_is_null(json_object_get(t, "parent_id")))
				continue;
			if (lx_unit_get(r->db, "/", json_integer_value(json_object_get(t, "id")),
					&sm->kids[sm->nkids]) == LX_OK)
				sm->nkids++;
		}
		json_decref(tops);
	}
	if (sm->nkids)
		qsort(sm->kids, sm->nkids, sizeof *sm->kids, lx_kid_cmp);
	sm->kid_stats = lx_xcalloc(sm->nkids + 1, sizeof *sm->kid_stats);
	return rc;
}

/* Adds up [from, to) on basis b: whole days from the roll-ups, partial
 * days at either end from the cases. */
static int lx_summary_count(lx_req *r, const lx_unit *u, int b, lx_ms from, lx_ms to,
			    struct lx_sum *sm)
{
	const char *path = u->id ? u->path : "/";
	int64_t d0 = lx_day_of(from), d1 = lx_day_of(to);
	int rc = LX_OK;
	if (lx_day_start(d0) < from)
		d0++;
	if (d0 >= d1 && !(d0 == d1 && lx_day_start(d1) == to))
		return lx_stats_scan(r->db, b, path, from, to, lx_sum_scan, sm);
	if (lx_day_start(d0) > from)
		rc = lx_stats_scan(r->db, b, path, from, lx_day_start(d0), lx_sum_scan, sm);
	if (rc == LX_OK && lx_day_start(d1) < to)
		rc = lx_stats_scan(r->db, b, path, lx_day_start(d1), to, lx_sum_scan, sm);
	if (rc == LX_OK && d0 < d1)
		rc = lx_stats_days(r->db, b, u->id, d0, d1, lx_sum_total, sm, 0);
	if (rc == LX_OK && d0 < d1)
		rc = lx_stats_days(r->db, b, u->id, d0, d1, lx_sum_kid, sm, 1);
	if (rc == LX_OK && d0 < d1)
		rc = lx_stats_days(r->db, b, u->id, d0, d1, lx_sum_cat, sm, 2);
	return rc;
}

/* The categories, busiest first (每月一题 candidates lead the list). */
static json_t *lx_summary_categories(const struct lx_sum *sm, json_t *names)
{
	size_t *order = lx_xcalloc(sm->ncodes + 1, sizeof *order);
	for (size_t i = 0; i < sm->ncodes; i++) {
		size_t k = i;
		while (k > 0 && (sm->code_stats[order[k - 1]].received < sm->code_stats[i].received ||
				 (sm->code_stats[order[k - 1]].received == sm->code_stats[i].received &&
				  strcmp(sm->codes[order[k - 1]], sm->codes[i]) > 0))) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = i;
	}
	json_t *by_cat = json_array();
	for (size_t n = 0; n < sm->ncodes; n++) {
		size_t i = order[n];
		if (sm->code_stats[i].received == 0)
			continue;
		json_t *o = json_object();
		const char *code = sm->codes[i];
		json_t *name = *code ? json_object_get(names, code) : NULL;
		json_object_set_new(o, "category_code", *code ? json_string(code) : json_null());
		json_object_set_new(o, "name", name ? json_incref(name) : json_string(*code ? code : "未分类"));
		lx_stats_fill(o, &sm->code_stats[i]);
		json_array_append_new(by_cat, o);
	}
	free(order);
	return by_cat;
}

static void lx_sum_free(struct lx_sum *sm)
{
	for (size_t i = 0; i < sm->nkids; i++)
		lx_unit_clear(&sm->kids[i]);
	free(sm->kids);
	free(sm->kid_stats);
	for (size_t i = 0; i < sm->ncodes; i++)
		free(sm->codes[i]);
	free(sm->codes);
	free(sm->code_stats);
}

int lx_api_stats_summary(lx_req *r)
{
	lx_ms from = 0, to = 0;
	lx_unit u = {0};
	int basis = LX_BASIS_HANDLER;
	struct lx_sum sm = {0};
	json_t *names = NULL;
	char buf[40];
	int rc = lx_summary_args_or_reply(r, &from, &to, &u, &basis);
	if (rc != LX_OK)
		goto cleanup;
	/* every figure from one snapshot */
	lx_db_read_begin(r->db);
	rc = lx_summary_children(r, &u, &sm);
	if (rc == LX_OK)
		rc = lx_summary_count(r, &u, basis, from, to, &sm);
	if (rc == LX_OK)
		names = lx_api_category_names(r->db);
	lx_db_read_end(r->db);
	if (rc != LX_OK) {
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	json_t *j = json_object();
	json_object_set_new(j, "unit_id", u.id ? json_integer(u.id) : json_null());
	json_object_set_new(j, "from", json_string(lx_time_format(from, r->app->tz_offset_min, buf, sizeof buf)));
	json_object_set_new(j, "to", json_string(lx_time_format(to, r->app->tz_offset_min, buf, sizeof buf)));
	json_object_set_new(j, "basis", json_string(basis == LX_BASIS_LOCATION ? "location" : "handler"));
	lx_stats_fill(j, &sm.total);
	json_t *by_unit = json_array();
	for (size_t i = 0; i < sm.nkids; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "unit_id", json_integer(sm.kids[i].id));
		json_object_set_new(o, "name", json_string(sm.kids[i].name));
		json_object_set_new(o, "kind", json_string(sm.kids[i].kind));
		lx_stats_fill(o, &sm.kid_stats[i]);
		json_array_append_new(by_unit, o);
	}
	json_object_set_new(j, "by_unit", by_unit);
	json_object_set_new(j, "by_category", lx_summary_categories(&sm, names));
	rc = lx_reply_json(r, 200, j);
cleanup:
	json_decref(names);
	lx_sum_free(&sm);
	lx_unit_clear(&u);
	return rc;
}
