/*
 * units.c - the grid tree: list, read, create, change, import (CSV in
 * UTF-8 or GBK, or a GeoJSON FeatureCollection) and locate a point.
 */
#include "api.h"
#include "csv.h"
#include "geo.h"
#include "workflow.h"

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

static bool lx_units_admin(lx_req *r)
{
	if (lx_req_role(r, LX_ROLE_ADMIN))
		return true;
	lx_reply_error(r, 403, "forbidden", NULL, "only admins change the grid");
	return false;
}

int lx_api_units_list(lx_req *r)
{
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	const char *parent = lx_req_arg(r, "parent_id"), *kind = lx_req_arg(r, "kind");
	const char *wb = lx_req_arg(r, "boundary");
	int64_t parent_id = 0;
	if (parent && *parent) {
		char *end;
		errno = 0;
		long long v = strtoll(parent, &end, 10);
		if (*end || v <= 0 || errno)
			return lx_reply_error(r, 400, "bad_parameter", "parent_id", "parent_id must be a positive integer");
		parent_id = v;
	}
	if (kind && *kind && !lx_kind_canon(kind))
		return lx_reply_error(r, 422, "unknown_kind", "kind", "unknown unit kind");
	json_t *arr = lx_unit_list(r->db, r->user.scope, parent_id, kind && *kind ? lx_kind_canon(kind) : NULL,
				   !wb || strcmp(wb, "false") != 0);
	if (!arr)
		return lx_reply_store_error(r, LX_ERR);
	json_t *j = json_object();
	json_object_set_new(j, "items", arr);
	return lx_reply_json(r, 200, j);
}

int lx_api_units_get(lx_req *r)
{
	int64_t id;
	lx_unit u;
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such unit");
	rc = lx_unit_get(r->db, r->user.scope, id, &u);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	json_t *j = lx_unit_json(&u, true);
	lx_unit_clear(&u);
	return lx_reply_json(r, 200, j);
}

/* Fills u from body (create when creating); replies on error. */
static bool lx_unit_from_body(lx_req *r, json_t *body, lx_unit *u, bool creating)
{
	const char *kind, *code, *name;
	char err[200];
	bool has_parent;
	int64_t parent_id = 0;
	if (!lx_in_str(r, body, "kind", creating, 16, &kind) ||
	    !lx_in_str(r, body, "code", creating, 64, &code) ||
	    !lx_in_str(r, body, "name", creating, 64, &name) ||
	    !lx_in_int(r, body, "parent_id", false, &parent_id, &has_parent))
		return false;
	if (kind) {
		if (!lx_kind_canon(kind)) {
			lx_reply_error(r, 422, "unknown_kind", "kind", "kind must be one of district, street, "
				       "community, village, grid, microgrid, department, station");
			return false;
		}
		snprintf(u->kind, sizeof u->kind, "%s", lx_kind_canon(kind));
	}
	if (code) {
		if (!lx_code_ok(code)) {
			lx_reply_error(r, 422, "invalid", "code", "code: 1-64 letters, digits, _ - .");
			return false;
		}
		free(u->code);
		u->code = lx_xstrdup(code);
	}
	if (name) {
		free(u->name);
		u->name = lx_xstrdup(name);
	}
	if (has_parent) {
		if (!creating && parent_id != u->parent_id) {
			lx_reply_error(r, 422, "immutable", "parent_id", "a unit cannot move to another parent");
			return false;
		}
		lx_unit p;
		int rc = lx_unit_get(r->db, r->user.scope, parent_id, &p);
		if (rc == LX_NOTFOUND) {
			lx_reply_error(r, 422, "unknown_parent", "parent_id", "no such parent unit");
			return false;
		}
		if (rc != LX_OK) {
			lx_reply_store_error(r, rc);
			return false;
		}
		lx_unit_clear(&p);
		u->parent_id = parent_id;
	}
	json_t *b = json_object_get(body, "boundary");
	if (b || creating) {
		if (b && !json_is_object(b) && !json_is_null(b)) {
			lx_reply_error(r, 400, "bad_type", "boundary", "boundary must be a GeoJSON object");
			return false;
		}
		if (lx_set_boundary(u, b, err, sizeof err) != LX_OK) {
			lx_reply_error(r, 422, "invalid_geometry", "boundary", "%s", err);
			return false;
		}
	}
	return true;
}

int lx_api_units_create(lx_req *r)
{
	json_t *body = NULL;
	lx_unit u = {0};
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	if (!lx_units_admin(r))
		return LX_FORBIDDEN;
	rc = lx_req_json(r, &body);
	if (rc != LX_OK)
		goto cleanup;
	rc = LX_BADREQ;
	if (!lx_unit_from_body(r, body, &u, true))
		goto cleanup;
	rc = lx_unit_insert(r->db, &u);
	if (rc == LX_CONFLICT) {
		rc = lx_reply_error(r, 409, "code_taken", "code", "a unit with that code exists");
		goto cleanup;
	}
	if (rc != LX_OK) {
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	rc = lx_reply_json(r, 201, lx_unit_json(&u, true));
cleanup:
	lx_unit_clear(&u);
	json_decref(body);
	return rc;
}

int lx_api_units_patch(lx_req *r)
{
	json_t *body = NULL;
	lx_unit u = {0};
	int64_t id;
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	if (!lx_units_admin(r))
		return LX_FORBIDDEN;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such unit");
	rc = lx_unit_get(r->db, r->user.scope, id, &u);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	rc = lx_req_json(r, &body);
	if (rc != LX_OK)
		goto cleanup;
	rc = LX_BADREQ;
	if (!lx_unit_from_body(r, body, &u, false))
		goto cleanup;
	rc = lx_unit_update(r->db, &u);
	if (rc == LX_CONFLICT) {
		rc = lx_reply_error(r, 409, "code_taken", "code", "a unit with that code exists");
		goto cleanup;
	}
	if (rc != LX_OK) {
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	rc = lx_reply_json(r, 200, lx_unit_json(&u, true));
cleanup:
	lx_unit_clear(&u);
	json_decref(body);
	return rc;
}

/* ---------------- locate ---------------- */

/* Parses a coordinate query argument; replies on error. */
static bool lx_arg_coord(lx_req *r, const char *key, double lo, double hi, double *out)
{
	const char *s = lx_req_arg(r, key);
	char *end;
	if (!s || !*s) {
		lx_reply_error(r, 400, "bad_parameter", key, "%s is required", key);
		return false;
	}
	errno = 0;
	double v = strtod(s, &end);
	if (*end || errno || !isfinite(v)) {
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
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
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
	for (size_t i = 0; i < im->n; i++) {
		if (strcmp(im->rows[i].code, code) == 0) {
			lx_import_error(im, line, "code %s appears twice (first on line %zu)", code,
					im->rows[i].line);
			lx_unit_clear(&tmp);
			return;
		}
	}
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
				if (!row->parent_code && !lx_req_role(r, LX_ROLE_ADMIN)) {
					lx_unit_clear(&parent);
					continue;
				}
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

int lx_api_units_import(lx_req *r)
{
	struct lx_import im = {0};
	int created = 0, updated = 0;
	int rc = lx_req_auth(r);
	if (rc != LX_OK)
		return rc;
	if (!lx_units_admin(r))
		return LX_FORBIDDEN;
	if (r->too_large)
		return lx_reply_error(r, 413, "too_large", NULL, "body larger than %zu bytes", r->app->body_limit);
	if (!r->body.len)
		return lx_reply_error(r, 400, "empty_body", NULL, "send a CSV file or a GeoJSON FeatureCollection");
	im.errors = json_array();
	const char *ct = lx_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	bool is_json = (ct && (strstr(ct, "json") != NULL)) || r->body.data[0] == '{';
	if (is_json) {
		json_error_t je;
		if (!lx_utf8_valid(r->body.data, r->body.len)) {
			rc = lx_reply_error(r, 400, "bad_encoding", NULL, "GeoJSON must be UTF-8");
			goto cleanup;
		}
		json_t *fc = json_loadb(r->body.data, r->body.len, 0, &je);
		if (!fc) {
			rc = lx_reply_error(r, 400, "bad_json", NULL, "malformed JSON at line %d: %s", je.line, je.text);
			goto cleanup;
		}
		lx_import_from_geojson(&im, fc);
		json_decref(fc);
	} else {
		lx_import_from_csv(&im, r->body.data, r->body.len);
	}
	if (json_array_size(im.errors) == 0) {
		rc = lx_db_begin(r->db, true);
		if (rc != LX_OK) {
			rc = lx_reply_store_error(r, rc);
			goto cleanup;
		}
		rc = lx_import_write(r, &im, &created, &updated);
		if (rc == LX_OK)
			rc = lx_db_commit(r->db);
		else
			lx_db_rollback(r->db);
		if (rc != LX_OK && rc != LX_INVALID) {
			rc = lx_reply_store_error(r, rc);
			goto cleanup;
		}
	}
	json_t *j = json_object();
	bool ok = json_array_size(im.errors) == 0;
	json_object_set_new(j, "created", json_integer(ok ? created : 0));
	json_object_set_new(j, "updated", json_integer(ok ? updated : 0));
	json_object_set_new(j, "errors", im.errors);
	im.errors = NULL;
	rc = lx_reply_json(r, ok ? 200 : 422, j);
cleanup:
	for (size_t i = 0; i < im.n; i++) {
		free(im.rows[i].code);
		free(im.rows[i].name);
		free(im.rows[i].kind);
		free(im.rows[i].parent_code);
		free(im.rows[i].boundary);
	}
	free(im.rows);
	json_decref(im.errors);
	return rc;
}
