/*
 * repo_cases.c - the case row and its timeline: insert, load in a scope,
 * the versioned update, events, and the duplicates merged into a case.
 * Lists are repo_case_list.c, assist tasks repo_tasks.c, what the sweeper
 * and the calendar read repo_case_due.c.
 *
 * A case is visible in a scope when it is located there (unit_path), handled
 * there (scope_path) or a unit there was asked to assist (case_tasks).
 */
#include "driver.h"
#include "repo_case.h"
#include "chain.h"
#include "text.h"
#include "rules.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_CASE_COLS LX_CASE_ROW_COLS

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
	free(c->extensions);
	free(c->suspensions);
	free(c->verifications);
	free(c->appeals);
	free(c->status_note);
	memset(c, 0, sizeof *c);
}

void lx_case_copy(lx_case *dst, const lx_case *src)
{
	*dst = *src;
	dst->category_code = lx_xstrdup(src->category_code);
	dst->title = lx_xstrdup(src->title);
	dst->description = lx_xstrdup(src->description);
	dst->address = lx_xstrdup(src->address);
	dst->unit_path = lx_xstrdup(src->unit_path);
	dst->scope_path = lx_xstrdup(src->scope_path);
	dst->reporter_name = lx_xstrdup(src->reporter_name);
	dst->reporter_phone = lx_xstrdup(src->reporter_phone);
	dst->reply = lx_xstrdup(src->reply);
	dst->extensions = lx_xstrdup(src->extensions);
	dst->suspensions = lx_xstrdup(src->suspensions);
	dst->verifications = lx_xstrdup(src->verifications);
	dst->appeals = lx_xstrdup(src->appeals);
	dst->status_note = lx_xstrdup(src->status_note);
}

void lx_event_clear(lx_event *e)
{
	free(e->note);
	free(e->input);
	memset(e, 0, sizeof *e);
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
	c->unit_id = lx_stmt_int(st, 10);
	c->unit_path = lx_stmt_dup(st, 11);
	c->handler_unit_id = lx_stmt_int(st, 12);
	c->scope_path = lx_stmt_dup(st, 13);
	c->urgent = lx_stmt_int(st, 14) != 0;
	c->reporter_name = lx_stmt_dup(st, 15);
	c->reporter_phone = lx_stmt_dup(st, 16);
	c->reporter_anonymous = lx_stmt_int(st, 17) != 0;
	c->created_by = lx_stmt_int(st, 18);
	c->created_at = lx_stmt_int(st, 19);
	c->first_dispatched_at = lx_stmt_int(st, 20);
	c->dispatched_at = lx_stmt_int(st, 21);
	c->accept_due_at = lx_stmt_int(st, 22);
	c->resolve_due_at = lx_stmt_int(st, 23);
	c->accepted_at = lx_stmt_int(st, 24);
	c->resolved_at = lx_stmt_int(st, 25);
	c->closed_at = lx_stmt_int(st, 26);
	c->rated_at = lx_stmt_int(st, 27);
	c->updated_at = lx_stmt_int(st, 28);
	c->reply = lx_stmt_dup(st, 29);
	snprintf(c->rating, sizeof c->rating, "%s", lx_stmt_isnull(st, 30) ? "" : lx_stmt_text(st, 30));
	c->solved = lx_stmt_isnull(st, 31) ? -1 : (int)lx_stmt_int(st, 31);
	c->accept_overdue = lx_stmt_int(st, 32) != 0;
	c->overdue = lx_stmt_int(st, 33) != 0;
	c->supervised = (int)lx_stmt_int(st, 34);
	c->version = lx_stmt_int(st, 35);
	snprintf(c->pending, sizeof c->pending, "%s", lx_stmt_isnull(st, 36) ? "" : lx_stmt_text(st, 36));
	c->suspended_at = lx_stmt_int(st, 37);
	c->suspended_until = lx_stmt_int(st, 38);
	c->suspended_ms = lx_stmt_int(st, 39);
	c->excluded = lx_stmt_int(st, 40) != 0;
	c->merged_into = lx_stmt_int(st, 41);
	c->accept_workdays = (int)lx_stmt_int(st, 42);
	c->resolve_workdays = (int)lx_stmt_int(st, 43);
	c->resolve_basis_at = lx_stmt_int(st, 44);
	c->resolve_extra_ms = lx_stmt_int(st, 45);
	c->extensions = lx_stmt_dup(st, 46);
	c->suspensions = lx_stmt_dup(st, 47);
	c->verifications = lx_stmt_dup(st, 48);
	c->appeals = lx_stmt_dup(st, 49);
	c->appealed_at = lx_stmt_int(st, 50);
	c->status_note = lx_stmt_dup(st, 51);
	c->status_by = lx_stmt_int(st, 52);
	c->status_unit_id = lx_stmt_int(st, 53);
	c->rule_workdays = lx_stmt_isnull(st, 54) ? 0 : (int)lx_stmt_int(st, 54);
}

/* Binds the mutable columns in the order of LX_CASE_SET, from index first. */
#define LX_CASE_SET \
	"status = ?, category_code = ?, handler_unit_id = ?, scope_path = ?, urgent = ?, " \
	"first_dispatched_at = ?, dispatched_at = ?, accept_due_at = ?, resolve_due_at = ?, " \
	"accepted_at = ?, resolved_at = ?, closed_at = ?, rated_at = ?, updated_at = ?, reply = ?, " \
	"rating = ?, solved = ?, accept_overdue = ?, overdue = ?, supervised = ?, pending = ?, " \
	"suspended_at = ?, suspended_until = ?, suspended_ms = ?, excluded = ?, merged_into = ?, " \
	"accept_workdays = ?, resolve_workdays = ?, resolve_basis_at = ?, resolve_extra_ms = ?, " \
	"extensions = ?, suspensions = ?, verifications = ?, appeals = ?, appealed_at = ?, " \
	"status_note = ?, status_by = ?, status_unit_id = ?"
#define LX_CASE_NSET 38
/* The same columns, for the INSERT. */
#define LX_CASE_SET_COLS \
	"status, category_code, handler_unit_id, scope_path, urgent, first_dispatched_at, " \
	"dispatched_at, accept_due_at, resolve_due_at, accepted_at, resolved_at, closed_at, rated_at, " \
	"updated_at, reply, rating, solved, accept_overdue, overdue, supervised, pending, " \
	"suspended_at, suspended_until, suspended_ms, excluded, merged_into, accept_workdays, " \
	"resolve_workdays, resolve_basis_at, resolve_extra_ms, extensions, suspensions, " \
	"verifications, appeals, appealed_at, status_note, status_by, status_unit_id"

static void lx_case_bind_mutable(lx_stmt *st, int first, const lx_case *c)
{
	int i = first;
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
	lx_stmt_bind_text(st, i++, c->pending[0] ? c->pending : NULL);
	lx_bind_ms(st, i++, c->suspended_at);
	lx_bind_ms(st, i++, c->suspended_until);
	lx_stmt_bind_int(st, i++, c->suspended_ms);
	lx_stmt_bind_int(st, i++, c->excluded);
	lx_bind_id(st, i++, c->merged_into);
	lx_bind_id(st, i++, c->accept_workdays);
	lx_bind_id(st, i++, c->resolve_workdays);
	lx_bind_ms(st, i++, c->resolve_basis_at);
	lx_stmt_bind_int(st, i++, c->resolve_extra_ms);
	lx_stmt_bind_text(st, i++, c->extensions);
	lx_stmt_bind_text(st, i++, c->suspensions);
	lx_stmt_bind_text(st, i++, c->verifications);
	lx_stmt_bind_text(st, i++, c->appeals);
	lx_bind_ms(st, i++, c->appealed_at);
	lx_stmt_bind_text(st, i++, c->status_note);
	lx_bind_id(st, i++, c->status_by);
	lx_bind_id(st, i++, c->status_unit_id);
	assert(i == first + LX_CASE_NSET);
}

int lx_case_insert(lx_db *db, lx_case *c, const char *terms)
{
	int rc;
	lx_stmt *st = lx_db_prepare(db,
		"INSERT INTO cases(" LX_CASE_SET_COLS ", "
		"type, channel, title, description, address, lat, lon, unit_id, unit_path, "
		"reporter_name, reporter_phone, reporter_anonymous, created_by, created_at, version, "
		"reporter_key, rule_workdays) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id");
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
	char *key = lx_phone_key(c->reporter_phone);
	lx_stmt_bind_text(st, i++, key);
	free(key);
	lx_bind_id(st, i++, c->rule_workdays);
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
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_CASE_COLS ", (SELECT COUNT(*) FROM case_tasks ot "
					"WHERE ot.case_id = c.id AND ot.status = 'open') "
					"FROM cases c WHERE c.id = ?3 AND " LX_CASE_SCOPE_SQL);
	if (!st)
		return LX_ERR;
	lx_bind_scope(st, 1, scope);
	lx_stmt_bind_int(st, 3, id);
	int rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		lx_case_from_row(st, out);
		out->open_tasks = (int)lx_stmt_int(st, LX_CASE_NCOLS);
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

/* INSERT ... VALUES (...) x n for 1 <= n <= LX_EVENTS_ROWS, built once each.
 * No RETURNING: SQLite materialises it in a scratch table, which made an
 * event's insert four times the cost (a third of `gen`); the one caller
 * that needs the id asks lx_case_last_event. */
#define LX_EVENTS_ROWS 16
static char *lx_events_sql[LX_EVENTS_ROWS + 1];
static pthread_once_t lx_events_once = PTHREAD_ONCE_INIT;

static void lx_events_sql_build(void)
{
	for (int n = 1; n <= LX_EVENTS_ROWS; n++) {
		lx_buf b;
		lx_buf_init(&b);
		lx_buf_puts(&b, "INSERT INTO case_events(id, case_id, at, actor_id, action, from_status, to_status, "
				"unit_id, note, input, accept_due_at, resolve_due_at, prev_hash) VALUES ");
		for (int i = 0; i < n; i++)
			lx_buf_puts(&b, i ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
					  : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
		lx_events_sql[n] = lx_buf_steal(&b);
	}
}

/* The timeline is a hash chain (store/chain.c): each event takes the next
 * id of the chain's head and the head's hash as its predecessor. */
int lx_case_events_insert(lx_db *db, const lx_event *ev, size_t n)
{
	pthread_once(&lx_events_once, lx_events_sql_build);
	lx_chain c;
	if (n == 0)
		return LX_OK;
	if (lx_chain_head(db, "case_events", &c) != LX_OK)
		return LX_ERR;
	char prev[LX_EVENTS_ROWS][LX_CHAIN_HEX + 1];
	lx_buf fields;
	lx_buf_init(&fields);
	int rc = LX_OK;
	for (size_t done = 0; rc == LX_OK && done < n;) {
		size_t k = n - done < LX_EVENTS_ROWS ? n - done : LX_EVENTS_ROWS;
		lx_stmt *st = lx_db_prepare(db, lx_events_sql[k]);
		if (!st) {
			rc = LX_ERR;
			break;
		}
		for (size_t i = 0; i < k; i++) {
			const lx_event *e = &ev[done + i];
			int64_t id = ++c.last_id;
			int b = (int)i * 13;
			fields.len = 0;
			lx_chain_event_fields(&fields, id, e);
			memcpy(prev[i], c.hash, sizeof prev[i]);
			lx_chain_hash(c.hash, &fields, c.hash);
			lx_stmt_bind_int(st, b + 1, id);
			lx_stmt_bind_int(st, b + 2, e->case_id);
			lx_stmt_bind_int(st, b + 3, e->at);
			lx_bind_id(st, b + 4, e->actor_id);
			lx_stmt_bind_text(st, b + 5, e->action);
			lx_stmt_bind_text(st, b + 6, e->from);
			lx_stmt_bind_text(st, b + 7, e->to);
			lx_bind_id(st, b + 8, e->unit_id);
			lx_stmt_bind_text(st, b + 9, e->note);
			lx_stmt_bind_text(st, b + 10, e->input);
			lx_bind_ms(st, b + 11, e->accept_due_at);
			lx_bind_ms(st, b + 12, e->resolve_due_at);
			lx_stmt_bind_text(st, b + 13, prev[i]);
		}
		if (lx_stmt_step(st) != LX_DONE)
			rc = LX_ERR;
		lx_stmt_done(st);
		done += k;
	}
	lx_buf_free(&fields);
	if (rc == LX_OK)
		rc = lx_chain_save(db, &c);
	return rc;
}

int lx_case_event(lx_db *db, const lx_event *e)
{
	return lx_case_events_insert(db, e, 1);
}

int lx_case_last_event(lx_db *db, int64_t case_id, int64_t *id)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT MAX(id) FROM case_events WHERE case_id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, case_id);
	return lx_stmt_one_int(st, id);
}

int lx_case_events_each(lx_db *db, int64_t case_id, int (*fn)(void *arg, const lx_event_view *v),
			void *arg)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT e.id, e.at, e.actor_id, e.action, e.from_status, "
					"e.to_status, e.unit_id, e.note, e.input, e.accept_due_at, "
					"e.resolve_due_at, u.name, n.name "
					"FROM case_events e LEFT JOIN users u ON u.id = e.actor_id "
					"LEFT JOIN units n ON n.id = e.unit_id "
					"WHERE e.case_id = ? ORDER BY e.id");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, case_id);
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		/* borrowed from the row: nothing here is freed */
		lx_event e = {
			.id = lx_stmt_int(st, 0),
			.case_id = case_id,
			.at = lx_stmt_int(st, 1),
			.actor_id = lx_stmt_int(st, 2),
			.action = lx_stmt_text(st, 3),
			.from = lx_stmt_isnull(st, 4) ? NULL : lx_stmt_text(st, 4),
			.to = lx_stmt_isnull(st, 5) ? NULL : lx_stmt_text(st, 5),
			.unit_id = lx_stmt_int(st, 6),
			.note = lx_stmt_isnull(st, 7) ? NULL : (char *)lx_stmt_text(st, 7),
			.input = lx_stmt_isnull(st, 8) ? NULL : (char *)lx_stmt_text(st, 8),
			.accept_due_at = lx_stmt_int(st, 9),
			.resolve_due_at = lx_stmt_int(st, 10),
		};
		lx_event_view v = {&e, lx_stmt_isnull(st, 11) ? NULL : lx_stmt_text(st, 11),
				   lx_stmt_isnull(st, 12) ? NULL : lx_stmt_text(st, 12)};
		if (fn(arg, &v) != 0) {
			rc = LX_DONE;
			break;
		}
	}
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

int lx_case_merged_each(lx_db *db, int64_t master, int (*fn)(void *arg, const lx_case *c), void *arg)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_CASE_ROW_COLS " FROM cases c WHERE c.merged_into = ? "
					"ORDER BY c.id");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, master);
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		lx_case c;
		lx_case_from_row(st, &c);
		int stop = fn(arg, &c);
		lx_case_clear(&c);
		if (stop) {
			rc = LX_DONE;
			break;
		}
	}
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}
