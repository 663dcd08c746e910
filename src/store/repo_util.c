/*
 * repo_util.c - the shapes repository statements take: one row into a
 * struct, all rows into a JSON array, an UPDATE of exactly one row.
 */
#include "repo.h"
#include "repo_registry.h"

int lx_row_one(lx_stmt *st, void (*fill)(lx_stmt *st, void *out), void *out)
{
	int rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		fill(st, out);
		rc = LX_OK;
	} else if (rc == LX_DONE) {
		rc = LX_NOTFOUND;
	}
	lx_stmt_done(st);
	return rc;
}

int lx_stmt_exec(lx_stmt *st)
{
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

int lx_change_one(lx_db *db, lx_stmt *st, int none)
{
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	if (rc != LX_DONE)
		return rc == LX_OK ? LX_ERR : rc;
	return lx_db_changes(db) == 1 ? LX_OK : none;
}

json_t *lx_rows_json(lx_stmt *st, json_t *(*row)(lx_stmt *st, void *arg), void *arg)
{
	json_t *arr = json_array();
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW)
		json_array_append_new(arr, row(st, arg));
	lx_stmt_done(st);
	if (rc != LX_DONE) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

char *lx_like_pattern(const char *s)
{
	lx_buf b;
	lx_buf_init(&b);
	lx_buf_putc(&b, '%');
	for (const char *p = s; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			lx_buf_putc(&b, '\\');
		lx_buf_putc(&b, *p);
	}
	lx_buf_putc(&b, '%');
	return lx_buf_steal(&b);
}

static json_t *lx_row_id(lx_stmt *st, void *arg)
{
	(void)arg;
	return json_integer(lx_stmt_int(st, 0));
}

json_t *lx_rows_ids(lx_stmt *st)
{
	return lx_rows_json(st, lx_row_id, NULL);
}

lx_stmt *lx_reg_list_prepare(lx_db *db, const char *select_from, const char *q_sql, const char *scope,
			     const lx_reg_filter *f, bool *empty)
{
	const char *path = f->under ? f->under : scope;
	*empty = !lx_scope_contains(scope, path);
	if (*empty)
		return NULL;
	lx_buf sql;
	lx_buf_init(&sql);
	lx_buf_printf(&sql, "%s WHERE unit_path >= ?1 AND unit_path < ?2 AND id > ?3", select_from);
	if (f->type)
		lx_buf_puts(&sql, " AND type = ?4");
	if (f->q)
		lx_buf_printf(&sql, " AND %s", q_sql);
	lx_buf_puts(&sql, " ORDER BY id LIMIT ?6");
	lx_stmt *st = lx_db_prepare(db, sql.data);
	lx_buf_free(&sql);
	if (!st)
		return NULL;
	lx_bind_scope(st, 1, path);
	lx_stmt_bind_int(st, 3, f->after_id);
	if (f->type)
		lx_stmt_bind_text(st, 4, f->type);
	if (f->q) {
		char *like = lx_like_pattern(f->q);
		lx_stmt_bind_text(st, 5, like); /* a copy */
		free(like);
	}
	lx_stmt_bind_int(st, 6, f->limit > 0 ? f->limit : -1);
	return st;
}
