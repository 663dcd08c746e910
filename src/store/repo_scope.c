/*
 * repo_scope.c - the visibility index of cases (table case_scope, schema
 * 006/007).
 *
 * A case is visible in the subtree of every unit on the path of its
 * handling unit, of its location, and of each unit asked to assist. A
 * materialised path names those units itself ('/1/2/45/' is units 1, 2 and
 * 45), so the rows of a case follow from its paths without a query. The
 * rows carry the case's status, so that a list of one status in one unit is
 * a single index range read newest first.
 *
 * The index may only ever hold too much, never too little: lists still
 * check the scope on every row they return (store/repo_cases.c), so a
 * missing row would hide a case while an extra one costs a little time.
 */
#include "driver.h"
#include "repo.h"
#include "repo_scope.h"
#include "rules.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Enough for any tree: a path is at most 511 bytes ('/1/' per level). */
#define LX_VIS_MAX 512

typedef struct {
	int64_t id[LX_VIS_MAX];
	size_t n;
} lx_vis;

static bool lx_vis_has(const lx_vis *v, int64_t id)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->id[i] == id)
			return true;
	return false;
}

/* Adds the unit ids on path ('/1/2/45/') to v, each once. */
static void lx_vis_add_path(lx_vis *v, const char *path)
{
	int64_t ids[LX_PATH_MAX_DEPTH];
	size_t n = lx_path_ids(path, ids, LX_PATH_MAX_DEPTH);
	for (size_t i = 0; i < n; i++)
		if (!lx_vis_has(v, ids[i]) && v->n < LX_VIS_MAX)
			v->id[v->n++] = ids[i];
}

/* Adds the paths of the units asked to assist case_id. */
static int lx_vis_add_tasks(lx_db *db, lx_vis *v, int64_t case_id)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT unit_path FROM case_tasks WHERE case_id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, case_id);
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW)
		lx_vis_add_path(v, lx_stmt_text(st, 0));
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

#define LX_VIS_INSERT \
	"INSERT INTO case_scope(unit_id, status, case_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
#define LX_VIS_DELETE "DELETE FROM case_scope WHERE unit_id = ? AND status = ? AND case_id = ?"

/* Runs sql (LX_VIS_INSERT or LX_VIS_DELETE) for (unit, status, case) with
 * every unit of v not in skip (may be NULL). Inserting a row that exists
 * leaves it as it is. */
static int lx_vis_apply(lx_db *db, const char *sql, const lx_vis *v, const lx_vis *skip,
			const char *status, int64_t case_id)
{
	for (size_t i = 0; i < v->n; i++) {
		if (skip && lx_vis_has(skip, v->id[i]))
			continue;
		lx_stmt *st = lx_db_prepare(db, sql);
		if (!st)
			return LX_ERR;
		lx_stmt_bind_int(st, 1, v->id[i]);
		lx_stmt_bind_text(st, 2, status);
		lx_stmt_bind_int(st, 3, case_id);
		int rc = lx_stmt_step(st);
		lx_stmt_done(st);
		if (rc != LX_DONE)
			return LX_ERR;
	}
	return LX_OK;
}

int lx_scope_case_insert(lx_db *db, const lx_case *c)
{
	assert(c->id > 0);
	lx_vis v = {.n = 0};
	lx_vis_add_path(&v, c->scope_path);
	lx_vis_add_path(&v, c->unit_path);
	return lx_vis_apply(db, LX_VIS_INSERT, &v, NULL, c->status, c->id);
}

int lx_scope_case_change(lx_db *db, const lx_case *before, const lx_case *after)
{
	assert(before->id == after->id);
	bool same_status = strcmp(before->status, after->status) == 0;
	bool same_scope = strcmp(before->scope_path ? before->scope_path : "",
				 after->scope_path ? after->scope_path : "") == 0;
	if (same_status && same_scope)
		return LX_OK;
	/* the location never changes; the tasks are the same before and after */
	lx_vis *old = lx_xcalloc(2, sizeof *old), *now = old + 1;
	int rc = lx_vis_add_tasks(db, old, after->id);
	if (rc == LX_OK) {
		lx_vis_add_path(old, before->unit_path);
		*now = *old;
		lx_vis_add_path(old, before->scope_path);
		lx_vis_add_path(now, after->scope_path);
		if (same_status) {
			rc = lx_vis_apply(db, LX_VIS_DELETE, old, now, before->status, after->id);
			if (rc == LX_OK)
				rc = lx_vis_apply(db, LX_VIS_INSERT, now, old, after->status, after->id);
		} else {
			rc = lx_vis_apply(db, LX_VIS_DELETE, old, NULL, before->status, after->id);
			if (rc == LX_OK)
				rc = lx_vis_apply(db, LX_VIS_INSERT, now, NULL, after->status, after->id);
		}
	}
	free(old);
	return rc;
}

int lx_scope_task_add(lx_db *db, int64_t case_id, const char *task_path)
{
	lx_vis v = {.n = 0};
	lx_vis_add_path(&v, task_path);
	for (size_t i = 0; i < v.n; i++) {
		/* the case's status as stored now, whether or not the action that
		 * asked for assistance has written its own change yet */
		lx_stmt *st = lx_db_prepare(db, "INSERT INTO case_scope(unit_id, status, case_id) "
						"SELECT ?, status, id FROM cases WHERE id = ? "
						"ON CONFLICT DO NOTHING");
		if (!st)
			return LX_ERR;
		lx_stmt_bind_int(st, 1, v.id[i]);
		lx_stmt_bind_int(st, 2, case_id);
		int rc = lx_stmt_step(st);
		lx_stmt_done(st);
		if (rc != LX_DONE)
			return LX_ERR;
	}
	return LX_OK;
}

/* The assist tasks of every case, sorted by case (lx_scope_rebuild). */
typedef struct {
	int64_t case_id;
	char *path;
} lx_task_path;

/* One case as lx_scope_rebuild reads it. */
typedef struct {
	int64_t id;
	char status[16];
	char *scope_path, *unit_path;
} lx_scope_row;

#define LX_SCOPE_PAGE 5000

static int lx_task_path_cmp(const void *a, const void *b)
{
	int64_t x = ((const lx_task_path *)a)->case_id, y = ((const lx_task_path *)b)->case_id;
	return x < y ? -1 : x > y;
}

/* Rows waiting to be written, LX_SCOPE_ROWS at a time by one multi-row
 * INSERT: one statement step for 100 rows instead of 100. */
#define LX_SCOPE_ROWS 100

typedef struct {
	int64_t unit, case_id;
	const char *status; /* a name from lx_status_name: static */
} lx_scope_out;

struct lx_scope_batch {
	lx_vis v;                  /* the units of the case being added */
	lx_scope_out out[LX_SCOPE_ROWS];
	size_t nout;
	lx_buf sql;                /* the multi-row INSERT */
};

/* Writes out[0..n): a full group with sql (the multi-row INSERT), a last
 * partial one row by row. */
static int lx_scope_write(lx_db *db, const char *sql, const lx_scope_out *out, size_t n)
{
	int rc = LX_OK;
	if (n == LX_SCOPE_ROWS) {
		lx_stmt *st = lx_db_prepare(db, sql);
		if (!st)
			return LX_ERR;
		for (size_t i = 0; i < n; i++) {
			lx_stmt_bind_int(st, (int)(3 * i + 1), out[i].unit);
			lx_stmt_bind_text(st, (int)(3 * i + 2), out[i].status);
			lx_stmt_bind_int(st, (int)(3 * i + 3), out[i].case_id);
		}
		rc = lx_stmt_step(st) == LX_DONE ? LX_OK : LX_ERR;
		lx_stmt_done(st);
		return rc;
	}
	for (size_t i = 0; rc == LX_OK && i < n; i++) {
		lx_vis one = {.n = 1, .id = {out[i].unit}};
		rc = lx_vis_apply(db, LX_VIS_INSERT, &one, NULL, out[i].status, out[i].case_id);
	}
	return rc;
}

lx_scope_batch *lx_scope_batch_new(void)
{
	lx_scope_batch *b = lx_xcalloc(1, sizeof *b);
	lx_buf_init(&b->sql);
	lx_buf_puts(&b->sql, "INSERT INTO case_scope(unit_id, status, case_id) VALUES ");
	for (int i = 0; i < LX_SCOPE_ROWS; i++)
		lx_buf_puts(&b->sql, i ? ", (?, ?, ?)" : "(?, ?, ?)");
	lx_buf_puts(&b->sql, " ON CONFLICT DO NOTHING");
	return b;
}

void lx_scope_batch_path(lx_scope_batch *b, const char *path)
{
	lx_vis_add_path(&b->v, path);
}

int lx_scope_batch_put(lx_db *db, lx_scope_batch *b, int64_t case_id, const char *status)
{
	int rc = LX_OK;
	const lx_state_class *cls = lx_store_state(status);
	if (!cls) {
		/* not a status of the machines: no static name to keep */
		rc = lx_vis_apply(db, LX_VIS_INSERT, &b->v, NULL, status, case_id);
		b->v.n = 0;
	}
	for (size_t k = 0; k < b->v.n && rc == LX_OK; k++) {
		b->out[b->nout].unit = b->v.id[k];
		b->out[b->nout].case_id = case_id;
		b->out[b->nout].status = cls->name;
		if (++b->nout == LX_SCOPE_ROWS) {
			rc = lx_scope_write(db, b->sql.data, b->out, b->nout);
			b->nout = 0;
		}
	}
	b->v.n = 0;
	return rc;
}

int lx_scope_batch_flush(lx_db *db, lx_scope_batch *b)
{
	int rc = b->nout ? lx_scope_write(db, b->sql.data, b->out, b->nout) : LX_OK;
	b->nout = 0;
	return rc;
}

void lx_scope_batch_free(lx_scope_batch *b)
{
	if (!b)
		return;
	lx_buf_free(&b->sql);
	free(b);
}

int lx_scope_rebuild(lx_db *db)
{
	/* The same rows as migration 007's SQL, which a migration runs once on
	 * an older database; written here in one pass over the cases in id
	 * order, because at 10M cases the SQL's joins and sort of ~80M rows
	 * took most of the time of `lianxin gen`. Rows go in case order: each
	 * (unit, status) range grows at its end, so its last page stays in
	 * the cache. tests/api checks a generated city against the SQL. */
	lx_task_path *tasks = NULL;
	size_t ntasks = 0, cap = 0;
	int64_t last = 0;
	lx_scope_batch *b = lx_scope_batch_new();
	lx_scope_row *page = lx_xcalloc(LX_SCOPE_PAGE, sizeof *page);
	int rc = lx_db_exec(db, "DELETE FROM case_scope");
	lx_stmt *st = rc == LX_OK ? lx_db_prepare(db, "SELECT case_id, unit_path FROM case_tasks") : NULL;
	if (!st) {
		rc = LX_ERR;
		goto cleanup;
	}
	int step;
	while ((step = lx_stmt_step(st)) == LX_ROW) {
		if (ntasks == cap) {
			cap = cap ? 2 * cap : 256;
			tasks = lx_xrealloc(tasks, cap * sizeof *tasks);
		}
		tasks[ntasks].case_id = lx_stmt_int(st, 0);
		tasks[ntasks++].path = lx_stmt_dup(st, 1);
	}
	lx_stmt_done(st);
	if (step != LX_DONE) {
		rc = LX_ERR;
		goto cleanup;
	}
	if (ntasks)
		qsort(tasks, ntasks, sizeof *tasks, lx_task_path_cmp);
	size_t ti = 0;
	for (;;) {
		int n = 0;
		st = lx_db_prepare(db, "SELECT id, status, scope_path, unit_path FROM cases WHERE id > ? "
				       "ORDER BY id LIMIT 5000"); /* LX_SCOPE_PAGE */
		if (!st) {
			rc = LX_ERR;
			break;
		}
		lx_stmt_bind_int(st, 1, last);
		while (n < LX_SCOPE_PAGE && (step = lx_stmt_step(st)) == LX_ROW) {
			page[n].id = lx_stmt_int(st, 0);
			snprintf(page[n].status, sizeof page[n].status, "%s", lx_stmt_text(st, 1));
			page[n].scope_path = lx_stmt_dup(st, 2);
			page[n].unit_path = lx_stmt_dup(st, 3);
			n++;
		}
		lx_stmt_done(st);
		if (n < LX_SCOPE_PAGE && step != LX_DONE)
			rc = LX_ERR;
		for (int i = 0; i < n; i++) {
			lx_scope_batch_path(b, page[i].scope_path);
			lx_scope_batch_path(b, page[i].unit_path);
			while (ti < ntasks && tasks[ti].case_id < page[i].id)
				ti++;
			for (size_t k = ti; k < ntasks && tasks[k].case_id == page[i].id; k++)
				lx_scope_batch_path(b, tasks[k].path);
			if (rc == LX_OK)
				rc = lx_scope_batch_put(db, b, page[i].id, page[i].status);
			free(page[i].scope_path);
			free(page[i].unit_path);
		}
		if (rc != LX_OK || n == 0)
			break;
		last = page[n - 1].id;
	}
	if (rc == LX_OK)
		rc = lx_scope_batch_flush(db, b);
cleanup:
	lx_scope_batch_free(b);
	for (size_t i = 0; i < ntasks; i++)
		free(tasks[i].path);
	free(tasks);
	free(page);
	return rc;
}
