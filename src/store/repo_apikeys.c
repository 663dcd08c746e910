/*
 * repo_apikeys.c - API keys for the Open311 endpoint.
 *
 * Only a hash of each key is stored (like session tokens), so a copy of
 * the database does not hand out working keys. A key is revoked, never
 * deleted: the requests it filed keep pointing at it.
 */
#include "repo_open311.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_KEY_COLS "id, name, rate_limit, created_at, revoked_at, kind, unit_id"

void lx_apikey_clear(lx_apikey *k)
{
	free(k->name);
	memset(k, 0, sizeof *k);
}

static void lx_apikey_row(lx_stmt *st, lx_apikey *k)
{
	memset(k, 0, sizeof *k);
	k->id = lx_stmt_int(st, 0);
	k->name = lx_stmt_dup(st, 1);
	k->rate_limit = (int)lx_stmt_int(st, 2);
	k->created_at = lx_stmt_int(st, 3);
	k->revoked_at = lx_stmt_isnull(st, 4) ? 0 : lx_stmt_int(st, 4);
	snprintf(k->kind, sizeof k->kind, "%s", lx_stmt_text(st, 5) ? lx_stmt_text(st, 5) : "open311");
	k->unit_id = lx_stmt_int(st, 6);
}

int lx_apikey_insert(lx_db *db, lx_apikey *k, const char *key_hash, int64_t created_by)
{
	assert(k->name && key_hash && k->rate_limit > 0);
	lx_ms now = lx_now_ms();
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO api_keys(name, key_hash, rate_limit, created_by, "
					"created_at, kind, unit_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, k->name);
	lx_stmt_bind_text(st, 2, key_hash);
	lx_stmt_bind_int(st, 3, k->rate_limit);
	if (created_by)
		lx_stmt_bind_int(st, 4, created_by);
	else
		lx_stmt_bind_null(st, 4);
	lx_stmt_bind_int(st, 5, now);
	lx_stmt_bind_text(st, 6, k->kind[0] ? k->kind : "open311");
	lx_bind_id(st, 7, k->unit_id);
	int rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		k->id = lx_stmt_int(st, 0);
		k->created_at = now;
		k->revoked_at = 0;
		rc = LX_OK;
	} else if (rc == LX_DONE) {
		rc = LX_ERR;
	}
	lx_stmt_done(st);
	return rc;
}

/* Runs a one-row key query whose only parameter is bound by the caller. */
static int lx_apikey_one(lx_stmt *st, lx_apikey *out)
{
	int rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		lx_apikey_row(st, out);
		rc = LX_OK;
	} else if (rc == LX_DONE) {
		rc = LX_NOTFOUND;
	}
	lx_stmt_done(st);
	return rc;
}

int lx_apikey_get(lx_db *db, int64_t id, lx_apikey *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_KEY_COLS " FROM api_keys WHERE id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	return lx_apikey_one(st, out);
}

int lx_apikey_by_hash(lx_db *db, const char *key_hash, lx_apikey *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_KEY_COLS " FROM api_keys "
					"WHERE key_hash = ? AND revoked_at IS NULL");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, key_hash);
	return lx_apikey_one(st, out);
}

int lx_apikey_revoke(lx_db *db, int64_t id, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) "
					"WHERE id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, now);
	lx_stmt_bind_int(st, 2, id);
	return lx_change_one(db, st, LX_NOTFOUND);
}

int lx_apikey_list(lx_db *db, int (*fn)(void *arg, const lx_apikey *k), void *arg)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_KEY_COLS " FROM api_keys ORDER BY id");
	if (!st)
		return LX_ERR;
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		lx_apikey k;
		lx_apikey_row(st, &k);
		int stop = fn(arg, &k);
		lx_apikey_clear(&k);
		if (stop)
			break;
	}
	lx_stmt_done(st);
	return rc == LX_ROW || rc == LX_DONE ? LX_OK : LX_ERR;
}
