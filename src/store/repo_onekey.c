/*
 * repo_onekey.c - press-9 calls, their ladders and who was told
 * (repo_onekey.h). The caller's number is sealed with the data key.
 */
#include "pii.h"
#include "repo.h"
#include "repo_onekey.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_OK_COLS                                                                                     \
	"k.id, k.case_id, k.resident_id, k.unit_id, k.unit_path, k.community_id, k.caller_sealed, "    \
	"k.device_id, k.emergency, k.step, k.nsteps, k.step_due_at, k.acked_at, k.acked_by, "          \
	"k.arrived_at, k.arrived_by, k.closed_at, k.closed_by, k.close_note, k.created_at"

void lx_onekey_call_clear(lx_onekey_call *k)
{
	free(k->unit_path);
	lx_pii_free(k->caller);
	free(k->device_id);
	free(k->close_note);
	memset(k, 0, sizeof *k);
}

static void lx_onekey_fill(lx_stmt *st, void *out)
{
	lx_onekey_call *k = out;
	memset(k, 0, sizeof *k);
	k->id = lx_stmt_int(st, 0);
	k->case_id = lx_stmt_int(st, 1);
	k->resident_id = lx_stmt_int(st, 2);
	k->unit_id = lx_stmt_int(st, 3);
	k->unit_path = lx_stmt_dup(st, 4);
	k->community_id = lx_stmt_int(st, 5);
	k->caller = lx_pii_open(lx_stmt_text(st, 6));
	k->device_id = lx_stmt_dup(st, 7);
	k->emergency = lx_stmt_int(st, 8) != 0;
	k->step = (int)lx_stmt_int(st, 9);
	k->nsteps = (int)lx_stmt_int(st, 10);
	k->step_due_at = lx_stmt_int(st, 11);
	k->acked_at = lx_stmt_int(st, 12);
	k->acked_by = lx_stmt_int(st, 13);
	k->arrived_at = lx_stmt_int(st, 14);
	k->arrived_by = lx_stmt_int(st, 15);
	k->closed_at = lx_stmt_int(st, 16);
	k->closed_by = lx_stmt_int(st, 17);
	k->close_note = lx_stmt_dup(st, 18);
	k->created_at = lx_stmt_int(st, 19);
}

static char *lx_users_text(const lx_onekey_step *s)
{
	json_t *a = json_array();
	for (int i = 0; i < s->nusers; i++)
		json_array_append_new(a, json_integer(s->users[i]));
	char *t = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return t;
}

int lx_onekey_insert(lx_db *db, lx_onekey_call *k, const lx_onekey_step *steps, int n)
{
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO onekey_calls(case_id, resident_id, unit_id, unit_path, "
					"community_id, caller_sealed, device_id, emergency, step, nsteps, step_due_at, "
					"created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	if (!st)
		return LX_ERR;
	char *sealed = k->caller ? lx_pii_seal(k->caller) : NULL;
	lx_stmt_bind_int(st, 1, k->case_id);
	lx_bind_id(st, 2, k->resident_id);
	lx_stmt_bind_int(st, 3, k->unit_id);
	lx_stmt_bind_text(st, 4, k->unit_path);
	lx_bind_id(st, 5, k->community_id);
	lx_stmt_bind_text(st, 6, sealed);
	lx_stmt_bind_text(st, 7, k->device_id);
	lx_stmt_bind_int(st, 8, k->emergency);
	lx_stmt_bind_int(st, 9, k->step);
	lx_stmt_bind_int(st, 10, n);
	lx_bind_ms(st, 11, k->step_due_at);
	lx_stmt_bind_int(st, 12, k->created_at);
	free(sealed);
	int rc = lx_stmt_one_int(st, &k->id);
	if (rc != LX_OK)
		return LX_ERR;
	k->nsteps = n;
	for (int i = 0; rc == LX_OK && i < n; i++) {
		if (!(st = lx_db_prepare(db, "INSERT INTO onekey_steps(call_id, n, kind, unit_id, user_ids) "
					     "VALUES (?, ?, ?, ?, ?)")))
			return LX_ERR;
		char *users = lx_users_text(&steps[i]);
		lx_stmt_bind_int(st, 1, k->id);
		lx_stmt_bind_int(st, 2, steps[i].n);
		lx_stmt_bind_text(st, 3, steps[i].kind);
		lx_bind_id(st, 4, steps[i].unit_id);
		lx_stmt_bind_text(st, 5, users);
		free(users);
		rc = lx_stmt_exec(st);
	}
	return rc;
}

int lx_onekey_get(lx_db *db, const char *scope, int64_t id, lx_onekey_call *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_OK_COLS " FROM onekey_calls k WHERE k.id = ? "
					"AND k.unit_path >= ? AND k.unit_path < ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	lx_bind_scope(st, 2, scope);
	return lx_row_one(st, lx_onekey_fill, out);
}

int lx_onekey_by_case(lx_db *db, int64_t case_id, lx_onekey_call *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_OK_COLS " FROM onekey_calls k WHERE k.case_id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, case_id);
	return lx_row_one(st, lx_onekey_fill, out);
}

static void lx_step_fill(lx_stmt *st, void *out)
{
	lx_onekey_step *s = out;
	memset(s, 0, sizeof *s);
	s->n = (int)lx_stmt_int(st, 0);
	snprintf(s->kind, sizeof s->kind, "%s", lx_stmt_text(st, 1) ? lx_stmt_text(st, 1) : "");
	s->unit_id = lx_stmt_int(st, 2);
	json_t *a = json_loads(lx_stmt_text(st, 3) ? lx_stmt_text(st, 3) : "[]", 0, NULL);
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
		if (json_is_integer(v) && s->nusers < LX_ONEKEY_STEP_USERS)
			s->users[s->nusers++] = json_integer_value(v);
	json_decref(a);
	s->notified_at = lx_stmt_int(st, 4);
}

#define LX_STEP_COLS "n, kind, unit_id, user_ids, notified_at"

int lx_onekey_step_get(lx_db *db, int64_t call_id, int n, lx_onekey_step *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_STEP_COLS " FROM onekey_steps WHERE call_id = ? AND n = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, call_id);
	lx_stmt_bind_int(st, 2, n);
	return lx_row_one(st, lx_step_fill, out);
}

int lx_onekey_steps_each(lx_db *db, int64_t call_id, int (*fn)(void *arg, const lx_onekey_step *s), void *arg)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_STEP_COLS " FROM onekey_steps WHERE call_id = ? ORDER BY n");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, call_id);
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		lx_onekey_step s;
		lx_step_fill(st, &s);
		if (fn(arg, &s))
			break;
	}
	lx_stmt_done(st);
	return rc == LX_ERR ? LX_ERR : LX_OK;
}

int lx_onekey_step_told(lx_db *db, int64_t call_id, const lx_onekey_step *s, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE onekey_steps SET notified_at = ? WHERE call_id = ? AND n = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, now);
	lx_stmt_bind_int(st, 2, call_id);
	lx_stmt_bind_int(st, 3, s->n);
	int rc = lx_stmt_exec(st);
	for (int i = 0; rc == LX_OK && i < s->nusers; i++) {
		if (!(st = lx_db_prepare(db, "INSERT INTO onekey_told(call_id, user_id, at) VALUES (?, ?, ?) "
					     "ON CONFLICT DO NOTHING")))
			return LX_ERR;
		lx_stmt_bind_int(st, 1, call_id);
		lx_stmt_bind_int(st, 2, s->users[i]);
		lx_stmt_bind_int(st, 3, now);
		rc = lx_stmt_exec(st);
	}
	return rc;
}

int lx_onekey_was_told(lx_db *db, int64_t call_id, int64_t user_id, bool *told)
{
	int64_t one = 0;
	lx_stmt *st = lx_db_prepare(db, "SELECT 1 FROM onekey_told WHERE call_id = ? AND user_id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, call_id);
	lx_stmt_bind_int(st, 2, user_id);
	int rc = lx_stmt_one_int(st, &one);
	*told = rc == LX_OK;
	return rc == LX_NOTFOUND ? LX_OK : rc;
}

int lx_onekey_move(lx_db *db, int64_t call_id, int from, int to, lx_ms due)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE onekey_calls SET step = ?, step_due_at = ? WHERE id = ? "
					"AND step = ? AND acked_at IS NULL AND closed_at IS NULL");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, to);
	lx_bind_ms(st, 2, due);
	lx_stmt_bind_int(st, 3, call_id);
	lx_stmt_bind_int(st, 4, from);
	return lx_change_one(db, st, LX_CONFLICT);
}

/* Column 0 of up to max rows of the bound st into ids, their count in *n;
 * finishes st. LX_OK or LX_ERR. */
static int lx_ids_into(lx_stmt *st, int64_t *ids, int max, int *n)
{
	int rc = LX_DONE;
	*n = 0;
	while (*n < max && (rc = lx_stmt_step(st)) == LX_ROW)
		ids[(*n)++] = lx_stmt_int(st, 0);
	lx_stmt_done(st);
	return rc == LX_ERR ? LX_ERR : LX_OK;
}

int lx_onekey_due(lx_db *db, lx_ms now, int64_t *ids, int max, int *n)
{
	*n = 0;
	lx_stmt *st = lx_db_prepare(db, "SELECT id FROM onekey_calls WHERE step_due_at <= ? AND acked_at IS NULL "
					"AND closed_at IS NULL ORDER BY step_due_at, id LIMIT ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, now);
	lx_stmt_bind_int(st, 2, max);
	return lx_ids_into(st, ids, max, n);
}

int lx_onekey_mark(lx_db *db, int64_t case_id, const char *what, int64_t user, lx_ms now, const char *note)
{
	const char *sql = strcmp(what, "ack") == 0
		? "UPDATE onekey_calls SET acked_at = ?, acked_by = ?, step_due_at = NULL WHERE case_id = ?"
		: strcmp(what, "arrive") == 0
		? "UPDATE onekey_calls SET arrived_at = ?, arrived_by = ? WHERE case_id = ?"
		: "UPDATE onekey_calls SET closed_at = ?1, closed_by = ?2, close_note = ?4, step_due_at = NULL "
		  "WHERE case_id = ?3";
	lx_stmt *st = lx_db_prepare(db, sql);
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, now);
	lx_bind_id(st, 2, user);
	lx_stmt_bind_int(st, 3, case_id);
	if (strcmp(what, "close") == 0)
		lx_stmt_bind_text(st, 4, note);
	return lx_change_one(db, st, LX_NOTFOUND);
}

/* Steps st over call rows, calling fn on each; LX_OK or LX_ERR. */
static int lx_onekey_rows(lx_stmt *st, int limit, int (*fn)(void *arg, const lx_onekey_call *k), void *arg,
			  bool *more)
{
	int rc, n = 0;
	if (more)
		*more = false;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		if (limit && n == limit) {
			if (more)
				*more = true;
			break;
		}
		lx_onekey_call k;
		lx_onekey_fill(st, &k);
		int stop = fn(arg, &k);
		lx_onekey_call_clear(&k);
		n++;
		if (stop)
			break;
	}
	lx_stmt_done(st);
	return rc == LX_ERR ? LX_ERR : LX_OK;
}

int lx_onekey_list(lx_db *db, const char *scope, int64_t user_id, bool open_only, int limit, int offset,
		   int (*fn)(void *arg, const lx_onekey_call *k), void *arg, bool *more)
{
	/* in the scope, or told to the user (a carer of another unit) */
	lx_stmt *st = lx_db_prepare(db, open_only
		? "SELECT " LX_OK_COLS " FROM onekey_calls k WHERE ((k.unit_path >= ?1 AND k.unit_path < ?2) OR "
		  "EXISTS (SELECT 1 FROM onekey_told t WHERE t.call_id = k.id AND t.user_id = ?5)) "
		  "AND k.closed_at IS NULL ORDER BY CASE WHEN k.acked_at IS NULL THEN 0 ELSE 1 END, k.id DESC "
		  "LIMIT ?3 OFFSET ?4"
		: "SELECT " LX_OK_COLS " FROM onekey_calls k WHERE ((k.unit_path >= ?1 AND k.unit_path < ?2) OR "
		  "EXISTS (SELECT 1 FROM onekey_told t WHERE t.call_id = k.id AND t.user_id = ?5)) "
		  "ORDER BY CASE WHEN k.acked_at IS NULL AND k.closed_at IS NULL THEN 0 ELSE 1 END, k.id DESC "
		  "LIMIT ?3 OFFSET ?4");
	if (!st)
		return LX_ERR;
	lx_bind_scope(st, 1, scope);
	lx_stmt_bind_int(st, 3, limit + 1);
	lx_stmt_bind_int(st, 4, offset);
	lx_stmt_bind_int(st, 5, user_id);
	return lx_onekey_rows(st, limit, fn, arg, more);
}

int lx_onekey_each_between(lx_db *db, const char *scope, lx_ms from, lx_ms to,
			   int (*fn)(void *arg, const lx_onekey_call *k), void *arg)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_OK_COLS " FROM onekey_calls k WHERE k.unit_path >= ? "
					"AND k.unit_path < ? AND k.created_at >= ? AND k.created_at < ? ORDER BY k.id");
	if (!st)
		return LX_ERR;
	lx_bind_scope(st, 1, scope);
	lx_stmt_bind_int(st, 3, from);
	lx_stmt_bind_int(st, 4, to);
	return lx_onekey_rows(st, 0, fn, arg, NULL);
}

int lx_onekey_told_open(lx_db *db, int (*fn)(void *arg, int64_t call_id, int64_t user_id, const char *phone),
			void *arg)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT t.call_id, t.user_id, u.phone FROM onekey_told t "
					"JOIN onekey_calls k ON k.id = t.call_id JOIN users u ON u.id = t.user_id "
					"WHERE k.acked_at IS NULL AND k.closed_at IS NULL AND u.active = 1 "
					"ORDER BY t.at DESC, t.call_id DESC LIMIT 500");
	if (!st)
		return LX_ERR;
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW)
		if (fn(arg, lx_stmt_int(st, 0), lx_stmt_int(st, 1), lx_stmt_text(st, 2)))
			break;
	lx_stmt_done(st);
	return rc == LX_ERR ? LX_ERR : LX_OK;
}

/* ---------------- the daily "I'm fine" ---------------- */

/* Inserts the day's row; LX_CONFLICT when it is there already. */
static int lx_fine_row(lx_db *db, int64_t resident_id, const char *day, const char *kind, int64_t case_id, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO resident_fine(resident_id, day, kind, at, case_id) "
					"VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, resident_id);
	lx_stmt_bind_text(st, 2, day);
	lx_stmt_bind_text(st, 3, kind);
	lx_stmt_bind_int(st, 4, now);
	lx_bind_id(st, 5, case_id);
	int rc = lx_stmt_exec(st);
	if (rc != LX_OK)
		return rc;
	return lx_db_changes(db) ? LX_OK : LX_CONFLICT;
}

int lx_fine_press(lx_db *db, int64_t resident_id, const char *day, lx_ms now)
{
	return lx_fine_row(db, resident_id, day, "pressed", 0, now);
}

int lx_fine_missed_record(lx_db *db, int64_t resident_id, const char *day, lx_ms now)
{
	return lx_fine_row(db, resident_id, day, "missed", 0, now);
}

int lx_fine_followed_up(lx_db *db, int64_t resident_id, const char *day, int64_t case_id)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE resident_fine SET case_id = ? WHERE resident_id = ? AND day = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, case_id);
	lx_stmt_bind_int(st, 2, resident_id);
	lx_stmt_bind_text(st, 3, day);
	return lx_change_one(db, st, LX_NOTFOUND);
}

int lx_fine_missed(lx_db *db, const char *day, int64_t *ids, int max, int *n)
{
	*n = 0;
	lx_stmt *st = lx_db_prepare(db, "SELECT r.id FROM residents r WHERE r.daily_check_since IS NOT NULL "
					"AND r.daily_check_since <= ?1 AND NOT EXISTS (SELECT 1 FROM resident_fine f "
					"WHERE f.resident_id = r.id AND f.day = ?1) ORDER BY r.id LIMIT ?2");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, day);
	lx_stmt_bind_int(st, 2, max);
	return lx_ids_into(st, ids, max, n);
}

int lx_fine_case_of(lx_db *db, int64_t resident_id, const char *day, int64_t *case_id)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT COALESCE(case_id, 0) FROM resident_fine WHERE resident_id = ? AND day = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, resident_id);
	lx_stmt_bind_text(st, 2, day);
	return lx_stmt_one_int(st, case_id);
}
