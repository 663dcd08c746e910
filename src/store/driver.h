/*
 * driver.h - what a database driver provides behind db.h. Only store/
 * includes this. Each driver's connection and statement structs start
 * with the common header (struct lx_db / struct lx_stmt), so db.c can
 * dispatch through the driver table.
 */
#ifndef LX_DRIVER_H
#define LX_DRIVER_H

#include "db.h"

struct lx_db_driver {
	const char *kind; /* "sqlite" | "postgresql" */
	int (*open)(const char *url, lx_db **out, char *err, size_t errsz);
	void (*close)(lx_db *db);
	const char *(*errmsg)(lx_db *db);
	int (*exec)(lx_db *db, const char *sql);
	int (*begin)(lx_db *db, bool write);
	int (*commit)(lx_db *db);
	void (*rollback)(lx_db *db);
	lx_stmt *(*prepare)(lx_db *db, const char *sql);
	void (*bind_int)(lx_stmt *st, int i, int64_t v);
	void (*bind_double)(lx_stmt *st, int i, double v);
	void (*bind_text)(lx_stmt *st, int i, const char *s);
	void (*bind_null)(lx_stmt *st, int i);
	int (*step)(lx_stmt *st);
	bool (*isnull)(lx_stmt *st, int col);
	int64_t (*col_int)(lx_stmt *st, int col);
	double (*col_double)(lx_stmt *st, int col);
	const char *(*col_text)(lx_stmt *st, int col);
	void (*done)(lx_stmt *st);
	int64_t (*changes)(lx_db *db);
	int (*fts_index)(lx_db *db, int64_t id, const char *terms);
	const char *(*fts_condition)(lx_db *db);
};

/* The common first member of every driver's connection and statement. */
struct lx_db {
	const struct lx_db_driver *drv;
};
struct lx_stmt {
	const struct lx_db_driver *drv;
};

extern const struct lx_db_driver lx_sqlite_driver;

#endif
