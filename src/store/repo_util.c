/*
 * repo_util.c - the shapes repository statements take: one row into a
 * struct, all rows into a JSON array, an UPDATE of exactly one row.
 */
#include "repo.h"

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
