/*
 * repo_util.c - the two shapes every repository read takes: one row into a
 * struct, or all rows into a JSON array.
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
