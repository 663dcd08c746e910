/*
 * repo_calendar.c - the working-day calendar's days (calendar_days): the
 * dates set apart from the weekday rule, as 'YYYY-MM-DD' local dates.
 */
#include "repo.h"

#include <string.h>

int lx_calendar_each(lx_db *db, const char *from, const char *to,
		     int (*fn)(void *arg, const char *day, bool workday, const char *note), void *arg)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT day, workday, note FROM calendar_days "
					"WHERE day >= ? AND day <= ? ORDER BY day");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, from ? from : "0000-00-00");
	lx_stmt_bind_text(st, 2, to ? to : "9999-99-99");
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		if (fn(arg, lx_stmt_text(st, 0), lx_stmt_int(st, 1) != 0,
		       lx_stmt_isnull(st, 2) ? NULL : lx_stmt_text(st, 2)) != 0) {
			rc = LX_DONE;
			break;
		}
	}
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

int lx_calendar_put(lx_db *db, const char *day, bool workday, const char *note, int64_t actor_id, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO calendar_days(day, workday, note, updated_at, updated_by) "
					"VALUES (?, ?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET "
					"workday = excluded.workday, note = excluded.note, "
					"updated_at = excluded.updated_at, updated_by = excluded.updated_by");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, day);
	lx_stmt_bind_int(st, 2, workday);
	lx_stmt_bind_text(st, 3, note);
	lx_stmt_bind_int(st, 4, now);
	lx_bind_id(st, 5, actor_id);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

int lx_calendar_unset(lx_db *db, const char *day)
{
	lx_stmt *st = lx_db_prepare(db, "DELETE FROM calendar_days WHERE day = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, day);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}
