/*
 * units.c - the grid tree: list, read, create, change, import (CSV in
 * UTF-8 or GBK, or a GeoJSON FeatureCollection) and locate a point.
 */
#include "api.h"
#include "csv.h"
#include "geo.h"
#include "rules.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const lx_unit_kinds[] = {"district", "street", "community", "village", "grid",
					    "microgrid", "department", "station", NULL};
/* Chinese names accepted in imports, in the order of lx_unit_kinds. */
static const char *const lx_unit_kinds_zh[] = {"区", "街道", "社区", "村", "网格", "微网格", "部门", "站点", NULL};

static const char *lx_kind_canon(const char *s)
{
	for (int i = 0; s && lx_unit_kinds[i]; i++)
		if (strcmp(s, lx_unit_kinds[i]) == 0 || strcmp(s, lx_unit_kinds_zh[i]) == 0)
			return lx_unit_kinds[i];
	return NULL;
}

static bool lx_code_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
			return false;
	return true;
}

/* Validates a boundary and fills u->boundary and u->bbox. NULL/null clears
 * it. Returns LX_OK or LX_INVALID with a message in err. */
static int lx_set_boundary(lx_unit *u, json_t *b, char *err, size_t errsz)
{
	lx_geom *g = NULL;
	free(u->boundary);
	u->boundary = NULL;
	if (!b || json_is_null(b))
		return LX_OK;
	if (lx_geom_from_json(b, &g, err, errsz) != LX_OK)
		return LX_INVALID;
	lx_geom_bbox(g, u->bbox);
	lx_geom_free(g);
	/* Store the geometry itself, not a Feature wrapper. */
	json_t *geom = json_is_string(json_object_get(b, "type")) &&
			       strcmp(json_string_value(json_object_get(b, "type")), "Feature") == 0
		       ? json_object_get(b, "geometry") : b;
	u->boundary = json_dumps(geom, JSON_COMPACT | JSON_REAL_PRECISION(12));
	return LX_OK;
}

#define LX_UNITS_PAGE 1000
#define LX_UNITS_PAGE_MAX 5000

int lx_api_units_list(lx_req *r)
{
	const char *kind = lx_req_arg(r, "kind"), *wb = lx_req_arg(r, "boundary");
	int64_t parent_id, limit, offset;
	/* a city has twenty thousand units: a page at a time (offset= goes on) */
	if (!lx_query_posint_or_reply(r, "parent_id", INT64_MAX / 2, &parent_id) ||
	    !lx_query_posint_or_reply(r, "limit", LX_UNITS_PAGE_MAX, &limit) ||
	    !lx_query_posint_or_reply(r, "offset", INT64_MAX / 2, &offset))
		return LX_BADREQ;
	if (!limit)
		limit = LX_UNITS_PAGE;
	if (kind && *kind && !lx_kind_canon(kind))
		return lx_reply_error(r, 422, "unknown_kind", "kind", "unknown unit kind");
	json_t *arr = lx_unit_list(r->db, r->user.scope, parent_id, kind && *kind ? lx_kind_canon(kind) : NULL,
				   !wb || strcmp(wb, "false") != 0, limit + 1, offset);
	if (!arr)
		return lx_reply_store_error(r, LX_ERR);
	bool more = (int64_t)json_array_size(arr) > limit;
	if (more)
		json_array_remove(arr, (size_t)limit);
	json_t *j = json_object();
	json_object_set_new(j, "items", arr);
	json_object_set_new(j, "next_offset", more ? json_integer(offset + limit) : json_null());
	return lx_reply_json(r, 200, j);
}

int lx_api_units_get(lx_req *r)
{
	int64_t id;
	lx_unit u;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such unit");
	int rc = lx_unit_get(r->db, r->user.scope, id, &u);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	json_t *j = lx_unit_json(&u, true);
	lx_unit_clear(&u);
	return lx_reply_json(r, 200, j);
}

/* The body of POST and PATCH /api/v1/units. */
struct lx_unit_in {
	const char *kind, *code, *name;
	int64_t parent_id;
	bool has_parent_id;
	json_t *boundary;
	bool has_boundary;
};

#define UN struct lx_unit_in
static const lx_field lx_unit_create_fields[] = {
	LX_FIELD(UN, kind, LX_F_STR, .required = true, .max = 16,
		 .doc = "district, street, community, village, grid, microgrid, department or station"),
	LX_FIELD(UN, code, LX_F_STR, .required = true, .max = 64),
	LX_FIELD(UN, name, LX_F_STR, .required = true, .max = 64),
	LX_FIELD_HAS(UN, parent_id, LX_F_INT),
	LX_FIELD_HAS(UN, boundary, LX_F_JSON, .nullable = true, .doc = "a GeoJSON Polygon or MultiPolygon (WGS84)"),
	LX_FIELD_END,
};
static const lx_field lx_unit_patch_fields[] = {
	LX_FIELD(UN, kind, LX_F_STR, .max = 16),
	LX_FIELD(UN, code, LX_F_STR, .max = 64),
	LX_FIELD(UN, name, LX_F_STR, .max = 64),
	LX_FIELD_HAS(UN, parent_id, LX_F_INT, .doc = "cannot change (422 immutable)"),
	LX_FIELD_HAS(UN, boundary, LX_F_JSON, .nullable = true, .doc = "null removes it"),
	LX_FIELD_END,
};
const lx_schema lx_unit_create_schema = {"unit_create", lx_unit_create_fields, NULL, sizeof(UN)};
const lx_schema lx_unit_patch_schema = {"unit_patch", lx_unit_patch_fields, NULL, sizeof(UN)};

/* Applies the body to u (a new unit when creating); replies on error. */
static int lx_unit_apply_or_reply(lx_req *r, const struct lx_unit_in *in, lx_unit *u, bool creating)
{
	char err[200];
	if (in->kind) {
		if (!lx_kind_canon(in->kind))
			return lx_reply_error(r, 422, "unknown_kind", "kind", "kind must be one of district, street, "
					      "community, village, grid, microgrid, department, station");
		snprintf(u->kind, sizeof u->kind, "%s", lx_kind_canon(in->kind));
	}
	if (in->code) {
		if (!lx_code_ok(in->code))
			return lx_reply_error(r, 422, "invalid", "code", "code: 1-64 letters, digits, _ - .");
		free(u->code);
		u->code = lx_xstrdup(in->code);
	}
	if (in->name) {
		free(u->name);
		u->name = lx_xstrdup(in->name);
	}
	/* a top-level unit is outside every scope but the whole system's */
	if (creating && !in->has_parent_id && strcmp(r->user.scope, "/") != 0)
		return lx_reply_error(r, 422, "required", "parent_id", "a unit you add goes under one of your units");
	if (in->has_parent_id) {
		if (!creating && in->parent_id != u->parent_id)
			return lx_reply_error(r, 422, "immutable", "parent_id", "a unit cannot move to another parent");
		lx_unit p;
		int rc = lx_unit_get(r->db, r->user.scope, in->parent_id, &p);
		if (rc == LX_NOTFOUND)
			return lx_reply_error(r, 422, "unknown_parent", "parent_id", "no such parent unit");
		if (rc != LX_OK)
			return lx_reply_store_error(r, rc);
		lx_unit_clear(&p);
		u->parent_id = in->parent_id;
	}
	if (in->has_boundary || creating) {
		json_t *b = in->boundary;
		if (b && !json_is_object(b))
			return lx_reply_error(r, 400, "bad_type", "boundary", "boundary must be a GeoJSON object");
		if (lx_set_boundary(u, b, err, sizeof err) != LX_OK)
			return lx_reply_error(r, 422, "invalid_geometry", "boundary", "%s", err);
	}
	return LX_OK;
}

/* Writes u; replies (201 created or 200) or with the error. */
static int lx_unit_save_or_reply(lx_req *r, lx_unit *u, bool creating)
{
	int rc = creating ? lx_unit_insert(r->db, u) : lx_unit_update(r->db, u);
	if (rc == LX_CONFLICT)
		return lx_reply_error(r, 409, "code_taken", "code", "a unit with that code exists");
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	return lx_reply_json(r, creating ? 201 : 200, lx_unit_json(u, true));
}

int lx_api_units_create(lx_req *r)
{
	lx_unit u = {0};
	int rc = lx_unit_apply_or_reply(r, r->in, &u, true);
	if (rc == LX_OK)
		rc = lx_unit_save_or_reply(r, &u, true);
	lx_unit_clear(&u);
	return rc;
}

int lx_api_units_patch(lx_req *r)
{
	lx_unit u = {0};
	int64_t id;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such unit");
	int rc = lx_unit_get(r->db, r->user.scope, id, &u);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	rc = lx_unit_apply_or_reply(r, r->in, &u, false);
	if (rc == LX_OK)
		rc = lx_unit_save_or_reply(r, &u, false);
	lx_unit_clear(&u);
	return rc;
}

/* ---------------- locate ---------------- */

/* Parses a coordinate query argument; replies on error. */
static bool lx_arg_coord(lx_req *r, const char *key, double lo, double hi, double *out)
{
	const char *s = lx_req_arg(r, key);
	double v = 0;
	if (!s || !*s) {
		lx_reply_error(r, 400, "bad_parameter", key, "%s is required", key);
		return false;
	}
	if (!lx_parse_decimal(s, &v)) {
		lx_reply_error(r, 400, "bad_parameter", key, "%s must be a number", key);
		return false;
	}
	if (v < lo || v > hi) {
		lx_reply_error(r, 422, "out_of_range", key, "%s must be between %g and %g", key, lo, hi);
		return false;
	}
	*out = v;
	return true;
}

int lx_api_locate(lx_req *r)
{
	double lat, lon;
	lx_unit u = {0}, *anc = NULL;
	size_t n = 0;
	int rc;
	if (!lx_arg_coord(r, "lat", -90, 90, &lat) || !lx_arg_coord(r, "lon", -180, 180, &lon))
		return LX_BADREQ;
	lx_unit found = {0};
	rc = lx_api_locate_point(r->db, lat, lon, &found);
	/* the full unit, with its boundary, and only within the caller's scope */
	if (rc == LX_OK)
		rc = lx_unit_get(r->db, r->user.scope, found.id, &u);
	lx_unit_clear(&found);
	if (rc == LX_NOTFOUND) {
		rc = lx_reply_error(r, 404, "not_found", NULL, "no unit contains this point");
		goto cleanup;
	}
	if (rc == LX_OK)
		rc = lx_unit_ancestors(r->db, &u, &anc, &n);
	if (rc != LX_OK) {
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	json_t *path = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(path, lx_unit_json(&anc[i], false));
	json_t *j = json_object();
	json_object_set_new(j, "unit", lx_unit_json(&u, true));
	json_object_set_new(j, "path", path);
	rc = lx_reply_json(r, 200, j);
cleanup:
	for (size_t i = 0; i < n; i++)
		lx_unit_clear(&anc[i]);
	free(anc);
	lx_unit_clear(&u);
	return rc;
}

/* ---------------- import ---------------- */

/* One row to import, validated before anything is written. */
struct lx_import_row {
	size_t line;
	char *code, *name, *kind, *parent_code;
	char *boundary;
	double bbox[4];
	bool done;
};

struct lx_import {
	struct lx_import_row *rows;
	size_t n, cap;
	json_t *errors;
	json_t *seen;            /* code -> its line */
	int created, updated;
};

static void lx_import_error(struct lx_import *im, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void lx_import_error(struct lx_import *im, size_t line, const char *fmt, ...)
{
	lx_buf b;
	va_list ap;
	lx_buf_init(&b);
	va_start(ap, fmt);
	lx_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	json_t *e = json_object();
	json_object_set_new(e, "line", json_integer((json_int_t)line));
	json_object_set_new(e, "message", json_string(lx_utf8_valid(b.data, b.len) ? b.data : "invalid text"));
	json_array_append_new(im->errors, e);
	lx_buf_free(&b);
}

/* Validates and records one row. Strings are borrowed and copied. */
static void lx_import_add(struct lx_import *im, size_t line, const char *code, const char *name,
			  const char *kind, const char *parent_code, json_t *boundary)
{
	char err[200];
	lx_unit tmp = {0};
	if (!code || !lx_code_ok(code)) {
		lx_import_error(im, line, "code is missing or invalid (1-64 letters, digits, _ - .)");
		return;
	}
	if (!name || !*name || lx_utf8_len(name) > 64) {
		lx_import_error(im, line, "name is missing or longer than 64 characters");
		return;
	}
	if (!kind || !lx_kind_canon(kind)) {
		lx_import_error(im, line, "kind is missing or unknown");
		return;
	}
	if (parent_code && *parent_code && !lx_code_ok(parent_code)) {
		lx_import_error(im, line, "parent code is invalid");
		return;
	}
	if (lx_set_boundary(&tmp, boundary, err, sizeof err) != LX_OK) {
		lx_import_error(im, line, "boundary: %s", err);
		return;
	}
	/* the codes seen so far, hashed: a 50,000-row file compared each row
	 * with every earlier one (7.8 s) */
	json_t *first = json_object_get(im->seen, code);
	if (first) {
		lx_import_error(im, line, "code %s appears twice (first on line %lld)", code,
				(long long)json_integer_value(first));
		lx_unit_clear(&tmp);
		return;
	}
	json_object_set_new(im->seen, code, json_integer((json_int_t)line));
	if (im->n == im->cap) {
		im->cap = im->cap ? im->cap * 2 : 64;
		im->rows = lx_xrealloc(im->rows, im->cap * sizeof *im->rows);
	}
	struct lx_import_row *row = &im->rows[im->n++];
	memset(row, 0, sizeof *row);
	row->line = line;
	row->code = lx_xstrdup(code);
	row->name = lx_xstrdup(name);
	row->kind = lx_xstrdup(lx_kind_canon(kind));
	row->parent_code = parent_code && *parent_code ? lx_xstrdup(parent_code) : NULL;
	row->boundary = tmp.boundary;
	memcpy(row->bbox, tmp.bbox, sizeof row->bbox);
}

static void lx_import_from_csv(struct lx_import *im, const char *data, size_t len)
{
	char err[200];
	lx_csv *t = NULL;
	static const char *const c_code[] = {"code", "编码", "代码", "单位编码", NULL};
	static const char *const c_name[] = {"name", "名称", "单位名称", NULL};
	static const char *const c_kind[] = {"kind", "类型", "层级", NULL};
	static const char *const c_parent[] = {"parent_code", "上级编码", "上级代码", NULL};
	static const char *const c_boundary[] = {"boundary", "边界", NULL};
	if (lx_csv_parse(data, len, &t, err, sizeof err) != LX_OK) {
		/* err starts with "line N: ..." */
		size_t line = 0;
		sscanf(err, "line %zu", &line);
		lx_import_error(im, line, "%s", err);
		return;
	}
	if (t->nrows == 0) {
		lx_import_error(im, 1, "empty file");
		goto cleanup;
	}
	int ic = lx_csv_column(t, c_code), in = lx_csv_column(t, c_name), ik = lx_csv_column(t, c_kind);
	int ip = lx_csv_column(t, c_parent), ib = lx_csv_column(t, c_boundary);
	if (ic < 0 || in < 0 || ik < 0) {
		lx_import_error(im, t->rows[0].line,
				"header needs columns code/编码, name/名称 and kind/类型 (parent_code/上级编码 and boundary/边界 optional)");
		goto cleanup;
	}
	for (size_t i = 1; i < t->nrows; i++) {
		const lx_csv_row *row = &t->rows[i];
		json_t *b = NULL;
		const char *btext = lx_csv_field(row, ib);
		if (btext && *btext) {
			json_error_t je;
			b = json_loads(btext, 0, &je);
			if (!b) {
				lx_import_error(im, row->line, "boundary is not valid JSON: %s", je.text);
				continue;
			}
		}
		lx_import_add(im, row->line, lx_csv_field(row, ic), lx_csv_field(row, in),
			      lx_csv_field(row, ik), lx_csv_field(row, ip), b);
		json_decref(b);
	}
cleanup:
	lx_csv_free(t);
}

static const char *lx_prop(json_t *props, const char *a, const char *b)
{
	json_t *v = json_object_get(props, a);
	if (!v)
		v = json_object_get(props, b);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void lx_import_from_geojson(struct lx_import *im, json_t *fc)
{
	json_t *features = json_object_get(fc, "features");
	const char *type = json_string_value(json_object_get(fc, "type"));
	if (!type || strcmp(type, "FeatureCollection") != 0 || !json_is_array(features)) {
		lx_import_error(im, 1, "expected a GeoJSON FeatureCollection with a features array");
		return;
	}
	size_t i;
	json_t *f;
	json_array_foreach(features, i, f) {
		json_t *props = json_object_get(f, "properties");
		if (!json_is_object(f) || !json_is_object(props)) {
			lx_import_error(im, i + 1, "feature %zu has no properties object", i + 1);
			continue;
		}
		json_t *geom = json_object_get(f, "geometry");
		lx_import_add(im, i + 1, lx_prop(props, "code", "编码"), lx_prop(props, "name", "名称"),
			      lx_prop(props, "kind", "类型"), lx_prop(props, "parent_code", "上级编码"),
			      json_is_null(geom) ? NULL : geom);
	}
}

/* Writes the validated rows, parents first. Returns LX_OK or an error
 * recorded in im->errors (LX_INVALID) or a store status. */
static int lx_import_write(lx_req *r, struct lx_import *im, int *created, int *updated)
{
	size_t left = im->n;
	bool progress = true;
	while (left && progress) {
		progress = false;
		for (size_t i = 0; i < im->n; i++) {
			struct lx_import_row *row = &im->rows[i];
			if (row->done)
				continue;
			lx_unit parent = {0}, u = {0};
			int rc;
			if (!row->parent_code && strcmp(r->user.scope, "/") != 0) {
				lx_import_error(im, row->line, "unit %s needs a parent_code: a unit you add goes under "
						"one of your units", row->code);
				return LX_INVALID;
			}
			if (row->parent_code) {
				rc = lx_unit_get_by_code(r->db, row->parent_code, &parent);
				if (rc == LX_NOTFOUND)
					continue; /* maybe defined by a later row */
				if (rc != LX_OK)
					return rc;
				if (!lx_scope_contains(r->user.scope, parent.path)) {
					lx_unit_clear(&parent);
					continue;
				}
			}
			rc = lx_unit_get_by_code(r->db, row->code, &u);
			if (rc == LX_OK && !lx_scope_contains(r->user.scope, u.path)) {
				/* someone else's: say no more than that the code is used */
				lx_import_error(im, row->line, "code %s is taken", row->code);
				lx_unit_clear(&u);
				lx_unit_clear(&parent);
				return LX_INVALID;
			}
			if (rc == LX_OK) {
				if (u.parent_id != parent.id) {
					lx_import_error(im, row->line, "unit %s exists under another parent", row->code);
					lx_unit_clear(&u);
					lx_unit_clear(&parent);
					return LX_INVALID;
				}
				snprintf(u.kind, sizeof u.kind, "%s", row->kind);
				free(u.name);
				u.name = lx_xstrdup(row->name);
				free(u.boundary);
				u.boundary = lx_xstrdup(row->boundary);
				memcpy(u.bbox, row->bbox, sizeof u.bbox);
				rc = lx_unit_update(r->db, &u);
				(*updated)++;
			} else if (rc == LX_NOTFOUND) {
				/* a top-level unit too: the route is the admin's */
				u.parent_id = parent.id;
				snprintf(u.kind, sizeof u.kind, "%s", row->kind);
				u.code = lx_xstrdup(row->code);
				u.name = lx_xstrdup(row->name);
				u.boundary = lx_xstrdup(row->boundary);
				memcpy(u.bbox, row->bbox, sizeof u.bbox);
				rc = lx_unit_insert(r->db, &u);
				(*created)++;
			}
			lx_unit_clear(&u);
			lx_unit_clear(&parent);
			if (rc != LX_OK)
				return rc;
			row->done = true;
			left--;
			progress = true;
		}
	}
	for (size_t i = 0; i < im->n; i++)
		if (!im->rows[i].done)
			lx_import_error(im, im->rows[i].line, "parent %s not found (in the file or your scope)",
					im->rows[i].parent_code ? im->rows[i].parent_code : "-");
	return left ? LX_INVALID : LX_OK;
}

static void lx_import_free(void *p)
{
	struct lx_import *im = p;
	if (!im)
		return;
	for (size_t i = 0; i < im->n; i++) {
		free(im->rows[i].code);
		free(im->rows[i].name);
		free(im->rows[i].kind);
		free(im->rows[i].parent_code);
		free(im->rows[i].boundary);
	}
	free(im->rows);
	json_decref(im->errors);
	json_decref(im->seen);
	free(im);
}

/* The answer, whichever way the job went: 200 with the counts, or 422
 * with every row's error and nothing written. */
static int lx_import_answer(lx_req *r)
{
	struct lx_import *im = r->state;
	bool ok = json_array_size(im->errors) == 0;
	json_t *j = json_object();
	json_object_set_new(j, "created", json_integer(ok ? im->created : 0));
	json_object_set_new(j, "updated", json_integer(ok ? im->updated : 0));
	json_object_set_new(j, "errors", im->errors);
	im->errors = NULL;
	if (!ok)
		json_object_set_new(j, "error", json_pack("{s:s, s:s}", "code", "bad_rows", "message",
							  "some rows are bad (errors lists them); nothing was written"));
	lx_reply_json(r, ok ? 200 : 422, j);
	return ok ? LX_OK : LX_INVALID;
}

/* Before the write job: the file is read and every row checked; a file
 * with bad rows is answered here (422, nothing written). */
int lx_api_units_import_read(lx_req *r)
{
	if (r->too_large)
		return lx_reply_error(r, 413, "too_large", NULL, "body larger than %zu bytes", r->app->body_limit);
	if (!r->body.len)
		return lx_reply_error(r, 400, "empty_body", NULL, "send a CSV file or a GeoJSON FeatureCollection");
	struct lx_import *im = lx_xcalloc(1, sizeof *im);
	r->state = im;
	r->state_free = lx_import_free;
	im->errors = json_array();
	im->seen = json_object();
	const char *ct = lx_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	bool is_json = (ct && (strstr(ct, "json") != NULL)) || r->body.data[0] == '{';
	if (!is_json) {
		lx_import_from_csv(im, r->body.data, r->body.len);
		return json_array_size(im->errors) ? lx_import_answer(r) : LX_OK;
	}
	json_error_t je;
	if (!lx_utf8_valid(r->body.data, r->body.len))
		return lx_reply_error(r, 400, "bad_encoding", NULL, "GeoJSON must be UTF-8");
	json_t *fc = json_loadb(r->body.data, r->body.len, 0, &je);
	if (!fc)
		return lx_reply_error(r, 400, "bad_json", NULL, "malformed JSON at line %d: %s", je.line, je.text);
	lx_import_from_geojson(im, fc);
	json_decref(fc);
	return json_array_size(im->errors) ? lx_import_answer(r) : LX_OK;
}

/* The write job: all rows or none (a failed row undoes the job). */
int lx_api_units_import(lx_req *r)
{
	struct lx_import *im = r->state;
	int rc = lx_import_write(r, im, &im->created, &im->updated);
	if (rc == LX_INVALID)
		return lx_import_answer(r);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	return LX_OK;
}

int lx_api_units_import_reply(lx_req *r)
{
	return lx_import_answer(r);
}

/* GET /api/v1/units/names?ids=1,2,3: names of the units the caller may
 * name (lx_unit_name_visible); the others are left out, as unknown ids
 * are, so the reply says nothing of what lies outside the scope. */
int lx_api_units_names(lx_req *r)
{
	const char *ids = lx_req_arg(r, "ids");
	int64_t want[100];
	int n = 0;
	if (!ids || !*ids)
		return lx_reply_error(r, 400, "bad_parameter", "ids", "ids is a list like 1,2,3");
	for (const char *p = ids; *p;) {
		char *end;
		if (*p < '0' || *p > '9')
			return lx_reply_error(r, 400, "bad_parameter", "ids", "ids is a list like 1,2,3");
		long long v = strtoll(p, &end, 10);
		if (v <= 0 || v > (1LL << 53) || (*end && *end != ','))
			return lx_reply_error(r, 400, "bad_parameter", "ids", "ids is a list like 1,2,3");
		if (n == 100)
			return lx_reply_error(r, 400, "bad_parameter", "ids", "at most 100 ids at a time");
		want[n++] = v;
		p = *end ? end + 1 : end;
	}
	json_t *items = json_array();
	int rc = LX_OK;
	lx_db_read_begin(r->db);
	for (int i = 0; i < n && rc == LX_OK; i++) {
		char *name = NULL, kind[16];
		rc = lx_unit_name_visible(r->db, r->user.scope, want[i], &name, kind);
		if (rc == LX_OK)
			json_array_append_new(items, json_pack("{s:I,s:s,s:s}", "id", (json_int_t)want[i],
							       "name", name ? name : "", "kind", kind));
		free(name);
		if (rc == LX_NOTFOUND)
			rc = LX_OK;
	}
	lx_db_read_end(r->db);
	if (rc != LX_OK) {
		json_decref(items);
		return lx_reply_store_error(r, rc);
	}
	return lx_reply_json(r, 200, json_pack("{s:o}", "items", items));
}
