/*
 * repo_resident.c - residents' codes and sessions (repo_resident.h).
 */
#include "pii.h"
#include "repo_resident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lx_resident_sends(lx_db *db, const char *phone_key, const char *addr, lx_ms since, int64_t *to_phone,
		      int64_t *from_addr)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT count(*) FROM resident_code_sends WHERE phone_key = ? AND at >= ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, phone_key);
	lx_stmt_bind_int(st, 2, since);
	if (lx_stmt_one_int(st, to_phone) != LX_OK)
		return LX_ERR;
	st = lx_db_prepare(db, "SELECT count(*) FROM resident_code_sends WHERE addr = ? AND at >= ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, addr);
	lx_stmt_bind_int(st, 2, since);
	return lx_stmt_one_int(st, from_addr) == LX_OK ? LX_OK : LX_ERR;
}

int lx_resident_send_add(lx_db *db, const char *phone_key, const char *addr, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO resident_code_sends(phone_key, addr, at) VALUES (?, ?, ?)");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, phone_key);
	lx_stmt_bind_text(st, 2, addr);
	lx_stmt_bind_int(st, 3, now);
	return lx_stmt_exec(st);
}

int lx_resident_code_put(lx_db *db, const char *phone_key, const char *addr, const char *code_hash,
			 lx_ms expires_at, lx_ms now)
{
	if (lx_resident_send_add(db, phone_key, addr, now) != LX_OK)
		return LX_ERR;
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO resident_codes(phone_key, code_hash, expires_at, tries) VALUES (?, ?, ?, 0) "
			       "ON CONFLICT (phone_key) DO UPDATE SET code_hash = excluded.code_hash, "
			       "expires_at = excluded.expires_at, tries = 0");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, phone_key);
	lx_stmt_bind_text(st, 2, code_hash);
	lx_stmt_bind_int(st, 3, expires_at);
	return lx_stmt_exec(st);
}

static void lx_code_fill(lx_stmt *st, void *out)
{
	lx_resident_code *c = out;
	snprintf(c->code_hash, sizeof c->code_hash, "%s", lx_stmt_text(st, 0) ? lx_stmt_text(st, 0) : "");
	c->expires_at = lx_stmt_int(st, 1);
	c->tries = (int)lx_stmt_int(st, 2);
	c->locked_until = lx_stmt_int(st, 3);
}

int lx_resident_code_get(lx_db *db, const char *phone_key, lx_resident_code *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT code_hash, expires_at, tries, locked_until FROM resident_codes "
					"WHERE phone_key = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, phone_key);
	return lx_row_one(st, lx_code_fill, out);
}

int lx_resident_code_wrong(lx_db *db, const char *phone_key, int max, lx_ms lock_until)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE resident_codes SET tries = tries + 1, "
					"locked_until = CASE WHEN tries + 1 >= ? THEN ? ELSE locked_until END, "
					"code_hash = CASE WHEN tries + 1 >= ? THEN NULL ELSE code_hash END "
					"WHERE phone_key = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, max);
	lx_stmt_bind_int(st, 2, lock_until);
	lx_stmt_bind_int(st, 3, max);
	lx_stmt_bind_text(st, 4, phone_key);
	return lx_stmt_exec(st);
}

int lx_resident_code_spend(lx_db *db, const char *phone_key)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE resident_codes SET code_hash = NULL, tries = 0 WHERE phone_key = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, phone_key);
	return lx_stmt_exec(st);
}

int lx_resident_session_put(lx_db *db, const char *token_hash, const char *phone, lx_ms now, lx_ms expires_at)
{
	char *sealed = lx_pii_seal(phone);
	if (!sealed)
		return LX_ERR;
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO resident_sessions(token_hash, phone_sealed, created_at, expires_at) "
					"VALUES (?, ?, ?, ?)");
	int rc = LX_ERR;
	if (st) {
		lx_stmt_bind_text(st, 1, token_hash);
		lx_stmt_bind_text(st, 2, sealed);
		lx_stmt_bind_int(st, 3, now);
		lx_stmt_bind_int(st, 4, expires_at);
		rc = lx_stmt_exec(st);
	}
	free(sealed);
	return rc;
}

int lx_resident_session_get(lx_db *db, const char *token_hash, lx_ms now, char **phone)
{
	*phone = NULL;
	lx_stmt *st = lx_db_prepare(db, "SELECT phone_sealed FROM resident_sessions WHERE token_hash = ? "
					"AND revoked_at IS NULL AND expires_at > ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, token_hash);
	lx_stmt_bind_int(st, 2, now);
	char *sealed = NULL;
	int rc = lx_stmt_one_text(st, &sealed);
	if (rc == LX_OK) {
		*phone = lx_pii_open(sealed);
		rc = *phone ? LX_OK : LX_NOTFOUND; /* sealed with another key */
	}
	free(sealed);
	return rc;
}

int lx_resident_session_revoke(lx_db *db, const char *token_hash, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE resident_sessions SET revoked_at = ? WHERE token_hash = ? "
					"AND revoked_at IS NULL");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, now);
	lx_stmt_bind_text(st, 2, token_hash);
	return lx_stmt_exec(st);
}
