/*
 * repo_users.c - users (scoped by their unit) and login sessions.
 *
 * Sessions store only a hash of the bearer token, so a copy of the
 * database does not hand out live tokens.
 */
#include "repo.h"
#include "repo_notify.h"
#include "rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_USER_COLS "u.id, u.login, u.name, u.phone, u.roles, u.unit_id, " \
		     "COALESCE(n.path, '/'), u.active, u.must_change_password, " \
		     "COALESCE(u.password_changed_at, u.updated_at), " \
		     "CASE WHEN u.totp_secret IS NULL THEN 0 ELSE 1 END"
#define LX_USER_NCOLS 11

void lx_user_clear(lx_user *u)
{
	free(u->login);
	free(u->name);
	free(u->phone);
	free(u->scope);
	memset(u, 0, sizeof *u);
}

static void lx_user_row(lx_stmt *st, lx_user *u)
{
	memset(u, 0, sizeof *u);
	u->id = lx_stmt_int(st, 0);
	u->login = lx_stmt_dup(st, 1);
	u->name = lx_stmt_dup(st, 2);
	u->phone = lx_stmt_dup(st, 3);
	unsigned roles = 0;
	lx_roles_parse_list(lx_stmt_text(st, 4), &roles);
	u->roles = roles;
	u->unit_id = lx_stmt_isnull(st, 5) ? 0 : lx_stmt_int(st, 5);
	u->scope = lx_stmt_dup(st, 6);
	u->active = lx_stmt_int(st, 7) != 0;
	u->must_change_password = lx_stmt_int(st, 8) != 0;
	u->password_changed_at = lx_stmt_int(st, 9);
	u->totp_enabled = lx_stmt_int(st, 10) != 0;
}

static void lx_user_fill(lx_stmt *st, void *out)
{
	lx_user_row(st, out);
}

static json_t *lx_user_row_json(lx_stmt *st, void *arg)
{
	lx_user u;
	(void)arg;
	lx_user_row(st, &u);
	json_t *o = lx_user_json(&u);
	lx_user_clear(&u);
	return o;
}

static void lx_user_bind(lx_stmt *st, int first, const lx_user *u)
{
	char roles[128];
	lx_stmt_bind_text(st, first, u->name);
	lx_stmt_bind_text(st, first + 1, u->phone);
	lx_stmt_bind_text(st, first + 2, lx_roles_format(u->roles, roles, sizeof roles));
	if (u->unit_id)
		lx_stmt_bind_int(st, first + 3, u->unit_id);
	else
		lx_stmt_bind_null(st, first + 3);
	lx_stmt_bind_int(st, first + 4, u->active ? 1 : 0);
}

int lx_user_insert(lx_db *db, lx_user *u, const char *password_hash)
{
	lx_users_changed();
	lx_ms now = lx_now_ms();
	lx_stmt *st = lx_db_prepare(db,
		"INSERT INTO users(name, phone, roles, unit_id, active, login, password_hash, "
		"created_at, updated_at, must_change_password, password_changed_at) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	if (!st)
		return LX_ERR;
	lx_user_bind(st, 1, u);
	lx_stmt_bind_text(st, 6, u->login);
	lx_stmt_bind_text(st, 7, password_hash);
	lx_stmt_bind_int(st, 8, now);
	lx_stmt_bind_int(st, 9, now);
	lx_stmt_bind_int(st, 10, u->must_change_password ? 1 : 0);
	lx_stmt_bind_int(st, 11, now);
	int rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		u->id = lx_stmt_int(st, 0);
		rc = LX_OK;
	}
	lx_stmt_done(st);
	return rc;
}

int lx_user_update(lx_db *db, const lx_user *u, const char *password_hash)
{
	lx_users_changed();
	lx_ms now = lx_now_ms();
	lx_stmt *st = lx_db_prepare(db, password_hash
		? "UPDATE users SET name = ?, phone = ?, roles = ?, unit_id = ?, active = ?, "
		  "password_hash = ?, must_change_password = ?, password_changed_at = ?, updated_at = ? "
		  "WHERE id = ?"
		: "UPDATE users SET name = ?, phone = ?, roles = ?, unit_id = ?, active = ?, "
		  "updated_at = ? WHERE id = ?");
	if (!st)
		return LX_ERR;
	lx_user_bind(st, 1, u);
	int i = 6;
	if (password_hash) {
		lx_stmt_bind_text(st, i++, password_hash);
		lx_stmt_bind_int(st, i++, u->must_change_password ? 1 : 0);
		lx_stmt_bind_int(st, i++, now);
	}
	lx_stmt_bind_int(st, i++, now);
	lx_stmt_bind_int(st, i, u->id);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : rc;
}

int lx_user_password_hash(lx_db *db, int64_t id, char **hash)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT password_hash FROM users WHERE id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	return lx_stmt_one_text(st, hash);
}

struct lx_totp_row {
	char **secret, **pending;
	int64_t *step;
};

static void lx_totp_fill(lx_stmt *st, void *out)
{
	const struct lx_totp_row *t = out;
	*t->secret = lx_stmt_isnull(st, 0) ? NULL : lx_stmt_dup(st, 0);
	*t->pending = lx_stmt_isnull(st, 1) ? NULL : lx_stmt_dup(st, 1);
	*t->step = lx_stmt_int(st, 2);
}

int lx_user_totp(lx_db *db, int64_t id, char **secret, char **pending, int64_t *step)
{
	struct lx_totp_row t = {secret, pending, step};
	lx_stmt *st = lx_db_prepare(db, "SELECT totp_secret, totp_pending, totp_step FROM users WHERE id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	return lx_row_one(st, lx_totp_fill, &t);
}

int lx_user_totp_pending(lx_db *db, int64_t id, const char *pending)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE users SET totp_pending = ? WHERE id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, pending);
	lx_stmt_bind_int(st, 2, id);
	return lx_change_one(db, st, LX_NOTFOUND);
}

int lx_user_totp_confirm(lx_db *db, int64_t id, int64_t step)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, "
					"totp_step = ? WHERE id = ? AND totp_pending IS NOT NULL");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, step);
	lx_stmt_bind_int(st, 2, id);
	return lx_change_one(db, st, LX_NOTFOUND);
}

int lx_user_totp_use(lx_db *db, int64_t id, int64_t step)
{
	/* one statement decides: two logins with the same code cannot both pass */
	lx_stmt *st = lx_db_prepare(db, "UPDATE users SET totp_step = ? WHERE id = ? AND totp_step < ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, step);
	lx_stmt_bind_int(st, 2, id);
	lx_stmt_bind_int(st, 3, step);
	return lx_change_one(db, st, LX_CONFLICT);
}

int lx_user_totp_clear(lx_db *db, int64_t id)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE users SET totp_secret = NULL, totp_pending = NULL WHERE id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	return lx_change_one(db, st, LX_NOTFOUND);
}

int lx_user_get(lx_db *db, const char *scope, int64_t id, lx_user *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_USER_COLS " FROM users u "
					"LEFT JOIN units n ON n.id = u.unit_id WHERE u.id = ? "
					"AND COALESCE(n.path, '/') >= ? AND COALESCE(n.path, '/') < ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	lx_bind_scope(st, 2, scope);
	return lx_row_one(st, lx_user_fill, out);
}

int lx_user_by_login(lx_db *db, const char *login, lx_user *out, char **hash)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_USER_COLS ", u.password_hash FROM users u "
					"LEFT JOIN units n ON n.id = u.unit_id WHERE u.login = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, login);
	int rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		lx_user_row(st, out);
		*hash = lx_stmt_dup(st, LX_USER_NCOLS);
		rc = LX_OK;
	} else if (rc == LX_DONE) {
		rc = LX_NOTFOUND;
	}
	lx_stmt_done(st);
	return rc;
}

json_t *lx_user_json(const lx_user *u)
{
	json_t *o = json_object(), *roles = json_array();
	json_object_set_new(o, "id", json_integer(u->id));
	json_object_set_new(o, "login", json_string(u->login));
	json_object_set_new(o, "name", json_string(u->name));
	for (unsigned bit = 1; bit <= LX_ROLE__ALL; bit <<= 1)
		if (u->roles & bit)
			json_array_append_new(roles, json_string(lx_role_name(bit)));
	json_object_set_new(o, "roles", roles);
	json_object_set_new(o, "unit_id", u->unit_id ? json_integer(u->unit_id) : json_null());
	json_object_set_new(o, "phone", u->phone ? json_string(u->phone) : json_null());
	json_object_set_new(o, "active", json_boolean(u->active));
	json_object_set_new(o, "totp_enabled", json_boolean(u->totp_enabled));
	return o;
}

json_t *lx_user_list(lx_db *db, const char *scope)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_USER_COLS " FROM users u "
					"LEFT JOIN units n ON n.id = u.unit_id "
					"WHERE COALESCE(n.path, '/') >= ? AND COALESCE(n.path, '/') < ? "
					"ORDER BY u.id");
	if (!st)
		return NULL;
	lx_bind_scope(st, 1, scope);
	return lx_rows_json(st, lx_user_row_json, NULL);
}

json_t *lx_volunteer_list(lx_db *db, const char *scope)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT u.id, u.name, u.unit_id, u.roles, (SELECT COUNT(*) FROM resident_carers c "
					"WHERE c.user_id = u.id) FROM users u JOIN units n ON n.id = u.unit_id "
					"WHERE n.path >= ? AND n.path < ? AND u.active = 1 ORDER BY u.id");
	if (!st)
		return NULL;
	lx_bind_scope(st, 1, scope);
	json_t *out = json_array();
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		unsigned roles = 0;
		lx_roles_parse_list(lx_stmt_text(st, 3), &roles);
		if (roles & LX_ROLE_VOLUNTEER)
			json_array_append_new(out, json_pack("{s:I, s:s, s:I, s:I}", "id", (json_int_t)lx_stmt_int(st, 0),
							     "name", lx_stmt_text(st, 1) ? lx_stmt_text(st, 1) : "",
							     "unit_id", (json_int_t)lx_stmt_int(st, 2), "serves",
							     (json_int_t)lx_stmt_int(st, 4)));
	}
	lx_stmt_done(st);
	if (rc != LX_DONE) {
		json_decref(out);
		return NULL;
	}
	return out;
}

int lx_session_insert_from(lx_db *db, const char *token_hash, int64_t user_id, lx_ms expires,
			   const char *addr)
{
	lx_ms now = lx_now_ms();
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO sessions(token_hash, user_id, created_at, "
					"expires_at, seen_at, addr) VALUES (?, ?, ?, ?, ?, ?)");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, token_hash);
	lx_stmt_bind_int(st, 2, user_id);
	lx_stmt_bind_int(st, 3, now);
	lx_stmt_bind_int(st, 4, expires);
	lx_stmt_bind_int(st, 5, now);
	lx_stmt_bind_text(st, 6, addr);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : rc;
}


static void lx_session_fill(lx_stmt *st, void *out)
{
	lx_user *u = out;
	lx_user_row(st, u);
	u->seen_at = lx_stmt_isnull(st, LX_USER_NCOLS) ? 0 : lx_stmt_int(st, LX_USER_NCOLS);
}

int lx_session_user(lx_db *db, const char *token_hash, lx_ms now, lx_ms idle_ms, lx_user *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_USER_COLS ", s.seen_at FROM sessions s "
					"JOIN users u ON u.id = s.user_id "
					"LEFT JOIN units n ON n.id = u.unit_id "
					"WHERE s.token_hash = ? AND s.revoked_at IS NULL "
					"AND s.expires_at > ? AND COALESCE(s.seen_at, s.created_at) > ? "
					"AND u.active = 1");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, token_hash);
	lx_stmt_bind_int(st, 2, now);
	lx_stmt_bind_int(st, 3, now - idle_ms);
	return lx_row_one(st, lx_session_fill, out);
}

int lx_session_revoke(lx_db *db, const char *token_hash, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE sessions SET revoked_at = ? "
					"WHERE token_hash = ? AND revoked_at IS NULL");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, now);
	lx_stmt_bind_text(st, 2, token_hash);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : rc;
}

int lx_sessions_revoke_user(lx_db *db, int64_t user_id, const char *except_hash, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE sessions SET revoked_at = ? WHERE user_id = ? "
					"AND revoked_at IS NULL AND token_hash <> ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, now);
	lx_stmt_bind_int(st, 2, user_id);
	lx_stmt_bind_text(st, 3, except_hash ? except_hash : "");
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : rc;
}

int lx_session_touch(lx_db *db, const char *token_hash, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE sessions SET seen_at = ? WHERE token_hash = ? AND seen_at < ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, now);
	lx_stmt_bind_text(st, 2, token_hash);
	lx_stmt_bind_int(st, 3, now);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : rc;
}
