/*
 * repo_households.c - households registered in grids and their residents.
 */
#include "repo.h"

int lx_household_insert(lx_db *db, int64_t unit_id, const char *unit_path, const char *address,
			int members, bool elderly_alone, lx_ms now, int64_t *id)
{
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO households(unit_id, unit_path, address, members, "
					"elderly_alone, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, unit_id);
	lx_stmt_bind_text(st, 2, unit_path);
	lx_stmt_bind_text(st, 3, address);
	lx_stmt_bind_int(st, 4, members);
	lx_stmt_bind_int(st, 5, elderly_alone);
	lx_stmt_bind_int(st, 6, now);
	/* RETURNING id: no row would mean nothing was written */
	int rc = lx_stmt_one_int(st, id);
	return rc == LX_NOTFOUND ? LX_ERR : rc;
}

int lx_resident_insert(lx_db *db, int64_t household_id, const char *name, const char *phone,
		       const char *id_number, int birth_year, lx_ms now)
{
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO residents(household_id, name, phone, id_number, "
					"birth_year, created_at) VALUES (?, ?, ?, ?, ?, ?)");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, household_id);
	lx_stmt_bind_text(st, 2, name);
	lx_stmt_bind_text(st, 3, phone);
	lx_stmt_bind_text(st, 4, id_number);
	lx_stmt_bind_int(st, 5, birth_year);
	lx_stmt_bind_int(st, 6, now);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : rc;
}
