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
