/*
 * repo_forms.c - checklist forms and their versions (repo_field.h). A
 * form's definition is kept as the JSON text core/form.c checked; every
 * version stays, because a visit names the version it used.
 */
#include "repo.h"
#include "repo_field.h"

#include <stdlib.h>
#include <string.h>

void lx_form_row_clear(lx_form_row *f)
{
	free(f->code);
	free(f->name);
	free(f->questions);
	memset(f, 0, sizeof *f);
}

static int lx_form_version_insert(lx_db *db, const lx_form_row *f, int64_t by, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO form_versions(form_id, version, questions, created_by, created_at) "
					"VALUES (?, ?, ?, ?, ?)");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, f->id);
	lx_stmt_bind_int(st, 2, f->version);
	lx_stmt_bind_text(st, 3, f->questions);
	lx_bind_id(st, 4, by);
	lx_stmt_bind_int(st, 5, now);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : rc;
}

int lx_form_insert(lx_db *db, lx_form_row *f, int64_t by, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO forms(code, name, version, questions, created_by, created_at, "
					"updated_at) VALUES (?, ?, 1, ?, ?, ?, ?) RETURNING id");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, f->code);
	lx_stmt_bind_text(st, 2, f->name);
	lx_stmt_bind_text(st, 3, f->questions);
	lx_bind_id(st, 4, by);
	lx_stmt_bind_int(st, 5, now);
	lx_stmt_bind_int(st, 6, now);
	int rc = lx_stmt_one_int(st, &f->id);
	if (rc != LX_OK)
		return rc == LX_NOTFOUND ? LX_ERR : rc;
	f->version = 1;
	f->created_at = f->updated_at = now;
	return lx_form_version_insert(db, f, by, now);
}

int lx_form_new_version(lx_db *db, lx_form_row *f, int64_t by, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE forms SET name = ?, questions = ?, version = version + 1, "
					"updated_at = ? WHERE id = ? AND version = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, f->name);
	lx_stmt_bind_text(st, 2, f->questions);
	lx_stmt_bind_int(st, 3, now);
	lx_stmt_bind_int(st, 4, f->id);
	lx_stmt_bind_int(st, 5, f->version);
	int rc = lx_change_one(db, st, LX_CONFLICT);
	if (rc != LX_OK)
		return rc;
	f->version++;
	f->updated_at = now;
	return lx_form_version_insert(db, f, by, now);
}

static void lx_form_fill(lx_stmt *st, void *out)
{
	lx_form_row *f = out;
	memset(f, 0, sizeof *f);
	f->id = lx_stmt_int(st, 0);
	f->code = lx_stmt_isnull(st, 1) ? NULL : lx_stmt_dup(st, 1);
	f->name = lx_stmt_dup(st, 2);
	f->version = (int)lx_stmt_int(st, 3);
	f->questions = lx_stmt_dup(st, 4);
	f->created_at = lx_stmt_int(st, 5);
	f->updated_at = lx_stmt_int(st, 6);
}

int lx_form_load(lx_db *db, int64_t id, int version, lx_form_row *out)
{
	lx_stmt *st;
	if (version <= 0) {
		st = lx_db_prepare(db, "SELECT id, code, name, version, questions, created_at, updated_at FROM forms "
				       "WHERE id = ?");
		if (!st)
			return LX_ERR;
		lx_stmt_bind_int(st, 1, id);
		return lx_row_one(st, lx_form_fill, out);
	}
	st = lx_db_prepare(db, "SELECT f.id, f.code, f.name, v.version, v.questions, f.created_at, v.created_at "
			       "FROM forms f JOIN form_versions v ON v.form_id = f.id WHERE f.id = ? AND v.version = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	lx_stmt_bind_int(st, 2, version);
	return lx_row_one(st, lx_form_fill, out);
}

static json_t *lx_form_json_row(lx_stmt *st, void *arg)
{
	(void)arg;
	json_t *q = json_loads(lx_stmt_text(st, 4), 0, NULL);
	return json_pack("{s:I, s:s?, s:s, s:i, s:o, s:I}", "id", (json_int_t)lx_stmt_int(st, 0), "code",
			 lx_stmt_text(st, 1), "name", lx_stmt_text(st, 2), "version", (int)lx_stmt_int(st, 3),
			 "questions", q ? q : json_array(), "updated_at", (json_int_t)lx_stmt_int(st, 5));
}

json_t *lx_form_list(lx_db *db)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT id, code, name, version, questions, updated_at FROM forms ORDER BY id");
	if (!st)
		return NULL;
	return lx_rows_json(st, lx_form_json_row, NULL);
}

int lx_form_by_code(lx_db *db, const char *code, int64_t *id)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT id FROM forms WHERE code = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, code);
	return lx_stmt_one_int(st, id);
}
