/*
 * repo_units.c - the grid tree: units with a materialised path.
 *
 * A unit's path is its ancestors' ids and its own, "/1/7/42/". A subtree
 * is the half-open range [path, path with its last '/' turned into '0'),
 * because '0' follows '/' in byte order and paths hold only digits and
 * slashes: one index range scan on SQLite and PostgreSQL alike.
 */
#include "repo.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_UNIT_COLS "id, parent_id, kind, code, name, path, depth, boundary, " \
		     "min_lon, min_lat, max_lon, max_lat, updated_at"
/* The same without the boundary text, for scans that do not need it. */
#define LX_UNIT_COLS_NB "id, parent_id, kind, code, name, path, depth, NULL, " \
			"min_lon, min_lat, max_lon, max_lat, updated_at"

void lx_unit_clear(lx_unit *u)
{
	free(u->code);
	free(u->name);
	free(u->path);
	free(u->boundary);
	memset(u, 0, sizeof *u);
}

bool lx_scope_contains(const char *scope, const char *path)
{
	if (!scope || !path)
		return false;
	return strncmp(scope, path, strlen(scope)) == 0;
}

void lx_scope_upper(const char *path, char *hi, size_t hisz)
{
	size_t n = strlen(path);
	assert(n > 0 && path[n - 1] == '/' && n < hisz);
	memcpy(hi, path, n + 1);
	hi[n - 1] = '0';
}

void lx_bind_scope(lx_stmt *st, int i, const char *path)
{
	char hi[512];
	lx_scope_upper(path, hi, sizeof hi);
	lx_stmt_bind_text(st, i, path);
	lx_stmt_bind_text(st, i + 1, hi);
}

size_t lx_path_ids(const char *path, int64_t *ids, size_t max)
{
	size_t n = 0;
	const char *p = path;
	if (!p || *p != '/')
		return 0;
	while (p[1]) {
		char *end;
		long long id = strtoll(p + 1, &end, 10);
		if (end == p + 1 || *end != '/' || n == max)
			return 0;
		ids[n++] = id;
		p = end;
	}
	return n;
}

int64_t lx_path_unit_id(const char *path)
{
	int64_t ids[LX_PATH_MAX_DEPTH];
	size_t n = lx_path_ids(path, ids, LX_PATH_MAX_DEPTH);
	return n ? ids[n - 1] : 0;
}

static void lx_unit_row(lx_stmt *st, lx_unit *u);
static void lx_unit_fill(lx_stmt *st, void *out)
{
	lx_unit_row(st, out);
}

static void lx_unit_row(lx_stmt *st, lx_unit *u)
{
	memset(u, 0, sizeof *u);
	u->id = lx_stmt_int(st, 0);
	u->parent_id = lx_stmt_isnull(st, 1) ? 0 : lx_stmt_int(st, 1);
	snprintf(u->kind, sizeof u->kind, "%s", lx_stmt_text(st, 2));
	u->code = lx_stmt_dup(st, 3);
	u->name = lx_stmt_dup(st, 4);
	u->path = lx_stmt_dup(st, 5);
	u->depth = (int)lx_stmt_int(st, 6);
	u->boundary = lx_stmt_dup(st, 7);
	for (int i = 0; i < 4; i++)
		u->bbox[i] = lx_stmt_double(st, 8 + i);
	u->updated_at = lx_stmt_int(st, 12);
}

static int lx_unit_one(lx_stmt *st, lx_unit *out)
{
	return lx_row_one(st, lx_unit_fill, out);
}

int lx_unit_get(lx_db *db, const char *scope, int64_t id, lx_unit *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_UNIT_COLS " FROM units "
					"WHERE id = ? AND path >= ? AND path < ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	lx_bind_scope(st, 2, scope);
	return lx_unit_one(st, out);
}

int lx_unit_head(lx_db *db, int64_t id, lx_unit *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_UNIT_COLS_NB " FROM units WHERE id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	return lx_unit_one(st, out);
}

int lx_unit_get_by_code(lx_db *db, const char *code, lx_unit *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_UNIT_COLS " FROM units WHERE code = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, code);
	return lx_unit_one(st, out);
}

int lx_unit_desk(lx_db *db, int64_t unit_id, lx_unit *out)
{
	if (unit_id > 0)
		return lx_unit_get(db, "/", unit_id, out);
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_UNIT_COLS " FROM units WHERE parent_id IS NULL "
					"AND kind = 'district' ORDER BY id LIMIT 1");
	if (!st)
		return LX_ERR;
	return lx_unit_one(st, out);
}

static void lx_bind_bbox(lx_stmt *st, int first, const lx_unit *u)
{
	for (int i = 0; i < 4; i++) {
		if (u->boundary)
			lx_stmt_bind_double(st, first + i, u->bbox[i]);
		else
			lx_stmt_bind_null(st, first + i);
	}
}

int lx_unit_insert(lx_db *db, lx_unit *u)
{
	int rc = LX_ERR;
	char *parent_path = NULL;
	lx_ms now = lx_now_ms();
	int depth = 0;

	if (u->parent_id) {
		lx_unit parent;
		rc = lx_unit_get(db, "/", u->parent_id, &parent);
		if (rc != LX_OK)
			goto cleanup;
		parent_path = parent.path;
		parent.path = NULL;
		depth = parent.depth + 1;
		lx_unit_clear(&parent);
	}
	/* Insert with a placeholder path, then set the real one from the id. */
	lx_stmt *st = lx_db_prepare(db,
		"INSERT INTO units(parent_id, kind, code, name, path, depth, boundary, "
		"min_lon, min_lat, max_lon, max_lat, created_at, updated_at) "
		"VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	if (!st)
		goto cleanup;
	if (u->parent_id)
		lx_stmt_bind_int(st, 1, u->parent_id);
	else
		lx_stmt_bind_null(st, 1);
	lx_stmt_bind_text(st, 2, u->kind);
	lx_stmt_bind_text(st, 3, u->code);
	lx_stmt_bind_text(st, 4, u->name);
	lx_stmt_bind_int(st, 5, depth);
	lx_stmt_bind_text(st, 6, u->boundary);
	lx_bind_bbox(st, 7, u);
	lx_stmt_bind_int(st, 11, now);
	lx_stmt_bind_int(st, 12, now);
	rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		u->id = lx_stmt_int(st, 0);
		rc = LX_OK;
	}
	lx_stmt_done(st);
	if (rc != LX_OK)
		goto cleanup;
	free(u->path);
	u->path = lx_xasprintf("%s%lld/", parent_path ? parent_path : "/", (long long)u->id);
	u->depth = depth;
	st = lx_db_prepare(db, "UPDATE units SET path = ? WHERE id = ?");
	if (!st) {
		rc = LX_ERR;
		goto cleanup;
	}
	lx_stmt_bind_text(st, 1, u->path);
	lx_stmt_bind_int(st, 2, u->id);
	rc = lx_stmt_step(st) == LX_DONE ? LX_OK : LX_ERR;
	lx_stmt_done(st);
cleanup:
	free(parent_path);
	return rc;
}

int lx_unit_update(lx_db *db, const lx_unit *u)
{
	/* updated_at stamps the parsed boundaries every node caches
	 * (api/geocache.c): it must change with every update, even two in the
	 * same millisecond as the last */
	lx_stmt *st = lx_db_prepare(db,
		"UPDATE units SET kind = ?, code = ?, name = ?, boundary = ?, min_lon = ?, "
		"min_lat = ?, max_lon = ?, max_lat = ?, "
		"updated_at = CASE WHEN ? > updated_at THEN ? ELSE updated_at + 1 END WHERE id = ?");
	if (!st)
		return LX_ERR;
	lx_ms now = lx_now_ms();
	lx_stmt_bind_text(st, 1, u->kind);
	lx_stmt_bind_text(st, 2, u->code);
	lx_stmt_bind_text(st, 3, u->name);
	lx_stmt_bind_text(st, 4, u->boundary);
	lx_bind_bbox(st, 5, u);
	lx_stmt_bind_int(st, 9, now);
	lx_stmt_bind_int(st, 10, now);
	lx_stmt_bind_int(st, 11, u->id);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : rc;
}

json_t *lx_unit_json(const lx_unit *u, bool with_boundary)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(u->id));
	json_object_set_new(o, "parent_id", u->parent_id ? json_integer(u->parent_id) : json_null());
	json_object_set_new(o, "kind", json_string(u->kind));
	json_object_set_new(o, "code", json_string(u->code));
	json_object_set_new(o, "name", json_string(u->name));
	json_object_set_new(o, "path", json_string(u->path));
	json_object_set_new(o, "depth", json_integer(u->depth));
	if (with_boundary) {
		json_t *b = u->boundary ? json_loads(u->boundary, 0, NULL) : NULL;
		json_object_set_new(o, "boundary", b ? b : json_null());
	}
	return o;
}

static json_t *lx_unit_row_json(lx_stmt *st, void *arg)
{
	lx_unit u;
	lx_unit_row(st, &u);
	json_t *o = lx_unit_json(&u, *(bool *)arg);
	lx_unit_clear(&u);
	return o;
}

json_t *lx_unit_list(lx_db *db, const char *scope, int64_t parent_id, const char *kind,
		     bool with_boundary, int64_t limit, int64_t offset)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_UNIT_COLS " FROM units "
					"WHERE path >= ? AND path < ? AND (? = 0 OR parent_id = ?) "
					"AND (? IS NULL OR kind = ?) ORDER BY depth, code, id LIMIT ? OFFSET ?");
	if (!st)
		return NULL;
	lx_bind_scope(st, 1, scope);
	lx_stmt_bind_int(st, 3, parent_id);
	lx_stmt_bind_int(st, 4, parent_id);
	lx_stmt_bind_text(st, 5, kind);
	lx_stmt_bind_text(st, 6, kind);
	lx_stmt_bind_int(st, 7, limit);
	lx_stmt_bind_int(st, 8, offset);
	return lx_rows_json(st, lx_unit_row_json, &with_boundary);
}

int lx_unit_candidates(lx_db *db, double lat, double lon,
		       int (*fn)(void *arg, const lx_unit *u), void *arg)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_UNIT_COLS_NB " FROM units "
					"WHERE boundary IS NOT NULL AND min_lon <= ? AND max_lon >= ? "
					"AND min_lat <= ? AND max_lat >= ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_double(st, 1, lon);
	lx_stmt_bind_double(st, 2, lon);
	lx_stmt_bind_double(st, 3, lat);
	lx_stmt_bind_double(st, 4, lat);
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		lx_unit u;
		lx_unit_row(st, &u);
		int stop = fn(arg, &u);
		lx_unit_clear(&u);
		if (stop)
			break;
	}
	lx_stmt_done(st);
	return rc == LX_ERR || rc == LX_BUSY ? rc : LX_OK;
}

int lx_unit_boundary(lx_db *db, int64_t id, char **out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT boundary FROM units WHERE id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	int rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		*out = lx_stmt_dup(st, 0);
		rc = *out ? LX_OK : LX_NOTFOUND;
	} else if (rc == LX_DONE) {
		rc = LX_NOTFOUND;
	}
	lx_stmt_done(st);
	return rc;
}

int lx_unit_ancestors(lx_db *db, const lx_unit *u, lx_unit **out, size_t *n)
{
	/* The path lists the ancestors' ids in order: load each. */
	size_t cap = (size_t)u->depth + 1, cnt = 0;
	lx_unit *arr = lx_xcalloc(cap, sizeof *arr);
	int rc = LX_OK;
	const char *p = u->path;
	while (*p == '/' && p[1]) {
		char *end;
		long long id = strtoll(p + 1, &end, 10);
		if (end == p + 1)
			break;
		if (cnt == cap) {
			cap *= 2;
			arr = lx_xrealloc(arr, cap * sizeof *arr);
		}
		rc = lx_unit_get(db, "/", id, &arr[cnt]);
		if (rc != LX_OK)
			break;
		cnt++;
		p = end;
	}
	if (rc != LX_OK) {
		for (size_t i = 0; i < cnt; i++)
			lx_unit_clear(&arr[i]);
		free(arr);
		return rc;
	}
	*out = arr;
	*n = cnt;
	return LX_OK;
}

int lx_unit_find_named(lx_db *db, const char *under, const char *kind, const char *name,
		       lx_unit *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_UNIT_COLS " FROM units "
					"WHERE kind = ? AND name = ? AND path >= ? AND path < ? "
					"ORDER BY depth, id LIMIT 2");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, kind);
	lx_stmt_bind_text(st, 2, name);
	lx_bind_scope(st, 3, under ? under : "/");
	int rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		lx_unit_row(st, out);
		rc = LX_OK;
		/* Anywhere: ambiguity is no match, so a case never goes to a guess. */
		if (!under && lx_stmt_step(st) == LX_ROW) {
			lx_unit_clear(out);
			rc = LX_NOTFOUND;
		}
	} else if (rc == LX_DONE) {
		rc = LX_NOTFOUND;
	}
	lx_stmt_done(st);
	return rc;
}

int lx_unit_children(lx_db *db, int64_t parent_id, lx_unit **out, size_t *n)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_UNIT_COLS " FROM units WHERE parent_id = ? "
					"ORDER BY kind <> 'street', kind, code");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, parent_id);
	size_t cap = 8, cnt = 0;
	lx_unit *arr = lx_xcalloc(cap, sizeof *arr);
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		if (cnt == cap) {
			cap *= 2;
			arr = lx_xrealloc(arr, cap * sizeof *arr);
		}
		lx_unit_row(st, &arr[cnt++]);
	}
	lx_stmt_done(st);
	if (rc != LX_DONE) {
		for (size_t i = 0; i < cnt; i++)
			lx_unit_clear(&arr[i]);
		free(arr);
		return LX_ERR;
	}
	*out = arr;
	*n = cnt;
	return LX_OK;
}

struct lx_unit_name_row {
	char **name;
	char *kind;
};

static void lx_unit_name_fill(lx_stmt *st, void *out)
{
	struct lx_unit_name_row *o = out;
	*o->name = lx_stmt_dup(st, 0);
	snprintf(o->kind, 16, "%s", lx_stmt_text(st, 1) ? lx_stmt_text(st, 1) : "");
}

int lx_unit_name_visible(lx_db *db, const char *scope, int64_t id, char **name, char kind[16])
{
	*name = NULL;
	kind[0] = '\0';
	/* u.path is the path of the unit's own cases: handled by it
	 * (scope_path), located in it (unit_path), assisting (task unit_path) */
	bool root = strcmp(scope, "/") == 0; /* names everything: the plain lookup */
	const char *sql = root ? "SELECT u.name, u.kind FROM units u WHERE u.id = ?3"
		: "SELECT u.name, u.kind FROM units u WHERE u.id = ?3 AND ("
		    "(u.path >= ?1 AND u.path < ?2) OR SUBSTR(?1, 1, LENGTH(u.path)) = u.path "
		    "OR EXISTS (SELECT 1 FROM cases c WHERE c.scope_path = u.path AND "
		    "c.unit_path >= ?1 AND c.unit_path < ?2) "
		    "OR EXISTS (SELECT 1 FROM cases c WHERE c.unit_path = u.path AND "
		    "c.scope_path >= ?1 AND c.scope_path < ?2) "
		    "OR EXISTS (SELECT 1 FROM case_tasks t JOIN cases c ON c.id = t.case_id "
		    "WHERE t.unit_id = u.id AND ((c.scope_path >= ?1 AND c.scope_path < ?2) OR "
		    "(c.unit_path >= ?1 AND c.unit_path < ?2))))";
	lx_stmt *st = lx_db_prepare(db, sql);
	if (!st)
		return LX_ERR;
	if (!root)
		lx_bind_scope(st, 1, scope);
	lx_stmt_bind_int(st, 3, id);
	struct lx_unit_name_row o = {name, kind};
	return lx_row_one(st, lx_unit_name_fill, &o);
}
