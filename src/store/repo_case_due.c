/*
 * repo_case_due.c - what the sweeper and the calendar read: cases whose
 * clock ran out, suspensions that end by themselves, open cases counted in
 * working days; the counts of /metrics; and the search terms of a case
 * with the rebuild of their index.
 *
 * The statuses come from the engine's classes (repo_states.c): "a clock
 * runs in this status" is the machines' word, not this file's. The SQL is
 * built once (the statuses do not change while the process runs), so the
 * statement cache finds it by its address.
 */
#include "driver.h"
#include "repo_case.h"
#include "text.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SQL_DUE_ACCEPT, SQL_DUE_RESOLVE, SQL_UNTIL, SQL_WORKDAYS, SQL_COUNTS, SQL_WARN, SQL__N };
static char *lx_due_sql[SQL__N];
static pthread_once_t lx_due_once = PTHREAD_ONCE_INIT;

/* The sweeps' queries have no ORDER BY, so that they run on the
 * (status, resolve_due_at) index instead of walking the table in id
 * order; lx_case_rows_sorted puts what they found in id order. */
static void lx_due_sql_build(void)
{
	/* accept: not accepted since the dispatch, deadline passed, unmarked */
	lx_due_sql[SQL_DUE_ACCEPT] = lx_xasprintf(
		"SELECT " LX_CASE_ROW_COLS " FROM cases c WHERE c.status IN %s AND c.accept_overdue = 0 "
		"AND c.dispatched_at IS NOT NULL AND c.accepted_at IS NULL AND c.accept_due_at < ? "
		"LIMIT ?", lx_store_states_sql(LX_STATES_ACCEPT_CLOCK));
	lx_due_sql[SQL_DUE_RESOLVE] = lx_xasprintf(
		"SELECT " LX_CASE_ROW_COLS " FROM cases c WHERE c.status IN %s AND c.overdue = 0 "
		"AND c.resolve_due_at < ? LIMIT ?", lx_store_states_sql(LX_STATES_RESOLVE_CLOCK));
	lx_due_sql[SQL_UNTIL] = lx_xstrdup(
		"SELECT " LX_CASE_ROW_COLS " FROM cases c WHERE c.suspended_until IS NOT NULL "
		"AND c.suspended_until < ? AND c.suspended_at IS NOT NULL LIMIT ?");
	lx_due_sql[SQL_WORKDAYS] = lx_xasprintf(
		"SELECT " LX_CASE_ROW_COLS " FROM cases c WHERE (c.accept_workdays IS NOT NULL "
		"OR c.resolve_workdays IS NOT NULL) AND c.id > ? AND c.status IN %s ORDER BY c.id LIMIT ?",
		lx_store_states_sql(LX_STATES_OPEN));
	/* resolve: the deadline is near (?1 now, ?3 the horizon), not warned of yet */
	lx_due_sql[SQL_WARN] = lx_xasprintf(
		"SELECT " LX_CASE_ROW_COLS " FROM cases c WHERE c.status IN %s AND c.overdue = 0 "
		"AND c.resolve_due_at >= ?1 AND c.resolve_due_at < ?3 AND NOT EXISTS (SELECT 1 FROM case_warnings w "
		"WHERE w.case_id = c.id AND w.due_at = c.resolve_due_at) LIMIT ?2",
		lx_store_states_sql(LX_STATES_RESOLVE_CLOCK));
	lx_due_sql[SQL_COUNTS] = lx_xasprintf(
		"SELECT COUNT(*), COALESCE(SUM(CASE WHEN resolve_due_at < ? AND (overdue = 1 OR status IN %s) "
		"THEN 1 ELSE 0 END), 0) FROM cases WHERE status IN %s",
		lx_store_states_sql(LX_STATES_RESOLVE_CLOCK), lx_store_states_sql(LX_STATES_OPEN));
}

static const char *lx_due_text(int which)
{
	pthread_once(&lx_due_once, lx_due_sql_build);
	return lx_due_sql[which];
}

/* Loads up to limit cases of st into a new array (caller clears each and
 * frees it). LX_OK or LX_ERR. */
static int lx_case_rows(lx_stmt *st, int limit, lx_case **out, int *n)
{
	lx_case *found = lx_xcalloc((size_t)limit + 1, sizeof *found);
	int cnt = 0, step = LX_DONE;
	while (cnt < limit && (step = lx_stmt_step(st)) == LX_ROW)
		lx_case_from_row(st, &found[cnt++]);
	lx_stmt_done(st);
	if (step != LX_ROW && step != LX_DONE) {
		for (int i = 0; i < cnt; i++)
			lx_case_clear(&found[i]);
		free(found);
		return LX_ERR;
	}
	*out = found;
	*n = cnt;
	return LX_OK;
}

static int lx_case_id_cmp(const void *a, const void *b)
{
	int64_t x = ((const lx_case *)a)->id, y = ((const lx_case *)b)->id;
	return x < y ? -1 : x > y;
}

/* Runs one of the loading queries with two integer parameters; the cases
 * come back in id order. */
static int lx_case_load_list(lx_db *db, int which, int64_t a, int limit, lx_case **out, int *n)
{
	lx_stmt *st = lx_db_prepare(db, lx_due_text(which));
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, a);
	lx_stmt_bind_int(st, 2, limit);
	int rc = lx_case_rows(st, limit, out, n);
	if (rc == LX_OK)
		qsort(*out, (size_t)*n, sizeof **out, lx_case_id_cmp);
	return rc;
}

int lx_case_due(lx_db *db, int slot, lx_ms now, int limit, lx_case **out, int *n)
{
	/* In id order, so that nodes sweeping at once lock rows in the same
	 * order (no deadlocks on PostgreSQL); each case then goes through the
	 * engine's versioned update, so it is marked once: the loser of a race
	 * finds a newer version and skips the case. */
	assert(slot == 0 || slot == 1);
	return lx_case_load_list(db, slot == 0 ? SQL_DUE_ACCEPT : SQL_DUE_RESOLVE, now, limit, out, n);
}

int lx_case_warn_due(lx_db *db, lx_ms now, lx_ms ahead_ms, int limit, lx_case **out, int *n)
{
	lx_stmt *st = lx_db_prepare(db, lx_due_text(SQL_WARN));
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, now);
	lx_stmt_bind_int(st, 2, limit);
	lx_stmt_bind_int(st, 3, now + ahead_ms);
	int rc = lx_case_rows(st, limit, out, n);
	if (rc == LX_OK)
		qsort(*out, (size_t)*n, sizeof **out, lx_case_id_cmp);
	return rc;
}

int lx_case_warned(lx_db *db, int64_t case_id, lx_ms due_at, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO case_warnings(case_id, due_at, at) VALUES (?, ?, ?) "
					"ON CONFLICT DO NOTHING");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, case_id);
	lx_stmt_bind_int(st, 2, due_at);
	lx_stmt_bind_int(st, 3, now);
	int rc = lx_stmt_exec(st);
	if (rc != LX_OK)
		return rc;
	return lx_db_changes(db) ? LX_OK : LX_CONFLICT;
}

int lx_case_warnings_settle(lx_db *db, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO case_warnings(case_id, due_at, at) SELECT id, resolve_due_at, ? "
					"FROM cases WHERE resolve_due_at IS NOT NULL AND overdue = 0 ON CONFLICT DO NOTHING");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, now);
	return lx_stmt_exec(st);
}

int lx_case_until_due(lx_db *db, lx_ms now, int limit, lx_case **out, int *n)
{
	return lx_case_load_list(db, SQL_UNTIL, now, limit, out, n);
}

int lx_case_workday_open(lx_db *db, int64_t after_id, int limit, lx_case **out, int *n)
{
	return lx_case_load_list(db, SQL_WORKDAYS, after_id, limit, out, n);
}

int lx_case_counts(lx_db *db, lx_ms now, int64_t *open, int64_t *overdue)
{
	lx_stmt *st = lx_db_prepare(db, lx_due_text(SQL_COUNTS));
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, now);
	int rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		*open = lx_stmt_int(st, 0);
		*overdue = lx_stmt_int(st, 1);
		rc = LX_OK;
	}
	lx_stmt_done(st);
	return rc == LX_OK ? LX_OK : LX_ERR;
}

char *lx_case_terms(const char *title, const char *description)
{
	char *text = lx_xasprintf("%s %s", title ? title : "", description ? description : "");
	char *terms = lx_text_terms(text);
	free(text);
	return terms;
}

int lx_case_fts_rebuild(lx_db *db, int64_t every, int64_t *n)
{
	enum { PAGE = 2000 };
	int64_t last = 0, done = 0, since = 0, ids[PAGE];
	char *terms[PAGE];
	int rc = LX_OK;
	bool in_tx = false;
	for (bool more = true; more && rc == LX_OK;) {
		int got = 0, step;
		lx_stmt *st = lx_db_prepare(db, "SELECT id, title, description FROM cases WHERE id > ? "
						"ORDER BY id LIMIT 2000");
		if (!st) {
			rc = LX_ERR;
			break;
		}
		lx_stmt_bind_int(st, 1, last);
		while (got < PAGE && (step = lx_stmt_step(st)) == LX_ROW) {
			ids[got] = lx_stmt_int(st, 0);
			terms[got++] = lx_case_terms(lx_stmt_text(st, 1), lx_stmt_text(st, 2));
		}
		lx_stmt_done(st);
		if (got < PAGE && step != LX_DONE)
			rc = LX_ERR;
		more = got == PAGE;
		if (rc == LX_OK && got && every > 0 && !in_tx) {
			rc = lx_db_begin(db, true);
			in_tx = rc == LX_OK;
		}
		for (int i = 0; i < got; i++) {
			if (rc == LX_OK && *terms[i])
				rc = lx_db_fts_index(db, ids[i], terms[i]);
			free(terms[i]);
		}
		if (got) {
			last = ids[got - 1];
			done += got;
			since += got;
		}
		if (rc == LX_OK && in_tx && (!more || since >= every)) {
			rc = lx_db_commit(db);
			in_tx = false;
			since = 0;
		}
	}
	if (in_tx)
		lx_db_rollback(db);
	if (n)
		*n = done;
	return rc;
}
