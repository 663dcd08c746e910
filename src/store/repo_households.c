/*
 * repo_households.c - households registered in grids, and their moves
 * (repo_registry.h).
 */
#include "repo.h"
#include "repo_field.h"
#include "repo_registry.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define LX_HH_COLS "id, unit_id, unit_path, address, members, lat, lon, version, created_at, updated_at"

void lx_household_clear(lx_household *h)
{
	free(h->unit_path);
	free(h->address);
	memset(h, 0, sizeof *h);
}

static void lx_household_fill(lx_stmt *st, void *out)
{
	lx_household *h = out;
	memset(h, 0, sizeof *h);
	h->id = lx_stmt_int(st, 0);
	h->unit_id = lx_stmt_int(st, 1);
	h->unit_path = lx_stmt_dup(st, 2);
	h->address = lx_stmt_dup(st, 3);
	h->members = (int)lx_stmt_int(st, 4);
	h->has_point = !lx_stmt_isnull(st, 5) && !lx_stmt_isnull(st, 6);
	h->lat = lx_stmt_double(st, 5);
	h->lon = lx_stmt_double(st, 6);
	h->version = (int)lx_stmt_int(st, 7);
	h->created_at = lx_stmt_int(st, 8);
	h->updated_at = lx_stmt_int(st, 9);
}

static void lx_bind_point(lx_stmt *st, int i, bool has, double lat, double lon)
{
	if (has) {
		lx_stmt_bind_double(st, i, lat);
		lx_stmt_bind_double(st, i + 1, lon);
	} else {
		lx_stmt_bind_null(st, i);
		lx_stmt_bind_null(st, i + 1);
	}
}

int lx_household_add(lx_db *db, lx_household *h, lx_ms now)
{
	assert(h->unit_id > 0 && h->unit_path && h->address);
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO households(unit_id, unit_path, address, members, "
					"elderly_alone, lat, lon, version, created_at, updated_at) "
					"VALUES (?, ?, ?, ?, 0, ?, ?, 1, ?, ?) RETURNING id");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, h->unit_id);
	lx_stmt_bind_text(st, 2, h->unit_path);
	lx_stmt_bind_text(st, 3, h->address);
	lx_stmt_bind_int(st, 4, h->members);
	lx_bind_point(st, 5, h->has_point, h->lat, h->lon);
	lx_stmt_bind_int(st, 7, now);
	lx_stmt_bind_int(st, 8, now);
	int rc = lx_stmt_one_int(st, &h->id);
	if (rc != LX_OK)
		return rc == LX_NOTFOUND ? LX_ERR : rc;
	h->version = 1;
	h->created_at = h->updated_at = now;
	return lx_targets_sync(db, "household", h->id, now);
}

int lx_household_get(lx_db *db, const char *scope, int64_t id, lx_household *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_HH_COLS " FROM households WHERE id = ? "
					"AND unit_path >= ? AND unit_path < ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	lx_bind_scope(st, 2, scope);
	return lx_row_one(st, lx_household_fill, out);
}

int lx_household_by_address(lx_db *db, const char *scope, const char *address, lx_household *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_HH_COLS " FROM households WHERE address = ? "
					"AND unit_path >= ? AND unit_path < ? ORDER BY id LIMIT 1");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, address);
	lx_bind_scope(st, 2, scope);
	return lx_row_one(st, lx_household_fill, out);
}

/* The rows that follow a household to its new grid. */
static int lx_household_follow(lx_db *db, const lx_household *h)
{
	static const char *const sql[] = {
		"UPDATE residents SET unit_id = ?1, unit_path = ?2 WHERE household_id = ?3",
		"UPDATE resident_tags SET unit_path = ?2 WHERE resident_id IN "
		"(SELECT id FROM residents WHERE household_id = ?3)",
		"UPDATE visit_targets SET unit_id = ?1, unit_path = ?2 WHERE target_kind = 'household' "
		"AND target_id = ?3",
		"UPDATE visit_targets SET unit_id = ?1, unit_path = ?2 WHERE target_kind = 'resident' "
		"AND target_id IN (SELECT id FROM residents WHERE household_id = ?3)",
	};
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		lx_stmt *st = lx_db_prepare(db, sql[i]);
		if (!st)
			return LX_ERR;
		lx_stmt_bind_int(st, 1, h->unit_id);
		lx_stmt_bind_text(st, 2, h->unit_path);
		lx_stmt_bind_int(st, 3, h->id);
		int rc = lx_stmt_step(st);
		lx_stmt_done(st);
		if (rc != LX_DONE)
			return LX_ERR;
	}
	return LX_OK;
}

int lx_household_update(lx_db *db, lx_household *h, const lx_household *was, int64_t by, lx_ms now)
{
	assert(h->id == was->id);
	lx_stmt *st = lx_db_prepare(db, "UPDATE households SET unit_id = ?, unit_path = ?, address = ?, "
					"members = ?, lat = ?, lon = ?, version = version + 1, updated_at = ? "
					"WHERE id = ? AND version = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, h->unit_id);
	lx_stmt_bind_text(st, 2, h->unit_path);
	lx_stmt_bind_text(st, 3, h->address);
	lx_stmt_bind_int(st, 4, h->members);
	lx_bind_point(st, 5, h->has_point, h->lat, h->lon);
	lx_stmt_bind_int(st, 7, now);
	lx_stmt_bind_int(st, 8, h->id);
	lx_stmt_bind_int(st, 9, h->version);
	int rc = lx_change_one(db, st, LX_CONFLICT);
	if (rc != LX_OK)
		return rc;
	h->version++;
	h->updated_at = now;
	/* the due lists sort by the point their targets keep */
	static const char *const points[] = {
		"UPDATE visit_targets SET lat = ?1, lon = ?2 WHERE target_kind = 'household' AND target_id = ?3",
		"UPDATE visit_targets SET lat = ?1, lon = ?2 WHERE target_kind = 'resident' AND target_id IN "
		"(SELECT id FROM residents WHERE household_id = ?3)",
	};
	for (size_t i = 0; i < 2; i++) {
		st = lx_db_prepare(db, points[i]);
		if (!st)
			return LX_ERR;
		lx_bind_point(st, 1, h->has_point, h->lat, h->lon);
		lx_stmt_bind_int(st, 3, h->id);
		rc = lx_stmt_step(st);
		lx_stmt_done(st);
		if (rc != LX_DONE)
			return LX_ERR;
	}
	if (h->unit_id == was->unit_id)
		return LX_OK;
	rc = lx_targets_sync(db, "household", h->id, now);
	if (rc != LX_OK)
		return rc;
	st = lx_db_prepare(db, "INSERT INTO household_moves(household_id, from_unit_id, to_unit_id, from_address, "
			       "to_address, moved_by, moved_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, h->id);
	lx_stmt_bind_int(st, 2, was->unit_id);
	lx_stmt_bind_int(st, 3, h->unit_id);
	lx_stmt_bind_text(st, 4, was->address);
	lx_stmt_bind_text(st, 5, h->address);
	lx_bind_id(st, 6, by);
	lx_stmt_bind_int(st, 7, now);
	rc = lx_stmt_step(st);
	lx_stmt_done(st);
	if (rc != LX_DONE)
		return LX_ERR;
	return lx_household_follow(db, h);
}

int lx_households_each(lx_db *db, const char *scope, const lx_reg_filter *f,
		       int (*fn)(void *arg, const lx_household *h), void *arg)
{
	bool empty = false;
	lx_stmt *st = lx_reg_list_prepare(db, "SELECT " LX_HH_COLS " FROM households", "address LIKE ?5 ESCAPE '\\'",
					  scope, f, &empty);
	if (!st)
		return empty ? LX_OK : LX_ERR;
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		lx_household x;
		lx_household_fill(st, &x);
		int stop = fn(arg, &x);
		lx_household_clear(&x);
		if (stop)
			break;
	}
	lx_stmt_done(st);
	return rc == LX_ROW || rc == LX_DONE ? LX_OK : LX_ERR;
}

static json_t *lx_move_row(lx_stmt *st, void *arg)
{
	(void)arg;
	return json_pack("{s:I, s:I, s:s, s:s, s:o, s:I}", "from_unit_id", (json_int_t)lx_stmt_int(st, 0),
			 "to_unit_id", (json_int_t)lx_stmt_int(st, 1), "from_address", lx_stmt_text(st, 2),
			 "to_address", lx_stmt_text(st, 3), "moved_by",
			 lx_stmt_isnull(st, 4) ? json_null() : json_integer(lx_stmt_int(st, 4)), "moved_at",
			 (json_int_t)lx_stmt_int(st, 5));
}

json_t *lx_household_moves(lx_db *db, int64_t id)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT from_unit_id, to_unit_id, from_address, to_address, moved_by, "
					"moved_at FROM household_moves WHERE household_id = ? ORDER BY id");
	if (!st)
		return NULL;
	lx_stmt_bind_int(st, 1, id);
	return lx_rows_json(st, lx_move_row, NULL);
}
