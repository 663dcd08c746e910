/*
 * repo_visits.c - visit plans, their targets and the visits (repo_field.h).
 *
 * A plan's targets are rows of visit_targets, made when the plan is and
 * kept by the registry's writes (lx_targets_sync): a resident tagged 独居老人
 * after a daily plan for them began is due the same day. Which targets are
 * due, done or overdue is asked with the period's bounds, computed by
 * field/periods.c; nothing here knows a calendar.
 */
#include "repo.h"
#include "repo_field.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_PLAN_COLS                                                                               \
	"id, form_id, unit_id, unit_path, name, target_kind, target_tag, target_type, frequency, every_n, " \
	"starts_at, ends_at, active, created_by, created_at"
/* a plan is visible where its subtree meets the scope, or to its workers:
 * ?1 ?2 the scope's range, ?1 the scope path, ?3 the user */
#define LX_PLAN_VISIBLE                                                                            \
	"((unit_path >= ?1 AND unit_path < ?2) OR SUBSTR(?1, 1, LENGTH(unit_path)) = unit_path "       \
	"OR id IN (SELECT plan_id FROM visit_plan_workers WHERE user_id = ?3))"

void lx_plan_clear(lx_plan *p)
{
	free(p->unit_path);
	free(p->name);
	free(p->target_tag);
	free(p->target_type);
	json_decref(p->workers);
	memset(p, 0, sizeof *p);
}

static char *lx_dup_null(lx_stmt *st, int col)
{
	return lx_stmt_isnull(st, col) ? NULL : lx_stmt_dup(st, col);
}

static void lx_plan_fill(lx_stmt *st, void *out)
{
	lx_plan *p = out;
	memset(p, 0, sizeof *p);
	p->id = lx_stmt_int(st, 0);
	p->form_id = lx_stmt_int(st, 1);
	p->unit_id = lx_stmt_int(st, 2);
	p->unit_path = lx_stmt_dup(st, 3);
	p->name = lx_stmt_dup(st, 4);
	snprintf(p->target_kind, sizeof p->target_kind, "%s", lx_stmt_text(st, 5));
	p->target_tag = lx_dup_null(st, 6);
	p->target_type = lx_dup_null(st, 7);
	snprintf(p->frequency, sizeof p->frequency, "%s", lx_stmt_text(st, 8));
	p->every_n = (int)lx_stmt_int(st, 9);
	p->starts_at = lx_stmt_int(st, 10);
	p->ends_at = lx_stmt_isnull(st, 11) ? 0 : lx_stmt_int(st, 11);
	p->active = lx_stmt_int(st, 12) != 0;
	p->created_by = lx_stmt_isnull(st, 13) ? 0 : lx_stmt_int(st, 13);
	p->created_at = lx_stmt_int(st, 14);
}

static int lx_plan_workers_load(lx_db *db, lx_plan *p)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT user_id FROM visit_plan_workers WHERE plan_id = ? ORDER BY user_id");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, p->id);
	json_decref(p->workers);
	p->workers = lx_rows_ids(st);
	return p->workers ? LX_OK : LX_ERR;
}

/* The targets of a new plan: every entry of its kind in its subtree, with
 * its point (a resident's is its household's). */
#define LX_TARGET_INSERT "INSERT INTO visit_targets(plan_id, target_kind, target_id, unit_id, unit_path, first_due_at, lat, lon) "
static int lx_plan_targets_make(lx_db *db, const lx_plan *p, lx_ms first_due, int64_t *n)
{
	const char *sql;
	if (strcmp(p->target_kind, "resident") == 0)
		sql = p->target_tag
			      ? LX_TARGET_INSERT "SELECT ?1, 'resident', r.id, r.unit_id, r.unit_path, ?2, h.lat, h.lon "
						 "FROM resident_tags t JOIN residents r ON r.id = t.resident_id "
						 "LEFT JOIN households h ON h.id = r.household_id WHERE t.tag = ?5 "
						 "AND t.unit_path >= ?3 AND t.unit_path < ?4"
			      : LX_TARGET_INSERT "SELECT ?1, 'resident', r.id, r.unit_id, r.unit_path, ?2, h.lat, h.lon "
						 "FROM residents r LEFT JOIN households h ON h.id = r.household_id "
						 "WHERE r.unit_path >= ?3 AND r.unit_path < ?4";
	else if (strcmp(p->target_kind, "household") == 0)
		sql = LX_TARGET_INSERT "SELECT ?1, 'household', id, unit_id, unit_path, ?2, lat, lon FROM households "
				       "WHERE unit_path >= ?3 AND unit_path < ?4";
	else
		sql = p->target_type
			      ? LX_TARGET_INSERT "SELECT ?1, 'place', id, unit_id, unit_path, ?2, lat, lon FROM places "
						 "WHERE unit_path >= ?3 AND unit_path < ?4 AND type = ?5"
			      : LX_TARGET_INSERT "SELECT ?1, 'place', id, unit_id, unit_path, ?2, lat, lon FROM places "
						 "WHERE unit_path >= ?3 AND unit_path < ?4";
	lx_stmt *st = lx_db_prepare(db, sql);
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, p->id);
	lx_stmt_bind_int(st, 2, first_due);
	lx_bind_scope(st, 3, p->unit_path);
	if (p->target_tag || p->target_type)
		lx_stmt_bind_text(st, 5, p->target_tag ? p->target_tag : p->target_type);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	if (rc != LX_DONE)
		return LX_ERR;
	*n = lx_db_changes(db);
	return LX_OK;
}

int lx_plan_insert(lx_db *db, lx_plan *p, lx_ms now, int64_t *ntargets)
{
	assert(p->unit_path && p->name);
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO visit_plans(name, form_id, unit_id, unit_path, target_kind, "
					"target_tag, target_type, frequency, every_n, starts_at, ends_at, active, "
					"created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) "
					"RETURNING id");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, p->name);
	lx_stmt_bind_int(st, 2, p->form_id);
	lx_stmt_bind_int(st, 3, p->unit_id);
	lx_stmt_bind_text(st, 4, p->unit_path);
	lx_stmt_bind_text(st, 5, p->target_kind);
	lx_stmt_bind_text(st, 6, p->target_tag);
	lx_stmt_bind_text(st, 7, p->target_type);
	lx_stmt_bind_text(st, 8, p->frequency);
	lx_stmt_bind_int(st, 9, p->every_n);
	lx_stmt_bind_int(st, 10, p->starts_at);
	lx_bind_ms(st, 11, p->ends_at);
	lx_bind_id(st, 12, p->created_by);
	lx_stmt_bind_int(st, 13, now);
	int rc = lx_stmt_one_int(st, &p->id);
	if (rc != LX_OK)
		return rc == LX_NOTFOUND ? LX_ERR : rc;
	p->active = true;
	p->created_at = now;
	size_t i;
	json_t *w;
	json_array_foreach(p->workers, i, w) {
		st = lx_db_prepare(db, "INSERT INTO visit_plan_workers(plan_id, user_id) VALUES (?, ?) "
				       "ON CONFLICT DO NOTHING");
		if (!st)
			return LX_ERR;
		lx_stmt_bind_int(st, 1, p->id);
		lx_stmt_bind_int(st, 2, json_integer_value(w));
		rc = lx_stmt_step(st);
		lx_stmt_done(st);
		if (rc != LX_DONE)
			return LX_ERR;
	}
	/* a plan entered after it began (starts_at behind): its targets were
	 * due from its start; an entry added to the registry later is due from
	 * then (lx_targets_sync) */
	(void)now;
	return lx_plan_targets_make(db, p, p->starts_at, ntargets);
}

int lx_plan_get(lx_db *db, const char *scope, int64_t user_id, int64_t id, lx_plan *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_PLAN_COLS " FROM visit_plans WHERE id = ?4 AND " LX_PLAN_VISIBLE);
	if (!st)
		return LX_ERR;
	lx_bind_scope(st, 1, scope);
	lx_stmt_bind_int(st, 3, user_id);
	lx_stmt_bind_int(st, 4, id);
	int rc = lx_row_one(st, lx_plan_fill, out);
	if (rc == LX_OK && (rc = lx_plan_workers_load(db, out)) != LX_OK)
		lx_plan_clear(out);
	return rc;
}

int lx_plans_each(lx_db *db, const char *scope, int64_t user_id, bool active_only,
		  int (*fn)(void *arg, const lx_plan *p), void *arg)
{
	lx_stmt *st = lx_db_prepare(db, active_only ? "SELECT " LX_PLAN_COLS " FROM visit_plans WHERE active = 1 AND "
							LX_PLAN_VISIBLE " ORDER BY id"
						    : "SELECT " LX_PLAN_COLS " FROM visit_plans WHERE " LX_PLAN_VISIBLE
						      " ORDER BY id");
	if (!st)
		return LX_ERR;
	lx_bind_scope(st, 1, scope);
	lx_stmt_bind_int(st, 3, user_id);
	/* all rows first: the workers are read per plan with another statement */
	lx_plan *plans = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		if (n == cap)
			plans = lx_xrealloc(plans, (cap = cap ? cap * 2 : 16) * sizeof *plans);
		lx_plan_fill(st, &plans[n++]);
	}
	lx_stmt_done(st);
	rc = rc == LX_DONE ? LX_OK : LX_ERR;
	for (size_t i = 0; i < n && rc == LX_OK; i++) {
		rc = lx_plan_workers_load(db, &plans[i]);
		if (rc == LX_OK && fn(arg, &plans[i]))
			break;
	}
	for (size_t i = 0; i < n; i++)
		lx_plan_clear(&plans[i]);
	free(plans);
	return rc;
}

int lx_plan_target_count(lx_db *db, int64_t id, const char *scope, int64_t *n)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT COUNT(*) FROM visit_targets WHERE plan_id = ? AND unit_path >= ? "
					"AND unit_path < ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	lx_bind_scope(st, 2, scope);
	return lx_stmt_one_int(st, n);
}

/* ---------------- keeping targets with the registry ---------------- */

/* ?1 the entry's id, ?2 now; the entry's table and the plan's match. */
static const char *const lx_sync_sql[3][3] = {
	{"resident",
	 "DELETE FROM visit_targets WHERE target_kind = 'resident' AND target_id = ?1 AND NOT EXISTS ("
	 "SELECT 1 FROM visit_plans p JOIN residents r ON r.id = ?1 WHERE p.id = visit_targets.plan_id "
	 "AND SUBSTR(r.unit_path, 1, LENGTH(p.unit_path)) = p.unit_path AND (p.target_tag IS NULL OR EXISTS ("
	 "SELECT 1 FROM resident_tags t WHERE t.resident_id = r.id AND t.tag = p.target_tag)))",
	 LX_TARGET_INSERT
	 "SELECT p.id, 'resident', r.id, r.unit_id, r.unit_path, CASE WHEN p.starts_at > ?2 THEN p.starts_at ELSE ?2 END, "
	 "h.lat, h.lon FROM visit_plans p JOIN residents r ON r.id = ?1 LEFT JOIN households h ON h.id = r.household_id WHERE p.active = 1 AND p.target_kind = 'resident' "
	 "AND SUBSTR(r.unit_path, 1, LENGTH(p.unit_path)) = p.unit_path AND (p.target_tag IS NULL OR EXISTS ("
	 "SELECT 1 FROM resident_tags t WHERE t.resident_id = r.id AND t.tag = p.target_tag)) "
	 "ON CONFLICT DO NOTHING"},
	{"household",
	 "DELETE FROM visit_targets WHERE target_kind = 'household' AND target_id = ?1 AND NOT EXISTS ("
	 "SELECT 1 FROM visit_plans p JOIN households h ON h.id = ?1 WHERE p.id = visit_targets.plan_id "
	 "AND SUBSTR(h.unit_path, 1, LENGTH(p.unit_path)) = p.unit_path)",
	 LX_TARGET_INSERT
	 "SELECT p.id, 'household', h.id, h.unit_id, h.unit_path, CASE WHEN p.starts_at > ?2 THEN p.starts_at ELSE ?2 END, "
	 "h.lat, h.lon FROM visit_plans p JOIN households h ON h.id = ?1 WHERE p.active = 1 AND p.target_kind = 'household' "
	 "AND SUBSTR(h.unit_path, 1, LENGTH(p.unit_path)) = p.unit_path ON CONFLICT DO NOTHING"},
	{"place",
	 "DELETE FROM visit_targets WHERE target_kind = 'place' AND target_id = ?1 AND NOT EXISTS ("
	 "SELECT 1 FROM visit_plans p JOIN places x ON x.id = ?1 WHERE p.id = visit_targets.plan_id "
	 "AND SUBSTR(x.unit_path, 1, LENGTH(p.unit_path)) = p.unit_path AND (p.target_type IS NULL OR "
	 "p.target_type = x.type))",
	 LX_TARGET_INSERT
	 "SELECT p.id, 'place', x.id, x.unit_id, x.unit_path, CASE WHEN p.starts_at > ?2 THEN p.starts_at ELSE ?2 END, "
	 "x.lat, x.lon FROM visit_plans p JOIN places x ON x.id = ?1 WHERE p.active = 1 AND p.target_kind = 'place' "
	 "AND SUBSTR(x.unit_path, 1, LENGTH(p.unit_path)) = p.unit_path AND (p.target_type IS NULL OR "
	 "p.target_type = x.type) ON CONFLICT DO NOTHING"},
};

int lx_targets_sync(lx_db *db, const char *kind, int64_t id, lx_ms now)
{
	for (int k = 0; k < 3; k++) {
		if (strcmp(lx_sync_sql[k][0], kind) != 0)
			continue;
		for (int i = 1; i < 3; i++) {
			lx_stmt *st = lx_db_prepare(db, lx_sync_sql[k][i]);
			if (!st)
				return LX_ERR;
			lx_stmt_bind_int(st, 1, id);
			if (i == 2)
				lx_stmt_bind_int(st, 2, now);
			int rc = lx_stmt_step(st);
			lx_stmt_done(st);
			if (rc != LX_DONE)
				return LX_ERR;
		}
		/* the rows it keeps follow the entry's unit and point */
		static const char *const follow[3] = {
			("UPDATE visit_targets SET unit_id = x.unit_id, unit_path = x.unit_path, lat = h.lat, lon = h.lon "
			 "FROM residents x LEFT JOIN households h ON h.id = x.household_id WHERE x.id = ?1 "
			 "AND visit_targets.target_kind = 'resident' AND visit_targets.target_id = ?1"),
			("UPDATE visit_targets SET unit_id = x.unit_id, unit_path = x.unit_path, lat = x.lat, lon = x.lon "
			 "FROM households x WHERE x.id = ?1 AND visit_targets.target_kind = 'household' "
			 "AND visit_targets.target_id = ?1"),
			("UPDATE visit_targets SET unit_id = x.unit_id, unit_path = x.unit_path, lat = x.lat, lon = x.lon "
			 "FROM places x WHERE x.id = ?1 AND visit_targets.target_kind = 'place' AND visit_targets.target_id = ?1"),
		};
		const char *sql = follow[k];
		lx_stmt *st = lx_db_prepare(db, sql);
		if (!st)
			return LX_ERR;
		lx_stmt_bind_int(st, 1, id);
		int rc = lx_stmt_step(st);
		lx_stmt_done(st);
		return rc == LX_DONE ? LX_OK : LX_ERR;
	}
	return LX_ERR;
}

/* ---------------- targets ---------------- */

#define LX_TARGET_COLS                                                                             \
	"t.plan_id, t.target_kind, t.target_id, t.unit_id, t.unit_path, t.first_due_at, t.done_at, t.retry_at, " \
	"t.followup, t.last_outcome, t.last_visit_id, t.alert_case_id, t.done_by, t.seen_at"
/* the registry's side of a target, by kind: name, address, lat, lon */
#define LX_TARGET_RESIDENT                                                                         \
	", r.name, h.address, h.lat, h.lon FROM visit_targets t JOIN residents r ON r.id = t.target_id "  \
	"LEFT JOIN households h ON h.id = r.household_id"
#define LX_TARGET_HOUSEHOLD ", h.address, h.address, h.lat, h.lon FROM visit_targets t JOIN households h ON h.id = t.target_id"
#define LX_TARGET_PLACE ", x.name, x.address, x.lat, x.lon FROM visit_targets t JOIN places x ON x.id = t.target_id"

void lx_target_clear(lx_target *t)
{
	free(t->unit_path);
	free(t->followup);
	free(t->last_outcome);
	free(t->name);
	free(t->address);
	memset(t, 0, sizeof *t);
}

static int64_t lx_int0(lx_stmt *st, int col)
{
	return lx_stmt_isnull(st, col) ? 0 : lx_stmt_int(st, col);
}

static void lx_target_fill(lx_stmt *st, void *out)
{
	lx_target *t = out;
	memset(t, 0, sizeof *t);
	t->plan_id = lx_stmt_int(st, 0);
	snprintf(t->kind, sizeof t->kind, "%s", lx_stmt_text(st, 1));
	t->id = lx_stmt_int(st, 2);
	t->unit_id = lx_stmt_int(st, 3);
	t->unit_path = lx_stmt_dup(st, 4);
	t->first_due_at = lx_stmt_int(st, 5);
	t->done_at = lx_int0(st, 6);
	t->retry_at = lx_int0(st, 7);
	t->followup = lx_dup_null(st, 8);
	t->last_outcome = lx_dup_null(st, 9);
	t->last_visit_id = lx_int0(st, 10);
	t->alert_case_id = lx_int0(st, 11);
	t->done_by = lx_int0(st, 12);
	t->seen_at = lx_int0(st, 13);
	t->name = lx_dup_null(st, 14);
	t->address = lx_dup_null(st, 15);
	t->has_point = !lx_stmt_isnull(st, 16) && !lx_stmt_isnull(st, 17);
	t->lat = lx_stmt_double(st, 16);
	t->lon = lx_stmt_double(st, 17);
}

static const char *lx_target_join(const char *kind)
{
	return strcmp(kind, "resident") == 0 ? LX_TARGET_RESIDENT
	       : strcmp(kind, "household") == 0 ? LX_TARGET_HOUSEHOLD
						: LX_TARGET_PLACE;
}

int lx_target_get(lx_db *db, int64_t plan_id, const char *kind, int64_t id, lx_target *out)
{
	char sql[900];
	snprintf(sql, sizeof sql, "SELECT " LX_TARGET_COLS "%s WHERE t.plan_id = ? AND t.target_kind = ? "
				  "AND t.target_id = ?", lx_target_join(kind));
	lx_stmt *st = lx_db_prepare(db, sql);
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, plan_id);
	lx_stmt_bind_text(st, 2, kind);
	lx_stmt_bind_int(st, 3, id);
	return lx_row_one(st, lx_target_fill, out);
}

static int lx_targets_run(lx_stmt *st, int (*fn)(void *arg, const lx_target *t), void *arg)
{
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		lx_target t;
		lx_target_fill(st, &t);
		int stop = fn(arg, &t);
		lx_target_clear(&t);
		if (stop)
			break;
	}
	lx_stmt_done(st);
	return rc == LX_ROW || rc == LX_DONE ? LX_OK : LX_ERR;
}

/* The columns of a target the due list sorts on, all in visit_targets_path. */
#define LX_TARGET_LIGHT                                                                            \
	"t.plan_id, t.target_kind, t.target_id, t.unit_id, t.unit_path, t.first_due_at, t.done_at, t.retry_at, " \
	"t.followup, t.lat, t.lon"

/* Steps st (selecting LX_TARGET_LIGHT), handing each target to fn, which
 * may keep its strings (setting them NULL). Always finishes st. */
static int lx_targets_light_run(lx_stmt *st, int (*fn)(void *arg, lx_target *t), void *arg)
{
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		lx_target t;
		memset(&t, 0, sizeof t);
		t.plan_id = lx_stmt_int(st, 0);
		snprintf(t.kind, sizeof t.kind, "%s", lx_stmt_text(st, 1));
		t.id = lx_stmt_int(st, 2);
		t.unit_id = lx_stmt_int(st, 3);
		t.unit_path = lx_stmt_dup(st, 4);
		t.first_due_at = lx_stmt_int(st, 5);
		t.done_at = lx_int0(st, 6);
		t.retry_at = lx_int0(st, 7);
		t.followup = lx_dup_null(st, 8);
		t.has_point = !lx_stmt_isnull(st, 9) && !lx_stmt_isnull(st, 10);
		t.lat = lx_stmt_double(st, 9);
		t.lon = lx_stmt_double(st, 10);
		int stop = fn(arg, &t);
		lx_target_clear(&t);
		if (stop)
			break;
	}
	lx_stmt_done(st);
	return rc == LX_ROW || rc == LX_DONE ? LX_OK : LX_ERR;
}

int lx_targets_due_each(lx_db *db, int64_t plan_id, const char *kind, const char *scope,
			const lx_period_bounds *b, lx_ms now, int (*fn)(void *arg, lx_target *t), void *arg)
{
	(void)kind; /* the index has what the list sorts on; names come for the page (lx_target_details) */
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_TARGET_LIGHT " FROM visit_targets t "
					"WHERE t.plan_id = ?1 AND t.unit_path >= ?2 AND t.unit_path < ?3 AND t.first_due_at <= ?5 "
					"AND (t.done_at IS NULL OR t.done_at < ?4 OR t.followup IS NOT NULL) "
					"AND (t.retry_at IS NULL OR t.retry_at <= ?5)");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, plan_id);
	lx_bind_scope(st, 2, scope);
	lx_stmt_bind_int(st, 4, b->done_since);
	lx_stmt_bind_int(st, 5, now);
	return lx_targets_light_run(st, fn, arg);
}

int lx_plan_targets_each(lx_db *db, int64_t plan_id, int (*fn)(void *arg, lx_target *t), void *arg)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_TARGET_LIGHT " FROM visit_targets t WHERE t.plan_id = ? "
					"ORDER BY t.target_kind, t.target_id");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, plan_id);
	return lx_targets_light_run(st, fn, arg);
}

int lx_target_details(lx_db *db, lx_target *t)
{
	char sql[600];
	snprintf(sql, sizeof sql, "SELECT t.last_outcome%s WHERE t.plan_id = ? AND t.target_kind = ? AND t.target_id = ?",
		 strcmp(t->kind, "resident") == 0    ? ", r.name, h.address FROM visit_targets t JOIN residents r ON "
						       "r.id = t.target_id LEFT JOIN households h ON h.id = r.household_id"
		 : strcmp(t->kind, "household") == 0 ? ", h.address, h.address FROM visit_targets t JOIN households h ON "
						       "h.id = t.target_id"
						     : ", x.name, x.address FROM visit_targets t JOIN places x ON x.id = t.target_id");
	lx_stmt *st = lx_db_prepare(db, sql);
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, t->plan_id);
	lx_stmt_bind_text(st, 2, t->kind);
	lx_stmt_bind_int(st, 3, t->id);
	int rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		free(t->last_outcome);
		free(t->name);
		free(t->address);
		t->last_outcome = lx_dup_null(st, 0);
		t->name = lx_dup_null(st, 1);
		t->address = lx_dup_null(st, 2);
		rc = LX_OK;
	} else if (rc == LX_DONE) {
		rc = LX_NOTFOUND;
	}
	lx_stmt_done(st);
	return rc;
}

int lx_targets_coverage(lx_db *db, int64_t plan_id, const char *scope, const lx_period_bounds *b,
			int (*fn)(void *arg, int64_t unit_id, const char *path, int64_t due, int64_t done,
				  int64_t overdue),
			void *arg)
{
	lx_stmt *st = lx_db_prepare(
		db, "SELECT unit_id, MIN(unit_path), COUNT(*), SUM(CASE WHEN done_at >= ?4 THEN 1 ELSE 0 END), "
		    "SUM(CASE WHEN (done_at IS NULL AND first_due_at < ?5) OR done_at < ?6 THEN 1 ELSE 0 END) "
		    "FROM visit_targets WHERE plan_id = ?1 AND unit_path >= ?2 AND unit_path < ?3 GROUP BY unit_id "
		    "ORDER BY unit_id");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, plan_id);
	lx_bind_scope(st, 2, scope);
	lx_stmt_bind_int(st, 4, b->done_since);
	lx_stmt_bind_int(st, 5, b->first_before);
	lx_stmt_bind_int(st, 6, b->done_before);
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW)
		if (fn(arg, lx_stmt_int(st, 0), lx_stmt_text(st, 1), lx_stmt_int(st, 2), lx_int0(st, 3), lx_int0(st, 4)))
			break;
	lx_stmt_done(st);
	return rc == LX_ROW || rc == LX_DONE ? LX_OK : LX_ERR;
}

int lx_targets_unseen_each(lx_db *db, lx_ms before, int limit, int (*fn)(void *arg, const lx_target *t),
			   void *arg)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_TARGET_COLS LX_TARGET_RESIDENT " WHERE t.target_kind = 'resident' "
					"AND t.alert_case_id IS NULL AND t.plan_id IN (SELECT id FROM visit_plans "
					"WHERE active = 1 AND frequency = 'daily') AND ((t.seen_at IS NULL AND "
					"t.first_due_at < ?1) OR t.seen_at < ?1) ORDER BY t.plan_id, t.target_id LIMIT ?2");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, before);
	lx_stmt_bind_int(st, 2, limit);
	return lx_targets_run(st, fn, arg);
}

int lx_target_alerted(lx_db *db, const lx_target *t, int64_t case_id)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE visit_targets SET alert_case_id = ? WHERE plan_id = ? AND "
					"target_kind = ? AND target_id = ? AND alert_case_id IS NULL");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, case_id);
	lx_stmt_bind_int(st, 2, t->plan_id);
	lx_stmt_bind_text(st, 3, t->kind);
	lx_stmt_bind_int(st, 4, t->id);
	return lx_change_one(db, st, LX_NOTFOUND);
}

int lx_target_update(lx_db *db, const lx_target *t)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE visit_targets SET done_at = ?, done_by = ?, retry_at = ?, followup = ?, "
					"seen_at = ?, last_visit_id = ?, last_outcome = ?, alert_case_id = ? "
					"WHERE plan_id = ? AND target_kind = ? AND target_id = ?");
	if (!st)
		return LX_ERR;
	lx_bind_ms(st, 1, t->done_at);
	lx_bind_id(st, 2, t->done_by);
	lx_bind_ms(st, 3, t->retry_at);
	lx_stmt_bind_text(st, 4, t->followup);
	lx_bind_ms(st, 5, t->seen_at);
	lx_bind_id(st, 6, t->last_visit_id);
	lx_stmt_bind_text(st, 7, t->last_outcome);
	lx_bind_id(st, 8, t->alert_case_id);
	lx_stmt_bind_int(st, 9, t->plan_id);
	lx_stmt_bind_text(st, 10, t->kind);
	lx_stmt_bind_int(st, 11, t->id);
	return lx_change_one(db, st, LX_NOTFOUND);
}

/* ---------------- visits ---------------- */

#define LX_VISIT_COLS                                                                              \
	"id, client_uuid, plan_id, form_id, form_version, target_kind, target_id, unit_id, unit_path, " \
	"worker_id, outcome, answers, lat, lon, visited_at, created_at"

void lx_visit_clear(lx_visit *v)
{
	free(v->unit_path);
	free(v->answers);
	json_decref(v->hazards);
	memset(v, 0, sizeof *v);
}

static void lx_visit_fill(lx_stmt *st, void *out)
{
	lx_visit *v = out;
	memset(v, 0, sizeof *v);
	v->id = lx_stmt_int(st, 0);
	snprintf(v->client_uuid, sizeof v->client_uuid, "%s", lx_stmt_text(st, 1));
	v->plan_id = lx_stmt_int(st, 2);
	v->form_id = lx_stmt_int(st, 3);
	v->form_version = (int)lx_stmt_int(st, 4);
	snprintf(v->target_kind, sizeof v->target_kind, "%s", lx_stmt_text(st, 5));
	v->target_id = lx_stmt_int(st, 6);
	v->unit_id = lx_stmt_int(st, 7);
	v->unit_path = lx_stmt_dup(st, 8);
	v->worker_id = lx_stmt_int(st, 9);
	snprintf(v->outcome, sizeof v->outcome, "%s", lx_stmt_text(st, 10));
	v->answers = lx_stmt_dup(st, 11);
	v->has_point = !lx_stmt_isnull(st, 12) && !lx_stmt_isnull(st, 13);
	v->lat = lx_stmt_double(st, 12);
	v->lon = lx_stmt_double(st, 13);
	v->visited_at = lx_stmt_int(st, 14);
	v->created_at = lx_stmt_int(st, 15);
}

/* The hazard cases the visit raised, from the ledger. */
static int lx_visit_hazards(lx_db *db, lx_visit *v)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT case_id FROM hazards WHERE visit_id = ? ORDER BY case_id");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, v->id);
	v->hazards = lx_rows_ids(st);
	return v->hazards ? LX_OK : LX_ERR;
}

int lx_visit_insert(lx_db *db, lx_visit *v, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO visits(client_uuid, plan_id, form_id, form_version, target_kind, "
					"target_id, unit_id, unit_path, worker_id, outcome, answers, lat, lon, "
					"visited_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
					"ON CONFLICT (client_uuid) DO NOTHING RETURNING id");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, v->client_uuid);
	lx_stmt_bind_int(st, 2, v->plan_id);
	lx_stmt_bind_int(st, 3, v->form_id);
	lx_stmt_bind_int(st, 4, v->form_version);
	lx_stmt_bind_text(st, 5, v->target_kind);
	lx_stmt_bind_int(st, 6, v->target_id);
	lx_stmt_bind_int(st, 7, v->unit_id);
	lx_stmt_bind_text(st, 8, v->unit_path);
	lx_stmt_bind_int(st, 9, v->worker_id);
	lx_stmt_bind_text(st, 10, v->outcome);
	lx_stmt_bind_text(st, 11, v->answers ? v->answers : "{}");
	if (v->has_point) {
		lx_stmt_bind_double(st, 12, v->lat);
		lx_stmt_bind_double(st, 13, v->lon);
	} else {
		lx_stmt_bind_null(st, 12);
		lx_stmt_bind_null(st, 13);
	}
	lx_stmt_bind_int(st, 14, v->visited_at);
	lx_stmt_bind_int(st, 15, now);
	int rc = lx_stmt_one_int(st, &v->id);
	if (rc == LX_NOTFOUND)
		return LX_CONFLICT; /* the uuid was stored: nothing returned */
	if (rc == LX_OK)
		v->created_at = now;
	return rc;
}

int lx_visit_by_uuid(lx_db *db, const char *uuid, lx_visit *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_VISIT_COLS " FROM visits WHERE client_uuid = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, uuid);
	int rc = lx_row_one(st, lx_visit_fill, out);
	if (rc == LX_OK && (rc = lx_visit_hazards(db, out)) != LX_OK)
		lx_visit_clear(out);
	return rc;
}

int lx_visit_get(lx_db *db, const char *scope, int64_t id, lx_visit *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_VISIT_COLS " FROM visits WHERE id = ? AND unit_path >= ? "
					"AND unit_path < ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	lx_bind_scope(st, 2, scope);
	int rc = lx_row_one(st, lx_visit_fill, out);
	if (rc == LX_OK && (rc = lx_visit_hazards(db, out)) != LX_OK)
		lx_visit_clear(out);
	return rc;
}

int lx_visits_each(lx_db *db, const char *scope, int64_t plan_id, const char *kind, int64_t target_id,
		   int64_t worker_id, int64_t before, int limit, int (*fn)(void *arg, const lx_visit *v), void *arg)
{
	lx_buf sql;
	lx_buf_init(&sql);
	lx_buf_puts(&sql, "SELECT " LX_VISIT_COLS " FROM visits WHERE unit_path >= ?1 AND unit_path < ?2");
	if (plan_id)
		lx_buf_puts(&sql, " AND plan_id = ?3");
	if (kind)
		lx_buf_puts(&sql, " AND target_kind = ?4 AND target_id = ?5");
	if (worker_id)
		lx_buf_puts(&sql, " AND worker_id = ?6");
	if (before)
		lx_buf_puts(&sql, " AND id < ?7");
	lx_buf_puts(&sql, " ORDER BY id DESC LIMIT ?8");
	lx_stmt *st = lx_db_prepare(db, sql.data);
	lx_buf_free(&sql);
	if (!st)
		return LX_ERR;
	lx_bind_scope(st, 1, scope);
	if (plan_id)
		lx_stmt_bind_int(st, 3, plan_id);
	if (kind) {
		lx_stmt_bind_text(st, 4, kind);
		lx_stmt_bind_int(st, 5, target_id);
	}
	if (worker_id)
		lx_stmt_bind_int(st, 6, worker_id);
	if (before)
		lx_stmt_bind_int(st, 7, before);
	lx_stmt_bind_int(st, 8, limit);
	/* the page first, then each visit's hazards (another statement) */
	lx_visit *page = lx_xcalloc((size_t)(limit > 0 ? limit : 1), sizeof *page);
	int n = 0, rc;
	while (n < limit && (rc = lx_stmt_step(st)) == LX_ROW)
		lx_visit_fill(st, &page[n++]);
	if (n == limit)
		rc = LX_DONE;
	lx_stmt_done(st);
	rc = rc == LX_ROW || rc == LX_DONE ? LX_OK : LX_ERR;
	for (int i = 0; i < n && rc == LX_OK; i++) {
		rc = lx_visit_hazards(db, &page[i]);
		if (rc == LX_OK && fn(arg, &page[i]))
			break;
	}
	for (int i = 0; i < n; i++)
		lx_visit_clear(&page[i]);
	free(page);
	return rc;
}

int lx_targets_refresh(lx_db *db, int64_t plan_id)
{
	lx_stmt *st = lx_db_prepare(
		db, "UPDATE visit_targets SET done_at = (SELECT MAX(v.visited_at) FROM visits v WHERE "
		    "v.target_kind = visit_targets.target_kind AND v.target_id = visit_targets.target_id AND "
		    "v.plan_id = visit_targets.plan_id AND v.outcome <> 'not_home'), seen_at = (SELECT MAX(v.visited_at) "
		    "FROM visits v WHERE v.target_kind = visit_targets.target_kind AND v.target_id = "
		    "visit_targets.target_id AND v.plan_id = visit_targets.plan_id AND v.outcome = 'home') "
		    "WHERE plan_id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, plan_id);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}
