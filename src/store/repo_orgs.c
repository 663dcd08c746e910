/*
 * repo_orgs.c - organisations of the grid: enterprises, social
 * organisations, schools, hospitals (repo_registry.h). The contact's phone
 * is sealed with the data key.
 */
#include "pii.h"
#include "repo.h"
#include "repo_registry.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define LX_ORG_COLS "id, unit_id, unit_path, type, name, address, contact, phone_enc, version, created_at, updated_at"

void lx_org_clear(lx_org *o)
{
	free(o->unit_path);
	free(o->type);
	free(o->name);
	free(o->address);
	free(o->contact);
	lx_pii_free(o->phone);
	memset(o, 0, sizeof *o);
}

static void lx_org_fill(lx_stmt *st, void *out)
{
	lx_org *o = out;
	memset(o, 0, sizeof *o);
	o->id = lx_stmt_int(st, 0);
	o->unit_id = lx_stmt_int(st, 1);
	o->unit_path = lx_stmt_dup(st, 2);
	o->type = lx_stmt_dup(st, 3);
	o->name = lx_stmt_dup(st, 4);
	o->address = lx_stmt_isnull(st, 5) ? NULL : lx_stmt_dup(st, 5);
	o->contact = lx_stmt_isnull(st, 6) ? NULL : lx_stmt_dup(st, 6);
	o->phone = lx_pii_open(lx_stmt_text(st, 7));
	o->version = (int)lx_stmt_int(st, 8);
	o->created_at = lx_stmt_int(st, 9);
	o->updated_at = lx_stmt_int(st, 10);
}

static void lx_org_bind(lx_stmt *st, const lx_org *o)
{
	lx_stmt_bind_int(st, 1, o->unit_id);
	lx_stmt_bind_text(st, 2, o->unit_path);
	lx_stmt_bind_text(st, 3, o->type);
	lx_stmt_bind_text(st, 4, o->name);
	lx_stmt_bind_text(st, 5, o->address);
	lx_stmt_bind_text(st, 6, o->contact);
	char *sealed = lx_pii_seal(o->phone);
	lx_stmt_bind_text(st, 7, sealed);
	free(sealed);
}

int lx_org_add(lx_db *db, lx_org *o, lx_ms now)
{
	if (o->phone && !lx_pii_key_loaded())
		return LX_ERR; /* never store personal data unsealed */
	assert(o->unit_id > 0 && o->unit_path && o->type && o->name);
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO organisations(unit_id, unit_path, type, name, address, contact, "
					"phone_enc, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?) "
					"RETURNING id");
	if (!st)
		return LX_ERR;
	lx_org_bind(st, o);
	lx_stmt_bind_int(st, 8, now);
	lx_stmt_bind_int(st, 9, now);
	int rc = lx_stmt_one_int(st, &o->id);
	if (rc == LX_OK) {
		o->version = 1;
		o->created_at = o->updated_at = now;
	}
	return rc == LX_NOTFOUND ? LX_ERR : rc;
}

int lx_org_get(lx_db *db, const char *scope, int64_t id, lx_org *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_ORG_COLS " FROM organisations WHERE id = ? "
					"AND unit_path >= ? AND unit_path < ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	lx_bind_scope(st, 2, scope);
	return lx_row_one(st, lx_org_fill, out);
}

int lx_org_update(lx_db *db, lx_org *o, lx_ms now)
{
	if (o->phone && !lx_pii_key_loaded())
		return LX_ERR; /* never store personal data unsealed */
	lx_stmt *st = lx_db_prepare(db, "UPDATE organisations SET unit_id = ?, unit_path = ?, type = ?, name = ?, "
					"address = ?, contact = ?, phone_enc = ?, version = version + 1, updated_at = ? "
					"WHERE id = ? AND version = ?");
	if (!st)
		return LX_ERR;
	lx_org_bind(st, o);
	lx_stmt_bind_int(st, 8, now);
	lx_stmt_bind_int(st, 9, o->id);
	lx_stmt_bind_int(st, 10, o->version);
	int rc = lx_change_one(db, st, LX_CONFLICT);
	if (rc == LX_OK) {
		o->version++;
		o->updated_at = now;
	}
	return rc;
}

int lx_orgs_each(lx_db *db, const char *scope, const lx_reg_filter *f,
		 int (*fn)(void *arg, const lx_org *o), void *arg)
{
	bool empty = false;
	lx_stmt *st = lx_reg_list_prepare(db, "SELECT " LX_ORG_COLS " FROM organisations", LX_REG_Q_NAME_ADDRESS, scope,
					  f, &empty);
	if (!st)
		return empty ? LX_OK : LX_ERR;
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		lx_org x;
		lx_org_fill(st, &x);
		int stop = fn(arg, &x);
		lx_org_clear(&x);
		if (stop)
			break;
	}
	lx_stmt_done(st);
	return rc == LX_ROW || rc == LX_DONE ? LX_OK : LX_ERR;
}
