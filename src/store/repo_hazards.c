/*
 * repo_hazards.c - the hazard ledger's own side of a hazard case: which
 * visit found it, where, who must put it right, how often its
 * re-inspection failed (repo_field.h). The case is the engine's.
 */
#include "repo.h"
#include "repo_field.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lx_hazard_row_clear(lx_hazard_row *h)
{
	free(h->unit_path);
	free(h->owner);
	free(h->question);
	free(h->label);
	memset(h, 0, sizeof *h);
}

int lx_hazard_insert(lx_db *db, const lx_hazard_row *h)
{
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO hazards(case_id, visit_id, plan_id, target_kind, target_id, "
					"unit_path, owner, question, label, failures, created_at) "
					"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, h->case_id);
	lx_bind_id(st, 2, h->visit_id);
	lx_bind_id(st, 3, h->plan_id);
	lx_stmt_bind_text(st, 4, h->target_kind[0] ? h->target_kind : NULL);
	lx_bind_id(st, 5, h->target_id);
	lx_stmt_bind_text(st, 6, h->unit_path);
	lx_stmt_bind_text(st, 7, h->owner);
	lx_stmt_bind_text(st, 8, h->question);
	lx_stmt_bind_text(st, 9, h->label);
	lx_stmt_bind_int(st, 10, h->created_at);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : rc;
}

static void lx_hazard_fill(lx_stmt *st, void *out)
{
	lx_hazard_row *h = out;
	memset(h, 0, sizeof *h);
	h->case_id = lx_stmt_int(st, 0);
	h->visit_id = lx_stmt_isnull(st, 1) ? 0 : lx_stmt_int(st, 1);
	h->plan_id = lx_stmt_isnull(st, 2) ? 0 : lx_stmt_int(st, 2);
	snprintf(h->target_kind, sizeof h->target_kind, "%s", lx_stmt_isnull(st, 3) ? "" : lx_stmt_text(st, 3));
	h->target_id = lx_stmt_isnull(st, 4) ? 0 : lx_stmt_int(st, 4);
	h->unit_path = lx_stmt_dup(st, 5);
	h->owner = lx_stmt_isnull(st, 6) ? NULL : lx_stmt_dup(st, 6);
	h->question = lx_stmt_isnull(st, 7) ? NULL : lx_stmt_dup(st, 7);
	h->label = lx_stmt_isnull(st, 8) ? NULL : lx_stmt_dup(st, 8);
	h->failures = (int)lx_stmt_int(st, 9);
	h->created_at = lx_stmt_int(st, 10);
}

int lx_hazard_get(lx_db *db, int64_t case_id, lx_hazard_row *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT case_id, visit_id, plan_id, target_kind, target_id, unit_path, owner, "
					"question, label, failures, created_at FROM hazards WHERE case_id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, case_id);
	return lx_row_one(st, lx_hazard_fill, out);
}

int lx_hazard_failed(lx_db *db, int64_t case_id, int *failures)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE hazards SET failures = failures + 1 WHERE case_id = ? RETURNING failures");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, case_id);
	int64_t n = 0;
	int rc = lx_stmt_one_int(st, &n);
	*failures = (int)n;
	return rc;
}

void lx_hazard_item_clear(lx_hazard_item *it)
{
	lx_hazard_row_clear(&it->h);
	free(it->category_code);
	free(it->title);
	free(it->address);
	memset(it, 0, sizeof *it);
}

static void lx_hazard_item_fill(lx_stmt *st, lx_hazard_item *it)
{
	memset(it, 0, sizeof *it);
	lx_hazard_fill(st, &it->h);
	snprintf(it->status, sizeof it->status, "%s", lx_stmt_text(st, 11));
	it->category_code = lx_stmt_isnull(st, 12) ? NULL : lx_stmt_dup(st, 12);
	it->title = lx_stmt_dup(st, 13);
	it->address = lx_stmt_isnull(st, 14) ? NULL : lx_stmt_dup(st, 14);
	it->unit_id = lx_stmt_isnull(st, 15) ? 0 : lx_stmt_int(st, 15);
	it->handler_unit_id = lx_stmt_isnull(st, 16) ? 0 : lx_stmt_int(st, 16);
	it->resolve_due_at = lx_stmt_isnull(st, 17) ? 0 : lx_stmt_int(st, 17);
	it->overdue = lx_stmt_int(st, 18) != 0;
	it->supervised = (int)lx_stmt_int(st, 19);
}

int lx_hazards_each(lx_db *db, const char *scope, const lx_hazard_filter *f,
		    int (*fn)(void *arg, const lx_hazard_item *it), void *arg)
{
	const char *path = f->under ? f->under : scope;
	if (!lx_scope_contains(scope, path))
		return LX_OK;
	lx_buf sql;
	lx_buf_init(&sql);
	lx_buf_puts(&sql, "SELECT h.case_id, h.visit_id, h.plan_id, h.target_kind, h.target_id, h.unit_path, h.owner, "
			  "h.question, h.label, h.failures, h.created_at, c.status, c.category_code, c.title, c.address, "
			  "c.unit_id, c.handler_unit_id, c.resolve_due_at, c.overdue, c.supervised FROM hazards h "
			  "JOIN cases c ON c.id = h.case_id WHERE h.unit_path >= ?1 AND h.unit_path < ?2");
	if (f->category_code)
		lx_buf_puts(&sql, " AND (c.category_code = ?3 OR c.category_code IN "
				  "(SELECT code FROM categories WHERE parent_code = ?3))");
	if (f->status)
		lx_buf_puts(&sql, " AND c.status = ?4");
	if (f->owner)
		lx_buf_puts(&sql, " AND h.owner LIKE ?5 ESCAPE '\\'");
	if (f->overdue)
		lx_buf_puts(&sql, " AND c.overdue = 1");
	if (f->before_id)
		lx_buf_puts(&sql, " AND h.case_id < ?6");
	lx_buf_puts(&sql, " ORDER BY h.case_id DESC LIMIT ?7");
	char *like = f->owner ? lx_like_pattern(f->owner) : NULL;
	int rc = LX_ERR;
	lx_stmt *st = lx_db_prepare(db, sql.data);
	if (!st)
		goto cleanup;
	lx_bind_scope(st, 1, path);
	if (f->category_code)
		lx_stmt_bind_text(st, 3, f->category_code);
	if (f->status)
		lx_stmt_bind_text(st, 4, f->status);
	if (like)
		lx_stmt_bind_text(st, 5, like);
	if (f->before_id)
		lx_stmt_bind_int(st, 6, f->before_id);
	lx_stmt_bind_int(st, 7, f->limit > 0 ? f->limit : -1);
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		lx_hazard_item it;
		lx_hazard_item_fill(st, &it);
		int stop = fn(arg, &it);
		lx_hazard_item_clear(&it);
		if (stop)
			break;
	}
	lx_stmt_done(st);
	rc = rc == LX_ROW || rc == LX_DONE ? LX_OK : LX_ERR;
cleanup:
	free(like);
	lx_buf_free(&sql);
	return rc;
}
