/*
 * repo_tasks.c - assist sub-tasks (协办): a unit asked to help with a case,
 * which makes the case visible in that unit and holds its resolution
 * until every task is done.
 */
#include "driver.h"
#include "repo_case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lx_task_insert(lx_db *db, int64_t case_id, const lx_unit *u, const char *note, lx_ms now,
		   int64_t *id)
{
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO case_tasks(case_id, unit_id, unit_path, status, "
					"note, created_at) VALUES (?, ?, ?, 'open', ?, ?) RETURNING id");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, case_id);
	lx_stmt_bind_int(st, 2, u->id);
	lx_stmt_bind_text(st, 3, u->path);
	lx_stmt_bind_text(st, 4, note);
	lx_stmt_bind_int(st, 5, now);
	/* RETURNING id: no row would mean nothing was written */
	int rc = lx_stmt_one_int(st, id);
	if (rc == LX_NOTFOUND)
		return LX_ERR;
	if (rc == LX_OK && !db->bulk)
		rc = lx_scope_task_add(db, case_id, u->path);
	return rc;
}

int lx_task_find(lx_db *db, const char *scope, int64_t case_id, int64_t task_id, int64_t *unit_id,
		 bool *open)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT status, unit_id FROM case_tasks WHERE id = ? "
					"AND case_id = ? AND unit_path >= ? AND unit_path < ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, task_id);
	lx_stmt_bind_int(st, 2, case_id);
	lx_bind_scope(st, 3, scope);
	int rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		*open = strcmp(lx_stmt_text(st, 0), "open") == 0;
		*unit_id = lx_stmt_int(st, 1);
		rc = LX_OK;
	} else if (rc == LX_DONE) {
		rc = LX_NOTFOUND;
	}
	lx_stmt_done(st);
	return rc;
}

int lx_task_finish(lx_db *db, int64_t task_id, int64_t actor_id, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE case_tasks SET status = 'done', done_at = ?, done_by = ? "
					"WHERE id = ? AND status = 'open'");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, now);
	lx_bind_id(st, 2, actor_id);
	lx_stmt_bind_int(st, 3, task_id);
	return lx_change_one(db, st, LX_CONFLICT);
}

/* One assist task as the API shows it; arg is the zone offset. */
int lx_task_list_write(lx_db *db, int64_t case_id, int offset_min, lx_jw *w)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT t.id, t.unit_id, n.name, t.status, t.note, "
					"t.created_at, t.done_at FROM case_tasks t "
					"JOIN units n ON n.id = t.unit_id WHERE t.case_id = ? ORDER BY t.id");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, case_id);
	lx_jw_open(w, '[');
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		lx_jw_open(w, '{');
		lx_jw_key(w, "id");
		lx_jw_int(w, lx_stmt_int(st, 0));
		lx_jw_key(w, "unit_id");
		lx_jw_int(w, lx_stmt_int(st, 1));
		lx_jw_key(w, "unit_name");
		lx_jw_str(w, lx_stmt_text(st, 2));
		lx_jw_key(w, "status");
		lx_jw_str(w, lx_stmt_text(st, 3));
		lx_jw_key(w, "note");
		lx_jw_str(w, lx_stmt_text(st, 4));
		lx_jw_key(w, "created_at");
		lx_jw_time(w, lx_stmt_int(st, 5), offset_min);
		lx_jw_key(w, "done_at");
		lx_jw_time(w, lx_stmt_int(st, 6), offset_min); /* NULL reads as 0 */
		lx_jw_close(w, '}');
	}
	lx_stmt_done(st);
	lx_jw_close(w, ']');
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

