/*
 * repo_audit.c - the audit log: appended in the caller's write transaction
 * as a link of its hash chain (chain.c), read for the login throttle and
 * the admin's audit page.
 */
#include "chain.h"
#include "repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lx_audit_insert(lx_db *db, const lx_audit *a, size_t n)
{
	lx_chain c;
	if (n == 0)
		return LX_OK;
	if (lx_chain_head(db, "audit_log", &c) != LX_OK)
		return LX_ERR;
	lx_buf fields;
	lx_buf_init(&fields);
	int rc = LX_OK;
	lx_ms now = lx_now_ms();
	for (size_t i = 0; rc == LX_OK && i < n; i++) {
		lx_audit row = a[i];
		if (!row.at)
			row.at = now;
		int64_t id = ++c.last_id;
		char prev[LX_CHAIN_HEX + 1];
		fields.len = 0;
		lx_chain_audit_fields(&fields, id, &row);
		memcpy(prev, c.hash, sizeof prev);
		lx_chain_hash(prev, &fields, c.hash);
		lx_stmt *st = lx_db_prepare(db, "INSERT INTO audit_log(id, at, kind, actor_id, login, addr, target, "
						"detail, prev_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
		if (!st) {
			rc = LX_ERR;
			break;
		}
		lx_stmt_bind_int(st, 1, id);
		lx_stmt_bind_int(st, 2, row.at);
		lx_stmt_bind_text(st, 3, row.kind);
		lx_bind_id(st, 4, row.actor_id);
		lx_stmt_bind_text(st, 5, row.login);
		lx_stmt_bind_text(st, 6, row.addr);
		lx_stmt_bind_text(st, 7, row.target);
		lx_stmt_bind_text(st, 8, row.detail);
		lx_stmt_bind_text(st, 9, prev);
		rc = lx_stmt_step(st) == LX_DONE ? LX_OK : LX_ERR;
		lx_stmt_done(st);
	}
	lx_buf_free(&fields);
	if (rc == LX_OK)
		rc = lx_chain_save(db, &c);
	return rc;
}

static int lx_count(lx_db *db, const char *sql, const char *a, const char *b, lx_ms since, int64_t *out)
{
	lx_stmt *st = lx_db_prepare(db, sql);
	if (!st)
		return LX_ERR;
	int i = 1;
	lx_stmt_bind_text(st, i++, a);
	if (b)
		lx_stmt_bind_text(st, i++, b);
	lx_stmt_bind_int(st, i, since);
	return lx_stmt_one_int(st, out);
}

int lx_audit_login_failures(lx_db *db, const char *login, const char *addr, lx_ms since,
			    lx_login_failures *out)
{
	int64_t reset = 0;
	memset(out, 0, sizeof *out);
	lx_stmt *st = lx_db_prepare(db, "SELECT COALESCE(MAX(at), 0) FROM audit_log "
					"WHERE login = ? AND kind IN ('login', 'unlock') AND at > ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, login);
	lx_stmt_bind_int(st, 2, since);
	if (lx_stmt_one_int(st, &reset) != LX_OK)
		return LX_ERR;
	lx_ms from = reset > since ? reset : since;
	if (lx_count(db, "SELECT COUNT(*) FROM audit_log WHERE addr = ? AND kind = 'login_failed' AND at > ?",
		     addr, NULL, since, &out->by_addr) != LX_OK ||
	    lx_count(db, "SELECT COUNT(*) FROM audit_log WHERE login = ? AND addr = ? "
			 "AND kind = 'login_failed' AND at > ?", login, addr, from, &out->by_pair) != LX_OK ||
	    lx_count(db, "SELECT COUNT(*) FROM audit_log WHERE login = ? AND kind = 'login_failed' AND at > ?",
		     login, NULL, from, &out->by_login) != LX_OK ||
	    lx_count(db, "SELECT COALESCE(MAX(at), 0) FROM audit_log WHERE login = ? "
			 "AND kind = 'login_failed' AND at > ?", login, NULL, from, &out->last_at) != LX_OK)
		return LX_ERR;
	return LX_OK;
}

struct lx_audit_arg {
	int tz;
};

static json_t *lx_audit_row_json(lx_stmt *st, void *arg)
{
	const struct lx_audit_arg *a = arg;
	char ts[40];
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(lx_stmt_int(st, 0)));
	json_object_set_new(o, "at", json_string(lx_time_format(lx_stmt_int(st, 1), a->tz, ts, sizeof ts)));
	json_object_set_new(o, "kind", json_string(lx_stmt_text(st, 2)));
	json_object_set_new(o, "actor_id", lx_stmt_isnull(st, 3) ? json_null() : json_integer(lx_stmt_int(st, 3)));
	for (int i = 4; i <= 7; i++) {
		static const char *const names[] = {"login", "addr", "target", "detail"};
		json_object_set_new(o, names[i - 4], lx_stmt_isnull(st, i) ? json_null()
									    : json_string(lx_stmt_text(st, i)));
	}
	json_object_set_new(o, "actor_name", lx_stmt_isnull(st, 8) ? json_null() : json_string(lx_stmt_text(st, 8)));
	return o;
}

json_t *lx_audit_list(lx_db *db, const char *kind, const char *login, int64_t before_id, int limit,
		      int tz_offset_min)
{
	lx_buf sql;
	lx_buf_init(&sql);
	lx_buf_puts(&sql, "SELECT a.id, a.at, a.kind, a.actor_id, a.login, a.addr, a.target, a.detail, u.name "
			  "FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE 1 = 1");
	if (kind)
		lx_buf_puts(&sql, " AND a.kind = ?");
	if (login)
		lx_buf_puts(&sql, " AND a.login = ?");
	if (before_id)
		lx_buf_puts(&sql, " AND a.id < ?");
	lx_buf_puts(&sql, " ORDER BY a.id DESC LIMIT ?");
	lx_stmt *st = lx_db_prepare(db, sql.data);
	lx_buf_free(&sql);
	if (!st)
		return NULL;
	int i = 1;
	if (kind)
		lx_stmt_bind_text(st, i++, kind);
	if (login)
		lx_stmt_bind_text(st, i++, login);
	if (before_id)
		lx_stmt_bind_int(st, i++, before_id);
	lx_stmt_bind_int(st, i, limit);
	struct lx_audit_arg a = {tz_offset_min};
	return lx_rows_json(st, lx_audit_row_json, &a);
}
