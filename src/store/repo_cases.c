/*
 * repo_cases.c - cases, their timeline, assist sub-tasks, search and the
 * SLA sweep.
 *
 * A case is visible in a scope when it is located there (unit_path), handled
 * there (scope_path) or a unit there was asked to assist (case_tasks).
 */
#include "driver.h"
#include "repo.h"
#include "text.h"
#include "workflow.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_CASE_COLS LX_CASE_ROW_COLS
/* The scope predicate; binds ?1 = scope, ?2 = its upper bound. */
#define LX_CASE_SCOPE \
	"((c.scope_path >= ?1 AND c.scope_path < ?2) OR (c.unit_path >= ?1 AND c.unit_path < ?2) " \
	"OR EXISTS (SELECT 1 FROM case_tasks t WHERE t.case_id = c.id " \
	"AND t.unit_path >= ?1 AND t.unit_path < ?2))"

void lx_case_clear(lx_case *c)
{
	free(c->category_code);
	free(c->title);
	free(c->description);
	free(c->address);
	free(c->unit_path);
	free(c->scope_path);
	free(c->reporter_name);
	free(c->reporter_phone);
	free(c->reply);
	memset(c, 0, sizeof *c);
}

static lx_ms lx_col_ms(lx_stmt *st, int col)
{
	return lx_stmt_isnull(st, col) ? 0 : lx_stmt_int(st, col);
}

void lx_case_from_row(lx_stmt *st, lx_case *c)
{
	memset(c, 0, sizeof *c);
	c->id = lx_stmt_int(st, 0);
	snprintf(c->type, sizeof c->type, "%s", lx_stmt_text(st, 1));
	snprintf(c->channel, sizeof c->channel, "%s", lx_stmt_text(st, 2));
	snprintf(c->status, sizeof c->status, "%s", lx_stmt_text(st, 3));
	c->category_code = lx_stmt_dup(st, 4);
	c->title = lx_stmt_dup(st, 5);
	c->description = lx_stmt_dup(st, 6);
	c->address = lx_stmt_dup(st, 7);
	c->has_point = !lx_stmt_isnull(st, 8) && !lx_stmt_isnull(st, 9);
	c->lat = lx_stmt_double(st, 8);
	c->lon = lx_stmt_double(st, 9);
	c->unit_id = lx_col_ms(st, 10);
	c->unit_path = lx_stmt_dup(st, 11);
	c->handler_unit_id = lx_col_ms(st, 12);
	c->scope_path = lx_stmt_dup(st, 13);
	c->urgent = lx_stmt_int(st, 14) != 0;
	c->reporter_name = lx_stmt_dup(st, 15);
	c->reporter_phone = lx_stmt_dup(st, 16);
	c->reporter_anonymous = lx_stmt_int(st, 17) != 0;
	c->created_by = lx_col_ms(st, 18);
	c->created_at = lx_col_ms(st, 19);
	c->first_dispatched_at = lx_col_ms(st, 20);
	c->dispatched_at = lx_col_ms(st, 21);
	c->accept_due_at = lx_col_ms(st, 22);
	c->resolve_due_at = lx_col_ms(st, 23);
	c->accepted_at = lx_col_ms(st, 24);
	c->resolved_at = lx_col_ms(st, 25);
	c->closed_at = lx_col_ms(st, 26);
	c->rated_at = lx_col_ms(st, 27);
	c->updated_at = lx_col_ms(st, 28);
	c->reply = lx_stmt_dup(st, 29);
	snprintf(c->rating, sizeof c->rating, "%s", lx_stmt_isnull(st, 30) ? "" : lx_stmt_text(st, 30));
	c->solved = lx_stmt_isnull(st, 31) ? -1 : (int)lx_stmt_int(st, 31);
	c->accept_overdue = lx_stmt_int(st, 32) != 0;
	c->overdue = lx_stmt_int(st, 33) != 0;
	c->supervised = (int)lx_stmt_int(st, 34);
	c->version = lx_stmt_int(st, 35);
}

static void lx_bind_ms(lx_stmt *st, int i, lx_ms v)
{
	if (v)
		lx_stmt_bind_int(st, i, v);
	else
		lx_stmt_bind_null(st, i);
}

static void lx_bind_id(lx_stmt *st, int i, int64_t v)
{
	lx_bind_ms(st, i, v);
}

/* Binds the mutable columns in the order of LX_CASE_SET, from index first. */
#define LX_CASE_SET \
	"status = ?, category_code = ?, handler_unit_id = ?, scope_path = ?, urgent = ?, " \
	"first_dispatched_at = ?, dispatched_at = ?, accept_due_at = ?, resolve_due_at = ?, " \
	"accepted_at = ?, resolved_at = ?, closed_at = ?, rated_at = ?, updated_at = ?, reply = ?, " \
	"rating = ?, solved = ?, accept_overdue = ?, overdue = ?, supervised = ?"
#define LX_CASE_NSET 20

static void lx_case_bind_mutable(lx_stmt *st, int i, const lx_case *c)
{
	lx_stmt_bind_text(st, i++, c->status);
	lx_stmt_bind_text(st, i++, c->category_code);
	lx_bind_id(st, i++, c->handler_unit_id);
	lx_stmt_bind_text(st, i++, c->scope_path);
	lx_stmt_bind_int(st, i++, c->urgent);
	lx_bind_ms(st, i++, c->first_dispatched_at);
	lx_bind_ms(st, i++, c->dispatched_at);
	lx_bind_ms(st, i++, c->accept_due_at);
	lx_bind_ms(st, i++, c->resolve_due_at);
	lx_bind_ms(st, i++, c->accepted_at);
	lx_bind_ms(st, i++, c->resolved_at);
	lx_bind_ms(st, i++, c->closed_at);
	lx_bind_ms(st, i++, c->rated_at);
	lx_bind_ms(st, i++, c->updated_at);
	lx_stmt_bind_text(st, i++, c->reply);
	lx_stmt_bind_text(st, i++, c->rating[0] ? c->rating : NULL);
	if (c->solved < 0)
		lx_stmt_bind_null(st, i++);
	else
		lx_stmt_bind_int(st, i++, c->solved);
	lx_stmt_bind_int(st, i++, c->accept_overdue);
	lx_stmt_bind_int(st, i++, c->overdue);
	lx_stmt_bind_int(st, i++, c->supervised);
}

int lx_case_insert(lx_db *db, lx_case *c, const char *terms)
{
	int rc;
	lx_stmt *st = lx_db_prepare(db,
		"INSERT INTO cases(" "status, category_code, handler_unit_id, scope_path, urgent, "
		"first_dispatched_at, dispatched_at, accept_due_at, resolve_due_at, accepted_at, "
		"resolved_at, closed_at, rated_at, updated_at, reply, rating, solved, accept_overdue, "
		"overdue, supervised, "
		"type, channel, title, description, address, lat, lon, unit_id, unit_path, "
		"reporter_name, reporter_phone, reporter_anonymous, created_by, created_at, version) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id");
	if (!st)
		return LX_ERR;
	lx_case_bind_mutable(st, 1, c);
	int i = LX_CASE_NSET + 1;
	lx_stmt_bind_text(st, i++, c->type);
	lx_stmt_bind_text(st, i++, c->channel);
	lx_stmt_bind_text(st, i++, c->title);
	lx_stmt_bind_text(st, i++, c->description);
	lx_stmt_bind_text(st, i++, c->address);
	if (c->has_point) {
		lx_stmt_bind_double(st, i++, c->lat);
		lx_stmt_bind_double(st, i++, c->lon);
	} else {
		lx_stmt_bind_null(st, i++);
		lx_stmt_bind_null(st, i++);
	}
	lx_bind_id(st, i++, c->unit_id);
	lx_stmt_bind_text(st, i++, c->unit_path);
	lx_stmt_bind_text(st, i++, c->reporter_name);
	lx_stmt_bind_text(st, i++, c->reporter_phone);
	lx_stmt_bind_int(st, i++, c->reporter_anonymous);
	lx_bind_id(st, i++, c->created_by);
	lx_stmt_bind_int(st, i++, c->created_at);
	rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		c->id = lx_stmt_int(st, 0);
		c->version = 1;
		rc = LX_OK;
	}
	lx_stmt_done(st);
	if (rc != LX_OK)
		return rc;
	if (terms && *terms)
		rc = lx_db_fts_index(db, c->id, terms);
	if (rc == LX_OK && !db->bulk)
		rc = lx_rollup_case(db, c, +1);
	if (rc == LX_OK && !db->bulk)
		rc = lx_scope_case_insert(db, c);
	return rc;
}

int lx_case_get(lx_db *db, const char *scope, int64_t id, lx_case *out)
{
	char hi[512];
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_CASE_COLS ", (SELECT COUNT(*) FROM case_tasks ot "
					"WHERE ot.case_id = c.id AND ot.status = 'open') "
					"FROM cases c WHERE c.id = ?3 AND " LX_CASE_SCOPE);
	if (!st)
		return LX_ERR;
	lx_scope_upper(scope, hi, sizeof hi);
	lx_stmt_bind_text(st, 1, scope);
	lx_stmt_bind_text(st, 2, hi);
	lx_stmt_bind_int(st, 3, id);
	int rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		lx_case_from_row(st, out);
		out->open_tasks = (int)lx_stmt_int(st, 36);
		rc = LX_OK;
	} else if (rc == LX_DONE) {
		rc = LX_NOTFOUND;
	}
	lx_stmt_done(st);
	return rc;
}

static void lx_case_fill(lx_stmt *st, void *out)
{
	lx_case_from_row(st, out);
}

/* Loads the stored row of case id (no scope) into *out. */
static int lx_case_load(lx_db *db, int64_t id, lx_case *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_CASE_ROW_COLS " FROM cases c WHERE c.id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	return lx_row_one(st, lx_case_fill, out);
}

int lx_case_update(lx_db *db, lx_case *c, int64_t expected_version)
{
	/* A case closed or resolved without ever being accepted after its
	 * deadline passed leaves the states the sweeper looks at: mark its
	 * lateness here, so the response rate counts it as the scan would. */
	if (!c->accept_overdue && c->dispatched_at && !c->accepted_at && c->accept_due_at &&
	    c->accept_due_at < c->updated_at &&
	    (strcmp(c->status, "closed") == 0 || strcmp(c->status, "resolved") == 0))
		c->accept_overdue = true;
	/* the stored row, for the roll-ups' before-and-after */
	lx_case before = {0};
	int rc = lx_case_load(db, c->id, &before);
	if (rc == LX_NOTFOUND || (rc == LX_OK && before.version != expected_version)) {
		lx_case_clear(&before);
		return LX_CONFLICT;
	}
	if (rc != LX_OK)
		return rc;
	lx_stmt *st = lx_db_prepare(db, "UPDATE cases SET " LX_CASE_SET ", version = version + 1 "
					"WHERE id = ? AND version = ?");
	if (!st) {
		lx_case_clear(&before);
		return LX_ERR;
	}
	lx_case_bind_mutable(st, 1, c);
	lx_stmt_bind_int(st, LX_CASE_NSET + 1, c->id);
	lx_stmt_bind_int(st, LX_CASE_NSET + 2, expected_version);
	rc = lx_stmt_step(st);
	lx_stmt_done(st);
	if (rc == LX_DONE)
		rc = lx_db_changes(db) == 1 ? LX_OK : LX_CONFLICT;
	/* only a write that happened moves the roll-ups */
	if (rc == LX_OK && !db->bulk)
		rc = lx_rollup_change(db, &before, c);
	if (rc == LX_OK && !db->bulk)
		rc = lx_scope_case_change(db, &before, c);
	lx_case_clear(&before);
	if (rc != LX_OK)
		return rc;
	c->version = expected_version + 1;
	return LX_OK;
}

int lx_case_event(lx_db *db, int64_t case_id, lx_ms at, int64_t actor_id, const char *action,
		  const char *from, const char *to, int64_t unit_id, const char *note)
{
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO case_events(case_id, at, actor_id, action, "
					"from_status, to_status, unit_id, note) "
					"VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, case_id);
	lx_stmt_bind_int(st, 2, at);
	lx_bind_id(st, 3, actor_id);
	lx_stmt_bind_text(st, 4, action);
	lx_stmt_bind_text(st, 5, from);
	lx_stmt_bind_text(st, 6, to);
	lx_bind_id(st, 7, unit_id);
	lx_stmt_bind_text(st, 8, note);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

/* Writes text column col of st, or null. */
static void lx_jw_col(lx_jw *w, lx_stmt *st, int col)
{
	if (lx_stmt_isnull(st, col))
		lx_jw_null(w);
	else
		lx_jw_str(w, lx_stmt_text(st, col));
}

/* Writes integer column col of st, or null. */
static void lx_jw_col_int(lx_jw *w, lx_stmt *st, int col)
{
	if (lx_stmt_isnull(st, col))
		lx_jw_null(w);
	else
		lx_jw_int(w, lx_stmt_int(st, col));
}

int lx_case_events_write(lx_db *db, int64_t case_id, int offset_min, lx_jw *w)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT e.at, e.actor_id, e.action, e.from_status, "
					"e.to_status, e.note, e.unit_id, u.name, n.name "
					"FROM case_events e LEFT JOIN users u ON u.id = e.actor_id "
					"LEFT JOIN units n ON n.id = e.unit_id "
					"WHERE e.case_id = ? ORDER BY e.id");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, case_id);
	lx_jw_open(w, '[');
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		lx_jw_open(w, '{');
		lx_jw_key(w, "at");
		lx_jw_time(w, lx_stmt_int(st, 0), offset_min);
		lx_jw_key(w, "actor_id");
		lx_jw_col_int(w, st, 1);
		lx_jw_key(w, "actor_name");
		lx_jw_col(w, st, 7);
		lx_jw_key(w, "action");
		lx_jw_col(w, st, 2);
		lx_jw_key(w, "from_status");
		lx_jw_col(w, st, 3);
		lx_jw_key(w, "to_status");
		lx_jw_col(w, st, 4);
		lx_jw_key(w, "note");
		lx_jw_col(w, st, 5);
		lx_jw_key(w, "unit_id");
		lx_jw_col_int(w, st, 6);
		lx_jw_key(w, "unit_name");
		lx_jw_col(w, st, 8);
		lx_jw_close(w, '}');
	}
	lx_stmt_done(st);
	lx_jw_close(w, ']');
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

/* Escapes LIKE wildcards in s with backslash; returns malloc'd "%s%". */
static char *lx_like_pattern(const char *s)
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
	if (f->unit_path)
		lx_buf_puts(sql, " AND ((c.scope_path >= ?6 AND c.scope_path < ?7) OR "
				 "(c.unit_path >= ?6 AND c.unit_path < ?7))");
	if (f->overdue)
		/* open statuses by name, so the (status, resolve_due_at) index serves it */
		lx_buf_puts(sql, " AND c.status IN ('new', 'dispatched', 'accepted', 'returned', 'reopened') "
				 "AND c.resolve_due_at < ?8");
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
	char hi[512], uhi[512];
	lx_scope_upper(scope, hi, sizeof hi);
	lx_stmt_bind_text(st, 1, scope);
	lx_stmt_bind_text(st, 2, hi);
	if (f->status)
		lx_stmt_bind_text(st, 3, f->status);
	if (f->type)
		lx_stmt_bind_text(st, 4, f->type);
	if (f->category_code)
		lx_stmt_bind_text(st, 5, f->category_code);
	if (f->unit_path) {
		lx_scope_upper(f->unit_path, uhi, sizeof uhi);
		lx_stmt_bind_text(st, 6, f->unit_path);
		lx_stmt_bind_text(st, 7, uhi);
	}
	if (f->overdue)
		lx_stmt_bind_int(st, 8, lx_now_ms());
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
	static const char *const open5[] = {"new", "dispatched", "accepted", "returned", "reopened"};
	lx_stream s[LX_ST__N];
	size_t ns = 0;
	int rc = LX_OK;
	memset(s, 0, sizeof s);
	if (f->status)
		s[ns++].status = f->status;
	else if (f->overdue)
		for (size_t i = 0; i < sizeof open5 / sizeof open5[0]; i++)
			s[ns++].status = open5[i];
	else
		for (int i = 0; i < LX_ST__N; i++)
			s[ns++].status = lx_status_name((lx_status)i);
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
	if (f->match) {
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

int lx_task_done(lx_db *db, const char *scope, int64_t case_id, int64_t task_id,
		 int64_t actor_id, lx_ms now, int64_t *unit_id)
{
	char hi[512];
	lx_stmt *st = lx_db_prepare(db, "SELECT status, unit_id FROM case_tasks WHERE id = ? "
					"AND case_id = ? AND unit_path >= ? AND unit_path < ?");
	if (!st)
		return LX_ERR;
	lx_scope_upper(scope, hi, sizeof hi);
	lx_stmt_bind_int(st, 1, task_id);
	lx_stmt_bind_int(st, 2, case_id);
	lx_stmt_bind_text(st, 3, scope);
	lx_stmt_bind_text(st, 4, hi);
	int rc = lx_stmt_step(st);
	bool open = false;
	if (rc == LX_ROW) {
		open = strcmp(lx_stmt_text(st, 0), "open") == 0;
		*unit_id = lx_stmt_int(st, 1);
	}
	lx_stmt_done(st);
	if (rc == LX_DONE)
		return LX_NOTFOUND;
	if (rc != LX_ROW)
		return rc;
	if (!open)
		return LX_CONFLICT;
	st = lx_db_prepare(db, "UPDATE case_tasks SET status = 'done', done_at = ?, done_by = ? "
			       "WHERE id = ? AND status = 'open'");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, now);
	lx_stmt_bind_int(st, 2, actor_id);
	lx_stmt_bind_int(st, 3, task_id);
	rc = lx_stmt_step(st);
	lx_stmt_done(st);
	if (rc != LX_DONE)
		return rc;
	return lx_db_changes(db) == 1 ? LX_OK : LX_CONFLICT;
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
		lx_jw_col(w, st, 2);
		lx_jw_key(w, "status");
		lx_jw_col(w, st, 3);
		lx_jw_key(w, "note");
		lx_jw_col(w, st, 4);
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

static int lx_case_id_cmp(const void *a, const void *b)
{
	int64_t x = ((const lx_case *)a)->id, y = ((const lx_case *)b)->id;
	return x < y ? -1 : x > y;
}

/* Marks one kind of lateness: cases past a deadline not yet flagged. Each
 * goes through lx_case_update (version check, roll-ups) with its event, so
 * nodes sweeping at once mark a case once: the loser's update finds a newer
 * version and skips the case. Rows are taken in id order so two nodes lock
 * them in the same order and never deadlock on PostgreSQL. */
static int lx_sweep_one(lx_db *db, lx_ms now, int limit, bool accept, int *n)
{
	/* accept: dispatched, not accepted since, deadline passed, whatever came
	 * next (a case returned unaccepted was late too) */
	const char *sel = accept
		? "SELECT " LX_CASE_ROW_COLS " FROM cases c WHERE c.status IN ('dispatched', 'reopened', "
		  "'returned') AND c.accept_overdue = 0 "
		  "AND c.dispatched_at IS NOT NULL AND c.accepted_at IS NULL AND c.accept_due_at < ? "
		  "LIMIT ?"
		: "SELECT " LX_CASE_ROW_COLS " FROM cases c WHERE c.status IN ('new', 'dispatched', "
		  "'accepted', 'returned', 'reopened') AND c.overdue = 0 AND c.resolve_due_at < ? "
		  "LIMIT ?";
	lx_case *found = lx_xcalloc((size_t)limit, sizeof *found);
	int cnt = 0, rc;
	lx_stmt *st = lx_db_prepare(db, sel);
	if (!st) {
		free(found);
		return LX_ERR;
	}
	lx_stmt_bind_int(st, 1, now);
	lx_stmt_bind_int(st, 2, limit);
	while (cnt < limit && lx_stmt_step(st) == LX_ROW)
		lx_case_from_row(st, &found[cnt++]);
	lx_stmt_done(st);
	/* update in id order (locks taken in the same order on every node); the
	 * query itself has no ORDER BY so that it can run on the status index
	 * instead of walking the table in id order */
	qsort(found, (size_t)cnt, sizeof *found, lx_case_id_cmp);
	rc = LX_OK;
	for (int i = 0; i < cnt && rc == LX_OK; i++) {
		lx_case *c = &found[i];
		if (accept)
			c->accept_overdue = true;
		else
			c->overdue = true;
		c->updated_at = now;
		rc = lx_case_update(db, c, c->version);
		if (rc == LX_CONFLICT) {
			rc = LX_OK; /* changed meanwhile (another node): look again next pass */
			continue;
		}
		if (rc == LX_OK)
			rc = lx_case_event(db, c->id, now, 0, accept ? "accept_overdue" : "overdue", c->status,
					   c->status, c->handler_unit_id, accept ? "超过签收时限" : "超过办理时限");
		if (rc == LX_OK)
			(*n)++;
	}
	for (int i = 0; i < cnt; i++)
		lx_case_clear(&found[i]);
	free(found);
	return rc;
}

int lx_case_sweep(lx_db *db, lx_ms now, int limit, int *n)
{
	*n = 0;
	int rc = lx_sweep_one(db, now, limit, true, n);
	if (rc == LX_OK)
		rc = lx_sweep_one(db, now, limit, false, n);
	return rc;
}

int lx_case_counts(lx_db *db, lx_ms now, int64_t *open, int64_t *overdue)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN resolve_due_at < ? "
					"THEN 1 ELSE 0 END), 0) FROM cases "
					"WHERE status IN ('new', 'dispatched', 'accepted', 'returned', 'reopened')");
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
