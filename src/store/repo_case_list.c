/*
 * repo_case_list.c - lists of cases: by search, through the visibility
 * index of a unit, or over the whole table, each newest first.
 */
#include "driver.h"
#include "repo_case.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_CASE_COLS LX_CASE_ROW_COLS
#define LX_CASE_SCOPE LX_CASE_SCOPE_SQL

/*
 * Lists run one of three plans, each reading ids newest first so that a
 * page stops after limit + 1 rows:
 *
 *  - search (q): the search index drives, newest match first, and each
 *    match is checked against the scope and the other filters;
 *  - in a unit (the caller's scope below the whole system, or unit_id): the
 *    visibility index drives, one (unit, status) range per status wanted,
 *    merged in id order (lx_stream below);
 *  - the whole system without a unit: the cases table itself.
 *
 * Every plan keeps the full scope predicate on each row: the visibility
 * index narrows the reading, it does not decide what is shown.
 */

/* The WHERE conditions of a filter after the plan's own; parameter numbers
 * are fixed so that one cached statement serves each filter shape. */
static void lx_list_conds(lx_buf *sql, const lx_case_filter *f, bool root, char **likes)
{
	if (!root)
		lx_buf_puts(sql, " AND " LX_CASE_SCOPE);
	if (f->status)
		lx_buf_puts(sql, " AND c.status = ?3");
	if (f->type)
		lx_buf_puts(sql, " AND c.type = ?4");
	if (f->category_code)
		lx_buf_puts(sql, " AND (c.category_code = ?5 OR c.category_code IN "
				 "(SELECT code FROM categories WHERE parent_code = ?5))");
	if (f->unit_path && f->basis == LX_BASIS_LOCATION)
		lx_buf_puts(sql, " AND c.unit_path >= ?6 AND c.unit_path < ?7");
	else if (f->unit_path && f->basis == LX_BASIS_HANDLER)
		lx_buf_puts(sql, " AND c.scope_path >= ?6 AND c.scope_path < ?7");
	else if (f->unit_path)
		lx_buf_puts(sql, " AND ((c.scope_path >= ?6 AND c.scope_path < ?7) OR "
				 "(c.unit_path >= ?6 AND c.unit_path < ?7))");
	if (f->id)
		lx_buf_puts(sql, " AND c.id = ?25");
	if (f->reporter_key)
		lx_buf_puts(sql, " AND c.reporter_key = ?26");
	if (f->created_by)
		lx_buf_puts(sql, " AND c.created_by = ?27");
	if (f->overdue) {
		/* overdue: open, past its resolve deadline, and that clock runs in
		 * its status or ran out before it stopped (the flag). Statuses by
		 * name, so the (status, resolve_due_at) index serves it. */
		lx_buf_printf(sql, " AND c.status IN %s AND c.resolve_due_at < ?8 AND (c.overdue = 1 OR "
			      "c.status IN %s)", lx_store_states_sql(LX_STATES_OPEN),
			      lx_store_states_sql(LX_STATES_RESOLVE_CLOCK));
	}
	if (f->pending)
		lx_buf_puts(sql, strcmp(f->pending, "any") == 0 ? " AND c.pending IS NOT NULL" : " AND c.pending = ?24");
	if (f->from)
		lx_buf_puts(sql, " AND c.created_at >= ?9");
	if (f->to)
		lx_buf_puts(sql, " AND c.created_at < ?10");
	for (size_t i = 0; likes[i]; i++)
		/* LOWER on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not */
		lx_buf_printf(sql, " AND (LOWER(c.title) LIKE LOWER(?%zu) ESCAPE '\\' "
			      "OR LOWER(c.description) LIKE LOWER(?%zu) ESCAPE '\\')", 14 + i, 14 + i);
}

/* Binds what lx_list_conds and the plans refer to; cursor is the id below
 * which to read (0: from the newest). */
static void lx_list_bind(lx_stmt *st, const char *scope, const lx_case_filter *f, char **likes,
			 int64_t cursor, int limit)
{
	lx_bind_scope(st, 1, scope);
	if (f->status)
		lx_stmt_bind_text(st, 3, f->status);
	if (f->type)
		lx_stmt_bind_text(st, 4, f->type);
	if (f->category_code)
		lx_stmt_bind_text(st, 5, f->category_code);
	if (f->unit_path)
		lx_bind_scope(st, 6, f->unit_path);
	if (f->overdue)
		lx_stmt_bind_int(st, 8, lx_now_ms());
	if (f->pending && strcmp(f->pending, "any") != 0)
		lx_stmt_bind_text(st, 24, f->pending);
	if (f->id)
		lx_stmt_bind_int(st, 25, f->id);
	if (f->reporter_key)
		lx_stmt_bind_text(st, 26, f->reporter_key);
	if (f->created_by)
		lx_stmt_bind_int(st, 27, f->created_by);
	if (f->from)
		lx_stmt_bind_int(st, 9, f->from);
	if (f->to)
		lx_stmt_bind_int(st, 10, f->to);
	lx_stmt_bind_int(st, 11, cursor ? cursor : INT64_MAX);
	if (f->match)
		lx_stmt_bind_text(st, 12, f->match);
	lx_stmt_bind_int(st, 13, limit);
	for (size_t i = 0; likes[i]; i++)
		lx_stmt_bind_text(st, (int)(14 + i), likes[i]);
}

/* Runs a plan that returns rows in id order with LIMIT ?13: calls fn for
 * up to f->limit of them and sets *more when there was one more. */
static int lx_list_simple(lx_db *db, const char *sql, const char *scope, const lx_case_filter *f,
			  char **likes, int (*fn)(void *arg, const lx_case *c), void *arg, bool *more)
{
	lx_stmt *st = lx_db_prepare(db, sql);
	if (!st)
		return LX_ERR;
	lx_list_bind(st, scope, f, likes, f->cursor, f->limit + 1);
	int n = 0, step;
	while ((step = lx_stmt_step(st)) == LX_ROW) {
		if (n == f->limit) {
			*more = true;
			break;
		}
		lx_case c;
		lx_case_from_row(st, &c);
		fn(arg, &c);
		lx_case_clear(&c);
		n++;
	}
	lx_stmt_done(st);
	return step == LX_ROW || step == LX_DONE ? LX_OK : LX_ERR;
}

/* One (unit, status) range of the visibility index, read in chunks. */
typedef struct {
	const char *status;
	int64_t below;    /* the next chunk reads ids below this (0: newest) */
	bool done;        /* the range has no more rows */
	lx_case *buf;
	int n, pos;
} lx_stream;

#define LX_STREAM_CHUNK 64

static int lx_stream_fill(lx_db *db, const char *sql, int64_t unit, const char *scope,
			  const lx_case_filter *f, char **likes, lx_stream *s)
{
	for (int i = 0; i < s->n; i++)
		lx_case_clear(&s->buf[i]);
	s->n = s->pos = 0;
	lx_stmt *st = lx_db_prepare(db, sql);
	if (!st)
		return LX_ERR;
	int chunk = f->limit + 1 < LX_STREAM_CHUNK ? f->limit + 1 : LX_STREAM_CHUNK;
	lx_list_bind(st, scope, f, likes, s->below, chunk);
	lx_stmt_bind_int(st, 22, unit);
	lx_stmt_bind_text(st, 23, s->status);
	int step;
	while ((step = lx_stmt_step(st)) == LX_ROW)
		lx_case_from_row(st, &s->buf[s->n++]);
	lx_stmt_done(st);
	if (step != LX_DONE)
		return LX_ERR;
	/* LIMIT counts rows that passed every filter: fewer than asked for
	 * means none is left in this range */
	if (s->n < chunk)
		s->done = true;
	else
		s->below = s->buf[s->n - 1].id;
	return LX_OK;
}

/* Merges the (unit, status) ranges of the statuses the filter allows. */
static int lx_list_streams(lx_db *db, const char *sql, int64_t unit, const char *scope,
			   const lx_case_filter *f, char **likes,
			   int (*fn)(void *arg, const lx_case *c), void *arg, bool *more)
{
	const char *const *all = lx_store_statuses();
	size_t nall = 0;
	while (all[nall])
		nall++;
	lx_stream *s = lx_xcalloc(nall + 1, sizeof *s);
	size_t ns = 0;
	int rc = LX_OK;
	if (f->status)
		s[ns++].status = f->status;
	else
		/* every status (only open ones can be overdue) */
		for (size_t i = 0; i < nall; i++)
			if (!f->overdue || lx_store_state(all[i])->open)
				s[ns++].status = all[i];
	for (size_t i = 0; i < ns; i++) {
		s[i].below = f->cursor;
		s[i].buf = lx_xcalloc(LX_STREAM_CHUNK, sizeof *s[i].buf);
	}
	int emitted = 0;
	for (;;) {
		lx_stream *best = NULL;
		for (size_t i = 0; rc == LX_OK && i < ns; i++) {
			if (s[i].pos == s[i].n && !s[i].done)
				rc = lx_stream_fill(db, sql, unit, scope, f, likes, &s[i]);
			if (s[i].pos < s[i].n && (!best || s[i].buf[s[i].pos].id > best->buf[best->pos].id))
				best = &s[i];
		}
		if (rc != LX_OK || !best)
			break;
		if (emitted == f->limit) {
			*more = true;
			break;
		}
		fn(arg, &best->buf[best->pos]);
		lx_case_clear(&best->buf[best->pos]);
		best->pos++;
		emitted++;
	}
	for (size_t i = 0; i < ns; i++) {
		for (int j = 0; j < s[i].n; j++)
			lx_case_clear(&s[i].buf[j]);
		free(s[i].buf);
	}
	free(s);
	return rc;
}

int lx_case_list(lx_db *db, const char *scope, const lx_case_filter *f,
		 int (*fn)(void *arg, const lx_case *c), void *arg, bool *more)
{
	int rc;
	lx_buf sql;
	char *likes[9] = {0};
	bool root = strcmp(scope, "/") == 0;

	lx_buf_init(&sql);
	*more = false;
	for (size_t i = 0; i < f->nwords && i < 8; i++)
		likes[i] = lx_like_pattern(f->words[i]);
	/* The unit whose visibility rows to read: the narrower of the caller's
	 * scope and the unit filter when one holds the other. */
	int64_t unit = root ? 0 : lx_path_unit_id(scope);
	if (f->unit_path && (root || lx_scope_contains(scope, f->unit_path)))
		unit = lx_path_unit_id(f->unit_path);
	if (f->id || f->reporter_key) {
		/* one case, or one caller's: the primary key or the caller's index
		 * (reporter_key, id) reads them newest first */
		lx_buf_puts(&sql, "SELECT " LX_CASE_COLS " FROM cases c WHERE c.id < ?11");
		lx_list_conds(&sql, f, root, likes);
		lx_buf_puts(&sql, " ORDER BY c.id DESC LIMIT ?13");
		rc = lx_list_simple(db, sql.data, scope, f, likes, fn, arg, more);
	} else if (f->match) {
		const char *order_by;
		lx_buf_puts(&sql, "SELECT " LX_CASE_COLS " FROM ");
		lx_buf_puts(&sql, lx_db_fts_plan(db, &order_by));
		lx_list_conds(&sql, f, root, likes);
		lx_buf_printf(&sql, " ORDER BY %s DESC LIMIT ?13", order_by);
		rc = lx_list_simple(db, sql.data, scope, f, likes, fn, arg, more);
	} else if (unit) {
		lx_buf_puts(&sql, "SELECT " LX_CASE_COLS " FROM case_scope v CROSS JOIN cases c "
				  "WHERE c.id = v.case_id AND v.unit_id = ?22 AND v.status = ?23 "
				  "AND v.case_id < ?11");
		lx_list_conds(&sql, f, root, likes);
		lx_buf_puts(&sql, " ORDER BY v.case_id DESC LIMIT ?13");
		rc = lx_list_streams(db, sql.data, unit, scope, f, likes, fn, arg, more);
	} else {
		lx_buf_puts(&sql, "SELECT " LX_CASE_COLS " FROM cases c WHERE c.id < ?11");
		lx_list_conds(&sql, f, root, likes);
		lx_buf_puts(&sql, " ORDER BY c.id DESC LIMIT ?13");
		rc = lx_list_simple(db, sql.data, scope, f, likes, fn, arg, more);
	}
	for (size_t i = 0; likes[i]; i++)
		free(likes[i]);
	lx_buf_free(&sql);
	return rc;
}

