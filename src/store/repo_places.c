/*
 * repo_places.c - places of the grid: buildings, shops and 九小场所,
 * facilities, with a point or a polygon (repo_registry.h). The contact's
 * phone is sealed with the data key.
 */
#include "pii.h"
#include "repo.h"
#include "repo_field.h"
#include "repo_registry.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define LX_PLACE_COLS                                                                              \
	"id, unit_id, unit_path, type, name, address, lat, lon, geometry, contact, phone_enc, version, " \
	"created_at, updated_at"

void lx_place_clear(lx_place *p)
{
	free(p->unit_path);
	free(p->type);
	free(p->name);
	free(p->address);
	free(p->geometry);
	free(p->contact);
	lx_pii_free(p->phone);
	memset(p, 0, sizeof *p);
}

static char *lx_dup_or_null(lx_stmt *st, int col)
{
	return lx_stmt_isnull(st, col) ? NULL : lx_stmt_dup(st, col);
}

static void lx_place_fill(lx_stmt *st, void *out)
{
	lx_place *p = out;
	memset(p, 0, sizeof *p);
	p->id = lx_stmt_int(st, 0);
	p->unit_id = lx_stmt_int(st, 1);
	p->unit_path = lx_stmt_dup(st, 2);
	p->type = lx_stmt_dup(st, 3);
	p->name = lx_stmt_dup(st, 4);
	p->address = lx_dup_or_null(st, 5);
	p->has_point = !lx_stmt_isnull(st, 6) && !lx_stmt_isnull(st, 7);
	p->lat = lx_stmt_double(st, 6);
	p->lon = lx_stmt_double(st, 7);
	p->geometry = lx_dup_or_null(st, 8);
	p->contact = lx_dup_or_null(st, 9);
	p->phone = lx_pii_open(lx_stmt_text(st, 10));
	p->version = (int)lx_stmt_int(st, 11);
	p->created_at = lx_stmt_int(st, 12);
	p->updated_at = lx_stmt_int(st, 13);
}

/* Binds the fields both writes take at 1..10. */
static void lx_place_bind(lx_stmt *st, const lx_place *p)
{
	lx_stmt_bind_int(st, 1, p->unit_id);
	lx_stmt_bind_text(st, 2, p->unit_path);
	lx_stmt_bind_text(st, 3, p->type);
	lx_stmt_bind_text(st, 4, p->name);
	lx_stmt_bind_text(st, 5, p->address);
	if (p->has_point) {
		lx_stmt_bind_double(st, 6, p->lat);
		lx_stmt_bind_double(st, 7, p->lon);
	} else {
		lx_stmt_bind_null(st, 6);
		lx_stmt_bind_null(st, 7);
	}
	lx_stmt_bind_text(st, 8, p->geometry);
	lx_stmt_bind_text(st, 9, p->contact);
	char *sealed = lx_pii_seal(p->phone);
	lx_stmt_bind_text(st, 10, sealed);
	free(sealed);
}

int lx_place_add(lx_db *db, lx_place *p, lx_ms now)
{
	if (p->phone && !lx_pii_key_loaded())
		return LX_ERR; /* never store personal data unsealed */
	assert(p->unit_id > 0 && p->unit_path && p->type && p->name);
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO places(unit_id, unit_path, type, name, address, lat, lon, "
					"geometry, contact, phone_enc, version, created_at, updated_at) "
					"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id");
	if (!st)
		return LX_ERR;
	lx_place_bind(st, p);
	lx_stmt_bind_int(st, 11, now);
	lx_stmt_bind_int(st, 12, now);
	int rc = lx_stmt_one_int(st, &p->id);
	if (rc != LX_OK)
		return rc == LX_NOTFOUND ? LX_ERR : rc;
	p->version = 1;
	p->created_at = p->updated_at = now;
	return lx_targets_sync(db, "place", p->id, now);
}

int lx_place_get(lx_db *db, const char *scope, int64_t id, lx_place *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_PLACE_COLS " FROM places WHERE id = ? "
					"AND unit_path >= ? AND unit_path < ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	lx_bind_scope(st, 2, scope);
	return lx_row_one(st, lx_place_fill, out);
}

int lx_place_by_name(lx_db *db, const char *scope, const char *name, const char *address, lx_place *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_PLACE_COLS " FROM places WHERE name = ? "
					"AND COALESCE(address, '') = ? AND unit_path >= ? AND unit_path < ? "
					"ORDER BY id LIMIT 1");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, name);
	lx_stmt_bind_text(st, 2, address ? address : "");
	lx_bind_scope(st, 3, scope);
	return lx_row_one(st, lx_place_fill, out);
}

int lx_place_update(lx_db *db, lx_place *p, lx_ms now)
{
	if (p->phone && !lx_pii_key_loaded())
		return LX_ERR; /* never store personal data unsealed */
	lx_stmt *st = lx_db_prepare(db, "UPDATE places SET unit_id = ?, unit_path = ?, type = ?, name = ?, "
					"address = ?, lat = ?, lon = ?, geometry = ?, contact = ?, phone_enc = ?, "
					"version = version + 1, updated_at = ? WHERE id = ? AND version = ?");
	if (!st)
		return LX_ERR;
	lx_place_bind(st, p);
	lx_stmt_bind_int(st, 11, now);
	lx_stmt_bind_int(st, 12, p->id);
	lx_stmt_bind_int(st, 13, p->version);
	int rc = lx_change_one(db, st, LX_CONFLICT);
	if (rc != LX_OK)
		return rc;
	p->version++;
	p->updated_at = now;
	return lx_targets_sync(db, "place", p->id, now);
}

int lx_places_each(lx_db *db, const char *scope, const lx_reg_filter *f,
		   int (*fn)(void *arg, const lx_place *p), void *arg)
{
	bool empty = false;
	lx_stmt *st = lx_reg_list_prepare(db, "SELECT " LX_PLACE_COLS " FROM places", LX_REG_Q_NAME_ADDRESS, scope, f,
					  &empty);
	if (!st)
		return empty ? LX_OK : LX_ERR;
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		lx_place x;
		lx_place_fill(st, &x);
		int stop = fn(arg, &x);
		lx_place_clear(&x);
		if (stop)
			break;
	}
	lx_stmt_done(st);
	return rc == LX_ROW || rc == LX_DONE ? LX_OK : LX_ERR;
}
