/*
 * stats.c - the three rates (response, resolution, satisfaction) for a unit
 * subtree and period, with the same figures per child unit and category.
 * Definitions: README.md, "The three rates".
 */
#include "api.h"
#include "workflow.h"

#include <stdlib.h>
#include <string.h>

#define LX_DAY_MS (24LL * 3600 * 1000)

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
}

struct lx_cat_ctx {
	lx_db *db;
	json_t *arr;
};

static int lx_cat_cb(void *arg, const char *code, const lx_stats *s)
{
	struct lx_cat_ctx *ctx = arg;
	json_t *o = json_object();
	lx_category cat;
	json_object_set_new(o, "category_code", code ? json_string(code) : json_null());
	if (code && lx_category_get(ctx->db, code, &cat) == LX_OK) {
		json_object_set_new(o, "name", json_string(cat.name));
		lx_category_clear(&cat);
	} else {
		json_object_set_new(o, "name", json_string(code ? code : "未分类"));
	}
	lx_stats_fill(o, s);
	json_array_append_new(ctx->arr, o);
	return 0;
}

int lx_api_stats_summary(lx_req *r)
{
	lx_ms from = 0, to = 0, now = lx_now_ms();
	lx_unit u = {0}, *kids = NULL;
	size_t nkids = 0;
	lx_stats s;
	const char *path;
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	const char *a_unit = lx_req_arg(r, "unit_id"), *a_from = lx_req_arg(r, "from"), *a_to = lx_req_arg(r, "to");
	if (a_from && *a_from && lx_time_parse(a_from, r->app->tz_offset_min, &from) != LX_OK)
		return lx_reply_error(r, 400, "bad_parameter", "from", "from must be an RFC 3339 time or a date");
	if (a_to && *a_to && lx_time_parse(a_to, r->app->tz_offset_min, &to) != LX_OK)
		return lx_reply_error(r, 400, "bad_parameter", "to", "to must be an RFC 3339 time or a date");
	if (!(a_to && *a_to))
		to = now + 1;
	if (!(a_from && *a_from))
		from = to - 30 * LX_DAY_MS;
	if (from >= to)
		return lx_reply_error(r, 422, "invalid", "from", "from must be before to");
	if (a_unit && *a_unit) {
		char *end;
		long long id = strtoll(a_unit, &end, 10);
		if (*end || id <= 0)
			return lx_reply_error(r, 400, "bad_parameter", "unit_id", "unit_id must be a positive integer");
		rc = lx_unit_get(r->db, r->user.scope, id, &u);
		if (rc == LX_NOTFOUND)
			return lx_reply_error(r, 404, "not_found", "unit_id", "no such unit in your scope");
		if (rc != LX_OK)
			return lx_reply_store_error(r, rc);
	} else if (r->user.unit_id) {
		rc = lx_unit_get(r->db, "/", r->user.unit_id, &u);
		if (rc != LX_OK)
			return lx_reply_store_error(r, rc);
	}
	path = u.id ? u.path : "/";
	rc = lx_stats_subtree(r->db, path, from, to, now, &s);
	if (rc != LX_OK) {
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	json_t *j = json_object();
	char buf[40];
	json_object_set_new(j, "unit_id", u.id ? json_integer(u.id) : json_null());
	json_object_set_new(j, "from", json_string(lx_time_format(from, r->app->tz_offset_min, buf, sizeof buf)));
	json_object_set_new(j, "to", json_string(lx_time_format(to, r->app->tz_offset_min, buf, sizeof buf)));
	lx_stats_fill(j, &s);
	/* by_unit: each child (for the whole system: each top-level unit). */
	json_t *by_unit = json_array();
	if (u.id) {
		rc = lx_unit_children(r->db, u.id, &kids, &nkids);
	} else {
		json_t *tops = lx_unit_list(r->db, "/", 0, NULL, false);
		size_t i;
		json_t *t;
		rc = tops ? LX_OK : LX_ERR;
		kids = lx_xcalloc(json_array_size(tops) + 1, sizeof *kids);
		json_array_foreach(tops, i, t) {
			if (!json_is_null(json_object_get(t, "parent_id")))
				continue;
			lx_unit_get(r->db, "/", json_integer_value(json_object_get(t, "id")), &kids[nkids++]);
		}
		json_decref(tops);
	}
	for (size_t i = 0; rc == LX_OK && i < nkids; i++) {
		lx_stats cs;
		rc = lx_stats_subtree(r->db, kids[i].path, from, to, now, &cs);
		if (rc != LX_OK)
			break;
		json_t *o = json_object();
		json_object_set_new(o, "unit_id", json_integer(kids[i].id));
		json_object_set_new(o, "name", json_string(kids[i].name));
		json_object_set_new(o, "kind", json_string(kids[i].kind));
		lx_stats_fill(o, &cs);
		json_array_append_new(by_unit, o);
	}
	json_object_set_new(j, "by_unit", by_unit);
	struct lx_cat_ctx cctx = {r->db, json_array()};
	if (rc == LX_OK)
		rc = lx_stats_by_category(r->db, path, from, to, now, lx_cat_cb, &cctx);
	json_object_set_new(j, "by_category", cctx.arr);
	if (rc != LX_OK) {
		json_decref(j);
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	rc = lx_reply_json(r, 200, j);
cleanup:
	for (size_t i = 0; i < nkids; i++)
		lx_unit_clear(&kids[i]);
	free(kids);
	lx_unit_clear(&u);
	return rc;
}
